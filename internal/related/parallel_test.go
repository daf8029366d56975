package related_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
)

// TestParallelPlansMatchOneWorker fills two stores with the same queued
// articles and computes their lists with one worker in one and with four
// in the other: planning in parallel and applying in queue order must
// store exactly the lists one worker stores.
func TestParallelPlansMatchOneWorker(t *testing.T) {
	ctx := context.Background()
	const n = 70
	items := overlappingItems(n)
	stores := map[int]*sqlite.DB{}
	for _, workers := range []int{1, 4} {
		db := openStore(t)
		p := ingest.NewPipeline(db)
		p.RelateWorkers = workers
		for _, it := range items {
			if _, _, err := p.Add(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
		done, err := p.RelateQueued(ctx)
		if err != nil || done != n {
			t.Fatalf("%d workers: %d lists computed, err %v; want %d", workers, done, err, n)
		}
		stores[workers] = db
	}
	for id := int64(1); id <= n; id++ {
		one, err := stores[1].FindRelatedItems(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		four, err := stores[4].FindRelatedItems(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(one) == 0 {
			t.Errorf("article %d has no list", id)
		}
		if !sameItems(one, four) {
			t.Errorf("article %d: one worker stored %v, four stored %v", id, one, four)
		}
	}
}

// sameItems says whether two lists hold the same articles in the same
// order with the same scores, but for the last bits: a score sums terms
// in map order, so two runs of one worker differ there too.
func sameItems(a, b []herald.RelatedItem) bool {
	return slices.EqualFunc(a, b, func(x, y herald.RelatedItem) bool {
		return x.ID == y.ID && x.SourceID == y.SourceID && math.Abs(x.Score-y.Score) < 1e-9
	})
}

// overlappingItems makes n articles from a few themes that share words,
// so that each article's list and its offers to others overlap.
func overlappingItems(n int) []ingest.Item {
	themes := [][]string{
		{"river", "flood", "town", "residents", "evacuated", "banks", "rain"},
		{"budget", "minister", "taxes", "fuel", "spending", "railways", "roads"},
		{"chess", "champion", "title", "match", "draw", "tiebreak", "games"},
		{"harbour", "wall", "storm", "council", "repairs", "waves", "town"},
	}
	common := []string{"said", "week", "officials", "report", "people", "local", "plans"}
	r := rand.New(rand.NewPCG(1, 2))
	items := make([]ingest.Item, n)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range items {
		theme := themes[i%len(themes)]
		var words []string
		for range 60 {
			if r.IntN(3) == 0 {
				words = append(words, common[r.IntN(len(common))])
			} else {
				words = append(words, theme[r.IntN(len(theme))])
			}
		}
		items[i] = ingest.Item{
			URL:         fmt.Sprintf("https://outlet%d.example/%d", i%5, i),
			Title:       strings.Join(words[:6], " "),
			Text:        strings.Join(words, " ") + ".",
			Source:      fmt.Sprintf("Outlet %d", i%5),
			PublishedAt: start.Add(time.Duration(i) * time.Hour),
			Licence:     string(herald.LicenceFull),
		}
	}
	return items
}
