package herald

import (
	"math"
	"time"
)

// Herald's rule for an article's publication date, the same on every way
// in: import files, feeds and sitemaps, and article pages. Each way in
// applies it where it reads the date and reports what it did in its own
// way (see internal/ingest, internal/syndication and internal/extract).
//
// A date before EarliestPublishedYear is no news article's: it is a
// placeholder (0001-01-01, the zero time of many languages) or a mistake,
// and CheckPublished refuses it. A date more than MaxPublishedAhead after
// now is a mistake or a placeholder too (9999-12-31), but the article
// itself is new, so ClampPublished takes it as published now.
//
// The rule also keeps dates inside what the stores can hold: SQLite keeps
// times as nanoseconds since 1970, which reach only from 1677 to 2262.
const (
	EarliestPublishedYear = 1900
	MaxPublishedAhead     = 24 * time.Hour
)

// earliestPublished is the first instant of EarliestPublishedYear.
var earliestPublished = time.Date(EarliestPublishedYear, time.January, 1, 0, 0, 0, 0, time.UTC)

// latestStorable is the last instant a store can hold (see Article.Validate).
var latestStorable = time.Unix(0, math.MaxInt64).UTC()

// CheckPublished returns an EINVALID error when t cannot be a publication
// date: when it is before EarliestPublishedYear, the zero time included.
// The message names the date as given, "0001-01-01T00:00:00Z is before
// 1900"; callers put the field's name in front.
func CheckPublished(t time.Time) error {
	if t.Before(earliestPublished) {
		return Errorf(EINVALID, "%s is before %d", t.Format(time.RFC3339), EarliestPublishedYear)
	}
	return nil
}

// ClampPublished returns t in UTC, or now in UTC when t is more than
// MaxPublishedAhead after now. The note is empty unless t was replaced,
// and then says why, for the caller to report: "9999-12-31T23:59:59Z is
// more than a day ahead; taken as now (2026-03-10T18:00:00Z)".
func ClampPublished(t, now time.Time) (published time.Time, note string) {
	if t.After(now.Add(MaxPublishedAhead)) {
		now = now.UTC()
		return now, t.Format(time.RFC3339) + " is more than a day ahead; taken as now (" + now.Format(time.RFC3339) + ")"
	}
	return t.UTC(), ""
}
