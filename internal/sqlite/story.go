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

var _ herald.StoryService = (*DB)(nil)

// termChunk bounds the terms bound to one statement, well under SQLite's
// limit on host parameters.
const termChunk = 400

// PlaceArticle implements herald.StoryService. The placement runs on the
// writer connection in a transaction begun IMMEDIATE, which holds SQLite's
// write lock from its first statement: placements are serialised, in this
// process and in any other sharing the file, from the look-up to the
// write, so two articles of one new event cannot both start a story.
func (db *DB) PlaceArticle(ctx context.Context, id int64, place herald.StoryPlacer) (int64, error) {
	storyID, err := db.placeArticle(ctx, id, place)
	if err != nil {
		return 0, fmt.Errorf("place article %d: %w", id, err)
	}
	return storyID, nil
}

func (db *DB) placeArticle(ctx context.Context, id int64, place herald.StoryPlacer) (int64, error) {
	// Held to the end, so the next placement reads this one's counts.
	db.placing.Lock()
	defer db.placing.Unlock()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	var (
		shown, published int64
		storyID          sql.NullInt64
	)
	err = tx.QueryRowContext(ctx, `SELECT coalesce(duplicate_of, id), story_id, published_at FROM articles WHERE id = ?`,
		id).Scan(&shown, &storyID, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return 0, err
	}
	if storyID.Valid {
		return storyID.Int64, nil // placed already, by the pipeline or an editor
	}

	// A text has one story: a copy, or a new shown copy of a text, joins
	// the story the text is in.
	var textStory int64
	err = tx.QueryRowContext(ctx, `SELECT story_id FROM articles
		WHERE (id = ? OR duplicate_of = ?) AND story_id IS NOT NULL LIMIT 1`, shown, shown).Scan(&textStory)
	switch {
	case err == nil:
		if err := joinText(ctx, tx, shown, textStory, published); err != nil {
			return 0, err
		}
		if err := recordChange(ctx, tx, "story", textStory, now); err != nil {
			return 0, err
		}
		return textStory, tx.Commit()
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}

	p, err := place(ctx, storyIndex{tx, &db.docFreqs})
	if err != nil {
		return 0, err
	}
	target, err := saveStory(ctx, tx, p, shown, published, now)
	if err != nil {
		return 0, err
	}
	home, err := mergeTarget(ctx, tx, target)
	if err != nil {
		return 0, err
	}
	if err := joinText(ctx, tx, shown, home, published); err != nil {
		return 0, err
	}
	if err := refile(ctx, tx, target, p.IndexTerms, p.Closed, p.CloseBefore); err != nil {
		return 0, err
	}
	var written *store.DocFreqDelta
	if db.docFreqs.Due(now) {
		d := db.docFreqs.Pending()
		if err := writeDocFreqs(ctx, tx, d); err != nil {
			return 0, err
		}
		written = &d
	}
	if err := recordChange(ctx, tx, "story", home, now); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	if written != nil {
		db.docFreqs.Written(*written, now)
	}
	db.docFreqs.Count(p.Terms, now)
	return home, nil
}

