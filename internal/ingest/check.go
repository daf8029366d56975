package ingest

import (
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// The checks an item's fields pass on their way in. ParseLine refuses an
// import line that fails one, naming the field, because the user can mend
// the file and import it again: a line taken with a warning could not be
// mended that way, as importing again skips a URL already stored. The
// pipeline applies the same checks to feeds and pages, whose publishers
// Herald cannot ask to mend anything, by setting a bad value aside.

// parsePublished reads an import line's published_at: "" is no date (the
// pipeline takes the time the article is added); anything else must be an
// RFC 3339 time that herald.CheckPublished accepts. An explicit
// 0001-01-01T00:00:00Z is refused here, as it is the zero time.Time, which
// an Item would read as no date at all. A date too far ahead is left for
// the pipeline to clamp with its clock.
func parsePublished(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, herald.Errorf(herald.EINVALID,
			"published_at %q is not an RFC 3339 time such as 2026-03-10T18:00:00Z", truncate(s, 40))
	}
	if err := herald.CheckPublished(t); err != nil {
		return time.Time{}, herald.Errorf(herald.EINVALID, "published_at %s", herald.ErrorMessage(err))
	}
	return t, nil
}
