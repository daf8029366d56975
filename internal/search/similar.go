package search

import (
	"cmp"
	"math"
	"slices"

	"github.com/herald-news/herald"
)

// Similarity ranks the candidates of a related-articles query (the
// stores' FindSimilar) in Go, from which of the query's terms each
// article holds, as the index lists them. Each term held counts its
// inverse document frequency among the articles looked at, and three
// times that when the term is in the title (as the related lists weigh
// titles). The stores' own rankings (bm25, ts_rank) would count each
// term's articles in the whole store, or read each candidate's whole
// search vector.
type Similarity struct {
	terms  []herald.Phrase
	idf    []float64
	scores map[int64]float64
}

// titleExtra is what a term in the title adds to its weight in the body:
// the title counts three times.
const titleExtra = 2

// SimilarHolders is how many articles holding a term the stores read for
// FindSimilar: the newest, within the window. A term held by more is
// common and weighs little; its frequency is then estimated from the span
// of ids those cover.
const SimilarHolders = 1000

// NewSimilarity scores the articles in holders, where holders[i] lists
// the articles holding terms[i] (newest first, at most SimilarHolders)
// among the articles after the id after up to newest.
func NewSimilarity(terms []herald.Phrase, holders [][]int64, newest, after int64) *Similarity {
	s := &Similarity{terms: terms, idf: make([]float64, len(terms)), scores: map[int64]float64{}}
	span := float64(max(newest-after, 1))
	for i, ids := range holders {
		n := float64(len(ids))
		if len(ids) >= SimilarHolders {
			n = min(n*span/float64(max(newest-slices.Min(ids)+1, 1)), span)
		}
		s.idf[i] = math.Log(1 + (span-n+0.5)/(n+0.5))
		for _, id := range ids {
			s.scores[id] += s.idf[i]
		}
	}
	return s
}

// Best returns up to n of the scored articles that keep accepts, best
// first, newer (higher id) first among equals.
func (s *Similarity) Best(n int, keep func(id int64) bool) []int64 {
	ids := make([]int64, 0, len(s.scores))
	for id := range s.scores {
		if keep == nil || keep(id) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b int64) int {
		return cmp.Or(cmp.Compare(s.scores[b], s.scores[a]), cmp.Compare(b, a))
	})
	return ids[:min(n, len(ids))]
}

// Score returns article id's score with its title counted: each term of
// the query found in the title adds titleExtra times its weight.
func (s *Similarity) Score(id int64, title string) float64 {
	score := s.scores[id]
	tokens := Tokens(title)
	for i, p := range s.terms {
		if occurrences(tokens, p) > 0 {
			score += titleExtra * s.idf[i]
		}
	}
	return score
}
