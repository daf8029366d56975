package store

import (
	"slices"
	"time"

	"github.com/herald-news/herald"
)

// DistinctTerms returns terms without empty strings or repeats, in their
// first order, so that an INSERT never names a term twice.
func DistinctTerms(terms []string) []string {
	seen := make(map[string]bool, len(terms))
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// StoryRow is one story of a list page as the stores read it first.
type StoryRow struct {
	ID     int64
	Latest time.Time
	LeadID int64 // 0 when the lead was deleted
}

// NextStoryPage trims a list of stories fetched with limit+1 rows to limit
// and returns the cursor that continues after it, "" on the last page.
func NextStoryPage(rows []StoryRow, limit int) ([]StoryRow, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	last := rows[len(rows)-1]
	return rows, herald.Cursor{PublishedAt: last.Latest, ID: last.ID}.Encode()
}

// SummariseStories makes the stories of a list page from their rows and
// every article of each (copies included, the earliest first). A story
// left with no article (its articles deleted) is not listed.
func SummariseStories(rows []StoryRow, articles map[int64][]*herald.Article) []*herald.Story {
	var out []*herald.Story
	for _, r := range rows {
		all := articles[r.ID]
		byID := make(map[int64]*herald.Article, len(all))
		s := &herald.Story{ID: r.ID}
		seen := map[int64]bool{}
		for _, a := range all {
			byID[a.ID] = a
			if a.DuplicateOf == 0 {
				s.Articles++
				if s.Lead == nil {
					s.Lead = a
				}
			}
			if !seen[a.Source.ID] {
				seen[a.Source.ID] = true
				s.Outlets = append(s.Outlets, a.Source)
			}
			s.First, s.Last = earliest(s.First, a.PublishedAt), latest(s.Last, a.PublishedAt)
		}
		if s.Articles == 0 {
			continue
		}
		if lead := byID[r.LeadID]; lead != nil {
			if lead.DuplicateOf != 0 && byID[lead.DuplicateOf] != nil {
				lead = byID[lead.DuplicateOf]
			}
			if lead.DuplicateOf == 0 {
				s.Lead = lead
			}
		}
		out = append(out, s)
	}
	return out
}

// NewStory makes story id from its shown articles, the earliest first,
// each with its Copies; leadID names the lead's shown copy, and the
// earliest article leads when it names none of them.
func NewStory(id, leadID int64, list []*herald.Article) *herald.Story {
	s := &herald.Story{ID: id, Articles: len(list)}
	type outlet struct {
		src   *herald.Source
		first time.Time
	}
	var outlets []outlet
	at := map[int64]int{}
	for _, a := range list {
		if s.Lead == nil || a.ID == leadID {
			s.Lead = a
		}
		copies := a.Copies
		if len(copies) == 0 {
			copies = []herald.Copy{{ArticleID: a.ID, Source: a.Source, PublishedAt: a.PublishedAt}}
		}
		for _, c := range copies {
			s.First, s.Last = earliest(s.First, c.PublishedAt), latest(s.Last, c.PublishedAt)
			if k, ok := at[c.Source.ID]; ok {
				if c.PublishedAt.Before(outlets[k].first) {
					outlets[k].first = c.PublishedAt
				}
				continue
			}
			at[c.Source.ID] = len(outlets)
			outlets = append(outlets, outlet{c.Source, c.PublishedAt})
		}
	}
	slices.SortStableFunc(outlets, func(a, b outlet) int { return a.first.Compare(b.first) })
	for _, o := range outlets {
		s.Outlets = append(s.Outlets, o.src)
	}
	return s
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TermsDiff compares the terms a story is filed under with those it is to
// be filed under: add are in want only, remove in filed only. Refiling a
// story touches only these rows, and most placements change few of a
// story's heaviest terms.
func TermsDiff(filed, want []string) (add, remove []string) {
	want = DistinctTerms(want)
	has := make(map[string]bool, len(filed))
	for _, t := range filed {
		has[t] = true
	}
	keep := make(map[string]bool, len(want))
	for _, t := range want {
		keep[t] = true
		if !has[t] {
			add = append(add, t)
		}
	}
	for _, t := range filed {
		if !keep[t] {
			remove = append(remove, t)
		}
	}
	return add, remove
}
