package main

import (
	"math"
	"slices"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestBCubed(t *testing.T) {
	gold := map[string]string{
		"a1": "A", "a2": "A", "a3": "A",
		"b1": "B", "b2": "B",
		"c1": "C",
		"x":  "",  // unlabelled: not scored
		"y":  "C", // no cluster: not scored
	}
	t.Run("Toy", func(t *testing.T) {
		pred := map[string]int{"a1": 1, "a2": 1, "b1": 1, "x": 1, "a3": 2, "b2": 3, "c1": 4}
		s := bcubed(pred, gold)
		// Precision by item: a1 2/3, a2 2/3, b1 1/3, a3 1, b2 1, c1 1.
		// Recall by item (story C is c1 alone, y being unscored):
		// a1 2/3, a2 2/3, a3 1/3, b1 1/2, b2 1/2, c1 1.
		wantP, wantR := (14.0/3)/6, (11.0/3)/6
		if !near(s.Precision, wantP) || !near(s.Recall, wantR) {
			t.Errorf("precision, recall = %v, %v; want %v, %v", s.Precision, s.Recall, wantP, wantR)
		}
		if want := 154.0 / 225; !near(s.F1, want) {
			t.Errorf("F1 = %v; want %v", s.F1, want)
		}
		if s.Items != 6 || s.Stories != 3 || s.Clusters != 4 {
			t.Errorf("items, stories, clusters = %d, %d, %d; want 6, 3, 4", s.Items, s.Stories, s.Clusters)
		}
		// A and B share cluster 1; both are split; C is whole and alone.
		if s.OverMerged != 2 || s.UnderMerged != 2 {
			t.Errorf("over, under = %d, %d; want 2, 2", s.OverMerged, s.UnderMerged)
		}
	})
	t.Run("Perfect", func(t *testing.T) {
		s := bcubed(map[string]string{"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}, gold)
		if s.Precision != 1 || s.Recall != 1 || s.F1 != 1 || s.OverMerged != 0 || s.UnderMerged != 0 {
			t.Errorf("got %+v; want a perfect score", s)
		}
	})
	t.Run("Singletons", func(t *testing.T) {
		s := bcubed(map[string]string{"a1": "1", "a2": "2", "a3": "3", "b1": "4", "b2": "5", "c1": "6"}, gold)
		if want := (3*(1.0/3) + 2*(1.0/2) + 1) / 6; s.Precision != 1 || !near(s.Recall, want) {
			t.Errorf("precision, recall = %v, %v; want 1, %v", s.Precision, s.Recall, want)
		}
		if s.OverMerged != 0 || s.UnderMerged != 2 {
			t.Errorf("over, under = %d, %d; want 0, 2", s.OverMerged, s.UnderMerged)
		}
	})
	t.Run("Nothing", func(t *testing.T) {
		if s := bcubed(map[string]int{}, gold); !math.IsNaN(s.F1) {
			t.Errorf("F1 = %v; want NaN", s.F1)
		}
	})
}

func TestScorePairs(t *testing.T) {
	predicted := groupPairs(map[string]int64{"u1": 1, "u2": 1, "u3": 1, "u4": 2, "u5": 3})
	want := map[pair]bool{newPair("u2", "u1"): true, newPair("u1", "u3"): true, newPair("u3", "u2"): true}
	if len(predicted) != len(want) {
		t.Fatalf("groupPairs = %v; want %v", predicted, want)
	}
	for p := range want {
		if !predicted[p] {
			t.Errorf("groupPairs misses %v", p)
		}
	}
	labelled := map[pair]bool{newPair("u1", "u2"): true, newPair("u5", "u4"): true}
	s := scorePairs(predicted, labelled)
	if s.Predicted != 3 || s.Labelled != 2 || s.Correct != 1 || !near(s.Precision, 1.0/3) || !near(s.Recall, 0.5) {
		t.Errorf("got %+v; want 3 predicted, 2 labelled, 1 correct, precision 1/3, recall 1/2", s)
	}
	if s := scorePairs(nil, labelled); !math.IsNaN(s.Precision) || s.Recall != 0 {
		t.Errorf("with nothing predicted: precision, recall = %v, %v; want NaN, 0", s.Precision, s.Recall)
	}
}

func TestScoreDuplicates(t *testing.T) {
	c := &corpus{
		Articles: []*article{
			{URL: "a", Text: "one  text"}, {URL: "b", Text: "one text\n"},
			{URL: "c", Text: "two"}, {URL: "d", Text: "two, edited"},
			{URL: "e", Text: "three"}, {URL: "f", Text: "four"},
		},
		Duplicates: map[pair]pairKind{newPair("c", "d"): kindRevision, newPair("e", "f"): kindExact},
	}
	// a–b: equal once folded but unlabelled; c–d: labelled and merged;
	// e–f: labelled and missed; a–c would be wrong, but they are apart.
	s := scoreDuplicates(c, map[string]int64{"a": 1, "b": 1, "c": 3, "d": 3, "e": 5, "f": 6})
	if s.Labelled.Correct != 1 || !near(s.Labelled.Precision, 0.5) || !near(s.Labelled.Recall, 0.5) {
		t.Errorf("labelled: %+v; want precision 1/2, recall 1/2", s.Labelled)
	}
	if !near(s.Equal.Precision, 1) || !near(s.Equal.Recall, 2.0/3) {
		t.Errorf("equal counted: %+v; want precision 1, recall 2/3", s.Equal)
	}
	if got := s.ByKind[kindRevision]; got != [2]int{1, 1} {
		t.Errorf("revision = %v; want 1 of 1", got)
	}
	if s.WrongCount != 0 {
		t.Errorf("wrong = %v; want none", s.Wrong)
	}
}

func TestScoreMerges(t *testing.T) {
	c := &corpus{
		Articles: []*article{
			{URL: "a", Text: "x y"}, {URL: "b", Text: "x  y"}, {URL: "c", Text: "z"},
			{URL: "d", Text: "w"}, {URL: "e", Text: "v"},
		},
		Story: map[string]string{"a": "S", "b": "S", "c": "S", "d": "T", "e": "T"},
	}
	// Merged: a, b, c (one copy of S's text, one S text that differs) and
	// d with e (T's two different texts).
	s := scoreMerges(c, map[string]int64{"a": 1, "b": 1, "c": 1, "d": 4, "e": 4})
	// Same story, different text: a–c, b–c, d–e, all merged.
	if s.SameStoryDiff != 3 || s.SameStoryDiffMerged != 3 || !near(s.FalseMergeRate, 1) {
		t.Errorf("got %+v; want 3 of 3 different-text pairs merged", s)
	}
	if s.SameStoryEqual != 1 || s.SameStoryEqualMerged != 1 || s.Merged != 4 || s.MergedEqual != 1 || s.MergedAcross != 0 {
		t.Errorf("got %+v; want 1 equal pair merged, 4 merged pairs, 1 equal, 0 across", s)
	}
	if len(s.Different) != 3 {
		t.Errorf("different = %v; want 3 pairs", s.Different)
	}
	// c, d and e share no wording with any other text; a–b are one text.
	if s.Independent != 3 || s.IndependentMerged != 3 || !near(s.IndependentRate, 1) {
		t.Errorf("independent: got %d of %d merged, rate %v; want 3 of 3", s.IndependentMerged, s.Independent, s.IndependentRate)
	}
}

// TestScoreMergesRetold: a text retold with a dateline and a credit is
// a different text but not an independent one.
func TestScoreMergesRetold(t *testing.T) {
	wire := "the magnitude four quake struck near the town early on friday and was felt across the bay area officials said no damage was reported"
	c := &corpus{
		Articles: []*article{
			{URL: "a", Text: wire},
			{URL: "b", Text: "SAN FRANCISCO (AP) " + wire + " more at eleven"},
			{URL: "c", Text: "residents of the valley woke to shaking before dawn as a moderate earthquake rattled homes and set off car alarms"},
		},
		Story: map[string]string{"a": "S", "b": "S", "c": "S"},
	}
	s := scoreMerges(c, map[string]int64{"a": 1, "b": 1, "c": 3})
	if s.SameStoryDiff != 3 || s.SameStoryDiffMerged != 1 {
		t.Errorf("different texts: %d of %d merged; want 1 of 3", s.SameStoryDiffMerged, s.SameStoryDiff)
	}
	// a–c and b–c are written independently; a–b, the merged pair, is not.
	if s.Independent != 2 || s.IndependentMerged != 0 || s.IndependentRate != 0 {
		t.Errorf("independent: %d of %d merged, rate %v; want 0 of 2", s.IndependentMerged, s.Independent, s.IndependentRate)
	}
}

func TestPublicationOrder(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	list := []*article{
		{URL: "u1"}, {URL: "d3", Published: day(3)}, {URL: "u2"},
		{URL: "d1", Published: day(1)}, {URL: "d3b", Published: day(3)}, {URL: "d2", Published: day(2)},
	}
	var got []string
	for _, a := range publicationOrder(list) {
		got = append(got, a.URL)
	}
	if want := []string{"u1", "d1", "u2", "d2", "d3", "d3b"}; !slices.Equal(got, want) {
		t.Errorf("order = %v; want %v", got, want)
	}
}

func TestImportSummary(t *testing.T) {
	out := "line 7: title is required\nprogress: 50% — 3 imported\nimported 1200, skipped 3 (already present), rejected 1 — 1204 lines in 2.5s (482 lines/s)\n"
	var r importRun
	if err := r.parse(out); err != nil {
		t.Fatal(err)
	}
	if r.Imported != 1200 || r.Skipped != 3 || r.Rejected != 1 || r.Lines != 1204 || r.Elapsed != 2500*time.Millisecond {
		t.Errorf("got %+v", r)
	}
	if !near(r.ArticlesPerSecond(), 480) {
		t.Errorf("articles/s = %v; want 480", r.ArticlesPerSecond())
	}
	if len(r.Rejects) != 1 || r.Rejects[0] != "line 7: title is required" {
		t.Errorf("rejects = %q", r.Rejects)
	}
	if err := new(importRun).parse("Usage: herald import\n"); err == nil {
		t.Error("parse of output without a summary line: no error")
	}
}

func TestSimilarity(t *testing.T) {
	// Shingles: {a b c d e, b c d e f} and {a b c d e, b c d e g, c d e g h}.
	j, c := similarity("A b c d e f", "a b c d e g h")
	if !near(j, 1.0/4) || !near(c, 1.0/2) {
		t.Errorf("jaccard, containment = %v, %v; want 1/4, 1/2", j, c)
	}
	if j, c := similarity("short text", "short text"); j != 1 || c != 1 {
		t.Errorf("short equal texts: %v, %v; want 1, 1", j, c)
	}
}
