package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

// mediaLock is the advisory lock key that keeps PruneMedia from deleting
// an address or media another transaction is about to name. Writers that
// name them (SetArticleImages, RecordImageResult) hold it shared, PruneMedia
// alone: otherwise a prune would not see the names a writer has not yet
// committed, and would delete what they name, or fail on the foreign key.
const mediaLock int64 = 0x68657261_6c64_06 // "herald", 6

// imageColumns are what scanImage reads: an article image, the state of
// its address and the size of its media, from article_images ai, images i
// and media m (LEFT JOINed).
const imageColumns = `ai.article_id, ai.position, ai.role, i.source_url, ai.alt, ai.caption, ai.credit,
	i.status, i.reason, i.attempts, i.next_try, coalesce(i.hash, ''), coalesce(m.width, 0), coalesce(m.height, 0)`

func scanImage(scan func(...any) error, extra ...any) (herald.ArticleImage, error) {
	var im herald.ArticleImage
	var role, status string
	var next *time.Time
	err := scan(append([]any{&im.ArticleID, &im.Position, &role, &im.SourceURL, &im.Alt, &im.Caption, &im.Credit,
		&status, &im.Reason, &im.Attempts, &next, &im.Hash, &im.Width, &im.Height}, extra...)...)
	im.Role, im.Status, im.NextTry = herald.ImageRole(role), herald.ImageStatus(status), fromNull(next)
	return im, err
}

// SetArticleImages implements herald.MediaService. The article is locked
// against deletion first, then mediaLock taken, the order in which a
// purge takes them.
func (db *DB) SetArticleImages(ctx context.Context, articleID int64, list []herald.ArticleImage) error {
	if err := herald.CheckArticleImages(list); err != nil {
		return err
	}
	var err error
	for range maxAttempts {
		if err = db.setArticleImages(ctx, articleID, list); !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("set images of article %d: %w", articleID, err)
	}
	return nil
}

