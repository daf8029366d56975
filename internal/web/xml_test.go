package web_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/demo"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
	"golang.org/x/net/html"
)

// The namespaces Herald's XML documents use.
const (
	nsAtom       = "http://www.w3.org/2005/Atom"
	nsDC         = "http://purl.org/dc/elements/1.1/"
	nsSitemap    = "http://www.sitemaps.org/schemas/sitemap/0.9"
	nsNews       = "http://www.google.com/schemas/sitemap-news/0.9"
	nsOpenSearch = "http://a9.com/-/spec/opensearch/1.1/"
	nsXML        = "http://www.w3.org/XML/1998/namespace"
)

// demoBase is the public address the demo site is given in these tests.
const demoBase = "https://news.test"

// demoSiteName holds every character that XML text and attributes must
// escape, so that each document naming the site checks its escaping.
const demoSiteName = `Herald & "Friends" <News>`

// demoSite is the demo world, its topics and some approved comments,
// served by the real handler.
type demoSite struct {
	*site
	topics    []*herald.Topic
	commented []string // the paths of articles with approved comments
	pictured  []string // the addresses of the lead pictures stored
	now       time.Time
}

// heldComment is the text of a comment awaiting moderation: no feed may
// show it.
const heldComment = "This one waits for a moderator."

func newDemoSite(t *testing.T) *demoSite {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := web.New(store, logger, web.Config{BaseURL: demoBase, SiteName: demoSiteName, PollEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	pipe := &ingest.Pipeline{Articles: store, Stories: store, Topics: store, Media: store}
	s := &demoSite{site: &site{srv: httptest.NewServer(w.Handler()), store: store, web: w, pipe: pipe},
		now: time.Now().Truncate(time.Second)}
	t.Cleanup(s.srv.Close)

	// As `herald serve --demo` does: the topics first, so that articles
	// are tagged as they arrive.
	s.topics = demo.Topics()
	for _, topic := range s.topics {
		if err := store.AddTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
	}
	world, err := demo.JSONL(s.now)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := (&ingest.Importer{Pipeline: pipe}).Import(ctx, bytes.NewReader(world))
	if err != nil || prog.Rejected != 0 || prog.Imported == 0 {
		t.Fatalf("import the demo world: %+v, %v", prog, err)
	}
	var awkward []*herald.Article
	for _, it := range awkwardItems(s.now) {
		a, _, err := pipe.Add(ctx, it)
		if err != nil {
			t.Fatalf("add %q: %v", it.Title, err)
		}
		awkward = append(awkward, a)
	}

	// Comments: on the Chinese article, whose address is percent-encoded,
	// two approved, with markup, quotes and control characters in them,
	// and one held; on the demo world's newest article, one approved.
	latest, _, err := store.FindArticles(ctx, herald.ArticleFilter{Limit: 1})
	if err != nil || len(latest) == 0 {
		t.Fatalf("newest article: %v", err)
	}
	cjk := awkward[1]
	first := addComment(t, store, cjk, 0, `Zoë "Z" O'Neil <zo> & co`, "zoe@readers.example",
		"Fish & chips <script>alert(1)</script> ]]> a bell\x07 and\x01 more.\n\nSecond paragraph with a link: https://example.org/?a=1&b=2")
	approve := []int64{
		first,
		addComment(t, store, cjk, first, "Ann", "ann@readers.example", "Agreed — “quoted” ünïcödé 中文."),
		addComment(t, store, latest[0], 0, "Bea", "bea@readers.example", "A plain comment."),
	}
	addComment(t, store, cjk, 0, "Held", "held@readers.example", heldComment)
	if _, err := store.ModerateComments(ctx, herald.CommentAction{IDs: approve, Status: herald.CommentApproved}); err != nil {
		t.Fatal(err)
	}
	s.commented = []string{"/articles/" + url.PathEscape(cjk.Slug), "/articles/" + url.PathEscape(latest[0].Slug)}

	// The lead pictures of two of the newest articles stored, as the
	// picture worker would store them (this test runs none), so that
	// feeds carry enclosures.
	newest, _, err := store.FindArticles(ctx, herald.ArticleFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, a := range newest {
		ids = append(ids, a.ID)
	}
	images, err := store.FindArticleImages(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if list := images[id]; len(list) > 0 && list[0].Role == herald.RoleLead && len(s.pictured) < 2 {
			storePicture(t, s.site, list[0].SourceURL, 1200, 800)
			s.pictured = append(s.pictured, list[0].SourceURL)
		}
	}
	if len(s.pictured) == 0 {
		t.Fatal("the demo world has no lead picture to store")
	}

	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	w.CatchUp(ctx)
	go w.WatchChanges(ctx)
	return s
}

// addComment stores a comment awaiting moderation and returns its ID.
func addComment(t *testing.T, store *sqlite.DB, a *herald.Article, parent int64, name, email, text string) int64 {
	t.Helper()
	c := &herald.Comment{ArticleID: a.ID, ParentID: parent, AuthorName: name, AuthorEmail: email, Text: text,
		AuthorIP: "192.0.2.1", AuthorNetwork: "192.0.2.0/24", Status: herald.CommentPending}
	if err := store.AddComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// awkwardItems are articles the demo world lacks: characters XML must
// escape or cannot carry, a title in Chinese (so a slug outside ASCII),
// and language tags that are not bare ISO 639 codes. They are recent, so
// that the news sitemap lists them.
func awkwardItems(now time.Time) []ingest.Item {
	return []ingest.Item{
		{URL: "https://qa.example/2026/fish-and-chips?id=1&x=2", Title: "Fish & chips: \"ceasefire\" <b>holds</b> ]]> for 'now'\x01",
			Byline: "By Ann & Bob <ab@qa.example>", Text: "The chip shops of the harbour agreed a ceasefire & said so. <script>alert(1)</script>\x0b\n\nMore news follows.",
			Source: "Q&A <Weekly>", SourceURL: "https://qa.example/?a=1&b=2", Licence: "full", Lang: "en-GB",
			Image: "https://qa.example/img?a=1&b=2", PublishedAt: now.Add(-2 * time.Hour)},
		{URL: "https://haigang.example/news/1", Title: "港口海堤加高计划获批",
			Byline: "记者 李明", Text: "港口海堤加高计划周六获批。工程将持续三年。\n\n居民表示欢迎。",
			Source: "海港日报", SourceURL: "https://haigang.example/", Licence: "excerpt", Lang: "zh-Hant-TW",
			PublishedAt: now.Add(-3 * time.Hour)},
		{URL: "https://ponte.example/reabre", Title: "Ponte reabre após obras",
			Text: "A ponte reabriu hoje depois de seis meses de obras.", Source: "Jornal da Ponte",
			SourceURL: "https://ponte.example/", Licence: "headline", Lang: "pt_BR", PublishedAt: now.Add(-4 * time.Hour)},
	}
}

// TestXMLDocuments finds every feed, sitemap and description that the
// demo site serves, by following its links, robots.txt and sitemaps as
// a crawler would, and checks each: an XML content type; well-formed to
// a strict, namespace-aware parser (Go's, with the namespace checks it
// leaves out, and xmllint); valid against its published schema where
// there is one (the sitemaps), or against the required elements of its
// specification (RSS 2.0, RFC 4287 Atom, OpenSearch 1.1).
func TestXMLDocuments(t *testing.T) {
	s := newDemoSite(t)
	docs := s.crawl(t)

	var paths []string
	for p := range docs {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		d := docs[p]
		t.Run(strings.TrimPrefix(p, "/"), func(t *testing.T) {
			root, err := parseStrict(d.body)
			if err != nil {
				t.Fatalf("not namespace-well-formed XML: %v\n%s", err, d.body)
			}
			self := demoBase + p
			var schema string
			switch root.Name {
			case xml.Name{Local: "rss"}:
				checkMediaType(t, d.contentType, "application/rss+xml")
				checkRSS(t, root, self)
			case xml.Name{Space: nsAtom, Local: "feed"}:
				checkMediaType(t, d.contentType, "application/atom+xml")
				checkAtom(t, root, self)
			case xml.Name{Space: nsSitemap, Local: "urlset"}:
				checkMediaType(t, d.contentType, "application/xml")
				checkURLSet(t, root, s.now)
				schema = "sitemap-with-news.xsd"
			case xml.Name{Space: nsSitemap, Local: "sitemapindex"}:
				checkMediaType(t, d.contentType, "application/xml")
				schema = "siteindex.xsd"
			case xml.Name{Space: nsOpenSearch, Local: "OpenSearchDescription"}:
				checkMediaType(t, d.contentType, "application/opensearchdescription+xml")
				checkOpenSearch(t, root, self)
			default:
				t.Errorf("unexpected document root %v", root.Name)
			}
			t.Run("xmllint", func(t *testing.T) { xmllint(t, d.body, schema) })
		})
	}

	// The crawl reached every kind of document Herald serves. (Herald
	// has no feeds of a source or of a story, and one sitemap, not an
	// index; the crawl would check them if their pages linked them.)
	want := []string{"/rss.xml", "/atom.xml", "/opensearch.xml", "/sitemap.xml", "/news-sitemap.xml"}
	for _, p := range s.commented {
		want = append(want, p+"/comments.rss")
	}
	for _, topic := range s.topics {
		want = append(want, "/topics/"+topic.Slug+"/rss.xml")
	}
	for _, p := range want {
		if docs[p] == nil {
			t.Errorf("the crawl never reached %s", p)
		}
	}

	// What the documents say, beyond their form.
	t.Run("Enclosures", func(t *testing.T) { s.checkEnclosures(t, docs) })
	if d := docs["/rss.xml"]; d != nil {
		ch := mustParse(t, d.body).child("", "channel")
		if got := ch.child("", "title").Text; got != demoSiteName {
			t.Errorf("RSS channel title %q, want %q", got, demoSiteName)
		}
		found := false
		for _, item := range ch.children("", "item") {
			if item.child(nsDC, "creator").Text == "By Ann & Bob <ab@qa.example>" {
				found = true
				// The control character, which XML cannot carry, is dropped
				// on the way in or replaced by U+FFFD on the way out.
				got := item.child("", "title").Text
				if want := "Fish & chips: \"ceasefire\" <b>holds</b> ]]> for 'now'"; strings.TrimSuffix(got, "\uFFFD") != want {
					t.Errorf("RSS item title %q, want %q", got, want)
				}
			}
		}
		if !found {
			t.Error("RSS lacks the byline By Ann & Bob <ab@qa.example>")
		}
	}
	if d := docs[s.commented[0]+"/comments.rss"]; d != nil {
		var names, texts []string
		for _, item := range mustParse(t, d.body).child("", "channel").children("", "item") {
			names = append(names, item.child(nsDC, "creator").Text)
			texts = append(texts, item.child("", "description").Text)
		}
		all := strings.Join(texts, "\n")
		if !slices.Contains(names, `Zoë "Z" O'Neil <zo> & co`) || !slices.Contains(names, "Ann") || len(names) != 2 {
			t.Errorf("comment feed's authors are %q; want the two approved", names)
		}
		for _, want := range []string{"Fish &amp; chips &lt;script&gt;alert(1)&lt;/script&gt;", "Agreed — “quoted” ünïcödé 中文."} {
			if !strings.Contains(all, want) {
				t.Errorf("comment feed lacks %q:\n%s", want, all)
			}
		}
		for _, leak := range []string{heldComment, "@readers.example"} {
			if bytes.Contains(d.body, []byte(leak)) {
				t.Errorf("comment feed shows %q", leak)
			}
		}
	}
	if d := docs["/news-sitemap.xml"]; d != nil {
		langs := map[string]string{}
		for _, u := range mustParse(t, d.body).children(nsSitemap, "url") {
			langs[u.child(nsSitemap, "loc").Text] = u.child(nsNews, "news").child(nsNews, "publication").child(nsNews, "language").Text
		}
		for title, want := range map[string]string{
			"Fish & chips: \"ceasefire\" <b>holds</b> ]]> for 'now'": "en",    // en-GB
			"港口海堤加高计划获批":                                             "zh-tw", // zh-Hant-TW
			"Ponte reabre após obras":                                "pt",    // pt_BR
		} {
			loc := demoBase + "/articles/" + url.PathEscape(herald.Slugify(title))
			if got := langs[loc]; got != want {
				t.Errorf("news sitemap: %s has language %q, want %q", loc, got, want)
			}
		}
	}
}

// checkEnclosures checks that the site's RSS and Atom feeds and some
// topic's feed carry an enclosure for an article whose lead picture is
// stored, and that each enclosure is the picture's social card on this
// site, with its type and its true size in bytes.
func (s *demoSite) checkEnclosures(t *testing.T, docs map[string]*fetched) {
	type enclosure struct{ url, length, typ string }
	check := func(where string, list []enclosure) {
		if len(list) == 0 {
			t.Errorf("%s: no item has an enclosure, though %d lead pictures are stored", where, len(s.pictured))
		}
		for _, e := range list {
			p := s.localPath(t, e.url)
			if !regexp.MustCompile(`^/media/[0-9a-f]{64}/card\.jpg$`).MatchString(p) || e.typ != "image/jpeg" {
				t.Errorf("%s: enclosure %s of type %s, want a social card (image/jpeg) on the site", where, e.url, e.typ)
				continue
			}
			resp, body := s.get(t, p)
			if resp.StatusCode != http.StatusOK || e.length != strconv.Itoa(len(body)) || resp.Header.Get("Content-Type") != e.typ {
				t.Errorf("%s: enclosure %s says %s bytes of %s; it serves %d: %d bytes of %s", where, e.url, e.length, e.typ,
					resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
			}
		}
	}
	rss := func(p string) []enclosure {
		var out []enclosure
		if d := docs[p]; d != nil {
			for _, item := range mustParse(t, d.body).child("", "channel").children("", "item") {
				for _, e := range item.children("", "enclosure") {
					out = append(out, enclosure{attrValue(e, xml.Name{Local: "url"}), attrValue(e, xml.Name{Local: "length"}), attrValue(e, xml.Name{Local: "type"})})
				}
			}
		}
		return out
	}
	check("/rss.xml", rss("/rss.xml"))
	var atom []enclosure
	if d := docs["/atom.xml"]; d != nil {
		for _, entry := range mustParse(t, d.body).children(nsAtom, "entry") {
			for _, l := range entry.children(nsAtom, "link") {
				if attrValue(l, xml.Name{Local: "rel"}) == "enclosure" {
					atom = append(atom, enclosure{attrValue(l, xml.Name{Local: "href"}), attrValue(l, xml.Name{Local: "length"}), attrValue(l, xml.Name{Local: "type"})})
				}
			}
		}
	}
	check("/atom.xml", atom)
	var topics []enclosure
	for _, topic := range s.topics {
		topics = append(topics, rss("/topics/"+topic.Slug+"/rss.xml")...)
	}
	check("the topics' feeds", topics)
}

func mustParse(t *testing.T, doc []byte) *xmlNode {
	t.Helper()
	root, err := parseStrict(doc)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestFeedsDeclareDublinCore is issue 19's regression: the site's and a
// topic's RSS wrote dc:creator for an article with a byline without
// declaring the dc prefix, so strict readers refused the whole feed.
func TestFeedsDeclareDublinCore(t *testing.T) {
	s := newSite(t)
	withTopics(t, s)
	for _, path := range []string{"/rss.xml", "/topics/harbour-wall/rss.xml"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			resp, body := s.get(t, path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %s", path, resp.Status)
			}
			root, err := parseStrict([]byte(body))
			if err != nil {
				t.Fatalf("not namespace-well-formed: %v\n%s", err, body)
			}
			if got := attrValue(root, xml.Name{Space: "xmlns", Local: "dc"}); got != nsDC {
				t.Errorf("rss declares xmlns:dc=%q, want %q", got, nsDC)
			}
			var creators []string
			for _, item := range root.child("", "channel").children("", "item") {
				for _, c := range item.children(nsDC, "creator") {
					creators = append(creators, c.Text)
				}
			}
			if !slices.Contains(creators, "By Ann Reed") {
				t.Errorf("no item has dc:creator By Ann Reed; creators: %q", creators)
			}
			t.Run("xmllint", func(t *testing.T) { xmllint(t, []byte(body), "") })
		})
	}
}

// TestNamespaceCheck makes sure the checks above catch what
// encoding/xml lets through.
func TestNamespaceCheck(t *testing.T) {
	for name, doc := range map[string]string{
		"UndeclaredElementPrefix":   `<rss><dc:creator>x</dc:creator></rss>`,
		"UndeclaredAttributePrefix": `<rss a:b="1"/>`,
		"PrefixOutOfScope":          `<rss><a xmlns:dc="` + nsDC + `"/><dc:creator/></rss>`,
		"UndeclaringAPrefix":        `<rss xmlns:dc=""/>`,
		"DuplicateExpandedAttr":     `<rss xmlns:a="urn:x" xmlns:b="urn:x" a:c="1" b:c="2"/>`,
		"TwoRoots":                  `<a/><b/>`,
		"UnknownEntity":             `<a>&nbsp;</a>`,
		"ControlCharacter":          "<a>\x01</a>",
		"NotUTF8":                   `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseStrict([]byte(doc)); err == nil {
				t.Errorf("parseStrict accepts %q", doc)
			}
		})
	}
	if _, err := parseStrict([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<rss xmlns:dc="` + nsDC + `"><dc:creator xml:lang="en">x</dc:creator></rss>`)); err != nil {
		t.Errorf("parseStrict refuses a good document: %v", err)
	}
}

// fetched is one XML document as served.
type fetched struct {
	contentType string
	body        []byte
}

// crawl finds the site's XML documents as a crawler and a feed reader
// would, and returns them by path: the sitemaps named in robots.txt (and
// in a sitemap index, were there one), and the feeds and descriptions
// that pages link to (<link rel=alternate|search> and links to .xml or
// .rss files). It starts from the home page, every topic page and the
// commented articles, and follows links to other pages of the site, and
// the pages a sitemap lists, except articles: every article page links
// its comment feed, all made alike, and rendering all of them under the
// race detector takes most of a minute. The commented articles stand
// for them.
func (s *demoSite) crawl(t *testing.T) map[string]*fetched {
	t.Helper()
	docs := map[string]*fetched{}
	seen := map[string]bool{}
	var pages, xmls []string
	add := func(list *[]string, p string) {
		if p = canonicalPath(p); !seen[p] {
			seen[p] = true
			*list = append(*list, p)
		}
	}
	addPage := func(p string) {
		if !strings.HasPrefix(p, "/articles/") {
			add(&pages, p)
		}
	}
	addXML := func(p string) { add(&xmls, p) }
	addPage("/")
	for _, topic := range s.topics {
		addPage("/topics/" + topic.Slug)
	}
	for _, p := range s.commented {
		add(&pages, p)
	}
	resp, robots := s.get(t, "/robots.txt")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("robots.txt: %s", resp.Status)
	}
	for line := range strings.Lines(robots) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Sitemap:"); ok {
			addXML(s.localPath(t, strings.TrimSpace(v)))
		}
	}
	for len(pages) > 0 || len(xmls) > 0 {
		if len(seen) > 2000 {
			t.Fatal("the crawl does not end")
		}
		list := &pages
		if len(xmls) > 0 {
			list = &xmls
		}
		p := (*list)[0]
		*list = (*list)[1:]
		resp, page := s.get(t, p)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", p, resp.Status)
			continue
		}
		body := []byte(page)
		if list == &xmls {
			docs[p] = &fetched{contentType: resp.Header.Get("Content-Type"), body: body}
			// Sitemaps lead on: an index to sitemaps, a sitemap to pages.
			root, err := parseStrict(body)
			if err != nil || root.Name.Space != nsSitemap {
				continue
			}
			for _, entry := range append(root.children(nsSitemap, "url"), root.children(nsSitemap, "sitemap")...) {
				loc := s.localPath(t, entry.child(nsSitemap, "loc").Text)
				if entry.Name.Local == "sitemap" {
					addXML(loc)
				} else {
					addPage(loc)
				}
			}
			continue
		}
		if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/html" {
			t.Errorf("GET %s: %s, want a page", p, resp.Header.Get("Content-Type"))
			continue
		}
		pageLinks(t, s.srv.URL+p, body, func(target string, isXML bool) {
			u, err := url.Parse(target)
			if err != nil || u.Host != strings.TrimPrefix(s.srv.URL, "http://") || u.RawQuery != "" {
				return
			}
			path := u.EscapedPath()
			switch {
			case isXML || strings.HasSuffix(path, ".xml") || strings.HasSuffix(path, ".rss"):
				addXML(path)
			case path == "/" || path == "/corrections" || strings.HasPrefix(path, "/sources/") ||
				strings.HasPrefix(path, "/topics/") || strings.HasPrefix(path, "/stories/"):
				addPage(path)
			}
		})
	}
	return docs
}

