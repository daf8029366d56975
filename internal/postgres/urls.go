package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// StoredURLs implements herald.ArticleService.
func (db *DB) StoredURLs(ctx context.Context, urls []string) ([]string, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT original_url FROM articles WHERE original_url = ANY($1)`, urls)
	if err != nil {
		return nil, fmt.Errorf("stored urls: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("stored urls: %w", err)
	}
	return found, nil
}
