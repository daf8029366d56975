package ingest_test

import (
	"context"
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

// rewrittenOrigin serves a feed of one summary and the article's page,
// whose words the test replaces.
type rewrittenOrigin struct {
	mu   sync.Mutex
	text string
}

func (o *rewrittenOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch r.URL.Path {
	case "/robots.txt":
		http.NotFound(w, r)
	case "/feed.xml":
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>
<item><title>Harbour wall vote</title><link>http://%s/wall</link><guid>wall</guid><description>The harbour council met.</description></item>
</channel></rss>`, r.Host)
	default:
		fmt.Fprintf(w, `<html><head><title>Harbour wall vote</title></head><body><article><h1>Harbour wall vote</h1>%s</article></body></html>`, o.text)
	}
}

// followGazette follows the feed at srv's /feed.xml as the outlet
// Gazette, under a full licence and the full-text mode given, checks it
// once, and returns the client it fetched with.
func followGazette(t *testing.T, db herald.Store, srv *httptest.Server, fulltext herald.Fulltext) (*ingest.Follower, *herald.Source, *fetch.Client) {
	t.Helper()
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: -1})
	follower := &ingest.Follower{Store: db, Pipeline: ingest.NewPipeline(db), Fetcher: client, Owner: "follower"}
	src := &herald.Source{Name: "Gazette", FeedURL: srv.URL + "/feed.xml", Kind: herald.KindFeed,
		Licence: herald.LicenceFull, Fulltext: fulltext}
	if err := db.AddSource(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if _, _, err := follower.Check(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	return follower, src, client
}

// paragraphs returns six paragraphs of the sentences.
func paragraphs(sentences ...string) string {
	var b strings.Builder
	for i := range 6 {
		fmt.Fprintf(&b, "<p>%s</p>", strings.Join(sentences, " ")+fmt.Sprintf(" Paragraph %d of the report.", i+1))
	}
	return b.String()
}

// TestRevisionRefreshesDigestPoints rewrites an article in a topic: after
// the re-check stores the new version, the topic's digest quotes its new
// words, not the old ones.
func TestRevisionRefreshesDigestPoints(t *testing.T) {
	const (
		before = "The harbour council approved the new sea wall on Monday by seven votes to two."
		after  = "The harbour council rejected the sea wall on Thursday after engineers warned of its cost."
	)
	origin := &rewrittenOrigin{text: paragraphs(before, "Work was to start in spring.")}
	srv := httptest.NewServer(origin)
	defer srv.Close()
	db := mustOpen(t)
	ctx := context.Background()
	topic := &herald.Topic{Name: "Harbour", Rules: herald.TopicRules{Match: []string{"harbour"}}}
	if err := db.AddTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	_, _, client := followGazette(t, db, srv, herald.FulltextAlways)
	point := func() *herald.DigestPoint {
		t.Helper()
		points, err := db.FindDigest(ctx, topic.ID, false)
		if err != nil || len(points) != 1 {
			t.Fatalf("digest = %+v, %v; want one point", points, err)
		}
		return points[0]
	}
	if p := point(); !strings.Contains(before+" Work was to start in spring.", p.Sentence) {
		t.Fatalf("the first point %q is not from the article", p.Sentence)
	}
	a := point().ArticleID

	rc := &ingest.Rechecker{Store: db, Topics: db, Fetcher: client, Owner: "rechecker"}
	recheck := func() {
		t.Helper()
		if err := db.RecheckSoon(ctx, a); err != nil {
			t.Fatal(err)
		}
		if n := rc.RunOnce(ctx); n != 1 {
			t.Fatalf("re-checked %d articles, want 1", n)
		}
	}
	recheck() // the page's first read is its baseline
	origin.mu.Lock()
	origin.text = paragraphs(after, "The vote ends two years of debate.")
	origin.mu.Unlock()
	recheck()
	if art, err := db.FindArticleByID(ctx, a); err != nil || art.Revisions != 2 {
		t.Fatalf("after the rewrite: %+v, %v; want a second version", art, err)
	}
	p := point()
	if p.ArticleID != a || !strings.Contains(after+" The vote ends two years of debate.", p.Sentence) {
		t.Errorf("the point after the revision quotes %q; want the new words", p.Sentence)
	}
}
