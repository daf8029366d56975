package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixtures are the pages in testdata/, written for these tests, and the
// address each is extracted as.
var fixtures = []struct {
	name, url string
}{
	{"news-jsonld", "https://www.dailyexample.com/news/eastport-bridge-reopens?utm_source=feed"},
	{"blog-opengraph", "https://greenthumbs.example.org/2023/03/allotment-mistakes/"},
	{"legacy-windows1252", "http://www.riverside-gazette.co.uk/archive/2019/council-cafe-licences.html"},
	{"blog-yoast-graph", "https://northwind.example.io/blog/cloud-bill/"},
	{"no-article", "https://www.dailyexample.com/login"},
}

// golden is what a golden file holds: the article, or the error's message.
type golden struct {
	Article *Article `json:"article,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func TestExtractGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", fx.name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			var g golden
			g.Article, err = Extract(page, fx.url)
			if err != nil {
				g.Error = herald.ErrorMessage(err)
			}
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", fx.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("Extract(%s) differs from %s (run go test -update and review the diff)\n got:\n%s", fx.name, path, b.String())
			}
		})
	}
}

// TestExtractFixtures states what the golden files show that matters most,
// so that a careless -update cannot quietly bless a regression.
func TestExtractFixtures(t *testing.T) {
	read := func(t *testing.T, name, url string) *Article {
		t.Helper()
		page, err := os.ReadFile(filepath.Join("testdata", name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Extract(page, url)
		if err != nil {
			t.Fatalf("Extract(%s): %v", name, err)
		}
		return a
	}

	t.Run("JSONLDOutranksOpenGraph", func(t *testing.T) {
		a := read(t, "news-jsonld", fixtures[0].url)
		check(t, "Title", a.Title, "Harbour bridge reopens after two-year repair")
		check(t, "Byline", a.Byline, "Maria Okafor, Tom Reyes")
		check(t, "SiteName", a.SiteName, "The Daily Example")
		check(t, "CanonicalURL", a.CanonicalURL, "https://www.dailyexample.com/news/eastport-bridge-reopens")
		check(t, "Image", a.Image, "https://cdn.dailyexample.com/2024/05/bridge-16x9.jpg")
		check(t, "Lang", a.Lang, "en-GB")
		checkTime(t, "PublishedAt", a.PublishedAt, "2024-05-17T10:30:00+01:00")
		checkTime(t, "ModifiedAt", a.ModifiedAt, "2024-05-17T15:05:00+01:00")
	})
	t.Run("BodyKeepsArticleOnly", func(t *testing.T) {
		a := read(t, "news-jsonld", fixtures[0].url)
		for _, want := range []string{"reopened to traffic on Friday morning", "Why the repair ran late",
			"two storms that stopped work", "We would rather open a year late", "Tolls, which were suspended"} {
			if !strings.Contains(a.Text, want) {
				t.Errorf("Text lacks %q", want)
			}
		}
		for _, junk := range []string{"Subscribe for", "Share on", "Advertisement", "Win a cruise", "roadwarrior77",
			"Rail fares to rise", "All rights reserved", "Cookie settings"} {
			if strings.Contains(a.Text, junk) || strings.Contains(a.HTML, junk) {
				t.Errorf("body keeps boilerplate %q", junk)
			}
		}
		for _, want := range []string{"<h2>Why the repair ran late</h2>", "<li>", "<blockquote>",
			`<a href="https://www.dailyexample.com/documents/bridge-report.pdf" rel="noreferrer">`,
			`<a href="https://www.dailyexample.com/news/maps/cycle-lane.html" rel="noreferrer">`} {
			if !strings.Contains(a.HTML, want) {
				t.Errorf("HTML lacks %s", want)
			}
		}
		if strings.Contains(a.Text, "\n\n\n") || !strings.Contains(a.Text, ".\n\nHundreds of drivers") {
			t.Errorf("Text paragraphs are not separated by one blank line:\n%s", a.Text)
		}
	})
	t.Run("OpenGraphAndMeta", func(t *testing.T) {
		a := read(t, "blog-opengraph", fixtures[1].url)
		check(t, "Title", a.Title, "Ten years of allotment gardening: what I got wrong")
		check(t, "Byline", a.Byline, "Helen Achterberg")
		check(t, "SiteName", a.SiteName, "Green Thumbs Weekly")
		// og:url names the home page, not the article: refused.
		check(t, "CanonicalURL", a.CanonicalURL, fixtures[1].url)
		check(t, "Image", a.Image, "https://greenthumbs.example.org/2023/uploads/2023/allotment-plot.jpg")
		check(t, "Lang", a.Lang, "en-GB")
		checkTime(t, "PublishedAt", a.PublishedAt, "2023-03-14T18:45:00-05:00")
		checkTime(t, "ModifiedAt", a.ModifiedAt, "2023-03-20T00:00:00Z")
		if !strings.Contains(a.Text, "Crop 2014 2022") {
			t.Errorf("table cells run together or are lost:\n%s", a.Text)
		}
	})
	t.Run("LegacyCharsetAndBase", func(t *testing.T) {
		a := read(t, "legacy-windows1252", fixtures[2].url)
		check(t, "Title", a.Title, "Council approves new café licences")
		check(t, "Byline", a.Byline, "François Dubois")
		check(t, "SiteName", a.SiteName, "Riverside-gazette.co.uk")
		check(t, "CanonicalURL", a.CanonicalURL, "https://www.riverside-gazette.co.uk/archive/2019/council-cafe-licences.html")
		checkTime(t, "PublishedAt", a.PublishedAt, "2019-03-04T00:00:00Z")
		for _, want := range []string{"pavement cafés", "magistrates’ court",
			// A link in a table cell: the extractor alone loses its text.
			"A full list of the conditions is on the council’s website."} {
			if !strings.Contains(a.Text, want) {
				t.Errorf("Text lacks %q", want)
			}
		}
		for _, nav := range []string{"Obituaries", "Classifieds"} {
			if strings.Contains(a.Text, nav) {
				t.Errorf("Text keeps the navigation table's %q", nav)
			}
		}
	})
	t.Run("GraphReferences", func(t *testing.T) {
		a := read(t, "blog-yoast-graph", fixtures[3].url)
		check(t, "Title", a.Title, "How we cut our cloud bill by 60% without a rewrite")
		check(t, "Byline", a.Byline, "Jun Park")
		check(t, "SiteName", a.SiteName, "Northwind Engineering")
		check(t, "Image", a.Image, "https://northwind.example.io/wp-content/uploads/2024/02/graph.png")
		check(t, "Lang", a.Lang, "en-US")
		checkTime(t, "PublishedAt", a.PublishedAt, "2024-02-29T23:30:00-08:00")
		if !strings.Contains(a.Text, "Spend by service, July 2023 to January 2024.") {
			t.Errorf("figure caption lost:\n%s", a.Text)
		}
		if strings.Contains(a.HTML, "<img") || strings.Contains(a.HTML, "onclick") {
			t.Errorf("HTML keeps images or handlers:\n%s", a.HTML)
		}
	})
}

func TestExtractErrors(t *testing.T) {
	tests := []struct {
		name, page, url, want string
	}{
		{"NoArticle", `<html><body><nav><a href="/">Home</a></nav><form><input name="q"></form></body></html>`,
			"https://example.com/", "no article text found on the page"},
		{"Empty", "", "https://example.com/a", "no article text found on the page"},
		{"RelativeURL", "<p>Hello</p>", "/news/a", `page URL "/news/a" is not an absolute http or https address`},
		{"FileURL", "<p>Hello</p>", "file:///etc/passwd", `page URL "file:///etc/passwd" is not an absolute http or https address`},
		{"TooDeep", strings.Repeat("<div>", 600) + "text", "https://example.com/a", "page cannot be read as HTML"},
		{"TooLarge", strings.Repeat("a", MaxPageSize+1), "https://example.com/a", "page is larger than 10 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Extract([]byte(tt.page), tt.url)
			if err == nil {
				t.Fatalf("Extract = %+v, want error %q", a, tt.want)
			}
			if code := herald.ErrorCode(err); code != herald.EINVALID {
				t.Errorf("ErrorCode = %q, want %q (%v)", code, herald.EINVALID, err)
			}
			if msg := herald.ErrorMessage(err); !strings.HasPrefix(msg, tt.want) {
				t.Errorf("ErrorMessage = %q, want %q", msg, tt.want)
			}
		})
	}
}

func TestArticleJSONOmitsZeroTimes(t *testing.T) {
	b, err := json.Marshal(&Article{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "published_at") || strings.Contains(s, "modified_at") {
		t.Errorf("zero times marshalled: %s", s)
	}
	var a Article
	if err := json.Unmarshal(b, &a); err != nil || !a.PublishedAt.IsZero() {
		t.Errorf("round trip: %+v, %v", a, err)
	}
	if errors.Is(err, nil) && a.Title != "t" {
		t.Errorf("round trip lost the title: %+v", a)
	}
}

func check(t *testing.T, field, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", field, got, want)
	}
}

func checkTime(t *testing.T, field string, got time.Time, want string) {
	t.Helper()
	// Dates keep the page's offset; UTC itself when it gave none.
	if got.Format(time.RFC3339) != want || (strings.HasSuffix(want, "Z") && got.Location() != time.UTC) {
		t.Errorf("%s = %v, want %s", field, got, want)
	}
}
