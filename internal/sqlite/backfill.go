package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// FindUnfingerprinted implements herald.ArticleService. An article whose
// fingerprint was computed has a non-NULL fingerprint column (empty for a
// text with no words, once SetFingerprint has seen it).
func (db *DB) FindUnfingerprinted(ctx context.Context, after int64, limit int) ([]*herald.Article, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.fingerprint IS NULL AND a.id > ? ORDER BY a.id LIMIT ?`, after, max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("find unfingerprinted articles: %w", err)
	}
	list, err := scanArticles(rows, true)
	if err != nil {
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
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := replaceFingerprint(ctx, tx, id, fp, bands); err != nil {
		return err
	}
	return tx.Commit()
}

// replaceFingerprint makes fp, whose band keys are bands, article id's
// fingerprint in tx, in place of the one it had. An unknown id is
// ENOTFOUND.
func replaceFingerprint(ctx context.Context, tx *sql.Tx, id int64, fp herald.Fingerprint, bands []int64) error {
	signature := fp.Signature
	if signature == nil {
		signature = []byte{} // computed, and empty: not NULL
	}
	res, err := tx.ExecContext(ctx, `UPDATE articles SET text_hash = ?, fingerprint = ? WHERE id = ?`,
		int64(fp.Hash), signature, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_bands WHERE article_id = ?`, id); err != nil {
		return err
	}
	return addBands(ctx, tx, id, bands)
}
