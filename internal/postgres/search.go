package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
	"github.com/jackc/pgx/v5"
)

var (
	_ herald.SearchService  = (*DB)(nil)
	_ herald.RelatedService = (*DB)(nil)
)

// searchVector is the article's text-search vector, from parameters $17
// (the title) and $18 (the body) prepared by search.IndexText.
const searchVector = `setweight(to_tsvector('simple', $17), 'A') || setweight(to_tsvector('simple', $18), 'B')`

// reindexArticle replaces article id's search row's title and words with
// those of title and text.
func reindexArticle(ctx context.Context, tx pgx.Tx, id int64, title, text string) error {
	_, err := tx.Exec(ctx, `
		UPDATE article_search SET title = $2,
			search = setweight(to_tsvector('simple', $3), 'A') || setweight(to_tsvector('simple', $4), 'B')
		WHERE id = $1`, id, title, search.IndexText(title), search.IndexText(text))
	if err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return nil
}

// tsQuery writes q as a tsquery expression: each phrase parsed by
// websearch_to_tsquery from its quoted tokens, combined with the tsquery
// operators so that the grouping is q's own. (websearch_to_tsquery given
// the whole query would read "a b OR c" as (a & b) | c.) Phrases are
// passed as parameters, numbered after the args already taken.
func tsQuery(q herald.Query, args *[]any) string {
	var b strings.Builder
	writeMust(&b, q, args, ` `)
	for _, p := range q.Not {
		b.WriteString(` && !!` + tsPhrase(p, args, ` `))
	}
	return b.String()
}

// walkQuery writes, as a tsquery expression, what a walk asks the index
// for q. A phrase's positions are not in the index: for a query with
// one, it is the articles holding all the words q looks for, each
// phrase's words anywhere (each quoted alone: websearch_to_tsquery joins
// them with &, and reads none as an operator), and q itself is checked
// on the matches' rows afterwards.
func walkQuery(q herald.Query, args *[]any) string {
	if !q.Phrased() {
		return tsQuery(q, args)
	}
	var b strings.Builder
	writeMust(&b, q, args, `" "`)
	return b.String()
}

func writeMust(b *strings.Builder, q herald.Query, args *[]any, sep string) {
	for i, c := range q.Must {
		if i > 0 {
			b.WriteString(` && `)
		}
		b.WriteString(`(`)
		for j, p := range c {
			if j > 0 {
				b.WriteString(` || `)
			}
			b.WriteString(tsPhrase(p, args, sep))
		}
		b.WriteString(`)`)
	}
}

// tsPhrase writes p as a parameter to websearch_to_tsquery: a quoted
// phrase, or with sep `" "` each token quoted alone.
func tsPhrase(p herald.Phrase, args *[]any, sep string) string {
	*args = append(*args, `"`+strings.Join(p, sep)+`"`)
	return `websearch_to_tsquery('simple', $` + strconv.Itoa(len(*args)) + `)`
}

// setShown records in the article's search row whether it is the shown
// copy of its text, which articles.duplicate_of says: every change of
// that column goes with a call here, in the same transaction.
func setShown(ctx context.Context, tx pgx.Tx, id int64, shown bool) error {
	_, err := tx.Exec(ctx, `UPDATE article_search SET shown = $2 WHERE id = $1`, id, shown)
	return err
}

// SetSearchWindow changes herald.SearchWindow and herald.SearchScan for
// this store, so that tests can check the bounds with a few articles. It
// must be called before the store is used.
func (db *DB) SetSearchWindow(window, scan int) { db.searchWindow, db.searchScan = window, scan }

// blockLevels are the sizes of the blocks of consecutive ids the search
// index keys each article by, smallest first, one column each (migrations
// 0015 and 0016: GIN on article_search (id / 1024, id / 8192, id / 65536,
// id / 524288, search)).
// A walk step asks for one aligned block of one size by equality: a
// single index entry, which the planner costs as cheap and so reads
// together with the words. Asked for as a list or a range of the
// smallest blocks (0014), the blocks were costed as one index scan each,
// and for words it thought rare the planner read every match's row in
// the store instead. The expressions in the queries must be the index's
// own for the planner to use them.
var blockLevels = [...]int64{blockSize, 8 * blockSize, 64 * blockSize, 512 * blockSize}

