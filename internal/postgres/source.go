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

// upsertSource finds the source by its slug, creating it if new, and fills
// in s's ID, Slug and CreatedAt. An existing source keeps its name and
// homepage: the first article to name an outlet defines it. When another
// transaction is adding the same slug, the insert waits for it, and the
// select that follows sees its row.
func upsertSource(ctx context.Context, tx pgx.Tx, s *herald.Source, now time.Time) error {
	slug := herald.Slugify(s.Name)
	var b batch
	b.exec(fmt.Sprintf("add source %q", s.Name), `
		INSERT INTO sources (slug, name, homepage, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (slug) DO NOTHING`, slug, s.Name, s.Homepage, now)
	b.queryRow(fmt.Sprintf("find source %q", slug), `SELECT id, slug, name, homepage, created_at FROM sources WHERE slug = $1`,
		func(r pgx.Row) error { return r.Scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &s.CreatedAt) }, slug)
	if err := b.send(ctx, tx); err != nil {
		return err
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return nil
}

// sourceColumns are what scanSource reads, before an article count.
const sourceColumns = `id, slug, name, homepage, created_at, feed_url, kind, licence,
	fulltext, every, status, last_error, last_fetch_at, next_check_at, failures,
	etag, last_modified, removed_at, images, paused_at, extract_warning, taken_down_at, takedown_reason`

// sourceQuery counts each source's articles. Names sort by code point
// (COLLATE "C"), as SQLite's BINARY does, not by the database's locale.
const sourceQuery = `SELECT ` + sourceColumns + `,
	(SELECT count(*) FROM articles a WHERE a.source_id = s.id)
	FROM sources s`

// FindSources implements herald.SourceService.
func (db *DB) FindSources(ctx context.Context) ([]*herald.Source, error) {
	rows, err := db.pool.Query(ctx, sourceQuery+` ORDER BY s.name COLLATE "C", s.id`)
	if err != nil {
		return nil, fmt.Errorf("find sources: %w", err)
	}
	list, err := scanSources(rows)
	if err != nil {
		return nil, fmt.Errorf("find sources: %w", err)
	}
	return list, nil
}

