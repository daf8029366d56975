package herald

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Licence says how much of an article Herald may republish. Republishing is
// only lawful with the publisher's permission, so every article carries one.
type Licence string

// The licence modes, from most to least generous.
const (
	LicenceFull     Licence = "full"     // the body, with a canonical link to the original
	LicenceExcerpt  Licence = "excerpt"  // about sixty words, then a link
	LicenceHeadline Licence = "headline" // the title and a link only
)

// DefaultLicence is the mode used when a source says nothing.
const DefaultLicence = LicenceExcerpt

// ParseLicence checks s names a licence mode; "" means the default.
func ParseLicence(s string) (Licence, error) {
	switch l := Licence(strings.ToLower(strings.TrimSpace(s))); l {
	case LicenceFull, LicenceExcerpt, LicenceHeadline:
		return l, nil
	case "":
		return DefaultLicence, nil
	default:
		return "", Errorf(EINVALID, "licence %q is not one of full, excerpt or headline", s)
	}
}

// Limits on what an article may hold. Pages larger than these are not news
// articles but mistakes or attacks, and are refused with a clear message.
const (
	MaxTitleLen  = 500             // bytes
	MaxBylineLen = 300             // bytes
	MaxURLLen    = 2048            // bytes
	MaxBodyLen   = 2 * 1024 * 1024 // bytes of HTML or text
)

// Article is one news article as Herald keeps it: the original's address
// and metadata, and the body as sanitised HTML and as plain text.
type Article struct {
	ID          int64
	Slug        string // readable, stable, unique: the page is /articles/{slug}
	OriginalURL string // where the article was first published; unique
	Title       string
	Byline      string
	PublishedAt time.Time
	HTML        string // sanitised body
	Text        string // the body as plain text, paragraphs separated by blank lines
	Lead        string // the first ExcerptWords words of Text; lists read only this
	Image       string
	Lang        string
	Licence     Licence
	Source      *Source
	CreatedAt   time.Time

	// Dedup is the article's text fingerprint, set by the pipeline and
	// kept by the store to find later copies of the same text.
	Dedup Fingerprint
	// DuplicateOf is the article whose page shows this one's text: the
	// copy chosen by licence, then by age. Zero for the shown copy. The
	// pipeline sets it on a new article it found to be a copy; the store
	// may give the new article the page instead (see AddArticle).
	DuplicateOf int64
	// Copies lists every outlet that carried this text, the shown copy
	// included, oldest first. Filled by the Find methods.
	Copies []Copy
	// StoryID is the story the article belongs to (see Story), 0 until
	// the pipeline has placed it. Filled by the Find methods.
	StoryID int64

	// UpdatedAt is when Herald stored the article's newest revision, zero
	// while it has none; Revisions counts its versions, 1 until revised
	// (see RevisionService). Filled by the Find methods.
	UpdatedAt time.Time
	Revisions int
	// Corrections are the notes the article's page declares in its
	// metadata (JSON-LD correction), for the pipeline to record with those
	// found in its text. Not filled by Find methods.
	Corrections []string
	// PageETag and PageLastModified are the validators of the page the
	// article was read from, kept with its re-check schedule so that its
	// first re-check is a conditional request. Not filled by Find methods.
	PageETag, PageLastModified string
	// PageHash identifies the words of the article's page when the
	// pipeline read it from its page (see ingest.Rechecker), so that its
	// first re-check compares page with page; "" when it came from its
	// feed. Kept with the re-check schedule, not filled by Find methods.
	PageHash string

	// ItemKey is the article's identity within a followed source: the
	// feed item's GUID, else its canonical URL. When set, AddArticle
	// remembers it in the same transaction, and an item the source has
	// delivered before is never stored again, even if its article was
	// deleted.
	ItemKey string
}

