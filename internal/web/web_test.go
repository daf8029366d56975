package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
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

// site is a real server on a real SQLite file, with a few articles.
type site struct {
	srv   *httptest.Server
	store *sqlite.DB
	web   *web.Server
	pipe  *ingest.Pipeline
}

var (
	longBody  = numbered("The council met on Tuesday and talked for a long time about the harbour wall and its cost", 12)
	otherBody = numbered("Residents of the lower town queued outside the hall to say what they thought of the vote", 12)
)

// numbered returns n paragraphs that differ from one another, as real
// paragraphs do, so that near-duplicate detection sees a real text.
func numbered(sentence string, n int) string {
	words := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"}
	var b strings.Builder
	for i := range n {
		b.WriteString("<p>In its " + words[i%len(words)] + " session " + sentence + " while " + words[(i+3)%len(words)] + " speakers waited. </p>")
	}
	return b.String()
}

func newSite(t *testing.T) *site {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := web.New(store, logger, web.Config{BaseURL: "https://news.test", SiteName: "Test Herald", PollEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := &site{srv: httptest.NewServer(w.Handler()), store: store, web: w, pipe: &ingest.Pipeline{Articles: store, Stories: store}}
	t.Cleanup(s.srv.Close)
	for _, it := range []ingest.Item{
		{URL: "https://gazette.example/full", Title: "Council approves harbour wall", Byline: "By Ann Reed",
			HTML:   longBody + `<script>alert(1)</script><p onclick="steal()">Click <a href="javascript:alert(2)">here</a></p><iframe src="https://evil.example"></iframe>`,
			Source: "Harbour Gazette", SourceURL: "https://gazette.example/", Licence: "full",
			PublishedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)},
		{URL: "https://times.example/excerpt", Title: "Wall vote splits town", HTML: otherBody,
			Source: "Town Times", SourceURL: "https://times.example/", Licence: "excerpt",
			PublishedAt: time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)},
		{URL: "https://wire.example/headline", Title: "Wall contract awarded", Text: "Secret body text that must not show.",
			Source: "Wire Agency", SourceURL: "https://wire.example/", Licence: "headline",
			PublishedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
	} {
		if _, _, err := s.pipe.Add(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w.CatchUp(ctx)
	go w.WatchChanges(ctx)
	return s
}

func (s *site) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	return s.do(t, http.MethodGet, path, nil)
}

// do sends one request with method and header to the site and returns
// the response with its body read.
func (s *site) do(t *testing.T, method, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestPages(t *testing.T) {
	s := newSite(t)
	tests := []struct {
		name, path  string
		status      int
		contentType string
		want        []string
		notWant     []string
	}{
		{"Home", "/", 200, "text/html", []string{`<ol class="article-list">`, "Wall contract awarded", "Harbour Gazette", `<main id="main"`}, nil},
		{"FullArticle", "/articles/council-approves-harbour-wall", 200, "text/html", []string{
			`<h1 class="headline">Council approves harbour wall</h1>`,
			`<div class="article-body">`,
			`<link rel="canonical" href="https://gazette.example/full">`,
			`Source: <a href="https://gazette.example/" rel="noreferrer">Harbour Gazette</a> — this article originally appeared at <a class="original" href="https://gazette.example/full"`,
			`"@type":"NewsArticle"`, `"isBasedOn":"https://gazette.example/full"`,
			`<meta property="og:title" content="Council approves harbour wall">`, `<meta name="twitter:card"`,
			"By Ann Reed",
		}, []string{"<script>alert", "onclick", "javascript:", "<iframe"}},
		{"ExcerptArticle", "/articles/wall-vote-splits-town", 200, "text/html", []string{
			`<div class="article-body excerpt">`, "Continue reading at Town Times", "…",
			`<link rel="canonical" href="https://news.test/articles/wall-vote-splits-town">`,
		}, nil},
		{"HeadlineArticle", "/articles/wall-contract-awarded", 200, "text/html", []string{
			"Read this article at Wire Agency", `class="attribution"`,
		}, []string{"article-body", "Secret body text"}},
		{"Source", "/sources/town-times", 200, "text/html", []string{"<h1 class=\"page-title\">Town Times</h1>", "Wall vote splits town", `href="https://times.example/"`}, []string{"Council approves"}},
		{"UnknownArticle", "/articles/nope", 404, "text/html", []string{"Page not found"}, nil},
		{"UnknownPath", "/no/such/page", 404, "text/html", []string{"Page not found"}, nil},
		{"BadPageCursor", "/?after=bogus", 400, "text/html", []string{"cursor"}, []string{"goroutine", ".go:"}},
		{"RSS", "/rss.xml", 200, "application/rss+xml", []string{`<rss version="2.0"`, "<link>https://news.test/articles/wall-contract-awarded</link>", "<pubDate>Sun, 01 Mar 2026 12:00:00 +0000</pubDate>"}, nil},
		{"Atom", "/atom.xml", 200, "application/atom+xml", []string{`<feed xmlns="http://www.w3.org/2005/Atom">`, "<updated>2026-03-01T12:00:00Z</updated>"}, nil},
		{"Sitemap", "/sitemap.xml", 200, "application/xml", []string{"<loc>https://news.test/articles/wall-vote-splits-town</loc>", "<loc>https://news.test/sources/wire-agency</loc>"}, nil},
		{"Robots", "/robots.txt", 200, "text/plain", []string{"Sitemap: https://news.test/sitemap.xml"}, nil},
		{"Health", "/healthz", 200, "text/plain", []string{"ok"}, nil},
		{"Style", "/static/style.css", 200, "text/css", []string{"prefers-color-scheme: dark"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s: status %d, want %d\n%s", tt.path, resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(body, nw) {
					t.Errorf("GET %s: body contains %q", tt.path, nw)
				}
			}
			if strings.HasSuffix(tt.path, ".xml") {
				checkWellFormed(t, body)
			}
		})
	}
}

func checkWellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
	}
}