// FindSourceBySlug implements herald.SourceService.
func (db *DB) FindSourceBySlug(ctx context.Context, slug string) (*herald.Source, error) {
	s, err := scanSource(db.pool.QueryRow(ctx, sourceQuery+` WHERE s.slug = $1`, slug).Scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	if err != nil {
		return nil, fmt.Errorf("find source %q: %w", slug, err)
	}
	return s, nil
}

// scanSources reads every row of sourceColumns and a count, and closes rows.
func scanSources(rows pgx.Rows) ([]*herald.Source, error) {
	defer rows.Close()
	var list []*herald.Source
	for rows.Next() {
		s, err := scanSource(rows.Scan)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, rows.Err()
}

func scanSource(scan func(...any) error) (*herald.Source, error) {
	s := &herald.Source{}
	var kind, licence, fulltext, images string
	var lastFetch, nextCheck, removed, paused, takenDown *time.Time
	if err := scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &s.CreatedAt, &s.FeedURL, &kind, &licence,
		&fulltext, &s.Every, &s.Fetch.Status, &s.Fetch.LastError, &lastFetch, &nextCheck, &s.Fetch.Failures,
		&s.Fetch.ETag, &s.Fetch.LastModified, &removed, &images, &paused, &s.Fetch.ExtractWarning,
		&takenDown, &s.TakedownReason, &s.ArticleCount); err != nil {
		return nil, err
	}
	// pgx reads timestamptz in the local zone; the stores speak UTC.
	s.CreatedAt = s.CreatedAt.UTC()
	s.Kind, s.Licence, s.Fulltext = herald.SourceKind(kind), herald.Licence(licence), herald.Fulltext(fulltext)
	s.Images = herald.ImagePolicy(images)
	s.Fetch.LastFetchAt, s.Fetch.NextCheckAt, s.RemovedAt = fromNull(lastFetch), fromNull(nextCheck), fromNull(removed)
	s.PausedAt, s.TakenDownAt = fromNull(paused), fromNull(takenDown)
	return s, nil
}

// AddSource implements herald.SourceService.
func (db *DB) AddSource(ctx context.Context, s *herald.Source) error {
	if err := store.ValidateFollowed(s); err != nil {
		return err
	}
	var err error
	for range maxAttempts {
		// A unique violation means another transaction took the name or
		// the URL between our look and our write; the next look sees it.
		if err = db.addSource(ctx, s); !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("add source %q: %w", s.Name, err)
	}
	return nil
}

func (db *DB) addSource(ctx context.Context, s *herald.Source) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	slug := herald.Slugify(s.Name)

	// The rows are locked until commit, so that two editors adding the
	// same removed source do not both bring it back.
	rows, err := tx.Query(ctx, `
		SELECT id, slug, name, homepage, feed_url, created_at, removed_at IS NOT NULL
		FROM sources WHERE feed_url = $1 OR slug = $2
		FOR UPDATE`, s.FeedURL, slug)
	if err != nil {
		return err
	}
	var byURL, bySlug *store.ExistingSource
	for rows.Next() {
		e := &store.ExistingSource{}
		if err := rows.Scan(&e.ID, &e.Slug, &e.Name, &e.Homepage, &e.FeedURL, &e.CreatedAt, &e.Removed); err != nil {
			rows.Close()
			return err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		if e.FeedURL == s.FeedURL {
			byURL = e
		}
		if e.Slug == slug {
			bySlug = e
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	target, err := store.FollowTarget(s, byURL, bySlug)
	if err != nil {
		return err
	}
	name, homepage, created := store.FollowedName(s, target, now)

	var id int64
	if target == nil {
		err = tx.QueryRow(ctx, `
			INSERT INTO sources (slug, name, homepage, created_at, feed_url, kind, licence,
				fulltext, every, status, next_check_at, images)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $4, $11)
			RETURNING id`,
			slug, name, homepage, now, s.FeedURL, string(s.Kind), string(s.Licence),
			string(s.Fulltext), s.Every, herald.FetchNew, string(s.Images)).Scan(&id)
	} else {
		id = target.ID
		_, err = tx.Exec(ctx, `
			UPDATE sources SET slug = $1, name = $2, homepage = $3, feed_url = $4, kind = $5,
				licence = $6, fulltext = $7, every = $8, status = $9, last_error = '',
				last_fetch_at = NULL, next_check_at = $10, failures = 0, etag = '',
				last_modified = '', removed_at = NULL, paused_at = NULL, lease_owner = NULL, lease_until = NULL,
				images = $12
			WHERE id = $11`,
			slug, name, homepage, s.FeedURL, string(s.Kind), string(s.Licence),
			string(s.Fulltext), s.Every, herald.FetchNew, now, id, string(s.Images))
	}
	if err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "source", id, now); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	s.ID, s.Slug, s.Name, s.Homepage, s.CreatedAt = id, slug, name, homepage, created
	s.Fetch = herald.FetchState{Status: herald.FetchNew, NextCheckAt: now}
	s.RemovedAt = time.Time{}
	return nil
}

// UpdateSource implements herald.SourceService.
func (db *DB) UpdateSource(ctx context.Context, slug string, upd herald.SourceUpdate) (*herald.Source, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var err error
	for range maxAttempts {
		if err = db.updateSource(ctx, slug, upd); !retryable(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("update source %q: %w", slug, err)
	}
	return db.FindSourceBySlug(ctx, slug)
}

func (db *DB) updateSource(ctx context.Context, slug string, upd herald.SourceUpdate) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	// A NULL argument keeps the column as it is. Every expression reads
	// the row as it was: resuming makes a check due only if it was paused.
	var id int64
	err = tx.QueryRow(ctx, `
		UPDATE sources SET
			name = coalesce($1::text, name), licence = coalesce($2::text, licence),
			images = coalesce($3::text, images), fulltext = coalesce($4::text, fulltext),
			every = coalesce($5::interval, every),
			next_check_at = CASE WHEN $6 OR (NOT $7::boolean AND paused_at IS NOT NULL) THEN $8 ELSE next_check_at END,
			paused_at = CASE $7::boolean WHEN true THEN coalesce(paused_at, $8) WHEN false THEN NULL ELSE paused_at END,
			lease_owner = CASE WHEN $7::boolean THEN NULL ELSE lease_owner END,
			lease_until = CASE WHEN $7::boolean THEN NULL ELSE lease_until END
		WHERE slug = $9 RETURNING id`,
		upd.Name, (*string)(upd.Licence), (*string)(upd.Images), (*string)(upd.Fulltext), upd.Every,
		upd.CheckNow, upd.Paused, now, slug).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	if err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "source", id, now); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// RemoveSource implements herald.SourceService.
func (db *DB) RemoveSource(ctx context.Context, slug string, purge bool) error {
	if err := db.removeSource(ctx, slug, purge); err != nil {
		return fmt.Errorf("remove source %q: %w", slug, err)
	}
	return nil
}

func (db *DB) removeSource(ctx context.Context, slug string, purge bool) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	// The update waits for any AddArticle holding the source (see
	// takeItem), so the purge below sees every article added before it;
	// a source removed before keeps the time it was first removed.
	var id int64
	err = tx.QueryRow(ctx, `
		UPDATE sources SET removed_at = coalesce(removed_at, $1), lease_owner = NULL, lease_until = NULL
		WHERE slug = $2 RETURNING id`, now, slug).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	if err != nil {
		return err
	}
	if purge {
		if err := passOnCopies(ctx, tx, id, 0); err != nil {
			return err
		}
		// The source's items stay, their article_id set to NULL by the
		// foreign key, so that no later fetch brings the articles back.
		// Bands go with their articles.
		if _, err := tx.Exec(ctx, `DELETE FROM articles WHERE source_id = $1`, id); err != nil {
			return err
		}
		// Their pictures go with them (article_images cascades), and so
		// do the addresses and media no other article names.
		if _, err := pruneMedia(ctx, tx); err != nil {
			return err
		}
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "source", id, now); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// passOnCopies gives the page of each shown copy about to be deleted to
// one of its copies that stays (see store.ElectHeirs), and points the
// others at it: those of source sourceID, whose articles are all purged,
// or article articleID, taken down; the other is 0. Without it, deleting
// the shown copy would leave every one of its copies shown.
//
// The shown copies are locked first, as AddArticle locks a shown copy
// before adding a copy of it (see shownCopy): a copy added before the
// lock is granted is seen by the query after it, and one added after
// finds its shown copy gone and is shown itself.
func passOnCopies(ctx context.Context, tx pgx.Tx, sourceID, articleID int64) error {
	if _, err := tx.Exec(ctx, `
		SELECT FROM articles WHERE (source_id = $1 OR id = $2) AND duplicate_of IS NULL
		ORDER BY id FOR UPDATE`, sourceID, articleID); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `
		SELECT o.id, c.id, c.licence, c.published_at
		FROM articles o JOIN articles c ON c.duplicate_of = o.id
		WHERE (o.source_id = $1 OR o.id = $2) AND o.duplicate_of IS NULL AND c.source_id <> $1`, sourceID, articleID)
	if err != nil {
		return err
	}
	var heirs []store.Heir
	for rows.Next() {
		var h store.Heir
		var licence string
		if err := rows.Scan(&h.Shown, &h.ID, &licence, &h.PublishedAt); err != nil {
			rows.Close()
			return err
		}
		h.Licence = herald.Licence(licence)
		heirs = append(heirs, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for old, next := range store.ElectHeirs(heirs) {
		if _, err := tx.Exec(ctx, `UPDATE articles SET duplicate_of = nullif($1::bigint, id) WHERE duplicate_of = $2`,
			next, old); err != nil {
			return err
		}
		if err := setShown(ctx, tx, next, true); err != nil {
			return err
		}
	}
	return nil
}

// ClaimDueSources implements herald.SourceService. It is one statement:
// rows another claim has locked are skipped rather than waited for, and
// a row whose lease another claim took meanwhile fails the WHERE when
// PostgreSQL checks it again under the lock, so no source is leased twice.
func (db *DB) ClaimDueSources(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Source, error) {
	if err := store.CheckClaim(owner, lease); err != nil || limit <= 0 {
		return nil, err
	}
	now := micro(db.Now())
	rows, err := db.pool.Query(ctx, `
		WITH due AS (
			SELECT id FROM sources
			WHERE feed_url <> '' AND removed_at IS NULL AND paused_at IS NULL AND next_check_at <= $1
				AND (lease_until IS NULL OR lease_until < $1 OR lease_owner = $2)
			ORDER BY next_check_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE sources SET lease_owner = $2, lease_until = $4
		WHERE id IN (SELECT id FROM due)
		RETURNING `+sourceColumns+`, 0`,
		now, owner, limit, now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("claim due sources: %w", err)
	}
	list, err := scanSources(rows)
	if err != nil {
		return nil, fmt.Errorf("claim due sources: %w", err)
	}
	store.SortDue(list)
	return list, nil
}

// RecordFetch implements herald.SourceService.
func (db *DB) RecordFetch(ctx context.Context, sourceID int64, owner string, state herald.FetchState) error {
	if err := store.CheckFetchState(state); err != nil {
		return err
	}
	if err := db.recordFetch(ctx, sourceID, owner, state); err != nil {
		return fmt.Errorf("record fetch of source %d: %w", sourceID, err)
	}
	return nil
}

func (db *DB) recordFetch(ctx context.Context, sourceID int64, owner string, st herald.FetchState) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	var leaseOwner *string
	var status, lastError, warning string
	err = tx.QueryRow(ctx, `SELECT lease_owner, status, last_error, extract_warning FROM sources WHERE id = $1 FOR UPDATE`, sourceID).
		Scan(&leaseOwner, &status, &lastError, &warning)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "source %d not found", sourceID)
	}
	if err != nil {
		return err
	}
	if leaseOwner == nil || *leaseOwner != owner {
		return herald.Errorf(herald.ECONFLICT, "lease on source %d was lost", sourceID)
	}
	if _, err := tx.Exec(ctx, `
		UPDATE sources SET status = $1, last_error = $2, last_fetch_at = $3, next_check_at = $4,
			failures = $5, etag = $6, last_modified = $7, extract_warning = $9, lease_owner = NULL, lease_until = NULL
		WHERE id = $8`,
		st.Status, st.LastError, nullTime(st.LastFetchAt), micro(st.NextCheckAt),
		st.Failures, st.ETag, st.LastModified, sourceID, st.ExtractWarning); err != nil {
		return err
	}
	if status != st.Status || lastError != st.LastError || warning != st.ExtractWarning {
		if err := recordChange(ctx, tx, "source", sourceID, now); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// SeenItems implements herald.SourceService.
func (db *DB) SeenItems(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error) {
	seen := make(map[string]bool)
	if len(keys) == 0 {
		return seen, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT item_key FROM source_items WHERE source_id = $1 AND item_key = ANY($2)`,
		sourceID, keys)
	if err != nil {
		return nil, fmt.Errorf("seen items of source %d: %w", sourceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("seen items of source %d: %w", sourceID, err)
		}
		seen[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seen items of source %d: %w", sourceID, err)
	}
	return seen, nil
}

// SetNow replaces the store's clock; tests use it through storetest.Clock.
// Set it before the store is shared between goroutines.
func (db *DB) SetNow(now func() time.Time) { db.Now = now }

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nullTime is t at PostgreSQL's precision, or NULL for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = micro(t)
	return &t
}
