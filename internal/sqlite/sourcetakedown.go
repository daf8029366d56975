package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// TakeDownSource implements herald.TakedownService. Each call is one
// transaction of at most limit articles, so that the write lock is held
// for a bounded time whatever the size of the source.
func (db *DB) TakeDownSource(ctx context.Context, slug, reason string, limit int) (*herald.SourceTakedown, error) {
	if err := herald.CheckTakedown(herald.StatusTakenDown, reason); err != nil {
		return nil, err
	}
	st, err := db.takeDownSource(ctx, slug, reason, store.TakedownBatch(limit))
	return db.sourceDone(ctx, "take down", slug, st, err)
}

func (db *DB) takeDownSource(ctx context.Context, slug, reason string, limit int) (*herald.SourceTakedown, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	id, down, was, err := sourceTakedownState(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	if !down || was != reason {
		// Paused, so that no fetch brings new articles; a paused source
		// keeps the time it was paused.
		if _, err := tx.ExecContext(ctx, `
			UPDATE sources SET taken_down_at = coalesce(taken_down_at, ?1), takedown_reason = ?2,
				paused_at = coalesce(paused_at, ?1), lease_owner = NULL, lease_until = NULL
			WHERE id = ?3`, nanos(now), reason, id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE takedowns SET reason = ? WHERE source_id = ?`, reason, id); err != nil {
			return nil, err
		}
		if err := recordChange(ctx, tx, "source", id, now); err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, tx, now); err != nil {
			return nil, err
		}
	}
	ids, err := int64s(ctx, tx, `SELECT id FROM articles WHERE source_id = ? ORDER BY id LIMIT ?`, id, limit)
	if err != nil {
		return nil, err
	}
	st := &herald.SourceTakedown{}
	for _, aid := range ids {
		a, err := findArticle(ctx, tx, `a.id = ?`, aid)
		if err != nil {
			return nil, err
		}
		if _, err := takeDownRow(ctx, tx, a, herald.StatusTakenDown, reason, id, now); err != nil {
			return nil, fmt.Errorf("take down %q: %w", a.Slug, err)
		}
		st.Done++
	}
	if _, err := pruneMedia(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE source_id = ?`, id).Scan(&st.Left); err != nil {
		return nil, err
	}
	return st, tx.Commit()
}

// sourceTakedownState reads the id of the source with the slug, whether
// it is taken down, and why.
func sourceTakedownState(ctx context.Context, tx *sql.Tx, slug string) (id int64, down bool, reason string, err error) {
	var at sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id, taken_down_at, takedown_reason FROM sources WHERE slug = ?`, slug).
		Scan(&id, &at, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, "", herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	return id, at.Valid, reason, err
}

// RestoreSource implements herald.TakedownService.
func (db *DB) RestoreSource(ctx context.Context, slug string, limit int) (*herald.SourceTakedown, error) {
	st, err := db.restoreSource(ctx, slug, store.TakedownBatch(limit))
	return db.sourceDone(ctx, "restore", slug, st, err)
}

// sourceDone wraps the error of a call that did what on the source, or
// gives its result the source as it is now.
func (db *DB) sourceDone(ctx context.Context, what, slug string, st *herald.SourceTakedown, err error) (*herald.SourceTakedown, error) {
	if err != nil {
		return nil, fmt.Errorf("%s source %q: %w", what, slug, err)
	}
	if st.Source, err = db.FindSourceBySlug(ctx, slug); err != nil {
		return nil, err
	}
	return st, nil
}

func (db *DB) restoreSource(ctx context.Context, slug string, limit int) (*herald.SourceTakedown, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	id, down, _, err := sourceTakedownState(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	if !down {
		return nil, store.SourceNotTakenDown(slug)
	}
	rows, err := tx.QueryContext(ctx, `SELECT slug FROM takedowns WHERE source_id = ? ORDER BY article_id LIMIT ?`, id, limit)
	if err != nil {
		return nil, err
	}
	var slugs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		slugs = append(slugs, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	st := &herald.SourceTakedown{}
	for _, s := range slugs {
		// restoreRow refuses before it writes, so a refused article is
		// left as it was, and becomes a takedown of its own.
		_, err := restoreRow(ctx, tx, s, now)
		switch herald.ErrorCode(err) {
		case "":
			st.Done++
			continue
		case herald.ECONFLICT:
			st.Kept++
		default:
			return nil, fmt.Errorf("restore %q: %w", s, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE takedowns SET source_id = NULL WHERE slug = ?`, s); err != nil {
			return nil, err
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM takedowns WHERE source_id = ?`, id).Scan(&st.Left); err != nil {
		return nil, err
	}
	if st.Left == 0 {
		// A pause an editor made before the takedown outlives it.
		if _, err := tx.ExecContext(ctx, `
			UPDATE sources SET paused_at = CASE WHEN paused_at < taken_down_at THEN paused_at END,
				taken_down_at = NULL, takedown_reason = '', next_check_at = ?
			WHERE id = ?`, nanos(now), id); err != nil {
			return nil, err
		}
		if err := recordChange(ctx, tx, "source", id, now); err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, tx, now); err != nil {
			return nil, err
		}
	}
	return st, tx.Commit()
}

// PurgeTakedowns implements herald.TakedownService.
func (db *DB) PurgeTakedowns(ctx context.Context, before time.Time) (int, error) {
	res, err := db.writer.ExecContext(ctx, `UPDATE takedowns SET snapshot = '', purged_at = ?
		WHERE purged_at IS NULL AND at < ?`, nanos(db.Now().UTC()), nanos(before))
	if err != nil {
		return 0, fmt.Errorf("purge takedowns: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge takedowns: %w", err)
	}
	return int(n), nil
}
