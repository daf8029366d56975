package herald

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Source is an outlet whose articles Herald republishes: the name shown in
// the attribution, its homepage, and, when Herald follows it, where and
// how its articles are fetched.
type Source struct {
	ID           int64
	Slug         string // from the name; unique
	Name         string
	Homepage     string
	CreatedAt    time.Time
	ArticleCount int // filled by FindSources and FindSourceBySlug

	// What follows is set for sources Herald fetches itself; FeedURL is
	// empty for outlets whose articles only arrive by import.
	FeedURL  string        // what is fetched: a feed, a sitemap or one article page; unique
	Kind     SourceKind    // what FeedURL turned out to be
	Licence  Licence       // the mode given to its articles
	Fulltext Fulltext      // when to fetch the article page behind an item
	Every    time.Duration // a fixed interval between checks; 0 lets Herald decide

	Fetch FetchState
	// RemovedAt is set when an editor stopped following the source; its
	// articles stay unless they were purged.
	RemovedAt time.Time
}

// FetchState is what Herald remembers between fetches of a source.
type FetchState struct {
	Status       string    // FetchNew, FetchOK or FetchFailed
	LastError    string    // why the last fetch failed, for the editor; "" after a success
	LastFetchAt  time.Time // zero before the first fetch
	NextCheckAt  time.Time
	Failures     int // failed fetches in a row
	ETag         string
	LastModified string
}

// Fetch statuses.
const (
	FetchNew    = "new"
	FetchOK     = "ok"
	FetchFailed = "error"
)

// SourceKind is what a followed source's URL serves.
type SourceKind string

// Source kinds.
const (
	KindFeed    SourceKind = "feed"    // RSS, Atom or JSON Feed
	KindSitemap SourceKind = "sitemap" // a sitemap or Google News sitemap
	KindPage    SourceKind = "page"    // a single article, imported once
)

// Fulltext says when Herald fetches the article page behind a feed item.
type Fulltext string

// Full-text modes.
const (
	FulltextAuto   Fulltext = "auto" // when the feed carries only a summary
	FulltextAlways Fulltext = "always"
	FulltextNever  Fulltext = "never"
)

// ParseFulltext checks s names a full-text mode; "" means auto.
func ParseFulltext(s string) (Fulltext, error) {
	switch f := Fulltext(strings.ToLower(strings.TrimSpace(s))); f {
	case FulltextAuto, FulltextAlways, FulltextNever:
		return f, nil
	case "":
		return FulltextAuto, nil
	default:
		return "", Errorf(EINVALID, "fulltext %q is not one of auto, always or never", s)
	}
}

// Bounds on how often a followed source is checked.
const (
	MinCheckInterval = 5 * time.Minute
	MaxCheckInterval = 24 * time.Hour
)

// Following reports whether Herald fetches s itself.
func (s *Source) Following() bool { return s.FeedURL != "" && s.RemovedAt.IsZero() }

// MaxSourceNameLen bounds an outlet's name.
const MaxSourceNameLen = 200

// Validate reports the first thing wrong with s, as an EINVALID error.
func (s *Source) Validate() error {
	switch {
	case strings.TrimSpace(s.Name) == "":
		return Errorf(EINVALID, "source is required")
	case len(s.Name) > MaxSourceNameLen:
		return Errorf(EINVALID, "source is longer than %d bytes", MaxSourceNameLen)
	case Slugify(s.Name) == "":
		return Errorf(EINVALID, "source %q has no letters or digits", s.Name)
	case len(s.Homepage) > MaxURLLen:
		return Errorf(EINVALID, "source_url is longer than %d bytes", MaxURLLen)
	}
	if s.Homepage != "" {
		if err := CheckWebURL(s.Homepage); err != nil {
			return Errorf(EINVALID, "source_url: %s", ErrorMessage(err))
		}
	}
	if s.FeedURL == "" {
		return nil
	}
	if err := CheckWebURL(s.FeedURL); err != nil {
		return err
	}
	switch {
	case s.Kind != KindFeed && s.Kind != KindSitemap && s.Kind != KindPage:
		return Errorf(EINVALID, "source kind %q is not one of feed, sitemap or page", s.Kind)
	case s.Licence != LicenceFull && s.Licence != LicenceExcerpt && s.Licence != LicenceHeadline:
		return Errorf(EINVALID, "licence %q is not one of full, excerpt or headline", s.Licence)
	case s.Fulltext != FulltextAuto && s.Fulltext != FulltextAlways && s.Fulltext != FulltextNever:
		return Errorf(EINVALID, "fulltext %q is not one of auto, always or never", s.Fulltext)
	case s.Every != 0 && (s.Every < MinCheckInterval || s.Every > MaxCheckInterval):
		return Errorf(EINVALID, "every %s is outside %s to %s", s.Every, MinCheckInterval, time.Duration(MaxCheckInterval))
	}
	return nil
}

// SourceService keeps sources. An outlet named by an imported article is
// created with it by ArticleService.AddArticle; a followed source is added
// by an editor with AddSource.
type SourceService interface {
	// FindSources returns every source, removed ones included, by name.
	FindSources(ctx context.Context) ([]*Source, error)
	// FindSourceBySlug returns an ENOTFOUND error when there is none.
	FindSourceBySlug(ctx context.Context, slug string) (*Source, error)

	// AddSource starts following s, filling in ID, Slug and CreatedAt;
	// its first check is due at once. An ECONFLICT error says another
	// source has the same FeedURL, or the same name while following
	// something else. A source of that name known only from imports
	// becomes followed.
	AddSource(ctx context.Context, s *Source) error
	// RemoveSource stops following the source; with purge its articles
	// are deleted too, and the pictures no other article names (see
	// MediaService.PruneMedia). The items it delivered stay remembered, so
	// adding it again never brings back what an editor deleted.
	RemoveSource(ctx context.Context, slug string, purge bool) error

	// ClaimDueSources leases up to limit followed sources whose next
	// check is due, to owner, until now+lease. A source leased to someone
	// else is skipped until the lease ends, so processes sharing a
	// database never fetch the same source at once, and a crashed
	// worker's sources are picked up again.
	ClaimDueSources(ctx context.Context, owner string, lease time.Duration, limit int) ([]*Source, error)
	// RecordFetch stores the outcome of a fetch and ends owner's lease.
	// It is an ECONFLICT error when the lease was lost to another owner.
	RecordFetch(ctx context.Context, sourceID int64, owner string, state FetchState) error

	// SeenItems returns which of keys the source has already delivered.
	SeenItems(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error)
}

// CheckWebURL reports an EINVALID error unless s is an absolute http or
// https URL with a host.
func CheckWebURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return Errorf(EINVALID, "%q is not a URL", truncate(s, 80))
	case u.Scheme != "http" && u.Scheme != "https":
		return Errorf(EINVALID, "%q is not an http or https URL", truncate(s, 80))
	case u.Host == "":
		return Errorf(EINVALID, "%q has no host", truncate(s, 80))
	}
	return nil
}