func TestExcerptIsCutOnAWord(t *testing.T) {
	s := newSite(t)
	_, body := s.get(t, "/articles/wall-vote-splits-town")
	_, rest, _ := strings.Cut(body, `<div class="article-body excerpt">`)
	excerpt, _, _ := strings.Cut(rest, "</div>")
	excerpt = strings.TrimSpace(strings.NewReplacer("<p>", "", "</p>", "").Replace(excerpt))
	if n := herald.CountWords(excerpt); n != herald.ExcerptWords {
		t.Errorf("excerpt has %d words, want %d: %q", n, herald.ExcerptWords, excerpt)
	}
	if !strings.HasSuffix(excerpt, "…") {
		t.Errorf("excerpt does not end with an ellipsis: %q", excerpt)
	}
}

// TestCopiesShareOnePage adds a wire copy of the full article from another
// outlet: it gets no page of its own, and the article names both outlets.
func TestCopiesShareOnePage(t *testing.T) {
	s := newSite(t)
	copyItem := ingest.Item{URL: "https://post.example/wall", Title: "Harbour wall gets the go-ahead",
		HTML: "<p>PORT ELLERY (Wire) —</p>" + longBody, Source: "Evening Post", SourceURL: "https://post.example/",
		Licence: "excerpt", PublishedAt: time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)}
	a, created, err := s.pipe.Add(context.Background(), copyItem)
	if err != nil || !created {
		t.Fatalf("add copy: %v %v", created, err)
	}
	if a.DuplicateOf == 0 {
		t.Fatal("the copy was not recognised as one")
	}
	_, body := s.get(t, "/articles/council-approves-harbour-wall")
	if !strings.Contains(body, `Also published by: <a href="https://post.example/wall" rel="noreferrer">Evening Post</a>`) {
		t.Errorf("article page does not name the other outlet")
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(mustRequest(t, s.srv.URL+"/articles/"+a.Slug))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/articles/council-approves-harbour-wall" {
		t.Errorf("copy's page: %d to %q, want a redirect to the shown copy", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, home := s.get(t, "/")
	if strings.Contains(home, "Harbour wall gets the go-ahead") {
		t.Error("the copy is listed on the home page")
	}
	_, api := s.get(t, "/api/v1/articles?url=https://gazette.example/full")
	if !strings.Contains(api, `"name": "Harbour Gazette"`) || !strings.Contains(api, `"url": "https://post.example/wall"`) {
		t.Errorf("API sources lack one of the outlets:\n%s", api)
	}
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestNewsSitemapWindow(t *testing.T) {
	s := newSite(t)
	_, _, err := s.pipe.Add(context.Background(), ingest.Item{URL: "https://wire.example/new", Title: "Fresh news",
		Text: "Just in.", Source: "Wire Agency", PublishedAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, body := s.get(t, "/news-sitemap.xml")
	if !strings.Contains(body, "<news:title>Fresh news</news:title>") || strings.Contains(body, "Wall contract") {
		t.Errorf("news sitemap should hold only the last 48 hours:\n%s", body)
	}
}

func TestAPI(t *testing.T) {
	s := newSite(t)
	tests := []struct {
		name, path string
		status     int
		check      func(t *testing.T, body map[string]any)
	}{
		{"List", "/api/v1/articles?limit=2", 200, func(t *testing.T, b map[string]any) {
			items := b["items"].([]any)
			if len(items) != 2 || b["next_cursor"] == "" {
				t.Fatalf("items=%d next=%v", len(items), b["next_cursor"])
			}
			first := items[0].(map[string]any)
			for _, k := range []string{"id", "slug", "url", "original_url", "title", "byline", "published_at", "source", "licence", "excerpt"} {
				if _, ok := first[k]; !ok {
					t.Errorf("article JSON lacks %q", k)
				}
			}
			if first["url"] != "https://news.test/articles/wall-contract-awarded" || first["excerpt"] != "" {
				t.Errorf("first = %v", first)
			}
		}},
		{"BySource", "/api/v1/articles?source=town-times", 200, func(t *testing.T, b map[string]any) {
			if items := b["items"].([]any); len(items) != 1 {
				t.Errorf("items = %v", items)
			}
		}},
		{"ByURL", "/api/v1/articles?url=https://gazette.example/full", 200, func(t *testing.T, b map[string]any) {
			items := b["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["title"] != "Council approves harbour wall" {
				t.Errorf("items = %v", items)
			}
		}},
		{"One", "/api/v1/articles/1", 200, func(t *testing.T, b map[string]any) {
			if b["original_url"] != "https://gazette.example/full" || b["source"].(map[string]any)["name"] != "Harbour Gazette" {
				t.Errorf("article = %v", b)
			}
		}},
		{"Sources", "/api/v1/sources", 200, func(t *testing.T, b map[string]any) {
			if items := b["items"].([]any); len(items) != 3 {
				t.Errorf("sources = %v", items)
			}
		}},
		{"BadCursor", "/api/v1/articles?cursor=zzz", 400, errorCode("invalid")},
		{"BadLimit", "/api/v1/articles?limit=1000", 400, errorCode("invalid")},
		{"UnknownID", "/api/v1/articles/999", 404, errorCode("not_found")},
		{"BadID", "/api/v1/articles/abc", 400, errorCode("invalid")},
		{"UnknownSource", "/api/v1/articles?source=nope", 404, errorCode("not_found")},
		{"UnknownEndpoint", "/api/v1/nope", 404, errorCode("not_found")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, body)
			}
			tt.check(t, v)
		})
	}
}

func errorCode(code string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		e, ok := b["error"].(map[string]any)
		if !ok || e["code"] != code || e["message"] == "" {
			t.Errorf("error = %v, want code %q with a message", b, code)
		}
	}
}

