package related

import (
	"context"
	"fmt"
	"slices"

	"github.com/herald-news/herald"
)

// StoreStories is the StorySource of a store that keeps stories: the
// other developments of an article's story, newest first, each text once.
type StoreStories struct {
	Stories herald.StoryService
}

// SameStory implements StorySource. An article with no story yet has none.
func (s StoreStories) SameStory(ctx context.Context, a *herald.Article) ([]*herald.Article, error) {
	if a.StoryID == 0 {
		return nil, nil
	}
	_, articles, err := s.Stories.FindStoryByID(ctx, a.StoryID)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("story %d: %w", a.StoryID, err)
	}
	var others []*herald.Article
	for _, o := range articles {
		if o.ID != a.ID && o.DuplicateOf == 0 && o.ID != a.DuplicateOf {
			others = append(others, o)
		}
	}
	slices.SortFunc(others, func(x, y *herald.Article) int { return y.PublishedAt.Compare(x.PublishedAt) })
	return others[:min(len(others), herald.MaxRelated)], nil
}
