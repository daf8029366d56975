package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
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

// reindexArticle replaces article id's search entry with one for title
// and text. A contentless entry is replaced whole: it cannot be updated.
func reindexArticle(ctx context.Context, tx *sql.Tx, id int64, title, text string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return indexArticle(ctx, tx, id, &herald.Article{Title: title, Text: text})
}

// matchQuery writes q in FTS5's query syntax. Tokens hold only letters,
// digits and marks, so quoting each phrase is all the escaping needed.
func matchQuery(q herald.Query) string {
	var b strings.Builder
	writeMust(&b, q, writePhrase)
	for _, p := range q.Not {
		b.WriteString(" NOT ")
		writePhrase(&b, p)
	}
	return b.String()
}

// wordsQuery writes the articles that may match q in FTS5's query
// syntax: those holding all the words q looks for, each phrase's words
// anywhere. Finding them reads no positions.
func wordsQuery(q herald.Query) string {
	var b strings.Builder
	writeMust(&b, q, func(b *strings.Builder, p herald.Phrase) {
		b.WriteString("(")
		for i, t := range p {
			if i > 0 {
				b.WriteString(" AND ")
			}
			writePhrase(b, herald.Phrase{t})
		}
		b.WriteString(")")
	})
	return b.String()
}

func writeMust(b *strings.Builder, q herald.Query, phrase func(*strings.Builder, herald.Phrase)) {
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
			phrase(b, p)
		}
		b.WriteString(")")
	}
	b.WriteString(")")
}

func writePhrase(b *strings.Builder, p herald.Phrase) {
	b.WriteString(`"`)
	b.WriteString(strings.Join(p, " "))
	b.WriteString(`"`)
}

// SetSearchWindow changes herald.SearchWindow and herald.SearchScan for
// this store, so that tests can check the bounds with a few articles. It
// must be called before the store is used.
func (db *DB) SetSearchWindow(window, scan int) { db.searchWindow, db.searchScan = window, scan }

