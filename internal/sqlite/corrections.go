package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
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
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM articles WHERE id = ?`, articleID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return err
	}
	now := db.Now().UTC()
	added := false
	for _, n := range notes {
		res, err := tx.ExecContext(ctx, `INSERT INTO corrections (article_id, text, found_at) VALUES (?, ?, ?)
			ON CONFLICT (article_id, text) DO NOTHING`, articleID, n, nanos(now))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			added = true
		}
	}
	if added {
		if err := recordChange(ctx, tx, "article", articleID, now); err != nil {
			return err
		}
	}
	return tx.Commit()
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
	rows, err := db.reader.QueryContext(ctx, `
		SELECT c.id, c.article_id, c.text, c.found_at, a.slug, a.title, a.licence, s.name, s.slug
		FROM corrections c JOIN articles a ON a.id = c.article_id JOIN sources s ON s.id = a.source_id
		WHERE (? = 0 OR c.article_id = ?) AND (? = 0 OR (c.found_at, c.id) < (?, ?))
		ORDER BY c.found_at DESC, c.id DESC LIMIT ?`,
		f.ArticleID, f.ArticleID, after.ID, nanos(after.PublishedAt), after.ID, limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var list []*herald.Correction
	var ids []int64
	for rows.Next() {
		c := &herald.Correction{}
		var licence string
		var id, found int64
		if err := rows.Scan(&id, &c.ArticleID, &c.Text, &found, &c.ArticleSlug, &c.ArticleTitle, &licence, &c.SourceName, &c.SourceSlug); err != nil {
			return nil, "", err
		}
		c.FoundAt = fromNanos(found)
		c.Licence = herald.Licence(licence)
		list, ids = append(list, c), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	list, next := store.CorrectionNext(list, ids, limit)
	return list, next, nil
}
