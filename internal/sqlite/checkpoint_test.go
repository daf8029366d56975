package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointerCopiesTheLog checks that what a commit appends to the
// write-ahead log reaches the database file without a commit running the
// checkpoint: the writer's own autocheckpoint is set far above what the
// test writes, so only the checkpointer can copy it.
func TestCheckpointerCopiesTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var pages int
	if err := db.writer.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != backstopPages {
		t.Fatalf("writer's wal_autocheckpoint = %d; want the backstop, %d", pages, backstopPages)
	}

	before := fileSize(t, path)
	// 4 MB in rows of 4 kB: about 1,000 pages, far under the backstop.
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	blob := []byte(strings.Repeat("x", 4000))
	for range 1000 {
		if _, err := db.writer.ExecContext(ctx, `INSERT INTO filler (b) VALUES (?)`, blob); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * checkpointEvery)
	for db.checkpoints.copied.Load() == 0 || fileSize(t, path) < before+4_000_000 {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %d frames copied, database file %d bytes (was %d); want the 4 MB written copied in",
				10*checkpointEvery, db.checkpoints.copied.Load(), fileSize(t, path), before)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := db.checkpoints.failed.Load(); n > 0 {
		t.Errorf("%d checkpoints failed", n)
	}
}

// TestCloseStopsCheckpointer checks that Close ends the checkpointer's
// goroutine and connection: a checkpoint after Close fails.
func TestCloseStopsCheckpointer(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.checkpoints.checkpoint(ctx); err == nil {
		t.Error("a checkpoint after Close succeeded; want its connection closed")
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