// Validate reports the first thing wrong with a, as an EINVALID error.
func (a *Article) Validate() error {
	switch {
	case strings.TrimSpace(a.OriginalURL) == "":
		return Errorf(EINVALID, "url is required")
	case len(a.OriginalURL) > MaxURLLen:
		return Errorf(EINVALID, "url is longer than %d bytes", MaxURLLen)
	case strings.TrimSpace(a.Title) == "":
		return Errorf(EINVALID, "title is required")
	case len(a.Title) > MaxTitleLen:
		return Errorf(EINVALID, "title is longer than %d bytes", MaxTitleLen)
	case len(a.Byline) > MaxBylineLen:
		return Errorf(EINVALID, "byline is longer than %d bytes", MaxBylineLen)
	case strings.TrimSpace(a.Text) == "" && strings.TrimSpace(a.HTML) == "":
		return Errorf(EINVALID, "a body (html or text) is required")
	case len(a.HTML) > MaxBodyLen || len(a.Text) > MaxBodyLen:
		return Errorf(EINVALID, "body is %.1f MB; the limit is %d MB",
			float64(max(len(a.HTML), len(a.Text)))/(1024*1024), MaxBodyLen/(1024*1024))
	case !utf8.ValidString(a.Title + a.Byline + a.HTML + a.Text):
		return Errorf(EINVALID, "text is not valid UTF-8")
	case a.PublishedAt.IsZero():
		return Errorf(EINVALID, "published_at is required")
	case a.PublishedAt.Before(earliestPublished):
		return Errorf(EINVALID, "published_at %s", ErrorMessage(CheckPublished(a.PublishedAt)))
	case a.PublishedAt.After(latestStorable):
		// ClampPublished keeps the pipeline's dates far from here; this
		// is what keeps a store from wrapping 9999 round to 1816.
		return Errorf(EINVALID, "published_at %s is after %s, the last date the stores can hold",
			a.PublishedAt.Format(time.RFC3339), latestStorable.Format(time.DateOnly))
	case a.Source == nil:
		return Errorf(EINVALID, "source is required")
	}
	switch a.Licence {
	case LicenceFull, LicenceExcerpt, LicenceHeadline:
	default: // stores keep only the canonical spelling; ParseLicence makes it
		return Errorf(EINVALID, "licence %q is not one of full, excerpt or headline", a.Licence)
	}
	return a.Source.Validate()
}

// Fingerprint identifies an article's text for near-duplicate detection
// (see internal/dedup): the hash of its normalised text, its LSH band
// keys, and the encoded MinHash signature.
type Fingerprint struct {
	Hash      uint64 // 0 for a text with no words
	Bands     []uint64
	Signature []byte
}

// Copy is one outlet's publication of an article's text.
type Copy struct {
	ArticleID   int64
	Source      *Source
	OriginalURL string
	PublishedAt time.Time
	Licence     Licence
}

// LicenceRank orders licences by how much they let Herald show.
func LicenceRank(l Licence) int {
	switch l {
	case LicenceFull:
		return 3
	case LicenceExcerpt:
		return 2
	case LicenceHeadline:
		return 1
	}
	return 0
}

// ArticleFilter selects articles, newest first. Zero fields do not filter.
type ArticleFilter struct {
	SourceID    int64
	OriginalURL string
	Cursor      string // from a previous page's NextCursor
	Limit       int    // at most MaxPageSize; 0 means DefaultPageSize
}

// Page sizes for listings.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageLimit returns the filter's limit clamped to [1, MaxPageSize].
func (f ArticleFilter) PageLimit() int {
	switch {
	case f.Limit <= 0:
		return DefaultPageSize
	case f.Limit > MaxPageSize:
		return MaxPageSize
	default:
		return f.Limit
	}
}

// ArticleService stores and finds articles. Find methods return an
// ENOTFOUND error when nothing matches, never a nil article.
type ArticleService interface {
	// AddArticle stores a, and its source if the source is new, in one
	// transaction, filling in IDs, Slug and CreatedAt. If an article with
	// the same OriginalURL exists, nothing changes, a is filled from the
	// stored article, and created is false. If a.ItemKey was delivered by
	// the source before, nothing changes and created is false.
	//
	// When a.DuplicateOf names an article, a is stored as another copy of
	// that text: if a's licence allows more than the shown copy's (full >
	// excerpt > headline), a becomes the shown copy and every other copy
	// points to it; otherwise a points to the shown copy. a.DuplicateOf
	// may name any copy of the text; the store follows it to the shown one.
	// The fingerprint's hash and bands are stored for FindCopyCandidates.
	AddArticle(ctx context.Context, a *Article) (created bool, err error)

	// FindCopyCandidates returns the stored articles, with their text,
	// whose text hash equals hash (never for hash 0) or that share one of
	// the LSH bands, at most limit of them, exact hash matches first. The
	// caller decides which, if any, is really the same text.
	FindCopyCandidates(ctx context.Context, hash uint64, bands []uint64, limit int) ([]*Article, error)

	FindArticleByID(ctx context.Context, id int64) (*Article, error)
	FindArticleBySlug(ctx context.Context, slug string) (*Article, error)

	// FindArticles returns one page of articles, without HTML and Text,
	// newest published first (ties broken by ID, newest first), and the
	// cursor of the next page, "" on the last one. Pages stay stable while
	// articles are added. Only the shown copy of each text is listed,
	// unless SourceID or OriginalURL is set; Copies is filled for each.
	FindArticles(ctx context.Context, f ArticleFilter) (articles []*Article, next string, err error)

	// FindUnfingerprinted returns up to limit articles, with their text,
	// whose fingerprint has never been computed (stored before
	// near-duplicate detection existed), with IDs above after, in ID order.
	FindUnfingerprinted(ctx context.Context, after int64, limit int) ([]*Article, error)

	// SetFingerprint stores fp as article id's fingerprint, its bands
	// included, so that later copies of the text find it; the article then
	// no longer counts as unfingerprinted, even when fp is empty.
	// Copies already stored are not merged. An unknown id is ENOTFOUND.
	SetFingerprint(ctx context.Context, id int64, fp Fingerprint) error

	// StoredURLs returns those of urls that are the OriginalURL of a stored
	// article (copies included), each once: a bulk import passes over
	// them without preparing them again.
	StoredURLs(ctx context.Context, urls []string) ([]string, error)

	// CountArticlesSince counts the articles stored (CreatedAt) at or
	// after since, copies included: the desk's "ingested in the last
	// hour".
	CountArticlesSince(ctx context.Context, since time.Time) (int, error)
}

