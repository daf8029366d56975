package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

var _ herald.ArticleEditService = (*DB)(nil)

// EditArticle implements herald.ArticleEditService.
func (db *DB) EditArticle(ctx context.Context, slug string, e herald.ArticleEdit) (*herald.Article, error) {
	if err := db.editArticle(ctx, slug, e); err != nil {
		return nil, fmt.Errorf("edit article %q: %w", slug, err)
	}
	return db.FindArticleBySlug(ctx, slug)
}

func (db *DB) editArticle(ctx context.Context, slug string, e herald.ArticleEdit) error {
	if err := e.Validate(); err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	var id int64
	var title, lead, text string
	err = tx.QueryRowContext(ctx, `SELECT id, title, lead, text FROM articles WHERE slug = ?`, slug).Scan(&id, &title, &lead, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return err
	}
	// The first edit keeps what the article came with; later ones only
	// move the time.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO article_originals (article_id, title, lead, edited_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET edited_at = excluded.edited_at`, id, title, lead, nanos(now)); err != nil {
		return err
	}
	shown := store.EditedArticle(e, store.Shown{Title: title, Lead: lead}, text)
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET title = ?, lead = ? WHERE id = ?`, shown.Title, shown.Lead, id); err != nil {
		return err
	}
	if err := reindexArticle(ctx, tx, id, shown.Title, text); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "article", id, now); err != nil {
		return err
	}
	return tx.Commit()
}

// FindArticleOriginal implements herald.ArticleEditService.
func (db *DB) FindArticleOriginal(ctx context.Context, id int64) (*herald.ArticleOriginal, error) {
	o := &herald.ArticleOriginal{}
	var at int64
	err := db.reader.QueryRowContext(ctx, `SELECT title, lead, edited_at FROM article_originals WHERE article_id = ?`, id).
		Scan(&o.Title, &o.Lead, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article %d was never edited", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find original of article %d: %w", id, err)
	}
	o.EditedAt = fromNanos(at)
	return o, nil
}
