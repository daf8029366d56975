// Package extract turns a fetched web page into a clean article: the main
// text as sanitised HTML and as plain text, and the metadata Herald shows
// with it — title, byline, dates, canonical URL, the outlet's name, lead
// image and language.
//
// The main text comes from go-trafilatura. The metadata comes from a layer
// of our own that believes what a publisher states about its page before
// anything guessed from the page's layout, field by field, in this order:
//
//  1. schema.org JSON-LD: the NewsArticle, Article, ReportageNewsArticle,
//     BlogPosting (or kin) node, wherever it sits — inside @graph, in an
//     array, with authors and publisher given as strings, objects, arrays
//     or @id references;
//  2. OpenGraph: og:title, og:site_name, article:published_time,
//     article:modified_time, og:image, og:url, article:author when it is a
//     name rather than a profile URL;
//  3. other <meta> conventions (author, date, Dublin Core, Parse.ly,
//     Sailthru), <link rel=canonical> and <html lang>;
//  4. go-trafilatura's own guesses, and for the date go-htmldate's
//     search of the page's text and addresses, less what it finds in a
//     copyright notice or a link to another page (see searchDate);
//  5. last resorts: the registrable domain as the site name, the page's
//     address as the canonical URL.
//
// Extract is a pure function of its input and the clock (a date more than
// a day ahead is taken as now): it makes no requests and keeps no state,
// so it is safe to call from many goroutines.
package extract

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/herald-news/herald"
)

// Article is a web page made into an article. Empty strings and zero times
// mean the page did not say; in JSON, zero times are left out. Dates keep
// the offset the page wrote them with, so that their calendar day is the
// day the page shows (an article of 18:00-07:00 on the 12th is not the
// 13th's, though it is in UTC); the instant is the same either way.
type Article struct {
	Title        string    `json:"title"`
	Byline       string    `json:"byline"`                // authors, comma-separated, without "By "
	PublishedAt  time.Time `json:"published_at,omitzero"` // at the offset the page stated, else UTC
	ModifiedAt   time.Time `json:"modified_at,omitzero"`  // the same
	SiteName     string    `json:"site_name"`             // the outlet to credit; never empty
	CanonicalURL string    `json:"canonical_url"`         // absolute; the page's own address if it names none
	Lang         string    `json:"lang"`                  // BCP 47, such as "en" or "pt-BR"
	Image        string    `json:"image"`                 // absolute address of the lead image
	Text         string    `json:"text"`                  // plain text, paragraphs separated by blank lines
	HTML         string    `json:"html"`                  // sanitised body; links absolute
	// Notes says what Extract set aside or changed in the page's metadata,
	// and why: a date before 1900, or one more than a day ahead taken as
	// now (see herald.CheckPublished).
	Notes []string `json:"notes,omitempty"`
	// Corrections are the notes the page's JSON-LD declares on its
	// article (schema.org correction); see also internal/correction for
	// those written in the text.
	Corrections []string `json:"corrections,omitempty"`
}

// MaxPageSize is the largest page Extract reads, the fetcher's own cap.
const MaxPageSize = 10 << 20

// minLetters is the least text Extract calls an article, in letters (so
// that scripts written without spaces count fairly). Below it, or without
// a single sentence, what the extractor found is a page's furniture:
// "Home News Sport Email Password Sign in".
const minLetters = 60

// minLangWords is the least text whose detected language Extract trusts.
const minLangWords = 50

// errNoText is what a page without an article gets.
func errNoText() error {
	return herald.Errorf(herald.EINVALID, "no article text found on the page")
}

// Options say what Extract keeps of a page besides its text.
type Options struct {
	// Pictures keeps the pictures of the body: <img>, <picture> and
	// <figure> with their alternative text and caption, as sanitize
	// keeps them (the largest srcset candidate up to
	// sanitize.MaxPictureWidth, decoration dropped, addresses absolute).
	// For sources whose articles show every picture (herald.ImagesAll):
	// the stored body names the outlet's pictures, which Herald fetches
	// and serves itself.
	Pictures bool
}

// Extract makes the page fetched from pageURL into an article, without
// the pictures of its body; see Options.Extract.
func Extract(page []byte, pageURL string) (*Article, error) {
	return Options{}.Extract(page, pageURL)
}

