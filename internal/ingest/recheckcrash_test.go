package ingest_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/storetest"
)

// TestRecheckCrashLosesNothing has a worker claim a re-check, fetch the
// rewritten page and crash before storing it. Once its lease ends,
// another worker stores the new version: exactly one, and the crashed
// worker, waking late, cannot store it a second time.
func TestRecheckCrashLosesNothing(t *testing.T) {
	for name, open := range map[string]func(testing.TB) herald.Store{
		"SQLite":     func(tb testing.TB) herald.Store { return mustOpen(tb) },
		"PostgreSQL": openPostgres,
	} {
		t.Run(name, func(t *testing.T) { testRecheckCrash(t, open(t)) })
	}
}

func testRecheckCrash(t *testing.T, db herald.Store) {
	ctx := context.Background()
	origin := &rewrittenOrigin{text: paragraphs("The harbour council approved the new sea wall on Monday.")}
	srv := httptest.NewServer(origin)
	defer srv.Close()
	_, _, client := followGazette(t, db, srv, herald.FulltextAlways)
	list, _, err := db.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("articles: %d, %v", len(list), err)
	}
	id := list[0].ID
	const lease = 10 * time.Minute
	survivor := &ingest.Rechecker{Store: db, Fetcher: client, Owner: "survivor", Lease: lease}
	if err := db.RecheckSoon(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := survivor.RunOnce(ctx); n != 1 { // the page's baseline
		t.Fatalf("baseline: re-checked %d", n)
	}

	origin.mu.Lock()
	origin.text = paragraphs("The harbour council rejected the sea wall on Thursday after engineers warned of its cost.")
	origin.mu.Unlock()
	if err := db.RecheckSoon(ctx, id); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.ClaimDueRechecks(ctx, "crashed", lease, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("the crashed worker's claim: %v, %v", claimed, err)
	}
	// What the crashed worker had fetched, and never stored.
	lost := herald.RecheckOutcome{PageHash: "fetched-before-the-crash",
		Revision: &herald.Revision{Title: "Harbour wall vote", HTML: "<p>The rewritten text.</p>", Text: "The rewritten text."}}

	// While its lease holds, nobody else takes the article.
	if n := survivor.RunOnce(ctx); n != 0 {
		t.Fatalf("re-checked %d articles under another worker's lease", n)
	}
	clock, ok := db.(storetest.Clock)
	if !ok {
		t.Fatal("the store does not implement storetest.Clock")
	}
	clock.SetNow(func() time.Time { return time.Now().Add(lease + time.Minute) })
	if n := survivor.RunOnce(ctx); n != 1 {
		t.Fatalf("after the lease: re-checked %d articles, want 1", n)
	}
	versions := func() []*herald.Revision {
		t.Helper()
		list, err := db.FindRevisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if v := versions(); len(v) != 2 || v[1].Text == v[0].Text {
		t.Fatalf("after the survivor's check: %d versions, want 2", len(v))
	}
	// The crashed worker wakes up: its lease is gone, and so is its write.
	err = db.RecordRecheck(ctx, id, "crashed", lost)
	if herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("the crashed worker's late RecordRecheck = %v, want ECONFLICT", err)
	}
	// Checked again, the same page makes no version.
	if err := db.RecheckSoon(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := survivor.RunOnce(ctx); n != 1 {
		t.Fatalf("last check: re-checked %d", n)
	}
	if v := versions(); len(v) != 2 {
		t.Errorf("%d versions at the end, want exactly 2", len(v))
	}
}
