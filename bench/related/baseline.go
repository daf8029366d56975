package main

import (
	"slices"

	"github.com/herald-news/herald/internal/baseline"
)

// baselineLists returns, for each page, the six other pages closest by plain
// TF-IDF cosine over title and text: lower-cased words, raw term counts,
// idf ln(N/df), over the whole corpus at once.
func baselineLists(pages []*doc) map[string][]item {
	type posting struct {
		doc int
		w   float64
	}
	texts := make([]string, len(pages))
	for i, d := range pages {
		texts[i] = d.Title + " " + d.Text
	}
	vecs := baseline.TFIDF(texts)
	index := map[int32][]posting{}
	for i, v := range vecs {
		for _, t := range v {
			index[t.Term] = append(index[t.Term], posting{i, t.W})
		}
	}
	out := make(map[string][]item, len(pages))
	scores := make([]float64, len(pages))
	for i, v := range vecs {
		clear(scores)
		for _, t := range v {
			for _, p := range index[t.Term] {
				scores[p.doc] += t.W * p.w
			}
		}
		order := make([]int, 0, len(pages))
		for j := range pages {
			if j != i && scores[j] > 0 {
				order = append(order, j)
			}
		}
		slices.SortFunc(order, func(a, b int) int {
			switch {
			case scores[a] > scores[b]:
				return -1
			case scores[a] < scores[b]:
				return 1
			}
			return a - b
		})
		for _, j := range order[:min(len(order), maxK)] {
			out[pages[i].URL] = append(out[pages[i].URL], item{OriginalURL: pages[j].URL})
		}
	}
	return out
}
