package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkedDB imports n articles into a new SQLite file, closed again, and
// returns its path.
func checkedDB(t *testing.T, n int) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "herald.db")
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	var lines strings.Builder
	for i := range n {
		fmt.Fprintf(&lines, `{"url":"https://%d.example/a","title":"Harbour report number %d","text":%q,"source":"Outlet %d","published_at":"2026-03-03T10:%02d:00Z"}`+"\n",
			i, i, strings.Repeat(fmt.Sprintf("The harbour wall of town %d held through the storm. ", i), 20), i%7, i%60)
	}
	if err := os.WriteFile(file, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runHerald(t, "", "import", "--db", db, file); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	return db
}

// TestCheckCommand checks a sound file, finds an article missing from the
// search index, and repairs it.
func TestCheckCommand(t *testing.T) {
	db := checkedDB(t, 5)
	stdout, _, err := runHerald(t, "", "check", "--db", db)
	if err != nil || !strings.Contains(stdout, "ok      search rows") || strings.Contains(stdout, "WRONG") {
		t.Fatalf("check of a sound file: %v\n%s", err, stdout)
	}

	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM article_search WHERE rowid = 2`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	stdout, _, err = runHerald(t, "", "check", "--db", db)
	if err == nil || !strings.Contains(message(err), "search rows") || !strings.Contains(message(err), "--repair") {
		t.Errorf("check of a damaged index = %v; want it to name search rows and --repair", err)
	}
	if !strings.Contains(stdout, "WRONG   search rows: 1 problem(s), such as article 2 is not in the search index") {
		t.Errorf("report lacks the missing search row:\n%s", stdout)
	}

	stdout, _, err = runHerald(t, "", "check", "--db", db, "--repair")
	if err != nil {
		t.Fatalf("check --repair: %v\n%s", err, stdout)
	}
	for _, want := range []string{"repaired search: 1 added, 0 removed, 0 updated", "after the repair:\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check --repair output lacks %q:\n%s", want, stdout)
		}
	}
	if _, after, _ := strings.Cut(stdout, "after the repair:"); strings.Contains(after, "WRONG") {
		t.Errorf("problems left after the repair:\n%s", stdout)
	}
}

// TestCheckDamagedFile runs check on copies of a real file with bytes
// flipped in its middle, and cut in half: each is reported, as problems or
// as a clear error, in bounded time and without a panic.
func TestCheckDamagedFile(t *testing.T) {
	data, err := os.ReadFile(checkedDB(t, 300))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 64<<10 {
		t.Fatalf("the file holds %d bytes; want enough pages to damage the middle", len(data))
	}
	flipped := bytes.Clone(data)
	for i := len(data) / 2; i < len(data)/2+2048; i++ {
		flipped[i] ^= 0xa5
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"FlippedMiddle", flipped},
		{"Truncated", data[:len(data)/2]},
		{"NotSQLite", bytes.Repeat([]byte("not a database "), 1000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "damaged.db")
			if err := os.WriteFile(db, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{"check", "--db", db}, env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr})
			if ctx.Err() != nil {
				t.Fatalf("check did not finish within a minute")
			}
			if err == nil {
				t.Fatalf("check of a damaged file succeeded:\n%s", stdout.String())
			}
			msg := message(err)
			if !strings.Contains(msg, "integrity") && !strings.Contains(msg, "cannot open database") {
				t.Errorf("check = %q; want the damage reported\n%s", msg, stdout.String())
			}
			t.Logf("%s\n%s", msg, stdout.String())
		})
	}
}

func TestCheckMissingFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nothing-here.db")
	_, _, err := runHerald(t, "", "check", "--db", db)
	if err == nil || !strings.Contains(message(err), "no database at") {
		t.Errorf("check of a missing file = %v; want it refused", err)
	}
	if _, statErr := os.Stat(db); statErr == nil {
		t.Errorf("check created %s", db)
	}
}
