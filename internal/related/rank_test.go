package related

import (
	"math"
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
		{"outlets take turns when the other is about as close",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {3, 20, 0.78}, {4, 10, 0.7}}, 4, []int64{1, 3, 2, 4}},
		{"a much weaker article does not jump ahead for its outlet",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {3, 10, 0.7}, {4, 20, 0.1}}, 4, []int64{1, 2, 3, 4}},
		{"one outlet alone may repeat",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {3, 10, 0.7}}, 3, []int64{1, 2, 3}},
		{"a filler never jumps ahead of a candidate",
			[]item{{1, 10, 0.9}, {2, 10, 0.8}, {5, 20, 0}}, 3, []int64{1, 2, 5}},
		{"fillers take turns too",
			[]item{{1, 10, 0.9}, {5, 10, 0}, {6, 20, 0}}, 3, []int64{1, 6, 5}},
		{"a filler that would repeat its outlet is left out",
			[]item{{1, 10, 0.9}, {5, 10, 0}}, 2, []int64{1}},
		{"equals alternate",
			[]item{{1, 10, 0.9}, {2, 10, 0.9}, {3, 20, 0.9}, {4, 30, 0.5}}, 4, []int64{1, 3, 2, 4}},
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

func TestSharedTopicRanksHigher(t *testing.T) {
	art := func(id int64) *herald.Article { return &herald.Article{ID: id, Source: &herald.Source{ID: id}} }
	close := []scoredArticle{{article: art(1), score: 0.50}, {article: art(2), score: 0.45}, {article: art(3), score: 0.30}}
	got := boostSharedTopics(close, map[int64][]int64{2: {7}, 3: {8}}, []int64{7}, 0.2)
	var ids []int64
	for _, c := range got {
		ids = append(ids, c.article.ID)
	}
	if want := []int64{2, 1, 3}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v: the candidate sharing topic 7 (0.45 × 1.2) first", ids, want)
	}
}

func TestLocalWeights(t *testing.T) {
	a := map[string]float64{"chargers": 1, "dui": 1, "jackson": 1}
	// Four candidates on a's subject: all hold "chargers" and "dui", one
	// holds "jackson".
	cands := []map[string]float64{
		{"chargers": 1, "dui": 1, "jackson": 1.5, "receiver": 1, "playoff": 1, "steelers": 1},
		{"chargers": 2, "dui": 2, "williams": 1},
		{"chargers": 1, "dui": 1, "williams": 1},
		{"chargers": 1, "dui": 1, "breathalyzer": 1},
	}
	tests := []struct {
		name  string
		local float64
		want  map[string]float64
	}{
		{"Off", 0, a},
		{"SharedByAllHalved", 1, map[string]float64{"chargers": 0.5, "dui": 0.5, "jackson": 0.8}},
		{"Stronger", 2, map[string]float64{"chargers": 1.0 / 3, "dui": 1.0 / 3, "jackson": 1 / 1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := localWeights(a, cands, tt.local)
			for term, w := range tt.want {
				if math.Abs(got[term]-w) > 1e-9 {
					t.Errorf("%s: %v, want %v", term, got[term], w)
				}
			}
		})
	}
	t.Run("NoCandidates", func(t *testing.T) {
		if got := localWeights(a, nil, 1); got["jackson"] != 1 {
			t.Errorf("weights %v, want a's own", got)
		}
	})
	// The candidate that shares a's rarer word ranks first once the
	// words all candidates share weigh less; on the plain cosine the one
	// that repeats the common words does.
	t.Run("RarerWordDecides", func(t *testing.T) {
		local := localWeights(a, cands, 1)
		if cosine(a, cands[0]) >= cosine(a, cands[1]) {
			t.Fatalf("plain cosine already ranks the Jackson candidate first: the case tests nothing")
		}
		if cosine(local, cands[0]) <= cosine(local, cands[1]) {
			t.Errorf("with local weights %.3f <= %.3f: the candidate sharing \"jackson\" is not first", cosine(local, cands[0]), cosine(local, cands[1]))
		}
	})
}
