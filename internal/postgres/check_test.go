package postgres_test

import (
	"context"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/jackc/pgx/v5"
)

// TestCheckSearchStale changes what a search row repeats of its article:
// the search check finds it, and the repair writes the row again.
func TestCheckSearchStale(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	db := mustOpen(t, dsn)
	a := storetest.NewArticle(1, "Harbour Gazette")
	if _, err := db.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.Damage(ctx, "search stale", a.ID); err != nil {
		t.Fatal(err)
	}
	r, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Result(herald.CheckSearch); res == nil || res.Problems != 1 {
		t.Fatalf("search check = %v; want the row out of date", res)
	}
	done, err := db.Repair(ctx, herald.RepairSearch)
	if err != nil || done.Updated != 1 || done.Added != 0 {
		t.Fatalf("Repair(search) = %v, %v; want one row updated", done, err)
	}
	q, err := search.Parse("story number 1")
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, herald.SearchFilter{Query: q})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Article.ID != a.ID {
		t.Errorf("search after repair = %v, %v; want the article found by its title", res, err)
	}
}

// TestCheckWithAmcheck installs amcheck in the test's schema: Check runs
// bt_index_check on every B-tree index of the store and finds them sound.
func TestCheckWithAmcheck(t *testing.T) {
	ctx := context.Background()
	dsn, schema := MustCreateSchema(t)
	db := mustOpen(t, dsn)
	if _, err := db.AddArticle(ctx, storetest.NewArticle(1, "Harbour Gazette")); err != nil {
		t.Fatal(err)
	}
	// One installation per database: skip when another schema holds it.
	conn, err := pgx.Connect(ctx, testDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var installed bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')`).Scan(&installed); err != nil {
		t.Fatal(err)
	}
	if installed {
		t.Skip("amcheck is installed in another schema")
	}
	if _, err := conn.Exec(ctx, `CREATE EXTENSION amcheck SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Skipf("cannot install amcheck: %v", err)
	}
	r, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Result("indexes"); res == nil || !res.OK() || !r.OK() {
		t.Errorf("Check with amcheck = %v", r.Results)
	}
}
