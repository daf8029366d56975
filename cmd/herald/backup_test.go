package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/internal/postgres/pgtest"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/prometheus/client_golang/prometheus"
)

// populatedDB makes a SQLite store holding storetest.Populate's rows and
// returns its path.
func populatedDB(t *testing.T) (string, storetest.Populated) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return path, storetest.Populate(t, db)
}

// TestBackupAndRestoreCommands backs a store up, restores it into a new
// file and over it again, as an operator would from a shell.
func TestBackupAndRestoreCommands(t *testing.T) {
	db, p := populatedDB(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "nightly.db")
	out, stderr, err := runHerald(t, "", "backup", "--db", db, file)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, stderr)
	}
	for _, want := range []string{"wrote " + file + ": ", "checked", "5 articles, 3 comments, 1 users, 1 sources"} {
		if !strings.Contains(out, want) {
			t.Errorf("backup printed %q; want %q in it", out, want)
		}
	}

	restored := filepath.Join(t.TempDir(), "herald.db")
	out, stderr, err = runHerald(t, "", "restore", file, "--db", restored)
	if err != nil || !strings.Contains(out, "restored "+restored+" from "+file) || !strings.Contains(out, "5 articles") {
		t.Fatalf("restore: %v\n%s%s", err, out, stderr)
	}
	store, err := sqlite.Open(context.Background(), restored)
	if err != nil {
		t.Fatal(err)
	}
	storetest.CheckPopulated(t, store, p)
	store.Close()

	if _, _, err := runHerald(t, "", "restore", file, "--db", restored); err == nil ||
		!strings.Contains(message(err), "holds 5 articles") || !strings.Contains(message(err), "add --force") {
		t.Errorf("restore over a store with rows: %v", err)
	}
	if _, stderr, err := runHerald(t, "", "restore", "--force", file, "--db", restored); err != nil {
		t.Errorf("restore --force: %v\n%s", err, stderr)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"PostgresBackup", []string{"backup", "--db", "postgres://u@db.example/herald", file}, "pg_dump -Fc"},
		{"PostgresRestore", []string{"restore", file, "--db", "postgres://u@db.example/herald"}, "pg_dump -Fc"},
		{"MissingStore", []string{"backup", "--db", filepath.Join(dir, "none.db"), filepath.Join(dir, "x.db")}, "cannot back up"},
		{"NotABackup", []string{"restore", db + "-nothing", "--db", restored}, "is not a Herald backup"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runHerald(t, "", tt.args...)
			if err == nil || !strings.Contains(message(err), tt.want) || strings.Contains(message(err), "\n") {
				t.Errorf("%q: %v; want one line saying %q", tt.args, err, tt.want)
			}
		})
	}
	for _, args := range [][]string{{"backup"}, {"backup", "a.db", "b.db"}, {"restore"}} {
		if _, _, err := runHerald(t, "", args...); err != errUsage {
			t.Errorf("%q: %v, want usage", args, err)
		}
	}
}

