package postgres

import (
	"cmp"
	"slices"
	"time"

	"github.com/herald-news/herald"
)

// The rules in this file decide what the followed-source methods do
// before any SQL runs. internal/sqlite has the same file: keep the two
// alike, and internal/storetest checks that they are.

// validateFollowed reports the first thing wrong with s as a source to
// follow, as an EINVALID error.
func validateFollowed(s *herald.Source) error {
	if err := s.Validate(); err != nil {
		return err
	}
	switch {
	case s.FeedURL == "":
		return herald.Errorf(herald.EINVALID, "a followed source needs a URL")
	case len(s.FeedURL) > herald.MaxURLLen:
		return herald.Errorf(herald.EINVALID, "the source's URL is longer than %d bytes", herald.MaxURLLen)
	}
	return nil
}

// existingSource is what AddSource needs to know of a stored source that
// has the new source's URL or slug.
type existingSource struct {
	id                            int64
	slug, name, homepage, feedURL string
	createdAt                     time.Time
	removed                       bool
}

// followTarget decides what AddSource does with s, given the stored
// sources with its feed URL and with its slug, either nil. It returns the
// source that becomes s (keeping its ID, articles and remembered items),
// nil when a new one is to be inserted, or an ECONFLICT error:
//
//   - a followed source with the same URL, or the same name but another
//     URL, is a conflict;
//   - a removed source with the same URL comes back, under the new name;
//   - otherwise a source of that name, known only from imports or removed,
//     becomes the followed one.
func followTarget(s *herald.Source, byURL, bySlug *existingSource) (*existingSource, error) {
	switch {
	case byURL != nil && !byURL.removed:
		return nil, herald.Errorf(herald.ECONFLICT, "source %q already follows %s", byURL.name, byURL.feedURL)
	case bySlug != nil && bySlug.feedURL != "" && !bySlug.removed:
		return nil, herald.Errorf(herald.ECONFLICT, "source %q already follows %s", bySlug.name, bySlug.feedURL)
	case byURL != nil && bySlug != nil && byURL.id != bySlug.id:
		return nil, herald.Errorf(herald.ECONFLICT,
			"%s was followed as source %q, and the name %q is taken by source %q; add it under its old name",
			s.FeedURL, byURL.name, s.Name, bySlug.name)
	case byURL != nil:
		return byURL, nil
	default:
		return bySlug, nil
	}
}

// followedName returns the name, homepage and creation time the followed
// source s is stored with when it takes the place of target, or of no
// source when target is nil. An outlet known from imports keeps the name
// and homepage its articles show, and gains a homepage only if it had
// none; a removed source takes the editor's new settings.
func followedName(s *herald.Source, target *existingSource, now time.Time) (name, homepage string, created time.Time) {
	if target == nil {
		return s.Name, s.Homepage, now
	}
	name, homepage = s.Name, s.Homepage
	switch {
	case target.feedURL == "":
		name = target.name
		if target.homepage != "" {
			homepage = target.homepage
		}
	case homepage == "":
		homepage = target.homepage
	}
	return name, homepage, target.createdAt
}

// checkClaim reports what is wrong with the arguments of ClaimDueSources.
func checkClaim(owner string, lease time.Duration) error {
	switch {
	case owner == "":
		return herald.Errorf(herald.EINVALID, "a lease needs an owner")
	case lease <= 0:
		return herald.Errorf(herald.EINVALID, "lease %s is not positive", lease)
	}
	return nil
}

// checkFetchState reports the first thing wrong with st, as an EINVALID
// error.
func checkFetchState(st herald.FetchState) error {
	switch {
	case st.Status != herald.FetchNew && st.Status != herald.FetchOK && st.Status != herald.FetchFailed:
		return herald.Errorf(herald.EINVALID, "fetch status %q is not one of %s, %s or %s",
			st.Status, herald.FetchNew, herald.FetchOK, herald.FetchFailed)
	case st.NextCheckAt.IsZero():
		return herald.Errorf(herald.EINVALID, "a fetch needs the time of the next check")
	case st.Failures < 0:
		return herald.Errorf(herald.EINVALID, "failures %d is negative", st.Failures)
	}
	return nil
}

// sortDue puts claimed sources in the order they fell due.
func sortDue(list []*herald.Source) {
	slices.SortFunc(list, func(a, b *herald.Source) int {
		return cmp.Or(a.Fetch.NextCheckAt.Compare(b.Fetch.NextCheckAt), cmp.Compare(a.ID, b.ID))
	})
}

// fillStored copies the stored article into a, keeping the caller's item
// key, which the article itself does not carry.
func fillStored(a, stored *herald.Article) {
	key := a.ItemKey
	*a = *stored
	a.ItemKey = key
}

// maxItemKeyLen bounds an item key; a feed's GUID longer than any URL is
// a mistake, and PostgreSQL could not index it.
const maxItemKeyLen = herald.MaxURLLen

// checkItemKey reports an EINVALID error for an item key too long to keep.
func checkItemKey(key string) error {
	if len(key) > maxItemKeyLen {
		return herald.Errorf(herald.EINVALID, "item key is longer than %d bytes", maxItemKeyLen)
	}
	return nil
}
