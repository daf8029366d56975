package main

import (
	"context"
	"errors"
	"flag"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/sqlite"
)

// defaultDB is the embedded store created when --db is not given.
const defaultDB = "herald.db"

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB, "the store: a SQLite file path, or a postgres://… DSN")
}

// asFlag is who a command's action is recorded as in the audit log.
func asFlag(fs *flag.FlagSet) *string {
	return fs.String("as", "", "record the action in the audit log as this user's email (default: system)")
}

// isPostgres reports whether --db names a PostgreSQL database.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openStore opens the store named by --db: PostgreSQL for a postgres://
// DSN, an SQLite file for anything else.
func openStore(ctx context.Context, dsn string) (herald.Store, error) {
	if isPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// fetchFlags are the flags of every command that fetches from the web.
type fetchFlags struct {
	allowPrivate *bool
}

func addFetchFlags(fs *flag.FlagSet) *fetchFlags {
	return &fetchFlags{
		allowPrivate: fs.Bool("allow-private-networks", false,
			"allow fetching from loopback and private addresses (intranets, tests); off by default to stop server-side request forgery"),
	}
}

// config is the fetch configuration the flags ask for, on Herald's
// defaults.
func (f *fetchFlags) config(metrics *ingest.Metrics) fetch.Config {
	cfg := fetch.Config{AllowPrivateNetworks: *f.allowPrivate}
	if metrics != nil {
		cfg.Observe = metrics.ObserveFetch
	}
	return cfg
}

// client returns a fetch client configured by the flags.
func (f *fetchFlags) client(metrics *ingest.Metrics) *fetch.Client {
	return fetch.New(f.config(metrics))
}

// describeErr is the one-line reason for a failed fetch or extraction.
func describeErr(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return message(err)
}
