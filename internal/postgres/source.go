package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
	"github.com/jackc/pgx/v5"
)

// upsertSource finds the source by its slug, creating it if new, and fills
// in s's ID, Slug and CreatedAt. An existing source keeps its name and
// homepage: the first article to name an outlet defines it. When another
// transaction is adding the same slug, the insert waits for it, and the
// select that follows sees its row.
func upsertSource(ctx context.Context, tx pgx.Tx, s *herald.Source, now time.Time) error {
	slug := herald.Slugify(s.Name)
	if _, err := tx.Exec(ctx, `
		INSERT INTO sources (slug, name, homepage, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (slug) DO NOTHING`, slug, s.Name, s.Homepage, now); err != nil {
		return fmt.Errorf("add source %q: %w", s.Name, err)
	}
	err := tx.QueryRow(ctx, `SELECT id, slug, name, homepage, created_at FROM sources WHERE slug = $1`, slug).
		Scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &s.CreatedAt)
	if err != nil {
		return fmt.Errorf("find source %q: %w", slug, err)
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return nil
}

// sourceQuery counts each source's articles. Names sort by code point
// (COLLATE "C"), as SQLite's BINARY does, not by the database's locale.
const sourceQuery = `SELECT s.id, s.slug, s.name, s.homepage, s.created_at,
	(SELECT count(*) FROM articles a WHERE a.source_id = s.id)
	FROM sources s`

// FindSources implements herald.SourceService.
func (db *DB) FindSources(ctx context.Context) ([]*herald.Source, error) {
	rows, err := db.pool.Query(ctx, sourceQuery+` ORDER BY s.name COLLATE "C", s.id`)
	if err != nil {
		return nil, fmt.Errorf("find sources: %w", err)
	}
	defer rows.Close()
	var list []*herald.Source
	for rows.Next() {
		s, err := scanSource(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("find sources: %w", err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
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

func scanSource(scan func(...any) error) (*herald.Source, error) {
	s := &herald.Source{}
	if err := scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &s.CreatedAt, &s.ArticleCount); err != nil {
		return nil, err
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return s, nil
}
