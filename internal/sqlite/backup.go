package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/herald-news/herald"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A backup is made with SQLite's online backup API, never by copying the
// file: a copy taken while the server writes can hold half a transaction,
// or miss what the write-ahead log still holds. The backup runs inside one
// read transaction on the live database, begun before the rows are counted,
// so the counts and the pages copied are the same snapshot, and the server
// goes on reading and writing meanwhile (WAL readers never block the
// writer). The copy is written under a temporary name in the target's
// folder, switched out of WAL mode so it is one self-contained file,
// synced, opened read-only and checked, and only then renamed into place:
// the final name never holds a half-written or unchecked file.

// Snapshot is a backup written and checked.
type Snapshot struct {
	Path   string
	Bytes  int64
	Counts Counts // rows of the main tables, as of the snapshot
}

// Counts holds the rows of each of the main tables, by table name.
type Counts map[string]int64

// countedTables are the tables a backup counts and checks, with what their
// rows are called in a report.
var countedTables = []struct{ table, noun string }{
	{"articles", "articles"},
	{"comments", "comments"},
	{"users", "users"},
	{"sources", "sources"},
	{"stories", "stories"},
	{"topics", "topics"},
	{"audit_log", "audit entries"},
}

// String reads like "1,204 articles, 3 comments, …".
func (c Counts) String() string {
	parts := make([]string, 0, len(countedTables))
	for _, t := range countedTables {
		parts = append(parts, fmt.Sprintf("%s %s", thousands(c[t.table]), t.noun))
	}
	return strings.Join(parts, ", ")
}

// Total is the rows of all the main tables together.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// backupPages is how many pages one backup step copies (4 MiB of 4 KiB
// pages); between steps the copy can be cancelled.
const backupPages = 1024

// Backup writes a consistent snapshot of db to path while db keeps being
// read and written, checks it, and returns what it holds. On any failure
// path is left as it was, and no temporary file is left behind.
func (db *DB) Backup(ctx context.Context, path string) (*Snapshot, error) {
	return backup(ctx, db.reader, path)
}

// BackupFile snapshots the Herald database at src, which a running server
// may be using, into dst, as Backup does. It does not migrate src.
func BackupFile(ctx context.Context, src, dst string) (*Snapshot, error) {
	if _, err := os.Stat(src); err != nil {
		return nil, herald.Errorf(herald.EINVALID, "cannot back up %s: %s", src, reason(err))
	}
	conn, err := openFile(src, "rw")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := migrationNames(ctx, conn, src); err != nil {
		return nil, err
	}
	return backup(ctx, conn, dst)
}

// openFile opens an existing SQLite file outside the store: for a backup's
// source (mode rw, so it can read a live database's log) or for checking a
// file (mode ro). It never creates one.
func openFile(path, mode string) (*sql.DB, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode="+mode+"&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	conn.SetMaxOpenConns(1)
	return conn, nil
}

func backup(ctx context.Context, src *sql.DB, path string) (*Snapshot, error) {
	return writeBeside(path, func(tmp string) (*Snapshot, error) {
		counts, err := copyPages(ctx, src, tmp)
		if err != nil {
			return nil, err
		}
		if err := standalone(ctx, tmp); err != nil {
			return nil, err
		}
		return verify(ctx, tmp, counts)
	})
}

// writeBeside has write fill and check a temporary file beside path, then
// renames it over path. When anything fails, path is as it was and the
// temporary file is gone.
func writeBeside(path string, write func(tmp string) (*Snapshot, error)) (*Snapshot, error) {
	tmp, err := tempBeside(path)
	if err != nil {
		return nil, err
	}
	snap, err := write(tmp)
	if err == nil {
		err = rename(tmp, path)
	}
	if err != nil {
		removeDB(tmp)
		return nil, writeError(path, err)
	}
	snap.Path = path
	return snap, nil
}

// tempBeside creates an empty file beside path, in the same folder so that
// renaming it over path is atomic, and returns its name.
func tempBeside(path string) (string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", herald.Errorf(herald.EINVALID, "cannot write %s: folder %s does not exist", path, filepath.Clean(dir))
	}
	f, err := os.CreateTemp(dir, "."+base+".partial-*")
	if err != nil {
		return "", herald.Errorf(herald.EINVALID, "cannot write %s: %s", path, reason(err))
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", herald.Errorf(herald.EINVALID, "cannot write %s: %s", path, reason(err))
	}
	return name, nil
}

