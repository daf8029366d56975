package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

// TakeDownSource implements herald.TakedownService. Each call is one
// transaction of at most limit articles; the source's row is locked
// first, so that two calls at once for one source run one after the
// other.
func (db *DB) TakeDownSource(ctx context.Context, slug, reason string, limit int) (*herald.SourceTakedown, error) {
	if err := herald.CheckTakedown(herald.StatusTakenDown, reason); err != nil {
		return nil, err
	}
	st, err := db.takeDownSource(ctx, slug, reason, store.TakedownBatch(limit))
	return db.sourceDone(ctx, "take down", slug, st, err)
}

func (db *DB) takeDownSource(ctx context.Context, slug, reason string, limit int) (*herald.SourceTakedown, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	id, down, was, err := lockSourceTakedown(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	var changed []change
	if !down || was != reason {
		// Paused, so that no fetch brings new articles; a paused source
		// keeps the time it was paused.
		if _, err := tx.Exec(ctx, `
			UPDATE sources SET taken_down_at = coalesce(taken_down_at, $1), takedown_reason = $2,
				paused_at = coalesce(paused_at, $1), lease_owner = NULL, lease_until = NULL
			WHERE id = $3`, now, reason, id); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE takedowns SET reason = $1 WHERE source_id = $2`, reason, id); err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, tx, now); err != nil {
			return nil, err
		}
		changed = append(changed, change{"source", id})
	}
	var ids []int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM
		(SELECT id FROM articles WHERE source_id = $1 ORDER BY id LIMIT $2) a`, id, limit).Scan(&ids); err != nil {
		return nil, err
	}
	st := &herald.SourceTakedown{}
	for _, aid := range ids {
		// The lock keeps comments, pictures and copies from being added
		// between the snapshot and the delete, as TakeDownArticle's does.
		a, err := findArticle(ctx, tx, `a.id = $1 FOR UPDATE OF a`, aid)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue // taken down on its own meanwhile
		}
		if err != nil {
			return nil, err
		}
		if _, err := takeDownRow(ctx, tx, a, herald.StatusTakenDown, reason, id, now); err != nil {
			return nil, fmt.Errorf("take down %q: %w", a.Slug, err)
		}
		st.Done++
		changed = append(changed, change{"article", aid})
	}
	if _, err := pruneMedia(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM articles WHERE source_id = $1`, id).Scan(&st.Left); err != nil {
		return nil, err
	}
	if err := recordChanges(ctx, tx, changed, now); err != nil {
		return nil, err
	}
	return st, tx.Commit(ctx)
}

// lockSourceTakedown locks the source with the slug, and reads its id,
// whether it is taken down, and why.
func lockSourceTakedown(ctx context.Context, tx pgx.Tx, slug string) (id int64, down bool, reason string, err error) {
	var at *time.Time
	err = tx.QueryRow(ctx, `SELECT id, taken_down_at, takedown_reason FROM sources WHERE slug = $1 FOR UPDATE`, slug).
		Scan(&id, &at, &reason)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, "", herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	return id, at != nil, reason, err
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	id, down, _, err := lockSourceTakedown(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	if !down {
		return nil, store.SourceNotTakenDown(slug)
	}
	var slugs []string
	if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(slug ORDER BY article_id), '{}') FROM
		(SELECT slug, article_id FROM takedowns WHERE source_id = $1 ORDER BY article_id LIMIT $2) t`, id, limit).
		Scan(&slugs); err != nil {
		return nil, err
	}
	st := &herald.SourceTakedown{}
	var changed []change
	for _, s := range slugs {
		restored, err := restoreOrKeep(ctx, tx, s, now)
		if err != nil {
			return nil, fmt.Errorf("restore %q: %w", s, err)
		}
		if restored == 0 {
			st.Kept++
		} else {
			st.Done++
			changed = append(changed, change{"article", restored})
		}
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM takedowns WHERE source_id = $1`, id).Scan(&st.Left); err != nil {
		return nil, err
	}
	if st.Left == 0 {
		// A pause an editor made before the takedown outlives it.
		if _, err := tx.Exec(ctx, `
			UPDATE sources SET paused_at = CASE WHEN paused_at < taken_down_at THEN paused_at END,
				taken_down_at = NULL, takedown_reason = '', next_check_at = $1
			WHERE id = $2`, now, id); err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, tx, now); err != nil {
			return nil, err
		}
		changed = append(changed, change{"source", id})
	}
	if err := recordChanges(ctx, tx, changed, now); err != nil {
		return nil, err
	}
	return st, tx.Commit(ctx)
}

// change is one entry for the change log.
type change struct {
	kind string
	ref  int64
}

// recordChanges records every change of a transaction, in one batch, as
// its last writes: the change log's lock is taken last (see
// recordChange), or two writers could each wait for the other.
func recordChanges(ctx context.Context, tx pgx.Tx, changes []change, now time.Time) error {
	var b batch
	for _, c := range changes {
		queueRecordChange(&b, c.kind, c.ref, now)
	}
	return b.send(ctx, tx)
}

// restoreOrKeep restores the article taken down under slug, in a
// savepoint of tx, and returns its id; one that cannot be restored
// (purged, or its address taken) is kept down as a takedown of its own,
// and 0 returned.
func restoreOrKeep(ctx context.Context, tx pgx.Tx, slug string, now time.Time) (int64, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer sp.Rollback(ctx)
	id, err := restoreRow(ctx, sp, slug, now)
	if isUniqueViolation(err) {
		err = herald.Errorf(herald.ECONFLICT, "another article has its address now")
	}
	switch herald.ErrorCode(err) {
	case "":
		return id, sp.Commit(ctx)
	case herald.ECONFLICT:
		if err := sp.Rollback(ctx); err != nil {
			return 0, err
		}
		_, err := tx.Exec(ctx, `UPDATE takedowns SET source_id = NULL WHERE slug = $1`, slug)
		return 0, err
	}
	return 0, err
}

// PurgeTakedowns implements herald.TakedownService.
func (db *DB) PurgeTakedowns(ctx context.Context, before time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE takedowns SET snapshot = NULL, purged_at = $1
		WHERE purged_at IS NULL AND at < $2`, micro(db.Now()), before)
	if err != nil {
		return 0, fmt.Errorf("purge takedowns: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// ChangedItems implements herald.SourceService, in one statement: the
// rows whose time moves are locked, and their times before returned.
func (db *DB) ChangedItems(ctx context.Context, sourceID int64, updated map[string]time.Time) ([]int64, error) {
	var keys []string
	var times []time.Time
	for _, k := range slices.Sorted(maps.Keys(updated)) {
		if !updated[k].IsZero() {
			keys, times = append(keys, k), append(times, micro(updated[k]))
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	var ids []int64
	err := db.pool.QueryRow(ctx, `
		WITH old AS (
			SELECT s.item_key, s.article_id, s.updated_at AS was, v.at
			FROM source_items s JOIN unnest($2::text[], $3::timestamptz[]) AS v (item_key, at) USING (item_key)
			WHERE s.source_id = $1 AND (s.updated_at IS NULL OR s.updated_at < v.at)
			FOR UPDATE OF s),
		moved AS (
			UPDATE source_items s SET updated_at = old.at FROM old
			WHERE s.source_id = $1 AND s.item_key = old.item_key)
		SELECT coalesce(array_agg(article_id ORDER BY item_key), '{}') FROM old
		WHERE was IS NOT NULL AND article_id IS NOT NULL`, sourceID, keys, times).Scan(&ids)
	if err != nil {
		return nil, fmt.Errorf("changed items of source %d: %w", sourceID, err)
	}
	return ids, nil
}
