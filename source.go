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
	Images   ImagePolicy   // which pictures its articles show; "" follows Licence (see EffectiveImages)
	Every    time.Duration // a fixed interval between checks; 0 lets Herald decide

	Fetch FetchState
	// RemovedAt is set when an editor stopped following the source; its
	// articles stay unless they were purged.
	RemovedAt time.Time
	// PausedAt is set while an editor has paused the source: it is not
	// checked until resumed, and keeps its articles and settings.
	PausedAt time.Time
	// TakenDownAt is set while everything from the outlet is taken down
	// (TakedownService.TakeDownSource), for TakedownReason: the source is
	// paused until it is restored.
	TakenDownAt    time.Time
	TakedownReason string
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
	// ExtractWarning says why the pages read at the last check look
	// badly extracted (shorter than the feed's own summary), for the
	// desk's dashboard; "" when they look right or none were read.
	ExtractWarning string
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

// ImagePolicy says which of an article's pictures Herald shows.
type ImagePolicy string

// Image policies, from most to least generous. The zero value, on a
// Source, means the policy its licence gives (see LicenceImages).
const (
	ImagesAll  ImagePolicy = "all"  // the lead picture and those of the body
	ImagesLead ImagePolicy = "lead" // the lead picture only
	ImagesNone ImagePolicy = "none"
)

// ParseImagePolicy checks s names an image policy; "" (or "licence")
// means the one the licence gives, and is returned as "".
func ParseImagePolicy(s string) (ImagePolicy, error) {
	switch p := ImagePolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case ImagesAll, ImagesLead, ImagesNone, "":
		return p, nil
	case "licence", "license":
		return "", nil
	default:
		return "", Errorf(EINVALID, "images %q is not one of all, lead or none", s)
	}
}

// LicenceImages returns the most an article under licence l may show: all
// its pictures for a full licence, the lead for an excerpt, none for a
// headline (and for a licence Herald does not know).
func LicenceImages(l Licence) ImagePolicy {
	switch l {
	case LicenceFull:
		return ImagesAll
	case LicenceExcerpt:
		return ImagesLead
	}
	return ImagesNone
}

// Within returns p bounded by licence l: the stricter of p and what l
// allows, and what l allows when p is "". The licence is what the outlet
// granted, so a setting can show less than it, never more: a headline
// article's pictures are the outlet's work as much as its text.
func (p ImagePolicy) Within(l Licence) ImagePolicy {
	most := LicenceImages(l)
	if p == "" || imageRank(p) > imageRank(most) {
		return most
	}
	return p
}

func imageRank(p ImagePolicy) int {
	switch p {
	case ImagesAll:
		return 2
	case ImagesLead:
		return 1
	}
	return 0
}

// EffectiveImages returns the pictures s's articles show: s.Images within
// what s.Licence allows.
func (s *Source) EffectiveImages() ImagePolicy { return s.Images.Within(s.Licence) }

// Bounds on how often a followed source is checked.
const (
	MinCheckInterval = 5 * time.Minute
	MaxCheckInterval = 24 * time.Hour
)

// Following reports whether Herald fetches s itself (paused or not).
func (s *Source) Following() bool { return s.FeedURL != "" && s.RemovedAt.IsZero() }

// Paused reports whether an editor paused s.
func (s *Source) Paused() bool { return !s.PausedAt.IsZero() }

// TakenDown reports whether everything from s is taken down.
func (s *Source) TakenDown() bool { return !s.TakenDownAt.IsZero() }

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
	case s.Images != "" && s.Images != ImagesAll && s.Images != ImagesLead && s.Images != ImagesNone:
		return Errorf(EINVALID, "images %q is not one of all, lead or none", s.Images)
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
	// UpdateSource changes the settings upd names on the source, removed
	// or not, and returns it as stored. The articles already stored keep
	// their licence and their pictures: re-applying the image policy to
	// them is the caller's (ingest.ApplyImagePolicy). An unknown slug is
	// ENOTFOUND; a bad value is EINVALID, and nothing is written.
	UpdateSource(ctx context.Context, slug string, upd SourceUpdate) (*Source, error)

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
	// ChangedItems records the update times the source's feed gives its
	// items, by key, and returns the ids of the articles of those whose
	// time is newer than the one recorded before: their outlet changed
	// them. An item seen for the first time with a time, or never seen,
	// is no change; a zero time is ignored.
	ChangedItems(ctx context.Context, sourceID int64, updated map[string]time.Time) ([]int64, error)
}

// SourceUpdate names the settings of a source to change; nil fields stay.
type SourceUpdate struct {
	Name     *string        // shown in attributions; the slug stays
	Licence  *Licence       // given to articles added from now on
	Images   *ImagePolicy   // "" returns to the licence's
	Fulltext *Fulltext      // for items fetched from now on
	Every    *time.Duration // 0 lets Herald decide
	Paused   *bool          // pausing stops checks and ends any lease; resuming makes a check due at once
	CheckNow bool           // the next check is due now (a paused source stays paused)
}

// Validate reports the first bad value in u, as an EINVALID error.
func (u SourceUpdate) Validate() error {
	if u.Name != nil {
		if err := (&Source{Name: *u.Name}).Validate(); err != nil {
			return err
		}
	}
	if u.Fulltext != nil {
		if _, err := ParseFulltext(string(*u.Fulltext)); err != nil || *u.Fulltext == "" {
			return Errorf(EINVALID, "fulltext %q is not one of auto, always or never", *u.Fulltext)
		}
	}
	if u.Every != nil && *u.Every != 0 && (*u.Every < MinCheckInterval || *u.Every > MaxCheckInterval) {
		return Errorf(EINVALID, "every %s is outside %s to %s", *u.Every, MinCheckInterval, time.Duration(MaxCheckInterval))
	}
	if u.Licence != nil {
		switch *u.Licence {
		case LicenceFull, LicenceExcerpt, LicenceHeadline:
		default:
			return Errorf(EINVALID, "licence %q is not one of full, excerpt or headline", *u.Licence)
		}
	}
	if u.Images != nil {
		if p, err := ParseImagePolicy(string(*u.Images)); err != nil || p != *u.Images {
			return Errorf(EINVALID, "images %q is not one of all, lead or none", *u.Images)
		}
	}
	return nil
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
