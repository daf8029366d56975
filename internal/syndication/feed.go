package syndication

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
)

// decoded is a feed as gofeed reads it, with the parts of the original
// format that translation to gofeed.Feed loses.
type decoded struct {
	gf      *gofeed.Feed
	entries []*atom.Entry    // Atom only
	jitems  []*jsonfeed.Item // JSON Feed only
	links   *atomLinkSet     // Atom only: links resolved against xml:base
}

// decode reads body, of kind RSS, Atom or JSON Feed, with gofeed.
func decode(kind docKind, body []byte, base *url.URL) (*decoded, error) {
	var (
		d   decoded
		err error
	)
	switch kind {
	case docRSS:
		var rf *rss.Feed
		if rf, err = (&rss.Parser{}).Parse(bytes.NewReader(body)); err != nil {
			return nil, err
		}
		d.gf, err = (&gofeed.DefaultRSSTranslator{DisableContentImageScan: true}).Translate(rf)
	case docAtom:
		var af *atom.Feed
		if af, err = (&atom.Parser{}).Parse(bytes.NewReader(body)); err != nil {
			return nil, err
		}
		d.entries = af.Entries
		d.links = collectAtomLinks(body, base)
		d.gf, err = (&gofeed.DefaultAtomTranslator{}).Translate(af)
	case docJSON:
		var jf *jsonfeed.Feed
		if jf, err = (&jsonfeed.Parser{}).Parse(bytes.NewReader(body)); err != nil {
			return nil, err
		}
		d.jitems = jf.Items
		d.gf, err = (&gofeed.DefaultJSONTranslator{}).Translate(jf)
	}
	if err == nil && d.gf == nil {
		err = errors.New("no feed")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTranslate, err)
	}
	return &d, nil
}

// errTranslate marks a failure to translate a parsed feed, as opposed to a
// failure to parse it.
var errTranslate = errors.New("translate")

// parseFeed reads an RSS, Atom or JSON feed with gofeed and maps its result
// onto Herald's Feed. A feed gofeed cannot read is read again after repair
// (see salvageXML and looseJSONFeed); if that fails too, or saves no item,
// the first error is the one reported.
func parseFeed(doc doc, base *url.URL, now time.Time) (*Feed, error) {
	dec, err := decode(doc.kind, doc.body, base)
	if err != nil {
		var (
			repaired []byte
			ok       bool
			se       *xml.SyntaxError
			te       *json.UnmarshalTypeError
		)
		switch {
		case errors.As(err, &se):
			repaired, ok = salvageXML(doc.body)
		case errors.As(err, &te):
			repaired, ok = looseJSONFeed(doc.body)
		}
		if ok {
			dec, _ = decode(doc.kind, repaired, base) // on failure, report the first error
			if dec != nil && len(dec.gf.Items) == 0 {
				dec = nil // nothing worth having was saved
			}
		}
		if dec == nil {
			if errors.Is(err, errTranslate) {
				return nil, errorf("feed parser failed: %v", err)
			}
			return nil, syntaxError(doc.body, err)
		}
	}
	gf := dec.gf
	f := &Feed{
		Kind:     map[docKind]string{docRSS: KindRSS, docAtom: KindAtom, docJSON: KindJSONFeed}[doc.kind],
		Title:    cleanText(gf.Title),
		Link:     resolve(base, gf.Link),
		Language: cleanLanguage(gf.Language),
	}
	if dec.links != nil {
		if l := alternateLink(dec.links.feed); l != "" {
			f.Link = l
		}
	}
	m := mapper{decoded: dec, base: base, language: f.Language, now: now, dateNames: dateNames[doc.kind]}
	if doc.kind != docRSS && len(gf.Authors) > 0 && gf.Authors[0] != nil {
		// Atom and JSON Feed authors apply to entries that name none; an RSS
		// managingEditor is the editor of the feed, not the writer.
		m.author = cleanText(gf.Authors[0].Name)
	}
	seen := make(map[string]bool)
	for i := range gf.Items {
		if len(f.Items) == MaxItems {
			break
		}
		it, ok := m.item(i)
		if !ok || seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		f.Items = append(f.Items, it)
	}
	return f, nil
}

// mapper turns gofeed's items into Herald's.
type mapper struct {
	*decoded
	base     *url.URL
	author   string // the feed's author, for items that name none
	language string // the feed's language, likewise

	now       time.Time // for the rule on dates (see Item.checkDate)
	dateNames [2]string // the format's names for Published and Updated, for notes
}

// dateNames are the names each format gives the dates gofeed reads into
// Published and Updated. gofeed reads an RSS item's dc:date into both when
// it has no pubDate.
var dateNames = map[docKind][2]string{
	docRSS:  {"pubDate", "dc:date"},
	docAtom: {"published", "updated"},
	docJSON: {"date_published", "date_modified"},
}

