package extract

import (
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/extract/extracttest"
)

// corpusRoot is the shared corpus, relative to this package's directory.
const corpusRoot = "../../../shared/corpus"

// corpus returns the corpus root, or skips the test when it is missing
// (CI always has it).
func corpus(tb testing.TB) string {
	tb.Helper()
	root, err := extracttest.FindCorpus(corpusRoot)
	if err != nil {
		tb.Skipf("skipping: %v; the corpus is described in corpus/README.md", err)
	}
	return root
}

// each runs f on every index below n, on as many goroutines as there are
// processors: the corpus tests run under -race, which makes extraction
// several times slower.
func each(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// TestReadabilityMetadata measures title, byline, date and site-name
// accuracy on the readability test pages, counting a field where
// Readability.js found one (the corpus's expected values are its output).
// The floors sit a little below what Extract reaches, so that a regression
// fails; bench/extract prints the same figures beside other extractors'.
func TestReadabilityMetadata(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	root := corpus(t)
	names, err := extracttest.ReadabilityNames(root)
	if err != nil {
		t.Fatal(err)
	}
	pages := make([]*extracttest.ReadabilityPage, len(names))
	articles := make([]*Article, len(names))
	for i, name := range names {
		if pages[i], err = extracttest.ReadReadability(root, name); err != nil {
			t.Fatal(err)
		}
	}
	each(len(pages), func(i int) {
		// A page without an article still has metadata to count; an
		// error leaves every field wrong.
		articles[i], _ = Extract(pages[i].HTML, extracttest.PageURL)
	})
	var title, byline, date, site extracttest.Tally
	for i, p := range pages {
		a := articles[i]
		if a == nil {
			a = &Article{}
		}
		title.Add(p.Title, extracttest.SameTitle(a.Title, p.Title, p.SiteName, a.SiteName))
		byline.Add(p.Byline, extracttest.SameByline(a.Byline, p.Byline))
		date.Add(p.Published, extracttest.SameDay(a.PublishedAt, p.Published))
		site.Add(p.SiteName, extracttest.SameText(a.SiteName, p.SiteName))
	}
	t.Logf("readability pages (%d): title %v, byline %v, published date %v, site name %v", len(pages), title, byline, date, site)
	for _, c := range []struct {
		field string
		got   extracttest.Tally
		floor float64
	}{
		{"title", title, 0.88},
		{"byline", byline, 0.68},
		{"published date", date, 0.95},
		{"site name", site, 0.95},
	} {
		if c.got.Share() < c.floor {
			t.Errorf("%s accuracy %v, below the floor of %.2f", c.field, c.got, c.floor)
		}
	}
}

// TestWCXBSample scores the main text of a fixed, evenly spread sample of
// the WCXB article pages with the benchmark's word-level F1. The full run
// is bench/extract's.
func TestWCXBSample(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	const sample, floor = 48, 0.90
	root := corpus(t)
	ids, err := extracttest.WCXBIDs(root)
	if err != nil {
		t.Fatal(err)
	}
	ids = extracttest.Sample(ids, sample)
	scores := make([]extracttest.Score, len(ids))
	var mu sync.Mutex
	var failed []string
	each(len(ids), func(i int) {
		p, err := extracttest.ReadWCXB(root, ids[i])
		if err != nil {
			t.Error(err)
			return
		}
		if p.URL == "" {
			p.URL = "https://wcxb.corpus.invalid/" + p.ID
		}
		a, err := Extract(p.HTML, p.URL)
		if err != nil {
			mu.Lock()
			failed = append(failed, p.ID+": "+err.Error())
			mu.Unlock()
			return
		}
		scores[i] = extracttest.WordScore(a.Text, p.Truth)
	})
	var p, r, f1 float64
	for _, s := range scores {
		p += s.Precision
		r += s.Recall
		f1 += s.F1
	}
	n := float64(len(scores))
	sort.Strings(failed)
	t.Logf("WCXB sample (%d pages): precision %.3f, recall %.3f, F1 %.3f; failed: %v", len(scores), p/n, r/n, f1/n, failed)
	if f1/n < floor {
		t.Errorf("mean F1 %.3f, below the floor of %.2f", f1/n, floor)
	}
}

// FuzzExtract checks that no page makes Extract panic, return invalid
// UTF-8 or return HTML that could run script, with and without the
// pictures; with them, every picture has an outlet's absolute address
// (never a marker of prepare's). Run it with a bound on
// minimisation, which otherwise dominates:
//
//	go test ./internal/extract -run '^$' -fuzz FuzzExtract -fuzztime 30s -fuzzminimizetime 5s
func FuzzExtract(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.html"))
	if root, err := extracttest.FindCorpus(corpusRoot); err == nil {
		// A few small real pages, of different kinds. Small, because the
		// fuzzer minimises every input that finds new code, and each try
		// runs the whole extractor.
		for _, name := range []string{"001", "parsely-metadata", "base-url-base-element-relative", "rtl-1", "daringfireball-1"} {
			seeds = append(seeds, filepath.Join(root, extracttest.ReadabilityDir, name, "source.html"))
		}
	}
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<p onclick="x()">a <script>alert(1)</script><a href="javascript:alert(1)">b</a></p>`))
	f.Add([]byte("\xff\xfe<\x00p\x00>\x00"))
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":{"@id":"#a"}},{"@id":"#a","name":{"@id":"#a"}}]}</script>`))
	f.Add([]byte(`<p>Words enough for a sentence, and more of them.</p><img src="` + markerPrefix + `0.jpg"><figure><img src="/a.jpg"><figcaption>c</figcaption></figure>`))
	f.Fuzz(func(t *testing.T, page []byte) {
		for _, o := range []Options{{}, {Pictures: true}} {
			fuzzExtract(t, o, page)
		}
	})
}

