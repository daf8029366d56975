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
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/store"
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
//
// A copy of a text (a.DuplicateOf set) locks the text's shown copy (see
// shownCopy) before store.PlaceCopy decides where it goes, so that copies
// of one text arriving at once are placed one after the other, and a new
// shown copy never leaves another copy pointing at the old one.
func (db *DB) AddArticle(ctx context.Context, a *herald.Article) (bool, error) {
	bands, err := store.CheckArticle(a)
	if err != nil {
		return false, err
	}
	var created bool
	for range maxAttempts {
		created, err = db.addArticle(ctx, a, bands)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("add %s: %w", a.OriginalURL, err)
	}
	return created, nil
}

func (db *DB) addArticle(ctx context.Context, a *herald.Article, bands []int64) (bool, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	row, keep, err := insertArticle(ctx, tx, a, bands, micro(db.Now()))
	if err != nil || !keep {
		return false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return false, err
	}
	if row == nil {
		return false, nil
	}
	row.fill(a)
	return true, nil
}

// AddArticles stores articles in one transaction, each as AddArticle
// would, for bulk loads: one commit for the batch rather than one for
// each article. It returns how many were new. On an error nothing of the
// batch is stored; unlike AddArticle it does not retry when another
// writer stores one of the addresses at the same time.
func (db *DB) AddArticles(ctx context.Context, as []*herald.Article) (int, error) {
	bands, err := store.CheckArticles(as)
	if err != nil {
		return 0, err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("add articles: %w", err)
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	rows := make([]*insertedRow, len(as))
	for i, a := range as {
		if rows[i], _, err = insertArticle(ctx, tx, a, bands[i], now); err != nil {
			return 0, fmt.Errorf("add %s: %w", a.OriginalURL, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
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
	published   time.Time
	created     time.Time
	duplicateOf int64
	// updated and revisions are a restored article's; a new one has
	// none and one.
	updated   time.Time
	revisions int
}

func (r *insertedRow) fill(a *herald.Article) {
	a.ID, a.Slug, a.PublishedAt, a.CreatedAt, a.DuplicateOf = r.id, r.slug, r.published, r.created, r.duplicateOf
	a.UpdatedAt, a.Revisions = r.updated, max(r.revisions, 1)
}

// insertArticle does AddArticle's work in tx. It returns the new row, or
// nil when a's item or address was stored before (a is then filled from
// the stored article); keep says whether tx holds a change to commit.
func insertArticle(ctx context.Context, tx pgx.Tx, a *herald.Article, bands []int64, now time.Time) (row *insertedRow, keep bool, err error) {
	if a.ItemKey != "" {
		seen, err := takeItem(ctx, tx, a, now)
		if err != nil || seen {
			return nil, false, err
		}
	}

	// The address's article and the title slug's holder, in one round trip.
	var (
		stored *herald.Article
		taken  bool
		b      batch
	)
	primary, fallback := herald.ArticleSlugs(a.Title, a.OriginalURL)
	b.query("find article", findArticleWhere+`a.original_url = $1`,
		func(r pgx.Rows) (err error) {
			stored, err = scanArticle(r.Scan, true)
			return err
		}, a.OriginalURL)
	// A taken-down article's slug stays taken: its address keeps saying
	// why it is gone.
	b.queryRow("find slug", `SELECT EXISTS (SELECT 1 FROM articles WHERE slug = $1)
		OR EXISTS (SELECT 1 FROM takedowns WHERE slug = $1)`,
		func(r pgx.Row) error { return r.Scan(&taken) }, primary)
	if err := b.send(ctx, tx); err != nil {
		return nil, false, err
	}
	if stored != nil {
		keep, err := keepStored(ctx, tx, a, stored)
		return nil, keep, err
	}
	// Two writers may both find the title slug free; the unique index
	// refuses the second, and its retry takes the fallback.
	slug := primary
	if taken {
		slug = fallback
	}
	if a.ItemKey == "" { // else takeItem has done it
		if err := upsertSource(ctx, tx, a.Source, now); err != nil {
			return nil, false, err
		}
	}
	var place store.CopyPlace
	if a.DuplicateOf != 0 {
		shown, licence, err := shownCopy(ctx, tx, a.DuplicateOf)
		if err != nil {
			return nil, false, err
		}
		place = store.PlaceCopy(a.Licence, shown, licence)
	}
	row = &insertedRow{slug: slug, published: micro(a.PublishedAt), created: now, duplicateOf: place.DuplicateOf}
	after, err := writeArticle(ctx, tx, a, row, place.Replaces, bands, now)
	if errors.Is(err, errAddressTaken) {
		// Another transaction stored this address after our first look
		// and committed. Report its article as if we had seen it first:
		// without an item key, any source we added is rolled back.
		stored, err := findArticle(ctx, tx, `a.original_url = $1`, a.OriginalURL)
		if err != nil {
			return nil, false, err
		}
		keep, err := keepStored(ctx, tx, a, stored)
		return nil, keep, err
	}
	if err != nil {
		return nil, false, err
	}
	id := row.id
	if a.ItemKey != "" {
		queueLinkItem(after, a.Source.ID, a.ItemKey, id)
	}
	queueRecordChange(after, "article", id, now)
	if err := after.send(ctx, tx); err != nil {
		return nil, false, err
	}
	return row, true, nil
}

// errAddressTaken is writeArticle's error when another article has the
// address.
var errAddressTaken = errors.New("address taken")

// The statements writeArticle runs: one writes the article and its search
// row; when the address is taken, neither is written and no row comes
// back. A restored article comes back under its own id, one the identity
// handed out before and never hands out again.
const (
	articleInsert = `WITH a AS (
			INSERT INTO articles (slug, original_url, source_id, title, byline, published_at,
				html, text, lead, image, lang, licence, created_at,
				text_hash, fingerprint, duplicate_of, updated_at, revisions, id)`
	articleValues = `($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $19, $20, `
	articleReturn = `)
			ON CONFLICT (original_url) DO NOTHING
			RETURNING id, duplicate_of IS NULL AS shown, source_id, published_at, title)
		INSERT INTO article_search (id, shown, source_id, published_at, title, search)
		SELECT id, shown, source_id, published_at, title, ` + searchVector + ` FROM a
		RETURNING id`
	insertNewArticle      = articleInsert + ` VALUES ` + articleValues + `DEFAULT` + articleReturn
	insertRestoredArticle = articleInsert + ` OVERRIDING SYSTEM VALUE VALUES ` + articleValues + `$21` + articleReturn
)

// writeArticle inserts a's row as row says, with its search row, and
// returns a batch queueing what else goes with a new article (its bands,
// its place in the related queue and, when its source is followed, its
// first re-check) for the caller to add to and send.
// replaces is the shown copy it takes the page from, 0 for none. A row
// without an id gets a new one; RestoreArticle gives the id the article
// had. A taken address is errAddressTaken.
func writeArticle(ctx context.Context, tx pgx.Tx, a *herald.Article, row *insertedRow, replaces int64, bands []int64, now time.Time) (*batch, error) {
	query, args := insertNewArticle, []any{row.slug, a.OriginalURL, a.Source.ID, a.Title, a.Byline, row.published,
		a.HTML, a.Text, a.Lead, a.Image, a.Lang, string(a.Licence), row.created,
		int64(a.Dedup.Hash), nullBytes(a.Dedup.Signature), nullID(row.duplicateOf),
		search.IndexText(a.Title), search.IndexText(a.Text), nullTime(row.updated), max(row.revisions, 1)}
	if row.id != 0 {
		query, args = insertRestoredArticle, append(args, row.id)
	}
	err := tx.QueryRow(ctx, query, args...).Scan(&row.id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errAddressTaken
	}
	if err != nil {
		return nil, err
	}
	id := row.id
	if replaces != 0 {
		// The old shown copy and its copies all point at the new one.
		if _, err := tx.Exec(ctx, `UPDATE articles SET duplicate_of = $1 WHERE id = $2 OR duplicate_of = $2`,
			id, replaces); err != nil {
			return nil, err
		}
		if err := setShown(ctx, tx, replaces, false); err != nil {
			return nil, err
		}
	}
	// What goes with the article, in one round trip.
	after := &batch{}
	if len(bands) > 0 {
		after.exec("file bands", `INSERT INTO article_bands (band, article_id) SELECT unnest($1::bigint[]), $2`, bands, id)
	}
	if row.duplicateOf == 0 { // a copy's page shows its text's list
		// Held until the pipeline has placed the article in its story and
		// topics (ReleaseRelatedWork), or, if it stops first, for a while.
		after.exec("queue related list", `INSERT INTO related_queue (article_id, claimed_until) VALUES ($1, $2)`,
			id, now.Add(herald.RelatedHold))
	}
	after.exec("schedule re-check", `
		INSERT INTO article_rechecks (article_id, due_at, page_hash, etag, last_modified)
		SELECT $1, $2, $4, $5, $6 FROM sources WHERE id = $3 AND feed_url <> '' AND removed_at IS NULL`,
		id, store.FirstRecheck(row.created), a.Source.ID, a.PageHash, a.PageETag, a.PageLastModified)
	return after, nil
}

// maxCopySteps bounds how often shownCopy looks again; each look after
// the first follows a change another transaction committed meanwhile.
const maxCopySteps = 8

// shownCopy returns the shown copy of the text that article id is a copy
// of, and its licence: id itself when it is shown, else the article it
// points at. It returns 0 when id names no article any more.
//
// The shown copy is locked until the transaction ends. Every change to a
// text's copies (a new copy, a new shown copy, a purge) locks the shown
// copy first, so they happen one after the other. A copy is never locked:
// a new shown copy locks the old one, then updates its copies, and taking
// the locks in the other order could deadlock. When the copy read is not
// shown any more by the time its lock is granted, shownCopy looks again.
func shownCopy(ctx context.Context, tx pgx.Tx, id int64) (int64, herald.Licence, error) {
	for range maxCopySteps {
		var duplicateOf *int64
		err := tx.QueryRow(ctx, `SELECT duplicate_of FROM articles WHERE id = $1`, id).Scan(&duplicateOf)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, "", nil
		}
		if err != nil {
			return 0, "", fmt.Errorf("find shown copy of article %d: %w", id, err)
		}
		if duplicateOf != nil {
			id = *duplicateOf
			continue
		}
		var licence string
		err = tx.QueryRow(ctx, `SELECT licence FROM articles WHERE id = $1 AND duplicate_of IS NULL FOR UPDATE`,
			id).Scan(&licence)
		if err == nil {
			return id, herald.Licence(licence), nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return 0, "", fmt.Errorf("lock shown copy %d: %w", id, err)
		}
	}
	return 0, "", fmt.Errorf("find shown copy of article %d: still changing after %d looks", id, maxCopySteps)
}

// nullID is id, or NULL for 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// nullBytes is b, or NULL when b is empty.
func nullBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// keepStored ends an add whose address is stored already: a is filled
// from the stored article and, when it came with an item key, the key is
// remembered as that article's; keep says so, for the caller to commit.
// Without a key there is nothing to commit.
func keepStored(ctx context.Context, tx pgx.Tx, a, stored *herald.Article) (keep bool, err error) {
	if a.ItemKey != "" {
		if err := linkItem(ctx, tx, a.Source.ID, a.ItemKey, stored.ID); err != nil {
			return false, err
		}
	}
	store.FillStored(a, stored)
	return a.ItemKey != "", nil
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
		store.FillStored(a, stored)
	}
	return true, nil
}

// linkItem records the article a source's item became.
func linkItem(ctx context.Context, tx pgx.Tx, sourceID int64, key string, articleID int64) error {
	var b batch
	queueLinkItem(&b, sourceID, key, articleID)
	return b.send(ctx, tx)
}

func queueLinkItem(b *batch, sourceID int64, key string, articleID int64) {
	b.exec("link item", `UPDATE source_items SET article_id = $1 WHERE source_id = $2 AND item_key = $3`,
		articleID, sourceID, key)
}

// recordChange appends to the change log, whose highest id is the version.
// Identity values are handed out at insert, not at commit: unlocked, one
// transaction could take id 5 and commit after another took and committed
// id 6, and a cache that had read version 6 would never see the later
// change. The lock (changeLock) lets every read through, is held until
// commit, and is taken last, so ids follow commit order at the cost of
// serialising only the end of each write.
func recordChange(ctx context.Context, tx pgx.Tx, kind string, ref int64, now time.Time) error {
	var b batch
	queueRecordChange(&b, kind, ref, now)
	return b.send(ctx, tx)
}

// queueRecordChange is recordChange in a batch; it must be the batch's
// last write.
func queueRecordChange(b *batch, kind string, ref int64, now time.Time) {
	queueChangeLock(b)
	b.exec("record change", `INSERT INTO changes (kind, ref, at) VALUES ($1, $2, $3)`, kind, ref, now)
}

// changeLock is the advisory lock key that orders the change log's ids by
// commit (see recordChange). It is not a lock on the table: PostgreSQL
// locks a table for the rest of the transaction as soon as it parses a
// statement that writes it, and in a batch the insert is parsed before
// the lock is taken, so two writers would each hold the table and wait
// for the other.
const changeLock int64 = 0x68657261_6c64_05 // "herald", 5

func queueChangeLock(b *batch) {
	b.exec("lock the change log", `SELECT pg_advisory_xact_lock($1)`, changeLock)
}

// FindArticleByID implements herald.ArticleService.
func (db *DB) FindArticleByID(ctx context.Context, id int64) (*herald.Article, error) {
	a, err := db.findArticleWithCopies(ctx, `a.id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("find article %d: %w", id, err)
	}
	return a, nil
}

// FindArticleBySlug implements herald.ArticleService.
func (db *DB) FindArticleBySlug(ctx context.Context, slug string) (*herald.Article, error) {
	a, err := db.findArticleWithCopies(ctx, `a.slug = $1`, slug)
	if err != nil {
		return nil, fmt.Errorf("find article %q: %w", slug, err)
	}
	return a, nil
}

// readOnly is the transaction of reads that take several statements: one
// snapshot for all of them.
var readOnly = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// findArticleWithCopies finds one article and the copies of its text in
// one snapshot.
func (db *DB) findArticleWithCopies(ctx context.Context, where string, arg any) (*herald.Article, error) {
	tx, err := db.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	a, err := findArticle(ctx, tx, where, arg)
	if err != nil {
		return nil, err
	}
	if err := fillCopies(ctx, tx, []*herald.Article{a}); err != nil {
		return nil, err
	}
	return a, tx.Commit(ctx)
}

// querier is what a pool and a transaction share.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// articleColumns are what scanArticle reads, before the body columns.
const articleColumns = `a.id, a.slug, a.original_url, a.title, a.byline, a.published_at,
	a.lead, a.image, a.lang, a.licence, a.created_at, a.duplicate_of,
	s.id, s.slug, s.name, s.homepage, s.created_at, a.story_id, a.updated_at, a.revisions`

// bodyColumns are the columns only single articles and candidates read.
const bodyColumns = `a.html, a.text, a.text_hash, a.fingerprint`

// findArticleWhere is the start of a statement reading one whole article.
const findArticleWhere = `SELECT ` + articleColumns + `, ` + bodyColumns + `
	FROM articles a JOIN sources s ON s.id = a.source_id WHERE `

func findArticle(ctx context.Context, q querier, where string, arg any) (*herald.Article, error) {
	row := q.QueryRow(ctx, findArticleWhere+where, arg)
	a, err := scanArticle(row.Scan, true)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	return a, err
}

// scanArticle reads articleColumns, then bodyColumns when withBody. Of the
// fingerprint it fills Hash and Signature; the bands are not read back.
func scanArticle(scan func(...any) error, withBody bool) (*herald.Article, error) {
	a := &herald.Article{Source: &herald.Source{}}
	var licence string
	var duplicateOf, storyID *int64
	var updated *time.Time
	var hash int64
	dest := []any{&a.ID, &a.Slug, &a.OriginalURL, &a.Title, &a.Byline, &a.PublishedAt,
		&a.Lead, &a.Image, &a.Lang, &licence, &a.CreatedAt, &duplicateOf,
		&a.Source.ID, &a.Source.Slug, &a.Source.Name, &a.Source.Homepage, &a.Source.CreatedAt, &storyID,
		&updated, &a.Revisions}
	if withBody {
		dest = append(dest, &a.HTML, &a.Text, &hash, &a.Dedup.Signature)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	// pgx reads timestamptz in the local zone; the stores speak UTC.
	a.PublishedAt, a.CreatedAt, a.Source.CreatedAt = a.PublishedAt.UTC(), a.CreatedAt.UTC(), a.Source.CreatedAt.UTC()
	a.Licence = herald.Licence(licence)
	if duplicateOf != nil {
		a.DuplicateOf = *duplicateOf
	}
	if storyID != nil {
		a.StoryID = *storyID
	}
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
	rows, err := q.Query(ctx, `
		SELECT coalesce(a.duplicate_of, a.id), a.id, a.original_url, a.published_at, a.licence,
			s.id, s.slug, s.name, s.homepage, s.created_at
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.duplicate_of = ANY($1) OR a.id = ANY($1)
		ORDER BY a.published_at, a.id`, shown)
	if err != nil {
		return fmt.Errorf("find copies: %w", err)
	}
	defer rows.Close()
	copies := make(map[int64][]herald.Copy, len(shown))
	for rows.Next() {
		var of int64
		var licence string
		c := herald.Copy{Source: &herald.Source{}}
		if err := rows.Scan(&of, &c.ArticleID, &c.OriginalURL, &c.PublishedAt, &licence,
			&c.Source.ID, &c.Source.Slug, &c.Source.Name, &c.Source.Homepage, &c.Source.CreatedAt); err != nil {
			return fmt.Errorf("find copies: %w", err)
		}
		c.PublishedAt, c.Source.CreatedAt, c.Licence = c.PublishedAt.UTC(), c.Source.CreatedAt.UTC(), herald.Licence(licence)
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
	if f.SourceID == 0 && f.OriginalURL == "" {
		// Written as the index articles_shown_by_time states it.
		where = append(where, `a.duplicate_of IS NULL`)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(a.published_at, a.id) < (`+arg(at)+`, `+arg(id)+`)`)
	}
	limit := f.PageLimit()
	query := `SELECT ` + articleColumns + ` FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE ` + strings.Join(where, ` AND `) + `
		ORDER BY a.published_at DESC, a.id DESC LIMIT ` + arg(limit+1)

	list, next, err := db.findArticles(ctx, query, args, limit)
	if err != nil {
		return nil, "", fmt.Errorf("find articles: %w", err)
	}
	return list, next, nil
}

// findArticles reads one page and the copies of its texts in one snapshot.
func (db *DB) findArticles(ctx context.Context, query string, args []any, limit int) ([]*herald.Article, string, error) {
	tx, err := db.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, "", err
	}
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	list, next, err := herald.NextPage(list, limit)
	if err != nil {
		return nil, "", err
	}
	if err := fillCopies(ctx, tx, list); err != nil {
		return nil, "", err
	}
	return list, next, tx.Commit(ctx)
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
	tx, err := db.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)

	// Both look-ups in one round trip: the bands' asks for enough to fill
	// the limit after the exact matches, which share every band.
	var (
		ids  []int64
		seen = make(map[int64]bool)
		b    batch
	)
	collect := func(r pgx.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		if !seen[id] && len(ids) < limit {
			seen[id] = true
			ids = append(ids, id)
		}
		return nil
	}
	if hash != 0 {
		// "text_hash <> 0" lets PostgreSQL use the partial index in a
		// generic plan too.
		b.query("find same texts", `SELECT id FROM articles WHERE text_hash = $1 AND text_hash <> 0 ORDER BY id LIMIT $2`,
			collect, hash, limit)
	}
	if len(keys) > 0 {
		b.query("find near texts", `
			SELECT article_id FROM article_bands WHERE band = ANY($1)
			GROUP BY article_id ORDER BY count(*) DESC, article_id DESC LIMIT $2`, collect, keys, 2*limit)
	}
	if err := b.send(ctx, tx); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, tx.Commit(ctx)
	}

	rows, err := tx.Query(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*herald.Article, len(ids))
	for rows.Next() {
		a, err := scanArticle(rows.Scan, true)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return store.InOrder(ids, byID), tx.Commit(ctx)
}

// decodeCursor returns the time and id a page cursor points after.
// Cursors carry nanoseconds, the columns microseconds. Cursors we make
// come from stored rows and lose nothing; for any other, every row in the
// cursor's microsecond is older than it, whatever its id.
func decodeCursor(cursor string) (time.Time, int64, error) {
	c, err := herald.DecodeCursor(cursor)
	if err != nil {
		return time.Time{}, 0, err
	}
	at, id := micro(c.PublishedAt), c.ID
	if !at.Equal(c.PublishedAt) {
		id = math.MaxInt64
	}
	return at, id, nil
}

// CountArticlesSince implements herald.ArticleService.
func (db *DB) CountArticlesSince(ctx context.Context, since time.Time) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM articles WHERE created_at >= $1`, since).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles since %s: %w", since, err)
	}
	return n, nil
}
