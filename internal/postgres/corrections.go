package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

var _ herald.CorrectionService = (*DB)(nil)

// AddCorrections implements herald.CorrectionService.
func (db *DB) AddCorrections(ctx context.Context, articleID int64, notes []string) error {
	if err := db.addCorrections(ctx, articleID, store.CorrectionNotes(notes)); err != nil {
		return fmt.Errorf("add corrections of article %d: %w", articleID, err)
	}
	return nil
}

func (db *DB) addCorrections(ctx context.Context, articleID int64, notes []string) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var one int
	err = tx.QueryRow(ctx, `SELECT 1 FROM articles WHERE id = $1`, articleID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return err
	}
	now := micro(db.Now())
	added := false
	for _, n := range notes {
		tag, err := tx.Exec(ctx, `INSERT INTO corrections (article_id, text, found_at) VALUES ($1, $2, $3)
			ON CONFLICT (article_id, text) DO NOTHING`, articleID, n, now)
		if err != nil {
			return err
		}
		added = added || tag.RowsAffected() > 0
	}
	if added {
		if err := recordChange(ctx, tx, "article", articleID, now); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// FindCorrections implements herald.CorrectionService.
func (db *DB) FindCorrections(ctx context.Context, f herald.CorrectionFilter) ([]*herald.Correction, string, error) {
	list, next, err := db.findCorrections(ctx, f)
	if err != nil {
		return nil, "", fmt.Errorf("find corrections: %w", err)
	}
	return list, next, nil
}

func (db *DB) findCorrections(ctx context.Context, f herald.CorrectionFilter) ([]*herald.Correction, string, error) {
	after, limit, err := store.CorrectionPage(f)
	if err != nil {
		return nil, "", err
	}
	rows, err := db.pool.Query(ctx, `
		SELECT c.id, c.article_id, c.text, c.found_at, a.slug, a.title, a.licence, s.name, s.slug
		FROM corrections c JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id
		WHERE ($1 = 0 OR c.article_id = $1) AND ($2 = 0 OR (c.found_at, c.id) < ($3, $2))
		ORDER BY c.found_at DESC, c.id DESC LIMIT $4`,
		f.ArticleID, after.ID, micro(after.PublishedAt), limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var list []*herald.Correction
	var ids []int64
	for rows.Next() {
		c := &herald.Correction{}
		var licence string
		var id int64
		if err := rows.Scan(&id, &c.ArticleID, &c.Text, &c.FoundAt, &c.ArticleSlug, &c.ArticleTitle, &licence, &c.SourceName, &c.SourceSlug); err != nil {
			return nil, "", err
		}
		c.FoundAt = c.FoundAt.UTC()
		c.Licence = herald.Licence(licence)
		list, ids = append(list, c), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	list, next := store.CorrectionNext(list, ids, limit)
	return list, next, nil
}
