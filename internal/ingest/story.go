package ingest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/story"
)

// The story step places each stored article in a story (internal/story),
// after dedup has decided whether it is a copy. It runs in a second
// transaction, after the one that stored the article: placing reads and
// writes the story index under the store's placement lock, and holding
// that lock while the article is written would serialise every insert.
// An article stored but not placed (the process stopped in between) is
// found by PlaceUnplaced, which each process that ingests runs at start.

// placeInStory places a stored article in its story. A copy of a text
// joins the story of its shown copy without any clustering work.
func (p *Pipeline) placeInStory(ctx context.Context, a *herald.Article) error {
	if p.Stories == nil || a.ID == 0 {
		return nil
	}
	var toks []story.Token
	if a.DuplicateOf == 0 {
		// Tokenise before the store's lock is taken: only the look-up and
		// the decision need it.
		toks = story.Terms(storyDoc(a))
	}
	// One placement at a time in this process: the store serialises them
	// too, but waiting here keeps a second placer from holding a pooled
	// connection while it waits for the lock.
	p.placing.Lock()
	storyID, err := p.Stories.PlaceArticle(ctx, a.ID, func(ctx context.Context, x herald.StoryIndex) (herald.StoryPlacement, error) {
		if toks == nil { // a copy whose text has no story yet
			toks = story.Terms(storyDoc(a))
		}
		return decideStory(ctx, x, toks, a.PublishedAt, p.now(), story.DefaultParams())
	})
	p.placing.Unlock()
	if err != nil {
		return err
	}
	// The steps after this one group by story (topic digests).
	a.StoryID = storyID
	return nil
}

// storyDoc is what the story stage reads of an article.
func storyDoc(a *herald.Article) story.Doc {
	return story.Doc{Title: a.Title, Text: a.Text, Published: a.PublishedAt}
}

// decideStory runs the clustering for one article (its tokens and
// publication time) against the store's index: it weighs the tokens with
// the stored document frequencies, looks the candidates up by the
// article's heaviest terms, assigns, and returns the chosen story with the
// article counted in.
func decideStory(ctx context.Context, x herald.StoryIndex, toks []story.Token, published, now time.Time, p story.Params) (herald.StoryPlacement, error) {
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	docs, df, err := x.DocFreqs(ctx, terms)
	if err != nil {
		return herald.StoryPlacement{}, err
	}
	v := story.Weigh(toks, docFreqs{docs, df}, p)
	// Twice the candidates wanted, so that closed stories still filed
	// (they leave the index once found) do not crowd out open ones.
	found, err := x.Candidates(ctx, story.IndexTerms(v, p.QueryTerms), 2*p.MaxCandidates)
	if err != nil {
		return herald.StoryPlacement{}, err
	}
	var (
		open   []story.Story
		leads  = map[int64][]byte{}
		closed []int64
	)
	for _, c := range found {
		centroid, err := story.Decode(c.Centroid)
		s := story.Story{ID: c.ID, Centroid: centroid, Size: c.Size, First: c.First, Last: c.Last}
		// A story whose state cannot be read, or that has none (an
		// editor's), takes no more articles and leaves the index.
		if err != nil || len(centroid) == 0 || !story.Open(s, published, p) {
			closed = append(closed, c.ID)
			continue
		}
		if len(open) == p.MaxCandidates {
			continue
		}
		open = append(open, s)
		leads[c.ID] = c.LeadVector
	}
	d := story.Assign(v, published, open, p)
	var s story.Story
	var lead story.Vector
	if !d.New {
		i := slices.IndexFunc(open, func(s story.Story) bool { return s.ID == d.StoryID })
		if i < 0 {
			return herald.StoryPlacement{}, fmt.Errorf("assign chose story %d, not a candidate", d.StoryID)
		}
		s = open[i]
		lead, _ = story.Decode(leads[s.ID]) // an unreadable lead is replaced below
	}
	s.Add(v, published, p)
	short := shorten(v, p.CentroidTerms)
	// The lead is the most central article seen: the new article takes
	// over when it is closer to the updated centroid than the lead is.
	isLead := d.New || len(lead) == 0 || story.Dot(short, s.Centroid) > story.Dot(lead, s.Centroid)
	pl := herald.StoryPlacement{
		Story: herald.StoryState{
			ID: s.ID, Centroid: story.Encode(s.Centroid), Size: s.Size, First: s.First, Last: s.Last,
		},
		IndexTerms: story.IndexTerms(s.Centroid, p.IndexTerms),
		Terms:      terms,
		Closed:     closed,
		Lead:       isLead,
		// No story quiet for longer than OpenMax takes articles; the clock
		// bounds the sweep, so that a wrongly future-dated article cannot
		// close the stories of today.
		CloseBefore: earlier(published, now).Add(-p.OpenMax),
	}
	if isLead {
		pl.Story.LeadVector = story.Encode(short)
	}
	return pl, nil
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// shorten returns v's n heaviest terms, renormalised: what is kept of a
// lead article's vector.
func shorten(v story.Vector, n int) story.Vector {
	keep := map[string]bool{}
	for _, t := range story.IndexTerms(v, n) {
		keep[t] = true
	}
	out := make(story.Vector, 0, len(keep))
	var norm float64
	for _, t := range v {
		if keep[t.Term] {
			out = append(out, t)
			norm += float64(t.Weight) * float64(t.Weight)
		}
	}
	if norm > 0 {
		scale := float32(1 / math.Sqrt(norm))
		for i := range out {
			out[i].Weight *= scale
		}
	}
	return out
}

// docFreqs are the stored document frequencies of one article's terms.
type docFreqs struct {
	docs int
	df   map[string]int
}

func (d docFreqs) DocFreq(term string) int { return d.df[term] }
func (d docFreqs) Docs() int               { return d.docs }

// PlaceUnplaced places, the earliest published first, every stored
// article that has no story: the repair pass for articles stored by a
// process that stopped before placing them. It returns how many it
// placed.
func (p *Pipeline) PlaceUnplaced(ctx context.Context) (int, error) {
	if p.Stories == nil {
		return 0, nil
	}
	placed := 0
	for {
		list, err := p.Stories.FindUnplacedArticles(ctx, herald.MaxPageSize)
		if err != nil {
			return placed, err
		}
		if len(list) == 0 {
			return placed, nil
		}
		for _, a := range list {
			if err := p.placeInStory(ctx, a); err != nil {
				return placed, err
			}
			placed++
		}
	}
}
