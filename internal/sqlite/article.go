package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// AddArticle implements herald.ArticleService.
//
// An article with an item key claims the key first, in the same
// transaction: a key claimed before means the item is not stored again.
// A new key for an address already stored is remembered as that article's,
// so the source's next fetch skips the item without asking, and created is
// false. An item of a removed source is an ECONFLICT error, so that a fetch
// running while an editor removes the source adds nothing after the purge.
func (db *DB) AddArticle(ctx context.Context, a *herald.Article) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	if err := checkItemKey(a.ItemKey); err != nil {
		return false, err
	}
	created, err := db.addArticle(ctx, a)
	if isUniqueViolation(err) {
		// A writer in another process took the slug or the URL between
		// our check and our insert; the second attempt sees its row.
		created, err = db.addArticle(ctx, a)
	}
	if err != nil {
		return false, fmt.Errorf("add %s: %w", a.OriginalURL, err)
	}
	return created, nil
}

func (db *DB) addArticle(ctx context.Context, a *herald.Article) (bool, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	if a.ItemKey != "" {
		seen, err := takeItem(ctx, tx, a, now)
		if err != nil || seen {
			return false, err
		}
	}

	var existing int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE original_url = ?`, a.OriginalURL).Scan(&existing)
	switch {
	case err == nil:
		stored, err := findArticle(ctx, tx, `a.id = ?`, existing)
		if err != nil {
			return false, err
		}
		if a.ItemKey != "" {
			if err := linkItem(ctx, tx, a.Source.ID, a.ItemKey, existing); err != nil {
				return false, err
			}
			if err := tx.Commit(); err != nil {
				return false, err
			}
		}
		fillStored(a, stored)
		return false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}

	if a.ItemKey == "" { // else takeItem has done it
		if err := upsertSource(ctx, tx, a.Source, now); err != nil {
			return false, err
		}
	}
	slug, err := freeSlug(ctx, tx, a)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO articles (slug, original_url, source_id, title, byline, published_at,
			html, text, lead, image, lang, licence, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		slug, a.OriginalURL, a.Source.ID, a.Title, a.Byline, nanos(a.PublishedAt),
		a.HTML, a.Text, a.Lead, a.Image, a.Lang, string(a.Licence), nanos(now))
	if err != nil {
		return false, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return false, err
	}
	if a.ItemKey != "" {
		if err := linkItem(ctx, tx, a.Source.ID, a.ItemKey, id); err != nil {
			return false, err
		}
	}
	if err := recordChange(ctx, tx, "article", id, now); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	a.ID, a.Slug, a.CreatedAt = id, slug, now
	return true, nil
}

// takeItem finds or creates a's source and records that it delivered
// a.ItemKey. It reports whether the source had delivered the key before;
// then a is filled from the item's article, unless that was deleted.
func takeItem(ctx context.Context, tx *sql.Tx, a *herald.Article, now time.Time) (seen bool, err error) {
	if err := upsertSource(ctx, tx, a.Source, now); err != nil {
		return false, err
	}
	var removed bool
	err = tx.QueryRowContext(ctx, `SELECT removed_at IS NOT NULL FROM sources WHERE id = ?`, a.Source.ID).Scan(&removed)
	if err != nil {
		return false, err
	}
	if removed {
		return false, herald.Errorf(herald.ECONFLICT, "source %q is no longer followed", a.Source.Name)
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO source_items (source_id, item_key, seen_at) VALUES (?, ?, ?)
		ON CONFLICT (source_id, item_key) DO NOTHING`, a.Source.ID, a.ItemKey, nanos(now))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return false, err
	}
	var articleID sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT article_id FROM source_items WHERE source_id = ? AND item_key = ?`,
		a.Source.ID, a.ItemKey).Scan(&articleID)
	if err != nil {
		return true, err
	}
	if articleID.Valid {
		stored, err := findArticle(ctx, tx, `a.id = ?`, articleID.Int64)
		if err != nil {
			return true, err
		}
		fillStored(a, stored)
	}
	return true, nil
}

// linkItem records the article a source's item became.
func linkItem(ctx context.Context, tx *sql.Tx, sourceID int64, key string, articleID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE source_items SET article_id = ? WHERE source_id = ? AND item_key = ?`,
		articleID, sourceID, key)
	return err
}

