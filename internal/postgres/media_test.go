package postgres_test

import (
	"context"
	"testing"

	"github.com/herald-news/herald/internal/storetest"
	"github.com/jackc/pgx/v5"
)

// TestMigrateMediaKeepsData applies the media migration (0017) to a
// database that holds articles: it is taken back to the schema before
// 0017, then opened again, and its article can have pictures.
func TestMigrateMediaKeepsData(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	db := mustOpen(t, dsn)
	a := storetest.NewArticle(1, "Outlet")
	if _, err := db.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	db.Close()

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE article_images, images, media_variants, media`,
		`DELETE FROM schema_migrations WHERE name = 'migration/0017_media.sql'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close(ctx)

	db = mustOpen(t, dsn)
	if _, err := db.FindArticleByID(ctx, a.ID); err != nil {
		t.Fatalf("article after migrating: %v", err)
	}
	storetest.CheckMigratedMedia(t, db, a.ID)
}
