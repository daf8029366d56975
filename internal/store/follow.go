// Package store holds what Herald's SQLite and PostgreSQL stores share:
// the rules both apply before and after their SQL, so that the two behave
// alike; internal/storetest checks that they do.
package store

import (
	"cmp"
	"slices"
	"time"

	"github.com/herald-news/herald"
)

// The rules in this file decide what the followed-source methods of both
// stores do before any SQL runs.

// ValidateFollowed reports the first thing wrong with s as a source to
// follow, as an EINVALID error.
func ValidateFollowed(s *herald.Source) error {
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

// ExistingSource is what AddSource needs to know of a stored source that
// has the new source's URL or slug.
type ExistingSource struct {
	ID                            int64
	Slug, Name, Homepage, FeedURL string
	CreatedAt                     time.Time
	Removed                       bool
}

// FollowTarget decides what AddSource does with s, given the stored
// sources with its feed URL and with its slug, either nil. It returns the
// source that becomes s (keeping its ID, articles and remembered items),
// nil when a new one is to be inserted, or an ECONFLICT error:
//
//   - a followed source with the same URL, or the same name but another
//     URL, is a conflict;
//   - a removed source with the same URL comes back, under the new name;
//   - otherwise a source of that name, known only from imports or removed,
//     becomes the followed one.
func FollowTarget(s *herald.Source, byURL, bySlug *ExistingSource) (*ExistingSource, error) {
	switch {
	case byURL != nil && !byURL.Removed:
		return nil, herald.Errorf(herald.ECONFLICT, "source %q already follows %s", byURL.Name, byURL.FeedURL)
	case bySlug != nil && bySlug.FeedURL != "" && !bySlug.Removed:
		return nil, herald.Errorf(herald.ECONFLICT, "source %q already follows %s", bySlug.Name, bySlug.FeedURL)
	case byURL != nil && bySlug != nil && byURL.ID != bySlug.ID:
		return nil, herald.Errorf(herald.ECONFLICT,
			"%s was followed as source %q, and the name %q is taken by source %q; add it under its old name",
			s.FeedURL, byURL.Name, s.Name, bySlug.Name)
	case byURL != nil:
		return byURL, nil
	default:
		return bySlug, nil
	}
}

// FollowedName returns the name, homepage and creation time the followed
// source s is stored with when it takes the place of target, or of no
// source when target is nil. An outlet known from imports keeps the name
// and homepage its articles show, and gains a homepage only if it had
// none; a removed source takes the editor's new settings.
func FollowedName(s *herald.Source, target *ExistingSource, now time.Time) (name, homepage string, created time.Time) {
	if target == nil {
		return s.Name, s.Homepage, now
	}
	name, homepage = s.Name, s.Homepage
	switch {
	case target.FeedURL == "":
		name = target.Name
		if target.Homepage != "" {
			homepage = target.Homepage
		}
	case homepage == "":
		homepage = target.Homepage
	}
	return name, homepage, target.CreatedAt
}

// CheckClaim reports what is wrong with the arguments of ClaimDueSources.
func CheckClaim(owner string, lease time.Duration) error {
	switch {
	case owner == "":
		return herald.Errorf(herald.EINVALID, "a lease needs an owner")
	case lease <= 0:
		return herald.Errorf(herald.EINVALID, "lease %s is not positive", lease)
	}
	return nil
}

// CheckFetchState reports the first thing wrong with st, as an EINVALID
// error.
func CheckFetchState(st herald.FetchState) error {
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

// SortDue puts claimed sources in the order they fell due.
func SortDue(list []*herald.Source) {
	slices.SortFunc(list, func(a, b *herald.Source) int {
		return cmp.Or(a.Fetch.NextCheckAt.Compare(b.Fetch.NextCheckAt), cmp.Compare(a.ID, b.ID))
	})
}

// FillStored copies the stored article into a, keeping the caller's item
// key, which the article itself does not carry.
func FillStored(a, stored *herald.Article) {
	key := a.ItemKey
	*a = *stored
	a.ItemKey = key
}

// MaxItemKeyLen bounds an item key; a feed's GUID longer than any URL is
// a mistake, and PostgreSQL could not index it.
const MaxItemKeyLen = herald.MaxURLLen

// CheckItemKey reports an EINVALID error for an item key too long to keep.
func CheckItemKey(key string) error {
	if len(key) > MaxItemKeyLen {
		return herald.Errorf(herald.EINVALID, "item key is longer than %d bytes", MaxItemKeyLen)
	}
	return nil
}