// canonicalPath percent-encodes a path one way (html/template writes
// lower-case hex digits, net/url upper-case), so that each page is
// fetched once.
func canonicalPath(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	return (&url.URL{Path: u.Path}).EscapedPath()
}

// pageLinks calls fn with the absolute address of every link in the page
// at base, saying whether the link announces an XML document
// (<link rel="alternate" type="application/rss+xml"> and the like).
func pageLinks(t *testing.T, base string, page []byte, fn func(target string, isXML bool)) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", base, err)
	}
	b, _ := url.Parse(base)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "a" || n.Data == "link") {
			if href := attr(n, "href"); href != "" {
				if u, err := b.Parse(href); err == nil {
					u.Fragment = ""
					typ, _, _ := mime.ParseMediaType(attr(n, "type"))
					fn(u.String(), n.Data == "link" && isXMLMediaType(typ))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

// localPath turns an address under the site's public address into the
// path to ask the test server for.
func (s *demoSite) localPath(t *testing.T, abs string) string {
	t.Helper()
	p, ok := strings.CutPrefix(abs, demoBase)
	if !ok || !strings.HasPrefix(p, "/") {
		t.Fatalf("%q is not an address of the site (%s)", abs, demoBase)
	}
	return p
}

func isXMLMediaType(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

// checkMediaType checks a Content-Type header: the media type expected,
// and UTF-8 if a charset is named (the documents are UTF-8).
func checkMediaType(t *testing.T, header, want string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || mt != want || !isXMLMediaType(mt) {
		t.Errorf("Content-Type %q, want %s", header, want)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		t.Errorf("Content-Type %q names a charset other than the document's UTF-8", header)
	}
}

// xmlNode is an element of a parsed document, its names resolved to
// their namespaces.
type xmlNode struct {
	Name xml.Name
	Attr []xml.Attr
	Kids []*xmlNode
	Text string // the character data directly inside, CDATA sections included
}

// children returns n's child elements named {space}local.
func (n *xmlNode) children(space, local string) []*xmlNode {
	var list []*xmlNode
	for _, c := range n.Kids {
		if c.Name.Space == space && c.Name.Local == local {
			list = append(list, c)
		}
	}
	return list
}

// child returns n's first child element named {space}local, or an empty
// element when there is none.
func (n *xmlNode) child(space, local string) *xmlNode {
	if list := n.children(space, local); len(list) > 0 {
		return list[0]
	}
	return &xmlNode{}
}

func attrValue(n *xmlNode, name xml.Name) string {
	for _, a := range n.Attr {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// parseStrict parses doc as a strict, namespace-aware XML 1.0 parser
// would and returns its root element. encoding/xml's Decoder checks the
// form (with Strict set: tags that match, known entities, quoted
// attributes, characters XML allows) but not namespaces: a prefix that
// was never declared is left in Name.Space as the bare prefix. A second
// pass over the raw tokens checks the namespace constraints
// (https://www.w3.org/TR/xml-names/): every prefix declared in scope, no
// prefix undeclared, the xml and xmlns prefixes not rebound, no two
// attributes with the same expanded name.
func parseStrict(doc []byte) (*xmlNode, error) {
	if !utf8.Valid(doc) {
		return nil, errors.New("not UTF-8")
	}
	root, err := buildTree(doc)
	if err != nil {
		return nil, err
	}
	if err := checkNamespaces(doc); err != nil {
		return nil, err
	}
	return root, nil
}

func buildTree(doc []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var root *xmlNode
	var stack []*xmlNode
	first := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", inputLine(d, doc), err)
		}
		switch tok := tok.(type) {
		case xml.ProcInst:
			if tok.Target == "xml" {
				if !first {
					return nil, errors.New("XML declaration not at the start")
				}
				if enc := procInstParam(string(tok.Inst), "encoding"); enc != "" && !strings.EqualFold(enc, "utf-8") {
					return nil, fmt.Errorf("declared encoding %q, not UTF-8", enc)
				}
			}
		case xml.StartElement:
			n := &xmlNode{Name: tok.Name, Attr: tok.Copy().Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("second root element <%s>", tok.Name.Local)
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.Kids = append(parent.Kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(tok)) > 0 {
					return nil, errors.New("text outside the root element")
				}
				continue
			}
			stack[len(stack)-1].Text += string(tok)
		case xml.Directive:
			return nil, fmt.Errorf("unexpected directive <!%s>", tok)
		}
		first = false
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

func inputLine(d *xml.Decoder, doc []byte) int {
	off := min(int(d.InputOffset()), len(doc))
	return bytes.Count(doc[:off], []byte("\n")) + 1
}

func procInstParam(inst, name string) string {
	m := regexp.MustCompile(name + `\s*=\s*["']([^"']*)["']`).FindStringSubmatch(inst)
	if m == nil {
		return ""
	}
	return m[1]
}

// checkNamespaces reads doc's raw tokens, which keep the prefixes as
// written, and checks each against the declarations in scope.
func checkNamespaces(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var scopes []map[string]string // prefix → namespace, innermost last
	lookup := func(prefix string) (string, bool) {
		if prefix == "xml" {
			return nsXML, true
		}
		for i := len(scopes) - 1; i >= 0; i-- {
			if ns, ok := scopes[i][prefix]; ok {
				return ns, ns != "" || prefix == ""
			}
		}
		return "", prefix == ""
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			where := fmt.Sprintf("line %d, <%s>", inputLine(d, doc), qname(tok.Name))
			decl := map[string]string{}
			for _, a := range tok.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					decl[""] = a.Value
				case a.Name.Space == "xmlns":
					switch {
					case a.Name.Local == "xmlns":
						return fmt.Errorf("%s: the xmlns prefix cannot be declared", where)
					case a.Name.Local == "xml" && a.Value != nsXML:
						return fmt.Errorf("%s: the xml prefix cannot be rebound", where)
					case a.Value == "":
						return fmt.Errorf("%s: xmlns:%s=\"\" undeclares a prefix, which XML 1.0 does not allow", where, a.Name.Local)
					}
					decl[a.Name.Local] = a.Value
				}
			}
			scopes = append(scopes, decl)
			if strings.Contains(tok.Name.Local, ":") || tok.Name.Local == "" {
				return fmt.Errorf("%s: not a qualified name", where)
			}
			if _, ok := lookup(tok.Name.Space); !ok || tok.Name.Space == "xmlns" {
				return fmt.Errorf("%s: namespace prefix %s on %s is not defined", where, tok.Name.Space, tok.Name.Local)
			}
			seen := map[xml.Name]bool{}
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				if strings.Contains(a.Name.Local, ":") {
					return fmt.Errorf("%s: attribute %s is not a qualified name", where, qname(a.Name))
				}
				expanded := xml.Name{Local: a.Name.Local}
				if a.Name.Space != "" {
					ns, ok := lookup(a.Name.Space)
					if !ok {
						return fmt.Errorf("%s: namespace prefix %s on attribute %s is not defined", where, a.Name.Space, a.Name.Local)
					}
					expanded.Space = ns
				}
				if seen[expanded] {
					return fmt.Errorf("%s: attribute {%s}%s given twice", where, expanded.Space, expanded.Local)
				}
				seen[expanded] = true
			}
		case xml.EndElement:
			scopes = scopes[:len(scopes)-1]
		}
	}
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// xmllint runs Debian's xmllint (libxml2-utils) on doc: a strict,
// namespace-aware parse, and validation against testdata/schema/<schema>
// when one is named. It skips when xmllint is missing, except in CI.
func xmllint(t *testing.T, doc []byte, schema string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("HERALD_REQUIRE_BROWSER") == "1" {
			t.Fatal("xmllint is not installed, and CI needs it: apt-get install -y libxml2-utils")
		}
		t.Skip("xmllint is not installed (Debian: apt-get install libxml2-utils); skipping its parse and the schema validation")
	}
	args := []string{"--noout", "--nonet"}
	if schema != "" {
		args = append(args, "--schema", filepath.Join("testdata", "schema", schema))
	}
	args = append(args, "-")
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.CombinedOutput()
	// xmllint reports a namespace error ("Namespace prefix dc on creator
	// is not defined") yet exits 0: any word from it but its verdict on
	// the schema is a failure.
	ok := err == nil && (schema == "" && len(out) == 0 || schema != "" && string(out) == "- validates\n")
	if !ok {
		t.Errorf("xmllint %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// checkRSS checks an RSS 2.0 feed (https://www.rssboard.org/rss-specification)
// for the elements and formats the specification requires.
func checkRSS(t *testing.T, root *xmlNode, self string) {
	t.Helper()
	if v := attrValue(root, xml.Name{Local: "version"}); v != "2.0" {
		t.Errorf("rss version %q, want 2.0", v)
	}
	channels := root.children("", "channel")
	if len(channels) != 1 {
		t.Fatalf("rss has %d channels, want 1", len(channels))
	}
	ch := channels[0]
	channelElems := []string{"title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
		"pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image", "rating", "textInput",
		"skipHours", "skipDays", "item"}
	checkOnlyKnown(t, ch, channelElems)
	for _, name := range []string{"title", "link", "description"} {
		if n := len(ch.children("", name)); n != 1 {
			t.Errorf("channel has %d <%s>, want 1", n, name)
		}
	}
	if strings.TrimSpace(ch.child("", "title").Text) == "" {
		t.Error("channel title is empty")
	}
	checkAbsURL(t, "channel link", ch.child("", "link").Text)
	for _, name := range []string{"pubDate", "lastBuildDate"} {
		for _, n := range ch.children("", name) {
			checkRFC822(t, "channel "+name, n.Text)
		}
	}
	selfLinks := 0
	for _, l := range ch.children(nsAtom, "link") {
		if attrValue(l, xml.Name{Local: "rel"}) == "self" {
			selfLinks++
			if href := attrValue(l, xml.Name{Local: "href"}); !sameURL(href, self) {
				t.Errorf("atom:link rel=self is %q, want %q", href, self)
			}
		}
	}
	if selfLinks != 1 {
		t.Errorf("channel has %d atom:link rel=self, want 1", selfLinks)
	}
	itemElems := []string{"title", "link", "description", "author", "category", "comments", "enclosure", "guid", "pubDate", "source"}
	guids := map[string]bool{}
	for i, item := range ch.children("", "item") {
		where := fmt.Sprintf("item %d", i+1)
		checkOnlyKnown(t, item, itemElems)
		for _, name := range itemElems {
			if name != "category" && len(item.children("", name)) > 1 {
				t.Errorf("%s has more than one <%s>", where, name)
			}
		}
		if strings.TrimSpace(item.child("", "title").Text) == "" && strings.TrimSpace(item.child("", "description").Text) == "" {
			t.Errorf("%s has neither title nor description", where)
		}
		if l := item.children("", "link"); len(l) > 0 {
			checkAbsURL(t, where+" link", l[0].Text)
		}
		guid := item.children("", "guid")
		if len(guid) == 0 {
			t.Errorf("%s has no guid", where)
		} else {
			g := guid[0]
			if p := attrValue(g, xml.Name{Local: "isPermaLink"}); p != "false" {
				checkAbsURL(t, where+" guid (a permalink)", g.Text)
			}
			if guids[g.Text] {
				t.Errorf("%s repeats guid %s", where, g.Text)
			}
			guids[g.Text] = true
		}
		if p := item.children("", "pubDate"); len(p) == 0 {
			t.Errorf("%s has no pubDate", where)
		} else {
			checkRFC822(t, where+" pubDate", p[0].Text)
		}
		for _, e := range item.children("", "enclosure") {
			checkAbsURL(t, where+" enclosure url", attrValue(e, xml.Name{Local: "url"}))
			if n, err := strconv.ParseInt(attrValue(e, xml.Name{Local: "length"}), 10, 64); err != nil || n < 0 {
				t.Errorf("%s enclosure length %q is not a number of bytes", where, attrValue(e, xml.Name{Local: "length"}))
			}
			if _, _, err := mime.ParseMediaType(attrValue(e, xml.Name{Local: "type"})); err != nil {
				t.Errorf("%s enclosure type %q: %v", where, attrValue(e, xml.Name{Local: "type"}), err)
			}
		}
		for _, src := range item.children("", "source") {
			checkAbsURL(t, where+" source url", attrValue(src, xml.Name{Local: "url"}))
		}
		for _, a := range item.children("", "author") {
			if !strings.Contains(a.Text, "@") {
				t.Errorf("%s author %q is not an email address (RSS 2.0's author is; a name belongs in dc:creator)", where, a.Text)
			}
		}
		for _, c := range item.children(nsDC, "creator") {
			if strings.TrimSpace(c.Text) == "" {
				t.Errorf("%s has an empty dc:creator", where)
			}
		}
	}
}

// checkOnlyKnown reports child elements in no namespace that the format
// does not define: elements of other vocabularies must carry their
// namespace.
func checkOnlyKnown(t *testing.T, n *xmlNode, known []string) {
	t.Helper()
	for _, c := range n.Kids {
		if c.Name.Space == "" && !slices.Contains(known, c.Name.Local) {
			t.Errorf("<%s> holds <%s>, which its format does not define", n.Name.Local, c.Name.Local)
		}
	}
}

var rfc822Date = regexp.MustCompile(`^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}|\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$`)

// checkRFC822 checks an RSS date: RFC 822's date-time (with RSS 2.0's
// four-digit years), a weekday that matches the date.
func checkRFC822(t *testing.T, what, v string) {
	t.Helper()
	m := rfc822Date.FindStringSubmatch(v)
	if m == nil {
		t.Errorf("%s %q is not an RFC 822 date", what, v)
		return
	}
	layout := "2 Jan 2006 15:04:05 -0700"
	s := m[2] + " " + m[3] + " " + m[4] + " " + m[5] + ":" + m[6] + ":" + cmpOr(m[7], "00") + " " + m[8]
	if !strings.HasPrefix(m[8], "+") && !strings.HasPrefix(m[8], "-") {
		layout = "2 Jan 2006 15:04:05 MST"
	}
	if len(m[4]) == 2 {
		layout = strings.Replace(layout, "2006", "06", 1)
	}
	when, err := time.Parse(layout, s)
	if err != nil {
		t.Errorf("%s %q: %v", what, v, err)
		return
	}
	if m[1] != "" && when.Weekday().String()[:3] != m[1] {
		t.Errorf("%s %q: the date is a %s", what, v, when.Weekday())
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkAbsURL checks an address in RSS or OpenSearch: an absolute URL,
// percent-encoded (RFC 3986 has no characters outside ASCII).
func checkAbsURL(t *testing.T, what, v string) {
	t.Helper()
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || u.Host == "" {
		t.Errorf("%s %q is not an absolute URL", what, v)
	}
	for _, r := range v {
		if r <= ' ' || r > '~' || strings.ContainsRune(`<>"{}|\^`+"`", r) {
			t.Errorf("%s %q is not percent-encoded", what, v)
			break
		}
	}
}

// sameURL reports whether a and b are the same address, however their
// paths are percent-encoded.
func sameURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Scheme == ub.Scheme && ua.Host == ub.Host && ua.Path == ub.Path && ua.RawQuery == ub.RawQuery
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// checkRFC3339 checks an Atom date construct (RFC 4287 3.3): RFC 3339's
// date-time, with an upper-case T and Z.
func checkRFC3339(t *testing.T, what, v string) {
	t.Helper()
	if !rfc3339.MatchString(v) {
		t.Errorf("%s %q is not an RFC 3339 date-time", what, v)
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
		t.Errorf("%s %q: %v", what, v, err)
	}
}

// checkIRI checks an atom:id: an absolute IRI (RFC 4287 4.2.6).
func checkIRI(t *testing.T, what, v string) {
	t.Helper()
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || strings.ContainsAny(v, " \t\r\n<>\"{}|\\^`") {
		t.Errorf("%s %q is not an absolute IRI", what, v)
	}
}

// checkAtom checks an Atom feed for what RFC 4287 requires of a feed
// (4.1.1) and of its entries (4.1.2), and the self link a feed should
// have.
func checkAtom(t *testing.T, root *xmlNode, self string) {
	t.Helper()
	one := func(n *xmlNode, where, name string) *xmlNode {
		list := n.children(nsAtom, name)
		if len(list) != 1 {
			t.Errorf("%s has %d atom:%s, want exactly 1", where, len(list), name)
			return &xmlNode{}
		}
		return list[0]
	}
	checkLinks := func(n *xmlNode, where string) (alternate, self []string) {
		types := map[string]bool{}
		for _, l := range n.children(nsAtom, "link") {
			href := attrValue(l, xml.Name{Local: "href"})
			checkIRI(t, where+" link href", href)
			switch rel := attrValue(l, xml.Name{Local: "rel"}); rel {
			case "", "alternate":
				key := attrValue(l, xml.Name{Local: "type"}) + " " + attrValue(l, xml.Name{Local: "hreflang"})
				if types[key] {
					t.Errorf("%s has two alternate links of type and hreflang %q", where, key)
				}
				types[key] = true
				alternate = append(alternate, href)
			case "self":
				self = append(self, href)
			case "enclosure":
				checkAbsURL(t, where+" enclosure href", href)
				if length := attrValue(l, xml.Name{Local: "length"}); length != "" {
					if n, err := strconv.ParseInt(length, 10, 64); err != nil || n < 0 {
						t.Errorf("%s enclosure length %q is not a number of bytes", where, length)
					}
				}
				if typ := attrValue(l, xml.Name{Local: "type"}); typ != "" {
					if _, _, err := mime.ParseMediaType(typ); err != nil {
						t.Errorf("%s enclosure type %q: %v", where, typ, err)
					}
				}
			}
		}
		return alternate, self
	}
	checkPerson := func(p *xmlNode, where string) {
		if len(p.children(nsAtom, "name")) != 1 || strings.TrimSpace(p.child(nsAtom, "name").Text) == "" {
			t.Errorf("%s author has no name", where)
		}
	}
	checkText := func(n *xmlNode, where string) {
		if typ := attrValue(n, xml.Name{Local: "type"}); typ != "" && typ != "text" && typ != "html" && typ != "xhtml" {
			t.Errorf("%s type %q is not text, html or xhtml", where, typ)
		}
	}

	checkIRI(t, "feed id", one(root, "feed", "id").Text)
	checkText(one(root, "feed", "title"), "feed title")
	checkRFC3339(t, "feed updated", one(root, "feed", "updated").Text)
	_, selfs := checkLinks(root, "feed")
	if len(selfs) != 1 || !sameURL(selfs[0], self) {
		t.Errorf("feed self links %q, want [%s]", selfs, self)
	}
	feedAuthor := len(root.children(nsAtom, "author")) > 0
	for _, p := range root.children(nsAtom, "author") {
		checkPerson(p, "feed")
	}
	ids := map[string]bool{}
	for i, e := range root.children(nsAtom, "entry") {
		where := fmt.Sprintf("entry %d", i+1)
		id := one(e, where, "id").Text
		checkIRI(t, where+" id", id)
		if ids[id] {
			t.Errorf("%s repeats id %s", where, id)
		}
		ids[id] = true
		checkText(one(e, where, "title"), where+" title")
		checkRFC3339(t, where+" updated", one(e, where, "updated").Text)
		for _, p := range e.children(nsAtom, "published") {
			checkRFC3339(t, where+" published", p.Text)
		}
		alternate, _ := checkLinks(e, where)
		if len(e.children(nsAtom, "content")) == 0 && len(alternate) == 0 {
			t.Errorf("%s has neither content nor an alternate link", where)
		}
		for _, s := range e.children(nsAtom, "summary") {
			checkText(s, where+" summary")
		}
		authors := e.children(nsAtom, "author")
		for _, p := range authors {
			checkPerson(p, where)
		}
		if len(authors) == 0 && !feedAuthor && len(e.child(nsAtom, "source").children(nsAtom, "author")) == 0 {
			t.Errorf("%s has no author, nor has the feed", where)
		}
		for _, src := range e.children(nsAtom, "source") {
			for _, id := range src.children(nsAtom, "id") {
				checkIRI(t, where+" source id", id.Text)
			}
			for _, u := range src.children(nsAtom, "updated") {
				checkRFC3339(t, where+" source updated", u.Text)
			}
			checkLinks(src, where+" source")
		}
	}
}

// checkURLSet checks what the schema cannot: sitemap addresses are
// the site's own and URL-escaped (https://www.sitemaps.org/protocol.html),
// and a news sitemap follows Google's rules: each address has its news
// entry, at most 1,000, published in the last two days.
func checkURLSet(t *testing.T, root *xmlNode, now time.Time) {
	t.Helper()
	urls := root.children(nsSitemap, "url")
	if len(urls) == 0 || len(urls) > 50000 {
		t.Errorf("urlset has %d urls; the protocol wants 1 to 50,000", len(urls))
	}
	news := 0
	for _, u := range urls {
		loc := u.child(nsSitemap, "loc").Text
		if !strings.HasPrefix(loc, demoBase+"/") || len(loc) > 2048 {
			t.Errorf("loc %q is not an address of the site of at most 2,048 characters", loc)
		}
		for _, r := range loc {
			if r <= ' ' || r > '~' || strings.ContainsRune(`<>"{}|\^`+"`", r) {
				t.Errorf("loc %q is not URL-escaped", loc)
				break
			}
		}
		if n := u.children(nsNews, "news"); len(n) > 0 {
			news++
			when, err := time.Parse(time.RFC3339, n[0].child(nsNews, "publication_date").Text)
			if err != nil || when.Before(now.Add(-48*time.Hour-time.Minute)) || when.After(now.Add(time.Minute)) {
				t.Errorf("%s: news publication date %q is not in the last two days (%v)", loc, n[0].child(nsNews, "publication_date").Text, err)
			}
			if strings.TrimSpace(n[0].child(nsNews, "publication").child(nsNews, "name").Text) == "" {
				t.Errorf("%s: news publication has no name", loc)
			}
		}
	}
	if news > 0 && (news != len(urls) || news > 1000) {
		t.Errorf("news sitemap: %d of %d urls have news entries; want all, and at most 1,000", news, len(urls))
	}
}

// checkOpenSearch checks an OpenSearch 1.1 description
// (https://github.com/dewitt/opensearch) for its required elements and
// their limits.
func checkOpenSearch(t *testing.T, root *xmlNode, self string) {
	t.Helper()
	short := root.children(nsOpenSearch, "ShortName")
	if len(short) != 1 || short[0].Text == "" || utf8.RuneCountInString(short[0].Text) > 16 {
		t.Errorf("ShortName: want one of 1 to 16 characters")
	}
	desc := root.children(nsOpenSearch, "Description")
	if len(desc) != 1 || desc[0].Text == "" || utf8.RuneCountInString(desc[0].Text) > 1024 {
		t.Errorf("Description: want one of 1 to 1,024 characters")
	}
	urls := root.children(nsOpenSearch, "Url")
	if len(urls) == 0 {
		t.Error("no Url")
	}
	selfs := 0
	for _, u := range urls {
		tmpl := attrValue(u, xml.Name{Local: "template"})
		typ := attrValue(u, xml.Name{Local: "type"})
		if _, _, err := mime.ParseMediaType(typ); err != nil {
			t.Errorf("Url type %q: %v", typ, err)
		}
		switch attrValue(u, xml.Name{Local: "rel"}) {
		case "self":
			selfs++
			if !sameURL(tmpl, self) {
				t.Errorf("Url rel=self template %q, want %q", tmpl, self)
			}
		case "", "results":
			if !strings.Contains(tmpl, "{searchTerms}") {
				t.Errorf("Url template %q has no {searchTerms}", tmpl)
			}
			checkAbsURL(t, "Url template", strings.ReplaceAll(tmpl, "{searchTerms}", "x"))
		}
	}
	if selfs > 1 {
		t.Errorf("%d Urls rel=self", selfs)
	}
}

// TestEmptyNewsSitemapValidates checks the news sitemap of a site with no
// article in the last 48 hours against the schema, which wants a url.
func TestEmptyNewsSitemapValidates(t *testing.T) {
	s := newSite(t) // its articles are from March 2026, long out of the window
	resp, body := s.get(t, "/news-sitemap.xml")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(body, "<news:news>") {
		t.Fatalf("old articles in the news sitemap:\n%s", body)
	}
	xmllint(t, []byte(body), "sitemap-with-news.xsd")
}
