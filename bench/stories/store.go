package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/herald-news/herald"
)

// copyGroups is what the store holds of a corpus's copies of texts.
type copyGroups struct {
	// Group maps each corpus URL found in the store to its copy group,
	// named by the shown copy's article ID.
	Group map[string]int64
	// Missing lists the corpus URLs the store does not hold.
	Missing []string
	// Inconsistent counts the articles whose Copies do not list exactly
	// the articles that name the same shown copy.
	Inconsistent int
}

// readCopyGroups looks up each URL in the store as the site does
// (FindArticles by OriginalURL) and returns the copy group of each: the
// shown copy (DuplicateOf, or the article itself when it is shown), checked
// against the Copies the store lists.
func readCopyGroups(ctx context.Context, store herald.ArticleService, urls []string) (*copyGroups, error) {
	g := &copyGroups{Group: make(map[string]int64, len(urls))}
	copies := make(map[string][]int64, len(urls))
	id := make(map[string]int64, len(urls))
	for _, u := range urls {
		list, _, err := store.FindArticles(ctx, herald.ArticleFilter{OriginalURL: u, Limit: 2})
		if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
			return nil, fmt.Errorf("find %s: %w", u, err)
		}
		switch len(list) {
		case 0:
			g.Missing = append(g.Missing, u)
			continue
		case 1:
		default:
			return nil, fmt.Errorf("find %s: %d articles have that URL", u, len(list))
		}
		a := list[0]
		id[u] = a.ID
		g.Group[u] = cmp.Or(a.DuplicateOf, a.ID)
		for _, c := range a.Copies {
			copies[u] = append(copies[u], c.ArticleID)
		}
		slices.Sort(copies[u])
	}
	members := make(map[int64][]int64)
	for u, grp := range g.Group {
		members[grp] = append(members[grp], id[u])
	}
	for _, m := range members {
		slices.Sort(m)
	}
	for u, grp := range g.Group {
		if !slices.Equal(copies[u], members[grp]) {
			g.Inconsistent++
		}
	}
	return g, nil
}

// readStories returns each corpus URL's story as the store assigns it,
// read as the site reads it (FindArticles by OriginalURL, StoryID): a copy
// of a text is in its shown copy's story. A URL the store does not hold,
// or an article without a story, is an error: the import must have placed
// every article it stored.
func readStories(ctx context.Context, store herald.ArticleService, urls []string) (map[string]int64, error) {
	stories := make(map[string]int64, len(urls))
	for _, u := range urls {
		list, _, err := store.FindArticles(ctx, herald.ArticleFilter{OriginalURL: u, Limit: 2})
		if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
			return nil, fmt.Errorf("find %s: %w", u, err)
		}
		if len(list) != 1 {
			continue // missing: reported with the copy groups
		}
		if list[0].StoryID == 0 {
			return nil, fmt.Errorf("%s is stored but in no story", u)
		}
		stories[u] = list[0].StoryID
	}
	return stories, nil
}
