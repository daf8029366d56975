package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
)

// benchParagraphs is a realistic article body: 24 paragraphs, some 900
// words, each paragraph different.
func benchParagraphs() []string {
	var paras []string
	for i := range 24 {
		paras = append(paras, fmt.Sprintf("In the %s hour of the inquiry, witness %d told the panel that the harbour wall had been "+
			"inspected %d times since the storm, that the engineers' report of %d March was read by the council's "+
			"officers, and that the repairs were %d per cent complete when the water came over the top.",
			[]string{"first", "second", "third", "fourth"}[i%4], i+1, 3+i, 1+i%28, 40+i))
	}
	return paras
}

// versionsSite is a site whose one article has n versions, each the one
// before with a paragraph added (odd versions) or a figure corrected
// (even ones), stored as the re-check worker stores them. Its cache holds
// one page at most, so a request for a new URI renders afresh.
func versionsSite(tb testing.TB, n int) (http.Handler, string) {
	tb.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "herald.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	src := &herald.Source{Name: "Harbour Gazette", FeedURL: "https://gazette.example/feed.xml", Kind: herald.KindFeed,
		Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
	if err := store.AddSource(ctx, src); err != nil {
		tb.Fatal(err)
	}
	paras := benchParagraphs()
	html := func() string { return "<p>" + strings.Join(paras, "</p>\n<p>") + "</p>" }
	a, _, err := ingest.NewPipeline(store).Add(ctx, ingest.Item{URL: "https://gazette.example/wall-inquiry",
		Title: "Harbour wall inquiry hears from engineers", Byline: "By Ann Reed", HTML: html(), Source: src.Name,
		Licence: "full", PublishedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		tb.Fatal(err)
	}
	for v := 2; v <= n; v++ {
		if v%2 == 1 {
			paras = append(paras, fmt.Sprintf("Update %d: the panel adjourned until %d o'clock, when the council's chief engineer will give evidence.", v, v%12+1))
		} else {
			paras[v%len(paras)] = strings.Replace(paras[v%len(paras)], "per cent", fmt.Sprintf("per cent (corrected in version %d)", v), 1)
		}
		text := strings.Join(paras, "\n\n")
		if err := store.RecheckSoon(ctx, a.ID); err != nil {
			tb.Fatal(err)
		}
		if _, err := store.ClaimDueRechecks(ctx, "bench", time.Minute, 10); err != nil {
			tb.Fatal(err)
		}
		rev := &herald.Revision{Title: a.Title, Byline: a.Byline, HTML: html(), Text: text}
		if err := store.RecordRecheck(ctx, a.ID, "bench", herald.RecheckOutcome{Revision: rev}); err != nil {
			tb.Fatal(err)
		}
	}
	w, err := web.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		web.Config{BaseURL: "https://news.test", SiteName: "Bench Herald", CacheBytes: 1})
	if err != nil {
		tb.Fatal(err)
	}
	w.CatchUp(ctx)
	return w.Handler(), a.Slug
}

// BenchmarkChangesPage renders an article's "What changed" page at 50
// versions, and the article page itself, uncached: each request has a new
// query string, so the page cache (CacheBytes 1) never answers. The ratio
// of the two, measured in one run, is the figure; go test -benchmem gives
// the allocations.
func BenchmarkChangesPage(b *testing.B) {
	h, slug := versionsSite(b, 50)
	for _, c := range []struct{ name, path string }{
		{"changes50", "/articles/" + slug + "/changes"},
		{"article", "/articles/" + slug},
	} {
		b.Run(c.name, func(b *testing.B) {
			var bytes int
			i := 0
			for b.Loop() {
				i++
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", fmt.Sprintf("%s?b=%d", c.path, i), nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, rec.Code)
				}
				bytes = rec.Body.Len()
			}
			b.ReportMetric(float64(bytes), "page-bytes")
		})
	}
}

// TestChangesPageAt50Versions checks the benchmark's site: fifty
// versions, each listed on the page.
func TestChangesPageAt50Versions(t *testing.T) {
	h, slug := versionsSite(t, 50)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/articles/"+slug+"/changes", nil))
	page := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(page, "Version 50") || !strings.Contains(page, "Version 1") {
		t.Fatalf("changes page: %d, versions 50 and 1 listed: %v %v", rec.Code,
			strings.Contains(page, "Version 50"), strings.Contains(page, "Version 1"))
	}
}