func fuzzExtract(t *testing.T, o Options, page []byte) {
	a, err := o.Extract(page, "https://www.example.com/news/story.html")
	if err != nil {
		if herald.ErrorCode(err) != herald.EINVALID {
			t.Fatalf("Extract(Pictures: %v): %v", o.Pictures, err)
		}
		return
	}
	for name, s := range map[string]string{"Title": a.Title, "Byline": a.Byline, "SiteName": a.SiteName,
		"CanonicalURL": a.CanonicalURL, "Lang": a.Lang, "Image": a.Image, "Text": a.Text, "HTML": a.HTML} {
		if !utf8.ValidString(s) {
			t.Fatalf("%s is not valid UTF-8: %q", name, s)
		}
	}
	if a.SiteName == "" || a.CanonicalURL == "" {
		t.Fatalf("SiteName %q, CanonicalURL %q: both are promised", a.SiteName, a.CanonicalURL)
	}
	z := html.NewTokenizer(strings.NewReader(a.HTML))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		switch tok.Data {
		case "script", "style", "iframe", "object", "embed", "form", "svg":
			t.Fatalf("<%s> in HTML: %q", tok.Data, a.HTML)
		case "img":
			if !o.Pictures {
				t.Fatalf("<img> in HTML without Pictures: %q", a.HTML)
			}
		}
		for _, at := range tok.Attr {
			v := strings.ToLower(strings.TrimSpace(at.Val))
			if strings.HasPrefix(at.Key, "on") || at.Key == "style" || strings.HasPrefix(v, "javascript:") {
				t.Fatalf("attribute %s=%q in HTML: %q", at.Key, at.Val, a.HTML)
			}
			if tok.Data == "img" && at.Key == "src" && (!strings.HasPrefix(v, "http") || strings.HasPrefix(v, markerPrefix)) {
				t.Fatalf("picture at %q in HTML: %q", at.Val, a.HTML)
			}
		}
	}
}

// benchPages is a WCXB sample for the benchmarks below.
func benchPages(b *testing.B) []*extracttest.WCXBPage {
	b.Helper()
	root := corpus(b)
	ids, err := extracttest.WCXBIDs(root)
	if err != nil {
		b.Fatal(err)
	}
	var pages []*extracttest.WCXBPage
	for _, id := range extracttest.Sample(ids, 48) {
		p, err := extracttest.ReadWCXB(root, id)
		if err != nil {
			b.Fatal(err)
		}
		if p.URL == "" {
			p.URL = "https://wcxb.corpus.invalid/" + p.ID
		}
		pages = append(pages, p)
	}
	return pages
}

// BenchmarkExtract times Extract over a WCXB sample; one op is one page.
func BenchmarkExtract(b *testing.B) {
	pages := benchPages(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pages[i%len(pages)]
		Extract(p.HTML, p.URL)
	}
}

// BenchmarkMetadataLayer times Herald's own metadata layer alone —
// decoding, parsing, the head walk, JSON-LD and the precedence rules — on
// the same pages, to compare with BenchmarkExtract.
func BenchmarkMetadataLayer(b *testing.B) {
	pages := benchPages(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pages[i%len(pages)]
		u, err := url.Parse(p.URL)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := html.Parse(strings.NewReader(decode(p.HTML)))
		if err != nil {
			continue
		}
		h := readHead(doc, u)
		readMetadata(h, readSchema(h.jsonLD), u, baseURL(h.base, u), time.Now())
	}
}
