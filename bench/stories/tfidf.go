package main

import (
	"github.com/herald-news/herald/internal/baseline"
)

// The story baseline is the plain method any story clustering must beat
// (package baseline): TF-IDF vectors and single-pass clustering by cosine
// to the centroid, in publication order, with the threshold that suits the
// baseline best on each corpus (chosen on the labels, so it is the
// baseline at its best).

// sweepPoint is the baseline's score at one threshold.
type sweepPoint = baseline.Point[clusterScore]

// baselineSweep clusters the corpus at thresholds 0.05, 0.10 … 0.95, then
// every 0.01 around the best of those, and returns every point in order of
// threshold and the best by B-cubed F1 (the lower threshold on a tie).
func baselineSweep(c *corpus) (points []sweepPoint, best sweepPoint) {
	docs := make([]string, len(c.Articles))
	for i, a := range c.Articles {
		docs[i] = a.Title + "\n" + a.Text
	}
	vecs := baseline.TFIDF(docs)
	score := func(th float64) clusterScore {
		assign := baseline.SinglePass(vecs, th)
		pred := make(map[string]int, len(assign))
		for i, a := range c.Articles {
			pred[a.URL] = assign[i]
		}
		return bcubed(pred, c.Story)
	}
	return baseline.Sweep(score, func(s clusterScore) float64 { return s.F1 })
}
