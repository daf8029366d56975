package search

import (
	"slices"
	"testing"

	"github.com/herald-news/herald"
)

func TestSimilarity(t *testing.T) {
	terms := []herald.Phrase{{"volcano"}, {"ash"}, {"flights"}}
	// Among 100 articles: volcano is in 3, ash in 50, flights in 2.
	var ash []int64
	for id := int64(100); id > 50; id-- {
		ash = append(ash, id)
	}
	holders := [][]int64{{1, 2, 3}, ash, {2, 60}}
	s := NewSimilarity(terms, holders, 100, 0)
	tests := []struct {
		name string
		n    int
		keep func(int64) bool
		want []int64
	}{
		// 2 holds two rare terms; 3 and 1 one rare term (the newer first);
		// 60 a rare one and a common one.
		{"RareTermsFirst", 4, nil, []int64{2, 60, 3, 1}},
		{"Kept", 2, func(id int64) bool { return id != 2 }, []int64{60, 3}},
		{"FewerThanAsked", 200, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Best(tt.n, tt.keep)
			if tt.want == nil {
				if len(got) != 53 {
					t.Errorf("Best(%d) holds %d articles, want all 53", tt.n, len(got))
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Best(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
	t.Run("TitleCounts", func(t *testing.T) {
		plain, titled := s.Score(3, "Weather report"), s.Score(1, "Volcano wakes")
		if !(titled > plain) || s.Score(3, "") != plain {
			t.Errorf("Score with volcano in the title = %v, without = %v; want more", titled, plain)
		}
	})
}