// freeSlug returns the article's title slug, or its fallback when another
// article holds the title slug already.
func freeSlug(ctx context.Context, tx *sql.Tx, a *herald.Article) (string, error) {
	primary, fallback := herald.ArticleSlugs(a.Title, a.OriginalURL)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE slug = ?`, primary).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		return primary, nil
	}
	return fallback, nil
}

func recordChange(ctx context.Context, tx *sql.Tx, kind string, ref int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, ref, at) VALUES (?, ?, ?)`, kind, ref, nanos(now))
	return err
}

// FindArticleByID implements herald.ArticleService.
func (db *DB) FindArticleByID(ctx context.Context, id int64) (*herald.Article, error) {
	a, err := findArticle(ctx, db.reader, `a.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find article %d: %w", id, err)
	}
	return a, nil
}

// FindArticleBySlug implements herald.ArticleService.
func (db *DB) FindArticleBySlug(ctx context.Context, slug string) (*herald.Article, error) {
	a, err := findArticle(ctx, db.reader, `a.slug = ?`, slug)
	if err != nil {
		return nil, fmt.Errorf("find article %q: %w", slug, err)
	}
	return a, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const articleColumns = `a.id, a.slug, a.original_url, a.title, a.byline, a.published_at,
	a.lead, a.image, a.lang, a.licence, a.created_at,
	s.id, s.slug, s.name, s.homepage, s.created_at`

func findArticle(ctx context.Context, q querier, where string, arg any) (*herald.Article, error) {
	row := q.QueryRowContext(ctx, `SELECT `+articleColumns+`, a.html, a.text
		FROM articles a JOIN sources s ON s.id = a.source_id WHERE `+where, arg)
	a, err := scanArticle(row.Scan, &sql.NullString{}, &sql.NullString{})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	return a, err
}

// scanArticle reads articleColumns, then any extra destinations; when the
// extras are the body columns they are copied into the article.
func scanArticle(scan func(...any) error, body ...*sql.NullString) (*herald.Article, error) {
	a := &herald.Article{Source: &herald.Source{}}
	var published, created, sourceCreated int64
	var licence string
	dest := []any{&a.ID, &a.Slug, &a.OriginalURL, &a.Title, &a.Byline, &published,
		&a.Lead, &a.Image, &a.Lang, &licence, &created,
		&a.Source.ID, &a.Source.Slug, &a.Source.Name, &a.Source.Homepage, &sourceCreated}
	for _, b := range body {
		dest = append(dest, b)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	a.PublishedAt, a.CreatedAt, a.Source.CreatedAt = fromNanos(published), fromNanos(created), fromNanos(sourceCreated)
	a.Licence = herald.Licence(licence)
	if len(body) == 2 {
		a.HTML, a.Text = body[0].String, body[1].String
	}
	return a, nil
}

// FindArticles implements herald.ArticleService.
func (db *DB) FindArticles(ctx context.Context, f herald.ArticleFilter) ([]*herald.Article, string, error) {
	var where []string
	var args []any
	if f.SourceID != 0 {
		where, args = append(where, `a.source_id = ?`), append(args, f.SourceID)
	}
	if f.OriginalURL != "" {
		where, args = append(where, `a.original_url = ?`), append(args, f.OriginalURL)
	}
	if f.Cursor != "" {
		c, err := herald.DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(a.published_at < ? OR (a.published_at = ? AND a.id < ?))`)
		args = append(args, nanos(c.PublishedAt), nanos(c.PublishedAt), c.ID)
	}
	limit := f.PageLimit()
	query := `SELECT ` + articleColumns + ` FROM articles a JOIN sources s ON s.id = a.source_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY a.published_at DESC, a.id DESC LIMIT ?`
	args = append(args, limit+1)

	rows, err := db.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("find articles: %w", err)
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan)
		if err != nil {
			return nil, "", fmt.Errorf("find articles: %w", err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("find articles: %w", err)
	}
	return herald.NextPage(list, limit)
}
