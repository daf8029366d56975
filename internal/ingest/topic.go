package ingest

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/digest"
)

// topicCacheFor is how long the pipeline reuses its list of topics. A topic
// added meanwhile reaches new articles this much later; an article stored
// in between, after the topic's re-tagging finished, lies above the
// topic's TaggedThrough, and the next RetagPending (herald serve runs it
// every minute) tags it.
const topicCacheFor = 5 * time.Second

// topicCache holds the topics the pipeline tags with, and the digest
// points chosen ahead for articles on their way to the store.
type topicCache struct {
	mu     sync.Mutex // guards topics and at
	topics []*herald.Topic
	at     time.Time

	aheadMu sync.Mutex // guards ahead
	ahead   map[*herald.Article][]digest.Point
}

// maxAhead bounds the articles whose points wait for their store step. An
// import stopped by an error leaves some behind; past the bound they are
// all dropped, and an article that finds none chooses its own.
const maxAhead = 1024

// chooseAhead chooses the digest points of a prepared article, off the
// pipeline's one-at-a-time store step: choosing sentences is most of what
// a topic costs on arrival. It skips an article that matches none of the
// topics last read, as most do; if a topic added since then takes it,
// tagTopics chooses its points itself.
func (c *topicCache) chooseAhead(a *herald.Article) {
	c.mu.Lock()
	topics, started := c.topics, c.topics != nil
	c.mu.Unlock()
	if started && !matchesAny(topics, a) {
		return
	}
	points := Points(a)
	c.aheadMu.Lock()
	defer c.aheadMu.Unlock()
	if c.ahead == nil || len(c.ahead) >= maxAhead {
		c.ahead = map[*herald.Article][]digest.Point{}
	}
	c.ahead[a] = points
}

// takeAhead returns the points chosen ahead for a, and forgets them.
func (c *topicCache) takeAhead(a *herald.Article) ([]digest.Point, bool) {
	c.aheadMu.Lock()
	defer c.aheadMu.Unlock()
	points, ok := c.ahead[a]
	delete(c.ahead, a)
	return points, ok
}

// matchesAny reports whether a prepared article matches any of topics.
// Its outlet has no slug before it is stored: the slug its name makes
// stands in, and an article it wrongly leaves out has its points chosen
// in the store step.
func matchesAny(topics []*herald.Topic, a *herald.Article) bool {
	for _, t := range topics {
		if t.Rules.Matches(a.Title, a.Lead, herald.Slugify(a.Source.Name)) {
			return true
		}
	}
	return false
}

func (c *topicCache) get(ctx context.Context, ts herald.TopicService, now time.Time) ([]*herald.Topic, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.topics != nil && now.Sub(c.at) < topicCacheFor && !now.Before(c.at) {
		return c.topics, nil
	}
	topics, err := ts.FindTopics(ctx)
	if err != nil {
		return nil, err
	}
	c.topics, c.at = append([]*herald.Topic{}, topics...), now
	return c.topics, nil
}

