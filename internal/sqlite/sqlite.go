// Package sqlite implements Herald's store on an embedded SQLite file
// (modernc.org/sqlite, pure Go): WAL mode, foreign keys on, one writer
// connection and a pool of readers, migrations embedded and applied at open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// migrations are the migrations Open applies: migrationFS, but for tests
// that apply a prefix of them or add one that fails (export_test.go).
var migrations fs.FS = migrationFS

// DB is a Herald store in one SQLite file. It implements herald.Store.
type DB struct {
	// writer is the only connection that writes: SQLite allows one writer
	// at a time, and queueing in Go is cheaper than retrying on SQLITE_BUSY.
	writer *sql.DB
	reader *sql.DB
	path   string

	// Now returns the current time; tests replace it to fix the clock.
	Now func() time.Time

	// searchWindow and searchScan override herald.SearchWindow and
	// herald.SearchScan when above 0 (tests).
	searchWindow, searchScan int

	// placing serialises this process's story placements, and docFreqs
	// holds the document frequencies they counted and have not yet
	// written (see store.DocFreqBuffer).
	placing  sync.Mutex
	docFreqs store.DocFreqBuffer

	// checkpoints copies the write-ahead log into the file, off the
	// writer's commits (see checkpoint.go).
	checkpoints *checkpointer
}

var _ herald.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at path and brings
// its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, herald.Errorf(herald.EINVALID, "database path is empty")
	}
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, herald.Errorf(herald.EINVALID, "cannot open database %s: folder %s does not exist", path, dir)
		}
	}
	db := &DB{path: path, Now: time.Now}
	var err error
	if db.writer, err = db.open(1, "immediate"); err != nil {
		return nil, err
	}
	if db.reader, err = db.open(max(4, runtime.NumCPU()), "deferred"); err != nil {
		db.writer.Close()
		return nil, err
	}
	checkpointConn, err := db.open(1, "deferred")
	if err != nil {
		db.reader.Close()
		db.writer.Close()
		return nil, err
	}
	db.checkpoints = startCheckpointer(checkpointConn, checkpointEvery)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) open(conns int, txlock string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// The checkpointer copies the log into the file; a commit does so
	// only when it falls far behind (checkpoint.go).
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", backstopPages))
	// A burst can grow the log to hundreds of megabytes; once copied in,
	// it is cut back to this size rather than kept at its largest.
	q.Add("_pragma", "journal_size_limit(67108864)")
	q.Set("_txlock", txlock)
	conn, err := sql.Open("sqlite", "file:"+db.path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", db.path, err)
	}
	conn.SetMaxOpenConns(conns)
	conn.SetMaxIdleConns(conns)
	conn.SetConnMaxIdleTime(0)
	return conn, nil
}

// Close writes the document frequencies still pending and closes the
// database.
func (db *DB) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	return errors.Join(db.FlushDocFreqs(ctx), db.checkpoints.close(), db.reader.Close(), db.writer.Close())
}

// closeTimeout bounds the last write Close makes.
const closeTimeout = 10 * time.Second

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return openError(db.path, err)
	}
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// openError turns the first failure on a new database into one clear line
// for the person who named the file.
func openError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR:
			return herald.Errorf(herald.EINVALID, "cannot open database %s: it is not writable or its folder does not exist", path)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return herald.Errorf(herald.EINVALID, "cannot open database %s: it is not a SQLite database", path)
		}
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// isUniqueViolation reports whether err is SQLite refusing a duplicate key.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
		se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// Version returns the id of the newest change.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.reader.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM changes`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}

// nanos is t as the store keeps times: nanoseconds since 1970. They reach
// only from 1677 to 2262, and past that UnixNano wraps round (9999-12-31
// would come back as 1816-03-30), so t is held at the ends of the range
// instead: a search "up to 9999-12-31" means up to any time. An article's
// own date never comes near the ends (herald.Article.Validate).
func nanos(t time.Time) int64 {
	switch {
	case t.Before(minNanos):
		return math.MinInt64
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// minNanos and maxNanos are the first and last times nanos can hold.
var minNanos, maxNanos = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
