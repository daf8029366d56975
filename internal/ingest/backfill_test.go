package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// TestBackfillLetsLaterCopiesFindOldArticles stores articles the way
// Herald did before near-duplicate detection (no fingerprint), backfills
// them, and checks that a copy arriving afterwards is attached to the old
// article instead of becoming a page of its own.
func TestBackfillLetsLaterCopiesFindOldArticles(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	var body strings.Builder
	for i := range 40 {
		fmt.Fprintf(&body, "Sentence %d tells how the harbour wall vote number %d went late on Tuesday night. ", i, i*3)
	}
	published := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	old := &herald.Article{OriginalURL: "https://wire.example/wall", Title: "Wall vote", Text: body.String(),
		HTML: "<p>" + body.String() + "</p>", PublishedAt: published, Licence: herald.LicenceFull,
		Source: &herald.Source{Name: "Wire"}}
	short := &herald.Article{OriginalURL: "https://wire.example/brief", Title: "Brief", Text: "Read more",
		HTML: "<p>Read more</p>", PublishedAt: published, Licence: herald.LicenceFull, Source: &herald.Source{Name: "Wire"}}
	for _, a := range []*herald.Article{old, short} {
		if _, err := db.AddArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	n, err := ingest.Backfill(ctx, db)
	if err != nil || n != 2 {
		t.Fatalf("Backfill = %d, %v; want 2 articles fingerprinted", n, err)
	}
	if n, err := ingest.Backfill(ctx, db); err != nil || n != 0 {
		t.Errorf("second Backfill = %d, %v; want nothing left to do", n, err)
	}

	p := &ingest.Pipeline{Articles: db}
	copy, created, err := p.Add(ctx, ingest.Item{URL: "https://daily.example/wall", Title: "Harbour wall vote",
		Text: body.String(), Source: "Daily", Licence: "full", PublishedAt: published.Add(time.Hour)})
	if err != nil || !created {
		t.Fatalf("add copy: %v, created %v", err, created)
	}
	if copy.DuplicateOf != old.ID {
		t.Errorf("the copy points at %d; want the backfilled article %d", copy.DuplicateOf, old.ID)
	}
}