// Cursor marks a position in the newest-first order of articles: the last
// article of a page. It is opaque to clients.
type Cursor struct {
	PublishedAt time.Time
	ID          int64
}

// Encode returns the opaque text form of c.
func (c Cursor) Encode() string {
	raw := strconv.FormatInt(c.PublishedAt.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor parses a cursor made by Encode. Anything else is an EINVALID
// error, never a panic.
func DecodeCursor(s string) (Cursor, error) {
	bad := Errorf(EINVALID, "cursor %q is not valid", truncate(s, 40))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	ts, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return Cursor{}, bad
	}
	nanos, err1 := strconv.ParseInt(ts, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n < 0 {
		return Cursor{}, bad
	}
	return Cursor{PublishedAt: time.Unix(0, nanos).UTC(), ID: n}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// String returns a short description of a for logs.
func (a *Article) String() string {
	return fmt.Sprintf("article %d %q", a.ID, truncate(a.Title, 60))
}

// NextPage trims a list fetched with limit+1 rows to limit and returns the
// cursor that continues after it, or "" when the list was the last page.
// The stores use it so that both cut pages the same way.
func NextPage(list []*Article, limit int) ([]*Article, string, error) {
	if len(list) <= limit {
		return list, "", nil
	}
	list = list[:limit]
	last := list[len(list)-1]
	return list, Cursor{PublishedAt: last.PublishedAt, ID: last.ID}.Encode(), nil
}

// ArticleEdit is an editor's change to how an article is shown; nil
// fields stay. The outlet's own title and lead are kept (see
// ArticleOriginal).
type ArticleEdit struct {
	Title   *string
	Excerpt *string // the lead lists show; "" returns to the first words of the text
}

// MaxExcerptLen bounds an editor's excerpt.
const MaxExcerptLen = 1000

// Validate reports the first bad value in e, as an EINVALID error.
func (e ArticleEdit) Validate() error {
	switch {
	case e.Title == nil && e.Excerpt == nil:
		return Errorf(EINVALID, "nothing to change: give a title or an excerpt")
	case e.Title != nil && strings.TrimSpace(*e.Title) == "":
		return Errorf(EINVALID, "a title is required")
	case e.Title != nil && len(*e.Title) > MaxTitleLen:
		return Errorf(EINVALID, "the title is longer than %d bytes", MaxTitleLen)
	case e.Title != nil && strings.ContainsAny(*e.Title, "\r\n"):
		return Errorf(EINVALID, "the title must be one line")
	case e.Excerpt != nil && len(*e.Excerpt) > MaxExcerptLen:
		return Errorf(EINVALID, "the excerpt is longer than %d bytes", MaxExcerptLen)
	}
	return nil
}

// ArticleOriginal is the title and lead an article came with, kept when
// an editor first changed how it is shown.
type ArticleOriginal struct {
	Title    string
	Lead     string
	EditedAt time.Time // the latest edit
}

// ArticleEditService changes how articles are shown.
type ArticleEditService interface {
	// EditArticle changes the shown title or excerpt of the article with
	// the slug (its search entry follows the title) and returns it; the
	// first edit keeps the original (FindArticleOriginal). An unknown
	// slug is ENOTFOUND; a bad value EINVALID, and nothing is written.
	EditArticle(ctx context.Context, slug string, e ArticleEdit) (*Article, error)
	// FindArticleOriginal returns what article id came with, or
	// ENOTFOUND when it was never edited.
	FindArticleOriginal(ctx context.Context, id int64) (*ArticleOriginal, error)
}
