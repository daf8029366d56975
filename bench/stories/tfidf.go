package main

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// The story baseline is the plain method any story clustering must beat:
// TF-IDF vectors and single-pass clustering by cosine to the centroid, in
// publication order, with the threshold that suits the baseline best on
// each corpus (chosen on the labels, so it is the baseline at its best).

// weight is one term's weight in a vector.
type weight struct {
	Term int32
	W    float64
}

// vector is a sparse TF-IDF vector, L2-normalised, by term.
type vector []weight

// tokens returns the lower-cased runs of letters and digits in s.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// tfidf returns each document's vector: raw term frequency times
// ln(N/df), L2-normalised. The document frequencies are the whole
// corpus's, as a batch baseline has them. A term in every document weighs
// nothing and is left out.
func tfidf(docs []string) []vector {
	ids := make(map[string]int32)
	counts := make([]map[int32]int, len(docs))
	var df []int
	for i, d := range docs {
		counts[i] = make(map[int32]int)
		for _, t := range tokens(d) {
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
				df = append(df, 0)
			}
			if counts[i][id] == 0 {
				df[id]++
			}
			counts[i][id]++
		}
	}
	n := float64(len(docs))
	vecs := make([]vector, len(docs))
	for i, tf := range counts {
		v := make(vector, 0, len(tf))
		var norm float64
		for id, c := range tf {
			w := float64(c) * math.Log(n/float64(df[id]))
			if w > 0 {
				v = append(v, weight{id, w})
				norm += w * w
			}
		}
		norm = math.Sqrt(norm)
		for k := range v {
			v[k].W /= norm
		}
		slices.SortFunc(v, func(a, b weight) int { return int(a.Term - b.Term) })
		vecs[i] = v
	}
	return vecs
}

// posting is a document's weight for one term, filed under its cluster.
type posting struct {
	Cluster int32
	W       float32
}

// singlePass clusters the documents in the order given: each joins the
// cluster whose centroid is nearest by cosine if that cosine is at least
// threshold, and starts a cluster of its own otherwise. It returns each
// document's cluster.
//
// The cosine to a centroid is d·S/|S|, S the sum of the cluster's vectors
// (d has norm 1); d·S is the sum of d's dot products with the cluster's
// documents, so an inverted index of the documents so far, filed by
// cluster, gives it, and |S|² grows by 2·d·S + 1 when d joins.
func singlePass(docs []vector, threshold float64) []int {
	assign := make([]int, len(docs))
	postings := make(map[int32][]posting)
	var norm2 []float64 // |S|² by cluster
	var score []float64 // d·S by cluster, for the document at hand
	var touched []int32
	for i, d := range docs {
		for _, t := range d {
			for _, p := range postings[t.Term] {
				if score[p.Cluster] == 0 {
					touched = append(touched, p.Cluster)
				}
				score[p.Cluster] += t.W * float64(p.W)
			}
		}
		best, bestCos := int32(-1), 0.0
		for _, c := range touched {
			if cos := score[c] / math.Sqrt(norm2[c]); cos > bestCos {
				best, bestCos = c, cos
			}
		}
		if best >= 0 && bestCos >= threshold {
			norm2[best] += 2*score[best] + 1
		} else {
			best = int32(len(norm2))
			norm2 = append(norm2, 1)
			score = append(score, 0)
		}
		for _, c := range touched {
			score[c] = 0
		}
		touched = touched[:0]
		assign[i] = int(best)
		for _, t := range d {
			postings[t.Term] = append(postings[t.Term], posting{best, float32(t.W)})
		}
	}
	return assign
}

// sweepPoint is the baseline's score at one threshold.
type sweepPoint struct {
	Threshold float64
	Score     clusterScore
}

// baselineSweep clusters the corpus at thresholds 0.05, 0.10 … 0.95, then
// every 0.01 around the best of those, and returns every point in order of
// threshold and the best by B-cubed F1 (the lower threshold on a tie).
func baselineSweep(c *corpus) (points []sweepPoint, best sweepPoint) {
	docs := make([]string, len(c.Articles))
	for i, a := range c.Articles {
		docs[i] = a.Title + "\n" + a.Text
	}
	vecs := tfidf(docs)
	score := func(ths []float64) []sweepPoint {
		out := make([]sweepPoint, len(ths))
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for k, th := range ths {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				assign := singlePass(vecs, th)
				pred := make(map[string]int, len(assign))
				for i, a := range c.Articles {
					pred[a.URL] = assign[i]
				}
				out[k] = sweepPoint{th, bcubed(pred, c.Story)}
			})
		}
		wg.Wait()
		return out
	}
	var coarse []float64
	for k := 1; k <= 19; k++ {
		coarse = append(coarse, hundredths(float64(k)*5))
	}
	points = score(coarse)
	top := bestPoint(points)
	var fine []float64
	for k := -4; k <= 4; k++ {
		if th := hundredths(top.Threshold*100 + float64(k)); k != 0 && th > 0 && th < 1 {
			fine = append(fine, th)
		}
	}
	points = append(points, score(fine)...)
	slices.SortFunc(points, func(a, b sweepPoint) int {
		return cmp.Compare(a.Threshold, b.Threshold)
	})
	return points, bestPoint(points)
}

func bestPoint(points []sweepPoint) sweepPoint {
	best := points[0]
	for _, p := range points[1:] {
		if p.Score.F1 > best.Score.F1 || (p.Score.F1 == best.Score.F1 && p.Threshold < best.Threshold) {
			best = p
		}
	}
	return best
}

// hundredths returns n/100 rounded to two decimals, so that thresholds
// print and compare as written.
func hundredths(n float64) float64 { return math.Round(n) / 100 }
