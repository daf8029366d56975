package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/jackc/pgx/v5"
)

// maxAttempts bounds how often AddArticle runs its transaction. A retry
// happens only when another writer committed the same address or slug
// between our look and our insert, and the retry sees that row, so a
// third attempt is already rare.
const maxAttempts = 3

// AddArticle implements herald.ArticleService.
//
// An article with an item key claims the key first, in the same
// transaction: a key claimed before means the item is not stored again,
// and a transaction adding the same key at the same time waits for this
// one and then finds it claimed. A new key for an address already stored
// is remembered as that article's, so the source's next fetch skips the
// item without asking, and created is false. An item of a removed source
// is an ECONFLICT error, so that a fetch running while an editor removes
// the source adds nothing after the purge.
func (db *DB) AddArticle(ctx context.Context, a *herald.Article) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	if err := checkItemKey(a.ItemKey); err != nil {
		return false, err
	}
	var created bool
	var err error
	for range maxAttempts {
		created, err = db.addArticle(ctx, a)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("add %s: %w", a.OriginalURL, err)
	}
	return created, nil
}

func (db *DB) addArticle(ctx context.Context, a *herald.Article) (bool, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	if a.ItemKey != "" {
		seen, err := takeItem(ctx, tx, a, now)
		if err != nil || seen {
			return false, err
		}
	}

	stored, err := findArticle(ctx, tx, `a.original_url = $1`, a.OriginalURL)
	switch {
	case err == nil:
		return false, keepStored(ctx, tx, a, stored)
	case herald.ErrorCode(err) != herald.ENOTFOUND:
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
	published := micro(a.PublishedAt)
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO articles (slug, original_url, source_id, title, byline, published_at,
			html, text, lead, image, lang, licence, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (original_url) DO NOTHING
		RETURNING id`,
		slug, a.OriginalURL, a.Source.ID, a.Title, a.Byline, published,
		a.HTML, a.Text, a.Lead, a.Image, a.Lang, string(a.Licence), now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another transaction stored this address after our first look
		// and committed. Report its article as if we had seen it first:
		// without an item key, any source we added is rolled back.
		stored, err := findArticle(ctx, tx, `a.original_url = $1`, a.OriginalURL)
		if err != nil {
			return false, err
		}
		return false, keepStored(ctx, tx, a, stored)
	}
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
	if err := tx.Commit(ctx); err != nil {
		return false, err
	}
	a.ID, a.Slug, a.PublishedAt, a.CreatedAt = id, slug, published, now
	return true, nil
}

// keepStored ends an add whose address is stored already: a is filled
// from the stored article and, when it came with an item key, the key is
// remembered as that article's and committed. Without a key nothing is
// committed.
func keepStored(ctx context.Context, tx pgx.Tx, a, stored *herald.Article) error {
	if a.ItemKey != "" {
		if err := linkItem(ctx, tx, a.Source.ID, a.ItemKey, stored.ID); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
	}
	fillStored(a, stored)
	return nil
}

// takeItem finds or creates a's source and records that it delivered
// a.ItemKey. It reports whether the source had delivered the key before;
// then a is filled from the item's article, unless that was deleted.
func takeItem(ctx context.Context, tx pgx.Tx, a *herald.Article, now time.Time) (seen bool, err error) {
	if err := upsertSource(ctx, tx, a.Source, now); err != nil {
		return false, err
	}
	// The share lock holds RemoveSource off until this transaction ends,
	// so that its purge sees the article; and a removal that came first
	// is seen here.
	var removed bool
	err = tx.QueryRow(ctx, `SELECT removed_at IS NOT NULL FROM sources WHERE id = $1 FOR SHARE`, a.Source.ID).Scan(&removed)
	if err != nil {
		return false, err
	}
	if removed {
		return false, herald.Errorf(herald.ECONFLICT, "source %q is no longer followed", a.Source.Name)
	}
	// A transaction that claimed the same key and has not ended makes
	// this insert wait; once it commits, the key is taken.
	tag, err := tx.Exec(ctx, `
		INSERT INTO source_items (source_id, item_key, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (source_id, item_key) DO NOTHING`, a.Source.ID, a.ItemKey, now)
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 1 {
		return false, nil
	}
	var articleID *int64
	err = tx.QueryRow(ctx, `SELECT article_id FROM source_items WHERE source_id = $1 AND item_key = $2`,
		a.Source.ID, a.ItemKey).Scan(&articleID)
	if err != nil {
		return true, err
	}
	if articleID != nil {
		stored, err := findArticle(ctx, tx, `a.id = $1`, *articleID)
		if err != nil {
			return true, err
		}
		fillStored(a, stored)
	}
	return true, nil
}

// linkItem records the article a source's item became.
func linkItem(ctx context.Context, tx pgx.Tx, sourceID int64, key string, articleID int64) error {
	_, err := tx.Exec(ctx, `UPDATE source_items SET article_id = $1 WHERE source_id = $2 AND item_key = $3`,
		articleID, sourceID, key)
	return err
}

// freeSlug returns the article's title slug, or its fallback when another
// article holds the title slug already. Two writers may both find the title
// slug free; the unique index refuses the second, and its retry takes the
// fallback.
func freeSlug(ctx context.Context, tx pgx.Tx, a *herald.Article) (string, error) {
	primary, fallback := herald.ArticleSlugs(a.Title, a.OriginalURL)
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE slug = $1)`, primary).Scan(&taken); err != nil {
		return "", err
	}
	if taken {
		return fallback, nil
	}
	return primary, nil
}

// recordChange appends to the change log, whose highest id is the version.
// Identity values are handed out at insert, not at commit: unlocked, one
// transaction could take id 5 and commit after another took and committed
// id 6, and a cache that had read version 6 would never see the later
// change. The lock lets plain reads through, is held until commit, and is
// taken last, so ids follow commit order at the cost of serialising only
// the end of each write.
func recordChange(ctx context.Context, tx pgx.Tx, kind string, ref int64, now time.Time) error {
	if _, err := tx.Exec(ctx, `LOCK TABLE changes IN EXCLUSIVE MODE`); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO changes (kind, ref, at) VALUES ($1, $2, $3)`, kind, ref, now)
	return err
}

// FindArticleByID implements herald.ArticleService.
func (db *DB) FindArticleByID(ctx context.Context, id int64) (*herald.Article, error) {
	a, err := findArticle(ctx, db.pool, `a.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("find article %d: %w", id, err)
	}
	return a, nil
}

// FindArticleBySlug implements herald.ArticleService.
func (db *DB) FindArticleBySlug(ctx context.Context, slug string) (*herald.Article, error) {
	a, err := findArticle(ctx, db.pool, `a.slug = $1`, slug)
	if err != nil {
		return nil, fmt.Errorf("find article %q: %w", slug, err)
	}
	return a, nil
}

// querier is what a pool and a transaction share.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const articleColumns = `a.id, a.slug, a.original_url, a.title, a.byline, a.published_at,
	a.lead, a.image, a.lang, a.licence, a.created_at,
	s.id, s.slug, s.name, s.homepage, s.created_at`

func findArticle(ctx context.Context, q querier, where string, arg any) (*herald.Article, error) {
	row := q.QueryRow(ctx, `SELECT `+articleColumns+`, a.html, a.text
		FROM articles a JOIN sources s ON s.id = a.source_id WHERE `+where, arg)
	a, err := scanArticle(row.Scan, true)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	return a, err
}

// scanArticle reads articleColumns, then the body columns when withBody.
func scanArticle(scan func(...any) error, withBody bool) (*herald.Article, error) {
	a := &herald.Article{Source: &herald.Source{}}
	var licence string
	dest := []any{&a.ID, &a.Slug, &a.OriginalURL, &a.Title, &a.Byline, &a.PublishedAt,
		&a.Lead, &a.Image, &a.Lang, &licence, &a.CreatedAt,
		&a.Source.ID, &a.Source.Slug, &a.Source.Name, &a.Source.Homepage, &a.Source.CreatedAt}
	if withBody {
		dest = append(dest, &a.HTML, &a.Text)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	// pgx reads timestamptz in the local zone; the stores speak UTC.
	a.PublishedAt, a.CreatedAt, a.Source.CreatedAt = a.PublishedAt.UTC(), a.CreatedAt.UTC(), a.Source.CreatedAt.UTC()
	a.Licence = herald.Licence(licence)
	return a, nil
}

// FindArticles implements herald.ArticleService.
func (db *DB) FindArticles(ctx context.Context, f herald.ArticleFilter) ([]*herald.Article, string, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.SourceID != 0 {
		where = append(where, `a.source_id = `+arg(f.SourceID))
	}
	if f.OriginalURL != "" {
		where = append(where, `a.original_url = `+arg(f.OriginalURL))
	}
	if f.Cursor != "" {
		c, err := herald.DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		// Cursors carry nanoseconds, the column microseconds. Cursors we
		// make come from stored rows and lose nothing; for any other, every
		// row in the cursor's microsecond is older than it, whatever its id.
		at, id := micro(c.PublishedAt), c.ID
		if !at.Equal(c.PublishedAt) {
			id = math.MaxInt64
		}
		where = append(where, `(a.published_at, a.id) < (`+arg(at)+`, `+arg(id)+`)`)
	}
	limit := f.PageLimit()
	query := `SELECT ` + articleColumns + ` FROM articles a JOIN sources s ON s.id = a.source_id`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY a.published_at DESC, a.id DESC LIMIT ` + arg(limit+1)

	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("find articles: %w", err)
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
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
