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
	// SourceID is set when the takedown of its whole source took it
	// down: restoring the source brings it back (see TakeDownSource).
	SourceID int64
	// PurgedAt is set once the retention period deleted its text for
	// good: its address still answers 410, but it cannot be restored.
	PurgedAt time.Time
}

// Restorable reports whether t's article can still be published again.
func (t *Takedown) Restorable() bool { return t.PurgedAt.IsZero() }

// DefaultTakedownRetention is how long a takedown keeps what restoring
// it needs before the text is deleted for good (herald serve
// --takedown-retention).
const DefaultTakedownRetention = 30 * 24 * time.Hour

// SourceTakedown is the progress of one call taking down, or restoring,
// everything from an outlet: such a call does a bounded batch, and the
// caller calls again while Left is above 0.
type SourceTakedown struct {
	Source *Source // as stored after the call
	Done   int     // articles this call took down, or restored
	// Kept counts the articles a restore left down for good: past the
	// retention period, or their address taken by another article
	// meanwhile. They become takedowns of their own.
	Kept int
	Left int // articles still to take down, or to restore
}

// SourceTakedownBatch is how many articles one TakeDownSource or
// RestoreSource call handles, in one transaction: a source may have
// 100,000, and a transaction that long would hold the store's write lock
// for minutes.
const SourceTakedownBatch = 200

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
	// FindTakedownOf returns the takedown of the article that had the
	// id, or ENOTFOUND: the API answers 410 for it.
	FindTakedownOf(ctx context.Context, articleID int64) (*Takedown, error)
	// FindTakedowns returns the newest takedowns, at most limit.
	FindTakedowns(ctx context.Context, limit int) ([]*Takedown, error)
	// RestoreArticle publishes the article again from its snapshot, with
	// its id, slug, text, copies' order and pictures' addresses (fetched
	// again), and returns it; it is placed in a story again by the
	// pipeline's repair pass. An address taken meanwhile by another
	// article is ECONFLICT; no takedown is ENOTFOUND.
	// A takedown past its retention period (see PurgeTakedowns) is
	// ECONFLICT, with a message saying so.
	RestoreArticle(ctx context.Context, slug string) (*Article, error)

	// TakeDownSource takes down everything from the source with the
	// slug: limit of its articles per call (SourceTakedownBatch when 0),
	// each as TakeDownArticle does, with the reason, all in one
	// transaction. The first call also marks the source taken down:
	// paused, its lease ended, with the reason; it writes the audit entry
	// ctx carries, and no later call does, unless it changes the reason
	// (of the source and of every takedown it made). A crash between
	// calls leaves the source marked and paused, some articles down and
	// the rest published: calling again, until Left is 0, finishes it,
	// and takes down any article stored meanwhile (an import, a fetch
	// that was under way). Calling once more changes nothing. An unknown
	// slug is ENOTFOUND; a bad reason EINVALID.
	TakeDownSource(ctx context.Context, slug, reason string, limit int) (*SourceTakedown, error)
	// RestoreSource undoes TakeDownSource, limit articles per call in one
	// transaction: each restorable one comes back as RestoreArticle
	// brings it; one past retention, or whose address another article
	// took, is Kept down and becomes a takedown of its own. The call that
	// restores the last ends the source's takedown, resumes it (paused
	// still if an editor paused it before the takedown) and writes the
	// audit entry ctx carries. A source not taken down is ENOTFOUND.
	RestoreSource(ctx context.Context, slug string, limit int) (*SourceTakedown, error)
	// PurgeTakedowns deletes for good what restoring needs of every
	// takedown made before the time, and returns how many it purged: the
	// row stays, so that the page keeps answering 410 with its reason.
	PurgeTakedowns(ctx context.Context, before time.Time) (int, error)
}

// ErrTakedownPurged returns the error of restoring t once its text was
// deleted for good.
func ErrTakedownPurged(t *Takedown) error {
	return Errorf(ECONFLICT, "%q was taken down on %s and its text deleted for good on %s, at the end of the "+
		"retention period: it can no longer be restored", t.Slug, t.At.Format("2 January 2006"),
		t.PurgedAt.Format("2 January 2006"))
}
