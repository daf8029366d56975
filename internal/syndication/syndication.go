// Package syndication reads the documents that tell Herald what a source has
// published: RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3, 1.0) and JSON Feed (1.x)
// feeds, sitemaps, Google News sitemaps and sitemap indexes. It turns each
// into a Feed of Items with absolute URLs, clean titles and UTC dates, and it
// finds the feeds an HTML page advertises.
//
// The package only parses: fetching (with its size caps, politeness and SSRF
// guard) is the fetch package's job, and what happens to an item afterwards
// is ingest's. Feeds are parsed with github.com/mmcdole/gofeed; sitemaps with
// encoding/xml.
//
// Everything here reads input from outside, so nothing here may panic or run
// unbounded: Parse turns a panic inside a parser into an error, caps the
// items it returns, and refuses documents over MaxDocumentSize.
package syndication

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"
)

// Kinds of document Parse understands, as found in Feed.Kind.
const (
	KindRSS          = "rss" // RSS 0.9x, 1.0 (RDF) and 2.0
	KindAtom         = "atom"
	KindJSONFeed     = "json"
	KindSitemap      = "sitemap"
	KindNewsSitemap  = "news-sitemap"
	KindSitemapIndex = "sitemap-index"
)

// Limits that bound the work done on one document.
const (
	// MaxDocumentSize is the largest document Parse accepts, after gzip
	// decompression. The fetcher caps bodies at the same size; the check here
	// is what keeps a small gzip bomb from becoming a large document.
	MaxDocumentSize = 10 << 20

	// MaxItems is the most items Parse returns for one document. Feeds list
	// their newest items first, so the first MaxItems are kept; for a plain
	// sitemap, whose order means nothing, the MaxItems most recently modified
	// URLs are kept.
	MaxItems = 1000

	// MaxSitemaps is the most child sitemaps read from a sitemap index: the
	// limit the sitemaps protocol itself sets.
	MaxSitemaps = 50000
)

// Feed is what one feed or sitemap document says.
type Feed struct {
	Kind     string // one of the Kind constants
	Title    string // plain text; for a news sitemap, the publication's name
	Link     string // the site's homepage, absolute; empty when not given
	Language string // as given by the document, e.g. "en-us"
	Items    []Item // in document order (see MaxItems for sitemaps)
	// Sitemaps lists the absolute URLs of the child sitemaps of a sitemap
	// index; it is empty for every other kind.
	Sitemaps []string
}

// Item is one article a feed or sitemap lists.
type Item struct {
	// ID identifies the item within its source: the feed's GUID (RSS guid,
	// Atom id, JSON Feed id) when it gives a non-empty one, otherwise
	// CanonicalURL(URL).
	ID string
	// URL is the article's absolute http(s) address, resolved against
	// xml:base and the feed's own URL. Items with no usable link fall back on
	// a GUID that is an absolute URL; items with neither are left out.
	URL    string
	Title  string // plain text: entities decoded, tags stripped, spaces folded
	Author string // plain text; empty when not given
	// Published and Updated are in UTC, and zero when the feed gives no date,
	// one that cannot be read, or one before 1900; a date more than a day
	// ahead is taken as the time of parsing (see Notes). A feed item that
	// gives no publication date is published at its update date (Atom
	// updated, RSS dc:date, JSON Feed date_modified), and Notes says so.
	Published, Updated time.Time
	Summary            string // HTML or text, as the feed gives it
	// Content is the full content as HTML when the feed carries it
	// (content:encoded, Atom content, JSON Feed content_html; plain text
	// content is escaped into HTML paragraphs).
	Content  string
	Image    string // absolute URL of the item's image; empty when none
	Language string // the item's language, else the feed's
	// Notes says what Parse changed in the item, and why, for the editor:
	// a date set aside or taken as now (see Item.checkDate), the update
	// date taken for the publication date, or no date given at all (see
	// Item.fallBackOnUpdated).
	Notes []string `json:",omitempty"`
}

// Date returns the item's publication date, or its update date when the
// feed gives no publication date; it is zero when the feed gives neither.
func (it Item) Date() time.Time {
	if !it.Published.IsZero() {
		return it.Published
	}
	return it.Updated
}

// msgTooLarge is the error message for a document over MaxDocumentSize.
const msgTooLarge = "document is larger than 10 MB"

// Parse reads a feed or sitemap. feedURL is the address the document was
// fetched from; relative links are resolved against it (after any xml:base).
// It may be empty, in which case items whose links stay relative are left
// out.
//
// A feed damaged part-way (cut off in transfer, a broken CDATA section)
// yields the items before the damage, and a JSON Feed with a field of the
// wrong type loses only that field.
//
// Errors are *herald.Error values with code EINVALID and a message written
// for the editor who added the source, such as "empty document", "not a feed
// or sitemap (looks like an HTML page)" or "parse error at line 12: …".
func Parse(body []byte, feedURL string) (feed *Feed, err error) {
	// Defence in depth: gofeed and the encoding packages it uses have had
	// panics on hostile input. A panic in one document must become that
	// source's error, never take the process down.
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, errorf("feed parser failed: %v", r)
		}
	}()

	if len(body) > MaxDocumentSize {
		return nil, errorf(msgTooLarge)
	}
	if isGzip(body) {
		if body, err = gunzip(body); err != nil {
			return nil, err
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errorf("empty document")
	}
	var base *url.URL
	if feedURL != "" {
		if u, err := url.Parse(strings.TrimSpace(feedURL)); err == nil && u.IsAbs() {
			base = u
		}
	}

	body = toUTF8(body)
	d := sniff(body)
	now := time.Now() // for the rule on dates (see Item.checkDate)
	switch d.kind {
	case docRSS, docAtom, docJSON:
		return parseFeed(d, base, now)
	case docURLSet:
		return parseSitemap(d.body, base, now)
	case docSitemapIndex:
		return parseSitemapIndex(d.body, base)
	case docEmpty:
		return nil, errorf("empty document")
	case docHTML:
		return nil, errorf("not a feed or sitemap (looks like an HTML page)")
	case docOPML:
		return nil, errorf("not a feed or sitemap (looks like an OPML subscription list)")
	case docOtherJSON:
		return nil, errorf("not a feed or sitemap (JSON, but not a JSON Feed)")
	case docOtherXML:
		if d.root == "" {
			return nil, errorf("not a feed or sitemap (XML with no element near the start)")
		}
		return nil, errorf("not a feed or sitemap (XML with root element <%s>)", truncate(d.root, 40))
	case docBroken:
		return nil, syntaxError(d.body, d.err)
	default:
		return nil, errorf("not a feed or sitemap (neither XML nor JSON)")
	}
}

// isGzip reports whether b starts with the gzip magic number, as a sitemap
// served as sitemap.xml.gz does.
func isGzip(b []byte) bool {
	return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b
}

// gunzip decompresses b, refusing output larger than MaxDocumentSize.
func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, errorf("parse error: bad gzip data: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxDocumentSize+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, errorf("parse error: bad gzip data: %v", err)
	}
	if len(out) > MaxDocumentSize {
		return nil, errorf("%s when decompressed", msgTooLarge)
	}
	return out, nil
}
