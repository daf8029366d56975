package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var _ herald.StoryService = (*DB)(nil)

// storyLock is the advisory lock key every transaction that changes
// stories takes first (pg_advisory_xact_lock, released at commit or
// rollback). Placing an article reads the index, decides and writes: with
// the lock held across the three, placements in every process sharing the
// database run one after the other, so two articles of one new event
// cannot both start a story, and an editor's split or merge never
// interleaves with a placement.
const storyLock int64 = 0x68657261_6c64_04 // "herald", 4

// lockStories takes storyLock for the rest of tx.
func lockStories(ctx context.Context, tx pgx.Tx) error {
	var b batch
	queueStoryLock(&b)
	return b.send(ctx, tx)
}

func queueStoryLock(b *batch) {
	b.exec("lock stories", `SELECT pg_advisory_xact_lock($1)`, storyLock)
}

// PlaceArticle implements herald.StoryService under storyLock. A
// transaction that loses a deadlock with an AddArticle changing the same
// text's copies is run again.
func (db *DB) PlaceArticle(ctx context.Context, id int64, place herald.StoryPlacer) (int64, error) {
	var (
		storyID int64
		err     error
	)
	for range maxAttempts {
		storyID, err = db.placeArticle(ctx, id, place)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("place article %d: %w", id, err)
	}
	return storyID, nil
}