// Search implements herald.SearchService. It reads the newest
// herald.SearchWindow matches: FTS5 walks a MATCH in rowid order and
// stops there, whatever the number of matches. They are ranked in Go by
// their titles (search.Ranker), with the index's document frequencies,
// not by FTS5's bm25: bm25 counts every article holding each phrase of
// the query before it scores one, which for a common word at a million
// articles takes a second. The page is then read in full.
func (db *DB) Search(ctx context.Context, f herald.SearchFilter) (*herald.SearchResult, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer tx.Rollback()
	cands, err := db.searchCandidates(ctx, tx, f)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var ranker *search.Ranker
	if f.Sort != herald.SortDate {
		if ranker, err = newRanker(ctx, tx, f.Query); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	search.Order(cands, f.Sort, ranker)
	limit, offset := f.PageLimit(), f.Offset()
	page := cands[min(offset, len(cands)):min(offset+limit+1, len(cands))]
	res := &herald.SearchResult{}
	if len(page) > limit {
		page, res.More = page[:limit], true
	}
	if res.Hits, err = searchHits(ctx, tx, page, f.Query); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, tx.Commit()
}

// searchCandidates returns the newest matches of f that are shown
// copies, up to the search window, with their titles. Without filters the
// walk stops at the window; with them it also stops at herald.SearchScan
// matches, below the rowid of the last one (found by walking the index
// alone, which is cheap). A phrase is looked for in the newest
// herald.PhraseScan articles holding all the words at most, found the
// same way.
func (db *DB) searchCandidates(ctx context.Context, tx *sql.Tx, f herald.SearchFilter) ([]search.Candidate, error) {
	match := matchQuery(f.Query)
	where := []string{`article_search MATCH ?`, `a.duplicate_of IS NULL`}
	args := []any{match}
	if f.SourceID != 0 {
		where, args = append(where, `a.source_id = ?`), append(args, f.SourceID)
	}
	if !f.From.IsZero() {
		where, args = append(where, `a.published_at >= ?`), append(args, nanos(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, `a.published_at < ?`), append(args, nanos(f.To))
	}
	var floor int64
	if f.Query.Phrased() {
		// FTS5 checks a phrase's positions in every article holding all
		// its words until the window is full: two common words seldom
		// next to each other would be checked in most of the store.
		n, err := nthNewest(ctx, tx, wordsQuery(f.Query), herald.PhraseScan)
		if err != nil {
			return nil, err
		}
		floor = max(floor, n)
	}
	if len(where) > 2 {
		n, err := nthNewest(ctx, tx, match, db.scanLimit())
		if err != nil {
			return nil, err
		}
		floor = max(floor, n)
	}
	if floor > 0 {
		where, args = append(where, `article_search.rowid >= ?`), append(args, floor)
	}
	// The index holds what the filters read, so rows that fail them are
	// never read; titles are read for the window only.
	rows, err := tx.QueryContext(ctx, `
		SELECT c.id, c.published_at, a.title FROM (
			SELECT a.id, a.published_at
			FROM article_search JOIN articles a INDEXED BY articles_shown_by_id ON a.id = article_search.rowid
			WHERE `+strings.Join(where, ` AND `)+`
			ORDER BY article_search.rowid DESC LIMIT ?) c
		JOIN articles a ON a.id = c.id`, append(args, db.windowLimit())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cands []search.Candidate
	for rows.Next() {
		var c search.Candidate
		var published int64
		if err := rows.Scan(&c.ID, &published, &c.Title); err != nil {
			return nil, err
		}
		c.Published = fromNanos(published)
		cands = append(cands, c)
	}
	return cands, rows.Err()
}

// nthNewest returns the rowid of the n-th newest article matching the
// FTS5 query match, or 0 when fewer match. Walking the index alone, in
// rowid order, it reads no article.
func nthNewest(ctx context.Context, tx *sql.Tx, match string, n int) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT rowid FROM article_search WHERE article_search MATCH ?
		ORDER BY rowid DESC LIMIT 1 OFFSET ?`, match, n-1).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func (db *DB) windowLimit() int {
	if db.searchWindow > 0 {
		return db.searchWindow
	}
	return herald.SearchWindow
}

func (db *DB) scanLimit() int {
	if db.searchScan > 0 {
		return db.searchScan
	}
	return herald.SearchScan
}

// dfSample is how many of a token's newest matches newRanker reads to
// estimate how many articles hold it.
const dfSample = 1000

// newRanker estimates the document frequency of each of q's tokens from
// its newest dfSample matches in the index: a token with fewer is counted
// exactly; for one with more, the share of articles holding it is taken
// from the span of ids those matches cover. (fts5vocab would count every
// article holding the token, a second for a common word at a million.)
func newRanker(ctx context.Context, tx *sql.Tx, q herald.Query) (*search.Ranker, error) {
	var docs int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM articles`).Scan(&docs); err != nil {
		return nil, err
	}
	df := map[string]int{}
	for _, t := range q.Words() {
		var n, oldest int64
		err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(min(rowid), 0) FROM (
			SELECT rowid FROM article_search WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT ?)`,
			`"`+t+`"`, dfSample).Scan(&n, &oldest)
		if err != nil {
			return nil, err
		}
		if n >= dfSample && docs >= oldest {
			n = n * docs / (docs - oldest + 1)
		}
		df[t] = int(n)
	}
	return search.NewRanker(q, int(docs), func(t string) int { return df[t] }), nil
}

// searchHits reads the page's articles, in the page's order, each with a
// snippet of its text.
func searchHits(ctx context.Context, tx *sql.Tx, page []search.Candidate, q herald.Query) ([]herald.SearchHit, error) {
	if len(page) == 0 {
		return nil, nil
	}
	args := make([]any, len(page))
	for i, c := range page {
		args[i] = c.ID
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT `+articleColumns+`, a.text
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id IN (?`+strings.Repeat(`, ?`, len(page)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]herald.SearchHit{}
	for rows.Next() {
		var text string
		a, err := scanArticle(func(dest ...any) error { return rows.Scan(append(dest, &text)...) }, false)
		if err != nil {
			return nil, err
		}
		byID[a.ID] = herald.SearchHit{Article: a, Snippet: search.Snippet(text, q)}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hits := make([]herald.SearchHit, 0, len(page))
	for _, c := range page {
		if h, ok := byID[c.ID]; ok {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// TermDocs implements herald.SearchService from the index: each term's
// newest herald.MaxTermDocs matches are counted, walking the index alone
// (fts5vocab would count every article holding it, whose cost grows with
// the store). The number of documents is estimated by the highest article
// id, which is exact until articles are deleted and costs one index read.
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
		toks := search.Tokens(t)
		if len(toks) == 0 {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT rowid FROM article_search
			WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT ?)`,
			`"`+strings.Join(toks, " ")+`"`, herald.MaxTermDocs).Scan(&df[i])
		if err != nil {
			return 0, nil, fmt.Errorf("term docs: %w", err)
		}
	}
	return docs, df, tx.Commit()
}

// FindSimilar implements herald.SearchService. For each term it reads,
// from the index alone, the newest search.SimilarHolders articles holding
// it among the within stored last before the article (and any stored
// since), and ranks them in Go
// (search.Similarity): FTS5's bm25 would first count every article of the
// store holding each term, whose cost grows with the store. The best
// similarPool are then checked for being shown copies and scored with
// their titles, and the texts read for the best limit alone.
func (db *DB) FindSimilar(ctx context.Context, id int64, terms []string, within, limit int) ([]herald.Similar, error) {
	var phrases []herald.Phrase
	for _, t := range terms {
		if toks := search.Tokens(t); len(toks) > 0 {
			phrases = append(phrases, toks)
		}
	}
	if len(phrases) == 0 || limit <= 0 {
		return nil, nil
	}
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	defer tx.Rollback()
	out, err := findSimilar(ctx, tx, id, phrases, within, limit)
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	return out, tx.Commit()
}

// similarPool is how many of the best candidates by their words
// FindSimilar reads the titles of, per candidate returned.
const similarPool = 4

func findSimilar(ctx context.Context, tx *sql.Tx, id int64, phrases []herald.Phrase, within, limit int) ([]herald.Similar, error) {
	// The window counts back from the article itself, which may be
	// older than the newest when the related queue runs behind.
	var newest, shown int64
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0),
		coalesce((SELECT coalesce(duplicate_of, id) FROM articles WHERE id = ?), 0) FROM articles`, id).Scan(&newest, &shown)
	if err != nil {
		return nil, err
	}
	after := int64(0)
	if within > 0 {
		after = max(id-int64(within), 0)
	}
	holders := make([][]int64, len(phrases))
	for i, p := range phrases {
		// FTS5 applies the bound on rowid as it reads the index.
		rows, err := tx.QueryContext(ctx, `SELECT rowid FROM article_search WHERE article_search MATCH ? AND rowid > ?
			ORDER BY rowid DESC LIMIT ?`, `"`+strings.Join(p, " ")+`"`, after, search.SimilarHolders)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h int64
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return nil, err
			}
			holders[i] = append(holders[i], h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sim := search.NewSimilarity(phrases, holders, newest, after)
	pool := sim.Best(similarPool*limit, func(c int64) bool { return c != id && c != shown })
	if len(pool) == 0 {
		return nil, nil
	}
	// Copies are left out here, as the index does not know them.
	rows, err := tx.QueryContext(ctx, `SELECT id, title FROM articles
		WHERE id IN (?`+strings.Repeat(`, ?`, len(pool)-1)+`) AND duplicate_of IS NULL`, anys(pool)...)
	if err != nil {
		return nil, err
	}
	scores := map[int64]float64{}
	for rows.Next() {
		var c int64
		var title string
		if err := rows.Scan(&c, &title); err != nil {
			rows.Close()
			return nil, err
		}
		scores[c] = sim.Score(c, title)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	best := slices.Collect(maps.Keys(scores))
	slices.SortFunc(best, func(a, b int64) int { return cmp.Or(cmp.Compare(scores[b], scores[a]), cmp.Compare(b, a)) })
	best = best[:min(limit, len(best))]
	if len(best) == 0 {
		return nil, nil // the pool held copies only
	}
	// As in Search, the texts are read for the chosen candidates only.
	rows, err = tx.QueryContext(ctx, `
		SELECT `+articleColumns+`, a.text
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id IN (?`+strings.Repeat(`, ?`, len(best)-1)+`)`, anys(best)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]*herald.Article{}
	for rows.Next() {
		var text string
		a, err := scanArticle(func(dest ...any) error { return rows.Scan(append(dest, &text)...) }, false)
		if err != nil {
			return nil, err
		}
		a.Text = text
		byID[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]herald.Similar, 0, len(best))
	for _, c := range best {
		if a, ok := byID[c]; ok {
			out = append(out, herald.Similar{Article: a, Score: scores[c]})
		}
	}
	return out, nil
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
