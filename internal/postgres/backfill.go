package postgres

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

// FindUnfingerprinted implements herald.ArticleService. An article whose
// fingerprint was computed has a non-NULL fingerprint column (empty for a
// text with no words, once SetFingerprint has seen it).
func (db *DB) FindUnfingerprinted(ctx context.Context, after int64, limit int) ([]*herald.Article, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.fingerprint IS NULL AND a.id > $1 ORDER BY a.id LIMIT $2`, after, max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("find unfingerprinted articles: %w", err)
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, true)
		if err != nil {
			return nil, fmt.Errorf("find unfingerprinted articles: %w", err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find unfingerprinted articles: %w", err)
	}
	return list, nil
}

// SetFingerprint implements herald.ArticleService.
func (db *DB) SetFingerprint(ctx context.Context, id int64, fp herald.Fingerprint) error {
	bands, err := store.BandKeys(fp.Bands)
	if err != nil {
		return err
	}
	if err := db.setFingerprint(ctx, id, fp, bands); err != nil {
		return fmt.Errorf("set fingerprint of article %d: %w", id, err)
	}
	return nil
}

func (db *DB) setFingerprint(ctx context.Context, id int64, fp herald.Fingerprint, bands []int64) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := replaceFingerprint(ctx, tx, id, fp, bands); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// replaceFingerprint makes fp, whose band keys are bands, article id's
// fingerprint in tx, in place of the one it had. An unknown id is
// ENOTFOUND.
func replaceFingerprint(ctx context.Context, tx pgx.Tx, id int64, fp herald.Fingerprint, bands []int64) error {
	signature := fp.Signature
	if signature == nil {
		signature = []byte{} // computed, and empty: not NULL
	}
	tag, err := tx.Exec(ctx, `UPDATE articles SET text_hash = $1, fingerprint = $2 WHERE id = $3`,
		int64(fp.Hash), signature, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", id)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM article_bands WHERE article_id = $1`, id); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO article_bands (band, article_id) SELECT unnest($1::bigint[]), $2`, bands, id)
	return err
}
