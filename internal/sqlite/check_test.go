package sqlite_test

import (
	"context"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/storetest"
)

// TestCheckSearchIndexDamaged overwrites a page of the full-text index's
// own structures: FTS5's integrity-check finds it, and the search repair
// empties the index and indexes every article again.
func TestCheckSearchIndexDamaged(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	var ids []int64
	for n := range 20 {
		a := storetest.NewArticle(n, "Harbour Gazette")
		if _, err := db.AddArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if err := db.Damage(ctx, "search index"); err != nil {
		t.Fatal(err)
	}
	r, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Result("search index"); res == nil || res.OK() || res.Repair != herald.RepairSearch {
		t.Fatalf("search index check = %v; want the damage found, repaired by search", res)
	}

	done, err := db.Repair(ctx, herald.RepairSearch)
	if err != nil || done.Added != int64(len(ids)) {
		t.Fatalf("Repair(search) = %v, %v; want all %d articles indexed again", done, err, len(ids))
	}
	if r, err := db.Check(ctx); err != nil || !r.OK() {
		t.Fatalf("after repair: %v, %v", r, err)
	}
	q, err := search.Parse("article 7")
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, herald.SearchFilter{Query: q})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Article.ID != ids[7] {
		t.Errorf("search after repair = %v, %v; want article %d", res, err, ids[7])
	}
}
