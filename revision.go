package herald

import (
	"context"
	"time"
)

// A news article is not finished when it is first published: Herald
// fetches each article of a followed source again on a schedule that
// thins out with age, keeps every version whose text changed, and
// withdraws its copy when the outlet took the original down.

// RecheckSteps are the delays between an article's arrival and its
// re-checks, each counted from the one before: after the last, it is
// never checked again.
var RecheckSteps = []time.Duration{
	15 * time.Minute, 45 * time.Minute, 2 * time.Hour, 9 * time.Hour, 12 * time.Hour,
	48 * time.Hour, 96 * time.Hour,
}

// MaxRevisions bounds the versions kept of one article: an outlet that
// changes every article on every fetch would otherwise fill the store.
const MaxRevisions = 50

// WithdrawAfterMisses is how many re-checks in a row must find the
// original gone (404 or 410) before Herald withdraws its copy: one
// answer may be a mistake of the outlet's.
const WithdrawAfterMisses = 2

// Recheck is an article due to be fetched again.
type Recheck struct {
	ArticleID    int64
	Slug         string
	URL          string // the original's address
	SourceID     int64
	Step         int // re-checks done so far
	Misses       int // answers of 404 or 410 in a row
	ETag         string
	LastModified string
	// PageHash is the hash of the page's text as the last re-check read
	// it, "" before the first: a page is compared with the page, since
	// an article stored from its feed reads differently from its page.
	PageHash string
}

// RecheckOutcome is what one re-check found.
type RecheckOutcome struct {
	// Gone says the original answered 404 or 410; Failed, that the
	// check failed for a reason that withdraws nothing (a 5xx, a timeout,
	// robots.txt, a page that extracted to nearly nothing). A failed check
	// is tried again at RetryAt without moving to the next step.
	Gone    bool
	Failed  bool
	RetryAt time.Time
	Reason  string // why it failed, for the log

	ETag, LastModified string
	PageHash           string   // the page's, when it was read
	Corrections        []string // the notes the page declares in its metadata; not stored by RecordRecheck
	// Revision, when set, is the article's new version: the store keeps
	// the one it replaces, and the article shows this one.
	Revision *Revision
}

// Revision is one version of an article: its words as the outlet had
// them when Herald saw them.
type Revision struct {
	ID        int64
	ArticleID int64
	N         int       // 1 for the version first stored, then 2, 3…
	At        time.Time // when Herald stored it
	Title     string
	Byline    string
	HTML      string // sanitised body
	Text      string
	// Dedup is the new text's fingerprint, set by the caller of
	// RecordRecheck so that later copies find the article by its new
	// words; it is not kept for older versions.
	Dedup Fingerprint
}

// RevisionService keeps articles' re-check schedules and versions.
// AddArticle schedules the first re-check of an article from a followed
// source, RecheckSteps[0] after it is stored.
type RevisionService interface {
	// ClaimDueRechecks leases up to limit articles whose re-check is
	// due, to owner, until now+lease, as ClaimDueSources does: several
	// processes sharing a database split the work, and a crashed
	// worker's articles are picked up again when the lease ends.
	ClaimDueRechecks(ctx context.Context, owner string, lease time.Duration, limit int) ([]*Recheck, error)
	// RecordRecheck stores out and ends owner's lease, in one
	// transaction: the next re-check is scheduled (the same step again
	// for a failure, the next one otherwise, none after the last), Misses
	// counted, and out.Revision, if any, becomes the article's shown
	// version (its title, byline, body, lead, search entry and
	// fingerprint) while the version it replaces is kept; a title or
	// excerpt an editor set (ArticleEditService) stays as they set it.
	// A revision past MaxRevisions versions is EINVALID and nothing is
	// written: the caller stops revising, and says why. A lost lease is
	// ECONFLICT and writes nothing; an article taken down meanwhile is
	// ENOTFOUND.
	RecordRecheck(ctx context.Context, articleID int64, owner string, out RecheckOutcome) error
	// RecheckSoon makes the article's re-check due now, when its feed
	// item says it changed; an article past its last re-check is
	// scheduled once more. An unknown article is ENOTFOUND.
	RecheckSoon(ctx context.Context, articleID int64) error
	// FindRevisions returns every version of the article, oldest first,
	// the shown one last; an article never revised has one, made from
	// its row. An unknown article is ENOTFOUND.
	FindRevisions(ctx context.Context, articleID int64) ([]*Revision, error)
}
