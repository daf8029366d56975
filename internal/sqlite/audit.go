package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

var _ herald.AuditService = (*DB)(nil)

// writeAudit writes the audit entry ctx carries, if any, in tx: the
// transaction of the change it records, so that both happen or neither.
// An entry whose Request is in the log already fails the call with
// ECONFLICT.
func writeAudit(ctx context.Context, tx *sql.Tx, now time.Time) error {
	e, err := store.Audit(ctx)
	if err != nil || e == nil {
		return err
	}
	if e.At.IsZero() {
		e.At = now
	}
	var request sql.NullString
	if e.Request != "" {
		request = sql.NullString{String: e.Request, Valid: true}
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO audit_log (at, actor, action, subject, before, after, request)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nanos(e.At), e.Actor, e.Action, e.Subject, e.Before, e.After, request).Scan(&e.ID)
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
	rows, err := db.reader.QueryContext(ctx, `
		SELECT id, at, actor, action, subject, before, after, coalesce(request, '')
		FROM audit_log
		WHERE id < ? AND (? = '' OR actor = ?) AND (? = '' OR action LIKE ? || '.%') AND (? = '' OR request = ?)
		ORDER BY id DESC LIMIT ?`, before, f.Actor, f.Actor, f.Kind, f.Kind, f.Request, f.Request, limit)
	if err != nil {
		return nil, fmt.Errorf("find audit: %w", err)
	}
	defer rows.Close()
	var list []*herald.AuditEntry
	for rows.Next() {
		e := &herald.AuditEntry{}
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Subject, &e.Before, &e.After, &e.Request); err != nil {
			return nil, fmt.Errorf("find audit: %w", err)
		}
		e.At = fromNanos(at)
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find audit: %w", err)
	}
	return list, nil
}
