package ingest_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
)

// changingOrigin serves a feed of one summary and the article's page,
// whose answer the test changes between re-checks.
type changingOrigin struct {
	mu      sync.Mutex
	status  int
	paywall bool
	title   string // the page's headline; the feed's stays the same
	// notModified counts the article page's 304 answers: the page carries
	// an ETag of its bytes.
	notModified int
	extra       string // paragraphs after the article's own
	stamp       string // the "Updated" line outlets rewrite on every load
}

const recheckArticle = "The harbour council met on Monday evening to debate the height of the new sea wall and its cost to the town. "

func (o *changingOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch r.URL.Path {
	case "/robots.txt":
		http.NotFound(w, r)
	case "/feed.xml":
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>
<item><title>Council debates the wall</title><link>http://%s/wall</link><guid>wall</guid><description>The council met.</description></item>
</channel></rss>`, r.Host)
	default:
		if o.status != 0 {
			http.Error(w, "no", o.status)
			return
		}
		if o.paywall {
			fmt.Fprint(w, `<html><head><title>Council debates the wall</title></head><body><article><h1>Council debates the wall</h1>
<p>The harbour council met on Monday evening. Subscribe to read the rest of this article, or sign in.</p></article></body></html>`)
			return
		}
		title := o.title
		if title == "" {
			title = "Council debates the wall"
		}
		page := fmt.Sprintf(`<html><head><title>%s</title></head><body><article><h1>%[1]s</h1>
<p>%s</p><p>%s</p><p>%s</p><p>%s</p>%s</article></body></html>`,
			title, o.stamp, strings.Repeat(recheckArticle, 4), strings.Repeat(recheckArticle, 4), strings.Repeat(recheckArticle, 3), o.extra)
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(page)))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			o.notModified++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, page)
	}
}

func (o *changingOrigin) set(f func(o *changingOrigin)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f(o)
}

// TestRechecker follows an article through its life: stored from its
// page, rewritten (a new version), touched only in its boilerplate (no
// version), behind a paywall (no version), failing (nothing withdrawn),
// then gone twice (withdrawn).
func TestRechecker(t *testing.T) {
	origin := &changingOrigin{stamp: "Updated 09:00 GMT"}
	srv := httptest.NewServer(origin)
	defer srv.Close()
	db := mustOpen(t)
	ctx := context.Background()
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: -1})
	follower := &ingest.Follower{Store: db, Pipeline: ingest.NewPipeline(db), Fetcher: client, Owner: "follower"}
	src := &herald.Source{Name: "Gazette", FeedURL: srv.URL + "/feed.xml", Kind: herald.KindFeed,
		Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
	if err := db.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, _, err := follower.Check(ctx, src); err != nil {
		t.Fatal(err)
	}
	list, _, err := db.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("articles after the first check: %d, %v", len(list), err)
	}
	a := list[0]
	rc := &ingest.Rechecker{Store: db, Fetcher: client, Owner: "rechecker"}
	recheck := func() *herald.Article {
		t.Helper()
		if err := db.RecheckSoon(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if n := rc.RunOnce(ctx); n != 1 {
			t.Fatalf("re-checked %d articles, want 1", n)
		}
		got, err := db.FindArticleByID(ctx, a.ID)
		if err != nil {
			return nil
		}
		return got
	}
	versions := func() int {
		t.Helper()
		list, err := db.FindRevisions(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	if got := recheck(); got.Revisions != 1 {
		t.Errorf("the same page made version %d", got.Revisions)
	}
	var answered304 int
	origin.set(func(o *changingOrigin) { answered304 = o.notModified })
	if answered304 != 1 {
		t.Errorf("the first re-check of an unchanged page got %d answers 304, want 1: it asks with the page's ETag", answered304)
	}
	origin.set(func(o *changingOrigin) {
		o.extra = "<p>The vote was postponed to Thursday after the engineers asked for another survey of the harbour floor.</p>" +
			"<p>Correction: an earlier version of this article said the meeting was on Tuesday.</p>"
	})
	got := recheck()
	if got.Revisions != 2 || versions() != 2 || !strings.Contains(got.Text, "postponed to Thursday") || got.UpdatedAt.IsZero() {
		t.Fatalf("after a rewrite: %d versions, text has the new paragraph: %v", got.Revisions, strings.Contains(got.Text, "postponed"))
	}
	if notes, _, err := db.FindCorrections(ctx, herald.CorrectionFilter{ArticleID: a.ID}); err != nil || len(notes) != 1 {
		t.Errorf("the new version's correction: %+v, %v", notes, err)
	}
	origin.set(func(o *changingOrigin) { o.stamp = "Updated 11:47 GMT" })
	if got = recheck(); got.Revisions != 2 {
		t.Errorf("a new time stamp made version %d", got.Revisions)
	}
	origin.set(func(o *changingOrigin) { o.title = "Council postpones the wall vote" })
	if got = recheck(); got.Revisions != 3 || got.Title != "Council postpones the wall vote" {
		t.Errorf("a new headline: version %d, title %q", got.Revisions, got.Title)
	}
	origin.set(func(o *changingOrigin) { o.paywall = true })
	if got = recheck(); got.Revisions != 3 || !strings.Contains(got.Text, "postponed to Thursday") {
		t.Errorf("a paywall made version %d", got.Revisions)
	}
	origin.set(func(o *changingOrigin) { o.paywall = false })
	if got = recheck(); got.Revisions != 3 {
		t.Errorf("the page back after the paywall made version %d", got.Revisions)
	}
	origin.set(func(o *changingOrigin) { o.status = http.StatusServiceUnavailable })
	if got = recheck(); got == nil || got.Revisions != 3 {
		t.Fatal("a server error withdrew the article or made a version")
	}
	origin.set(func(o *changingOrigin) { o.status = http.StatusNotFound })
	if got = recheck(); got == nil {
		t.Fatal("one 404 withdrew the article")
	}
	if got = recheck(); got != nil {
		t.Fatal("two 404s in a row did not withdraw the article")
	}
	td, err := db.FindTakedown(ctx, a.Slug)
	if err != nil || td.Status != herald.StatusWithdrawn || td.Reason != "Gazette has withdrawn this article." {
		t.Errorf("takedown: %+v, %v", td, err)
	}
	log, _ := db.FindAudit(ctx, herald.AuditFilter{Kind: "article"})
	if len(log) != 1 || log[0].Action != "article.withdraw" || log[0].Actor != herald.SystemActor {
		t.Errorf("audit log: %+v", log)
	}
}
