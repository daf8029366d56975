// Package baseline is the plain TF-IDF method that Herald's stories and
// related lists are measured against: TF-IDF vectors under the whole
// set's statistics, and for stories one pass in publication order, each
// text joining the cluster whose centroid is nearest by cosine, at the
// threshold that suits the baseline best on each set. bench/stories,
// bench/related and the story package's tests all use it, so they compare
// against the same method.
package baseline

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Weight is one term's weight in a Vector; terms are numbered per call to
// TFIDF.
type Weight struct {
	Term int32
	W    float64
}

// Vector is a sparse TF-IDF vector, L2-normalised, ordered by term.
type Vector []Weight

// Tokens returns the lower-cased runs of letters and digits in s: the
// words the baseline reads.
func Tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// TFIDF returns each document's vector: raw term frequency times
// ln(N/df), L2-normalised. The document frequencies are the whole set's,
// as a batch method has them, which an online one cannot. A term in every
// document weighs nothing and is left out.
func TFIDF(docs []string) []Vector {
	ids := make(map[string]int32)
	counts := make([]map[int32]int, len(docs))
	var df []int
	for i, d := range docs {
		counts[i] = make(map[int32]int)
		for _, t := range Tokens(d) {
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
	vecs := make([]Vector, len(docs))
	for i, tf := range counts {
		v := make(Vector, 0, len(tf))
		var norm float64
		for id, c := range tf {
			w := float64(c) * math.Log(n/float64(df[id]))
			if w > 0 {
				v = append(v, Weight{id, w})
				norm += w * w
			}
		}
		norm = math.Sqrt(norm)
		for k := range v {
			v[k].W /= norm
		}
		slices.SortFunc(v, func(a, b Weight) int { return cmp.Compare(a.Term, b.Term) })
		vecs[i] = v
	}
	return vecs
}

// posting is a document's weight for one term, filed under its cluster.
type posting struct {
	cluster int32
	w       float32
}

// SinglePass clusters the documents in the order given: each joins the
// cluster whose centroid is nearest by cosine if that cosine is at least
// threshold, and starts a cluster of its own otherwise. It returns each
// document's cluster, numbered from 0 in order of creation.
//
// The cosine to a centroid is d·S/|S|, S the sum of the cluster's vectors
// (d has norm 1); d·S is the sum of d's dot products with the cluster's
// documents, so an inverted index of the documents so far, filed by
// cluster, gives it, and |S|² grows by 2·d·S + 1 when d joins.
func SinglePass(docs []Vector, threshold float64) []int {
	assign := make([]int, len(docs))
	postings := make(map[int32][]posting)
	var norm2 []float64 // |S|² by cluster
	var score []float64 // d·S by cluster, for the document at hand
	var touched []int32
	for i, d := range docs {
		for _, t := range d {
			for _, p := range postings[t.Term] {
				if score[p.cluster] == 0 {
					touched = append(touched, p.cluster)
				}
				score[p.cluster] += t.W * float64(p.w)
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

// Point is a clustering's score at one threshold.
type Point[S any] struct {
	Threshold float64
	Score     S
}

// Sweep scores a clustering at thresholds 0.05, 0.10 … 0.95, then every
// 0.01 within 0.04 of the best of those, and returns every point in order
// of threshold and the best by f1 (the lower threshold on a tie). The
// thresholds are scored in parallel, so score must be safe for concurrent
// use.
func Sweep[S any](score func(threshold float64) S, f1 func(S) float64) (points []Point[S], best Point[S]) {
	var coarse []float64
	for k := 1; k <= 19; k++ {
		coarse = append(coarse, hundredths(float64(k)*5))
	}
	points = scoreAll(coarse, score)
	top := bestPoint(points, f1)
	var fine []float64
	for k := -4; k <= 4; k++ {
		if th := hundredths(top.Threshold*100 + float64(k)); k != 0 && th > 0 && th < 1 {
			fine = append(fine, th)
		}
	}
	points = append(points, scoreAll(fine, score)...)
	slices.SortFunc(points, func(a, b Point[S]) int { return cmp.Compare(a.Threshold, b.Threshold) })
	return points, bestPoint(points, f1)
}

// scoreAll scores each threshold, as many at once as there are CPUs.
func scoreAll[S any](thresholds []float64, score func(float64) S) []Point[S] {
	out := make([]Point[S], len(thresholds))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for k, th := range thresholds {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[k] = Point[S]{th, score(th)}
		})
	}
	wg.Wait()
	return out
}

func bestPoint[S any](points []Point[S], f1 func(S) float64) Point[S] {
	best := points[0]
	for _, p := range points[1:] {
		if f1(p.Score) > f1(best.Score) || (f1(p.Score) == f1(best.Score) && p.Threshold < best.Threshold) {
			best = p
		}
	}
	return best
}

// hundredths returns n/100 rounded to two decimals, so that thresholds
// print and compare as written.
func hundredths(n float64) float64 { return math.Round(n) / 100 }
