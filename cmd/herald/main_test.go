package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// runHerald runs the command line in-process and returns what it printed.
func runHerald(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut})
	return out.String(), errOut.String(), err
}

func TestImportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	lines := `{"url":"https://a.example/1","title":"One","text":"Body.","source":"A News"}
{"url":"https://a.example/2","title":"Two","text":"Body.","source":"A News","published_at":"not a date"}
{"url":"https://a.example/3","title":"Three","html":"<p>Body.</p>","source":"A News","licence":"headline"}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runHerald(t, "", "import", "--db", db, file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	for _, want := range []string{"line 2: published_at \"not a date\" is not an RFC 3339 time", "imported 2, skipped 0 (already present), rejected 1"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	_, stderr, err = runHerald(t, lines, "import", "--db", db, "-")
	if err != nil || !strings.Contains(stderr, "imported 0, skipped 2 (already present), rejected 1") {
		t.Errorf("re-import from stdin: %v\n%s", err, stderr)
	}
}

func TestClearErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"UnwritableDB", []string{"import", "--db", filepath.Join(dir, "missing", "herald.db"), "-"}, "cannot open database"},
		{"MissingFile", []string{"import", "--db", filepath.Join(dir, "h.db"), filepath.Join(dir, "nope.jsonl")}, "cannot read"},
		{"ServeUnwritableDB", []string{"serve", "--db", "/proc/herald.db", "--addr", "127.0.0.1:0"}, "cannot open database /proc/herald.db"},
		{"BadAddr", []string{"serve", "--db", filepath.Join(dir, "h2.db"), "--addr", "not-an-address"}, "cannot listen on not-an-address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runHerald(t, "", tt.args...)
			if err == nil {
				t.Fatal("succeeded")
			}
			msg := message(err)
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || strings.Contains(stderr, "goroutine") {
				t.Errorf("message %q (stderr %q); want one line containing %q", msg, stderr, tt.want)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"frobnicate"}, {"serve", "--no-such-flag"}, {"import"}} {
		_, stderr, err := runHerald(t, "", args...)
		if err != errUsage || !strings.Contains(stderr, "herald") && !strings.Contains(stderr, "Usage") {
			t.Errorf("%q: err %v, stderr %q", args, err, stderr)
		}
	}
}

// TestServeStartsAndStops runs the real server with the demo world: it
// prints its address first, answers, and returns cleanly when told to stop.
func TestServeStartsAndStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	url, stop := startServe(t, "--demo", "--addr", "127.0.0.1:0", "--db", db)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the address", url)
	}
	for _, path := range []string{"/healthz", "/", "/api/v1/articles", "/metrics"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	stop()
	if _, err := os.Stat(db); err != nil {
		t.Errorf("database not created: %v", err)
	}
}

// startServe runs "herald serve" with args in-process. It returns the
// first line serve printed, its address, and stop, which ends serve as
// Ctrl-C does and fails the test unless serve then returns cleanly and
// soon.
func startServe(t *testing.T, args ...string) (url string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), env{stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard})
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	first, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	go io.Copy(io.Discard, out) // nothing more is expected, but serve must never block on it
	return strings.TrimSpace(first), func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v after a clean stop", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
}

const testFeed = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Test Outlet</title><link>%s/</link><description>d</description>
<item><title>First story</title><link>%s/1</link><guid>%s/1</guid><pubDate>Tue, 10 Mar 2026 18:00:00 GMT</pubDate>
<description>A summary.</description></item>
</channel></rss>`

// newFeedServer serves testFeed at /feed.xml on loopback, counting every
// request in hits when it is not nil.
func newFeedServer(t *testing.T, hits *atomic.Int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits != nil {
			hits.Add(1)
		}
		if r.URL.Path == "/feed.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, testFeed, "http://"+r.Host, "http://"+r.Host, "http://"+r.Host)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSourceCommands(t *testing.T) {
	srv := newFeedServer(t, nil)
	db := filepath.Join(t.TempDir(), "herald.db")
	feed := srv.URL + "/feed.xml"

	// The guard refuses loopback unless told otherwise.
	if _, _, err := runHerald(t, "", "source", "add", feed, "--db", db); err == nil || !strings.Contains(message(err), "private") && !strings.Contains(message(err), "loopback") {
		t.Errorf("add without --allow-private-networks: %v", err)
	}
	out, stderr, err := runHerald(t, "", "source", "add", feed, "--db", db, "--licence", "full", "--allow-private-networks")
	if err != nil || !strings.Contains(out, "added Test Outlet (test-outlet)") || !strings.Contains(stderr, "an RSS feed") {
		t.Fatalf("add: %v\n%s%s", err, out, stderr)
	}
	if _, _, err := runHerald(t, "", "source", "add", feed, "--db", db, "--allow-private-networks"); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("adding twice: %v, want a conflict", err)
	}
	out, _, err = runHerald(t, "", "source", "list", "--db", db)
	if err != nil || !strings.Contains(out, "test-outlet") || !strings.Contains(out, "new") || !strings.Contains(out, "full") {
		t.Errorf("list: %v\n%s", err, out)
	}
	out, _, err = runHerald(t, "", "source", "remove", "test-outlet", "--db", db)
	if err != nil || !strings.Contains(out, "removed test-outlet; its articles stay") {
		t.Errorf("remove: %v %s", err, out)
	}
	if out, _, _ = runHerald(t, "", "source", "list", "--db", db); !strings.Contains(out, "removed") {
		t.Errorf("list after remove:\n%s", out)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"source", "add", feed, "--db", db, "--licence", "stolen"}, `licence "stolen"`},
		{[]string{"source", "add", feed, "--db", db, "--every", "1m"}, "--every 1m0s is outside 5m to 24h"},
		{[]string{"source", "add", feed, "--db", db, "--fulltext", "sometimes"}, `fulltext "sometimes"`},
		{[]string{"source", "add", "ftp://x.example/feed", "--db", db}, "not an http or https URL"},
		{[]string{"source", "remove", "nope", "--db", db}, `no source "nope"`},
	} {
		if _, _, err := runHerald(t, "", tt.args...); err == nil || !strings.Contains(message(err), tt.want) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestExtractCommand(t *testing.T) {
	page := `<!doctype html><html lang="en"><head><title>Harbour wall approved | The Gazette</title>
<meta property="og:site_name" content="The Gazette">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Harbour wall approved","datePublished":"2026-03-10T18:00:00Z","author":{"@type":"Person","name":"Ann Reed"}}</script>
</head><body><nav><a href="/">Home</a></nav><article><h1>Harbour wall approved</h1>` +
		strings.Repeat("<p>The council voted on Tuesday to raise the harbour wall by a metre along its whole length, ending years of argument.</p>", 6) +
		`</article><footer>© The Gazette</footer></body></html>`
	out, stderr, err := runHerald(t, page, "extract", "--url", "https://gazette.example/wall", "-")
	if err != nil {
		t.Fatalf("extract: %v\n%s", err, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got["title"] != "Harbour wall approved" || got["byline"] != "Ann Reed" || got["site_name"] != "The Gazette" ||
		!strings.HasPrefix(fmt.Sprint(got["published_at"]), "2026-03-10T18:00:00") || !strings.Contains(fmt.Sprint(got["text"]), "raise the harbour wall") {
		t.Errorf("extract = %v", got)
	}
	for _, k := range []string{"title", "byline", "published_at", "modified_at", "site_name", "canonical_url", "lang", "image", "text", "html"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
}
