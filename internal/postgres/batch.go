package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A batch holds statements that are sent together and answered in one
// round trip: on a busy machine a round trip to the server costs about
// as much as a simple statement, and the pipeline makes dozens per
// article. The statements run one after the other, as if sent apart.
type batch struct{ pgx.Batch }

// exec queues a statement whose error, if any, names what it was doing.
func (b *batch) exec(what, sql string, args ...any) {
	b.execTag(what, sql, func(pgconn.CommandTag) error { return nil }, args...)
}

// execTag is exec, with check told the statement's command tag.
func (b *batch) execTag(what, sql string, check func(pgconn.CommandTag) error, args ...any) {
	b.Queue(sql, args...).Fn = func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return check(tag)
	}
}

// queryRow queues a statement whose one row scan reads.
func (b *batch) queryRow(what, sql string, scan func(pgx.Row) error, args ...any) {
	b.Queue(sql, args...).Fn = func(br pgx.BatchResults) error {
		if err := scan(br.QueryRow()); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}

// query queues a statement whose rows each are read by scan.
func (b *batch) query(what, sql string, scan func(pgx.Rows) error, args ...any) {
	b.Queue(sql, args...).Fn = func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}

// send sends b's statements on tx and reads their results, returning the
// first error. An empty batch sends nothing.
func (b *batch) send(ctx context.Context, tx pgx.Tx) error {
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, &b.Batch).Close()
}