// Extract makes the page fetched from pageURL into an article. pageURL
// must be absolute: relative links and images are resolved against it (or
// against the page's <base href>), and it names the outlet when the page
// does not. The page's character set is taken from a byte order mark or a
// <meta charset>, else UTF-8 if the bytes are valid UTF-8, else
// windows-1252.
//
// Pages that are too large, not HTML, or hold no article text get a
// herald.EINVALID error whose message says so.
func (o Options) Extract(page []byte, pageURL string) (a *Article, err error) {
	if len(page) > MaxPageSize {
		return nil, herald.Errorf(herald.EINVALID, "page is larger than %d MB", MaxPageSize>>20)
	}
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, herald.Errorf(herald.EINVALID, "page URL %q is not an absolute http or https address", pageURL)
	}
	// The extractor and its dependencies are large and see hostile input;
	// a panic in them must cost one page, not the process.
	defer func() {
		if r := recover(); r != nil {
			a, err = nil, fmt.Errorf("extract %s: extractor panicked: %v", u.Redacted(), r)
		}
	}()

	doc, err := html.Parse(strings.NewReader(decode(page)))
	if err != nil {
		// Only nesting deeper than 512 elements makes html.Parse fail.
		return nil, herald.Errorf(herald.EINVALID, "page cannot be read as HTML: %v", err)
	}
	h := readHead(doc, u)
	base := baseURL(h.base, u)
	sch := readSchema(h.jsonLD)
	m := readMetadata(h, sch, u, base, time.Now())

	prep := prepare(doc, base, o.Pictures)
	if m.published.IsZero() {
		// Only a page that states no date is searched for one: the
		// search is much of an extraction's running time.
		if t, ok := searchDate(doc, u); ok {
			m.published, _ = m.date("published date found in the text", t)
		}
	}
	opts := ExtractorOptions(u)
	opts.IncludeImages = o.Pictures
	res, err := trafilatura.ExtractDocument(doc, opts)
	if err != nil || res == nil || res.ContentNode == nil {
		return nil, errNoText()
	}
	m.fill(res.Metadata, u, base)
	body := bodyHTML(res.ContentNode, base, prep, m.title)
	text := plainText(body)
	if !enoughText(text) {
		return nil, errNoText()
	}
	if m.lang == "" && len(strings.Fields(text)) >= minLangWords {
		// Language detection needs text to work on; on a few words it
		// guesses wildly.
		m.lang = cleanLang(res.Metadata.Language)
	}
	return &Article{
		Title:        m.title,
		Byline:       m.byline,
		PublishedAt:  m.published,
		ModifiedAt:   m.modified,
		SiteName:     m.siteName,
		CanonicalURL: m.canonical,
		Lang:         m.lang,
		Image:        m.image,
		Text:         text,
		HTML:         body,
		Notes:        m.notes,
		Corrections:  sch.corrections,
	}, nil
}

// ExtractorOptions returns the go-trafilatura options Extract uses for a
// page at pageURL. They were chosen by
// measurement on the WCXB corpus (see docs/BENCHMARKS.md and
// bench/extract, which uses this function to compare Herald with the
// extractor alone):
//
//   - comments left out: they are not the article;
//   - links kept, so that the body keeps them;
//   - images left out: Extract asks for them only with Options.Pictures,
//     which replaces them by markers the extractor keeps as images;
//   - the extractor's default balance of precision and recall, with
//     go-readability and go-domdistiller as fallback candidates when its
//     own result looks thin: on WCXB that lifts F1 from 0.909 to 0.939 for
//     about 40% more CPU. Favouring recall with fallback scores the same
//     F1 faster, but keeps more boilerplate (6.3% of the corpus's
//     must-not-contain snippets against 5.6%), which a republished article
//     should not carry (see the configurations table in
//     docs/BENCHMARKS.md);
//   - no publication-date search: Extract reads the date the page states
//     and searches for one itself only when it states none (see
//     searchDate), so that it can refuse what the search finds in a
//     copyright notice or a link;
//   - advertisement containers pruned by class name: the extractor keeps
//     an ad inside the article when it holds a link ("Win a cruise!").
//     This changes nothing on WCXB, whose pages rarely have inline ads.
func ExtractorOptions(pageURL *url.URL) trafilatura.Options {
	return trafilatura.Options{
		OriginalURL:     pageURL,
		ExcludeComments: true,
		IncludeLinks:    true,
		EnableFallback:  true,
		HtmlDateMode:    trafilatura.Disabled,
		PruneSelector:   adSelector,
	}
}

// adSelector matches the containers sites put advertisements in.
const adSelector = `[class~="ad"], [class~="ads"], [class~="advert"], [class~="advertisement"], ` +
	`[class~="ad-slot"], [class~="ad-container"], [id^="ad-"], [id^="google_ads"]`

// baseURL is the address relative references in the page resolve
// against: its <base href> if it has a usable one, else its own.
func baseURL(href string, page *url.URL) *url.URL {
	if href = strings.TrimSpace(href); href == "" {
		return page
	}
	b, err := page.Parse(href)
	if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
		return page
	}
	return b
}

// enoughText reports whether text has minLetters letters and a sentence.
func enoughText(text string) bool {
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= minLetters && strings.ContainsAny(text, ".!?。！？…")
}
