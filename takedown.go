package herald

import (
	"context"
	"strings"
	"time"
)

// ArticleStatus says whether an article's page is shown.
type ArticleStatus string

// Article statuses. A withdrawn article is one its outlet took back; a
// taken-down one is one an editor unpublished. Neither is in any list,
// feed, sitemap, search or related list; its address answers 410 Gone
// with the reason.
const (
	StatusPublished ArticleStatus = "published"
	StatusWithdrawn ArticleStatus = "withdrawn"
	StatusTakenDown ArticleStatus = "taken_down"
)

// Takedown is an article that is no longer published: what its 410 page
// says, and enough to put it back as it was.
type Takedown struct {
	Slug       string
	ArticleID  int64 // the id it had, and gets back when restored
	Title      string
	SourceName string
	Status     ArticleStatus // StatusWithdrawn or StatusTakenDown
	Reason     string
	At         time.Time
}

// MaxReasonLen bounds the reason shown on a takedown's page.
const MaxReasonLen = 1000

// CheckTakedown reports an EINVALID error unless status is one an article
// can be taken down to and reason is a short non-empty text.
func CheckTakedown(status ArticleStatus, reason string) error {
	switch {
	case status != StatusWithdrawn && status != StatusTakenDown:
		return Errorf(EINVALID, "status %q is not withdrawn or taken_down", status)
	case strings.TrimSpace(reason) == "":
		return Errorf(EINVALID, "a reason is required: it is shown on the article's page")
	case len(reason) > MaxReasonLen:
		return Errorf(EINVALID, "the reason is longer than %d bytes", MaxReasonLen)
	}
	return nil
}

// TakedownService unpublishes and restores articles.
type TakedownService interface {
	// TakeDownArticle unpublishes the article with the slug, in one
	// transaction: its row leaves every list, feed, sitemap, search and
	// related list (its copies elect a new shown copy as when a source is
	// purged), its pictures no other article names are pruned, and a
	// snapshot is kept for RestoreArticle. Taking down one already taken
	// down changes only its reason and status. An unknown slug is
	// ENOTFOUND; a bad status or reason EINVALID.
	TakeDownArticle(ctx context.Context, slug string, status ArticleStatus, reason string) (*Takedown, error)
	// FindTakedown returns the takedown of the slug, or ENOTFOUND.
	FindTakedown(ctx context.Context, slug string) (*Takedown, error)
	// FindTakedowns returns the newest takedowns, at most limit.
	FindTakedowns(ctx context.Context, limit int) ([]*Takedown, error)
	// RestoreArticle publishes the article again from its snapshot, with
	// its id, slug, text, copies' order and pictures' addresses (fetched
	// again), and returns it; it is placed in a story again by the
	// pipeline's repair pass. An address taken meanwhile by another
	// article is ECONFLICT; no takedown is ENOTFOUND.
	RestoreArticle(ctx context.Context, slug string) (*Article, error)
}