// saveStory writes the placer's story state: a new story, or the chosen
// one updated. It returns the story's id.
func saveStory(ctx context.Context, tx *sql.Tx, p herald.StoryPlacement, lead, published int64, now time.Time) (int64, error) {
	s := p.Story
	if s.ID == 0 {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO stories (centroid, size, first_at, last_at, latest_at, lead_id, lead_vector, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			notNil(s.Centroid), s.Size, nanos(s.First), nanos(s.Last), published, lead, notNil(s.LeadVector), nanos(now))
		if err != nil {
			return 0, fmt.Errorf("add story: %w", err)
		}
		return res.LastInsertId()
	}
	res, err := tx.ExecContext(ctx, `UPDATE stories SET centroid = ?, size = ?, first_at = ?, last_at = ? WHERE id = ?`,
		notNil(s.Centroid), s.Size, nanos(s.First), nanos(s.Last), s.ID)
	if err != nil {
		return 0, fmt.Errorf("update story %d: %w", s.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, errors.Join(err, herald.Errorf(herald.EINVALID, "story %d does not exist", s.ID))
	}
	if p.Lead {
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET lead_id = ?, lead_vector = ? WHERE id = ?`,
			lead, notNil(s.LeadVector), s.ID); err != nil {
			return 0, fmt.Errorf("update story %d: %w", s.ID, err)
		}
	}
	return s.ID, nil
}

// joinText puts the articles of a text still without a story in story,
// and moves the story's latest time.
func joinText(ctx context.Context, tx *sql.Tx, shown, story, published int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET story_id = ? WHERE (id = ? OR duplicate_of = ?) AND story_id IS NULL`,
		story, shown, shown); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE stories SET latest_at = max(latest_at, ?) WHERE id = ?`, published, story)
	return err
}

// refile replaces the terms story id is filed under, writing only the
// rows that change, and takes out of the index the closed stories: those
// the placer found closed, and those whose last article is before
// closeBefore (read through stories_filed_by_last, so the sweep costs
// what it removes).
func refile(ctx context.Context, tx *sql.Tx, id int64, terms []string, closed []int64, closeBefore time.Time) error {
	if !closeBefore.IsZero() {
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_index WHERE story_id IN
			(SELECT id FROM stories WHERE filed = 1 AND last_at < ?)`, nanos(closeBefore)); err != nil {
			return fmt.Errorf("unfile closed stories: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET filed = 0 WHERE filed = 1 AND last_at < ?`,
			nanos(closeBefore)); err != nil {
			return fmt.Errorf("unfile closed stories: %w", err)
		}
	}
	for _, c := range closed {
		if c == id {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_index WHERE story_id = ?`, c); err != nil {
			return fmt.Errorf("unfile story %d: %w", c, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET filed = 0 WHERE id = ?`, c); err != nil {
			return fmt.Errorf("unfile story %d: %w", c, err)
		}
	}
	filed, err := filedTerms(ctx, tx, id)
	if err != nil {
		return err
	}
	add, remove := store.TermsDiff(filed, terms)
	for _, t := range remove {
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_index WHERE term = ? AND story_id = ?`, t, id); err != nil {
			return fmt.Errorf("unfile story %d: %w", id, err)
		}
	}
	for chunk := range chunks(add, termChunk) {
		args := make([]any, 0, 2*len(chunk))
		for _, t := range chunk {
			args = append(args, t, id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO story_index (term, story_id) VALUES (?, ?)`+
			strings.Repeat(`, (?, ?)`, len(chunk)-1), args...); err != nil {
			return fmt.Errorf("file story %d: %w", id, err)
		}
	}
	isFiled := len(filed)+len(add) > len(remove)
	if _, err := tx.ExecContext(ctx, `UPDATE stories SET filed = ? WHERE id = ? AND filed <> ?`,
		isFiled, id, isFiled); err != nil {
		return fmt.Errorf("file story %d: %w", id, err)
	}
	return nil
}

// filedTerms returns the terms story id is filed under.
func filedTerms(ctx context.Context, tx *sql.Tx, id int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT term FROM story_index WHERE story_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("read terms of story %d: %w", id, err)
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("read terms of story %d: %w", id, err)
		}
		terms = append(terms, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read terms of story %d: %w", id, err)
	}
	return terms, nil
}

