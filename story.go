package herald

import (
	"context"
	"time"
)

// Story is one real-world event as Herald groups it: every article that
// tells it, whichever outlet wrote it. The pipeline places each new
// article in a story (see internal/story); editors may split an article
// out of its story or merge two stories.
type Story struct {
	ID int64
	// Lead is the story's most central article, the one closest to what
	// its articles have in common; its title is the story's headline.
	// Filled without HTML and Text.
	Lead *Article
	// Articles counts the texts in the story: a copy of a text republished
	// by another outlet is not counted again (see Article.Copies).
	Articles int
	// Outlets lists every outlet that carried an article of the story,
	// copies included, in the order of their first article.
	Outlets []*Source
	// First and Last are the publication times of its earliest and latest
	// articles.
	First, Last time.Time
}

// Headline returns the story's headline: its lead article's title.
func (s *Story) Headline() string {
	if s.Lead == nil {
		return ""
	}
	return s.Lead.Title
}

// StoryGrowth is a story and how many articles it gained recently.
type StoryGrowth struct {
	Story *Story
	Added int
}

// StoryFilter selects stories, the one with the latest article first.
type StoryFilter struct {
	Cursor string // from a previous page's next cursor
	Limit  int    // at most MaxPageSize; 0 means DefaultPageSize
}

// PageLimit returns the filter's limit clamped to [1, MaxPageSize].
func (f StoryFilter) PageLimit() int { return ArticleFilter{Limit: f.Limit}.PageLimit() }

// StoryState is what the clustering keeps of a story between articles:
// the encoded centroid (internal/story's Encode), the number of articles
// counted into it, and the times of its first and last. A story whose
// Centroid is empty (one an editor made) takes no new articles.
type StoryState struct {
	ID       int64
	Centroid []byte
	Size     int
	First    time.Time
	Last     time.Time
	// LeadVector is the encoded vector of the story's lead article, so
	// that a new article can be compared with it for centrality.
	LeadVector []byte
}

// StoryIndex is what a StoryPlacer reads, inside the store's placement
// transaction.
type StoryIndex interface {
	// DocFreqs returns the number of articles counted so far and, for
	// each of terms, the number of them it occurs in (absent when none).
	// The counts are statistics: a store may gather them and write them
	// in batches, so another process may read counts a few hundred
	// articles or seconds behind (see internal/store.DocFreqBuffer).
	DocFreqs(ctx context.Context, terms []string) (docs int, df map[string]int, err error)
	// Candidates returns the stories filed under any of terms, those
	// filed under the most of them first (ties: the newest story first),
	// at most limit. Only the index is read, never a scan of stories.
	Candidates(ctx context.Context, terms []string, limit int) ([]StoryState, error)
}

// StoryPlacement is a StoryPlacer's decision, which the store writes in
// the same transaction.
type StoryPlacement struct {
	// Story is the new state of the chosen story; ID 0 starts a new one.
	Story StoryState
	// IndexTerms replace the terms the story is filed under.
	IndexTerms []string
	// Terms are the article's distinct terms, counted into the document
	// frequencies with the article.
	Terms []string
	// Closed lists candidates found closed: they leave the index.
	Closed []int64
	// CloseBefore closes every story whose last article is older: no
	// article can join it any more, so it leaves the index, whether or
	// not a look-up has met it. Zero closes nothing.
	CloseBefore time.Time
	// Lead makes the article the story's lead, with Story.LeadVector.
	Lead bool
}

// StoryPlacer decides the story of one article from what the index holds.
// The store calls it at most once per placement, while it holds the
// placement lock.
type StoryPlacer func(ctx context.Context, index StoryIndex) (StoryPlacement, error)

// StoryService keeps stories. Find methods return an ENOTFOUND error when
// nothing matches.
type StoryService interface {
	// PlaceArticle puts article id in a story, in one transaction that
	// holds the store's placement lock, so that two articles of one new
	// event placed at once, in this process or another, do not make two
	// stories. An article already placed, or split out by an editor, is
	// left as it is. A copy of a text, and every article of a text that
	// already has a story, joins that story without calling place;
	// otherwise place decides, and the text's copies follow the article.
	// Placing into a merged story places into the story it joined. It
	// returns the id of the article's story.
	PlaceArticle(ctx context.Context, id int64, place StoryPlacer) (int64, error)

	// FindUnplacedArticles returns up to limit articles, with their text,
	// that have no story yet, the earliest published first: the work a
	// pipeline interrupted between storing an article and placing it
	// left behind.
	FindUnplacedArticles(ctx context.Context, limit int) ([]*Article, error)

	// FindStoryByID returns a story and its articles, earliest first:
	// each text once, as its shown copy with its Copies, without HTML and
	// Text. A story merged into another returns the story it joined.
	FindStoryByID(ctx context.Context, id int64) (*Story, []*Article, error)

	// FindStoryLatest returns the newest limit articles of a story, newest
	// first: each text once, as its shown copy, without HTML, Text and
	// Copies; the articles of the story it joined when it was merged,
	// none when it does not exist. It reads only those articles, however
	// large the story.
	FindStoryLatest(ctx context.Context, id int64, limit int) ([]*Article, error)

	// FindStories returns one page of stories that have articles, the one
	// whose latest article is newest first, and the next page's cursor
	// ("" on the last one).
	FindStories(ctx context.Context, f StoryFilter) (stories []*Story, next string, err error)

	// SplitArticle takes the article with the given id (with the copies
	// of its text) out of its story into a new story of its own and
	// returns that story. The article is never placed again, and its new
	// story takes no other articles; copies of its text join it.
	SplitArticle(ctx context.Context, articleID int64) (*Story, error)

	// MergeStories moves every article of story id into story into, and
	// from then on an article that would have joined id joins into.
	// Merging a story into itself or into a story merged elsewhere is an
	// EINVALID error.
	MergeStories(ctx context.Context, id, into int64) error
	// FindGrowingStories returns the stories that gained the most
	// articles stored (CreatedAt) at or after since, most first, at most
	// limit; copies are not counted.
	FindGrowingStories(ctx context.Context, since time.Time, limit int) ([]StoryGrowth, error)
}
