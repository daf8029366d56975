package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// upsertSource finds the source by its slug, creating it if new, and fills
// in s's ID, Slug and CreatedAt. An existing source keeps its name and
// homepage: the first article to name an outlet defines it.
func upsertSource(ctx context.Context, tx *sql.Tx, s *herald.Source, now time.Time) error {
	slug := herald.Slugify(s.Name)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO sources (slug, name, homepage, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (slug) DO NOTHING`, slug, s.Name, s.Homepage, nanos(now)); err != nil {
		return fmt.Errorf("add source %q: %w", s.Name, err)
	}
	var created int64
	err := tx.QueryRowContext(ctx, `SELECT id, slug, name, homepage, created_at FROM sources WHERE slug = ?`, slug).
		Scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &created)
	if err != nil {
		return fmt.Errorf("find source %q: %w", slug, err)
	}
	s.CreatedAt = fromNanos(created)
	return nil
}

// sourceColumns are what scanSource reads, before an article count.
const sourceColumns = `id, slug, name, homepage, created_at, feed_url, kind, licence,
	fulltext, every, status, last_error, last_fetch_at, next_check_at, failures,
	etag, last_modified, removed_at, images, paused_at, extract_warning, taken_down_at, takedown_reason`

const sourceQuery = `SELECT ` + sourceColumns + `,
	(SELECT count(*) FROM articles a WHERE a.source_id = s.id)
	FROM sources s`

// FindSources implements herald.SourceService.
func (db *DB) FindSources(ctx context.Context) ([]*herald.Source, error) {
	rows, err := db.reader.QueryContext(ctx, sourceQuery+` ORDER BY s.name, s.id`)
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
	s, err := scanSource(db.reader.QueryRowContext(ctx, sourceQuery+` WHERE s.slug = ?`, slug).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	if err != nil {
		return nil, fmt.Errorf("find source %q: %w", slug, err)
	}
	return s, nil
}

// scanSources reads every row of sourceColumns and a count, and closes rows.
func scanSources(rows *sql.Rows) ([]*herald.Source, error) {
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
	var created, every int64
	var kind, licence, fulltext, images string
	var lastFetch, nextCheck, removed, paused, takenDown sql.NullInt64
	if err := scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &created, &s.FeedURL, &kind, &licence,
		&fulltext, &every, &s.Fetch.Status, &s.Fetch.LastError, &lastFetch, &nextCheck, &s.Fetch.Failures,
		&s.Fetch.ETag, &s.Fetch.LastModified, &removed, &images, &paused, &s.Fetch.ExtractWarning,
		&takenDown, &s.TakedownReason, &s.ArticleCount); err != nil {
		return nil, err
	}
	s.CreatedAt = fromNanos(created)
	s.Kind, s.Licence, s.Fulltext = herald.SourceKind(kind), herald.Licence(licence), herald.Fulltext(fulltext)
	s.Images = herald.ImagePolicy(images)
	s.Every = time.Duration(every)
	s.Fetch.LastFetchAt, s.Fetch.NextCheckAt, s.RemovedAt = fromNull(lastFetch), fromNull(nextCheck), fromNull(removed)
	s.PausedAt, s.TakenDownAt = fromNull(paused), fromNull(takenDown)
	return s, nil
}

// AddSource implements herald.SourceService.
func (db *DB) AddSource(ctx context.Context, s *herald.Source) error {
	if err := store.ValidateFollowed(s); err != nil {
		return err
	}
	err := db.addSource(ctx, s)
	if isUniqueViolation(err) {
		// Another process took the name or the URL between our look and
		// our write; the second look sees its row and says so.
		err = db.addSource(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("add source %q: %w", s.Name, err)
	}
	return nil
}

func (db *DB) addSource(ctx context.Context, s *herald.Source) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	slug := herald.Slugify(s.Name)

	rows, err := tx.QueryContext(ctx, `
		SELECT id, slug, name, homepage, feed_url, created_at, removed_at IS NOT NULL
		FROM sources WHERE feed_url = ? OR slug = ?`, s.FeedURL, slug)
	if err != nil {
		return err
	}
	var byURL, bySlug *store.ExistingSource
	for rows.Next() {
		e := &store.ExistingSource{}
		var created int64
		if err := rows.Scan(&e.ID, &e.Slug, &e.Name, &e.Homepage, &e.FeedURL, &created, &e.Removed); err != nil {
			rows.Close()
			return err
		}
		e.CreatedAt = fromNanos(created)
		if e.FeedURL == s.FeedURL {
			byURL = e
		}
		if e.Slug == slug {
			bySlug = e
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	target, err := store.FollowTarget(s, byURL, bySlug)
	if err != nil {
		return err
	}
	name, homepage, created := store.FollowedName(s, target, now)

	var id int64
	if target == nil {
		err = tx.QueryRowContext(ctx, `
			INSERT INTO sources (slug, name, homepage, created_at, feed_url, kind, licence,
				fulltext, every, status, next_check_at, images)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			slug, name, homepage, nanos(now), s.FeedURL, string(s.Kind), string(s.Licence),
			string(s.Fulltext), int64(s.Every), herald.FetchNew, nanos(now), string(s.Images)).Scan(&id)
	} else {
		id = target.ID
		_, err = tx.ExecContext(ctx, `
			UPDATE sources SET slug = ?, name = ?, homepage = ?, feed_url = ?, kind = ?,
				licence = ?, fulltext = ?, every = ?, status = ?, last_error = '',
				last_fetch_at = NULL, next_check_at = ?, failures = 0, etag = '',
				last_modified = '', removed_at = NULL, paused_at = NULL, lease_owner = NULL, lease_until = NULL,
				images = ?
			WHERE id = ?`,
			slug, name, homepage, s.FeedURL, string(s.Kind), string(s.Licence),
			string(s.Fulltext), int64(s.Every), herald.FetchNew, nanos(now), string(s.Images), id)
	}
	if err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "source", id, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
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
	if err := db.updateSource(ctx, slug, upd); err != nil {
		return nil, fmt.Errorf("update source %q: %w", slug, err)
	}
	return db.FindSourceBySlug(ctx, slug)
}

