package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
)

var (
	_ herald.SearchService  = (*DB)(nil)
	_ herald.RelatedService = (*DB)(nil)
)

// indexArticle adds article id to the full-text index, in the article's
// transaction. The delete trigger of migration 0006 removes it.
func indexArticle(ctx context.Context, tx *sql.Tx, id int64, a *herald.Article) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO article_search (rowid, title, body) VALUES (?, ?, ?)`,
		id, search.IndexText(a.Title), search.IndexText(a.Text))
	if err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return nil
}

// matchQuery writes q in FTS5's query syntax. Tokens hold only letters,
// digits and marks, so quoting each phrase is all the escaping needed.
func matchQuery(q herald.Query) string {
	var b strings.Builder
	b.WriteString("(")
	for i, c := range q.Must {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString("(")
		for j, p := range c {
			if j > 0 {
				b.WriteString(" OR ")
			}
			writePhrase(&b, p)
		}
		b.WriteString(")")
	}
	b.WriteString(")")
	for _, p := range q.Not {
		b.WriteString(" NOT ")
		writePhrase(&b, p)
	}
	return b.String()
}

func writePhrase(b *strings.Builder, p herald.Phrase) {
	b.WriteString(`"`)
	b.WriteString(strings.Join(p, " "))
	b.WriteString(`"`)
}

// titleWeight is how much more a match in the title counts than one in the
// body, for bm25. A reader who remembers a headline finds the article
// first: on ecbplus, title words find their article first 88% of the time
// at 1, 92% at 3, 94.5% at 10 (bench/related).
const titleWeight = `10.0`

