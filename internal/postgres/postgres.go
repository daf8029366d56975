// Package postgres implements Herald's store on PostgreSQL through a pgx
// connection pool. It keeps the same contract as internal/sqlite, checked by
// internal/storetest, with PostgreSQL's own types: identity keys, timestamptz
// times (kept to the microsecond) and constraint violations told apart by
// SQLSTATE. Migrations are embedded and applied at open, safely when several
// processes start at once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// migrations are the migrations Open applies: migrationFS, but for tests
// that apply a prefix of them or add one that fails (export_test.go).
var migrations fs.FS = migrationFS

// DB is a Herald store in a PostgreSQL database, in the first schema of the
// connection's search_path. It implements herald.Store.
type DB struct {
	pool *pgxpool.Pool

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

	// statsMu guards stats and statsAt: the search column's statistics,
	// kept a while by wordStats.
	statsMu sync.Mutex
	stats   *wordStats
	statsAt time.Time
}

var _ herald.Store = (*DB)(nil)

// defaultConnectTimeout bounds each connection attempt when the DSN sets
// no connect_timeout, so that a server that never answers is reported
// instead of leaving Open waiting for the operating system to give up.
const defaultConnectTimeout = 10 * time.Second

// migrationLock is the advisory lock key every migration transaction takes,
// so that processes starting together apply each migration once, in turn.
const migrationLock int64 = 0x68657261_6c64_01 // "herald", 1

// Open connects to the PostgreSQL database named by dsn, a URL
// (postgres://user:password@host:port/database?sslmode=disable) or
// key=value pairs, and brings its schema up to date. A DSN that cannot be
// parsed or a server that cannot be reached is an EINVALID error that names
// the server but never the password.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parser's message may quote the DSN, password and all.
		return nil, herald.Errorf(herald.EINVALID,
			"PostgreSQL DSN is not valid: use postgres://user:password@host:port/database or key=value pairs")
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, connectError(ctx, &cfg.ConnConfig.Config, err)
	}
	db := &DB{pool: pool, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes every connection in the pool.
func (db *DB) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	err := db.FlushDocFreqs(ctx)
	db.pool.Close()
	return err
}

// closeTimeout bounds the last write Close makes.
const closeTimeout = 10 * time.Second

// connectError turns a failed first connection into one clear line for
// the person who wrote the DSN.
func connectError(ctx context.Context, cfg *pgconn.Config, err error) error {
	addr := address(cfg)
	if ctx.Err() != nil {
		return fmt.Errorf("connect to PostgreSQL at %s: %w", addr, ctx.Err())
	}
	var reason string
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		reason = pe.Message // e.g. password authentication failed for user "herald"
	case pgconn.Timeout(err):
		reason = fmt.Sprintf("no answer within %s", cfg.ConnectTimeout)
	default:
		reason = cause(err).Error()
	}
	return herald.Errorf(herald.EINVALID, "cannot connect to PostgreSQL at %s: %s", addr, reason)
}

// cause returns the innermost error of err's chain, which says what went
// wrong ("connection refused") without the layers around it that repeat
// the address. Where the chain branches, as when pgx tried TLS and then
// plain text, or several addresses of one host, it goes on only if every
// branch failed for the same reason.
func cause(err error) error {
	for {
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			next := u.Unwrap()
			if next == nil {
				return err
			}
			err = next
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				return err
			}
			first := cause(errs[0])
			for _, e := range errs[1:] {
				if cause(e).Error() != first.Error() {
					return err
				}
			}
			return first
		default:
			return err
		}
	}
}

// address names the server of cfg as host:port, or the socket file when
// the host is a directory, followed by any other hosts the DSN lists.
func address(cfg *pgconn.Config) string {
	name := func(host string, port uint16) string {
		if strings.HasPrefix(host, "/") {
			return fmt.Sprintf("%s/.s.PGSQL.%d", host, port)
		}
		return net.JoinHostPort(host, strconv.Itoa(int(port)))
	}
	names := []string{name(cfg.Host, cfg.Port)}
	for _, fb := range cfg.Fallbacks {
		if n := name(fb.Host, fb.Port); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ",")
}

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return migrateError(name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// The lock is held until commit: a process that starts at the same
	// time waits here, then finds the migration recorded. Creating
	// schema_migrations under the lock too keeps two processes from
	// racing on a fresh database.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		CREATE TABLE IF NOT EXISTS schema_migrations (
			name       text        PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
		return err
	}
	var done bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done); err != nil {
		return err
	}
	if done {
		return nil
	}
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// migrateError explains the failures an operator can fix; others are
// internal.
func migrateError(name string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "3F000": // invalid_schema_name
			return herald.Errorf(herald.EINVALID, "cannot set up the PostgreSQL database: no schema in the search_path exists")
		case "42501": // insufficient_privilege
			return herald.Errorf(herald.EINVALID, "cannot set up the PostgreSQL database: %s", pe.Message)
		}
	}
	return fmt.Errorf("migrate %s: %w", name, err)
}

// SQLSTATE codes on which AddArticle tries its transaction again.
const (
	uniqueViolation      = "23505"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// retryable reports whether err is PostgreSQL refusing a transaction that
// lost a race with another one, so that running it again sees the winner.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case uniqueViolation, serializationFailure, deadlockDetected:
		return true
	}
	return false
}

// Version returns the id of the newest change.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM changes`).Scan(&v); err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}

// micro rounds t down to PostgreSQL's precision, so that what a caller
// holds after a write equals what a read returns.
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
