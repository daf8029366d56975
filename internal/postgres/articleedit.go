package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	var id int64
	var was store.Shown
	var text string
	err = tx.QueryRow(ctx, `SELECT id, title, lead, text FROM articles WHERE slug = $1 FOR UPDATE`, slug).
		Scan(&id, &was.Title, &was.Lead, &text)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return err
	}
	// The first edit keeps what the article came with; later ones only
	// move the time.
	if _, err := tx.Exec(ctx, `
		INSERT INTO article_originals (article_id, title, lead, edited_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (article_id) DO UPDATE SET edited_at = excluded.edited_at`, id, was.Title, was.Lead, now); err != nil {
		return err
	}
	shown := store.EditedArticle(e, was, text)
	if _, err := tx.Exec(ctx, `UPDATE articles SET title = $2, lead = $3 WHERE id = $1`, id, shown.Title, shown.Lead); err != nil {
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
	return tx.Commit(ctx)
}

// FindArticleOriginal implements herald.ArticleEditService.
func (db *DB) FindArticleOriginal(ctx context.Context, id int64) (*herald.ArticleOriginal, error) {
	o := &herald.ArticleOriginal{}
	err := db.pool.QueryRow(ctx, `SELECT title, lead, edited_at FROM article_originals WHERE article_id = $1`, id).
		Scan(&o.Title, &o.Lead, &o.EditedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article %d was never edited", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find original of article %d: %w", id, err)
	}
	o.EditedAt = o.EditedAt.UTC()
	return o, nil
}
