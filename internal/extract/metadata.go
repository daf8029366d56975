package extract

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	trafilatura "github.com/markusmobius/go-trafilatura"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/language"

	"github.com/herald-news/herald"
)

// head is what a page states about itself outside JSON-LD, gathered in one
// walk over the document.
type head struct {
	lang      string              // <html lang>
	title     string              // <title>
	base      string              // <base href>
	canonical string              // <link rel=canonical>
	imageSrc  string              // <link rel=image_src>
	meta      map[string][]string // <meta> content by lower-case name, property, itemprop or http-equiv
	jsonLD    []string            // the text of each application/ld+json script
}

// Bounds on what readHead keeps, so a hostile page cannot make it hoard.
const (
	maxMetaValues  = 16      // per key
	maxMetaLen     = 4 << 10 // bytes of one meta value
	maxJSONLDBytes = 1 << 20 // bytes of JSON-LD, all scripts together
)

// readHead walks doc, the page at page, once and collects its metadata.
// html.Parse refuses documents nested more than 512 deep, so recursion is
// bounded.
func readHead(doc *xhtml.Node, page *url.URL) *head {
	h := &head{meta: make(map[string][]string)}
	jsonLDBytes := 0
	var walk func(n *xhtml.Node, in place)
	walk = func(n *xhtml.Node, in place) {
		inside := in
		if n.Type == xhtml.ElementNode && n.Namespace == "" {
			inside = in.enter(n, page)
			switch n.DataAtom {
			case atom.Html:
				if h.lang == "" {
					h.lang = attr(n, "lang")
				}
			case atom.Title:
				if h.title == "" {
					h.title = textOf(n)
				}
			case atom.Base:
				if h.base == "" {
					h.base = attr(n, "href")
				}
			case atom.Link:
				for _, rel := range strings.Fields(strings.ToLower(attr(n, "rel"))) {
					switch {
					case rel == "canonical" && h.canonical == "":
						h.canonical = attr(n, "href")
					case rel == "image_src" && h.imageSrc == "":
						h.imageSrc = attr(n, "href")
					}
				}
			case atom.Meta:
				content := attr(n, "content")
				for _, k := range []string{"property", "name", "itemprop", "http-equiv"} {
					if k == "itemprop" && in.furniture {
						continue
					}
					dates := k != "itemprop" || !in.link
					// RDFa allows several properties in one attribute.
					for _, key := range strings.Fields(strings.ToLower(attr(n, k))) {
						if dates || !microdataDate(key) {
							h.addMeta(metaKey(key), content)
						}
					}
				}
			case atom.Script:
				t := strings.ToLower(strings.TrimSpace(attr(n, "type")))
				if strings.HasPrefix(t, "application/ld+json") {
					if s := textOf(n); jsonLDBytes+len(s) <= maxJSONLDBytes {
						jsonLDBytes += len(s)
						h.jsonLD = append(h.jsonLD, s)
					}
				}
				return
			case atom.Style:
				return
			}
			if !in.furniture {
				h.readMicrodata(n, !in.link)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inside)
		}
	}
	walk(doc, place{})
	return h
}

// place is where in a page an element sits, as far as the statements made
// in it are concerned.
type place struct {
	// article: inside an <article>.
	article bool
	// furniture: inside what a page puts around its article — navigation,
	// an <aside>, the page's footer, a list of related articles, the
	// comments. The dates and authors stated there are other articles'
	// and other people's: a "Related content" card is marked up as an
	// Article with its own datePublished, a comment with its own.
	furniture bool
	// link: inside a link to another page. What a link holds describes
	// the page it leads to, so a date there is that page's (a card for
	// another article); a name there is as likely the article's author,
	// linked to their profile, and is kept.
	link bool
}

// furnitureWords are the words of class and id names that mark furniture.
// Layout words ("sidebar", "nav") are left to the elements: themes name
// the wrapper around the article and its sidebar "content-sidebar-wrap".
var furnitureWords = map[string]bool{
	"related": true, "recommended": true, "recommendations": true, "comment": true, "comments": true,
	"footer": true,
}

