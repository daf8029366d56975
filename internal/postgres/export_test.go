package postgres

import (
	"context"
	"strings"

	"github.com/herald-news/herald"
	"github.com/jackc/pgx/v5"
)

// ExplainWalkStep returns the plan PostgreSQL makes, in a walk's
// transaction, for the step of a search for q over the block of size ids
// that ends at top.
func (db *DB) ExplainWalkStep(ctx context.Context, q herald.Query, top, size int64) (string, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	if err := planWalks(ctx, tx); err != nil {
		return "", err
	}
	w := walk{tx: tx, passes: `true`}
	w.match = walkQuery(q, &w.args)
	sql, params := w.stepQuery(top, size, herald.SearchWindow)
	rows, err := tx.Query(ctx, `EXPLAIN `+sql, params...)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}
