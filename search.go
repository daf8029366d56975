package herald

import (
	"context"
	"time"
)

// Query is a parsed search query, the same on every store: every clause
// must match, no excluded phrase may. A clause matches when any of its
// phrases does ("a OR b"); a phrase is index tokens (see internal/search)
// that must occur next to each other, in order. A plain word is a phrase
// of one token, or of several when it holds punctuation ("covid-19") or
// CJK text, which is indexed as overlapping pairs of characters.
type Query struct {
	Must []Clause
	Not  []Phrase
}

// Clause is a list of alternatives: it matches when any phrase does.
type Clause []Phrase

// Phrase is a run of index tokens, in order.
type Phrase []string

// Words returns every token the query looks for (not the excluded ones),
// each once, in the order they were written: what snippets highlight.
func (q Query) Words() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range q.Must {
		for _, p := range c {
			for _, t := range p {
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// Phrased reports whether q looks for a run of two or more tokens, which
// the stores find by checking word positions in each article holding all
// of the run's tokens (see PhraseScan).
func (q Query) Phrased() bool {
	for _, c := range q.Must {
		for _, p := range c {
			if len(p) > 1 {
				return true
			}
		}
	}
	return false
}

// SearchSort is the order of search results.
type SearchSort string

// The orders of search results.
const (
	SortRelevance SearchSort = "relevance" // best match first, newer first among equals
	SortDate      SearchSort = "date"      // newest first
)

// Limits on searches. A page past MaxSearchPage is refused: readers do not
// go there, and deep offsets cost the store the most.
const (
	MaxQueryLen      = 256 // bytes of query text
	MaxQueryTerms    = 16  // words and phrases, excluded ones included
	DefaultSearchLen = 20  // results on a page
	MaxSearchPage    = 50
)

// SearchWindow and SearchScan bound a search's work whatever the size of
// the store. A search reads the newest articles matching its words (newest
// as the store received them, which is publication order except for
// back-filled archives): it stops at the SearchWindow-th that passes its
// outlet and date filters (with a filter, after SearchScan matches at
// most), and orders those,
// by relevance or by date; the pages stop at their end. A reader looking
// for one old article finds it by words that few newer articles share, as
// a headline's words are; a common word finds the latest coverage. An
// outlet or date filter looks among the newest SearchScan matches of the
// words only: a common word in a narrow or old range may find fewer
// articles than the store holds. SearchWindow is MaxSearchPage pages of
// DefaultSearchLen results.
const (
	SearchWindow = 1000
	SearchScan   = 20000
)

// PhraseScan bounds a search with a quoted phrase: its word positions are
// checked in the newest PhraseScan articles that hold all the words the
// search looks for, at most. Two common words are in most articles, and
// may be next to each other in few: without the bound such a phrase would
// be checked in every article of the store. A phrase of rarer words (a
// name) is found however old, as its words are in few articles. It is
// SearchWindow: a phrase reads no more articles than a search
// for words. (At 2,000, a phrase of words seldom next to each other took
// PostgreSQL up to 60–70 ms at a million articles; docs/BENCHMARKS.md.)
const PhraseScan = SearchWindow

// SearchFilter is one page of a search.
type SearchFilter struct {
	Query    Query
	SourceID int64     // 0: every outlet
	From, To time.Time // published in [From, To); zero ends are open
	Sort     SearchSort
	Page     int // from 1
	Limit    int // results per page, 1..MaxPageSize; 0 means DefaultSearchLen
}

// Validate reports the first thing wrong with f, as an EINVALID error.
func (f SearchFilter) Validate() error {
	switch {
	case len(f.Query.Must) == 0:
		return Errorf(EINVALID, "type a word to search for")
	case f.Sort != SortRelevance && f.Sort != SortDate && f.Sort != "":
		return Errorf(EINVALID, "sort must be relevance or date")
	case f.Page < 0 || f.Page > MaxSearchPage:
		return Errorf(EINVALID, "page must be from 1 to %d; narrow the search to see more", MaxSearchPage)
	case f.Limit < 0 || f.Limit > MaxPageSize:
		return Errorf(EINVALID, "limit must be from 1 to %d", MaxPageSize)
	case !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To):
		return Errorf(EINVALID, "the date range ends before it starts")
	}
	return nil
}

// PageLimit returns the number of results per page.
func (f SearchFilter) PageLimit() int {
	if f.Limit <= 0 {
		return DefaultSearchLen
	}
	return min(f.Limit, MaxPageSize)
}

// Offset returns how many results come before the page.
func (f SearchFilter) Offset() int { return (max(f.Page, 1) - 1) * f.PageLimit() }

// SearchHit is one result: the article without its body, and a snippet of
// the text around the matched words.
type SearchHit struct {
	Article *Article
	Snippet []SnippetPart
}

// SnippetPart is a piece of a snippet; Match marks a matched word. Pages
// escape Text like any other text: nothing in a snippet is markup.
type SnippetPart struct {
	Text  string
	Match bool
}

// SearchResult is one page of hits; More says whether another follows.
type SearchResult struct {
	Hits []SearchHit
	More bool
}

// SearchService finds articles by their words. The index is kept by the
// store itself: an article is searchable once AddArticle returns, and
// gone once it is deleted.
type SearchService interface {
	// Search returns one page of the shown copies of texts matching f.
	Search(ctx context.Context, f SearchFilter) (*SearchResult, error)

	// TermDocs returns an estimate of the number of indexed articles and,
	// for each of terms (index tokens), of how many contain it, counting
	// at most MaxTermDocs. Related articles weigh terms with it.
	TermDocs(ctx context.Context, terms []string) (docs int, df []int, err error)

	// FindSimilar returns up to limit shown copies, with their text, that
	// contain any of terms, best match first, never the article id itself
	// or a copy of its text. Score is the store's relevance, higher is
	// better, comparable only within one call. Only the within articles
	// stored last are looked at (all when within is 0), so that the cost
	// of a call does not grow with the store.
	FindSimilar(ctx context.Context, id int64, terms []string, within, limit int) ([]Similar, error)
}

// MaxTermDocs caps the document frequencies TermDocs counts: past it a
// term is common, and the exact count changes nothing that matters.
const MaxTermDocs = 20000

// Similar is a candidate found by FindSimilar.
type Similar struct {
	Article *Article
	Score   float64
}

// RelatedService keeps each article's precomputed "You may also like" list.
type RelatedService interface {
	// SetRelated replaces the list of article id with items, in display
	// order (at most MaxRelated; articles that no longer exist are
	// skipped, and so is id itself). SourceID is not read.
	SetRelated(ctx context.Context, id int64, items []RelatedItem) error

	// FindRelatedItems returns the stored list of article id as it was
	// set, with each item's outlet, so that a list can be updated
	// without computing it again. An article with no list has an empty one.
	FindRelatedItems(ctx context.Context, id int64) ([]RelatedItem, error)

	// FindRelated returns the list of article id in display order, each
	// item its text's shown copy, without HTML and Text; never id itself
	// or a copy of its text. An article with no list has an empty one.
	FindRelated(ctx context.Context, id int64) ([]*Article, error)

	// ClaimRelatedWork returns up to limit articles whose lists are due,
	// newest first, each with its text, and holds them until lease has
	// passed, so that other processes pass them over meanwhile. AddArticle
	// queues every new article other than a copy, held for RelatedHold so
	// that its story and topics are set first; an article claimed and
	// never finished is offered again once its lease ends.
	ClaimRelatedWork(ctx context.Context, limit int, lease time.Duration) ([]*Article, error)

	// ReleaseRelatedWork makes the queued articles ids due at once: the
	// pipeline calls it once it has placed them in their story and topics.
	ReleaseRelatedWork(ctx context.Context, ids []int64) error

	// FinishRelatedWork takes the articles ids off the queue.
	FinishRelatedWork(ctx context.Context, ids []int64) error
}

// RelatedHold is how long a new article waits in the related queue unless
// released: past it, an article whose pipeline stopped before its story
// and topics were set still gets its list.
const RelatedHold = 10 * time.Minute

// RelatedItem is one entry of a stored related list: the article, its
// outlet, and the score that placed it (higher is closer).
type RelatedItem struct {
	ID       int64
	SourceID int64
	Score    float64
}

// MaxRelated is the length of a related list.
const MaxRelated = 6