// writeDocFreqs adds d, counts gathered in the buffer, to the stored
// document frequencies (see store.DocFreqBuffer).
func writeDocFreqs(ctx context.Context, tx *sql.Tx, d store.DocFreqDelta) error {
	if _, err := tx.ExecContext(ctx, `UPDATE story_docs SET docs = docs + ?`, d.Docs); err != nil {
		return fmt.Errorf("count articles: %w", err)
	}
	for i := 0; i < len(d.Terms); i += termChunk {
		k := min(len(d.Terms), i+termChunk)
		args := make([]any, 0, 2*(k-i))
		for j := i; j < k; j++ {
			args = append(args, d.Terms[j], d.Counts[j])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO story_terms (term, df) VALUES (?, ?)`+
			strings.Repeat(`, (?, ?)`, k-i-1)+` ON CONFLICT (term) DO UPDATE SET df = df + excluded.df`, args...); err != nil {
			return fmt.Errorf("count terms: %w", err)
		}
	}
	return nil
}

// FlushDocFreqs writes the document frequencies counted in this process
// and not yet stored. Close calls it.
func (db *DB) FlushDocFreqs(ctx context.Context) error {
	db.placing.Lock()
	defer db.placing.Unlock()
	d := db.docFreqs.Pending()
	if d.Docs == 0 {
		return nil
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	defer tx.Rollback()
	if err := writeDocFreqs(ctx, tx, d); err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	db.docFreqs.Written(d, db.Now())
	return nil
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// notNil keeps an empty byte slice from being stored as NULL.
func notNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// storyIndex is the placement transaction's view of the index, with the
// document frequencies this process has counted and not yet written.
type storyIndex struct {
	tx      *sql.Tx
	pending *store.DocFreqBuffer
}

// DocFreqs implements herald.StoryIndex.
func (x storyIndex) DocFreqs(ctx context.Context, terms []string) (int, map[string]int, error) {
	var docs int
	if err := x.tx.QueryRowContext(ctx, `SELECT docs FROM story_docs`).Scan(&docs); err != nil {
		return 0, nil, fmt.Errorf("count articles: %w", err)
	}
	df := make(map[string]int, len(terms))
	for chunk := range chunks(store.DistinctTerms(terms), termChunk) {
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t
		}
		rows, err := x.tx.QueryContext(ctx, `SELECT term, df FROM story_terms WHERE term IN (?`+
			strings.Repeat(`, ?`, len(chunk)-1)+`)`, args...)
		if err != nil {
			return 0, nil, fmt.Errorf("find document frequencies: %w", err)
		}
		for rows.Next() {
			var t string
			var n int
			if err := rows.Scan(&t, &n); err != nil {
				rows.Close()
				return 0, nil, err
			}
			df[t] = n
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return 0, nil, fmt.Errorf("find document frequencies: %w", err)
		}
	}
	return x.pending.AddPending(docs, df, terms), df, nil
}

// Candidates implements herald.StoryIndex through the primary key of
// story_index: one look-up per term.
func (x storyIndex) Candidates(ctx context.Context, terms []string, limit int) ([]herald.StoryState, error) {
	terms = store.DistinctTerms(terms)
	if len(terms) == 0 || limit <= 0 {
		return nil, nil
	}
	terms = terms[:min(len(terms), termChunk)]
	args := make([]any, 0, len(terms)+1)
	for _, t := range terms {
		args = append(args, t)
	}
	args = append(args, limit)
	rows, err := x.tx.QueryContext(ctx, `
		SELECT s.id, s.centroid, s.size, s.first_at, s.last_at, s.lead_vector
		FROM (SELECT story_id, count(*) AS n FROM story_index WHERE term IN (?`+strings.Repeat(`, ?`, len(terms)-1)+`)
			GROUP BY story_id ORDER BY n DESC, story_id DESC LIMIT ?) AS hit
		JOIN stories s ON s.id = hit.story_id
		ORDER BY hit.n DESC, s.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find candidate stories: %w", err)
	}
	defer rows.Close()
	var list []herald.StoryState
	for rows.Next() {
		var s herald.StoryState
		var first, last int64
		if err := rows.Scan(&s.ID, &s.Centroid, &s.Size, &first, &last, &s.LeadVector); err != nil {
			return nil, fmt.Errorf("find candidate stories: %w", err)
		}
		s.First, s.Last = fromNanos(first), fromNanos(last)
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find candidate stories: %w", err)
	}
	return list, nil
}

// FindUnplacedArticles implements herald.StoryService.
func (db *DB) FindUnplacedArticles(ctx context.Context, limit int) ([]*herald.Article, error) {
	limit = max(1, min(limit, herald.MaxPageSize))
	rows, err := db.reader.QueryContext(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id IS NULL ORDER BY a.published_at, a.id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("find unplaced articles: %w", err)
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, true)
		if err != nil {
			return nil, fmt.Errorf("find unplaced articles: %w", err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find unplaced articles: %w", err)
	}
	return list, nil
}

// FindStoryByID implements herald.StoryService.
func (db *DB) FindStoryByID(ctx context.Context, id int64) (*herald.Story, []*herald.Article, error) {
	s, list, err := db.findStory(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("find story %d: %w", id, err)
	}
	return s, list, nil
}

func (db *DB) findStory(ctx context.Context, id int64) (*herald.Story, []*herald.Article, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	var into, lead sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT merged_into FROM stories WHERE id = ?`, id).Scan(&into)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, herald.Errorf(herald.ENOTFOUND, "story not found")
	}
	if err != nil {
		return nil, nil, err
	}
	if into.Valid {
		id = into.Int64
	}
	if err := tx.QueryRowContext(ctx, `SELECT lead_id FROM stories WHERE id = ?`, id).Scan(&lead); err != nil {
		return nil, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id = ? AND a.duplicate_of IS NULL ORDER BY a.published_at, a.id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
		if err != nil {
			return nil, nil, err
		}
		list = append(list, a)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, nil, err
	}
	if len(list) == 0 {
		return nil, nil, herald.Errorf(herald.ENOTFOUND, "story not found")
	}
	if err := fillCopies(ctx, tx, list); err != nil {
		return nil, nil, err
	}
	leadID, err := shownOf(ctx, tx, lead)
	if err != nil {
		return nil, nil, err
	}
	return store.NewStory(id, leadID, list), list, tx.Commit()
}

// shownOf returns the shown copy of article id's text, 0 for none.
func shownOf(ctx context.Context, q querier, id sql.NullInt64) (int64, error) {
	if !id.Valid {
		return 0, nil
	}
	var shown int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(duplicate_of, id) FROM articles WHERE id = ?`, id.Int64).Scan(&shown)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return shown, err
}

// FindStories implements herald.StoryService.
func (db *DB) FindStories(ctx context.Context, f herald.StoryFilter) ([]*herald.Story, string, error) {
	list, next, err := db.findStories(ctx, f)
	if err != nil {
		return nil, "", fmt.Errorf("find stories: %w", err)
	}
	return list, next, nil
}

func (db *DB) findStories(ctx context.Context, f herald.StoryFilter) ([]*herald.Story, string, error) {
	where, args := `merged_into IS NULL`, []any{}
	if f.Cursor != "" {
		c, err := herald.DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where += ` AND (latest_at < ? OR (latest_at = ? AND id < ?))`
		args = append(args, nanos(c.PublishedAt), nanos(c.PublishedAt), c.ID)
	}
	limit := f.PageLimit()
	args = append(args, limit+1)

	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, latest_at, lead_id FROM stories WHERE `+where+`
		ORDER BY latest_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var page []store.StoryRow
	for rows.Next() {
		var r store.StoryRow
		var latest int64
		var lead sql.NullInt64
		if err := rows.Scan(&r.ID, &latest, &lead); err != nil {
			return nil, "", err
		}
		r.Latest, r.LeadID = fromNanos(latest), lead.Int64
		page = append(page, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, "", err
	}
	page, next := store.NextStoryPage(page, limit)
	stories, err := summariseStories(ctx, tx, page)
	if err != nil {
		return nil, "", err
	}
	return stories, next, tx.Commit()
}

// summariseStories makes the stories of a list from their rows, in their
// order: every article of each is read, and the leads' copies.
func summariseStories(ctx context.Context, q querier, page []store.StoryRow) ([]*herald.Story, error) {
	if len(page) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(page))
	for i, r := range page {
		ids[i] = r.ID
	}
	byStory, err := storiesArticles(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	stories := store.SummariseStories(page, byStory)
	var leads []*herald.Article
	for _, s := range stories {
		leads = append(leads, s.Lead)
	}
	if err := fillCopies(ctx, q, leads); err != nil {
		return nil, err
	}
	return stories, nil
}

// FindGrowingStories implements herald.StoryService, counting through
// articles_by_created the articles stored since then.
func (db *DB) FindGrowingStories(ctx context.Context, since time.Time, limit int) ([]herald.StoryGrowth, error) {
	if limit <= 0 {
		return nil, nil
	}
	list, err := db.findGrowingStories(ctx, since, min(limit, herald.MaxPageSize))
	if err != nil {
		return nil, fmt.Errorf("find growing stories: %w", err)
	}
	return list, nil
}

func (db *DB) findGrowingStories(ctx context.Context, since time.Time, limit int) ([]herald.StoryGrowth, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		SELECT s.id, s.latest_at, s.lead_id, count(*) AS n
		FROM articles a JOIN stories s ON s.id = a.story_id
		WHERE a.created_at >= ? AND a.duplicate_of IS NULL AND s.merged_into IS NULL
		GROUP BY s.id ORDER BY n DESC, s.latest_at DESC, s.id DESC LIMIT ?`, nanos(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page []store.StoryRow
	added := map[int64]int{}
	for rows.Next() {
		var r store.StoryRow
		var latest int64
		var lead sql.NullInt64
		var n int
		if err := rows.Scan(&r.ID, &latest, &lead, &n); err != nil {
			return nil, err
		}
		r.Latest, r.LeadID = fromNanos(latest), lead.Int64
		page = append(page, r)
		added[r.ID] = n
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	stories, err := summariseStories(ctx, tx, page)
	if err != nil {
		return nil, err
	}
	out := make([]herald.StoryGrowth, len(stories))
	for i, s := range stories {
		out[i] = herald.StoryGrowth{Story: s, Added: added[s.ID]}
	}
	return out, tx.Commit()
}

// storiesArticles returns every article of each story in ids, copies
// included, the earliest first, in one query through articles_by_story.
func storiesArticles(ctx context.Context, q querier, ids []int64) (map[int64][]*herald.Article, error) {
	byStory := make(map[int64][]*herald.Article, len(ids))
	if len(ids) == 0 {
		return byStory, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT a.story_id, `+articleColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`) ORDER BY a.published_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		a, err := scanArticle(func(dest ...any) error { return rows.Scan(append([]any{&sid}, dest...)...) }, false)
		if err != nil {
			return nil, err
		}
		byStory[sid] = append(byStory[sid], a)
	}
	return byStory, errors.Join(rows.Err(), rows.Close())
}

// SplitArticle implements herald.StoryService.
func (db *DB) SplitArticle(ctx context.Context, articleID int64) (*herald.Story, error) {
	id, err := db.splitArticle(ctx, articleID)
	if err != nil {
		return nil, fmt.Errorf("split article %d: %w", articleID, err)
	}
	s, _, err := db.FindStoryByID(ctx, id)
	return s, err
}

func (db *DB) splitArticle(ctx context.Context, articleID int64) (int64, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	var shown, published int64
	var old sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT coalesce(duplicate_of, id), story_id, published_at FROM articles WHERE id = ?`,
		articleID).Scan(&shown, &old, &published)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return 0, err
	}
	var latest int64
	if err := tx.QueryRowContext(ctx, `SELECT max(published_at) FROM articles WHERE id = ? OR duplicate_of = ?`,
		shown, shown).Scan(&latest); err != nil {
		return 0, err
	}
	// An editor's story has no centroid: it is filed nowhere and takes no
	// article but the copies of its text.
	res, err := tx.ExecContext(ctx, `
		INSERT INTO stories (centroid, size, first_at, last_at, latest_at, lead_id, created_at)
		VALUES (x'', 0, ?, ?, ?, ?, ?)`, published, published, latest, shown, nanos(now))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET story_id = ?, story_pinned = 1 WHERE id = ? OR duplicate_of = ?`,
		id, shown, shown); err != nil {
		return 0, err
	}
	if old.Valid {
		// The old story loses its lead if it was this text, and its latest
		// time is what its remaining articles say.
		if _, err := tx.ExecContext(ctx, `
			UPDATE stories SET
				lead_id = CASE WHEN lead_id IN (SELECT id FROM articles WHERE id = ? OR duplicate_of = ?) THEN NULL ELSE lead_id END,
				lead_vector = CASE WHEN lead_id IN (SELECT id FROM articles WHERE id = ? OR duplicate_of = ?) THEN x'' ELSE lead_vector END,
				latest_at = coalesce((SELECT max(published_at) FROM articles WHERE story_id = ?), latest_at)
			WHERE id = ?`, shown, shown, shown, shown, old.Int64, old.Int64); err != nil {
			return 0, err
		}
		if err := recordChange(ctx, tx, "story", old.Int64, now); err != nil {
			return 0, err
		}
	}
	if err := recordChange(ctx, tx, "story", id, now); err != nil {
		return 0, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// MergeStories implements herald.StoryService.
func (db *DB) MergeStories(ctx context.Context, id, into int64) error {
	if err := db.mergeStories(ctx, id, into); err != nil {
		return fmt.Errorf("merge story %d into %d: %w", id, into, err)
	}
	return nil
}

func (db *DB) mergeStories(ctx context.Context, id, into int64) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	from, err := mergeTarget(ctx, tx, id)
	if err != nil {
		return err
	}
	if from != id {
		return herald.Errorf(herald.EINVALID, "story %d was merged into story %d already", id, from)
	}
	to, err := mergeTarget(ctx, tx, into)
	if err != nil {
		return err
	}
	if to == from {
		return herald.Errorf(herald.EINVALID, "a story cannot be merged into itself")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET story_id = ? WHERE story_id = ?`, to, from); err != nil {
		return err
	}
	// Stories merged into this one before now point at the survivor too.
	if _, err := tx.ExecContext(ctx, `UPDATE stories SET merged_into = ? WHERE id = ? OR merged_into = ?`,
		to, from, from); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stories SET latest_at = max(latest_at, (SELECT latest_at FROM stories WHERE id = ?))
		WHERE id = ?`, from, to); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "story", to, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	return tx.Commit()
}

// mergeTarget returns the story that story id's articles are in: id, or
// the story it was merged into (merges point every story straight at the
// survivor, so one step is enough). A missing story is ENOTFOUND.
func mergeTarget(ctx context.Context, tx *sql.Tx, id int64) (int64, error) {
	var into sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT merged_into FROM stories WHERE id = ?`, id).Scan(&into)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, herald.Errorf(herald.ENOTFOUND, "story %d not found", id)
	}
	if err != nil {
		return 0, err
	}
	if into.Valid {
		return into.Int64, nil
	}
	return id, nil
}

// storyLatestQuery reads a story's newest articles; its arguments are the
// story's id twice and the limit.
const storyLatestQuery = `SELECT ` + articleColumns + `
	FROM articles a JOIN sources s ON s.id = a.source_id
	WHERE a.story_id = coalesce((SELECT merged_into FROM stories WHERE id = ?), ?) AND a.duplicate_of IS NULL
	ORDER BY a.published_at DESC, a.id DESC LIMIT ?`

// FindStoryLatest implements herald.StoryService, reading articles_by_story
// backwards from the newest.
func (db *DB) FindStoryLatest(ctx context.Context, id int64, limit int) ([]*herald.Article, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.reader.QueryContext(ctx, storyLatestQuery, id, id, limit)
	if err != nil {
		return nil, fmt.Errorf("find latest of story %d: %w", id, err)
	}
	list, err := scanArticles(rows, false)
	if err != nil {
		return nil, fmt.Errorf("find latest of story %d: %w", id, err)
	}
	return list, nil
}
