package main

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// baseline returns, for each page, the six other pages closest by plain
// TF-IDF cosine over title and text: lower-cased words, raw term counts,
// idf ln(N/df), over the whole corpus at once.
func baseline(pages []*doc) map[string][]item {
	type posting struct {
		doc int
		w   float64
	}
	vecs := make([]map[string]float64, len(pages))
	df := map[string]int{}
	for i, d := range pages {
		v := map[string]float64{}
		for _, w := range strings.FieldsFunc(strings.ToLower(d.Title+" "+d.Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			v[w]++
		}
		for w := range v {
			df[w]++
		}
		vecs[i] = v
	}
	n := float64(len(pages))
	index := map[string][]posting{}
	for i, v := range vecs {
		var norm float64
		for w, tf := range v {
			v[w] = tf * math.Log(n/float64(df[w]))
			norm += v[w] * v[w]
		}
		norm = math.Sqrt(norm)
		for w := range v {
			if norm > 0 {
				v[w] /= norm
			}
			index[w] = append(index[w], posting{i, v[w]})
		}
	}
	out := make(map[string][]item, len(pages))
	scores := make([]float64, len(pages))
	for i, v := range vecs {
		clear(scores)
		for w, x := range v {
			for _, p := range index[w] {
				scores[p.doc] += x * p.w
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
