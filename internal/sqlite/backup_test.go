package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// TestBackupWhileWriting backs up a store while articles keep arriving,
// through the store's own connections (herald serve's schedule) and by
// its path from other connections (herald backup): each snapshot holds
// exactly the rows counted with it, opens as a store with everything in
// it, and is one file out of WAL mode.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	live := filepath.Join(t.TempDir(), "herald.db")
	db, err := sqlite.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := storetest.Populate(t, db)

	var added atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 1000; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.AddArticle(ctx, storetest.NewArticle(n, "Busy Outlet")); err != nil {
				t.Errorf("AddArticle while backing up: %v", err)
				return
			}
			added.Add(1)
		}
	}()
	for added.Load() < 20 { // the writer is going before the backup starts
		runtime.Gosched()
	}
	dir := t.TempDir()
	snap, err := db.Backup(ctx, filepath.Join(dir, "backup.db"))
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	byPath, err := sqlite.BackupFile(ctx, live, filepath.Join(dir, "by-path.db"))
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("BackupFile: %v", err)
	}
	assertOnly(t, dir, "backup.db", "by-path.db")
	for _, snap := range []*sqlite.Snapshot{snap, byPath} {
		checkSnapshot(t, snap, p)
	}
	if byPath.Counts["articles"] < snap.Counts["articles"] {
		t.Errorf("the later backup holds fewer articles: %v, then %v", snap.Counts, byPath.Counts)
	}
}

// checkSnapshot opens the backup snap names as a store and finds in it
// the rows p stored and as many articles as were counted with it.
func checkSnapshot(t *testing.T, snap *sqlite.Snapshot, p storetest.Populated) {
	t.Helper()
	ctx := context.Background()
	path := snap.Path
	if snap.Counts["articles"] < int64(len(p.Articles))+20 || snap.Counts["comments"] != 3 || snap.Counts["users"] != 1 {
		t.Errorf("counts %v; want the populated rows and the articles added before", snap.Counts)
	}
	if info, err := os.Stat(path); err != nil || info.Size() != snap.Bytes {
		t.Errorf("backup file: %v, size %v, reported %d", err, info, snap.Bytes)
	}
	head := make([]byte, 20)
	if f, err := os.Open(path); err == nil {
		f.Read(head)
		f.Close()
	}
	if head[18] != 1 || head[19] != 1 {
		t.Errorf("file format bytes %d, %d; want 1, 1 (not WAL)", head[18], head[19])
	}
	copy, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	storetest.CheckPopulated(t, copy, p)
	busy, err := copy.FindSourceBySlug(ctx, "busy-outlet")
	if err != nil || int64(busy.ArticleCount+len(p.Articles)) != snap.Counts["articles"] {
		t.Errorf("the copy holds %v busy articles (%v); the counts say %d in all", busy, err, snap.Counts["articles"])
	}
}

// TestBackupFile backs up a database by its path, as "herald backup"
// does, and refuses a file that is not a Herald database.
func TestBackupFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "herald.db")
	db, err := sqlite.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	p := storetest.Populate(t, db)
	db.Close()
	dst := filepath.Join(dir, "copy.db")
	snap, err := sqlite.BackupFile(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.Counts.String(); got != "5 articles, 3 comments, 1 users, 1 sources, 0 stories, 0 topics, 1 audit entries" {
		t.Errorf("counts %q", got)
	}
	copy, err := sqlite.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	storetest.CheckPopulated(t, copy, p)
	copy.Close()

	foreign := foreignDB(t, dir)
	if _, err := sqlite.BackupFile(ctx, foreign, filepath.Join(dir, "f.db")); err == nil || !strings.Contains(err.Error(), "not a Herald database") {
		t.Errorf("backing up a foreign database: %v", err)
	}
	if _, err := sqlite.BackupFile(ctx, filepath.Join(dir, "missing.db"), filepath.Join(dir, "m.db")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("backing up a missing file: %v", err)
	}
}

// TestBackupFaults writes backups where they cannot be written. Each
// fails with one clear line and leaves nothing under the final name nor
// any temporary file. As root, a folder's mode does not stop writes, so
// the read-only folder is a tmpfs mounted read-only, and the full disk a
// tmpfs of 64 KiB; without the right to mount, those cases are skipped.
func TestBackupFaults(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	storetest.Populate(t, db)
	for n := 100; n < 400; n++ { // a database larger than the small disk
		if _, err := db.AddArticle(ctx, storetest.NewArticle(n, "Outlet")); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  func(t *testing.T) string
		want string
	}{
		{"ParentIsFile", func(t *testing.T) string { return file }, "folder " + file + " does not exist"},
		{"MissingFolder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "no", "such") }, "does not exist"},
		{"ReadOnlyFolder", readOnlyDir, "read-only file system|permission denied"},
		{"FullDisk", func(t *testing.T) string { return mountTmpfs(t, "size=64k") }, "the disk is full; nothing was written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			path := filepath.Join(dir, "backup.db")
			_, err := db.Backup(ctx, path)
			if err == nil {
				t.Fatal("Backup succeeded")
			}
			if herald.ErrorCode(err) != herald.EINVALID || !matchesAny(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Backup = %v; want one clear line saying %q", err, tt.want)
			}
			if info, err := os.Stat(dir); err == nil && info.IsDir() {
				assertOnly(t, dir)
			}
		})
	}
}

