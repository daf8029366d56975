package syndication

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	xpp "github.com/mmcdole/goxpp/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtures are the documents in testdata, with the URL each is taken to
// have been fetched from.
var fixtures = []struct {
	file, url string
}{
	{"rss2.xml", "https://news.example.com/feed/"},
	{"atom.xml", "https://blog.example.org/feed.atom"},
	{"feed.json", "https://json.example.net/feed.json"},
	{"rdf.xml", "https://rdf.example.com/index.rdf"},
	{"news-sitemap.xml", "https://news.example.com/sitemap_news.xml"},
	{"sitemap.xml", "https://www.example.com/sitemap.xml"},
	{"sitemap-index.xml", "https://www.example.com/sitemap_index.xml"},
	{"latin1-no-declaration.xml", "https://cafe.example.com/rss"},
	{"utf8-declared-latin1.xml", "https://cafe.example.com/rss"},
	{"utf16.xml", "https://u16.example.com/rss"},
	{"truncated.xml", "https://cut.example.com/rss"},
}

// TestParseGolden parses each fixture and compares the result, as JSON,
// with testdata/golden/FILE.json. Run with -update to rewrite them, and read
// the diff before committing it.
func TestParseGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			body := mustRead(t, filepath.Join("testdata", fx.file))
			feed, err := Parse(body, fx.url)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(feed, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", fx.file+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := mustRead(t, golden)
			if !bytes.Equal(got, want) {
				t.Errorf("Parse(%s) differs from %s (run with -update to rewrite it):\n%s", fx.file, golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// lineDiff shows the first lines of want and got that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// TestParseErrors checks the messages editors see for documents that are
// not feeds.
func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, body, want string
	}{
		{"Empty", "", "empty document"},
		{"WhiteSpace", " \n\t ", "empty document"},
		{"CommentOnly", "<?xml version=\"1.0\"?><!-- nothing -->", "empty document"},
		{"HTMLPage", "<!DOCTYPE html>\n<html><head><title>Home</title></head><body></body></html>", "not a feed or sitemap (looks like an HTML page)"},
		{"HTMLFragment", "<div><p>Moved</p></div>", "not a feed or sitemap (looks like an HTML page)"},
		{"OPML", `<?xml version="1.0"?><opml version="2.0"><body/></opml>`, "not a feed or sitemap (looks like an OPML subscription list)"},
		{"OtherXML", `<kml xmlns="http://www.opengis.net/kml/2.2"/>`, "not a feed or sitemap (XML with root element <kml>)"},
		{"OtherJSON", `{"status": "ok", "items": []}`, "not a feed or sitemap (JSON, but not a JSON Feed)"},
		{"JSONArray", `[1, 2]`, "not a feed or sitemap (JSON, but not a JSON Feed)"},
		{"PlainText", "Service unavailable", "not a feed or sitemap (neither XML nor JSON)"},
		{"BrokenBeforeRoot", "<?xml version=\"1.0\"?>\n<!-- a comment\n\n", "parse error at line 4: unexpected EOF"},
		{"BrokenJSON", "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"items\": [}\n", "parse error at line 3: invalid character '}' looking for beginning of value"},
		{"BrokenBeforeAnyItem", "<rss version=\"2.0\">\n<channel>\n<title>x</title>\n<item><title><![CDATA[oops\n", "parse error at line 5: unexpected EOF in CDATA section"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			feed, err := Parse([]byte(tt.body), "https://example.com/feed")
			if err == nil {
				t.Fatalf("Parse = %+v, want error %q", feed, tt.want)
			}
			if code := herald.ErrorCode(err); code != herald.EINVALID {
				t.Errorf("code %q, want %q", code, herald.EINVALID)
			}
			if got := herald.ErrorMessage(err); got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSyntaxErrorLine checks that an offset is turned into a line number.
func TestSyntaxErrorLine(t *testing.T) {
	body := []byte("<rss>\n<channel>\n<x/>\n</rss>")
	err := syntaxError(body, &xpp.ExpectError{
		WantEvent: xpp.EndTag, WantName: "channel",
		GotEvent: xpp.EndTag, GotName: "rss",
		Offset: int64(bytes.Index(body, []byte("</rss>"))),
	})
	if got, want := herald.ErrorMessage(err), "parse error at line 4: expected </channel>, found </rss>"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseTooLarge(t *testing.T) {
	t.Run("Plain", func(t *testing.T) {
		body := bytes.Repeat([]byte(" "), MaxDocumentSize+1)
		if _, err := Parse(body, ""); herald.ErrorMessage(err) != "document is larger than 10 MB" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("GzipBomb", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(bytes.Repeat([]byte(" "), MaxDocumentSize+1)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(buf.Bytes(), ""); herald.ErrorMessage(err) != "document is larger than 10 MB when decompressed" {
			t.Errorf("err = %v", err)
		}
	})
}

// TestParseGzip reads a gzipped sitemap, as sitemap.xml.gz is served.
func TestParseGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(mustRead(t, "testdata/sitemap.xml")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	feed, err := Parse(buf.Bytes(), "https://www.example.com/sitemap.xml.gz")
	if err != nil {
		t.Fatal(err)
	}
	if feed.Kind != KindSitemap || len(feed.Items) != 3 {
		t.Errorf("got kind %q with %d items, want a sitemap with 3", feed.Kind, len(feed.Items))
	}
}

// TestParseItems checks single behaviours of the mapping from a feed's items
// to Herald's, each on a small feed.
func TestParseItems(t *testing.T) {
	rss := func(items string) string {
		return `<rss version="2.0"><channel><title>T</title>` + items + `</channel></rss>`
	}
	for _, tt := range []struct {
		name, body string
		want       []Item // only the fields set here are compared
	}{
		{
			name: "GUIDAsLink",
			body: rss(`<item><title>a</title><guid>https://example.com/a</guid></item>`),
			want: []Item{{ID: "https://example.com/a", URL: "https://example.com/a"}},
		},
		{
			name: "RelativeGUIDIsNoLink",
			body: rss(`<item><title>a</title><guid>/a</guid></item>`),
			want: nil,
		},
		{
			name: "NoGUIDMeansCanonicalID",
			body: rss(`<item><link>HTTPS://Example.COM:443/a?utm_source=x&amp;b=2&amp;a=1#top</link></item>`),
			want: []Item{{ID: "https://example.com/a?a=1&b=2", URL: "https://Example.COM:443/a?utm_source=x&b=2&a=1#top"}},
		},
		{
			name: "NonHTTPLinkFallsBackToGUID",
			body: rss(`<item><link>javascript:alert(1)</link><guid>https://example.com/b</guid></item>`),
			want: []Item{{ID: "https://example.com/b", URL: "https://example.com/b"}},
		},
		{
			name: "RelativeLinkResolvedAgainstFeedURL",
			body: rss(`<item><link>../a</link></item>`),
			want: []Item{{ID: "https://example.com/a", URL: "https://example.com/a"}},
		},
		{
			name: "TitleEntitiesTagsAndSpace",
			body: rss(`<item><link>https://example.com/a</link><title>  AT&amp;amp;T &lt;b&gt;wins&lt;/b&gt;&#160;big
			 &amp; x &lt; y </title></item>`),
			want: []Item{{Title: "AT&T wins big & x < y"}},
		},
		{
			name: "TitleScriptDropped",
			body: rss(`<item><link>https://example.com/a</link><title><![CDATA[Safe<script>alert(1)</script> title]]></title></item>`),
			want: []Item{{Title: "Safe title"}},
		},
		{
			name: "DateOnlyParseDateReads",
			body: rss(`<item><link>https://example.com/a</link><pubDate>Thu, 30 Apr 2015 08:57:00 MEST</pubDate></item>`),
			want: []Item{{Published: time.Date(2015, 4, 30, 6, 57, 0, 0, time.UTC)}},
		},
		{
			name: "UnreadableDateIsZero",
			body: rss(`<item><link>https://example.com/a</link><pubDate>sometime last week</pubDate></item>`),
			want: []Item{{}},
		},
		{
			// The body's first picture is the lead only after the page's
			// own (ingest takes it from the stored body).
			name: "NoImageFromContent",
			body: rss(`<item><link>https://example.com/a</link><description>&lt;p&gt;&lt;img src="/i.png"&gt;&lt;/p&gt;</description></item>`),
			want: []Item{{}},
		},
		{
			name: "AtomLinkWithoutRel",
			body: `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><link href="https://example.com/e"/></entry></feed>`,
			want: []Item{{ID: "x", URL: "https://example.com/e"}},
		},
		{
			// Not dated "now": see TestUndatedItems.
			name: "AtomUpdatedOnlyDatesTheEntry",
			body: `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><link href="/e"/><updated>2024-01-02T03:04:05Z</updated></entry></feed>`,
			want: []Item{{ID: "x", URL: "https://example.com/e", Published: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Updated: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}},
		},
		{
			name: "JSONFeedWrongTypes",
			body: `{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
				{"id": 7, "url": "https://example.com/7", "title": "Seven", "tags": "a,b", "author": "Ann"}]}`,
			want: []Item{{ID: "7", URL: "https://example.com/7", Title: "Seven"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			feed, err := Parse([]byte(tt.body), "https://example.com/feeds/main.xml")
			if err != nil {
				t.Fatal(err)
			}
			if len(feed.Items) != len(tt.want) {
				t.Fatalf("got %d items %+v, want %d", len(feed.Items), feed.Items, len(tt.want))
			}
			for i, want := range tt.want {
				got := feed.Items[i]
				check := func(field, got, want string) {
					t.Helper()
					if want != "" && got != want {
						t.Errorf("item %d %s = %q, want %q", i, field, got, want)
					}
				}
				check("ID", got.ID, want.ID)
				check("URL", got.URL, want.URL)
				check("Title", got.Title, want.Title)
				check("Image", got.Image, want.Image)
				if !got.Published.Equal(want.Published) {
					t.Errorf("item %d Published = %v, want %v", i, got.Published, want.Published)
				}
				if !want.Updated.IsZero() && !got.Updated.Equal(want.Updated) {
					t.Errorf("item %d Updated = %v, want %v", i, got.Updated, want.Updated)
				}
			}
		})
	}
}

// TestParseCapsItems keeps the first MaxItems items of a feed, and the most
// recently modified MaxItems URLs of a sitemap.
func TestParseCapsItems(t *testing.T) {
	var feed, sitemap strings.Builder
	feed.WriteString(`<rss version="2.0"><channel><title>Many</title>`)
	sitemap.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxItems + 500 {
		fmt.Fprintf(&feed, "<item><link>https://example.com/%d</link></item>", i)
		fmt.Fprintf(&sitemap, "<url><loc>https://example.com/%d</loc><lastmod>%s</lastmod></url>",
			i, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
	}
	feed.WriteString(`</channel></rss>`)
	sitemap.WriteString(`</urlset>`)

	f, err := Parse([]byte(feed.String()), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != MaxItems || f.Items[0].URL != "https://example.com/0" {
		t.Errorf("feed: %d items, first %q; want %d from https://example.com/0", len(f.Items), f.Items[0].URL, MaxItems)
	}
	s, err := Parse([]byte(sitemap.String()), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("https://example.com/%d", MaxItems+499); len(s.Items) != MaxItems || s.Items[0].URL != want {
		t.Errorf("sitemap: %d items, first %q; want %d from %s", len(s.Items), s.Items[0].URL, MaxItems, want)
	}
}

// TestParseBoundedWork parses hostile documents of 2 MB, shaped to make
// careless code slow (deep nesting, stray end tags, huge counts), and fails
// any that takes more than 10 s; each takes a fraction of a second. It
// catches blow-ups, not every quadratic: the benchmark's time per file
// watches the rest. It is skipped under the race detector, which slows it
// tenfold without finding anything the race-free run would miss.
func TestParseBoundedWork(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("hostile documents skipped in -short mode and under the race detector")
	}
	const n = 2 << 20
	rss := `<rss version="2.0"><channel>`
	for _, tt := range []struct{ name, doc string }{
		{"DeepNesting", rss + `<item><link>https://e.com/</link><description>` + strings.Repeat("<a>", n/3) + `</description></item></channel></rss>`},
		{"DeepNestingCutOff", rss + strings.Repeat("<item><link>https://e.com/a</link></item><x>", n/45)},
		{"StrayEndTags", rss + strings.Repeat("<x>", n/8) + strings.Repeat("</y>", n/8)},
		{"ManyItems", rss + strings.Repeat("<item><link>https://e.com/a</link></item>", n/42) + `</channel></rss>`},
		{"ManyAttributes", rss + `<item ` + strings.Repeat(`a="1" `, n/6) + `></item></channel></rss>`},
		{"Ampersands", rss + `<title>` + strings.Repeat("&", n) + `</title></channel></rss>`},
		{"EscapedTags", rss + `<item><link>https://e.com/</link><title>` + strings.Repeat("&lt;b&gt;", n/9) + `</title></item></channel></rss>`},
		{"AtomBases", `<feed xmlns="http://www.w3.org/2005/Atom">` + strings.Repeat(`<entry xml:base="a/"><link href="b"/></entry>`, n/45) + `</feed>`},
		{"SitemapURLs", `<urlset>` + strings.Repeat("<url><loc>https://e.com/a</loc></url>", n/38) + `</urlset>`},
		{"LeadingComments", strings.Repeat("<!-- x -->", n/10) + `<rss/>`},
		{"JSONItems", `{"version":"https://jsonfeed.org/version/1","items":[` + strings.Repeat(`{"id":"1","url":"https://e.com/"},`, n/35) + `{}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Parse([]byte(tt.doc), "https://e.com/")
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil && strings.HasPrefix(herald.ErrorMessage(err), "feed parser failed") {
					t.Error(err)
				}
			case <-time.After(time.Minute): // a hang, not slowness
				t.Fatal("Parse did not return within a minute")
			}
		})
	}
}

// TestUndatedItems checks that a feed item without a publication date is
// dated by its update date (Atom updated, RSS dc:date, JSON Feed
// date_modified) rather than left for Herald to date "now", that a
// publication date still wins over an update, and that Notes says which
// date was taken, or that none was given.
func TestUndatedItems(t *testing.T) {
	tests := []struct {
		file, url string
		want      []struct{ published, updated, note string } // RFC 3339, "" for zero or no note
	}{
		{"atom-updated-only.xml", "https://notes.example.org/feed.atom", []struct{ published, updated, note string }{
			{"2019-04-07T15:30:00Z", "2019-04-07T15:30:00Z", "no published; dated by its updated"},
			{"2025-10-30T06:00:00Z", "2025-11-02T08:00:00Z", ""},
		}},
		{"rss-dc-date.xml", "https://parish.example.com/rss", []struct{ published, updated, note string }{
			{"2021-06-14T09:15:00Z", "2021-06-14T09:15:00Z", ""},
			{"", "", "no usable date; dated when first read"},
		}},
		{"json-date-modified.json", "https://log.example.net/feed.json", []struct{ published, updated, note string }{
			{"2020-02-29T17:00:00Z", "2020-02-29T17:00:00Z", "no date_published; dated by its date_modified"},
			{"2024-08-01T10:00:00Z", "2024-09-01T10:00:00Z", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			feed, err := Parse(mustRead(t, filepath.Join("testdata", "dates", tt.file)), tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if len(feed.Items) != len(tt.want) {
				t.Fatalf("got %d items, want %d", len(feed.Items), len(tt.want))
			}
			for i, want := range tt.want {
				it := feed.Items[i]
				if got := rfc3339(it.Published); got != want.published {
					t.Errorf("item %d Published = %q, want %q", i, got, want.published)
				}
				if got := rfc3339(it.Updated); got != want.updated {
					t.Errorf("item %d Updated = %q, want %q", i, got, want.updated)
				}
				if got := strings.Join(it.Notes, "; "); got != want.note {
					t.Errorf("item %d Notes = %q, want %q", i, got, want.note)
				}
			}
		})
	}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}
