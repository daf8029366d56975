package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

var _ herald.RevisionService = (*DB)(nil)

// ClaimDueRechecks implements herald.RevisionService. The writer
// connection starts every transaction with BEGIN IMMEDIATE, so claims
// from any process sharing the file run one after another, and a claim
// may read the due rows before it leases them.
func (db *DB) ClaimDueRechecks(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Recheck, error) {
	if err := store.CheckClaim(owner, lease); err != nil || limit <= 0 {
		return nil, err
	}
	list, err := db.claimDueRechecks(ctx, owner, lease, limit)
	if err != nil {
		return nil, fmt.Errorf("claim due re-checks: %w", err)
	}
	return list, nil
}

func (db *DB) claimDueRechecks(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Recheck, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	rows, err := tx.QueryContext(ctx, `
		SELECT r.article_id, a.slug, a.original_url, a.source_id, r.step, r.misses, r.etag, r.last_modified, r.page_hash
		FROM article_rechecks r
		JOIN articles a ON a.id = r.article_id
		JOIN sources s ON s.id = a.source_id
		WHERE r.due_at <= ? AND (r.lease_until IS NULL OR r.lease_until < ? OR r.lease_owner = ?)
			AND s.feed_url <> '' AND s.removed_at IS NULL AND s.paused_at IS NULL
		ORDER BY r.due_at, r.article_id
		LIMIT ?`, nanos(now), nanos(now), owner, limit)
	if err != nil {
		return nil, err
	}
	var list []*herald.Recheck
	var ids []int64
	for rows.Next() {
		r := &herald.Recheck{}
		if err := rows.Scan(&r.ArticleID, &r.Slug, &r.URL, &r.SourceID, &r.Step, &r.Misses, &r.ETag, &r.LastModified, &r.PageHash); err != nil {
			rows.Close()
			return nil, err
		}
		list, ids = append(list, r), append(ids, r.ArticleID)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, tx.Commit()
	}
	args := append([]any{owner, nanos(now.Add(lease))}, anys(ids)...)
	if _, err := tx.ExecContext(ctx, `UPDATE article_rechecks SET lease_owner = ?, lease_until = ?
		WHERE article_id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, args...); err != nil {
		return nil, err
	}
	return list, tx.Commit()
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
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	// The article first: one taken down meanwhile took its schedule with it.
	var leaseOwner sql.NullString
	was := herald.Recheck{ArticleID: articleID}
	err = tx.QueryRowContext(ctx, `
		SELECT r.lease_owner, coalesce(r.step, 0), coalesce(r.misses, 0), coalesce(r.etag, ''), coalesce(r.last_modified, ''),
			coalesce(r.page_hash, '')
		FROM articles a LEFT JOIN article_rechecks r ON r.article_id = a.id WHERE a.id = ?`, articleID).
		Scan(&leaseOwner, &was.Step, &was.Misses, &was.ETag, &was.LastModified, &was.PageHash)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return err
	}
	if !leaseOwner.Valid || leaseOwner.String != owner {
		return herald.Errorf(herald.ECONFLICT, "lease on the re-check of article %d was lost", articleID)
	}
	if out.Revision != nil {
		if err := revise(ctx, tx, articleID, out.Revision, bands, now); err != nil {
			return err
		}
	}
	next := store.NextRecheck(was, out, now)
	if _, err := tx.ExecContext(ctx, `
		UPDATE article_rechecks SET step = ?, misses = ?, due_at = ?, etag = ?, last_modified = ?,
			page_hash = ?, lease_owner = NULL, lease_until = NULL
		WHERE article_id = ?`,
		next.Step, next.Misses, nullNanos(next.Due), next.ETag, next.LastModified, next.PageHash, articleID); err != nil {
		return err
	}
	return tx.Commit()
}

// revise makes r article id's shown version, in tx, and keeps the version
// it replaces; bands are r's fingerprint's band keys. The article keeps
// its story, and its related list is computed again.
func revise(ctx context.Context, tx *sql.Tx, id int64, r *herald.Revision, bands []int64, now time.Time) error {
	var (
		was                store.Shown
		outlet             sql.NullString // the outlet's title, when an editor changed the article
		original           store.Shown
		byline, html, text string
		revisions          int
		created            int64
		updated            sql.NullInt64
		shownCopy          bool
	)
	err := tx.QueryRowContext(ctx, `
		SELECT a.title, a.lead, o.title, coalesce(o.lead, ''), a.byline, a.html, a.text, a.revisions,
			a.created_at, a.updated_at, a.duplicate_of IS NULL
		FROM articles a LEFT JOIN article_originals o ON o.article_id = a.id WHERE a.id = ?`, id).
		Scan(&was.Title, &was.Lead, &outlet, &original.Lead, &byline, &html, &text, &revisions,
			&created, &updated, &shownCopy)
	if err != nil {
		return err
	}
	if revisions >= herald.MaxRevisions {
		return store.TooManyRevisions(id)
	}
	// The kept version is the outlet's: its own title, not an editor's.
	title, edited := was.Title, outlet.Valid
	if edited {
		title, original.Title = outlet.String, outlet.String
	}
	at := created
	if updated.Valid {
		at = updated.Int64
	}
	if err := keepVersion(ctx, tx, id, store.SnapshotRevision{N: revisions, At: fromNanos(at), Title: title, Byline: byline,
		Body: store.PackVersion(store.Version(html, text), store.Version(r.HTML, r.Text))}); err != nil {
		return err
	}

	var originalp *store.Shown
	if edited {
		originalp = &original
	}
	shown, own := store.RevisedShown(was, originalp, r)
	if _, err := tx.ExecContext(ctx, `
		UPDATE articles SET title = ?, lead = ?, byline = ?, html = ?, text = ?, updated_at = ?, revisions = revisions + 1
		WHERE id = ?`, shown.Title, shown.Lead, r.Byline, r.HTML, r.Text, nanos(now), id); err != nil {
		return err
	}
	if edited {
		if _, err := tx.ExecContext(ctx, `UPDATE article_originals SET title = ?, lead = ? WHERE article_id = ?`,
			own.Title, own.Lead, id); err != nil {
			return err
		}
	}
	if err := replaceFingerprint(ctx, tx, id, r.Dedup, bands); err != nil {
		return err
	}
	if err := reindexArticle(ctx, tx, id, shown.Title, r.Text); err != nil {
		return err
	}
	if shownCopy { // a copy's page shows its text's list
		if _, err := tx.ExecContext(ctx, `INSERT INTO related_queue (article_id, claimed_until) VALUES (?, 0)
			ON CONFLICT (article_id) DO UPDATE SET claimed_until = 0`, id); err != nil {
			return err
		}
	}
	return recordChange(ctx, tx, "article", id, now)
}

// keepVersion stores v, a version of article id that a later one replaced.
func keepVersion(ctx context.Context, tx *sql.Tx, id int64, v store.SnapshotRevision) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO article_revisions (article_id, n, at, title, byline, body) VALUES (?, ?, ?, ?, ?, ?)`,
		id, v.N, nanos(v.At), v.Title, v.Byline, v.Body)
	return err
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
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?)`, articleID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO article_rechecks (article_id, step, due_at)
		SELECT a.id, ?, ? FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id = ? AND s.feed_url <> '' AND s.removed_at IS NULL
		ON CONFLICT (article_id) DO UPDATE SET due_at = excluded.due_at, step = min(step, excluded.step)`,
		store.LastRecheckStep(), nanos(db.Now()), articleID); err != nil {
		return err
	}
	return tx.Commit()
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
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	current := &herald.Revision{ArticleID: articleID}
	var at int64
	err = tx.QueryRowContext(ctx, `
		SELECT a.revisions, coalesce(a.updated_at, a.created_at), coalesce(o.title, a.title), a.byline, a.html, a.text
		FROM articles a LEFT JOIN article_originals o ON o.article_id = a.id WHERE a.id = ?`, articleID).
		Scan(&current.N, &at, &current.Title, &current.Byline, &current.HTML, &current.Text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return nil, err
	}
	current.At = fromNanos(at)
	rows, err := tx.QueryContext(ctx, `SELECT id, n, at, title, byline, body FROM article_revisions
		WHERE article_id = ? ORDER BY n`, articleID)
	if err != nil {
		return nil, err
	}
	var list []*herald.Revision
	var packed [][]byte
	for rows.Next() {
		r := &herald.Revision{ArticleID: articleID}
		var body []byte
		if err := rows.Scan(&r.ID, &r.N, &at, &r.Title, &r.Byline, &body); err != nil {
			rows.Close()
			return nil, err
		}
		r.At = fromNanos(at)
		list, packed = append(list, r), append(packed, body)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	if err := store.UnpackVersions(list, packed, current); err != nil {
		return nil, err
	}
	return append(list, current), tx.Commit()
}
