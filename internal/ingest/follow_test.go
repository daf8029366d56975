package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/demo"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
)

// loggedOrigin is the demo origin with a log of every request, so tests
// can check what Herald fetched and how.
type loggedOrigin struct {
	*demo.Origin
	mu       sync.Mutex
	requests []string // host + path
	inFlight map[string]int
	overlap  []string // hosts that saw two requests at once
}

func (o *loggedOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	o.mu.Lock()
	o.requests = append(o.requests, host+r.URL.Path)
	o.inFlight[host]++
	if o.inFlight[host] > 1 {
		o.overlap = append(o.overlap, host)
	}
	o.mu.Unlock()
	defer func() { o.mu.Lock(); o.inFlight[host]--; o.mu.Unlock() }()
	o.Origin.ServeHTTP(w, r)
}

// startDemo serves the demo origin on loopback and returns a fetch client
// that reaches its hosts there.
func startDemo(t *testing.T) (*loggedOrigin, *fetch.Client) {
	t.Helper()
	origin, err := demo.NewOrigin(time.Now().Truncate(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	lo := &loggedOrigin{Origin: origin, inFlight: map[string]int{}}
	srv := httptest.NewServer(lo)
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	hosts := map[string]string{}
	for _, h := range origin.Hosts() {
		hosts[h] = addr
	}
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: 5 * time.Millisecond, HostAddrs: hosts})
	return lo, client
}

func TestFollowDemoWorld(t *testing.T) {
	origin, client := startDemo(t)
	db := mustOpen(t)
	ctx := context.Background()
	for _, out := range origin.Outlets() {
		r, err := ingest.Resolve(ctx, client, out.Homepage)
		if err != nil {
			t.Fatalf("resolve %s: %v", out.Homepage, err)
		}
		if r.Kind != herald.KindFeed || r.FeedURL != out.FeedURL {
			t.Errorf("resolve %s = %+v, want the feed %s", out.Homepage, r, out.FeedURL)
		}
		licence, _ := herald.ParseLicence(out.Licence)
		src := &herald.Source{Name: out.Name, Homepage: r.Homepage, FeedURL: r.FeedURL, Kind: r.Kind,
			Licence: licence, Fulltext: herald.FulltextAuto}
		if err := db.AddSource(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	f := &ingest.Follower{Store: db, Pipeline: &ingest.Pipeline{Articles: db}, Fetcher: client, Owner: "test", Workers: 4}
	if n := f.RunOnce(ctx); n != len(origin.Outlets()) {
		t.Fatalf("checked %d sources, want %d", n, len(origin.Outlets()))
	}
	sources, err := db.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range sources {
		if s.Fetch.Status != herald.FetchOK || s.Fetch.LastError != "" {
			t.Errorf("%s: status %q, error %q", s.Name, s.Fetch.Status, s.Fetch.LastError)
		}
		if !s.Fetch.NextCheckAt.After(time.Now().Add(herald.MinCheckInterval - time.Minute)) {
			t.Errorf("%s: next check %s is too soon", s.Name, s.Fetch.NextCheckAt)
		}
		total += s.ArticleCount
	}
	if total != 75 {
		t.Errorf("ingested %d articles, want all 75 of the demo world", total)
	}

	// The wire reports republished by other outlets are one article each,
	// with every outlet that carried them.
	shown, _, err := db.FindArticles(ctx, herald.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	withCopies := 0
	for _, a := range shown {
		if len(a.Copies) > 1 {
			withCopies++
		}
	}
	if len(shown) != 65 || withCopies != 5 {
		t.Errorf("%d articles shown, %d with copies; want the 10 wire copies folded into their 5 originals (65, 5)", len(shown), withCopies)
	}

	// Pages fetched for excerpt and headline outlets were extracted
	// without the site's furniture.
	var list []*herald.Article
	for _, s := range sources {
		page, _, err := db.FindArticles(ctx, herald.ArticleFilter{SourceID: s.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, page...)
	}
	for _, a := range list {
		full, err := db.FindArticleByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, junk := range []string{"Share on Facebook", "Advertisement", "Been saying this for years", "All rights reserved", "Most read"} {
			if strings.Contains(full.Text, junk) {
				t.Errorf("%s keeps %q", full.OriginalURL, junk)
			}
		}
		if herald.CountWords(full.Text) < 60 {
			t.Errorf("%s has only %d words", full.OriginalURL, herald.CountWords(full.Text))
		}
	}

	// Politeness, from the origin's own log.
	origin.mu.Lock()
	for _, req := range origin.requests {
		if strings.Contains(req, "/account/") || strings.Contains(req, "/search") {
			t.Errorf("fetched %s, which robots.txt disallows", req)
		}
	}
	if len(origin.overlap) > 0 {
		t.Errorf("hosts saw two requests at once: %v", origin.overlap)
	}
	before := len(origin.requests)
	origin.mu.Unlock()

	// Nothing is due now, and forcing a check adds nothing new.
	if n := f.RunOnce(ctx); n != 0 {
		t.Errorf("%d sources due right after a check", n)
	}
	for _, s := range sources {
		if _, added, err := f.Check(ctx, s); err != nil || added != 0 {
			t.Errorf("second check of %s: %d added, %v", s.Name, added, err)
		}
	}
	origin.mu.Lock()
	defer origin.mu.Unlock()
	if extra := len(origin.requests) - before; extra > 2*len(sources) {
		t.Errorf("a second check made %d requests; seen items should not be fetched again", extra)
	}
}

func TestFollowRecordsFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/gone.xml":
			http.Error(w, "gone", http.StatusNotFound)
		case "/busy.xml":
			w.Header().Set("Retry-After", "7200")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body><p>Not a feed.</p></body></html>"))
		}
	}))
	defer srv.Close()
	db := mustOpen(t)
	ctx := context.Background()
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: -1})
	f := &ingest.Follower{Store: db, Pipeline: &ingest.Pipeline{Articles: db}, Fetcher: client, Owner: "test"}
	tests := []struct {
		path, want string
		minDelay   time.Duration
	}{
		{"/gone.xml", "404", herald.MinCheckInterval},
		{"/busy.xml", "503", 2 * time.Hour},
		{"/page.html", "not a feed", herald.MinCheckInterval},
	}
	for i, tt := range tests {
		src := &herald.Source{Name: "Outlet " + tt.path, FeedURL: srv.URL + tt.path, Kind: herald.KindFeed,
			Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
		if err := db.AddSource(ctx, src); err != nil {
			t.Fatal(err)
		}
		state, _, err := f.Check(ctx, src)
		if err == nil {
			t.Fatalf("%s: no error", tt.path)
		}
		if state.Status != herald.FetchFailed || !strings.Contains(state.LastError, tt.want) || state.Failures != 1 {
			t.Errorf("%d %s: state %+v, want a failure saying %q", i, tt.path, state, tt.want)
		}
		if d := time.Until(state.NextCheckAt); d < tt.minDelay-time.Minute {
			t.Errorf("%s: next check in %s, want at least %s", tt.path, d, tt.minDelay)
		}
	}
}

