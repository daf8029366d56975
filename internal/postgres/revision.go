package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

var _ herald.RevisionService = (*DB)(nil)

// ClaimDueRechecks implements herald.RevisionService. It is one statement,
// as ClaimDueSources is: rows another claim has locked are skipped rather
// than waited for, and a row whose lease another claim took meanwhile
// fails the WHERE when PostgreSQL checks it again under the lock.
func (db *DB) ClaimDueRechecks(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Recheck, error) {
	if err := store.CheckClaim(owner, lease); err != nil || limit <= 0 {
		return nil, err
	}
	now := micro(db.Now())
	rows, err := db.pool.Query(ctx, `
		WITH due AS (
			SELECT r.article_id FROM article_rechecks r
			JOIN articles a ON a.id = r.article_id
			JOIN sources s ON s.id = a.source_id
			WHERE r.due_at <= $1 AND (r.lease_until IS NULL OR r.lease_until < $1 OR r.lease_owner = $2)
				AND s.feed_url <> '' AND s.removed_at IS NULL AND s.paused_at IS NULL
			ORDER BY r.due_at, r.article_id
			LIMIT $3
			FOR UPDATE OF r SKIP LOCKED),
		claimed AS (
			UPDATE article_rechecks r SET lease_owner = $2, lease_until = $4
			FROM due WHERE r.article_id = due.article_id
			RETURNING r.article_id, r.step, r.misses, r.etag, r.last_modified, r.page_hash, r.due_at)
		SELECT c.article_id, a.slug, a.original_url, a.source_id, c.step, c.misses, c.etag, c.last_modified, c.page_hash
		FROM claimed c JOIN articles a ON a.id = c.article_id
		ORDER BY c.due_at, c.article_id`,
		now, owner, limit, now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("claim due re-checks: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*herald.Recheck, error) {
		r := &herald.Recheck{}
		err := row.Scan(&r.ArticleID, &r.Slug, &r.URL, &r.SourceID, &r.Step, &r.Misses, &r.ETag, &r.LastModified, &r.PageHash)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim due re-checks: %w", err)
	}
	return list, nil
}

// RecordRecheck implements herald.RevisionService.
func (db *DB) RecordRecheck(ctx context.Context, articleID int64, owner string, out herald.RecheckOutcome) error {
	bands, err := store.CheckRecheck(out)
	if err != nil {
		return err
	}
	if err := db.recordRecheck(ctx, articleID, owner, out, bands); err != nil {
		return fmt.Errorf("record re-check of article %d: %w", articleID, err)
	}
	return nil
}

func (db *DB) recordRecheck(ctx context.Context, articleID int64, owner string, out herald.RecheckOutcome, bands []int64) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	// The article first, locked as a takedown locks it: one taken down
	// meanwhile took its schedule with it, and one taken down after waits
	// for this record.
	var found bool
	err = tx.QueryRow(ctx, `SELECT true FROM articles WHERE id = $1 FOR NO KEY UPDATE`, articleID).Scan(&found)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return err
	}
	var leaseOwner *string
	was := herald.Recheck{ArticleID: articleID}
	err = tx.QueryRow(ctx, `SELECT lease_owner, step, misses, etag, last_modified, page_hash FROM article_rechecks
		WHERE article_id = $1 FOR UPDATE`, articleID).
		Scan(&leaseOwner, &was.Step, &was.Misses, &was.ETag, &was.LastModified, &was.PageHash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if leaseOwner == nil || *leaseOwner != owner {
		return herald.Errorf(herald.ECONFLICT, "lease on the re-check of article %d was lost", articleID)
	}
	after := &batch{}
	if out.Revision != nil {
		if err := revise(ctx, tx, after, articleID, out.Revision, bands, now); err != nil {
			return err
		}
	}
	next := store.NextRecheck(was, out, now)
	after.exec("schedule re-check", `
		UPDATE article_rechecks SET step = $2, misses = $3, due_at = $4, etag = $5, last_modified = $6,
			page_hash = $7, lease_owner = NULL, lease_until = NULL
		WHERE article_id = $1`,
		articleID, next.Step, next.Misses, nullTime(next.Due), next.ETag, next.LastModified, next.PageHash)
	if out.Revision != nil {
		queueRecordChange(after, "article", articleID, now)
	}
	if err := after.send(ctx, tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// revise makes r article id's shown version, in tx, and keeps the version
// it replaces; bands are r's fingerprint's band keys. What is left to
// write is queued in after, for the caller to send once it has queued
// the change that moves the version. The article keeps its story, and
// its related list is computed again.
func revise(ctx context.Context, tx pgx.Tx, after *batch, id int64, r *herald.Revision, bands []int64, now time.Time) error {
	var (
		was                store.Shown
		outlet             *string // the outlet's title, when an editor changed the article
		original           store.Shown
		byline, html, text string
		revisions          int
		at                 time.Time
		shownCopy          bool
	)
	err := tx.QueryRow(ctx, `
		SELECT a.title, a.lead, o.title, coalesce(o.lead, ''), a.byline, a.html, a.text, a.revisions,
			coalesce(a.updated_at, a.created_at), a.duplicate_of IS NULL
		FROM articles a LEFT JOIN article_originals o ON o.article_id = a.id WHERE a.id = $1`, id).
		Scan(&was.Title, &was.Lead, &outlet, &original.Lead, &byline, &html, &text, &revisions, &at, &shownCopy)
	if err != nil {
		return err
	}
	if revisions >= herald.MaxRevisions {
		return store.TooManyRevisions(id)
	}
	// The kept version is the outlet's: its own title, not an editor's.
	title, edited := was.Title, outlet != nil
	var originalp *store.Shown
	if edited {
		title, original.Title = *outlet, *outlet
		originalp = &original
	}
	shown, own := store.RevisedShown(was, originalp, r)
	if err := replaceFingerprint(ctx, tx, id, r.Dedup, bands); err != nil {
		return err
	}
	if err := reindexArticle(ctx, tx, id, shown.Title, r.Text); err != nil {
		return err
	}
	queueKeepVersion(after, id, store.SnapshotRevision{N: revisions, At: at, Title: title, Byline: byline,
		Body: store.PackVersion(store.Version(html, text), store.Version(r.HTML, r.Text))})
	after.exec("revise article", `
		UPDATE articles SET title = $2, lead = $3, byline = $4, html = $5, text = $6, updated_at = $7,
			revisions = revisions + 1
		WHERE id = $1`, id, shown.Title, shown.Lead, r.Byline, r.HTML, r.Text, now)
	if edited {
		after.exec("keep the outlet's title", `UPDATE article_originals SET title = $2, lead = $3 WHERE article_id = $1`,
			id, own.Title, own.Lead)
	}
	if shownCopy { // a copy's page shows its text's list
		after.exec("queue related list", `INSERT INTO related_queue (article_id, claimed_until) VALUES ($1, '-infinity')
			ON CONFLICT (article_id) DO UPDATE SET claimed_until = '-infinity'`, id)
	}
	return nil
}

// queueKeepVersion queues the insert of v, a version of article id that a
// later one replaced.
func queueKeepVersion(b *batch, id int64, v store.SnapshotRevision) {
	b.exec("keep version", `
		INSERT INTO article_revisions (article_id, n, at, title, byline, body) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, v.N, micro(v.At), v.Title, v.Byline, v.Body)
}

// RecheckSoon implements herald.RevisionService. An article without a
// schedule, stored before re-checks existed, gets one when its source is
// followed; a re-check under way keeps its lease, and its record then
// schedules the next.
func (db *DB) RecheckSoon(ctx context.Context, articleID int64) error {
	if err := db.recheckSoon(ctx, articleID); err != nil {
		return fmt.Errorf("re-check article %d soon: %w", articleID, err)
	}
	return nil
}

func (db *DB) recheckSoon(ctx context.Context, articleID int64) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)`, articleID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO article_rechecks (article_id, step, due_at)
		SELECT a.id, $2, $3 FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id = $1 AND s.feed_url <> '' AND s.removed_at IS NULL
		ON CONFLICT (article_id) DO UPDATE
			SET due_at = excluded.due_at, step = least(article_rechecks.step, excluded.step)`,
		articleID, store.LastRecheckStep(), micro(db.Now())); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// FindRevisions implements herald.RevisionService.
func (db *DB) FindRevisions(ctx context.Context, articleID int64) ([]*herald.Revision, error) {
	list, err := db.findRevisions(ctx, articleID)
	if err != nil {
		return nil, fmt.Errorf("find revisions of article %d: %w", articleID, err)
	}
	return list, nil
}

func (db *DB) findRevisions(ctx context.Context, articleID int64) ([]*herald.Revision, error) {
	tx, err := db.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	current := &herald.Revision{ArticleID: articleID}
	err = tx.QueryRow(ctx, `
		SELECT a.revisions, coalesce(a.updated_at, a.created_at), coalesce(o.title, a.title), a.byline, a.html, a.text
		FROM articles a LEFT JOIN article_originals o ON o.article_id = a.id WHERE a.id = $1`, articleID).
		Scan(&current.N, &current.At, &current.Title, &current.Byline, &current.HTML, &current.Text)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return nil, err
	}
	current.At = current.At.UTC()
	rows, err := tx.Query(ctx, `SELECT id, n, at, title, byline, body FROM article_revisions
		WHERE article_id = $1 ORDER BY n`, articleID)
	if err != nil {
		return nil, err
	}
	var list []*herald.Revision
	var packed [][]byte
	for rows.Next() {
		r := &herald.Revision{ArticleID: articleID}
		var body []byte
		if err := rows.Scan(&r.ID, &r.N, &r.At, &r.Title, &r.Byline, &body); err != nil {
			rows.Close()
			return nil, err
		}
		r.At = r.At.UTC()
		list, packed = append(list, r), append(packed, body)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := store.UnpackVersions(list, packed, current); err != nil {
		return nil, err
	}
	return append(list, current), tx.Commit(ctx)
}
