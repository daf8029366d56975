package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// MustOpenDB opens a new SQLite store in a temporary folder, closed when
// the test ends.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "herald.db"))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) herald.Store { return MustOpenDB(tb) })
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for name, path := range map[string]string{
		"MissingFolder": filepath.Join(dir, "no", "such", "herald.db"),
		"FolderIsFile":  filepath.Join(dir),
	} {
		t.Run(name, func(t *testing.T) {
			db, err := sqlite.Open(context.Background(), path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%s) succeeded", path)
			}
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("Open(%s) = %v; want a clear EINVALID message", path, err)
			}
		})
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.NewArticle(1, "Outlet")
	if _, err := db.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path) // migrations must not run twice
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.FindArticleByID(ctx, a.ID); err != nil {
		t.Fatalf("after reopen: %v", err)
	}
}