// tagTopics files a newly stored article under the topics whose rules it
// matches and brings those topics' digests up to date. An article stored
// before (created false) was tagged then.
func (p *Pipeline) tagTopics(ctx context.Context, a *herald.Article, created bool) error {
	ahead, chosen := p.topics.takeAhead(a)
	if p.Topics == nil || !created {
		return nil
	}
	topics, err := p.topics.get(ctx, p.Topics, p.now())
	if err != nil {
		return fmt.Errorf("tag %s: %w", a, err)
	}
	var matched []*herald.Topic
	var ids []int64
	for _, t := range topics {
		if t.Rules.Matches(a.Title, a.Lead, a.Source.Slug) {
			matched = append(matched, t)
			ids = append(ids, t.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if err := p.Topics.SetArticleTopics(ctx, a.ID, ids); err != nil {
		return fmt.Errorf("tag %s: %w", a, err)
	}
	if a.DuplicateOf != 0 {
		return nil // another copy of a text already in the digest
	}
	points := ahead
	if !chosen {
		points = Points(a)
	}
	for _, t := range matched {
		if err := RefreshDigest(ctx, p.Topics, t.ID, a, points); err != nil {
			return err
		}
	}
	return nil
}

// Development names the development an article belongs to in a digest:
// its story, so that a story's newer article refreshes the story's point
// instead of adding another; the article itself when it has no story
// (stories not kept, or not yet placed).
func Development(a *herald.Article) string {
	if a.StoryID != 0 {
		return "story:" + strconv.FormatInt(a.StoryID, 10)
	}
	return "article:" + strconv.FormatInt(a.ID, 10)
}

// candidatesPerArticle is how many of an article's best sentences are
// tried, in order, before it is left out of a digest for saying only what
// the digest says already.
const candidatesPerArticle = 3

// Points returns the sentences of article a (a full article, with its
// text) that could stand for it in a digest, best first. Once articles are
// grouped into stories, a story's points come from all its articles:
// digest.Select takes them together.
func Points(a *herald.Article) []digest.Point {
	doc := digest.Doc{Title: a.Title, Text: a.Text, URL: a.OriginalURL, Published: a.PublishedAt}
	return digest.Select([]digest.Doc{doc}, candidatesPerArticle, digest.DefaultParams())
}

// RefreshDigest brings the digest of a topic up to date with article a and
// its Points: the best of them becomes the point of a's development,
// unless every one repeats a point of another development already shown.
// The store runs the look at the digest and the write under the topic's
// lock, so that two articles arriving at once, in this process or
// another, cannot both add the same news.
func RefreshDigest(ctx context.Context, ts herald.TopicService, topicID int64, a *herald.Article, points []digest.Point) error {
	if len(points) == 0 {
		return nil
	}
	return ts.RefreshDigest(ctx, topicID, func(shown []*herald.DigestPoint) (*herald.DigestPoint, error) {
		return choosePoint(topicID, a, points, shown), nil
	})
}

// RefreshRevisedPoints brings the digest points quoting article a, just
// revised, up to its newest words: in each topic a is filed under, the
// point of a's development is chosen again from a's new text, by
// RefreshDigest's rules, when it is a's. A point another article of the
// story stands for stays; an editor's wording, pin or hiding stays.
func RefreshRevisedPoints(ctx context.Context, ts herald.TopicService, a *herald.Article) error {
	if a.DuplicateOf != 0 {
		return nil // its text is another copy's in every digest
	}
	topics, err := ts.FindTopicsOfArticles(ctx, []int64{a.ID})
	if err != nil {
		return fmt.Errorf("refresh points of %s: %w", a, err)
	}
	points, dev := Points(a), Development(a)
	for _, t := range topics[a.ID] {
		err := ts.RefreshDigest(ctx, t.ID, func(shown []*herald.DigestPoint) (*herald.DigestPoint, error) {
			for _, p := range shown {
				if p.Development == dev && p.ArticleID == a.ID {
					return choosePoint(t.ID, a, points, shown), nil
				}
			}
			return nil, nil
		})
		if err != nil {
			return fmt.Errorf("refresh points of %s: %w", a, err)
		}
	}
	return nil
}

// choosePoint returns the best of a's points that does not repeat
// another development's, as the point of a's development in the topic's
// digest shown; nil when every one repeats.
func choosePoint(topicID int64, a *herald.Article, points []digest.Point, shown []*herald.DigestPoint) *herald.DigestPoint {
	dev := Development(a)
	for _, c := range points {
		if !repeats(c.Sentence, dev, shown) {
			return &herald.DigestPoint{TopicID: topicID, Development: dev, ArticleID: a.ID,
				Sentence: c.Sentence, PublishedAt: a.PublishedAt}
		}
	}
	return nil
}

// repeats reports whether sentence says what a point of another
// development says.
func repeats(sentence, dev string, points []*herald.DigestPoint) bool {
	for _, p := range points {
		if p.Development != dev && digest.Similarity(sentence, p.Text()) >= digest.RedundantThreshold {
			return true
		}
	}
	return false
}

// RetagBatch is how many articles re-tagging reads at a time.
const RetagBatch = 500

// digestRebuildArticles is how many of a topic's newest articles rebuild
// its digest after re-tagging.
const digestRebuildArticles = 12

// Retag applies the topic's rules to every stored article above its
// TaggedThrough, in batches, each its own transaction, calling progress
// after each with the highest article id done and the newest stored. Then
// it rebuilds the digest from the topic's newest articles. It stops with
// an ECONFLICT error if the topic changes meanwhile: the change starts a
// re-tagging of its own.
func Retag(ctx context.Context, ts herald.TopicService, articles herald.ArticleService, t *herald.Topic, progress func(done, last int64)) error {
	through := t.TaggedThrough
	for {
		batch, last, err := ts.FindArticlesToTag(ctx, through, RetagBatch)
		if err != nil {
			return fmt.Errorf("retag topic %q: %w", t.Slug, err)
		}
		if len(batch) == 0 {
			if progress != nil {
				progress(last, last)
			}
			break
		}
		var in, out []int64
		for _, a := range batch {
			if t.Rules.Matches(a.Title, a.Lead, a.Source.Slug) {
				in = append(in, a.ID)
			} else {
				out = append(out, a.ID)
			}
		}
		through = batch[len(batch)-1].ID
		if err := ts.TagArticles(ctx, t.ID, t.UpdatedAt, in, out, through); err != nil {
			return fmt.Errorf("retag topic %q: %w", t.Slug, err)
		}
		if progress != nil {
			progress(through, last)
		}
	}
	return rebuildDigest(ctx, ts, articles, t)
}

// rebuildDigest passes the topic's newest articles, oldest first, through
// RefreshDigest, as if they had just arrived.
func rebuildDigest(ctx context.Context, ts herald.TopicService, articles herald.ArticleService, t *herald.Topic) error {
	list, _, err := ts.FindTopicArticles(ctx, t.ID, herald.ArticleFilter{Limit: digestRebuildArticles})
	if err != nil {
		return fmt.Errorf("rebuild digest of %q: %w", t.Slug, err)
	}
	for i := len(list) - 1; i >= 0; i-- {
		a, err := articles.FindArticleByID(ctx, list[i].ID)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue // removed meanwhile
		}
		if err != nil {
			return fmt.Errorf("rebuild digest of %q: %w", t.Slug, err)
		}
		if err := RefreshDigest(ctx, ts, t.ID, a, Points(a)); err != nil {
			return err
		}
	}
	return nil
}

// RetagPending re-tags every topic whose tagging is behind the newest
// article, as `herald serve` does in the background at start; a topic
// another process changes meanwhile is left to the next call.
func RetagPending(ctx context.Context, ts herald.TopicService, articles herald.ArticleService, progress func(t *herald.Topic, done, last int64)) error {
	topics, err := ts.FindTopics(ctx)
	if err != nil {
		return err
	}
	_, last, err := ts.FindArticlesToTag(ctx, 1<<62, 1)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if t.TaggedThrough >= last {
			continue
		}
		err := Retag(ctx, ts, articles, t, func(done, last int64) {
			if progress != nil {
				progress(t, done, last)
			}
		})
		if err != nil && herald.ErrorCode(err) != herald.ECONFLICT {
			return err
		}
	}
	return nil
}
