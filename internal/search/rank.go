package search

import (
	"math"
	"slices"
	"time"

	"github.com/herald-news/herald"
)

// Candidate is one match of a query that a store ranks in Go: the newest
// herald.SearchWindow matches are read as candidates, ordered by Order,
// and only the page shown is read in full.
type Candidate struct {
	ID        int64
	Published time.Time
	Title     string
	score     float64
}

// The BM25 parameters for titles: how fast repeats stop counting, and how
// much a long title is discounted.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Ranker scores candidates' titles against a query, with BM25 over the
// title's tokens: each clause counts with the inverse document frequency
// of its best phrase found in the title, so a rare name weighs more than
// a common word, and a short title that is mostly the query beats a long
// one that mentions it. Every candidate matches every clause somewhere,
// so what sets one above another is its title; the body is not read, and
// matches equal in their titles are ordered newest first.
type Ranker struct {
	q   herald.Query
	idf [][]float64 // per clause, per phrase
}

// NewRanker returns a ranker for q over docs indexed articles; df gives
// how many contain a token. A phrase's frequency is taken as its rarest
// token's, which can only overstate it.
func NewRanker(q herald.Query, docs int, df func(token string) int) *Ranker {
	r := &Ranker{q: q, idf: make([][]float64, len(q.Must))}
	for i, c := range q.Must {
		for _, p := range c {
			n := docs
			for _, t := range p {
				n = min(n, df(t))
			}
			n = min(max(n, 0), docs)
			r.idf[i] = append(r.idf[i], math.Log(1+(float64(docs-n)+0.5)/(float64(n)+0.5)))
		}
	}
	return r
}

// Order sorts candidates for sort: by date, newest first; by relevance,
// best title first (see Ranker), newest first among equals. Ties of time
// fall back on the larger id, the later stored.
func Order(cands []Candidate, sort herald.SearchSort, r *Ranker) {
	if sort != herald.SortDate && r != nil {
		r.score(cands)
	}
	slices.SortFunc(cands, func(a, b Candidate) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
}

// score sets each candidate's score. Title lengths are compared with the
// candidates' mean, so the same window always ranks the same way.
func (r *Ranker) score(cands []Candidate) {
	titles := make([][]string, len(cands))
	total := 0
	for i, c := range cands {
		titles[i] = Tokens(c.Title)
		total += len(titles[i])
	}
	avg := max(float64(total)/float64(max(len(cands), 1)), 1)
	for i := range cands {
		cands[i].score = r.titleScore(titles[i], avg)
	}
}

func (r *Ranker) titleScore(title []string, avg float64) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(len(title))/avg)
	score := 0.0
	for i, c := range r.q.Must {
		best := 0.0
		for j, p := range c {
			if tf := float64(occurrences(title, p)); tf > 0 {
				best = max(best, r.idf[i][j]*tf*(bm25K1+1)/(tf+norm))
			}
		}
		score += best
	}
	return score
}

// occurrences counts where phrase p starts in tokens.
func occurrences(tokens []string, p herald.Phrase) int {
	n := 0
	for i := 0; i+len(p) <= len(tokens); i++ {
		if slices.Equal(tokens[i:i+len(p)], p) {
			n++
		}
	}
	return n
}
