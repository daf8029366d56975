package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// TestRun ingests a tiny world end to end and checks what the full run
// checks: politeness from the origin's log, robots.txt obeyed, every
// article stored, pages extracted without their furniture.
func TestRun(t *testing.T) {
	cfg, err := parseFlags([]string{"-feeds", "10", "-hosts", "3", "-items", "3", "-latency", "0",
		"-host-delay", "2ms", "-workers", "4", "-private-every", "2",
		"-db", filepath.Join(t.TempDir(), "herald.db"), "-origin-log", filepath.Join(t.TempDir(), "origin.tsv")})
	if err != nil {
		t.Fatal(err)
	}
	var logw bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := run(ctx, cfg, &logw)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, logw.String())
	}
	var out bytes.Buffer
	res.writeMarkdown(&out)
	t.Log("\n" + out.String())

	for _, c := range res.checks() {
		if !c.OK {
			t.Errorf("%s: %s, want %s", c.Name, c.Seen, c.Want)
		}
	}
	if res.PrivateItems == 0 {
		t.Error("the world has no /private/ item: the robots.txt check proves nothing")
	}
	if res.Expected != 30 || res.FullFeeds < 4 || res.FullFeeds > 6 || res.PagesExpected != (10-res.FullFeeds)*3-res.PrivateItems {
		t.Errorf("world: %d expected, %d full feeds, %d pages", res.Expected, res.FullFeeds, res.PagesExpected)
	}
	if res.Sample.Articles != 30 || len(res.Sample.Furniture) > 0 || len(res.Sample.Short)+len(res.Sample.Long) > 0 {
		t.Errorf("stored text: %+v", res.Sample)
	}
	if !strings.Contains(out.String(), "| **articles/s** |") {
		t.Error("the report has no articles/s row")
	}
}

// TestWorld checks the generated world is the same for the same seed and
// has the shape the benchmark relies on.
func TestWorld(t *testing.T) {
	cfg := config{Feeds: 7, Hosts: 3, Items: 4, FulltextShare: 0.3, PrivateEvery: 2, Seed: 9}
	w1, w2 := newWorld(cfg), newWorld(cfg)
	full := 0
	for i := range cfg.Feeds {
		if w1.full(i) {
			full++
		}
		a1, a2 := w1.rssOrFail(t, i), w2.rssOrFail(t, i)
		if a1 != a2 {
			t.Fatalf("feed %d differs between two worlds of the same seed", i)
		}
		for j := range cfg.Items {
			a := w1.article(i, j)
			if a.Words < 200 || herald.CountWords(a.Summary) >= 150 {
				t.Errorf("article %d/%d: %d words, summary %q", i, j, a.Words, a.Summary)
			}
		}
	}
	if full != w1.fullFeeds() || full != 2 {
		t.Errorf("%d full feeds, fullFeeds says %d; want 2", full, w1.fullFeeds())
	}

	// Every host has its share of full-content feeds and of /private/ items.
	big := newWorld(config{Feeds: 1000, Hosts: 50, Items: 20, FulltextShare: 0.5, PrivateEvery: 10, Seed: 1})
	fullOn, privateOn := map[int]int{}, map[int]int{}
	for i := range big.feeds {
		h, _ := big.feedHost(i)
		if big.full(i) {
			fullOn[h]++
		}
		if big.hasPrivate(i) {
			privateOn[h]++
		}
	}
	for h := range big.hosts {
		if fullOn[h] != 10 || privateOn[h] != 1 {
			t.Errorf("host %d: %d full-content feeds, %d /private/ items; want 10, 1", h, fullOn[h], privateOn[h])
		}
	}
	if big.fullFeeds() != 500 || big.privateItems() != 50 || big.pagesExpected() != 500*20-50 {
		t.Errorf("1,000 feeds: %d full, %d private, %d pages", big.fullFeeds(), big.privateItems(), big.pagesExpected())
	}

	body, _, status := w1.serve(w1.hostName(1), "/feeds/1.xml")
	if status != 200 || !bytes.Contains(body, []byte("<rss")) {
		t.Errorf("feed 1.xml on host 1: %d %.80s", status, body)
	}
	if _, _, status := w1.serve(w1.hostName(1), "/feeds/2.xml"); status != 404 {
		t.Errorf("feed 2.xml on host 1 (feed 7, beyond -feeds): status %d, want 404", status)
	}
}

func (w *world) rssOrFail(t *testing.T, i int) string {
	t.Helper()
	b, err := w.rss(i)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOriginLog checks the instrument itself: the origin's log must see
// two requests at once to one host, and a request under /private/, when a
// client does either.
func TestOriginLog(t *testing.T) {
	w := newWorld(config{Feeds: 2, Hosts: 2, Items: 1, Seed: 1})
	o := newOrigin(w, 50*time.Millisecond)
	srv := httptest.NewServer(o)
	defer srv.Close()
	get := func(host, path string) {
		req, err := http.NewRequest("GET", srv.URL+path, nil)
		if err != nil {
			t.Error(err)
			return
		}
		req.Host = host
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		io.Copy(io.Discard, resp.Body) // only the log matters
		resp.Body.Close()
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { get(w.hostName(0), "/feeds/0.xml") })
	}
	wg.Wait()
	get(w.hostName(1), "/private/0/0-x.html")
	get(w.hostName(1), "/robots.txt")

	s := o.stats()
	if s.MaxInFlight != 2 || s.Overlaps != 1 {
		t.Errorf("two requests at once: max in flight %d, %d overlaps; want 2, 1", s.MaxInFlight, s.Overlaps)
	}
	if len(s.Disallowed) != 1 || s.Feeds != 2 || s.Robots != 1 || s.Requests != 4 {
		t.Errorf("stats %+v", s)
	}
	var log bytes.Buffer
	if err := o.writeLog(&log); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "\n"); n != 5 {
		t.Errorf("log has %d lines, want a header and 4:\n%s", n, log.String())
	}
}
