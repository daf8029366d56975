package search

import (
	"slices"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

func TestOrder(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	df := map[string]int{"council": 500, "vote": 400, "ekvale": 3, "harbour": 50, "wall": 60}
	tests := []struct {
		name  string
		query string
		sort  herald.SearchSort
		cands []Candidate
		want  []int64
	}{
		{"TitleBeforeBody", "harbour", "", []Candidate{
			{ID: 1, Published: day, Title: "Harbour wall repaired"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Council meets"},
		}, []int64{1, 2}},
		{"ShortTitleFirst", "harbour", "", []Candidate{
			{ID: 1, Published: day, Title: "Harbour"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Harbour wall repaired after the long winter storms"},
		}, []int64{1, 2}},
		{"RareWordWeighsMore", "council ekvale", "", []Candidate{
			{ID: 1, Published: day, Title: "Ekvale debates"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Council debates"},
		}, []int64{1, 2}},
		{"PhraseInOrder", `"harbour wall"`, "", []Candidate{
			{ID: 1, Published: day, Title: "Harbour wall falls"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Wall harbour falls"},
		}, []int64{1, 2}},
		{"OrBestAlternative", "council OR ekvale", "", []Candidate{
			{ID: 1, Published: day, Title: "Ekvale debates"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Council debates"},
		}, []int64{1, 2}},
		{"EqualTitlesNewestFirst", "vote", "", []Candidate{
			{ID: 1, Published: day, Title: "Vote today"},
			{ID: 3, Published: day, Title: "Vote today"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Vote today"},
		}, []int64{2, 3, 1}},
		{"ByDate", "harbour", herald.SortDate, []Candidate{
			{ID: 1, Published: day, Title: "Harbour"},
			{ID: 2, Published: day.Add(time.Hour), Title: "Council"},
		}, []int64{2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			r := NewRanker(q, 1000, func(tok string) int { return df[tok] })
			Order(tt.cands, tt.sort, r)
			var got []int64
			for _, c := range tt.cands {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Order(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}
