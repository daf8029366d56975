package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/herald-news/herald"
)

// ClaimRelatedWork implements herald.RelatedService. SKIP LOCKED lets
// processes claiming at the same moment take different articles.
func (db *DB) ClaimRelatedWork(ctx context.Context, limit int, lease time.Duration) ([]*herald.Article, error) {
	now := db.Now().UTC()
	rows, err := db.pool.Query(ctx, `
		WITH claimed AS (
			UPDATE related_queue q SET claimed_until = $1
			FROM (SELECT article_id FROM related_queue WHERE claimed_until <= $2
				ORDER BY article_id DESC LIMIT $3 FOR UPDATE SKIP LOCKED) due
			WHERE q.article_id = due.article_id
			RETURNING q.article_id)
		SELECT `+articleColumns+`, `+bodyColumns+`
		FROM claimed JOIN articles a ON a.id = claimed.article_id JOIN sources s ON s.id = a.source_id
		ORDER BY a.id DESC`, now.Add(lease), now, max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("claim related work: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*herald.Article, error) {
		return scanArticle(row.Scan, true)
	})
	if err != nil {
		return nil, fmt.Errorf("claim related work: %w", err)
	}
	return list, nil
}

// ReleaseRelatedWork implements herald.RelatedService.
func (db *DB) ReleaseRelatedWork(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := db.pool.Exec(ctx, `UPDATE related_queue SET claimed_until = '-infinity' WHERE article_id = ANY ($1)`, ids); err != nil {
		return fmt.Errorf("release related work: %w", err)
	}
	return nil
}

// FinishRelatedWork implements herald.RelatedService.
func (db *DB) FinishRelatedWork(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := db.pool.Exec(ctx, `DELETE FROM related_queue WHERE article_id = ANY ($1)`, ids); err != nil {
		return fmt.Errorf("finish related work: %w", err)
	}
	return nil
}