func (db *DB) updateSource(ctx context.Context, slug string, upd herald.SourceUpdate) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	// A NULL argument keeps the column as it is. Every expression reads
	// the row as it was: resuming makes a check due only if it was paused.
	var paused sql.NullBool
	if upd.Paused != nil {
		paused = sql.NullBool{Bool: *upd.Paused, Valid: true}
	}
	var every sql.NullInt64
	if upd.Every != nil {
		every = sql.NullInt64{Int64: int64(*upd.Every), Valid: true}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		UPDATE sources SET
			name = coalesce(?1, name), licence = coalesce(?2, licence), images = coalesce(?3, images),
			fulltext = coalesce(?4, fulltext), every = coalesce(?5, every),
			next_check_at = CASE WHEN ?6 OR (?7 = 0 AND paused_at IS NOT NULL) THEN ?8 ELSE next_check_at END,
			paused_at = CASE ?7 WHEN 1 THEN coalesce(paused_at, ?8) WHEN 0 THEN NULL ELSE paused_at END,
			lease_owner = CASE WHEN ?7 = 1 THEN NULL ELSE lease_owner END,
			lease_until = CASE WHEN ?7 = 1 THEN NULL ELSE lease_until END
		WHERE slug = ?9 RETURNING id`,
		nullString(upd.Name), nullString((*string)(upd.Licence)), nullString((*string)(upd.Images)),
		nullString((*string)(upd.Fulltext)), every, upd.CheckNow, paused, nanos(now), slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	if err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "source", id, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	return tx.Commit()
}

// nullString is *s, or NULL for nil.
func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}

// RemoveSource implements herald.SourceService.
func (db *DB) RemoveSource(ctx context.Context, slug string, purge bool) error {
	if err := db.removeSource(ctx, slug, purge); err != nil {
		return fmt.Errorf("remove source %q: %w", slug, err)
	}
	return nil
}

func (db *DB) removeSource(ctx context.Context, slug string, purge bool) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	// A source removed before keeps the time it was first removed.
	var id int64
	err = tx.QueryRowContext(ctx, `
		UPDATE sources SET removed_at = coalesce(removed_at, ?), lease_owner = NULL, lease_until = NULL
		WHERE slug = ? RETURNING id`, nanos(now), slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
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
		if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE source_id = ?`, id); err != nil {
			return err
		}
		// Their pictures go with them (article_images cascades), and so
		// do the addresses and media no other article names.
		if _, err := pruneMedia(ctx, tx); err != nil {
			return err
		}
	}
	if err := recordChange(ctx, tx, "source", id, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	return tx.Commit()
}

// passOnCopies gives the page of each shown copy about to be deleted to
// one of its copies that stays (see store.ElectHeirs), and points the
// others at it: those of source sourceID, whose articles are all purged,
// or article articleID, taken down; the other is 0. Without it, deleting
// the shown copy would leave every one of its copies shown.
func passOnCopies(ctx context.Context, tx *sql.Tx, sourceID, articleID int64) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT o.id, c.id, c.licence, c.published_at
		FROM articles o JOIN articles c ON c.duplicate_of = o.id
		WHERE (o.source_id = ?1 OR o.id = ?2) AND o.duplicate_of IS NULL AND c.source_id <> ?1`, sourceID, articleID)
	if err != nil {
		return err
	}
	var heirs []store.Heir
	for rows.Next() {
		var h store.Heir
		var licence string
		var published int64
		if err := rows.Scan(&h.Shown, &h.ID, &licence, &published); err != nil {
			rows.Close()
			return err
		}
		h.Licence, h.PublishedAt = herald.Licence(licence), fromNanos(published)
		heirs = append(heirs, h)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for old, next := range store.ElectHeirs(heirs) {
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET duplicate_of = nullif(?, id) WHERE duplicate_of = ?`,
			next, old); err != nil {
			return err
		}
	}
	return nil
}

