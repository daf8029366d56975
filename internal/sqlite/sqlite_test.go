package sqlite_test

import (
	"context"
	"database/sql"
	"os"
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

// The suite moves time through Clock, and skips what needs it without.
var _ storetest.Clock = (*sqlite.DB)(nil)

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

// TestMigrateKeepsData opens a database made before sources could be
// followed: its outlets stay valid, known only from imports, and can be
// followed.
func TestMigrateKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("migration/0001_articles.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(schema),
		`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`,
		`INSERT INTO schema_migrations VALUES ('migration/0001_articles.sql')`,
		`INSERT INTO sources (slug, name, homepage, created_at) VALUES ('harbour-gazette', 'Harbour Gazette', '', 1)`,
		`INSERT INTO articles (slug, original_url, source_id, title, published_at, html, text, lead, licence, created_at)
			VALUES ('a', 'https://harbour.example/a', 1, 'A', 1, '<p>A</p>', 'A', 'A', 'full', 1)`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after 0001: %v", err)
	}
	defer db.Close()
	src, err := db.FindSourceBySlug(ctx, "harbour-gazette")
	if err != nil || src.FeedURL != "" || src.Following() || src.ArticleCount != 1 {
		t.Fatalf("migrated source = %+v, %v; want it known only from imports, with its article", src, err)
	}
	follow := storetest.NewFollowedSource(1)
	follow.Name = "Harbour Gazette"
	if err := db.AddSource(ctx, follow); err != nil || follow.ID != src.ID {
		t.Errorf("AddSource = %v, id %d; want source %d followed", err, follow.ID, src.ID)
	}
}

// TestMigrateCopiesKeepsData opens a database made before copies were
// kept: its articles stay, each shown and the only copy of its text, and
// new copies can point at them.
func TestMigrateCopiesKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY)`}
	for _, name := range []string{"migration/0001_articles.sql", "migration/0002_followed_sources.sql"} {
		schema, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, string(schema), `INSERT INTO schema_migrations VALUES ('`+name+`')`)
	}
	queries = append(queries,
		`INSERT INTO sources (slug, name, homepage, created_at) VALUES ('harbour-gazette', 'Harbour Gazette', '', 1)`,
		`INSERT INTO articles (slug, original_url, source_id, title, published_at, html, text, lead, licence, created_at)
			VALUES ('a', 'https://harbour.example/a', 1, 'A', 1, '<p>A</p>', 'A', 'A', 'excerpt', 1),
				('b', 'https://harbour.example/b', 1, 'B', 2, '<p>B</p>', 'B', 'B', 'full', 2)`)
	for _, q := range queries {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after 0002: %v", err)
	}
	defer db.Close()
	storetest.CheckMigratedSearch(t, db)
	storetest.CheckMigratedCopies(t, db)
}

// TestConcurrentDigestRefresh refreshes one digest through two handles on
// one file, as two herald processes would.
func TestConcurrentDigestRefresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	var dbs [2]*sqlite.DB
	for i := range dbs {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	storetest.CheckConcurrentDigestRefresh(t, dbs[0], dbs[1])
}

func TestDocFreqsWrittenAtClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	storetest.CheckDocFreqsWrittenAtClose(t, func() herald.Store {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
