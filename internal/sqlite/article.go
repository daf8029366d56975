package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// AddArticle implements herald.ArticleService.
//
// An article with an item key claims the key first, in the same
// transaction: a key claimed before means the item is not stored again.
// A new key for an address already stored is remembered as that article's,
// so the source's next fetch skips the item without asking, and created is
// false. An item of a removed source is an ECONFLICT error, so that a fetch
// running while an editor removes the source adds nothing after the purge.
//
// A copy of a text (a.DuplicateOf set) is placed by store.PlaceCopy in
// the same transaction. The writer connection runs one transaction at a
// time, in this process and in any other sharing the file, so two copies
// of one text are placed one after the other.
func (db *DB) AddArticle(ctx context.Context, a *herald.Article) (bool, error) {
	bands, err := store.CheckArticle(a)
	if err != nil {
		return false, err
	}
	created, err := db.addArticle(ctx, a, bands)
	if isUniqueViolation(err) {
		// A writer in another process took the slug or the URL between
		// our check and our insert; the second attempt sees its row.
		created, err = db.addArticle(ctx, a, bands)
	}
	if err != nil {
		return false, fmt.Errorf("add %s: %w", a.OriginalURL, err)
	}
	return created, nil
}

func (db *DB) addArticle(ctx context.Context, a *herald.Article, bands []int64) (bool, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	row, keep, err := db.insertArticle(ctx, tx, a, bands, db.Now().UTC())
	if err != nil || !keep {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	if row == nil {
		return false, nil
	}
	row.fill(a)
	return true, nil
}

// AddArticles stores articles in one transaction, each as AddArticle
// would, for bulk loads: one commit, and one flush of the search index's
// pending terms, for the batch rather than for each article. It returns
// how many were new. On an error nothing of the batch is stored.
func (db *DB) AddArticles(ctx context.Context, as []*herald.Article) (int, error) {
	bands, err := store.CheckArticles(as)
	if err != nil {
		return 0, err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("add articles: %w", err)
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	rows := make([]*insertedRow, len(as))
	for i, a := range as {
		if rows[i], _, err = db.insertArticle(ctx, tx, a, bands[i], now); err != nil {
			return 0, fmt.Errorf("add %s: %w", a.OriginalURL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("add articles: %w", err)
	}
	created := 0
	for i, r := range rows {
		if r != nil {
			r.fill(as[i])
			created++
		}
	}
	return created, nil
}

// insertedRow is what insertArticle gave a new article, set on it once
// its transaction has committed.
type insertedRow struct {
	id          int64
	slug        string
	created     time.Time
	duplicateOf int64
	// updated and revisions are a restored article's; a new one has
	// none and one.
	updated   time.Time
	revisions int
}

func (r *insertedRow) fill(a *herald.Article) {
	a.ID, a.Slug, a.CreatedAt, a.DuplicateOf = r.id, r.slug, r.created, r.duplicateOf
	a.UpdatedAt, a.Revisions = r.updated, max(r.revisions, 1)
}

// insertArticle does AddArticle's work in tx. It returns the new row, or
// nil when a's item or address was stored before (a is then filled from
// the stored article); keep says whether tx holds a change to commit.
func (db *DB) insertArticle(ctx context.Context, tx *sql.Tx, a *herald.Article, bands []int64, now time.Time) (row *insertedRow, keep bool, err error) {
	if a.ItemKey != "" {
		seen, err := takeItem(ctx, tx, a, now)
		if err != nil || seen {
			return nil, false, err
		}
	}

	var existing int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE original_url = ?`, a.OriginalURL).Scan(&existing)
	switch {
	case err == nil:
		stored, err := findArticle(ctx, tx, `a.id = ?`, existing)
		if err != nil {
			return nil, false, err
		}
		if a.ItemKey != "" {
			if err := linkItem(ctx, tx, a.Source.ID, a.ItemKey, existing); err != nil {
				return nil, false, err
			}
		}
		store.FillStored(a, stored)
		return nil, a.ItemKey != "", nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, err
	}

	if a.ItemKey == "" { // else takeItem has done it
		if err := upsertSource(ctx, tx, a.Source, now); err != nil {
			return nil, false, err
		}
	}
	slug, err := freeSlug(ctx, tx, a)
	if err != nil {
		return nil, false, err
	}
	var place store.CopyPlace
	if a.DuplicateOf != 0 {
		shown, licence, err := shownCopy(ctx, tx, a.DuplicateOf)
		if err != nil {
			return nil, false, err
		}
		place = store.PlaceCopy(a.Licence, shown, licence)
	}
	row = &insertedRow{slug: slug, created: now, duplicateOf: place.DuplicateOf}
	if err := writeArticle(ctx, tx, a, row, place.Replaces, bands, now); err != nil {
		return nil, false, err
	}
	id := row.id
	if a.ItemKey != "" {
		if err := linkItem(ctx, tx, a.Source.ID, a.ItemKey, id); err != nil {
			return nil, false, err
		}
	}
	if err := recordChange(ctx, tx, "article", id, now); err != nil {
		return nil, false, err
	}
	return row, true, nil
}

// writeArticle inserts a's row as row says, with what goes with a new
// article: its bands, its search entry, its place in the related queue
// and, when its source is followed, its first re-check. replaces is the
// shown copy it takes the page from, 0 for none.
// A row without an id gets a new one (see nextID); RestoreArticle gives
// the id the article had.
func writeArticle(ctx context.Context, tx *sql.Tx, a *herald.Article, row *insertedRow, replaces int64, bands []int64, now time.Time) error {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO articles (id, slug, original_url, source_id, title, byline, published_at,
			html, text, lead, image, lang, licence, created_at,
			text_hash, fingerprint, duplicate_of, updated_at, revisions)
		VALUES (coalesce(?, `+nextID("articles")+`), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		nullID(row.id), row.slug, a.OriginalURL, a.Source.ID, a.Title, a.Byline, nanos(a.PublishedAt),
		a.HTML, a.Text, a.Lead, a.Image, a.Lang, string(a.Licence), nanos(row.created),
		int64(a.Dedup.Hash), nullBytes(a.Dedup.Signature), nullID(row.duplicateOf),
		nullNanos(row.updated), max(row.revisions, 1)).Scan(&row.id)
	if err != nil {
		return err
	}
	id := row.id
	if replaces != 0 {
		// The old shown copy and its copies all point at the new one.
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET duplicate_of = ? WHERE id = ? OR duplicate_of = ?`,
			id, replaces, replaces); err != nil {
			return err
		}
	}
	if err := addBands(ctx, tx, id, bands); err != nil {
		return err
	}
	if err := indexArticle(ctx, tx, id, a); err != nil {
		return err
	}
	if row.duplicateOf == 0 { // a copy's page shows its text's list
		// Held until the pipeline has placed the article in its story and
		// topics (ReleaseRelatedWork), or, if it stops first, for a while.
		if _, err := tx.ExecContext(ctx, `INSERT INTO related_queue (article_id, claimed_until) VALUES (?, ?)`,
			id, nanos(now.Add(herald.RelatedHold))); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO article_rechecks (article_id, due_at, page_hash, etag, last_modified)
		SELECT ?, ?, ?, ?, ? FROM sources WHERE id = ? AND feed_url <> '' AND removed_at IS NULL`,
		id, nanos(store.FirstRecheck(row.created)), a.PageHash, a.PageETag, a.PageLastModified, a.Source.ID); err != nil {
		return err
	}
	return nil
}

// nextID is the SQL expression of the id for a new row of table:
// above every row's and above the table's floor (see id_floors,
// migration 0019), so that no id a takedown keeps is given again.
func nextID(table string) string {
	return `(SELECT max(coalesce((SELECT max(id) FROM ` + table + `), 0),
		coalesce((SELECT id FROM id_floors WHERE name = '` + table + `'), 0)) + 1)`
}

// shownCopy returns the shown copy of the text that article id is a copy
// of, and its licence: id itself when it is shown, else the article it
// points at. It returns 0 when id names no article any more. Copies
// point at the shown copy, never at another copy, so one step is enough.
func shownCopy(ctx context.Context, tx *sql.Tx, id int64) (int64, herald.Licence, error) {
	var shown int64
	var licence string
	err := tx.QueryRowContext(ctx, `
		SELECT s.id, s.licence FROM articles n JOIN articles s ON s.id = coalesce(n.duplicate_of, n.id)
		WHERE n.id = ?`, id).Scan(&shown, &licence)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("find shown copy of article %d: %w", id, err)
	}
	return shown, herald.Licence(licence), nil
}

// addBands stores the band keys of article id in one statement.
func addBands(ctx context.Context, tx *sql.Tx, id int64, keys []int64) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, id)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO article_bands (band, article_id) VALUES (?, ?)`+
		strings.Repeat(`, (?, ?)`, len(keys)-1), args...)
	return err
}

// nullID is id, or NULL for 0.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// nullBytes is b, or NULL when b is empty.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
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
		store.FillStored(a, stored)
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
// article, or a takedown, holds the title slug already: a taken-down
// article's address keeps saying why it is gone.
func freeSlug(ctx context.Context, tx *sql.Tx, a *herald.Article) (string, error) {
	primary, fallback := herald.ArticleSlugs(a.Title, a.OriginalURL)
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?1)
		OR EXISTS (SELECT 1 FROM takedowns WHERE slug = ?1)`, primary).Scan(&taken); err != nil {
		return "", err
	}
	if !taken {
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
	a, err := db.findArticleWithCopies(ctx, `a.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find article %d: %w", id, err)
	}
	return a, nil
}

