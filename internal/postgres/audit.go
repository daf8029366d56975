package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

var _ herald.AuditService = (*DB)(nil)

// writeAudit writes the audit entry ctx carries, if any, in tx: the
// transaction of the change it records, so that both happen or neither.
// An entry whose Request is in the log already fails the call with
// ECONFLICT; one committed by a transaction still running makes the
// insert wait for it, then fail.
func writeAudit(ctx context.Context, tx pgx.Tx, now time.Time) error {
	e, err := store.Audit(ctx)
	if err != nil || e == nil {
		return err
	}
	if e.At.IsZero() {
		e.At = now
	}
	e.At = micro(e.At)
	var request *string
	if e.Request != "" {
		request = &e.Request
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO audit_log (at, actor, action, subject, before, after, request)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.At, e.Actor, e.Action, e.Subject, e.Before, e.After, request).Scan(&e.ID)
	if isUniqueViolation(err) {
		return herald.ErrAlreadyDone()
	}
	if err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}

// FindAudit implements herald.AuditService.
func (db *DB) FindAudit(ctx context.Context, f herald.AuditFilter) ([]*herald.AuditEntry, error) {
	limit, err := store.AuditQuery(f)
	if err != nil {
		return nil, err
	}
	before := f.Before
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := db.pool.Query(ctx, `
		SELECT id, at, actor, action, subject, before, after, coalesce(request, '')
		FROM audit_log
		WHERE id < $1 AND ($2 = '' OR actor = $2) AND ($3 = '' OR action LIKE $3 || '.%') AND ($5 = '' OR request = $5)
		ORDER BY id DESC LIMIT $4`, before, f.Actor, f.Kind, limit, f.Request)
	if err != nil {
		return nil, fmt.Errorf("find audit: %w", err)
	}
	defer rows.Close()
	var list []*herald.AuditEntry
	for rows.Next() {
		e := &herald.AuditEntry{}
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Before, &e.After, &e.Request); err != nil {
			return nil, fmt.Errorf("find audit: %w", err)
		}
		e.At = e.At.UTC()
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find audit: %w", err)
	}
	return list, nil
}
