package syndication

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// corpusSeeds are a few corpus files of different kinds that seed FuzzParse
// when the corpus is there.
var corpusSeeds = []string{
	"feedparser/tests/wellformed/atom10/entry_content_base64_2.xml",
	"feedparser/tests/wellformed/base/entry_content_xml_base_inherit.xml",
	"feedparser/tests/illformed/rss_item_link_corrupted_ampersands.xml",
	"gofeed/testdata/parser/json/version_json_11.json",
	"miniflux/internal/reader/parser/testdata/no_encoding_ISO-8859-1.xml",
	"realworld-feeds/rsparser-netnewswire/Tests/RSParserTests/Resources/rose.json",
}

// FuzzParse checks that Parse never panics, stops in time, and keeps its
// promises about what it returns.
func FuzzParse(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(mustRead(f, filepath.Join("testdata", fx.file)), fx.url)
	}
	for _, s := range corpusSeeds {
		if b, err := os.ReadFile(filepath.Join(corpusDir, s)); err == nil {
			f.Add(b, "https://corpus.invalid/feed")
		}
	}
	f.Add([]byte(`<rss><channel><item><link>%zz</link><guid>http://[::1</guid></item></channel></rss>`), "")
	f.Add([]byte(`{"version":"1","items":[{"id":{},"url":7,"tags":[1,"a"]}]}`), "http://x/")
	f.Fuzz(func(t *testing.T, body []byte, feedURL string) {
		start := time.Now()
		feed, err := Parse(body, feedURL)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Parse took %s", d)
		}
		if err != nil {
			if strings.HasPrefix(err.Error(), "feed parser failed") {
				t.Fatalf("a parser panicked: %v", err)
			}
			return
		}
		if len(feed.Items) > MaxItems {
			t.Errorf("%d items, more than MaxItems", len(feed.Items))
		}
		for _, it := range feed.Items {
			u, err := url.Parse(it.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("item URL %q is not an absolute http(s) URL", it.URL)
			}
			if it.ID == "" {
				t.Errorf("item %q has no ID", it.URL)
			}
			if it.Title != strings.Join(strings.Fields(it.Title), " ") {
				t.Errorf("title %q is not folded", it.Title)
			}
			if !utf8.ValidString(it.Title) && utf8.Valid(body) {
				t.Errorf("title %q is not UTF-8", it.Title)
			}
			for _, d := range []time.Time{it.Published, it.Updated} {
				if !d.IsZero() && d.Location() != time.UTC {
					t.Errorf("date %v is not in UTC", d)
				}
			}
		}
	})
}

// FuzzCanonicalURL checks that CanonicalURL never panics, is idempotent,
// and returns only absolute http(s) URLs.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"https://example.com/a?utm_source=x&b=2&a=1#f",
		"HTTP://Bücher.example:80/%7e/a%2fb?q=a+b&&x",
		"http://[2001:db8::1]:8080/",
		"https://example.com/100%",
		"http://user@example.com./a b?c=d e",
		"https://xn--bcher-kva.example/",
		"http:example.com",
		"//example.com/a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := CanonicalURL(raw)
		if err != nil {
			return
		}
		u, err := url.Parse(c)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("CanonicalURL(%q) = %q, not an absolute http(s) URL (%v)", raw, c, err)
		}
		again, err := CanonicalURL(c)
		if err != nil {
			t.Fatalf("CanonicalURL(%q) = %q, whose canonical form fails: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: CanonicalURL(%q) = %q, then %q", raw, c, again)
		}
	})
}

// FuzzDiscover checks that Discover never panics and returns only absolute
// http(s) URLs.
func FuzzDiscover(f *testing.F) {
	f.Add(mustRead(f, "testdata/page.html"), "https://www.example.com/news/")
	f.Add([]byte(`<base href="//evil"><link rel=alternate type=application/rss+xml href=%>`), "http://x/")
	f.Fuzz(func(t *testing.T, page []byte, pageURL string) {
		for _, s := range Discover(page, pageURL) {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("Discover returned %q", s)
			}
		}
	})
}
