package related

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
)

// StoreStories is the StorySource of a store that keeps stories: the
// other developments of an article's story, newest first, each text once.
type StoreStories struct {
	Stories herald.StoryService
}

// SameStory implements StorySource. An article with no story yet has none.
// It reads only the story's newest articles: enough for the list even
// when the article itself and the text it copies are among them.
func (s StoreStories) SameStory(ctx context.Context, a *herald.Article) ([]*herald.Article, error) {
	if a.StoryID == 0 {
		return nil, nil
	}
	articles, err := s.Stories.FindStoryLatest(ctx, a.StoryID, herald.MaxRelated+2)
	if err != nil {
		return nil, fmt.Errorf("story %d: %w", a.StoryID, err)
	}
	var others []*herald.Article
	for _, o := range articles {
		if o.ID != a.ID && o.DuplicateOf == 0 && o.ID != a.DuplicateOf {
			others = append(others, o)
		}
	}
	return others[:min(len(others), herald.MaxRelated)], nil
}