func TestAPIPagesFollowCursor(t *testing.T) {
	s := newSite(t)
	seen := map[float64]bool{}
	path := "/api/v1/articles?limit=1"
	for range 10 {
		_, body := s.get(t, path)
		var v struct {
			Items []struct {
				ID float64 `json:"id"`
			} `json:"items"`
			Next string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		for _, it := range v.Items {
			seen[it.ID] = true
		}
		if v.Next == "" {
			break
		}
		path = "/api/v1/articles?limit=1&cursor=" + v.Next
	}
	if len(seen) != 3 {
		t.Errorf("paged through %d articles, want 3", len(seen))
	}
}

func TestCacheIsDroppedWhenTheStoreChanges(t *testing.T) {
	s := newSite(t)
	_, before := s.get(t, "/")
	if strings.Contains(before, "Late arrival") {
		t.Fatal("article present before it was added")
	}
	if _, _, err := s.pipe.Add(context.Background(), ingest.Item{URL: "https://wire.example/late", Title: "Late arrival",
		Text: "Body.", Source: "Wire Agency", PublishedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, after := s.get(t, "/"); strings.Contains(after, "Late arrival") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("home page still served from the old cache")
}

func TestCompressionAndETag(t *testing.T) {
	s := newSite(t)
	req, _ := http.NewRequest("GET", s.srv.URL+"/articles/council-approves-harbour-wall", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !strings.Contains(string(body), "Council approves harbour wall") {
		t.Error("gzipped body does not hold the page")
	}
	etag := resp.Header.Get("ETag")
	req.Header.Set("If-None-Match", etag)
	resp2, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if etag == "" || resp2.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, resp2.StatusCode)
	}
}

func TestNoThirdPartyReferences(t *testing.T) {
	s := newSite(t)
	_, body := s.get(t, "/articles/council-approves-harbour-wall")
	for _, bad := range []string{"<script src", "fonts.googleapis", "gravatar", "<img", "<iframe"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	resp, _ := s.get(t, "/")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
}
