package main

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/postgres/pgtest"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/jackc/pgx/v5"
)

// TestPostgresDumpAndRestore proves the README's way of backing up a
// PostgreSQL store: pg_dump -Fc of a populated store, pg_restore into an
// empty database, and everything is found there through the store.
// The store is a schema of the test database, so the dump names it (-n)
// and the extension the schema uses (-e btree_gin); a whole database, as
// the README dumps it, carries both without saying.
func TestPostgresDumpAndRestore(t *testing.T) {
	src := pgtest.Schema(t, "dump")
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian: postgresql-client)", tool)
		}
	}
	ctx := context.Background()
	store, err := postgres.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	p := storetest.Populate(t, store)
	store.Close()

	admin := os.Getenv("HERALD_TEST_POSTGRES")
	schema := searchPath(t, src)
	dump := filepath.Join(t.TempDir(), "herald.dump")
	runTool(t, "pg_dump", "-Fc", "-n", schema, "-e", "btree_gin", "-f", dump, admin)

	dst := emptyDatabase(t, admin, "herald_restore")
	runTool(t, "pg_restore", "--no-owner", "--exit-on-error", "-d", dst, dump)

	u, _ := url.Parse(dst)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	restored, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	storetest.CheckPopulated(t, restored, p)
	// The identity sequences came along: new rows do not collide.
	a := storetest.NewArticle(100, "Another Outlet")
	if _, err := restored.AddArticle(ctx, a); err != nil || a.ID <= p.Articles[len(p.Articles)-1].ID {
		t.Errorf("a new article in the restored store: id %d, %v", a.ID, err)
	}
	if err := restored.AddComment(ctx, storetest.NewComment(9, a.ID, "new@mail.example")); err != nil {
		t.Errorf("a new comment in the restored store: %v", err)
	}
}

func searchPath(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

func runTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// emptyDatabase creates a database on the server of admin, dropped when
// the test ends, and returns its DSN.
func emptyDatabase(t *testing.T, admin, prefix string) string {
	t.Helper()
	ctx := context.Background()
	name := prefix + "_" + strings.ToLower(rand.Text()[:12])
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