// item maps the i-th item of the feed. It reports false for an item with no
// usable URL.
func (m *mapper) item(i int) (Item, bool) {
	gi := m.gf.Items[i]
	if gi == nil {
		return Item{}, false
	}
	it := Item{
		Title:   cleanText(gi.Title),
		Summary: strings.TrimSpace(gi.Description),
		Content: strings.TrimSpace(gi.Content),
	}

	// The URL: the item's own link, then its other links, then a GUID that
	// is a URL. Atom links come from collectAtomLinks, which knows xml:base.
	var candidates []string
	if m.links != nil && m.links.ok && len(m.links.entries) == len(m.gf.Items) {
		candidates = append(candidates, alternateLink(m.links.entries[i]))
	}
	candidates = append(candidates, gi.Link)
	candidates = append(candidates, gi.Links...)
	for _, c := range candidates {
		if it.URL = resolve(m.base, c); it.URL != "" {
			break
		}
	}
	guid := strings.TrimSpace(gi.GUID)
	if it.URL == "" && isAbsHTTP(guid) {
		it.URL = resolve(nil, guid)
	}
	if it.URL == "" {
		return Item{}, false
	}
	it.ID = guid
	if it.ID == "" {
		it.ID = canonicalOrSelf(it.URL)
	}

	if len(gi.Authors) > 0 && gi.Authors[0] != nil {
		it.Author = cleanText(gi.Authors[0].Name)
	} else if gi.Author != nil {
		it.Author = cleanText(gi.Author.Name)
	}
	if it.Author == "" {
		it.Author = m.author
	}

	published, hasPublished := pickDate(gi.PublishedParsed, gi.Published)
	updated, hasUpdated := pickDate(gi.UpdatedParsed, gi.Updated)
	if i < len(m.entries) && m.entries[i] != nil {
		// gofeed fills an Atom entry's published date from its updated
		// date; Herald keeps them apart (see Item.Date).
		e := m.entries[i]
		published, hasPublished = pickDate(e.PublishedParsed, e.Published)
		if e.Content != nil && isTextType(e.Content.Type) {
			it.Content = textToHTML(e.Content.Value)
		}
	}
	it.Published = it.checkDate(m.dateNames[0], published, hasPublished, m.now)
	it.Updated = it.checkDate(m.dateNames[1], updated, hasUpdated, m.now)
	it.fallBackOnUpdated(m.dateNames)
	if i < len(m.jitems) && m.jitems[i] != nil {
		ji := m.jitems[i]
		if ji.ContentHTML == "" && ji.ContentText != "" {
			it.Content = textToHTML(ji.ContentText)
		}
		it.Language = cleanLanguage(ji.Language)
	}

	// Only the picture the feed names for the item: the first picture of
	// the body comes after the page's JSON-LD and og:image in the order a
	// lead is chosen (issue 20), so ingest takes it from the stored body
	// when neither the feed nor the page names one.
	it.Image = resolve(m.base, itemImage(gi))
	if it.Language == "" && gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Language) > 0 {
		it.Language = cleanLanguage(gi.DublinCoreExt.Language[0])
	}
	if it.Language == "" {
		it.Language = m.language
	}
	return it, true
}

// pickDate returns gofeed's parsed date in UTC or, when gofeed could not
// read the date, what parseDate makes of the raw text. gofeed reads a zone
// name it does not know as UTC, so when the text ends in a zone name that
// only parseDate knows, parseDate's reading wins. ok is false when there
// is no date to read; a date of 0001-01-01T00:00:00Z is read as the zero
// time with ok true, so that the rule on dates sees it.
func pickDate(parsed *time.Time, raw string) (t time.Time, ok bool) {
	if parsed != nil && !parsed.IsZero() {
		if z := trailingZone(raw); z != "" && !gofeedZones[z] {
			if _, known := zones[strings.ToLower(z)]; known {
				if t, ok := parseDate(raw); ok {
					return t, true
				}
			}
		}
		return parsed.UTC(), true
	}
	return parseDate(raw)
}

// cleanLanguage trims a language tag and writes "en_US" as "en-US", the
// BCP 47 form.
func cleanLanguage(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
}

// gofeedZones are the zone names gofeed's date parser knows.
var gofeedZones = map[string]bool{
	"UT": true, "GMT": true, "UTC": true, "EST": true, "EDT": true, "CST": true,
	"CDT": true, "MST": true, "MDT": true, "PST": true, "PDT": true, "WET": true,
	"WEST": true, "BST": true, "CET": true, "CEST": true, "EET": true, "EEST": true,
}

// trailingZone returns the last word of a date if it is all letters, as a
// zone name is.
func trailingZone(s string) string {
	f := strings.Fields(s)
	if len(f) < 2 {
		return ""
	}
	z := f[len(f)-1]
	for _, r := range z {
		if r < 'A' || r > 'Z' && r < 'a' || r > 'z' {
			return ""
		}
	}
	return strings.ToUpper(z)
}

