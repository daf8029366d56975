package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// imageColumns are what scanImage reads: an article image, the state of
// its address and the size of its media, from article_images ai, images i
// and media m (LEFT JOINed).
const imageColumns = `ai.article_id, ai.position, ai.role, i.source_url, ai.alt, ai.caption, ai.credit,
	i.status, i.reason, i.attempts, i.next_try, coalesce(i.hash, ''), coalesce(m.width, 0), coalesce(m.height, 0)`

func scanImage(scan func(...any) error, extra ...any) (herald.ArticleImage, error) {
	var im herald.ArticleImage
	var role, status string
	var next sql.NullInt64
	err := scan(append([]any{&im.ArticleID, &im.Position, &role, &im.SourceURL, &im.Alt, &im.Caption, &im.Credit,
		&status, &im.Reason, &im.Attempts, &next, &im.Hash, &im.Width, &im.Height}, extra...)...)
	im.Role, im.Status, im.NextTry = herald.ImageRole(role), herald.ImageStatus(status), fromNull(next)
	return im, err
}

// SetArticleImages implements herald.MediaService.
func (db *DB) SetArticleImages(ctx context.Context, articleID int64, list []herald.ArticleImage) error {
	if err := herald.CheckArticleImages(list); err != nil {
		return err
	}
	if err := db.setArticleImages(ctx, articleID, list); err != nil {
		return fmt.Errorf("set images of article %d: %w", articleID, err)
	}
	return nil
}

func (db *DB) setArticleImages(ctx context.Context, articleID int64, list []herald.ArticleImage) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM articles WHERE id = ?`, articleID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return err
	}
	old, err := articleImages(ctx, tx, []int64{articleID}, false)
	if err != nil {
		return err
	}
	if store.SameImages(old[articleID], list) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_images WHERE article_id = ?`, articleID); err != nil {
		return err
	}
	if err := addArticleImages(ctx, tx, articleID, list, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "article", articleID, now); err != nil {
		return err
	}
	return tx.Commit()
}

// addArticleImages stores the article's pictures in order; an address
// not stored yet is queued to be fetched now.
func addArticleImages(ctx context.Context, tx *sql.Tx, articleID int64, list []herald.ArticleImage, now time.Time) error {
	for i, im := range list {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO images (source_url, status, next_try, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (source_url) DO NOTHING`, im.SourceURL, string(herald.ImagePending), nanos(now), nanos(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO article_images (article_id, position, role, image_id, alt, caption, credit)
			SELECT ?, ?, ?, id, ?, ?, ? FROM images WHERE source_url = ?`,
			articleID, i, string(im.Role), im.Alt, im.Caption, im.Credit, im.SourceURL); err != nil {
			return err
		}
	}
	return nil
}

// maxImageArticles bounds the articles FindArticleImages asks about in one
// query, well under SQLite's limit on bound parameters.
const maxImageArticles = 500

// FindArticleImages implements herald.MediaService.
func (db *DB) FindArticleImages(ctx context.Context, ids []int64) (map[int64][]herald.ArticleImage, error) {
	found, err := articleImages(ctx, db.reader, ids, true)
	if err != nil {
		return nil, fmt.Errorf("find article images: %w", err)
	}
	return found, nil
}