// TestFollowWarnsOfShortExtraction serves a feed of summaries whose
// article pages carry less text than the summaries, as after an outlet
// changes its layout, and expects the check to say so; pages that carry
// the article clear the warning.
func TestFollowWarnsOfShortExtraction(t *testing.T) {
	summary := strings.Repeat("The harbour council met again on Monday evening to debate the wall. ", 4)
	article := strings.Repeat("The harbour council met again on Monday evening and argued over the height of the new sea wall for many hours. ", 8)
	broken := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case r.URL.Path == "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>`)
			for i := range 3 {
				fmt.Fprintf(w, `<item><title>Wall debate %[1]d</title><link>http://%[2]s/a%[1]d?v=%[3]v</link><guid>a%[1]d-%[3]v</guid><description>%[4]s</description></item>`,
					i, r.Host, broken, summary)
			}
			fmt.Fprint(w, `</channel></rss>`)
		default:
			body := "<p>" + article + "</p><p>" + article + "</p>"
			if broken {
				body = "<p>Subscribe to read the council's decision on the harbour wall today.</p>"
			}
			fmt.Fprintf(w, `<html><head><title>Wall debate</title></head><body><article><h1>Wall debate</h1>%s</article></body></html>`, body)
		}
	}))
	defer srv.Close()
	db := mustOpen(t)
	ctx := context.Background()
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: -1})
	f := &ingest.Follower{Store: db, Pipeline: &ingest.Pipeline{Articles: db}, Fetcher: client, Owner: "test"}
	src := &herald.Source{Name: "Gazette", FeedURL: srv.URL + "/feed.xml", Kind: herald.KindFeed,
		Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
	if err := db.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		broken bool
		want   string
	}{
		{false, ""},
		{true, "3 of the 3 article pages"},
		{false, ""},
	} {
		broken = tc.broken
		state, _, err := f.Check(ctx, src)
		if err != nil {
			t.Fatalf("broken %v: %v", tc.broken, err)
		}
		if tc.want == "" && state.ExtractWarning != "" || tc.want != "" && !strings.Contains(state.ExtractWarning, tc.want) {
			t.Errorf("broken %v: warning %q, want %q", tc.broken, state.ExtractWarning, tc.want)
		}
	}
}
