package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// TestMigrateMediaKeepsData applies the media migration (0017) to a
// database that holds articles: it is taken back to the schema before
// 0017, then opened again, and its article can have pictures.
func TestMigrateMediaKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.NewArticle(1, "Outlet")
	if _, err := db.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	db.Close()

	old, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE article_images`, `DROP TABLE images`, `DROP TABLE media_variants`, `DROP TABLE media`,
		`DELETE FROM schema_migrations WHERE name = 'migration/0017_media.sql'`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open before 0017: %v", err)
	}
	defer db.Close()
	if _, err := db.FindArticleByID(ctx, a.ID); err != nil {
		t.Fatalf("article after migrating: %v", err)
	}
	storetest.CheckMigratedMedia(t, db, a.ID)
}