// TestRestore restores a backup into a new path and over a store in use
// before, and refuses, touching nothing, a store with rows without force
// and every file that is not a whole Herald backup.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := MustOpenDB(t)
	p := storetest.Populate(t, db)
	backup := filepath.Join(dir, "backup.db")
	if _, err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}

	t.Run("IntoNewFile", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "herald.db")
		snap, err := sqlite.Restore(ctx, backup, dst, false)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Counts["articles"] != 5 {
			t.Errorf("restored %v", snap.Counts)
		}
		restored, err := sqlite.Open(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		storetest.CheckPopulated(t, restored, p)
	})

	t.Run("OverStoreWithRows", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "herald.db")
		other, err := sqlite.Open(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		for n := 500; n < 520; n++ {
			if _, err := other.AddArticle(ctx, storetest.NewArticle(n, "Other Outlet")); err != nil {
				t.Fatal(err)
			}
		}
		other.Close()
		before := mustRead(t, dst)
		_, err = sqlite.Restore(ctx, backup, dst, false)
		if herald.ErrorCode(err) != herald.ECONFLICT || !strings.Contains(err.Error(), "holds 20 articles") || !strings.Contains(err.Error(), "--force") {
			t.Errorf("restore over 20 articles without force: %v", err)
		}
		if !bytes.Equal(before, mustRead(t, dst)) {
			t.Error("the refused restore changed the database")
		}
		// A log the old database left must not be replayed onto the new.
		if err := os.WriteFile(dst+"-wal", nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlite.Restore(ctx, backup, dst, true); err != nil {
			t.Fatalf("restore with force: %v", err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(dst + suffix); err == nil {
				t.Errorf("the old %s is left", suffix)
			}
		}
		restored, err := sqlite.Open(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		storetest.CheckPopulated(t, restored, p)
		if _, err := restored.FindArticleBySlug(ctx, "story-number-500"); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("an article of the old database: %v", err)
		}
	})

	whole := mustRead(t, backup)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	refused := []struct {
		name string
		file func(t *testing.T) string
		want string
	}{
		{"Truncated", func(t *testing.T) string { return writeFile(t, whole[:len(whole)/2]) }, "damaged or cut short|integrity check"},
		{"PNG", func(t *testing.T) string { return writeFile(t, png) }, "not a SQLite database"},
		{"Empty", func(t *testing.T) string { return writeFile(t, nil) }, "it is empty"},
		{"Missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "none.db") }, "no such file"},
		{"Foreign", func(t *testing.T) string { return foreignDB(t, t.TempDir()) }, "not a Herald database"},
		{"Newer", changed(backup, `INSERT INTO schema_migrations (name) VALUES ('migration/9999_future.sql')`),
			"made by a newer Herald: its migration migration/9999_future.sql is unknown"},
		{"DamagedSearchIndex", changed(backup, `UPDATE article_search_data SET block = randomblob(length(block)) WHERE id > 10`),
			"integrity check found damage: fts5"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.file(t)
			target := t.TempDir()
			dst := filepath.Join(target, "herald.db")
			if err := os.WriteFile(dst, whole, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := sqlite.Restore(ctx, src, dst, true)
			if herald.ErrorCode(err) != herald.EINVALID || !matchesAny(err.Error(), tt.want) {
				t.Errorf("Restore = %v; want an EINVALID saying %q", err, tt.want)
			}
			if !bytes.Equal(whole, mustRead(t, dst)) {
				t.Error("the refused restore changed the target")
			}
			assertOnly(t, target, "herald.db")
		})
	}
}

// foreignDB makes a SQLite database that is not Herald's in dir.
func foreignDB(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "foreign.db")
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello')`); err != nil {
		t.Fatal(err)
	}
	return path
}

// changed returns a copy of backup changed by the statement given.
func changed(backup, statement string) func(t *testing.T) string {
	return func(t *testing.T) string {
		path := writeFile(t, mustRead(t, backup))
		conn, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Exec(statement); err != nil {
			t.Fatal(err)
		}
		return path
	}
}

func writeFile(t *testing.T, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertOnly fails unless dir holds exactly the files named.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Name() != "lost+found" {
			got = append(got, e.Name())
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(names) {
		t.Errorf("%s holds %q; want %q", dir, got, names)
	}
}

// matchesAny reports whether s contains one of the |-separated wants.
func matchesAny(s, wants string) bool {
	for _, w := range strings.Split(wants, "|") {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// readOnlyDir is a folder no write can go into: a folder of mode 0555,
// or as root (whom modes do not stop) a tmpfs mounted read-only.
func readOnlyDir(t *testing.T) string {
	if os.Geteuid() == 0 {
		return mountTmpfs(t, "ro,size=64k")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	return dir
}

// mountTmpfs mounts a tmpfs with the options given on a new folder,
// unmounted when the test ends, or skips the test when it cannot.
func mountTmpfs(t *testing.T, options string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s): a real full or read-only disk needs root", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}
