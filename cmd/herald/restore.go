package main

import (
	"context"
	"fmt"

	"github.com/herald-news/herald/internal/sqlite"
)

const restoreUsage = `Usage:
  herald restore FILE [--db PATH] [--force]

Replaces the SQLite store with the backup FILE ("herald backup" or the
backups herald serve --backup-dir writes). FILE is checked first: it must
be a whole Herald database this version can open, or nothing is touched.
A store that holds anything is replaced only with --force. The old store
stays in place until the new one is written beside it and checked.

Stop herald serve first: a server with the store open would go on with the
old database, and its writes would be lost. Run restore as the user the
service runs as, so the new file is theirs.

PostgreSQL: pg_restore --no-owner -d 'postgres://…(an empty database)' herald.dump
`

func runRestore(ctx context.Context, args []string, e env) error {
	c := newCommand("restore", restoreUsage)
	force := c.Bool("force", false, "replace a store that holds articles, comments, users or sources")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	if isPostgres(*c.db) {
		return errPostgresBackup
	}
	snap, err := sqlite.Restore(ctx, c.Arg(0), *c.db, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s from %s (%s), checked\n%s\n", snap.Path, c.Arg(0), byteSize(snap.Bytes), snap.Counts)
	return nil
}
