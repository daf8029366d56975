package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// TestPurgeTakedowns purges a takedown older than the retention period
// and keeps a newer one restorable, as herald serve does every hour.
func TestPurgeTakedowns(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Now()
	for i, age := range []time.Duration{31 * 24 * time.Hour, time.Hour} {
		a := storetest.NewArticle(i, "Ledger")
		if _, err := store.AddArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		store.SetNow(func() time.Time { return now.Add(-age) })
		if _, err := store.TakeDownArticle(ctx, a.Slug, herald.StatusTakenDown, "Legal request"); err != nil {
			t.Fatal(err)
		}
	}
	store.SetNow(time.Now)
	var log bytes.Buffer
	purgeTakedowns(ctx, store, now.Add(-herald.DefaultTakedownRetention), slog.New(slog.NewTextHandler(&log, nil)))
	if !strings.Contains(log.String(), "takedowns=1") {
		t.Errorf("log: %s; want one takedown purged", log.String())
	}
	for slug, restorable := range map[string]bool{"story-number-0": false, "story-number-1": true} {
		if td, err := store.FindTakedown(ctx, slug); err != nil || td.Restorable() != restorable {
			t.Errorf("%s: %+v, %v; want restorable %v", slug, td, err, restorable)
		}
	}
	// 0 keeps takedowns forever: nothing runs.
	done := make(chan struct{})
	go func() { keepPurgingTakedowns(ctx, store, 0, slog.New(slog.DiscardHandler)); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("keepPurgingTakedowns with retention 0 did not return")
	}
	if _, _, err := runHerald(t, "", "serve", "--takedown-retention", "-1h"); err == nil || !strings.Contains(message(err), "negative") {
		t.Errorf("serve --takedown-retention -1h: %v, want a refusal", err)
	}
}
