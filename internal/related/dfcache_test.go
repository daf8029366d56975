package related

import (
	"context"
	"slices"
	"testing"
	"time"
)

// countingStore answers TermDocs from fixed counts and records the terms
// it was asked for; the cache calls nothing else.
type countingStore struct {
	Store
	counts map[string]int
	asked  []string
}

func (s *countingStore) TermDocs(_ context.Context, terms []string) (int, []int, error) {
	s.asked = append(s.asked, terms...)
	df := make([]int, len(terms))
	for i, t := range terms {
		df[i] = s.counts[t]
	}
	return 1000, df, nil
}

func TestDFCacheKeepsOnlyCommonTerms(t *testing.T) {
	s := &countingStore{counts: map[string]int{"minister": 900, "zelenskyy": 1}}
	var c dfCache
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	terms := []string{"minister", "zelenskyy"}
	steps := []struct {
		at        time.Duration
		newCounts map[string]int
		wantAsked []string
		wantDF    []int
	}{
		{0, nil, []string{"minister", "zelenskyy"}, []int{900, 1}},
		// A second article names the rare term: it must be counted again.
		{time.Minute, map[string]int{"minister": 901, "zelenskyy": 2}, []string{"zelenskyy"}, []int{900, 2}},
		// Once the entry is old, the common term is counted again too.
		{dfCacheAge + time.Minute, map[string]int{"minister": 950, "zelenskyy": 2}, []string{"minister", "zelenskyy"}, []int{950, 2}},
	}
	for i, st := range steps {
		for k, v := range st.newCounts {
			s.counts[k] = v
		}
		s.asked = nil
		docs, df, err := c.termDocs(context.Background(), s, terms, now.Add(st.at))
		if err != nil || docs != 1000 {
			t.Fatalf("step %d: docs %d, err %v", i, docs, err)
		}
		if !slices.Equal(s.asked, st.wantAsked) || !slices.Equal(df, st.wantDF) {
			t.Errorf("step %d: asked %q and got %v; want asked %q, got %v", i, s.asked, df, st.wantAsked, st.wantDF)
		}
	}
}
