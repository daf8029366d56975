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
)

// TestFollowRechecksChangedItem follows an Atom feed whose item's
// <updated> moves: the article's re-check, due in a quarter of an hour,
// becomes due at once; a feed that gives the same time again changes
// nothing.
func TestFollowRechecksChangedItem(t *testing.T) {
	var mu sync.Mutex
	updated := "2026-03-01T10:00:00Z"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.xml" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Gazette</title>
<entry><id>tag:gazette,2026:wall</id><title>Council debates the wall</title><link href="http://%s/wall"/>
<published>2026-03-01T09:00:00Z</published><updated>%s</updated>
<content type="html">%s</content></entry></feed>`, r.Host, updated, strings.Repeat("The harbour council met to debate the sea wall. ", 40))
	}))
	defer srv.Close()
	db := mustOpen(t)
	ctx := context.Background()
	follower, src, _ := followGazette(t, db, srv, herald.FulltextNever)
	due := func() int {
		t.Helper()
		claimed, err := db.ClaimDueRechecks(ctx, "rechecker", time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range claimed {
			if err := db.RecordRecheck(ctx, r.ArticleID, "rechecker", herald.RecheckOutcome{}); err != nil {
				t.Fatal(err)
			}
		}
		return len(claimed)
	}
	if list, _, _ := db.FindArticles(ctx, herald.ArticleFilter{}); len(list) != 1 {
		t.Fatalf("articles after the first check: %d, want 1", len(list))
	}
	for _, tc := range []struct {
		name    string
		updated string
		wantDue int
	}{
		{"FirstTimeRecorded", "2026-03-01T10:00:00Z", 0},
		{"SameTime", "2026-03-01T10:00:00Z", 0},
		{"UpdatedMoves", "2026-03-01T11:30:00Z", 1},
		{"UpdatedMovesBack", "2026-03-01T11:00:00Z", 0},
	} {
		mu.Lock()
		updated = tc.updated
		mu.Unlock()
		if _, _, err := follower.Check(ctx, src); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := due(); got != tc.wantDue {
			t.Errorf("%s: %d re-checks due, want %d", tc.name, got, tc.wantDue)
		}
	}
}
