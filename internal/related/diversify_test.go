package related

import (
	"slices"
	"testing"

	"github.com/herald-news/herald"
)

func TestDiversify(t *testing.T) {
	// item is article id, outlet and score; ids order the input.
	type item struct {
		id, outlet int64
		score      float64
	}
	tests := []struct {
		name string
		in   []item
		n    int
		want []int64
	}{
		{"outlets take turns however weak the other",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {3, 10, 0.7}, {4, 20, 0.1}}, 4, []int64{1, 4, 2, 3}},
		{"one outlet alone may repeat",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {3, 10, 0.7}}, 3, []int64{1, 2, 3}},
		{"a filler never jumps ahead of a candidate",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {5, 20, 0}}, 3, []int64{1, 2, 5}},
		{"fillers take turns too",
			[]item{{1, 10, 0.9}, {5, 10, 0}, {6, 20, 0}}, 3, []int64{1, 6, 5}},
		{"a filler that would repeat its outlet is left out",
			[]item{{1, 10, 0.9}, {5, 10, 0}}, 2, []int64{1}},
		{"the story's articles come first, alternating",
			[]item{{1, 10, storyScore}, {2, 10, storyScore}, {3, 20, storyScore}, {4, 30, 0.5}}, 4, []int64{1, 3, 2, 4}},
		{"stops at n", []item{{1, 10, 0.9}, {2, 20, 0.8}, {3, 30, 0.7}}, 2, []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var list []scoredArticle
			for _, it := range tt.in {
				list = append(list, scoredArticle{
					article: &herald.Article{ID: it.id, Source: &herald.Source{ID: it.outlet}}, score: it.score})
			}
			var got []int64
			for _, x := range diversify(list, tt.n) {
				got = append(got, x.article.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("diversify = %v, want %v", got, tt.want)
			}
		})
	}
}