// Search implements herald.SearchService with FTS5's bm25 ranking.
func (db *DB) Search(ctx context.Context, f herald.SearchFilter) (*herald.SearchResult, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	where := []string{`article_search MATCH ?`, `a.duplicate_of IS NULL`}
	args := []any{matchQuery(f.Query)}
	if f.SourceID != 0 {
		where, args = append(where, `a.source_id = ?`), append(args, f.SourceID)
	}
	if !f.From.IsZero() {
		where, args = append(where, `a.published_at >= ?`), append(args, nanos(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, `a.published_at < ?`), append(args, nanos(f.To))
	}
	order := `rank, published DESC, id DESC`
	if f.Sort == herald.SortDate {
		order = `published DESC, id DESC`
	}
	pageOrder := `page.` + strings.ReplaceAll(order, `, `, `, page.`)
	limit := f.PageLimit()
	args = append(args, limit+1, f.Offset())
	// The page is chosen first, from ids, ranks and times only, and the
	// rows and texts read for it alone: sorting every match with its text
	// would carry megabytes through the sorter for a common word.
	rows, err := db.reader.QueryContext(ctx, `
		WITH page AS (
			SELECT a.id AS id, a.published_at AS published, bm25(article_search, `+titleWeight+`, 1.0) AS rank
			FROM article_search JOIN articles a ON a.id = article_search.rowid
			WHERE `+strings.Join(where, ` AND `)+`
			ORDER BY `+order+` LIMIT ? OFFSET ?)
		SELECT `+articleColumns+`, a.text, page.rank
		FROM page JOIN articles a ON a.id = page.id JOIN sources s ON s.id = a.source_id
		ORDER BY `+pageOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	res := &herald.SearchResult{}
	for rows.Next() {
		var text string
		var rank float64
		a, err := scanArticle(func(dest ...any) error { return rows.Scan(append(dest, &text, &rank)...) }, false)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		res.Hits = append(res.Hits, herald.SearchHit{Article: a, Snippet: search.Snippet(text, f.Query)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(res.Hits) > limit {
		res.Hits, res.More = res.Hits[:limit], true
	}
	return res, nil
}

// TermDocs implements herald.SearchService from the index's vocabulary.
// The number of documents is estimated by the highest article id, which
// is exact until articles are deleted and costs one index read.
func (db *DB) TermDocs(ctx context.Context, terms []string) (int, []int, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("term docs: %w", err)
	}
	defer tx.Rollback()
	var docs int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM articles`).Scan(&docs); err != nil {
		return 0, nil, fmt.Errorf("term docs: %w", err)
	}
	df := make([]int, len(terms))
	for i, t := range terms {
		// One look-up per term: fts5vocab seeks on "term =", but may scan
		// the whole vocabulary for an IN list.
		err := tx.QueryRowContext(ctx, `SELECT doc FROM article_search_terms WHERE term = ?`, t).Scan(&df[i])
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, nil, fmt.Errorf("term docs: %w", err)
		}
		df[i] = min(df[i], herald.MaxTermDocs)
	}
	return docs, df, tx.Commit()
}

// FindSimilar implements herald.SearchService: an OR of the terms, ranked
// by bm25, over the shown copies other than the article's text.
func (db *DB) FindSimilar(ctx context.Context, id int64, terms []string, within, limit int) ([]herald.Similar, error) {
	if len(terms) == 0 || limit <= 0 {
		return nil, nil
	}
	phrases := make([]string, 0, len(terms))
	for _, t := range terms {
		if toks := search.Tokens(t); len(toks) > 0 {
			phrases = append(phrases, `"`+strings.Join(toks, " ")+`"`)
		}
	}
	if len(phrases) == 0 {
		return nil, nil
	}
	after, err := db.windowStart(ctx, within)
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	// As in Search, the texts are read for the chosen candidates only.
	// FTS5 applies the bound on rowid as it reads the index.
	rows, err := db.reader.QueryContext(ctx, `
		WITH best AS (
			SELECT a.id AS id, bm25(article_search, `+titleWeight+`, 1.0) AS rank
			FROM article_search JOIN articles a ON a.id = article_search.rowid
			WHERE article_search MATCH ? AND article_search.rowid > ?
				AND a.duplicate_of IS NULL AND a.id <> ?
				AND a.id <> (SELECT coalesce(duplicate_of, id) FROM articles WHERE id = ?)
			ORDER BY rank LIMIT ?)
		SELECT `+articleColumns+`, a.text, best.rank
		FROM best JOIN articles a ON a.id = best.id JOIN sources s ON s.id = a.source_id
		ORDER BY best.rank, a.id`, strings.Join(phrases, " OR "), after, id, id, limit)
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	defer rows.Close()
	var out []herald.Similar
	for rows.Next() {
		var rank float64
		var text string
		a, err := scanArticle(func(dest ...any) error { return rows.Scan(append(dest, &text, &rank)...) }, false)
		if err != nil {
			return nil, fmt.Errorf("find similar to %d: %w", id, err)
		}
		a.Text = text
		out = append(out, herald.Similar{Article: a, Score: -rank}) // bm25 is better when lower
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	return out, nil
}

// windowStart returns the id after which the within articles stored last
// come (ids grow as articles are stored); 0 when within is 0.
func (db *DB) windowStart(ctx context.Context, within int) (int64, error) {
	if within <= 0 {
		return 0, nil
	}
	var last int64
	if err := db.reader.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM articles`).Scan(&last); err != nil {
		return 0, err
	}
	return max(last-int64(within), 0), nil
}

// SetRelated implements herald.RelatedService.
func (db *DB) SetRelated(ctx context.Context, id int64, items []herald.RelatedItem) error {
	if len(items) > herald.MaxRelated {
		return herald.Errorf(herald.EINVALID, "a related list holds at most %d articles, not %d", herald.MaxRelated, len(items))
	}
	if err := db.setRelated(ctx, id, items); err != nil {
		return fmt.Errorf("set related of %d: %w", id, err)
	}
	return nil
}

func (db *DB) setRelated(ctx context.Context, id int64, items []herald.RelatedItem) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?)`, id).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM related WHERE article_id = ?`, id); err != nil {
		return err
	}
	pos := 0
	for _, r := range items {
		if r.ID == id {
			continue
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO related (article_id, position, related_id, score)
			SELECT ?, ?, id, ? FROM articles WHERE id = ?`, id, pos, r.Score, r.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			pos++
		}
	}
	if err := recordChange(ctx, tx, "related", id, db.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// FindRelated implements herald.RelatedService: one query on the primary
// key of related. An item that has since become a copy is shown as its
// text's shown copy.
func (db *DB) FindRelated(ctx context.Context, id int64) ([]*herald.Article, error) {
	rows, err := db.reader.QueryContext(ctx, `
		SELECT `+articleColumns+`
		FROM related r
		JOIN articles me ON me.id = r.article_id
		JOIN articles x ON x.id = r.related_id
		JOIN articles a ON a.id = coalesce(x.duplicate_of, x.id)
		JOIN sources s ON s.id = a.source_id
		WHERE r.article_id = ? AND a.id <> coalesce(me.duplicate_of, me.id)
		ORDER BY r.position`, id)
	if err != nil {
		return nil, fmt.Errorf("find related of %d: %w", id, err)
	}
	defer rows.Close()
	list := []*herald.Article{}
	seen := map[int64]bool{}
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
		if err != nil {
			return nil, fmt.Errorf("find related of %d: %w", id, err)
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			list = append(list, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find related of %d: %w", id, err)
	}
	return list, nil
}

// FindRelatedItems implements herald.RelatedService.
func (db *DB) FindRelatedItems(ctx context.Context, id int64) ([]herald.RelatedItem, error) {
	rows, err := db.reader.QueryContext(ctx, `
		SELECT r.related_id, a.source_id, r.score FROM related r JOIN articles a ON a.id = r.related_id
		WHERE r.article_id = ? ORDER BY r.position`, id)
	if err != nil {
		return nil, fmt.Errorf("find related items of %d: %w", id, err)
	}
	defer rows.Close()
	list := []herald.RelatedItem{}
	for rows.Next() {
		var it herald.RelatedItem
		if err := rows.Scan(&it.ID, &it.SourceID, &it.Score); err != nil {
			return nil, fmt.Errorf("find related items of %d: %w", id, err)
		}
		list = append(list, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find related items of %d: %w", id, err)
	}
	return list, nil
}

// SearchIndexSize returns the bytes the full-text index takes (its FTS5
// shadow tables) and the whole database, for benchmarks.
func (db *DB) SearchIndexSize(ctx context.Context) (index, total int64, err error) {
	err = db.reader.QueryRowContext(ctx, `
		SELECT coalesce(sum(CASE WHEN name LIKE 'article\_search%' ESCAPE '\' THEN pgsize END), 0), sum(pgsize)
		FROM dbstat`).Scan(&index, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("search index size: %w", err)
	}
	return index, total, nil
}
