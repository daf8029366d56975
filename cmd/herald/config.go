package main

import (
	"context"
	"flag"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/sqlite"
)

// defaultDB is the embedded store created when --db is not given.
const defaultDB = "herald.db"

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB, "the store: a SQLite file path, or a postgres://… DSN")
}

// openStore opens the store named by --db: PostgreSQL for a postgres://
// DSN, an SQLite file for anything else.
func openStore(ctx context.Context, dsn string) (herald.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}
