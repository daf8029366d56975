// Package related chooses each article's "You may also like" list: other
// developments of the same story first (once stories exist), then the
// articles closest in content, weighed by how near in time they are, with
// outlets taking turns, never the article itself or a copy of its text,
// and recent articles from the same outlet where too few are close.
//
// Lists are computed when an article arrives (Refresh), for it and for the
// stored articles it is closest to, and kept by the store, so a page reads
// one list with one indexed query (List).
package related

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/dedup"
)

// Store is what the stage reads and writes.
type Store interface {
	herald.ArticleService
	herald.SearchService
	herald.RelatedService
}

// StorySource returns the other articles of a's story, best first. It is
// the hook for the story stage: until stories are stored, a Recommender
// has none and lists rest on content alone.
type StorySource interface {
	SameStory(ctx context.Context, a *herald.Article) ([]*herald.Article, error)
}

// Params are the tunable constants of the stage.
type Params struct {
	TermsLooked  int           // the article's terms whose corpus frequency is read
	QueryTerms   int           // of those, the heaviest asked of the index
	Candidates   int           // articles the index returns, to be scored here
	TitleBoost   float64       // a title word counts this many times
	MinSimilar   float64       // cosine below which an article is not "close"
	RecencyShare float64       // share of the score that the time apart decides
	HalfLife     time.Duration // time apart at which that share halves
	MinItems     int           // fill to this many from recent articles
	Affected     int           // closest stored articles whose lists are refreshed
}

// DefaultParams returns the parameters measured with bench/related.
func DefaultParams() Params {
	return Params{
		TermsLooked: 64, QueryTerms: 16, Candidates: 60, TitleBoost: 3,
		MinSimilar: 0.08, RecencyShare: 0.25, HalfLife: 7 * 24 * time.Hour,
		MinItems: 4, Affected: 3,
	}
}

// Recommender computes and stores related lists.
type Recommender struct {
	Store   Store
	Stories StorySource // nil until stories exist
	Params  Params      // zero means DefaultParams
}

func (r *Recommender) params() Params {
	if r.Params == (Params{}) {
		return DefaultParams()
	}
	return r.Params
}

// Refresh computes and stores the list of a (a stored article, or the
// shown copy of its text when a is a copy), then recomputes the lists of
// the stored articles closest to it, which a may now belong in.
func (r *Recommender) Refresh(ctx context.Context, a *herald.Article) error {
	shown, err := r.shown(ctx, a)
	if err != nil {
		return err
	}
	close, err := r.update(ctx, shown)
	if err != nil {
		return err
	}
	for _, c := range close[:min(len(close), r.params().Affected)] {
		full, err := r.Store.FindArticleByID(ctx, c.ID)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue // deleted meanwhile
		}
		if err != nil {
			return fmt.Errorf("refresh related of %d: %w", c.ID, err)
		}
		if _, err := r.update(ctx, full); err != nil {
			return err
		}
	}
	return nil
}

// shown returns the article whose page shows a's text, with its body.
func (r *Recommender) shown(ctx context.Context, a *herald.Article) (*herald.Article, error) {
	id := a.ID
	if a.DuplicateOf != 0 {
		id = a.DuplicateOf
	} else if a.Text != "" {
		return a, nil
	}
	s, err := r.Store.FindArticleByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("related: %w", err)
	}
	return s, nil
}

// update computes and stores a's list. It returns the candidates close in
// content, closest first.
func (r *Recommender) update(ctx context.Context, a *herald.Article) ([]*herald.Article, error) {
	list, close, err := r.Compute(ctx, a)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, x := range list {
		ids[i] = x.ID
	}
	if err := r.Store.SetRelated(ctx, a.ID, ids); err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
		return nil, fmt.Errorf("related: %w", err)
	}
	return close, nil
}

// Compute returns a's list in display order, and the candidates close in
// content, closest first. a must carry its title and text.
func (r *Recommender) Compute(ctx context.Context, a *herald.Article) (list, close []*herald.Article, err error) {
	p := r.params()
	var story []*herald.Article
	if r.Stories != nil {
		if story, err = r.Stories.SameStory(ctx, a); err != nil {
			return nil, nil, fmt.Errorf("related of %d: same story: %w", a.ID, err)
		}
	}
	scored, err := r.similar(ctx, a, p)
	if err != nil {
		return nil, nil, fmt.Errorf("related of %d: %w", a.ID, err)
	}
	for _, s := range scored {
		close = append(close, s.article)
	}
	picks := make([]*herald.Article, 0, len(story)+len(scored))
	picks = append(picks, story...)
	for _, s := range scored {
		if s.score > 0 {
			picks = append(picks, s.article)
		}
	}
	list = diversify(keep(a, picks), herald.MaxRelated)
	if len(list) < p.MinItems {
		recent, err := r.recent(ctx, a)
		if err != nil {
			return nil, nil, fmt.Errorf("related of %d: %w", a.ID, err)
		}
		list = diversify(keep(a, append(list, recent...)), max(p.MinItems, len(list)))
	}
	return list, close, nil
}