// copyPages counts the main tables and copies every page of src into the
// file tmp, both in one read transaction, and returns the counts.
func copyPages(ctx context.Context, src *sql.DB, tmp string) (Counts, error) {
	conn, err := src.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return nil, err
	}
	// The transaction only read; ending it cannot lose anything, and the
	// connection goes back to the pool clean.
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	counts, err := count(ctx, conn)
	if err != nil {
		return nil, err
	}
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the SQLite driver offers no online backup")
		}
		bk, err := b.NewBackup(tmp)
		if err != nil {
			return err
		}
		return errors.Join(step(ctx, bk), bk.Finish())
	})
	return counts, err
}

// step copies the pages a backupPages at a time until all are copied or
// ctx ends. Inside the caller's read transaction no other connection's
// write restarts the copy: it copies the snapshot that transaction sees.
func step(ctx context.Context, bk *sqlite.Backup) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		more, err := bk.Step(backupPages)
		if err != nil || !more {
			return err
		}
	}
}

func count(ctx context.Context, q querier) (Counts, error) {
	counts := Counts{}
	for _, t := range countedTables {
		var n int64
		// The table names are this file's constants.
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+t.table).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.table, err)
		}
		counts[t.table] = n
	}
	return counts, nil
}

// standalone takes the copy out of WAL mode, which the backup carries
// over from the live database, so that it is one file that opens
// read-only anywhere; then syncs it to the disk.
func standalone(ctx context.Context, path string) error {
	conn, err := openFile(path, "rw")
	if err != nil {
		return err
	}
	var mode string
	err = conn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode)
	if err = errors.Join(err, conn.Close()); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// verify opens the copy read-only and checks it: SQLite's integrity check,
// the search index's own, and the rows of the main tables against want.
func verify(ctx context.Context, path string, want Counts) (*Snapshot, error) {
	snap, err := check(ctx, path)
	if err != nil {
		return nil, herald.Errorf(herald.EINTERNAL, "the backup failed its check, nothing was written: %s", message(err))
	}
	for _, t := range countedTables {
		if got := snap.Counts[t.table]; got != want[t.table] {
			return nil, herald.Errorf(herald.EINTERNAL, "the backup failed its check, nothing was written: it holds %d %s where the database held %d",
				got, t.noun, want[t.table])
		}
	}
	return snap, nil
}

// CheckSnapshot checks, without changing it, that the file at path is a
// whole Herald database this version of Herald can open: it passes
// SQLite's integrity check and the search index's, and every migration it
// records is one this Herald knows. It returns its size and rows.
func CheckSnapshot(ctx context.Context, path string) (*Snapshot, error) {
	snap, err := check(ctx, path)
	if err != nil {
		return nil, herald.Errorf(herald.EINVALID, "%s is not a Herald backup this version can restore: %s", path, message(err))
	}
	return snap, nil
}

func check(ctx context.Context, path string) (*Snapshot, error) {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, errors.New(reason(err))
	case !info.Mode().IsRegular():
		return nil, errors.New("it is not a regular file")
	case info.Size() == 0:
		return nil, errors.New("it is empty")
	}
	conn, err := openFile(path, "ro")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := integrity(ctx, conn); err != nil {
		return nil, err
	}
	if _, err := migrationNames(ctx, conn, path); err != nil {
		return nil, err
	}
	counts, err := count(ctx, conn)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Path: path, Bytes: info.Size(), Counts: counts}, nil
}

// integrity runs SQLite's integrity check, which since SQLite 3.44 runs
// the search index's own check too (FTS5's xIntegrity, what its
// 'integrity-check' command runs). The command itself is an INSERT that a
// read-only connection refuses, and a file being checked must not be
// opened for writing.
func integrity(ctx context.Context, conn *sql.DB) error {
	var result string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil {
		return describe(err)
	}
	if result != "ok" {
		return fmt.Errorf("SQLite's integrity check found damage: %s", result)
	}
	return nil
}

// migrationNames returns the migrations the database at path records,
// failing when it is not a Herald database or was made by a newer Herald.
func migrationNames(ctx context.Context, conn *sql.DB, path string) ([]string, error) {
	known, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		if strings.Contains(describe(err).Error(), "no such table") {
			return nil, herald.Errorf(herald.EINVALID, "%s is not a Herald database (it has no schema_migrations table)", path)
		}
		return nil, describe(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if !contains(known, name) {
			return nil, herald.Errorf(herald.EINVALID, "%s was made by a newer Herald: its migration %s is unknown to this one", path, name)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	if len(names) == 0 || names[0] != known[0] {
		return nil, herald.Errorf(herald.EINVALID, "%s is not a Herald database (its schema_migrations table lacks %s)", path, known[0])
	}
	return names, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// describe turns SQLite's refusals of a damaged or foreign file into one
// clear reason.
func describe(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return errors.New("it is not a SQLite database")
		case sqlite3.SQLITE_CORRUPT:
			return errors.New("it is damaged or cut short (SQLite: database disk image is malformed)")
		}
	}
	return err
}

// message is the text of err without the code of a herald.Error.
func message(err error) string {
	var he *herald.Error
	if errors.As(err, &he) {
		return he.Message
	}
	return err.Error()
}

// rename moves tmp over path and syncs the folder, so that the new name
// survives a power cut.
func rename(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	return errors.Join(dir.Sync(), dir.Close())
}

// removeDB removes a database file and the files SQLite may keep beside
// it.
func removeDB(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		// A file that is not there is what we want; another failure
		// leaves a temporary name, never a final one.
		_ = os.Remove(path + suffix)
	}
}

