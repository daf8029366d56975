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
	AddArticle(ctx context.Context, a *Article) (created bool, err error)

	FindArticleByID(ctx context.Context, id int64) (*Article, error)
	FindArticleBySlug(ctx context.Context, slug string) (*Article, error)

	// FindArticles returns one page of articles, without HTML and Text, newest published first
	// (ties broken by ID, newest first), and the cursor of the next page,
	// "" on the last one. Pages stay stable while articles are added.
	FindArticles(ctx context.Context, f ArticleFilter) (articles []*Article, next string, err error)
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