func (db *DB) placeArticle(ctx context.Context, id int64, place herald.StoryPlacer) (int64, error) {
	// Held to the end, so the next placement here reads this one's counts.
	db.placing.Lock()
	defer db.placing.Unlock()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	a, err := lockForPlacing(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if a.story != nil {
		return *a.story, nil // placed already, by the pipeline or an editor
	}

	// A text has one story: a copy, or a new shown copy of a text, joins
	// the story the text is in.
	if a.textStory != nil {
		var b batch
		queueJoinText(&b, a.shown, *a.textStory, a.published)
		queueStoryChange(&b, *a.textStory, now)
		if err := b.send(ctx, tx); err != nil {
			return 0, err
		}
		return *a.textStory, tx.Commit(ctx)
	}

	p, err := place(ctx, storyIndex{tx, &db.docFreqs})
	if err != nil {
		return 0, err
	}
	target := p.Story.ID
	if target == 0 {
		if target, err = addStory(ctx, tx, p.Story, a.shown, a.published, now); err != nil {
			return 0, err
		}
	}
	// The rest is written in one round trip. An editor may have merged
	// the target into another story: its articles then go there.
	var b batch
	if p.Story.ID != 0 {
		queueUpdateStory(&b, p, a.shown)
	}
	queueJoinText(&b, a.shown, target, a.published)
	queueRefile(&b, target, p.IndexTerms, p.Closed, p.CloseBefore)
	var written *store.DocFreqDelta
	if db.docFreqs.Due(db.Now()) {
		d := db.docFreqs.Pending()
		queueDocFreqs(&b, d)
		written = &d
	}
	queueStoryChange(&b, target, now)
	var home int64
	b.queryRow("find the story merged into", `SELECT `+fmt.Sprintf(homeOf, 1), func(r pgx.Row) error { return r.Scan(&home) }, target)
	if err := b.send(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	if written != nil {
		db.docFreqs.Written(*written, db.Now())
	}
	db.docFreqs.Count(p.Terms, db.Now())
	return home, nil
}

// homeOf names, in SQL, the story that story $N's articles are in: itself,
// or the story an editor merged it into (see mergeTarget). N is the
// statement's parameter holding the story's id.
const homeOf = `(SELECT coalesce(merged_into, id) FROM stories WHERE id = $%d)`

// unplaced is what placing an article reads of it.
type unplaced struct {
	shown     int64  // the shown copy of its text
	story     *int64 // its story, when placed already
	textStory *int64 // the story another copy of its text is in
	published time.Time
}

// lockForPlacing takes storyLock and reads article id, in one round trip.
func lockForPlacing(ctx context.Context, tx pgx.Tx, id int64) (unplaced, error) {
	var (
		a     unplaced
		found bool
		b     batch
	)
	queueStoryLock(&b)
	b.query("find article", `
		SELECT p.shown, p.story_id, p.published_at,
			(SELECT story_id FROM articles WHERE (id = p.shown OR duplicate_of = p.shown) AND story_id IS NOT NULL LIMIT 1)
		FROM (SELECT coalesce(duplicate_of, id) AS shown, story_id, published_at FROM articles WHERE id = $1) p`,
		func(r pgx.Rows) error {
			found = true
			return r.Scan(&a.shown, &a.story, &a.published, &a.textStory)
		}, id)
	if err := b.send(ctx, tx); err != nil {
		return unplaced{}, err
	}
	if !found {
		return unplaced{}, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	return a, nil
}

// addStory writes the placer's new story and returns its id.
func addStory(ctx context.Context, tx pgx.Tx, s herald.StoryState, lead int64, published, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO stories (centroid, size, first_at, last_at, latest_at, lead_id, lead_vector, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		notNil(s.Centroid), s.Size, micro(s.First), micro(s.Last), published, lead, notNil(s.LeadVector), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add story: %w", err)
	}
	return id, nil
}

// queueUpdateStory queues the writes of the placer's state of the story
// it chose; lead is the new article's shown copy.
func queueUpdateStory(b *batch, p herald.StoryPlacement, lead int64) {
	s := p.Story
	what := fmt.Sprintf("update story %d", s.ID)
	b.execTag(what, `UPDATE stories SET centroid = $1, size = $2, first_at = $3, last_at = $4 WHERE id = $5`,
		func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() == 0 {
				return herald.Errorf(herald.EINVALID, "story %d does not exist", s.ID)
			}
			return nil
		}, notNil(s.Centroid), s.Size, micro(s.First), micro(s.Last), s.ID)
	if p.Lead {
		b.exec(what, `UPDATE stories SET lead_id = $1, lead_vector = $2 WHERE id = $3`, lead, notNil(s.LeadVector), s.ID)
	}
}

// queueJoinText queues the writes that put the articles of a text still
// without a story in story (or the story it was merged into), and move
// that story's latest time.
func queueJoinText(b *batch, shown, story int64, published time.Time) {
	b.exec("join story", `UPDATE articles SET story_id = `+fmt.Sprintf(homeOf, 1)+`
		WHERE (id = $2 OR duplicate_of = $2) AND story_id IS NULL`, story, shown)
	b.exec("join story", `UPDATE stories SET latest_at = greatest(latest_at, $1) WHERE id = `+fmt.Sprintf(homeOf, 2),
		published, story)
}

// queueStoryChange is recordChange in a batch, for a change to story (or the
// story it was merged into).
func queueStoryChange(b *batch, story int64, now time.Time) {
	queueChangeLock(b)
	b.exec("record change", `INSERT INTO changes (kind, ref, at) SELECT 'story', `+fmt.Sprintf(homeOf, 1)+`, $2`, story, now)
}

// queueRefile queues the writes that file story id under terms alone,
// writing only the rows that change, and take out of the index the closed
// stories: those the placer found closed, and those whose last article is
// before closeBefore (read through stories_filed_by_last, so the sweep
// costs what it removes).
func queueRefile(b *batch, id int64, terms []string, closed []int64, closeBefore time.Time) {
	if !closeBefore.IsZero() {
		b.exec("unfile closed stories", `WITH gone AS (
				UPDATE stories SET filed = false WHERE filed AND last_at < $1 RETURNING id)
			DELETE FROM story_index WHERE story_id IN (SELECT id FROM gone)`, micro(closeBefore))
	}
	closed = slices.DeleteFunc(slices.Clone(closed), func(c int64) bool { return c == id })
	if len(closed) > 0 {
		b.exec("unfile closed stories", `DELETE FROM story_index WHERE story_id = ANY($1)`, closed)
		b.exec("unfile closed stories", `UPDATE stories SET filed = false WHERE id = ANY($1) AND filed`, closed)
	}
	what := fmt.Sprintf("file story %d", id)
	terms = store.DistinctTerms(terms)
	b.exec(what, `DELETE FROM story_index WHERE story_id = $1 AND term <> ALL($2)`, id, terms)
	if len(terms) > 0 {
		// A term filed already is found in the primary key and skipped:
		// no row is written for it.
		b.exec(what, `INSERT INTO story_index (term, story_id) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
			terms, id)
	}
	// Only a change of state writes the row: every update of a row is a
	// new version of it on PostgreSQL.
	b.exec(what, `UPDATE stories SET filed = $2 WHERE id = $1 AND filed <> $2`, id, len(terms) > 0)
}

// writeDocFreqs adds d, counts gathered in the buffer, to the stored
// document frequencies (see store.DocFreqBuffer). d's terms are sorted,
// so two writers would take the rows' locks in one order (storyLock
// already keeps placements apart).
func writeDocFreqs(ctx context.Context, tx pgx.Tx, d store.DocFreqDelta) error {
	var b batch
	queueDocFreqs(&b, d)
	return b.send(ctx, tx)
}

// queueDocFreqs is writeDocFreqs in a batch.
func queueDocFreqs(b *batch, d store.DocFreqDelta) {
	b.exec("count articles", `UPDATE story_docs SET docs = docs + $1`, d.Docs)
	if len(d.Terms) == 0 {
		return
	}
	b.exec("count terms", `INSERT INTO story_terms (term, df)
		SELECT t, n FROM unnest($1::text[], $2::int[]) AS u (t, n) ORDER BY t
		ON CONFLICT (term) DO UPDATE SET df = story_terms.df + excluded.df`, d.Terms, d.Counts)
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := lockStories(ctx, tx); err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	if err := writeDocFreqs(ctx, tx, d); err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("write document frequencies: %w", err)
	}
	db.docFreqs.Written(d, db.Now())
	return nil
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
	tx      pgx.Tx
	pending *store.DocFreqBuffer
}

// DocFreqs implements herald.StoryIndex, in one round trip.
func (x storyIndex) DocFreqs(ctx context.Context, terms []string) (int, map[string]int, error) {
	var (
		docs int
		df   = make(map[string]int, len(terms))
		b    batch
	)
	b.queryRow("count articles", `SELECT docs FROM story_docs`, func(r pgx.Row) error { return r.Scan(&docs) })
	b.query("find document frequencies", `SELECT term, df FROM story_terms WHERE term = ANY($1)`, func(r pgx.Rows) error {
		var t string
		var n int
		if err := r.Scan(&t, &n); err != nil {
			return err
		}
		df[t] = n
		return nil
	}, store.DistinctTerms(terms))
	if err := b.send(ctx, x.tx); err != nil {
		return 0, nil, err
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
	rows, err := x.tx.Query(ctx, `
		SELECT s.id, s.centroid, s.size, s.first_at, s.last_at, s.lead_vector
		FROM (SELECT story_id, count(*) AS n FROM story_index WHERE term = ANY($1)
			GROUP BY story_id ORDER BY n DESC, story_id DESC LIMIT $2) AS hit
		JOIN stories s ON s.id = hit.story_id
		ORDER BY hit.n DESC, s.id DESC`, terms, limit)
	if err != nil {
		return nil, fmt.Errorf("find candidate stories: %w", err)
	}
	defer rows.Close()
	var list []herald.StoryState
	for rows.Next() {
		var s herald.StoryState
		if err := rows.Scan(&s.ID, &s.Centroid, &s.Size, &s.First, &s.Last, &s.LeadVector); err != nil {
			return nil, fmt.Errorf("find candidate stories: %w", err)
		}
		s.First, s.Last = s.First.UTC(), s.Last.UTC()
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
	rows, err := db.pool.Query(ctx, `SELECT `+articleColumns+`, `+bodyColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id IS NULL ORDER BY a.published_at, a.id LIMIT $1`, limit)
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
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx)
	id, err = mergeTarget(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	var lead *int64
	if err := tx.QueryRow(ctx, `SELECT lead_id FROM stories WHERE id = $1`, id).Scan(&lead); err != nil {
		return nil, nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+articleColumns+` FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id = $1 AND a.duplicate_of IS NULL ORDER BY a.published_at, a.id`, id)
	if err != nil {
		return nil, nil, err
	}
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(list) == 0 {
		return nil, nil, herald.Errorf(herald.ENOTFOUND, "story not found")
	}
	if err := fillCopies(ctx, tx, list); err != nil {
		return nil, nil, err
	}
	var leadID int64
	if lead != nil {
		err := tx.QueryRow(ctx, `SELECT coalesce(duplicate_of, id) FROM articles WHERE id = $1`, *lead).Scan(&leadID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, err
		}
	}
	return store.NewStory(id, leadID, list), list, tx.Commit(ctx)
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
	limit := f.PageLimit()
	where, args := `merged_into IS NULL`, []any{limit + 1}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where += ` AND (latest_at, id) < ($2, $3)`
		args = append(args, at, id)
	}

	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT id, latest_at, lead_id FROM stories WHERE `+where+`
		ORDER BY latest_at DESC, id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, "", err
	}
	var page []store.StoryRow
	for rows.Next() {
		var r store.StoryRow
		var lead *int64
		if err := rows.Scan(&r.ID, &r.Latest, &lead); err != nil {
			rows.Close()
			return nil, "", err
		}
		r.Latest = r.Latest.UTC()
		if lead != nil {
			r.LeadID = *lead
		}
		page = append(page, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	page, next := store.NextStoryPage(page, limit)
	stories, err := summariseStories(ctx, tx, page)
	if err != nil {
		return nil, "", err
	}
	return stories, next, tx.Commit(ctx)
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
	tx, err := db.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `
		SELECT s.id, s.latest_at, s.lead_id, count(*) AS n
		FROM articles a JOIN stories s ON s.id = a.story_id
		WHERE a.created_at >= $1 AND a.duplicate_of IS NULL AND s.merged_into IS NULL
		GROUP BY s.id ORDER BY n DESC, s.latest_at DESC, s.id DESC LIMIT $2`, since, limit)
	if err != nil {
		return nil, err
	}
	var page []store.StoryRow
	added := map[int64]int{}
	for rows.Next() {
		var r store.StoryRow
		var lead *int64
		var n int
		if err := rows.Scan(&r.ID, &r.Latest, &lead, &n); err != nil {
			rows.Close()
			return nil, err
		}
		r.Latest = r.Latest.UTC()
		if lead != nil {
			r.LeadID = *lead
		}
		page = append(page, r)
		added[r.ID] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
	return out, tx.Commit(ctx)
}

// storiesArticles returns every article of each story in ids, copies
// included, the earliest first, in one query through articles_by_story.
func storiesArticles(ctx context.Context, q querier, ids []int64) (map[int64][]*herald.Article, error) {
	byStory := make(map[int64][]*herald.Article, len(ids))
	if len(ids) == 0 {
		return byStory, nil
	}
	rows, err := q.Query(ctx, `SELECT a.story_id, `+articleColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id = ANY($1) ORDER BY a.published_at, a.id`, ids)
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
	return byStory, rows.Err()
}

// SplitArticle implements herald.StoryService, under storyLock.
func (db *DB) SplitArticle(ctx context.Context, articleID int64) (*herald.Story, error) {
	var id int64
	var err error
	for range maxAttempts {
		id, err = db.splitArticle(ctx, articleID)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("split article %d: %w", articleID, err)
	}
	s, _, err := db.FindStoryByID(ctx, id)
	return s, err
}

func (db *DB) splitArticle(ctx context.Context, articleID int64) (int64, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if err := lockStories(ctx, tx); err != nil {
		return 0, err
	}
	now := micro(db.Now())
	var shown int64
	var old *int64
	var published time.Time
	err = tx.QueryRow(ctx, `SELECT coalesce(duplicate_of, id), story_id, published_at FROM articles WHERE id = $1`,
		articleID).Scan(&shown, &old, &published)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, herald.Errorf(herald.ENOTFOUND, "article not found")
	}
	if err != nil {
		return 0, err
	}
	// An editor's story has no centroid: it is filed nowhere and takes no
	// article but the copies of its text.
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO stories (centroid, size, first_at, last_at, latest_at, lead_id, created_at)
		SELECT '', 0, $1, $1, max(published_at), $2, $3 FROM articles WHERE id = $2 OR duplicate_of = $2
		RETURNING id`, published, shown, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE articles SET story_id = $1, story_pinned = true WHERE id = $2 OR duplicate_of = $2`,
		id, shown); err != nil {
		return 0, err
	}
	if old != nil {
		// The old story loses its lead if it was this text, and its latest
		// time is what its remaining articles say.
		if _, err := tx.Exec(ctx, `
			UPDATE stories SET
				lead_id = CASE WHEN lead_id IN (SELECT id FROM articles WHERE id = $1 OR duplicate_of = $1) THEN NULL ELSE lead_id END,
				lead_vector = CASE WHEN lead_id IN (SELECT id FROM articles WHERE id = $1 OR duplicate_of = $1) THEN ''::bytea ELSE lead_vector END,
				latest_at = coalesce((SELECT max(published_at) FROM articles WHERE story_id = $2), latest_at)
			WHERE id = $2`, shown, *old); err != nil {
			return 0, err
		}
		if err := recordChange(ctx, tx, "story", *old, now); err != nil {
			return 0, err
		}
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return 0, err
	}
	if err := recordChange(ctx, tx, "story", id, now); err != nil {
		return 0, err
	}
	return id, tx.Commit(ctx)
}

// MergeStories implements herald.StoryService, under storyLock.
func (db *DB) MergeStories(ctx context.Context, id, into int64) error {
	var err error
	for range maxAttempts {
		err = db.mergeStories(ctx, id, into)
		if !retryable(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("merge story %d into %d: %w", id, into, err)
	}
	return nil
}

func (db *DB) mergeStories(ctx context.Context, id, into int64) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := lockStories(ctx, tx); err != nil {
		return err
	}
	now := micro(db.Now())
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
	if _, err := tx.Exec(ctx, `UPDATE articles SET story_id = $1 WHERE story_id = $2`, to, from); err != nil {
		return err
	}
	// Stories merged into this one before now point at the survivor too.
	if _, err := tx.Exec(ctx, `UPDATE stories SET merged_into = $1 WHERE id = $2 OR merged_into = $2`, to, from); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE stories SET latest_at = greatest(latest_at, (SELECT latest_at FROM stories WHERE id = $1))
		WHERE id = $2`, from, to); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "story", to, now); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// mergeTarget returns the story that story id's articles are in: id, or
// the story it was merged into (merges point every story straight at the
// survivor, so one step is enough). A missing story is ENOTFOUND.
func mergeTarget(ctx context.Context, q querier, id int64) (int64, error) {
	var into *int64
	err := q.QueryRow(ctx, `SELECT merged_into FROM stories WHERE id = $1`, id).Scan(&into)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, herald.Errorf(herald.ENOTFOUND, "story %d not found", id)
	}
	if err != nil {
		return 0, err
	}
	if into != nil {
		return *into, nil
	}
	return id, nil
}

// FindStoryLatest implements herald.StoryService, reading articles_by_story
// backwards from the newest.
func (db *DB) FindStoryLatest(ctx context.Context, id int64, limit int) ([]*herald.Article, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT `+articleColumns+`
		FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.story_id = coalesce((SELECT merged_into FROM stories WHERE id = $1), $1) AND a.duplicate_of IS NULL
		ORDER BY a.published_at DESC, a.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("find latest of story %d: %w", id, err)
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
		if err != nil {
			return nil, fmt.Errorf("find latest of story %d: %w", id, err)
		}
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find latest of story %d: %w", id, err)
	}
	return list, nil
}
