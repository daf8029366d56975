package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
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

const sourceQuery = `SELECT s.id, s.slug, s.name, s.homepage, s.created_at,
	(SELECT count(*) FROM articles a WHERE a.source_id = s.id)
	FROM sources s`

// FindSources implements herald.SourceService.
func (db *DB) FindSources(ctx context.Context) ([]*herald.Source, error) {
	rows, err := db.reader.QueryContext(ctx, sourceQuery+` ORDER BY s.name, s.id`)
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
	s, err := scanSource(db.reader.QueryRowContext(ctx, sourceQuery+` WHERE s.slug = ?`, slug).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "source not found")
	}
	if err != nil {
		return nil, fmt.Errorf("find source %q: %w", slug, err)
	}
	return s, nil
}

func scanSource(scan func(...any) error) (*herald.Source, error) {
	s := &herald.Source{}
	var created int64
	if err := scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &created, &s.ArticleCount); err != nil {
		return nil, err
	}
	s.CreatedAt = fromNanos(created)
	return s, nil
}