// isTextType reports whether an Atom content type is plain text, which
// Item.Content carries as escaped HTML.
func isTextType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "text" || t == "text/plain"
}

// itemImage returns the image a feed names for the item: gofeed's pick
// (iTunes image, media:content image, image enclosure), then Media RSS
// thumbnails and contents, also inside media:group.
func itemImage(gi *gofeed.Item) string {
	if gi.Image != nil && strings.TrimSpace(gi.Image.URL) != "" {
		return gi.Image.URL
	}
	if media := gi.Extensions["media"]; media != nil {
		if u := mediaImage(media); u != "" {
			return u
		}
		for _, g := range media["group"] {
			if u := mediaImage(g.Children); u != "" {
				return u
			}
		}
	}
	for _, e := range gi.Enclosures {
		if e != nil && strings.HasPrefix(strings.ToLower(e.Type), "image/") {
			return e.URL
		}
	}
	return ""
}

// mediaImage returns the first Media RSS thumbnail, or else the first
// media:content that is an image.
func mediaImage(m map[string][]ext.Extension) string {
	for _, t := range m["thumbnail"] {
		if u := strings.TrimSpace(t.Attrs["url"]); u != "" {
			return u
		}
	}
	for _, c := range m["content"] {
		if strings.Contains(c.Attrs["medium"], "image") || strings.HasPrefix(c.Attrs["type"], "image/") {
			if u := strings.TrimSpace(c.Attrs["url"]); u != "" {
				return u
			}
		}
	}
	return ""
}

// resolve returns ref as an absolute http(s) URL, resolved against base, or
// "" when it cannot be one.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(escapeStrayPercents(ref))
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// isAbsHTTP reports whether s is an absolute http(s) URL.
func isAbsHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// canonicalOrSelf returns CanonicalURL(u), or u when it has none.
func canonicalOrSelf(u string) string {
	if c, err := CanonicalURL(u); err == nil {
		return c
	}
	return u
}

// atomLink is an Atom <link> with its href made absolute.
type atomLink struct {
	rel, typ, href string
}

// atomLinkSet holds the links of an Atom feed and of each of its entries.
type atomLinkSet struct {
	feed    []atomLink
	entries [][]atomLink
	ok      bool // the reading went through the whole document
}

// collectAtomLinks reads the links of an Atom document with their hrefs
// resolved against the xml:base in scope, which gofeed does not do for link
// attributes. Entries are counted as gofeed counts them, children of the
// root named entry.
func collectAtomLinks(body []byte, base *url.URL) *atomLinkSet {
	set := &atomLinkSet{}
	d := newXMLDecoder(bytes.NewReader(body))
	bases := []*url.URL{base}
	depth, inEntry := 0, false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			set.ok = true
			return set
		}
		if err != nil {
			return set
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			b := bases[len(bases)-1]
			var rel, typ, href string
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xml" && a.Name.Local == "base":
					if u, err := url.Parse(strings.TrimSpace(a.Value)); err == nil {
						if b != nil {
							u = b.ResolveReference(u)
						}
						b = u
					}
				case a.Name.Space == "" && a.Name.Local == "rel":
					rel = strings.TrimSpace(a.Value)
				case a.Name.Space == "" && a.Name.Local == "type":
					typ = strings.ToLower(strings.TrimSpace(a.Value))
				case a.Name.Space == "" && a.Name.Local == "href":
					href = a.Value
				}
			}
			bases = append(bases, b)
			switch {
			case depth == 2 && t.Name.Local == "entry" && isAtomPrefix(t.Name.Space):
				inEntry = true
				set.entries = append(set.entries, nil)
			case t.Name.Local == "link" && isAtomPrefix(t.Name.Space) && (depth == 2 || depth == 3 && inEntry):
				l := atomLink{rel: rel, typ: typ, href: resolve(b, href)}
				if depth == 2 {
					set.feed = append(set.feed, l)
				} else {
					set.entries[len(set.entries)-1] = append(set.entries[len(set.entries)-1], l)
				}
			}
		case xml.EndElement:
			if depth == 2 && t.Name.Local == "entry" {
				inEntry = false
			}
			depth--
			if len(bases) > 1 {
				bases = bases[:len(bases)-1]
			}
		}
	}
}

// isAtomPrefix reports whether an element with this raw namespace prefix is
// taken for an Atom element: unprefixed, or prefixed "atom".
func isAtomPrefix(prefix string) bool {
	return prefix == "" || prefix == "atom"
}

// alternateLink picks the page an Atom element links to: the first
// rel="alternate" (the default rel) link to an HTML page, else the first
// alternate link of any type.
func alternateLink(links []atomLink) string {
	var any string
	for _, l := range links {
		if l.href == "" || (l.rel != "" && l.rel != "alternate") {
			continue
		}
		if l.typ == "" || strings.Contains(l.typ, "html") {
			return l.href
		}
		if any == "" {
			any = l.href
		}
	}
	return any
}