func (db *DB) setArticleImages(ctx context.Context, articleID int64, list []herald.ArticleImage) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	tag, err := tx.Exec(ctx, `SELECT FROM articles WHERE id = $1 FOR KEY SHARE`, articleID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, mediaLock); err != nil {
		return err
	}
	old, err := articleImages(ctx, tx, []int64{articleID}, false)
	if err != nil {
		return err
	}
	if store.SameImages(old[articleID], list) {
		return nil
	}
	var b batch
	b.exec("drop the old images", `DELETE FROM article_images WHERE article_id = $1`, articleID)
	queueArticleImages(&b, articleID, list, now)
	queueRecordChange(&b, "article", articleID, now)
	if err := b.send(ctx, tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// queueArticleImages queues the statements that store the article's
// pictures in order; an address not stored yet is queued to be fetched
// now. The caller holds mediaLock shared, so that no prune runs between
// the addresses' insert and the images' that name them.
func queueArticleImages(b *batch, articleID int64, list []herald.ArticleImage, now time.Time) {
	urls := make([]string, len(list))
	roles := make([]string, len(list))
	alts := make([]string, len(list))
	captions := make([]string, len(list))
	credits := make([]string, len(list))
	for i, im := range list {
		urls[i], roles[i], alts[i], captions[i], credits[i] = im.SourceURL, string(im.Role), im.Alt, im.Caption, im.Credit
	}
	// New addresses are inserted in one order by every writer, so that
	// two of them naming the same new addresses wait for each other in
	// turn, never each for the other.
	b.exec("add addresses", `
		INSERT INTO images (source_url, status, next_try, created_at)
		SELECT u, $2, $3, $3 FROM unnest($1::text[]) WITH ORDINALITY AS t (u, n) ORDER BY n
		ON CONFLICT (source_url) DO NOTHING`, slices.Sorted(slices.Values(urls)), string(herald.ImagePending), now)
	b.exec("add images", `
		INSERT INTO article_images (article_id, position, role, image_id, alt, caption, credit)
		SELECT $1, t.n - 1, t.role, i.id, t.alt, t.caption, t.credit
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
			WITH ORDINALITY AS t (url, role, alt, caption, credit, n)
			JOIN images i ON i.source_url = t.url`, articleID, urls, roles, alts, captions, credits)
}

// FindArticleImages implements herald.MediaService.
func (db *DB) FindArticleImages(ctx context.Context, ids []int64) (map[int64][]herald.ArticleImage, error) {
	found, err := articleImages(ctx, db.pool, ids, true)
	if err != nil {
		return nil, fmt.Errorf("find article images: %w", err)
	}
	return found, nil
}

// articleImages reads the images of the articles ids, with their variants
// when variants is set.
func articleImages(ctx context.Context, q querier, ids []int64, variants bool) (map[int64][]herald.ArticleImage, error) {
	variantColumns, variantJoin, variantOrder := `, false, 0, 0, '', 0`, ``, ``
	if variants {
		variantColumns = `, coalesce(v.card, false), coalesce(v.width, 0), coalesce(v.height, 0), coalesce(v.content_type, ''), coalesce(octet_length(v.data), 0)`
		variantJoin = ` LEFT JOIN media_variants v ON v.hash = i.hash`
		variantOrder = `, v.card, v.width`
	}
	rows, err := q.Query(ctx, `
		SELECT `+imageColumns+variantColumns+`
		FROM article_images ai JOIN images i ON i.id = ai.image_id
			LEFT JOIN media m ON m.hash = i.hash`+variantJoin+`
		WHERE ai.article_id = ANY ($1)
		ORDER BY ai.article_id, ai.position`+variantOrder, ids)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ImageRow, error) {
		var r store.ImageRow
		v := &r.Variant
		r.Image, err = scanImage(row.Scan, &v.Card, &v.Width, &v.Height, &v.ContentType, &v.Bytes)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	return store.GroupImages(list), nil
}

// ClaimImageWork implements herald.MediaService. SKIP LOCKED lets
// processes claiming at the same moment take different addresses, and an
// address whose lease another claim took meanwhile fails the WHERE when
// PostgreSQL checks it again under the lock.
func (db *DB) ClaimImageWork(ctx context.Context, limit int, lease time.Duration) ([]herald.ArticleImage, error) {
	if claim, err := store.CheckClaimImages(limit, lease); !claim {
		return nil, err
	}
	now := micro(db.Now())
	// Each claimed address comes as the first article image naming it.
	rows, err := db.pool.Query(ctx, `
		WITH due AS (
			SELECT i.id FROM images i
			WHERE i.next_try <= $1 AND (i.lease_until IS NULL OR i.lease_until <= $1)
				AND EXISTS (SELECT 1 FROM article_images ai WHERE ai.image_id = i.id)
			ORDER BY i.next_try, i.id
			LIMIT $2
			FOR UPDATE OF i SKIP LOCKED),
		claimed AS (
			UPDATE images i SET lease_until = $3 FROM due WHERE i.id = due.id
			RETURNING i.*)
		SELECT `+imageColumns+`
		FROM claimed i JOIN article_images ai ON ai.image_id = i.id
			AND (ai.article_id, ai.position) = (SELECT article_id, position FROM article_images
				WHERE image_id = i.id ORDER BY article_id, position LIMIT 1)
			LEFT JOIN media m ON m.hash = i.hash
		ORDER BY i.next_try, i.id`, now, limit, now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("claim image work: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (herald.ArticleImage, error) {
		return scanImage(row.Scan)
	})
	if err != nil {
		return nil, fmt.Errorf("claim image work: %w", err)
	}
	return list, nil
}

// RecordImageResult implements herald.MediaService. The address is
// locked first, so that results for it are recorded one after the other.
func (db *DB) RecordImageResult(ctx context.Context, r herald.ImageResult) error {
	if err := herald.CheckImageResult(r); err != nil {
		return err
	}
	var err error
	for range maxAttempts {
		if err = db.recordImageResult(ctx, r); !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("record image %s: %w", r.SourceURL, err)
	}
	return nil
}

func (db *DB) recordImageResult(ctx context.Context, r herald.ImageResult) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, mediaLock); err != nil {
		return err
	}
	var id int64
	var status, hash string
	err = tx.QueryRow(ctx, `SELECT id, status, coalesce(hash, '') FROM images WHERE source_url = $1 FOR NO KEY UPDATE`,
		r.SourceURL).Scan(&id, &status, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.AddressNotFound(r.SourceURL)
	}
	if err != nil {
		return err
	}
	write, change := store.RecordOutcome(herald.ImageStatus(status), hash, r)
	if !write {
		return nil
	}
	var newHash *string
	if r.Media != nil {
		if err := storeMedia(ctx, tx, r.Media, now); err != nil {
			return err
		}
		newHash = &r.Media.Hash
	}
	var b batch
	b.exec("record the result", `
		UPDATE images SET status = $1, hash = $2, reason = $3, attempts = attempts + 1, next_try = $4, lease_until = NULL
		WHERE id = $5`, string(r.Status), newHash, r.Reason, nullTime(r.NextTry), id)
	if change {
		queueRecordChange(&b, "image", id, now)
	}
	if err := b.send(ctx, tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// storeMedia keeps m and its variants, unless media of its hash is kept.
// A transaction storing the same hash at the same time makes the insert
// wait for it, and then do nothing.
func storeMedia(ctx context.Context, tx pgx.Tx, m *herald.Media, now time.Time) error {
	tag, err := tx.Exec(ctx, `
		INSERT INTO media (hash, width, height, content_type, original_bytes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (hash) DO NOTHING`, m.Hash, m.Width, m.Height, m.ContentType, m.OriginalBytes, now)
	if err != nil || tag.RowsAffected() == 0 {
		return err
	}
	var b batch
	for _, v := range m.Variants {
		b.exec("store a variant", `
			INSERT INTO media_variants (hash, card, width, height, content_type, data)
			VALUES ($1, $2, $3, $4, $5, $6)`, m.Hash, v.Card, v.Width, v.Height, v.ContentType, v.Data)
	}
	return b.send(ctx, tx)
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
	err := db.pool.QueryRow(ctx, `
		SELECT card, width, height, content_type, data FROM media_variants
		WHERE hash = $1 AND card = $2 AND (card OR width = $3)
		ORDER BY width DESC LIMIT 1`, hash, card, width).
		Scan(&v.Card, &v.Width, &v.Height, &v.ContentType, &v.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.VariantNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("find media variant %s/%d: %w", hash, width, err)
	}
	v.Bytes = len(v.Data)
	return v, nil
}

// MediaStats implements herald.MediaService. octet_length reads a
// variant's size from its header, not its out-of-line bytes.
func (db *DB) MediaStats(ctx context.Context) (herald.MediaStats, error) {
	st := store.NewMediaStats()
	err := db.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM media), (SELECT coalesce(sum(original_bytes), 0)::bigint FROM media),
			(SELECT count(*) FROM media_variants), (SELECT coalesce(sum(octet_length(data)), 0)::bigint FROM media_variants)`).
		Scan(&st.Media, &st.OriginalBytes, &st.Variants, &st.VariantBytes)
	if err != nil {
		return st, fmt.Errorf("media stats: %w", err)
	}
	rows, err := db.pool.Query(ctx, `SELECT status, reason, count(*) FROM images GROUP BY status, reason`)
	if err != nil {
		return st, fmt.Errorf("media stats: %w", err)
	}
	var status, reason string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&status, &reason, &n}, func() error {
		store.CountAddresses(&st, herald.ImageStatus(status), reason, n)
		return nil
	})
	if err != nil {
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	n, err := pruneMedia(ctx, tx)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit(ctx)
}

// pruneMedia deletes, in tx, the addresses no article image names and then
// the media no address names, with their variants, and returns how many
// media it deleted. It holds mediaLock alone until tx ends.
func pruneMedia(ctx context.Context, tx pgx.Tx) (int, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, mediaLock); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `
		DELETE FROM images i WHERE NOT EXISTS (SELECT 1 FROM article_images ai WHERE ai.image_id = i.id)`); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM media m WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.hash = m.hash)`)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var sourceID *int64
	if sourceSlug != "" {
		err := tx.QueryRow(ctx, `SELECT id FROM sources WHERE slug = $1`, sourceSlug).Scan(&sourceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, herald.Errorf(herald.ENOTFOUND, "source not found")
		}
		if err != nil {
			return 0, err
		}
	}
	tag, err := tx.Exec(ctx, `
		UPDATE images i SET status = 'pending', reason = '', attempts = 0, next_try = $1
		WHERE i.status IN ('refused', 'failed') AND ($2::bigint IS NULL OR EXISTS (
			SELECT 1 FROM article_images ai JOIN articles a ON a.id = ai.article_id
			WHERE ai.image_id = i.id AND a.source_id = $2))`, micro(db.Now()), sourceID)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), tx.Commit(ctx)
}