// writeError turns a failure to write the backup at path into one clear
// line: a full disk, a folder that cannot be written, or the error itself.
func writeError(path string, err error) error {
	var he *herald.Error
	if errors.As(err, &he) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se *sqlite.Error
	switch {
	case errors.Is(err, syscall.ENOSPC) || errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL:
		return herald.Errorf(herald.EINVALID, "cannot write %s: the disk is full; nothing was written", path)
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission),
		errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_READONLY || se.Code()&0xff == sqlite3.SQLITE_CANTOPEN):
		return herald.Errorf(herald.EINVALID, "cannot write %s: its folder is not writable; nothing was written", path)
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// reason is the part of an operating system error a person needs: "no
// such file or directory", "permission denied", "read-only file system".
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Restore replaces the database at dst with the backup at src. It checks
// src first, as CheckSnapshot does, and touches nothing when src fails;
// it refuses to replace a database that holds any rows unless force is
// set. The backup is copied beside dst under a temporary name, synced and
// checked again, and only then renamed over dst: until that moment the
// old database is whole and in place. No server may have dst open.
func Restore(ctx context.Context, src, dst string, force bool) (*Snapshot, error) {
	snap, err := CheckSnapshot(ctx, src)
	if err != nil {
		return nil, err
	}
	if !force {
		if err := refuseNonEmpty(ctx, dst); err != nil {
			return nil, err
		}
	}
	snap, err = writeBeside(dst, func(tmp string) (*Snapshot, error) {
		if err := copyFile(src, tmp, dst); err != nil {
			return nil, err
		}
		snap, err := verify(ctx, tmp, snap.Counts)
		if err != nil {
			return nil, err
		}
		return snap, settle(ctx, dst)
	})
	if err != nil {
		return nil, err
	}
	// The old database's log was emptied by settle; its files would
	// only be in the way of the new database's own.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("remove the old %s%s: %w", dst, suffix, err)
		}
	}
	return snap, nil
}

// refuseNonEmpty fails unless dst is missing, empty, or a Herald database
// without rows in its main tables.
func refuseNonEmpty(ctx context.Context, dst string) error {
	info, err := os.Stat(dst)
	if errors.Is(err, fs.ErrNotExist) || err == nil && info.Size() == 0 {
		return nil
	}
	if err != nil {
		return herald.Errorf(herald.EINVALID, "cannot restore to %s: %s", dst, reason(err))
	}
	conn, err := openFile(dst, "ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	counts, err := count(ctx, conn)
	switch {
	case err != nil:
		return herald.Errorf(herald.ECONFLICT, "%s exists and is not an empty Herald database; add --force to replace it", dst)
	case counts.Total() > 0:
		return herald.Errorf(herald.ECONFLICT, "%s holds %s; add --force to replace it", dst, counts)
	}
	return nil
}

// copyFile copies src to the file tmp, with the permissions of like when
// it exists, and syncs it.
func copyFile(src, tmp, like string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if info, err := os.Stat(like); err == nil {
		if err := out.Chmod(info.Mode().Perm()); err != nil {
			out.Close()
			return err
		}
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return errors.Join(out.Sync(), out.Close())
}

// settle copies what the log of the database at path still holds into the
// file and empties the log, so that the file alone is the whole old
// database until it is replaced, and a log left behind can never be
// replayed onto the new one.
func settle(ctx context.Context, path string) error {
	if _, err := os.Stat(path + "-wal"); err != nil {
		return nil // no log: the file is the whole database
	}
	conn, err := openFile(path, "rw")
	if err != nil {
		return err
	}
	var busy, logged, copied int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &copied)
	if err = errors.Join(err, conn.Close()); err != nil {
		return fmt.Errorf("cannot restore over %s: its log could not be written into it: %w", path, describe(err))
	}
	if busy != 0 {
		return herald.Errorf(herald.ECONFLICT, "cannot restore over %s: it is in use; stop herald serve first", path)
	}
	return nil
}