// TestServeBackupFlags: mistakes in the backup flags stop serve at once,
// each with a clear message.
func TestServeBackupFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"TooOften", []string{"--backup-dir", dir, "--backup-every", "30m"}, "--backup-every 30m0s is outside 1h to 168h"},
		{"TooRare", []string{"--backup-dir", dir, "--backup-every", "169h"}, "outside 1h to 168h"},
		{"KeepNone", []string{"--backup-dir", dir, "--backup-keep", "0"}, "--backup-keep 0 is outside 1 to 1000"},
		{"KeepTooMany", []string{"--backup-dir", dir, "--backup-keep", "1001"}, "outside 1 to 1000"},
		{"MissingDir", []string{"--backup-dir", filepath.Join(dir, "none")}, "the folder does not exist"},
		{"DirIsFile", []string{"--backup-dir", file}, "is not a folder"},
	}
	if os.Geteuid() != 0 { // root writes into a folder of any mode
		ro := t.TempDir()
		os.Chmod(ro, 0o555)
		t.Cleanup(func() { os.Chmod(ro, 0o755) })
		tests = append(tests, struct {
			name string
			args []string
			want string
		}{"NotWritable", []string{"--backup-dir", ro}, "is not writable: permission denied"})
	}
	t.Run("Postgres", func(t *testing.T) {
		_, _, err := runHerald(t, "", "serve", "--addr", "127.0.0.1:0", "--db", pgtest.Schema(t, "backupflags"), "--backup-dir", dir)
		if err == nil || !strings.Contains(message(err), "back up PostgreSQL with pg_dump -Fc") {
			t.Errorf("serve --backup-dir on PostgreSQL: %v", err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "h.db")}, tt.args...)
			_, _, err := runHerald(t, "", args...)
			if err == nil || !strings.Contains(message(err), tt.want) {
				t.Errorf("%q: %v; want %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestServeScheduledBackups runs herald serve with --backup-dir on a
// folder whose newest backup is two days old: serve writes one at once,
// keeps the newest --backup-keep of its own, leaves every other file, and
// reports the backup in /metrics.
func TestServeScheduledBackups(t *testing.T) {
	db, _ := populatedDB(t)
	dir := t.TempDir()
	old := time.Now().Add(-48 * time.Hour)
	for _, name := range []string{"herald-20261101T030000Z.db", "herald-20261102T030000Z.db", "herald-20261103T030000Z.db", "notes.txt", "herald-manual.db"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("kept by the operator"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, old, old)
	}
	url, stop := startServe(t, "--db", db, "--addr", "127.0.0.1:0", "--follow=false", "--backup-dir", dir, "--backup-every", "1h", "--backup-keep", "2")
	defer stop()

	written := regexp.MustCompile(`^herald-\d{8}T\d{6}Z\.db$`)
	var names []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		names = names[:0]
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the folder holds %q", names)
		}
	}
	slices.Sort(names)
	if names[0] != "herald-20261103T030000Z.db" || !written.MatchString(names[1]) || names[1] <= names[0] || names[2] != "herald-manual.db" || names[3] != "notes.txt" {
		t.Fatalf("the folder holds %q; want the newest old backup, the new one, and the operator's files", names)
	}
	snap, err := sqlite.CheckSnapshot(context.Background(), filepath.Join(dir, names[1]))
	if err != nil || snap.Counts["articles"] != 5 {
		t.Errorf("the scheduled backup: %v, %v", err, snap)
	}

	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^herald_backup_last_success_timestamp_seconds 1\.\d+e\+09$`),
		regexp.MustCompile(`(?m)^herald_backup_last_bytes \d{5,}$`),
		regexp.MustCompile(`(?m)^herald_backup_last_duration_seconds [0-9.e+-]+$`),
		regexp.MustCompile(`(?m)^herald_backup_failures_total 0$`),
	} {
		if !want.Match(body) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestScheduledBackupFails: a backup the schedule cannot write (its
// folder removed after serve started) is counted, shown with its reason,
// and leaves the last good one reported.
func TestScheduledBackupFails(t *testing.T) {
	path, _ := populatedDB(t)
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	flags := &backupFlags{dir: &dir, every: new(time.Duration), keep: new(int)}
	*flags.every, *flags.keep = time.Hour, 2
	reg := prometheus.NewRegistry()
	s, err := flags.schedule(db, reg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.backupNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	good := s.Status()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.backupNow(context.Background()); err == nil {
		t.Fatal("a backup into a removed folder succeeded")
	}
	st := s.Status()
	if !strings.Contains(st.Failed, "does not exist") || st.FailedAt.IsZero() || st.Last != good.Last || st.File != good.File {
		t.Errorf("status after the failure: %+v; the good one was %+v", st, good)
	}
	got := gathered(t, reg)
	if n := got["herald_backup_failures_total"]; n != 1 {
		t.Errorf("herald_backup_failures_total = %v, want 1", n)
	}
	if at := got["herald_backup_last_success_timestamp_seconds"]; at != float64(good.Last.UnixNano())/1e9 {
		t.Errorf("herald_backup_last_success_timestamp_seconds = %v, want the good backup's %v", at, good.Last)
	}
}

// gathered returns the value of each metric reg holds, by name.
func gathered(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			values[f.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return values
}
