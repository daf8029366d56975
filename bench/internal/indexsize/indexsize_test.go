package indexsize

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/herald-news/herald/internal/sqlite"
)

func TestDescribeSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := Describe(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^FTS5 shadow tables [0-9.]+ MB of a [0-9.]+ MB database`).MatchString(got) {
		t.Errorf("Describe = %q; want the FTS5 tables' size and the database's", got)
	}
}