// enter returns the place inside n, on the page at page; n itself is
// where its parent is, so that <a rel=author href=…> still names the
// author.
func (p place) enter(n *xhtml.Node, page *url.URL) place {
	switch n.DataAtom {
	case atom.Article:
		p.article = true
	case atom.Aside, atom.Nav:
		p.furniture = true
	case atom.A:
		if href, ok := attrOK(n, "href"); ok && !samePage(href, page) {
			p.link = true
		}
	case atom.Footer:
		// An article's own <footer> often holds its date and byline;
		// the page's does not.
		p.furniture = p.furniture || !p.article
	}
	if p.furniture || n.DataAtom == atom.Body || n.DataAtom == atom.Html {
		// The classes of <body> name the page's features, not a part of
		// it: "genesis-footer-widgets-visible".
		return p
	}
	if strings.Contains(strings.ToLower(attr(n, "itemtype")), "comment") {
		p.furniture = true
		return p
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(attr(n, "class")+" "+attr(n, "id")), notLetter) {
		if furnitureWords[w] && (w != "footer" || !p.article) {
			p.furniture = true
			break
		}
	}
	return p
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// samePage reports whether href, in the page at page, leads to the page
// itself: a permalink around the article's own date.
func samePage(href string, page *url.URL) bool {
	u, err := page.Parse(strings.TrimSpace(href))
	if err != nil {
		return false
	}
	return u.Host == page.Host && strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(page.Path, "/")
}

// microdataDate reports whether the microdata property key is a date.
func microdataDate(key string) bool {
	return key == "datepublished" || key == "datemodified"
}

// Keys under which readMicrodata files authors found in the page's body.
const (
	microdataAuthor = "microdata:author" // itemprop=author
	relAuthor       = "rel:author"       // <a rel=author>
)

// readMicrodata reads the statements a page makes in its body rather than
// its head: schema.org microdata dates and authors, and rel=author links.
func (h *head) readMicrodata(n *xhtml.Node, dates bool) {
	if n.DataAtom == atom.Meta || n.DataAtom == atom.Link {
		return
	}
	for _, p := range strings.Fields(strings.ToLower(attr(n, "itemprop"))) {
		switch p {
		case "datepublished", "datemodified":
			// <time itemprop=datePublished datetime=…>
			if !dates {
				continue
			}
			if v := attr(n, "datetime"); v != "" {
				h.addMeta(p, v)
			} else if v := attr(n, "content"); v != "" {
				h.addMeta(p, v)
			}
		case "author", "creator":
			if _, scoped := attrOK(n, "itemscope"); scoped {
				if name := findItemprop(n, "name", 0); name != nil {
					h.addMeta(microdataAuthor, shortText(name))
				}
			} else {
				h.addMeta(microdataAuthor, shortText(n))
			}
		}
	}
	if n.DataAtom == atom.A && slices.Contains(strings.Fields(strings.ToLower(attr(n, "rel"))), "author") {
		h.addMeta(relAuthor, shortText(n))
	}
}

// findItemprop returns the first element under n with itemprop prop.
func findItemprop(n *xhtml.Node, prop string, depth int) *xhtml.Node {
	if depth > 8 {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode {
			continue
		}
		if slices.Contains(strings.Fields(strings.ToLower(attr(c, "itemprop"))), prop) {
			return c
		}
		if f := findItemprop(c, prop, depth+1); f != nil {
			return f
		}
	}
	return nil
}

// shortText is an element's content attribute or text, if short enough to
// be a name: an itemprop on a whole article says nothing about its author.
func shortText(n *xhtml.Node) string {
	if v, ok := attrOK(n, "content"); ok {
		return v
	}
	t := strings.Join(strings.Fields(textOf(n)), " ")
	if len(t) > 120 {
		return ""
	}
	return t
}

// metaKey writes Dublin Core keys one way: "dc:title" and "DC.title" are
// both "dc.title".
func metaKey(key string) string {
	for _, p := range []string{"dc:", "dcterms:"} {
		if strings.HasPrefix(key, p) {
			return strings.TrimSuffix(p, ":") + "." + key[len(p):]
		}
	}
	return key
}

func (h *head) addMeta(key, value string) {
	value = strings.TrimSpace(value)
	if value == "" || len(value) > maxMetaLen || len(h.meta[key]) >= maxMetaValues {
		return
	}
	h.meta[key] = append(h.meta[key], value)
}

// values returns the values of keys, the first key's first.
func (h *head) values(keys ...string) []string {
	var vs []string
	for _, k := range keys {
		vs = append(vs, h.meta[k]...)
	}
	return vs
}

// attr returns n's attribute key, or "".
func attr(n *xhtml.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

// attrOK returns n's attribute key and whether n has it.
func attrOK(n *xhtml.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

// textOf returns the text inside n.
func textOf(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// The meta keys each field is read from, beyond JSON-LD, in order of
// precedence: OpenGraph first, then the other conventions.
var (
	ogTitleKeys       = []string{"og:title"}
	metaTitleKeys     = []string{"dc.title", "dcterms.title", "parsely-title", "sailthru.title", "twitter:title", "title", "headline"}
	ogAuthorKeys      = []string{"article:author", "og:article:author"}
	metaAuthorKeys    = []string{"author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "byl", "citation_author", "authors", microdataAuthor, relAuthor}
	ogPublishedKeys   = []string{"article:published_time", "og:article:published_time", "og:published_time"}
	metaPublishedKeys = []string{"datepublished", "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued", "dcterms.created", "parsely-pub-date", "sailthru.date", "article.published", "publish-date", "publish_date", "publishdate", "pubdate", "citation_publication_date", "citation_date"}
	ogModifiedKeys    = []string{"article:modified_time", "og:article:modified_time", "og:updated_time"}
	metaModifiedKeys  = []string{"datemodified", "dc.date.modified", "dcterms.modified", "last-modified", "article.updated", "lastmod"}
	ogSiteKeys        = []string{"og:site_name"}
	metaSiteKeys      = []string{"application-name", "dc.publisher", "dcterms.publisher", "publisher", "citation_publisher"}
	ogImageKeys       = []string{"og:image", "og:image:url", "og:image:secure_url"}
	metaImageKeys     = []string{"twitter:image", "twitter:image:src", "thumbnail", "thumbnailurl"}
	ogURLKeys         = []string{"og:url"}
	ogLangKeys        = []string{"og:locale"}
	metaLangKeys      = []string{"content-language", "dc.language", "dcterms.language", "language"}
)

// metadata is an article's metadata as Extract settles it.
type metadata struct {
	title, byline, siteName, canonical, lang, image string
	published, modified                             time.Time

	now   time.Time // for the rule on dates (see date)
	notes []string  // what was set aside or changed, and why (Article.Notes)

	// siteNames are all the outlet names the page states, so that a title
	// ending in any of them can lose the suffix; brandNames are the ones
	// stated in JSON-LD or OpenGraph, sure enough that a "title" that is
	// only one of them is refused.
	siteNames, brandNames []string
	pageTitle             string // the <title>, the last resort for title
}

// readMetadata settles what the page states about itself, field by field,
// by precedence: JSON-LD, then OpenGraph, then other <meta> conventions,
// <link> and <html> attributes. Fields the page does not state stay empty,
// for the extractor's guesses to fill.
func readMetadata(h *head, s *schema, page, base *url.URL, now time.Time) metadata {
	m := metadata{now: now}
	m.pageTitle = cleanTitle(h.title)
	m.brandNames = cleanAll(cleanText, concat([]string{s.publisher}, h.values(ogSiteKeys...), []string{s.website}))
	m.siteNames = cleanAll(cleanText, concat(m.brandNames, h.values(metaSiteKeys...)))
	if len(m.siteNames) > 0 {
		m.siteName = m.siteNames[0]
	}
	m.title = firstOf(m.articleTitle, concat(
		[]string{schemaTitle(s, firstOf(cleanTitle, concat(h.values(ogTitleKeys...), []string{h.title})...))},
		h.values(ogTitleKeys...), h.values(metaTitleKeys...))...)
	m.byline = firstOf(cleanText,
		joinNames(s.authors), joinNames(h.values(ogAuthorKeys...)), firstKey(h, joinNames, metaAuthorKeys...))
	m.published = m.firstDate("published date", concat([]string{s.published}, h.values(ogPublishedKeys...), h.values(metaPublishedKeys...)))
	m.modified = m.firstDate("modified date", concat([]string{s.modified}, h.values(ogModifiedKeys...), h.values(metaModifiedKeys...)))
	m.canonical = firstOf(func(v string) string { return canonicalURL(v, page, base) },
		concat([]string{s.url}, h.values(ogURLKeys...), []string{h.canonical})...)
	m.image = firstOf(func(v string) string { return absoluteURL(v, base) },
		concat([]string{s.image}, h.values(ogImageKeys...), h.values(metaImageKeys...), []string{h.imageSrc})...)
	m.lang = firstOf(cleanLang, concat([]string{s.lang}, h.values(ogLangKeys...), h.values(metaLangKeys...), []string{h.lang})...)
	return m
}

// fill completes m with the extractor's guesses where the page stated
// nothing, then with Herald's own last resorts: the <title>, the
// registrable domain for the site name and the page's address for the
// canonical URL. Titles lose a trailing " | Site Name" last, once the site
// name is settled.
func (m *metadata) fill(guess trafilatura.Metadata, page, base *url.URL) {
	if m.siteName == "" {
		// trafilatura falls back on the bare host name; Herald's own
		// fallback below writes that more readably.
		if name, _, _ := strings.Cut(guess.Sitename, ";"); !looksLikeDomain(name) {
			m.siteName = cleanText(name)
		}
	}
	if m.siteName == "" {
		m.siteName = domainName(page.Hostname())
	}
	m.siteNames = append(m.siteNames, m.siteName, domainLabel(page.Hostname()))
	if m.title == "" {
		// trafilatura prefers a lone <h1> to the <title>. Trust it when
		// the <title> bears it out ("Headline | Section | Site"); else the
		// <h1> is as likely the site's logo or a section name.
		t := m.articleTitle(guess.Title)
		if t == "" || (m.pageTitle != "" && !strings.Contains(strings.ToLower(m.pageTitle), strings.ToLower(t))) {
			t = firstOf(m.articleTitle, m.pageTitle, t)
		}
		m.title = t
	}
	if m.byline == "" {
		// trafilatura reads bylines off the page's layout too, and joins
		// several with semicolons; such guesses need a stricter look.
		var names []string
		for _, n := range strings.Split(guess.Author, ";") {
			// trafilatura cuts a byline at its first digit, which leaves
			// the month of a date behind: "Nathan Willis March".
			n = trailingMonth.ReplaceAllString(cleanText(n), "")
			if n = cleanByline(n); n != "" && len(strings.Fields(n)) <= 5 {
				names = append(names, n)
			}
		}
		m.byline = joinNames(names)
	}
	if m.canonical == "" {
		m.canonical = canonicalURL(guess.URL, page, base)
	}
	if m.canonical == "" {
		c := *page
		c.User, c.Fragment, c.RawFragment = nil, "", ""
		m.canonical = c.String()
	}
	if m.image == "" {
		m.image = absoluteURL(guess.Image, base)
	}
	m.title = stripSiteName(m.title, m.siteNames)
}

// schemaTitle picks the article's title from JSON-LD. headline is the
// field for it, but some sites put the article's title in name and
// something else in headline (Wikipedia: a one-line description), or the
// other way round; when the two differ, the one closer to the page's own
// title wins, headline on a tie.
func schemaTitle(s *schema, pageTitle string) string {
	if s.headline == "" || s.name == "" || s.headline == s.name || pageTitle == "" {
		return firstOf(cleanTitle, s.headline, s.name)
	}
	if overlap(s.name, pageTitle) > overlap(s.headline, pageTitle) {
		return s.name
	}
	return s.headline
}

// overlap is the share of a's words that appear in b.
func overlap(a, b string) float64 {
	in := make(map[string]bool)
	for _, w := range strings.FieldsFunc(strings.ToLower(b), notWordRune) {
		in[w] = true
	}
	words := strings.FieldsFunc(strings.ToLower(a), notWordRune)
	if len(words) == 0 {
		return 0
	}
	n := 0
	for _, w := range words {
		if in[w] {
			n++
		}
	}
	return float64(n) / float64(len(words))
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// articleTitle is cleanTitle that also refuses a title that is only the
// site's name, as home-page-minded templates put in og:title.
func (m *metadata) articleTitle(s string) string {
	s = cleanTitle(s)
	for _, name := range m.brandNames {
		if strings.EqualFold(s, name) {
			return ""
		}
	}
	return s
}

// concat joins lists of candidates, in order.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// firstOf returns the first of values that clean keeps.
func firstOf(clean func(string) string, values ...string) string {
	for _, v := range values {
		if v = clean(v); v != "" {
			return v
		}
	}
	return ""
}

// firstKey returns f of the values of the first of keys that gives
// something, so that values under different keys are never mixed.
func firstKey(h *head, f func([]string) string, keys ...string) string {
	for _, k := range keys {
		if v := f(h.meta[k]); v != "" {
			return v
		}
	}
	return ""
}

// cleanAll returns the values that clean keeps, cleaned, without repeats.
func cleanAll(clean func(string) string, values []string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, v := range values {
		v = clean(v)
		if k := strings.ToLower(v); v != "" && !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// joinNames cleans author names and joins them with commas.
func joinNames(names []string) string {
	return strings.Join(cleanAll(cleanByline, names), ", ")
}

// firstDate returns the first of values that parses as a date herald's
// rule accepts (see date), or the zero time.
func (m *metadata) firstDate(field string, values []string) time.Time {
	for _, v := range values {
		if t, ok := parseDate(v); ok {
			if t, ok := m.date(field, t); ok {
				return t
			}
		}
	}
	return time.Time{}
}

// date applies herald's rule for publication dates (see
// herald.CheckPublished) to a date the page states in field: a date before
// 1900 (0001-01-01, a common placeholder, among them) is set aside, and ok
// is false, so the next candidate is tried; a date more than a day after
// m.now is taken as now, in UTC. Either way a note says so.
func (m *metadata) date(field string, t time.Time) (_ time.Time, ok bool) {
	if err := herald.CheckPublished(t); err != nil {
		m.notes = append(m.notes, field+" "+herald.ErrorMessage(err)+"; set aside")
		return time.Time{}, false
	}
	clamped, note := herald.ClampPublished(t, m.now)
	if note != "" {
		m.notes = append(m.notes, field+" "+note)
		return clamped, true
	}
	// The same instant, at the offset the page wrote it with (see
	// statedZone).
	return t, true
}

var entity = regexp.MustCompile(`&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);`)

// cleanText collapses runs of white space, decodes HTML entities that a
// publisher escaped twice, trims, and keeps only text that has a letter or
// digit in it.
func cleanText(s string) string {
	if strings.Contains(s, "&") && entity.MatchString(s) {
		s = html.UnescapeString(s)
	}
	s = strings.Join(strings.Fields(s), " ")
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return ""
	}
	return s
}

// cleanTitle is cleanText for titles, refusing those too long to be one.
func cleanTitle(s string) string {
	if s = cleanText(s); len(s) > herald.MaxTitleLen {
		return ""
	}
	return s
}

// month matches an English month name or its abbreviation.
const month = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b`

var (
	// bylinePrefix is what sites write before the names.
	bylinePrefix = regexp.MustCompile(`(?i)^(?:(?:written|posted|reported|words|text|story|published|view all posts|all posts|more posts|articles|this (?:post|article|story) was written)\s+)?by\s*:?\s+|^(?:par|von|por)\s+(\p{Lu})`)
	// bylineDate is a date trailing a byline: ", October", "March 25, 2015".
	bylineDate = regexp.MustCompile(`(?i)(?:\s*[,|·•–—-]\s*(?:updated\s+|published\s+|on\s+)?` + month + `\.?(?:\s+\d.*)?|\s+` + month + `\.?\s+\d{1,2}\b.*|\s+\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.*)$`)
	// coCredit is a second credit after the author's: "Rob Ewaschuk
	// Edited by Betsy Beyer", "Shelby Loos, DVM Reviewed by Molly Price".
	coCredit = regexp.MustCompile(`(?i)[\s,;|]+(?:edited|reviewed|medically reviewed|fact[- ]checked|photos?|photographs|illustrations?|updated|produced)\s+by\b.*$`)
	// trailingMonth is a month after a name, without the rest of its date.
	trailingMonth = regexp.MustCompile(`(?i)\s+` + month + `\.?$`)
	// onlyMonth is a byline that is nothing but a month.
	onlyMonth = regexp.MustCompile(`(?i)^` + month + `\.?$`)
	// notByline is what layouts put where a byline goes.
	notByline = regexp.MustCompile(`(?i)^(?:(?:last\s+)?updated|published|posted on|share|username|admin|administrator|user|guest|anonymous|unknown|author|null|undefined|none)\b`)
	urlLike   = regexp.MustCompile(`(?i)^(https?:)?//|^www\.|://`)
)

// cleanByline tidies one author name: no "By " in front and no date
// behind, and no web addresses (OpenGraph's article:author is often a
// profile URL), template placeholders, layout words ("Updated", "Share")
// or strings too long to be a byline.
func cleanByline(s string) string {
	s = cleanText(s)
	s = bylinePrefix.ReplaceAllString(s, "$1")
	s = coCredit.ReplaceAllString(s, "")
	s = strings.TrimSpace(bylineDate.ReplaceAllString(s, ""))
	switch {
	case s == "", urlLike.MatchString(s), len(s) > herald.MaxBylineLen, cleanText(s) == "",
		notByline.MatchString(s), onlyMonth.MatchString(s), strings.Contains(s, "{{"), strings.Contains(s, "${"),
		looksLikeDomain(s):
		return ""
	}
	return s
}

// cleanLang returns s as a BCP 47 tag ("en", "en-US", "pt-BR"), or ""
// when s is not one. OpenGraph writes locales with an underscore.
func cleanLang(s string) string {
	s, _, _ = strings.Cut(s, ",")
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if s == "" || len(s) > 35 {
		return ""
	}
	tag, err := language.Parse(s)
	if err != nil || tag == language.Und {
		return ""
	}
	return tag.String()
}

// titleSeparators are what sites put between an article's title and their
// own name.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ", " / ", ": "}

// stripSiteName removes a trailing " | Site Name" from title when it names
// one of the site's names (compared by letters and digits only, so "Class
// Central" is classcentral.com's name); the outlet is shown beside the
// title anyway.
func stripSiteName(title string, siteNames []string) string {
	for _, sep := range titleSeparators {
		i := strings.LastIndex(title, sep)
		if i <= 0 {
			continue
		}
		suffix := alnum(title[i+len(sep):])
		for _, name := range siteNames {
			if suffix != "" && suffix == alnum(name) {
				return strings.TrimSpace(title[:i])
			}
		}
	}
	return title
}

// alnum returns the letters and digits of s, lower-case.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// absoluteURL resolves ref against base and keeps it only if it is an
// http or https address of a sensible length.
func absoluteURL(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > herald.MaxURLLen {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// canonicalURL is absoluteURL without the fragment, refusing a site's home
// page for an article that is not one: some sites put their home page in
// og:url or JSON-LD on every page.
func canonicalURL(ref string, page, base *url.URL) string {
	s := absoluteURL(ref, base)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	if isHome(u) && !isHome(page) {
		return ""
	}
	return u.String()
}

func isHome(u *url.URL) bool {
	return (u.Path == "" || u.Path == "/") && u.RawQuery == ""
}

// looksLikeDomain reports whether s is a host name (or a dotted template
// placeholder) rather than a name.
func looksLikeDomain(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || (strings.Contains(s, ".") && !strings.ContainsAny(s, " \t"))
}

// domainName names a site after its registrable domain, capitalised:
// www.nbcnews.com becomes "Nbcnews.com". It is the last resort when a page
// states no site name.
func domainName(host string) string {
	name := registrable(host)
	if name == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}

// domainLabel is the registrable domain without its public suffix:
// "classcentral" for www.classcentral.com. Titles often end in it.
func domainLabel(host string) string {
	name := registrable(host)
	suffix, _ := publicsuffix.PublicSuffix(name)
	if label := strings.TrimSuffix(name, "."+suffix); label != name {
		return label
	}
	return ""
}

func registrable(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return ""
	}
	name, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return strings.TrimPrefix(host, "www.")
	}
	return name
}