// ClaimDueSources implements herald.SourceService. The writer connection
// starts every transaction with BEGIN IMMEDIATE, so claims from any
// process sharing the file run one after another.
func (db *DB) ClaimDueSources(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Source, error) {
	if err := store.CheckClaim(owner, lease); err != nil || limit <= 0 {
		return nil, err
	}
	list, err := db.claimDueSources(ctx, owner, lease, limit)
	if err != nil {
		return nil, fmt.Errorf("claim due sources: %w", err)
	}
	return list, nil
}

func (db *DB) claimDueSources(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Source, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	rows, err := tx.QueryContext(ctx, `
		UPDATE sources SET lease_owner = ?, lease_until = ?
		WHERE id IN (
			SELECT id FROM sources
			WHERE feed_url <> '' AND removed_at IS NULL AND paused_at IS NULL AND next_check_at <= ?
				AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)
			ORDER BY next_check_at, id
			LIMIT ?)
		RETURNING `+sourceColumns+`, 0`,
		owner, nanos(now.Add(lease)), nanos(now), nanos(now), owner, limit)
	if err != nil {
		return nil, err
	}
	list, err := scanSources(rows)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
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
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	var leaseOwner sql.NullString
	var status, lastError, warning string
	err = tx.QueryRowContext(ctx, `SELECT lease_owner, status, last_error, extract_warning FROM sources WHERE id = ?`, sourceID).
		Scan(&leaseOwner, &status, &lastError, &warning)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "source %d not found", sourceID)
	}
	if err != nil {
		return err
	}
	if !leaseOwner.Valid || leaseOwner.String != owner {
		return herald.Errorf(herald.ECONFLICT, "lease on source %d was lost", sourceID)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE sources SET status = ?, last_error = ?, last_fetch_at = ?, next_check_at = ?,
			failures = ?, etag = ?, last_modified = ?, extract_warning = ?, lease_owner = NULL, lease_until = NULL
		WHERE id = ?`,
		st.Status, st.LastError, nullNanos(st.LastFetchAt), nanos(st.NextCheckAt),
		st.Failures, st.ETag, st.LastModified, st.ExtractWarning, sourceID); err != nil {
		return err
	}
	if status != st.Status || lastError != st.LastError || warning != st.ExtractWarning {
		if err := recordChange(ctx, tx, "source", sourceID, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// maxSeenKeys bounds the keys SeenItems asks about in one query, well
// under SQLite's limit on bound parameters.
const maxSeenKeys = 500

// SeenItems implements herald.SourceService.
func (db *DB) SeenItems(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error) {
	seen := make(map[string]bool)
	for chunk := range slices.Chunk(keys, maxSeenKeys) {
		args := make([]any, 0, len(chunk)+1)
		args = append(args, sourceID)
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := db.reader.QueryContext(ctx, `
			SELECT item_key FROM source_items
			WHERE source_id = ? AND item_key IN (?`+strings.Repeat(`, ?`, len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("seen items of source %d: %w", sourceID, err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("seen items of source %d: %w", sourceID, err)
			}
			seen[k] = true
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("seen items of source %d: %w", sourceID, err)
		}
	}
	return seen, nil
}

// ChangedItems implements herald.SourceService, in one transaction, an
// item at a time: a feed holds tens of items.
func (db *DB) ChangedItems(ctx context.Context, sourceID int64, updated map[string]time.Time) ([]int64, error) {
	ids, err := db.changedItems(ctx, sourceID, updated)
	if err != nil {
		return nil, fmt.Errorf("changed items of source %d: %w", sourceID, err)
	}
	return ids, nil
}

func (db *DB) changedItems(ctx context.Context, sourceID int64, updated map[string]time.Time) ([]int64, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var changed []int64
	for _, key := range slices.Sorted(maps.Keys(updated)) {
		at := updated[key]
		if at.IsZero() {
			continue
		}
		var article, was sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT article_id, updated_at FROM source_items WHERE source_id = ? AND item_key = ?`,
			sourceID, key).Scan(&article, &was)
		if errors.Is(err, sql.ErrNoRows) {
			continue // not stored yet: the pipeline stores it
		}
		if err != nil {
			return nil, err
		}
		if was.Valid && nanos(at) <= was.Int64 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE source_items SET updated_at = ? WHERE source_id = ? AND item_key = ?`,
			nanos(at), sourceID, key); err != nil {
			return nil, err
		}
		if was.Valid && article.Valid {
			changed = append(changed, article.Int64)
		}
	}
	return changed, tx.Commit()
}

// SetNow replaces the store's clock; tests use it through storetest.Clock.
// Set it before the store is shared between goroutines.
func (db *DB) SetNow(now func() time.Time) { db.Now = now }

func fromNull(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromNanos(n.Int64)
}

// nullNanos is t in nanoseconds, or NULL for the zero time.
func nullNanos(t time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: nanos(t), Valid: !t.IsZero()}
}