// scoredArticle is a candidate and its score.
type scoredArticle struct {
	article *herald.Article
	sim     float64
	score   float64
}

// similar asks the index for the articles sharing a's heaviest terms and
// scores them: the TF-IDF cosine of their words with a's, weighed by the
// time between them. Those below MinSimilar or that are a's text under
// another address are dropped.
func (r *Recommender) similar(ctx context.Context, a *herald.Article, p Params) ([]scoredArticle, error) {
	counts := termCounts(a.Title, a.Text, p.TitleBoost)
	looked := heaviest(counts, p.TermsLooked)
	docs, df, err := r.Store.TermDocs(ctx, looked)
	if err != nil {
		return nil, err
	}
	w := newWeights(looked, df, docs)
	query := w.query(counts, p.QueryTerms)
	if len(query) == 0 {
		return nil, nil
	}
	found, err := r.Store.FindSimilar(ctx, a.ID, query, p.Candidates)
	if err != nil {
		return nil, err
	}
	va := w.vector(counts)
	var out []scoredArticle
	for _, f := range found {
		c := f.Article
		sim := cosine(va, w.vector(termCounts(c.Title, c.Text, p.TitleBoost)))
		if sim < p.MinSimilar || sameText(a, c) {
			continue
		}
		gap := math.Abs(a.PublishedAt.Sub(c.PublishedAt).Hours())
		recency := math.Exp2(-gap / p.HalfLife.Hours())
		out = append(out, scoredArticle{article: c, sim: sim, score: sim * (1 - p.RecencyShare + p.RecencyShare*recency)})
	}
	slices.SortStableFunc(out, func(x, y scoredArticle) int {
		return cmpDesc(x.score, y.score)
	})
	return out, nil
}

func cmpDesc(x, y float64) int {
	switch {
	case x > y:
		return -1
	case x < y:
		return 1
	}
	return 0
}

// sameText reports whether c is a's text under another address that the
// copy detection did not join: a reader would see the same article twice.
func sameText(a, c *herald.Article) bool {
	return a.Title == c.Title || dedup.Same(a.Text, c.Text)
}

// recent returns the newest articles of a's outlet, then of any outlet.
func (r *Recommender) recent(ctx context.Context, a *herald.Article) ([]*herald.Article, error) {
	var out []*herald.Article
	for _, f := range []herald.ArticleFilter{{SourceID: a.Source.ID, Limit: 2 * herald.MaxRelated}, {Limit: 2 * herald.MaxRelated}} {
		list, _, err := r.Store.FindArticles(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// keep drops from list a itself, copies of a's text (and lists filtered by
// outlet include copies, which pages never link to), and repeats.
func keep(a *herald.Article, list []*herald.Article) []*herald.Article {
	self := a.ID
	if a.DuplicateOf != 0 {
		self = a.DuplicateOf
	}
	seen := map[int64]bool{self: true, a.ID: true}
	var out []*herald.Article
	for _, x := range list {
		if x.DuplicateOf != 0 || seen[x.ID] || x.DuplicateOf == self {
			continue
		}
		seen[x.ID] = true
		out = append(out, x)
	}
	return out
}

// diversify returns up to n of list, in its order except that no outlet
// follows itself while an item from another outlet is still waiting.
func diversify(list []*herald.Article, n int) []*herald.Article {
	out := make([]*herald.Article, 0, n)
	used := make([]bool, len(list))
	for len(out) < n {
		pick := -1
		for i, x := range list {
			if used[i] {
				continue
			}
			if pick < 0 {
				pick = i // the best left, if every other repeats the outlet
			}
			if len(out) == 0 || x.Source.ID != out[len(out)-1].Source.ID {
				pick = i
				break
			}
		}
		if pick < 0 {
			break
		}
		used[pick] = true
		out = append(out, list[pick])
	}
	return out
}

// List returns a's related list as pages show it: the stored list, or, for
// an article that has none (the first one stored, say), the newest
// articles of its outlet and then of others. It is empty only when no
// other article exists.
func List(ctx context.Context, s Store, a *herald.Article) ([]*herald.Article, error) {
	list, err := s.FindRelated(ctx, a.ID)
	if err != nil || len(list) > 0 {
		return list, err
	}
	r := &Recommender{Store: s}
	recent, err := r.recent(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("related of %d: %w", a.ID, err)
	}
	return diversify(keep(a, recent), DefaultParams().MinItems), nil
}