// articleImages reads the images of the articles ids, with their variants
// when variants is set.
func articleImages(ctx context.Context, q querier, ids []int64, variants bool) (map[int64][]herald.ArticleImage, error) {
	variantColumns, variantJoin, variantOrder := `, 0, 0, 0, '', 0`, ``, ``
	if variants {
		variantColumns = `, coalesce(v.card, 0), coalesce(v.width, 0), coalesce(v.height, 0), coalesce(v.content_type, ''), coalesce(length(v.data), 0)`
		variantJoin = ` LEFT JOIN media_variants v ON v.hash = i.hash`
		variantOrder = `, v.card, v.width`
	}
	var rows []store.ImageRow
	for chunk := range slices.Chunk(ids, maxImageArticles) {
		list, err := q.QueryContext(ctx, `
			SELECT `+imageColumns+variantColumns+`
			FROM article_images ai JOIN images i ON i.id = ai.image_id
				LEFT JOIN media m ON m.hash = i.hash`+variantJoin+`
			WHERE ai.article_id IN (`+strings.Repeat(",?", len(chunk))[1:]+`)
			ORDER BY ai.article_id, ai.position`+variantOrder, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for list.Next() {
			var r store.ImageRow
			v := &r.Variant
			if r.Image, err = scanImage(list.Scan, &v.Card, &v.Width, &v.Height, &v.ContentType, &v.Bytes); err != nil {
				list.Close()
				return nil, err
			}
			rows = append(rows, r)
		}
		if err := errors.Join(list.Err(), list.Close()); err != nil {
			return nil, err
		}
	}
	return store.GroupImages(rows), nil
}

// ClaimImageWork implements herald.MediaService. The writer connection
// starts every transaction with BEGIN IMMEDIATE, so claims from any
// process sharing the file run one after another.
func (db *DB) ClaimImageWork(ctx context.Context, limit int, lease time.Duration) ([]herald.ArticleImage, error) {
	if claim, err := store.CheckClaimImages(limit, lease); !claim {
		return nil, err
	}
	list, err := db.claimImageWork(ctx, limit, lease)
	if err != nil {
		return nil, fmt.Errorf("claim image work: %w", err)
	}
	return list, nil
}

func (db *DB) claimImageWork(ctx context.Context, limit int, lease time.Duration) ([]herald.ArticleImage, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	rows, err := tx.QueryContext(ctx, `
		UPDATE images SET lease_until = ?
		WHERE id IN (
			SELECT i.id FROM images i
			WHERE i.next_try <= ? AND (i.lease_until IS NULL OR i.lease_until <= ?)
				AND EXISTS (SELECT 1 FROM article_images ai WHERE ai.image_id = i.id)
			ORDER BY i.next_try, i.id
			LIMIT ?)
		RETURNING id`, nanos(now.Add(lease)), nanos(now), nanos(now), limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || len(ids) == 0 {
		return nil, err
	}
	// Each claimed address comes as the first article image naming it.
	rows, err = tx.QueryContext(ctx, `
		SELECT `+imageColumns+`
		FROM images i JOIN article_images ai ON ai.image_id = i.id
			AND (ai.article_id, ai.position) = (SELECT article_id, position FROM article_images
				WHERE image_id = i.id ORDER BY article_id, position LIMIT 1)
			LEFT JOIN media m ON m.hash = i.hash
		WHERE i.id IN (`+strings.Repeat(",?", len(ids))[1:]+`)
		ORDER BY i.next_try, i.id`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	var list []herald.ArticleImage
	for rows.Next() {
		im, err := scanImage(rows.Scan)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, im)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	return list, tx.Commit()
}

// RecordImageResult implements herald.MediaService.
func (db *DB) RecordImageResult(ctx context.Context, r herald.ImageResult) error {
	if err := herald.CheckImageResult(r); err != nil {
		return err
	}
	if err := db.recordImageResult(ctx, r); err != nil {
		return fmt.Errorf("record image %s: %w", r.SourceURL, err)
	}
	return nil
}

func (db *DB) recordImageResult(ctx context.Context, r herald.ImageResult) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	var id int64
	var status, hash string
	err = tx.QueryRowContext(ctx, `SELECT id, status, coalesce(hash, '') FROM images WHERE source_url = ?`, r.SourceURL).
		Scan(&id, &status, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return store.AddressNotFound(r.SourceURL)
	}
	if err != nil {
		return err
	}
	write, change := store.RecordOutcome(herald.ImageStatus(status), hash, r)
	if !write {
		return nil
	}
	var newHash sql.NullString
	if r.Media != nil {
		if err := storeMedia(ctx, tx, r.Media, now); err != nil {
			return err
		}
		newHash = sql.NullString{String: r.Media.Hash, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE images SET status = ?, hash = ?, reason = ?, attempts = attempts + 1, next_try = ?, lease_until = NULL
		WHERE id = ?`, string(r.Status), newHash, r.Reason, nullNanos(r.NextTry), id); err != nil {
		return err
	}
	if change {
		if err := recordChange(ctx, tx, "image", id, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// storeMedia keeps m and its variants, unless media of its hash is kept.
func storeMedia(ctx context.Context, tx *sql.Tx, m *herald.Media, now time.Time) error {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO media (hash, width, height, content_type, original_bytes, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`, m.Hash, m.Width, m.Height, m.ContentType, m.OriginalBytes, nanos(now))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	for _, v := range m.Variants {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO media_variants (hash, card, width, height, content_type, data)
			VALUES (?, ?, ?, ?, ?, ?)`, m.Hash, v.Card, v.Width, v.Height, v.ContentType, v.Data); err != nil {
			return err
		}
	}
	return nil
}

// FindMediaVariant implements herald.MediaService.
func (db *DB) FindMediaVariant(ctx context.Context, hash string, width int, card bool) (*herald.MediaVariant, error) {
	if err := store.CheckVariantKey(hash, width, card); err != nil {
		return nil, err
	}
	v := &herald.MediaVariant{}
	// A picture has one card, found by its hash whatever its width.
	if card {
		width = 0
	}
	err := db.reader.QueryRowContext(ctx, `
		SELECT card, width, height, content_type, data FROM media_variants
		WHERE hash = ? AND card = ? AND (card OR width = ?)
		ORDER BY width DESC LIMIT 1`, hash, card, width).
		Scan(&v.Card, &v.Width, &v.Height, &v.ContentType, &v.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.VariantNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find media variant %s/%d: %w", hash, width, err)
	}
	v.Bytes = len(v.Data)
	return v, nil
}

// MediaStats implements herald.MediaService. length() of a blob reads its
// size from the record, not its pages.
func (db *DB) MediaStats(ctx context.Context) (herald.MediaStats, error) {
	st := store.NewMediaStats()
	err := db.reader.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM media), (SELECT coalesce(sum(original_bytes), 0) FROM media),
			(SELECT count(*) FROM media_variants), (SELECT coalesce(sum(length(data)), 0) FROM media_variants)`).
		Scan(&st.Media, &st.OriginalBytes, &st.Variants, &st.VariantBytes)
	if err != nil {
		return st, fmt.Errorf("media stats: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT status, reason, count(*) FROM images GROUP BY status, reason`)
	if err != nil {
		return st, fmt.Errorf("media stats: %w", err)
	}
	for rows.Next() {
		var status, reason string
		var n int
		if err := rows.Scan(&status, &reason, &n); err != nil {
			rows.Close()
			return st, fmt.Errorf("media stats: %w", err)
		}
		store.CountAddresses(&st, herald.ImageStatus(status), reason, n)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return st, fmt.Errorf("media stats: %w", err)
	}
	return st, nil
}

// PruneMedia implements herald.MediaService.
func (db *DB) PruneMedia(ctx context.Context) (int, error) {
	n, err := db.pruneMedia(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune media: %w", err)
	}
	return n, nil
}

func (db *DB) pruneMedia(ctx context.Context) (int, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := pruneMedia(ctx, tx)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// pruneMedia deletes, in tx, the addresses no article image names and then
// the media no address names, with their variants, and returns how many
// media it deleted.
func pruneMedia(ctx context.Context, tx *sql.Tx) (int, error) {
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM images WHERE NOT EXISTS (SELECT 1 FROM article_images ai WHERE ai.image_id = images.id)`); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `
		DELETE FROM media WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.hash = media.hash)`)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// RequeueImages implements herald.MediaService.
func (db *DB) RequeueImages(ctx context.Context, sourceSlug string) (int, error) {
	n, err := db.requeueImages(ctx, sourceSlug)
	if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
		return 0, fmt.Errorf("requeue images: %w", err)
	}
	return n, err
}

func (db *DB) requeueImages(ctx context.Context, sourceSlug string) (int, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var sourceID sql.NullInt64
	if sourceSlug != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE slug = ?`, sourceSlug).Scan(&sourceID)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, herald.Errorf(herald.ENOTFOUND, "source not found")
		}
		if err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE images SET status = 'pending', reason = '', attempts = 0, next_try = ?
		WHERE status IN ('refused', 'failed') AND (? IS NULL OR EXISTS (
			SELECT 1 FROM article_images ai JOIN articles a ON a.id = ai.article_id
			WHERE ai.image_id = images.id AND a.source_id = ?))`, nanos(db.Now().UTC()), sourceID, sourceID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}