// blockSize is the smallest block: the walk's unit.
const blockSize = 1024

// alignedBlock returns the size of the largest block that ends at top,
// starts at or above bottom and holds at most span ids (the smallest
// block when none does). top and bottom are multiples of blockSize.
func alignedBlock(top, bottom, span int64) int64 {
	size := blockLevels[0]
	for _, s := range blockLevels[1:] {
		if top%s == 0 && top-s >= bottom && s <= span {
			size = s
		}
	}
	return size
}

// Search implements herald.SearchService with the GIN index on each
// article's block and words. It takes the newest herald.SearchWindow
// matches (by id; with a filter, among the newest herald.SearchScan)
// with their titles (see searchCandidates), and ranks them in Go as
// SQLite does (search.Ranker), with document frequencies from the
// column's statistics. ts_rank would read each candidate's whole search
// vector a second time after the match. The page's rows and texts are
// read from articles for it alone.
func (db *DB) Search(ctx context.Context, f herald.SearchFilter) (*herald.SearchResult, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	st, err := db.wordStats(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	var ranker *search.Ranker
	if f.Sort != herald.SortDate {
		ranker = search.NewRanker(f.Query, int(st.docs), st.df)
	}
	limit, offset := f.PageLimit(), f.Offset()
	cands, err := db.searchCandidates(ctx, f, st, ranker, offset+limit+1)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	page := cands[min(offset, len(cands)):min(offset+limit+1, len(cands))]
	res := &herald.SearchResult{}
	if len(page) > limit {
		page, res.More = page[:limit], true
	}
	if res.Hits, err = db.searchHits(ctx, page, f.Query); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// restAtOnce is how many matches a walk may expect in all the articles it
// has not walked yet for it to ask for them in one query rather than
// block by block.
const restAtOnce = 2000

// searchCandidates returns the newest matches of f that are shown
// copies, up to the search window, with their titles (see walk), in
// f's order (by ranker, for relevance). With a filter it stops after
// herald.SearchScan matches.
//
// A phrase is looked for in the newest herald.PhraseScan articles that
// hold all the words the query looks for, as on SQLite. The walk reads
// those, which needs no positions; they are put in order, and checked
// for the phrase in that order until need of them hold it
// (checkInOrder). A check reads the row's whole search vector, kept
// apart in TOAST, so it is made on as few as the page needs: checking
// every match as the walk read it made a phrase three times as slow as a
// word at a million articles.
//
// Index scans are turned off for the walks: for a common word the
// planner would otherwise walk the primary key backwards and read every
// row's search vector, which costs more than the blocks' postings.
func (db *DB) searchCandidates(ctx context.Context, f herald.SearchFilter, st *wordStats, ranker *search.Ranker, need int) ([]search.Candidate, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if err := planWalks(ctx, tx); err != nil {
		return nil, err
	}
	w := walk{tx: tx, share: st.share(f.Query), window: db.windowLimit(), scan: db.windowLimit()}
	w.match = walkQuery(f.Query, &w.args)
	if f.Query.Phrased() {
		// Every match found is a candidate until its check.
		w.window, w.scan = herald.PhraseScan, herald.PhraseScan
	}
	var pass []string
	if f.SourceID != 0 {
		pass = append(pass, `a.source_id = `+w.arg(f.SourceID))
	}
	if !f.From.IsZero() {
		pass = append(pass, `a.published_at >= `+w.arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		pass = append(pass, `a.published_at < `+w.arg(f.To.UTC()))
	}
	w.passes = `true`
	if len(pass) > 0 {
		w.passes = strings.Join(pass, ` AND `)
		if !f.Query.Phrased() { // filtered: a phrase's scan stays PhraseScan
			w.scan = db.scanLimit()
		}
	}
	cands, err := w.run(ctx, st.docs)
	if err != nil {
		return nil, err
	}
	search.Order(cands, f.Sort, ranker)
	if f.Query.Phrased() {
		var args []any
		check := `a.search @@ (` + tsQuery(f.Query, &args) + `)`
		if cands, err = checkInOrder(ctx, tx, cands, check, args, need); err != nil {
			return nil, err
		}
	}
	return cands, tx.Commit(ctx)
}

// checkInOrder returns the candidates whose rows pass check (an SQL
// condition on a, over args), in their order, up to the need-th. It
// checks them in batches, the first the size of need and each after
// twice the one before, so that a phrase most candidates hold costs few
// rows read and one few hold costs few statements.
func checkInOrder(ctx context.Context, tx pgx.Tx, cands []search.Candidate, check string, args []any, need int) ([]search.Candidate, error) {
	params := append(args, nil)
	// The check is made on the rows read, in the select list: as a
	// condition, the planner would also ask the GIN index for the
	// phrase's words, whose postings in the whole store are long.
	sql := `SELECT a.id, ` + check + ` FROM article_search a WHERE a.id = ANY($` + strconv.Itoa(len(params)) + `)`
	var kept []search.Candidate
	batch := max(need, 1)
	for len(cands) > 0 && len(kept) < need {
		next := cands[:min(batch, len(cands))]
		cands, batch = cands[len(next):], 2*batch
		ids := make([]int64, len(next))
		for i, c := range next {
			ids[i] = c.ID
		}
		params[len(params)-1] = ids
		rows, err := tx.Query(ctx, sql, params...)
		if err != nil {
			return nil, err
		}
		passed := map[int64]bool{}
		var id int64
		var ok bool
		if _, err := pgx.ForEachRow(rows, []any{&id, &ok}, func() error { passed[id] = ok; return nil }); err != nil {
			return nil, err
		}
		for _, c := range next {
			if passed[c.ID] && len(kept) < need {
				kept = append(kept, c)
			}
		}
	}
	return kept, nil
}

// walk finds the newest matches of a tsquery among the shown copies. It
// walks the store from the newest block of ids back, asking the index
// for the matches in one aligned block at a time (blockLevels), each
// step allowed twice as many ids as the one before: the index reads the
// postings of that block only, and the rows read are the matches found,
// so the cost follows the articles walked, not the size of the store.
// The first step may cover as many ids as the window should need, by the
// statistics (share); once few matches are expected in all the older
// articles, and those are more than restBlocks blocks, they are asked
// for at once.
type walk struct {
	tx     pgx.Tx
	match  string // the tsquery expression, over args
	args   []any
	passes string  // an SQL condition on a (the filters): only the matches that pass fill the window
	window int     // the matches that pass wanted
	scan   int     // the matches looked at, at most
	floor  int64   // the oldest id looked at (0 for all)
	share  float64 // the share of articles expected to match, at most
}

func (w *walk) arg(v any) string {
	w.args = append(w.args, v)
	return `$` + strconv.Itoa(len(w.args))
}

// run walks back from the block of id newest.
func (w *walk) run(ctx context.Context, newest int64) ([]search.Candidate, error) {
	var cands []search.Candidate
	seen := 0
	top := (newest/blockSize + 1) * blockSize // the ids from top up are walked
	bottom := w.floor / blockSize * blockSize
	span := max(int64(math.Ceil(float64(w.window)/w.share)), blockSize)
	for top > bottom && len(cands) < w.window && seen < w.scan {
		size := int64(0) // the rest at once
		if rest := top - bottom; float64(rest)*w.share > restAtOnce || rest <= restBlocks*blockSize {
			size = alignedBlock(top, bottom, span)
		}
		found, err := w.step(ctx, top, size, w.scan-seen)
		if err != nil {
			return nil, err
		}
		seen += len(found)
		for _, c := range found {
			if c.ok && len(cands) < w.window {
				cands = append(cands, c.Candidate)
			}
		}
		if size == 0 {
			break
		}
		top -= size
		span *= 2
	}
	return cands, nil
}

// restBlocks is the most blocks a walk still steps through rather than
// asking for the rest at once: the rest is asked for by its words alone,
// which for common words reads their postings in the whole store.
const restBlocks = 64

// walkRow is a match read by a walk step; ok says it passes the filters.
type walkRow struct {
	search.Candidate
	ok bool
}

// step reads the newest limit matches in the block of size ids that
// ends at top, or when size is 0, in all the ids below top; never below
// the floor.
func (w *walk) step(ctx context.Context, top, size int64, limit int) ([]walkRow, error) {
	sql, params := w.stepQuery(top, size, limit)
	rows, err := w.tx.Query(ctx, sql, params...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (walkRow, error) {
		var r walkRow
		err := row.Scan(&r.ID, &r.Published, &r.ok, &r.Title)
		r.Published = r.Published.UTC()
		return r, err
	})
}

// stepQuery returns step's statement and its parameters.
func (w *walk) stepQuery(top, size int64, limit int) (string, []any) {
	params := append(slices.Clip(w.args), limit)
	var where string
	if w.floor > 0 {
		// Only with a floor: a store small enough for a range of the
		// primary key to look cheap was otherwise read by that range,
		// every row's words checked, the block and words index unused.
		params = append(params, w.floor)
		where = `a.id >= $` + strconv.Itoa(len(params)) + ` AND `
	}
	if size == 0 {
		params = append(params, top)
		where += `a.id < $` + strconv.Itoa(len(params))
	} else {
		params = append(params, top/size-1)
		where += `(a.id / ` + strconv.FormatInt(size, 10) + `) = $` + strconv.Itoa(len(params))
	}
	return `
		SELECT a.id, a.published_at, ` + w.passes + `, a.title FROM article_search a
		WHERE ` + where + ` AND a.search @@ (` + w.match + `) AND a.shown
		ORDER BY a.id DESC LIMIT $` + strconv.Itoa(len(w.args)+1), params
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

// wordStats are the statistics ANALYZE keeps on the search column: the
// share of articles holding each of its most common words. A word not
// among them is rarer than all of them and is given the least share
// listed. Without statistics (a new store) every word is taken to be in
// every article: the search then walks block by block from one block.
type wordStats struct {
	docs   int64 // the highest id: the number of articles, until some are deleted
	shares map[string]float64
	least  float64
}

// df returns the estimated number of articles holding token t.
func (st *wordStats) df(t string) int { return int(st.tokenShare(t) * float64(st.docs)) }

func (st *wordStats) tokenShare(t string) float64 {
	if f, ok := st.shares[t]; ok {
		return f
	}
	return st.least
}

// share returns the share of articles that may match q, at most: each
// phrase is in no more articles than its rarest word, a clause in no more
// than its phrases together, and q in no more than its rarest clause. It
// is above 0, so that windows sized by it are finite.
func (st *wordStats) share(q herald.Query) float64 {
	all := 1.0
	for _, c := range q.Must {
		any := 0.0
		for _, p := range c {
			rarest := 1.0
			for _, t := range p {
				rarest = min(rarest, st.tokenShare(t))
			}
			any += rarest
		}
		all = min(all, any)
	}
	return max(all, 1/float64(max(st.docs, 1)))
}

// wordStats returns the search column's statistics, read at most every
// statsAge, with the highest id read now.
func (db *DB) wordStats(ctx context.Context) (*wordStats, error) {
	st := &wordStats{}
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM articles`).Scan(&st.docs); err != nil {
		return nil, err
	}
	db.statsMu.Lock()
	defer db.statsMu.Unlock()
	if db.stats == nil || time.Since(db.statsAt) > statsAge {
		shares, least, err := db.readWordStats(ctx)
		if err != nil {
			return nil, err
		}
		db.stats, db.statsAt = &wordStats{shares: shares, least: least}, time.Now()
	}
	st.shares, st.least = db.stats.shares, db.stats.least
	return st, nil
}

// statsAge is how long wordStats keeps the column's statistics: ANALYZE
// changes them every few thousand articles, and reading them costs more
// than a search's walk of a block.
const statsAge = time.Minute

func (db *DB) readWordStats(ctx context.Context) (map[string]float64, float64, error) {
	var elems []string
	var freqs []float64
	err := db.pool.QueryRow(ctx, `
		SELECT most_common_elems::text::text[], most_common_elem_freqs::float8[] FROM pg_stats
		WHERE schemaname = current_schema() AND tablename = 'article_search' AND attname = 'search'`).Scan(&elems, &freqs)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, err
	}
	shares, least := map[string]float64{}, 1.0
	if len(freqs) >= len(elems)+2 { // then the least and the greatest share (and for some types, of nulls)
		for i, e := range elems {
			shares[e] = freqs[i]
		}
		least = freqs[len(elems)]
	}
	return shares, least, nil
}

// searchHits reads the page's articles, in the page's order, each with a
// snippet of its text.
func (db *DB) searchHits(ctx context.Context, page []search.Candidate, q herald.Query) ([]herald.SearchHit, error) {
	if len(page) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(page))
	for i, c := range page {
		ids[i] = c.ID
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+articleColumns+`, a.text
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id = ANY($1)`, ids)
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

// TermDocs implements herald.SearchService. PostgreSQL keeps no exact
// document frequencies: a term the column's statistics list among its
// most common is given its share of the articles there, and any other is
// counted by its newest dfSample matches, walking the index back by
// blocks as Search does: a term with fewer is counted exactly, and for
// one with more the count is scaled by the span of ids they cover. (A
// count of every match reads each one's row.) Counts stop at
// herald.MaxTermDocs. The number of documents is estimated by the highest
// article id.
func (db *DB) TermDocs(ctx context.Context, terms []string) (int, []int, error) {
	st, err := db.wordStats(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("term docs: %w", err)
	}
	df := make([]int, len(terms))
	if len(terms) == 0 {
		return int(st.docs), df, nil
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, nil, fmt.Errorf("term docs: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := planWalks(ctx, tx); err != nil {
		return 0, nil, fmt.Errorf("term docs: %w", err)
	}
	for i, t := range terms {
		if f, ok := st.shares[t]; ok {
			df[i] = min(int(f*float64(st.docs)), herald.MaxTermDocs)
			continue
		}
		toks := search.Tokens(t)
		if len(toks) == 0 {
			continue
		}
		w := walk{tx: tx, window: dfSample, scan: dfSample, passes: `true`,
			share: st.share(herald.Query{Must: []herald.Clause{{toks}}})}
		w.match = tsPhrase(toks, &w.args, ` `)
		found, err := w.run(ctx, st.docs)
		if err != nil {
			return 0, nil, fmt.Errorf("term docs: %w", err)
		}
		n := int64(len(found))
		if n >= dfSample {
			n = n * st.docs / max(st.docs-found[len(found)-1].ID+1, 1)
		}
		df[i] = int(min(n, herald.MaxTermDocs))
	}
	return int(st.docs), df, tx.Commit(ctx)
}

// dfSample is how many of a term's newest matches TermDocs reads to
// estimate how many articles hold it.
const dfSample = 1000

// planWalks sets how the walks of tx are planned. It turns index scans
// off for the rest of tx: a query matching the search column then reads
// the GIN index's postings, never walks the primary key reading each
// row's search vector, which the planner prefers for common words. It also has
// each walk step planned for its own words and block (a plan made once
// for any, which PostgreSQL switches to after a prepared statement's
// fifth run, cannot tell a rare word from a common one), and turns JIT
// compilation off: a step over a large block of a common word is costed
// high enough to be compiled, which took longer than the step.
func planWalks(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true),
		set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)`)
	return err
}

// FindSimilar implements herald.SearchService. For each term it reads
// the newest search.SimilarHolders articles holding it among the within
// stored last before the article (and any stored since), walking the GIN
// index back by blocks of ids as Search does, and ranks them in Go
// (search.Similarity): ts_rank would read every candidate's whole search
// vector. Each article read costs a visit to its row, hence the bound
// per term. The best similarPool are then checked
// for being shown copies and scored with their titles, and the texts read
// for the best limit alone.
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
	st, err := db.wordStats(ctx)
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	defer tx.Rollback(ctx)
	out, err := findSimilar(ctx, tx, st, id, phrases, within, limit)
	if err != nil {
		return nil, fmt.Errorf("find similar to %d: %w", id, err)
	}
	return out, tx.Commit(ctx)
}

// similarPool is how many of the best candidates by their words
// FindSimilar reads the titles of, per candidate returned.
const similarPool = 4

func findSimilar(ctx context.Context, tx pgx.Tx, st *wordStats, id int64, phrases []herald.Phrase, within, limit int) ([]herald.Similar, error) {
	// The window counts back from the article itself, which may be
	// older than the newest when the related queue runs behind.
	var newest, shown int64
	err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0),
		coalesce((SELECT coalesce(duplicate_of, id) FROM articles WHERE id = $1), 0) FROM articles`, id).Scan(&newest, &shown)
	if err != nil {
		return nil, err
	}
	if err := planWalks(ctx, tx); err != nil {
		return nil, err
	}
	after := int64(0)
	if within > 0 {
		after = max(id-int64(within), 0)
	}
	holders := make([][]int64, len(phrases))
	for i, p := range phrases {
		w := walk{tx: tx, window: search.SimilarHolders, scan: search.SimilarHolders, passes: `true`, floor: after + 1,
			share: st.share(herald.Query{Must: []herald.Clause{{p}}})}
		w.match = tsPhrase(p, &w.args, ` `)
		found, err := w.run(ctx, newest)
		if err != nil {
			return nil, err
		}
		for _, c := range found {
			holders[i] = append(holders[i], c.ID)
		}
	}
	sim := search.NewSimilarity(phrases, holders, newest, after)
	pool := sim.Best(similarPool*limit, func(c int64) bool { return c != id && c != shown })
	if len(pool) == 0 {
		return nil, nil
	}
	// Copies are left out here, as the index does not know them.
	rows, err := tx.Query(ctx, `SELECT id, title FROM articles WHERE id = ANY($1) AND duplicate_of IS NULL`, pool)
	if err != nil {
		return nil, err
	}
	scores := map[int64]float64{}
	var h int64
	var title string
	_, err = pgx.ForEachRow(rows, []any{&h, &title}, func() error {
		scores[h] = sim.Score(h, title)
		return nil
	})
	if err != nil {
		return nil, err
	}
	best := slices.Collect(maps.Keys(scores))
	slices.SortFunc(best, func(a, b int64) int { return cmp.Or(cmp.Compare(scores[b], scores[a]), cmp.Compare(b, a)) })
	best = best[:min(limit, len(best))]
	if len(best) == 0 {
		return nil, nil // the pool held copies only
	}
	// As in Search, the texts are read for the chosen candidates only.
	rows, err = tx.Query(ctx, `
		SELECT `+articleColumns+`, a.text
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id = ANY($1)`, best)
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// The share lock keeps the article from being deleted meanwhile.
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1 FOR SHARE)`, id).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM related WHERE article_id = $1`, id); err != nil {
		return err
	}
	// Ids that no longer exist are skipped; positions follow the order of
	// the ids kept.
	ids := make([]int64, len(items))
	scores := make([]float64, len(items))
	for i, it := range items {
		ids[i], scores[i] = it.ID, it.Score
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO related (article_id, position, related_id, score)
		SELECT $1, row_number() OVER (ORDER BY u.i) - 1, a.id, u.score
		FROM unnest($2::bigint[], $3::double precision[]) WITH ORDINALITY u (r, score, i)
		JOIN articles a ON a.id = u.r
		WHERE u.r <> $1`, id, ids, scores); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "related", id, micro(db.Now())); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// FindRelated implements herald.RelatedService: one query on the primary
// key of related. An item that has since become a copy is shown as its
// text's shown copy.
func (db *DB) FindRelated(ctx context.Context, id int64) ([]*herald.Article, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+articleColumns+`
		FROM related r
		JOIN articles me ON me.id = r.article_id
		JOIN articles x ON x.id = r.related_id
		JOIN articles a ON a.id = coalesce(x.duplicate_of, x.id)
		JOIN sources s ON s.id = a.source_id
		WHERE r.article_id = $1 AND a.id <> coalesce(me.duplicate_of, me.id)
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
	rows, err := db.pool.Query(ctx, `
		SELECT r.related_id, a.source_id, r.score FROM related r JOIN articles a ON a.id = r.related_id
		WHERE r.article_id = $1 ORDER BY r.position`, id)
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
