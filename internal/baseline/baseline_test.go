package baseline

import (
	"math"
	"slices"
	"testing"
)

func TestSinglePass(t *testing.T) {
	docs := []string{
		"earthquake strikes northern california coast",
		"parliament passes budget after long debate",
		"strong earthquake strikes california coast overnight",
		"budget passes parliament vote",
		"football club wins league title",
	}
	vecs := TFIDF(docs)
	for i, v := range vecs {
		var n float64
		for _, w := range v {
			n += w.W * w.W
		}
		if math.Abs(n-1) > 1e-9 {
			t.Errorf("doc %d: |v|² = %v; want 1", i, n)
		}
		if !slices.IsSortedFunc(v, func(a, b Weight) int { return int(a.Term - b.Term) }) {
			t.Errorf("doc %d: terms out of order: %v", i, v)
		}
	}
	tests := []struct {
		threshold float64
		want      []int
	}{
		{0.2, []int{0, 1, 0, 1, 2}},
		{0.99, []int{0, 1, 2, 3, 4}},
	}
	for _, tt := range tests {
		if got := SinglePass(vecs, tt.threshold); !slices.Equal(got, tt.want) {
			t.Errorf("threshold %v: %v; want %v", tt.threshold, got, tt.want)
		}
	}
}

func TestTFIDFLeavesOutTermsInEveryDocument(t *testing.T) {
	vecs := TFIDF([]string{"the quake", "the vote", "The budget"})
	for i, v := range vecs {
		if len(v) != 1 {
			t.Errorf("doc %d: %d terms; want 1 (\"the\" is in every document)", i, len(v))
		}
	}
}

func TestSweep(t *testing.T) {
	// A score peaking at 0.33, flat from 0.40 up: the sweep must find the
	// peak between coarse steps, list each threshold once in order, and
	// take the lower threshold on a tie.
	f1 := func(th float64) float64 {
		if th >= 0.4 {
			return 0.1
		}
		return 1 - math.Abs(th-0.33)
	}
	points, best := Sweep(f1, func(s float64) float64 { return s })
	if best.Threshold != 0.33 || best.Score != 1 {
		t.Errorf("best = %+v; want threshold 0.33, score 1", best)
	}
	if len(points) != 19+8 {
		t.Errorf("%d points; want 27 (19 coarse, 8 fine)", len(points))
	}
	for i := 1; i < len(points); i++ {
		if points[i].Threshold <= points[i-1].Threshold {
			t.Fatalf("points out of order or repeated at %d: %v then %v", i, points[i-1].Threshold, points[i].Threshold)
		}
	}
	_, flat := Sweep(func(float64) float64 { return 0.5 }, func(s float64) float64 { return s })
	if flat.Threshold != 0.01 {
		t.Errorf("on a flat score the best is %v; want the lowest threshold tried, 0.01", flat.Threshold)
	}
}
