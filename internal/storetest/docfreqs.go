package storetest

import (
	"context"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// The story placement's document frequencies are gathered in the process
// and written in batches (store.DocFreqBuffer). These tests check that no
// count is lost or counted twice across a batch, and that what is pending
// is written when the store closes.

// testDocFreqsAcrossFlush places enough articles to cross a flush and
// checks, at each placement, the counts the placer is shown.
func testDocFreqsAcrossFlush(t *testing.T, s herald.Store) {
	ctx := context.Background()
	n := store.DocFreqFlushDocs + 20
	for i := range n {
		a := NewArticle(i+1, "Outlet One")
		mustAdd(t, s, a)
		event := "even"
		if i%2 == 1 {
			event = "odd"
		}
		var view placerView
		if _, err := s.PlaceArticle(ctx, a.ID, joinOrStart(event, a.PublishedAt, &view)); err != nil {
			t.Fatalf("PlaceArticle(%d): %v", a.ID, err)
		}
		if view.docs != i || view.df["shared"] != i || view.df[event] != i/2 {
			t.Fatalf("placement %d saw docs %d, df %v; want %d articles, shared %d, %s %d",
				i, view.docs, view.df, i, i, event, i/2)
		}
	}
}

// CheckDocFreqsWrittenAtClose places articles through one handle, closes
// it, and checks that a handle opened afterwards on the same database
// reads their counts.
func CheckDocFreqsWrittenAtClose(t *testing.T, open func() herald.Store) {
	ctx := context.Background()
	first := open()
	for i := range 3 {
		addPlaced(t, first, NewArticle(i+1, "Outlet One"), "quake")
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	second := open()
	defer second.Close()
	a := NewArticle(4, "Outlet One")
	mustAdd(t, second, a)
	var view placerView
	if _, err := second.PlaceArticle(ctx, a.ID, joinOrStart("quake", a.PublishedAt, &view)); err != nil {
		t.Fatal(err)
	}
	if view.docs != 3 || view.df["quake"] != 3 || view.df["shared"] != 3 {
		t.Errorf("after reopening, the placer saw docs %d, df %v; want 3 articles with quake and shared", view.docs, view.df)
	}
}