// FindArticleBySlug implements herald.ArticleService.
func (db *DB) FindArticleBySlug(ctx context.Context, slug string) (*herald.Article, error) {
	a, err := db.findArticleWithCopies(ctx, `a.slug = ?`, slug)
	if err != nil {
		return nil, fmt.Errorf("find article %q: %w", slug, err)
	}
	return a, nil
}

// findArticleWithCopies finds one article and the copies of its text in
// one read transaction, so that both come from the same moment.
func (db *DB) findArticleWithCopies(ctx context.Context, where string, arg any) (*herald.Article, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	a, err := findArticle(ctx, tx, where, arg)
	if err != nil {
		return nil, err
	}
	if err := fillCopies(ctx, tx, []*herald.Article{a}); err != nil {
		return nil, err
	}
	return a, tx.Commit()
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// articleColumns are what scanArticle reads, before the body columns.
const articleColumns = `a.id, a.slug, a.original_url, a.title, a.byline, a.published_at,
	a.lead, a.image, a.lang, a.licence, a.created_at, a.duplicate_of,
	s.id, s.slug, s.name, s.homepage, s.created_at, a.story_id, a.updated_at, a.revisions`

// bodyColumns are the columns only single articles and candidates read.
const bodyColumns = `a.html, a.text, a.text_hash, a.fingerprint`

func findArticle(ctx context.Context, q querier, where string, arg any) (*herald.Article, error) {
	row := q.QueryRowContext(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id WHERE `+where, arg)
	a, err := scanArticle(row.Scan, true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	return a, err
}

// scanArticles reads every row of rows as an article and closes rows.
func scanArticles(rows *sql.Rows, withBody bool) ([]*herald.Article, error) {
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, withBody)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, errors.Join(rows.Err(), rows.Close())
}

// scanArticle reads articleColumns, then bodyColumns when withBody. Of the
// fingerprint it fills Hash and Signature; the bands are not read back.
func scanArticle(scan func(...any) error, withBody bool) (*herald.Article, error) {
	a := &herald.Article{Source: &herald.Source{}}
	var published, created, sourceCreated, hash int64
	var licence string
	var duplicateOf, storyID, updated sql.NullInt64
	dest := []any{&a.ID, &a.Slug, &a.OriginalURL, &a.Title, &a.Byline, &published,
		&a.Lead, &a.Image, &a.Lang, &licence, &created, &duplicateOf,
		&a.Source.ID, &a.Source.Slug, &a.Source.Name, &a.Source.Homepage, &sourceCreated, &storyID,
		&updated, &a.Revisions}
	if withBody {
		dest = append(dest, &a.HTML, &a.Text, &hash, &a.Dedup.Signature)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	a.PublishedAt, a.CreatedAt, a.Source.CreatedAt = fromNanos(published), fromNanos(created), fromNanos(sourceCreated)
	a.Licence = herald.Licence(licence)
	a.DuplicateOf = duplicateOf.Int64
	a.StoryID = storyID.Int64
	a.UpdatedAt = fromNull(updated)
	a.Dedup.Hash = uint64(hash)
	return a, nil
}

// fillCopies sets the Copies of every article in list with one query:
// the shown copy of each text, and every article that points at it.
func fillCopies(ctx context.Context, q querier, list []*herald.Article) error {
	shown := store.ShownIDs(list)
	if len(shown) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(shown))
	for range 2 {
		for _, id := range shown {
			args = append(args, id)
		}
	}
	in := `?` + strings.Repeat(`, ?`, len(shown)-1)
	rows, err := q.QueryContext(ctx, `
		SELECT coalesce(a.duplicate_of, a.id), a.id, a.original_url, a.published_at, a.licence,
			s.id, s.slug, s.name, s.homepage, s.created_at
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.duplicate_of IN (`+in+`) OR a.id IN (`+in+`)
		ORDER BY a.published_at, a.id`, args...)
	if err != nil {
		return fmt.Errorf("find copies: %w", err)
	}
	defer rows.Close()
	copies := make(map[int64][]herald.Copy, len(shown))
	for rows.Next() {
		var of, published, sourceCreated int64
		var licence string
		c := herald.Copy{Source: &herald.Source{}}
		if err := rows.Scan(&of, &c.ArticleID, &c.OriginalURL, &published, &licence,
			&c.Source.ID, &c.Source.Slug, &c.Source.Name, &c.Source.Homepage, &sourceCreated); err != nil {
			return fmt.Errorf("find copies: %w", err)
		}
		c.PublishedAt, c.Source.CreatedAt, c.Licence = fromNanos(published), fromNanos(sourceCreated), herald.Licence(licence)
		copies[of] = append(copies[of], c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find copies: %w", err)
	}
	store.AttachCopies(list, copies)
	return nil
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
	if f.SourceID == 0 && f.OriginalURL == "" {
		// Written as the index articles_shown_by_time states it, so that
		// SQLite reads the list from it.
		where = append(where, `a.duplicate_of IS NULL`)
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
	query := `SELECT ` + articleColumns + ` FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE ` + strings.Join(where, ` AND `) + `
		ORDER BY a.published_at DESC, a.id DESC LIMIT ?`
	args = append(args, limit+1)

	list, next, err := db.findArticles(ctx, query, args, limit)
	if err != nil {
		return nil, "", fmt.Errorf("find articles: %w", err)
	}
	return list, next, nil
}

// findArticles reads one page and the copies of its texts in one read
// transaction.
func (db *DB) findArticles(ctx context.Context, query string, args []any, limit int) ([]*herald.Article, string, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", err
	}
	list, err := scanArticles(rows, false)
	if err != nil {
		return nil, "", err
	}
	list, next, err := herald.NextPage(list, limit)
	if err != nil {
		return nil, "", err
	}
	if err := fillCopies(ctx, tx, list); err != nil {
		return nil, "", err
	}
	return list, next, tx.Commit()
}

// FindCopyCandidates implements herald.ArticleService. Equal texts are
// found through articles_by_text_hash, near ones through the primary key
// of article_bands; those sharing more bands come first.
func (db *DB) FindCopyCandidates(ctx context.Context, hash uint64, bands []uint64, limit int) ([]*herald.Article, error) {
	keys, err := store.BandKeys(bands)
	if err != nil {
		return nil, err
	}
	limit = min(limit, store.MaxCandidates)
	if limit <= 0 || (hash == 0 && len(keys) == 0) {
		return nil, nil
	}
	list, err := db.findCopyCandidates(ctx, int64(hash), keys, limit)
	if err != nil {
		return nil, fmt.Errorf("find copy candidates: %w", err)
	}
	return list, nil
}

func (db *DB) findCopyCandidates(ctx context.Context, hash int64, keys []int64, limit int) ([]*herald.Article, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var ids []int64
	seen := make(map[int64]bool)
	collect := func(query string, args ...any) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() && len(ids) < limit {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return errors.Join(rows.Err(), rows.Close())
	}
	if hash != 0 {
		// "text_hash <> 0" lets SQLite use the partial index.
		if err := collect(`SELECT id FROM articles WHERE text_hash = ? AND text_hash <> 0 ORDER BY id LIMIT ?`,
			hash, limit); err != nil {
			return nil, err
		}
	}
	if len(keys) > 0 && len(ids) < limit {
		args := make([]any, 0, len(keys)+1)
		for _, k := range keys {
			args = append(args, k)
		}
		// The exact matches share every band: ask for enough to fill
		// the limit after them.
		args = append(args, limit+len(ids))
		if err := collect(`
			SELECT article_id FROM article_bands WHERE band IN (?`+strings.Repeat(`, ?`, len(keys)-1)+`)
			GROUP BY article_id ORDER BY count(*) DESC, article_id DESC LIMIT ?`, args...); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, tx.Commit()
	}

	list, err := articlesByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	return list, tx.Commit()
}

// articlesByID reads the articles ids with their bodies, in the order of
// ids; ids not found are left out.
func articlesByID(ctx context.Context, q querier, ids []int64) ([]*herald.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	list, err := scanArticles(rows, true)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*herald.Article, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	return store.InOrder(ids, byID), nil
}

// anys returns ids as query arguments.
func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// CountArticlesSince implements herald.ArticleService.
func (db *DB) CountArticlesSince(ctx context.Context, since time.Time) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE created_at >= ?`,
		nanos(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles since %s: %w", since, err)
	}
	return n, nil
}
