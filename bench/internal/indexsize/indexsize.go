// Package indexsize reports, for the bench/ tools, how much disk a store's
// full-text index takes beside the rest of the store.
package indexsize

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/jackc/pgx/v5"
)

// Describe returns one line on the full-text index's size: from SQLite's
// dbstat when store is a SQLite store, else from the PostgreSQL database
// pgDSN names.
func Describe(ctx context.Context, store herald.Store, pgDSN string) (string, error) {
	if s, ok := store.(*sqlite.DB); ok {
		fts, total, err := s.SearchIndexSize(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("FTS5 shadow tables %.1f MB of a %.1f MB database (dbstat)", mb(fts), mb(total)), nil
	}
	conn, err := pgx.Connect(ctx, pgDSN)
	if err != nil {
		return "", fmt.Errorf("index size: %w", err)
	}
	defer conn.Close(ctx)
	var gin, vec, database int64
	var search, articles int64
	err = conn.QueryRow(ctx, `SELECT pg_relation_size('article_search_words'),
		(SELECT sum(pg_column_size(search)) FROM article_search), pg_total_relation_size('article_search'),
		pg_total_relation_size('articles'), pg_database_size(current_database())`).Scan(&gin, &vec, &search, &articles, &database)
	if err != nil {
		return "", fmt.Errorf("index size: %w", err)
	}
	return fmt.Sprintf("GIN index %.1f MB + tsvector column %.1f MB; article_search table with its indexes %.1f MB; articles with its indexes %.1f MB; database %.1f MB",
		mb(gin), mb(vec), mb(search), mb(articles), mb(database)), nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
