package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == uniqueViolation
}

// AddTopic implements herald.TopicService.
func (db *DB) AddTopic(ctx context.Context, t *herald.Topic) error {
	if err := t.Validate(); err != nil {
		return err
	}
	rules, err := store.EncodeRules(t.Rules)
	if err != nil {
		return err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO topics (slug, name, rules, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
		t.Slug, t.Name, rules, now).Scan(&id)
	if isUnique(err) {
		return herald.Errorf(herald.ECONFLICT, "a topic with the slug %q exists already", t.Slug)
	}
	if err != nil {
		return fmt.Errorf("add topic %q: %w", t.Name, err)
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "topic", id, now); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("add topic %q: %w", t.Name, err)
	}
	t.ID, t.CreatedAt, t.UpdatedAt, t.TaggedThrough = id, now, now, 0
	return nil
}

// UpdateTopic implements herald.TopicService.
func (db *DB) UpdateTopic(ctx context.Context, t *herald.Topic) error {
	if err := t.Validate(); err != nil {
		return err
	}
	rules, err := store.EncodeRules(t.Rules)
	if err != nil {
		return err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	tag, err := tx.Exec(ctx, `UPDATE topics SET slug = $1, name = $2, rules = $3, tagged_through = 0, updated_at = $4 WHERE id = $5`,
		t.Slug, t.Name, rules, now, t.ID)
	if isUnique(err) {
		return herald.Errorf(herald.ECONFLICT, "a topic with the slug %q exists already", t.Slug)
	}
	if err != nil {
		return fmt.Errorf("update topic %d: %w", t.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return herald.Errorf(herald.ENOTFOUND, "topic %d not found", t.ID)
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "topic", t.ID, now); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("update topic %d: %w", t.ID, err)
	}
	t.UpdatedAt, t.TaggedThrough = now, 0
	return nil
}

const topicColumns = `t.id, t.slug, t.name, t.rules, t.tagged_through, t.created_at, t.updated_at,
	(SELECT count(*) FROM article_topics x WHERE x.topic_id = t.id)`

func scanTopic(scan func(...any) error) (*herald.Topic, error) {
	t := &herald.Topic{}
	var rules string
	var n int64
	if err := scan(&t.ID, &t.Slug, &t.Name, &rules, &t.TaggedThrough, &t.CreatedAt, &t.UpdatedAt, &n); err != nil {
		return nil, err
	}
	var err error
	t.Rules, err = store.DecodeRules(rules)
	t.CreatedAt, t.UpdatedAt, t.ArticleCount = t.CreatedAt.UTC(), t.UpdatedAt.UTC(), int(n)
	return t, err
}

// FindTopicBySlug implements herald.TopicService.
func (db *DB) FindTopicBySlug(ctx context.Context, slug string) (*herald.Topic, error) {
	t, err := scanTopic(db.pool.QueryRow(ctx, `SELECT `+topicColumns+` FROM topics t WHERE t.slug = $1`, slug).Scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no topic %q", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("find topic %q: %w", slug, err)
	}
	return t, nil
}

// FindTopics implements herald.TopicService.
func (db *DB) FindTopics(ctx context.Context) ([]*herald.Topic, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+topicColumns+` FROM topics t ORDER BY t.name, t.id`)
	if err != nil {
		return nil, fmt.Errorf("find topics: %w", err)
	}
	defer rows.Close()
	var out []*herald.Topic
	for rows.Next() {
		t, err := scanTopic(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("find topics: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindTopicsOfArticles implements herald.TopicService.
func (db *DB) FindTopicsOfArticles(ctx context.Context, ids []int64) (map[int64][]*herald.Topic, error) {
	out := map[int64][]*herald.Topic{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.pool.Query(ctx, `
		SELECT at.article_id, `+topicColumns+` AS n
		FROM article_topics at JOIN topics t ON t.id = at.topic_id
		WHERE at.article_id = ANY($1)
		ORDER BY at.article_id, n, t.name`, ids)
	if err != nil {
		return nil, fmt.Errorf("find topics of articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var article int64
		t, err := scanTopic(func(dest ...any) error { return rows.Scan(append([]any{&article}, dest...)...) })
		if err != nil {
			return nil, fmt.Errorf("find topics of articles: %w", err)
		}
		out[article] = append(out[article], t)
	}
	return out, rows.Err()
}

// FindTopicArticles implements herald.TopicService.
func (db *DB) FindTopicArticles(ctx context.Context, topicID int64, f herald.ArticleFilter) ([]*herald.Article, string, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{`at.topic_id = ` + arg(topicID), `a.duplicate_of IS NULL`}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(at.published_at, at.article_id) < (`+arg(at)+`, `+arg(id)+`)`)
	}
	limit := f.PageLimit()
	query := `SELECT ` + articleColumns + ` FROM article_topics at
		JOIN articles a ON a.id = at.article_id JOIN sources s ON s.id = a.source_id
		WHERE ` + strings.Join(where, ` AND `) + `
		ORDER BY at.published_at DESC, at.article_id DESC LIMIT ` + arg(limit+1)
	list, next, err := db.findArticles(ctx, query, args, limit)
	if err != nil {
		return nil, "", fmt.Errorf("find articles of topic %d: %w", topicID, err)
	}
	return list, next, nil
}

// FindTopicStories implements herald.TopicService. The first query walks
// article_topics_by_time newest first from the cursor and keeps the
// articles that are the newest of their story in the topic: the NOT
// EXISTS reads only the story's newer articles, through articles_by_story,
// and looks each up in article_topics_by_article. (Written as a nested
// EXISTS, the planner may hash all of article_topics instead.) The second
// query reads the page's stories, as FindStories does.
func (db *DB) FindTopicStories(ctx context.Context, topicID int64, f herald.StoryFilter) ([]*herald.TopicStory, string, error) {
	list, next, err := db.findTopicStories(ctx, topicID, f)
	if err != nil {
		return nil, "", fmt.Errorf("find stories of topic %d: %w", topicID, err)
	}
	return list, next, nil
}

func (db *DB) findTopicStories(ctx context.Context, topicID int64, f herald.StoryFilter) ([]*herald.TopicStory, string, error) {
	limit := f.PageLimit()
	where, args := ``, []any{topicID, limit + 1}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = ` AND (at.published_at, at.article_id) < ($3, $4)`
		args = append(args, at, id)
	}

	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT coalesce(st.lead_id, 0), `+articleColumns+`
		FROM article_topics at
		JOIN articles a ON a.id = at.article_id
		JOIN sources s ON s.id = a.source_id
		LEFT JOIN stories st ON st.id = a.story_id
		WHERE at.topic_id = $1 AND a.duplicate_of IS NULL`+where+`
		AND NOT EXISTS (SELECT 1 FROM articles b JOIN article_topics bt ON bt.topic_id = at.topic_id AND bt.article_id = b.id
			WHERE b.story_id = a.story_id AND (b.published_at, b.id) > (a.published_at, a.id) AND b.duplicate_of IS NULL)
		ORDER BY at.published_at DESC, at.article_id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, "", err
	}
	var page []store.TopicStoryRow
	for rows.Next() {
		var r store.TopicStoryRow
		r.Latest, err = scanArticle(func(dest ...any) error { return rows.Scan(append([]any{&r.LeadID}, dest...)...) }, false)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		page = append(page, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	page, next := store.NextTopicStoryPage(page, limit)
	byStory, err := storiesArticles(ctx, tx, store.TopicStoryIDs(page))
	if err != nil {
		return nil, "", err
	}
	list := store.TopicStories(page, byStory)
	leads := make([]*herald.Article, len(list))
	for i, e := range list {
		leads[i] = e.Story.Lead
	}
	if err := fillCopies(ctx, tx, leads); err != nil {
		return nil, "", err
	}
	return list, next, tx.Commit(ctx)
}

// SetArticleTopics implements herald.TopicService.
func (db *DB) SetArticleTopics(ctx context.Context, articleID int64, topicIDs []int64) error {
	if err := store.CheckTopicIDs(topicIDs); err != nil {
		return err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var published time.Time
	err = tx.QueryRow(ctx, `SELECT published_at FROM articles WHERE id = $1`, articleID).Scan(&published)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return fmt.Errorf("tag article %d: %w", articleID, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM article_topics WHERE article_id = $1`, articleID); err != nil {
		return fmt.Errorf("tag article %d: %w", articleID, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO article_topics (topic_id, article_id, published_at)
		SELECT id, $1, $2 FROM topics WHERE id = ANY($3) ON CONFLICT DO NOTHING`, articleID, published, topicIDs); err != nil {
		return fmt.Errorf("tag article %d: %w", articleID, err)
	}
	if err := recordChange(ctx, tx, "article-topics", articleID, micro(db.Now())); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// FindArticlesToTag implements herald.TopicService.
func (db *DB) FindArticlesToTag(ctx context.Context, after int64, limit int) ([]*herald.Article, int64, error) {
	tx, err := db.pool.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback(ctx)
	var last int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM articles`).Scan(&last); err != nil {
		return nil, 0, fmt.Errorf("find articles to tag: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+articleColumns+` FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id > $1 ORDER BY a.id LIMIT $2`, after, max(limit, 1))
	if err != nil {
		return nil, 0, fmt.Errorf("find articles to tag: %w", err)
	}
	defer rows.Close()
	var out []*herald.Article
	for rows.Next() {
		a, err := scanArticle(rows.Scan, false)
		if err != nil {
			return nil, 0, fmt.Errorf("find articles to tag: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, last, tx.Commit(ctx)
}

// TagArticles implements herald.TopicService.
func (db *DB) TagArticles(ctx context.Context, topicID int64, since time.Time, in, out []int64, through int64) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var updated time.Time
	err = tx.QueryRow(ctx, `SELECT updated_at FROM topics WHERE id = $1 FOR UPDATE`, topicID).Scan(&updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "topic %d not found", topicID)
	}
	if err != nil {
		return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
	}
	if !updated.Equal(micro(since)) {
		return herald.Errorf(herald.ECONFLICT, "topic %d changed while its articles were being tagged", topicID)
	}
	if len(in) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO article_topics (topic_id, article_id, published_at)
			SELECT $1, id, published_at FROM articles WHERE id = ANY($2) ON CONFLICT DO NOTHING`, topicID, in); err != nil {
			return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
		}
	}
	if len(out) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM article_topics WHERE topic_id = $1 AND article_id = ANY($2)`, topicID, out); err != nil {
			return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM digest_points WHERE topic_id = $1 AND article_id = ANY($2)`, topicID, out); err != nil {
			return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE topics SET tagged_through = greatest(tagged_through, $1) WHERE id = $2`, through, topicID); err != nil {
		return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
	}
	if len(in)+len(out) > 0 {
		if err := recordChange(ctx, tx, "topic", topicID, micro(db.Now())); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// PutDigestPoint implements herald.TopicService.
func (db *DB) PutDigestPoint(ctx context.Context, p *herald.DigestPoint) error {
	if err := store.CheckDigestPoint(p); err != nil {
		return err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := db.putDigestPoint(ctx, tx, p); err != nil {
		return fmt.Errorf("put digest point of topic %d: %w", p.TopicID, err)
	}
	return tx.Commit(ctx)
}

// RefreshDigest implements herald.TopicService. The transaction first
// locks the topic's row FOR NO KEY UPDATE: a second refresh of the topic,
// from this process or another, waits there until the first commits, and
// then reads the digest as the first left it (READ COMMITTED reads anew
// at each statement). The lock leaves tagging alone: inserting rows that
// refer to the topic takes only a FOR KEY SHARE lock on it.
func (db *DB) RefreshDigest(ctx context.Context, topicID int64, decide herald.DigestDecider) error {
	if err := db.refreshDigest(ctx, topicID, decide); err != nil {
		return fmt.Errorf("refresh digest of topic %d: %w", topicID, err)
	}
	return nil
}

func (db *DB) refreshDigest(ctx context.Context, topicID int64, decide herald.DigestDecider) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM topics WHERE id = $1 FOR NO KEY UPDATE`, topicID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "topic %d not found", topicID)
	}
	if err != nil {
		return err
	}
	shown, err := findDigest(ctx, tx, topicID, false)
	if err != nil {
		return err
	}
	p, err := decide(shown)
	if err != nil || p == nil {
		return err
	}
	p.TopicID = topicID
	if err := store.CheckDigestPoint(p); err != nil {
		return err
	}
	if err := db.putDigestPoint(ctx, tx, p); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// putDigestPoint stores p in tx, forgets the points beyond what the store
// keeps, and records the change.
func (db *DB) putDigestPoint(ctx context.Context, tx pgx.Tx, p *herald.DigestPoint) error {
	err := tx.QueryRow(ctx, `
		INSERT INTO digest_points (topic_id, development, article_id, sentence, published_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (topic_id, development) DO UPDATE SET
			article_id = excluded.article_id, sentence = excluded.sentence, published_at = excluded.published_at
		RETURNING id`,
		p.TopicID, p.Development, p.ArticleID, p.Sentence, micro(p.PublishedAt)).Scan(&p.ID)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		DELETE FROM digest_points WHERE topic_id = $1 AND NOT pinned AND NOT hidden AND edited_text = ''
		AND id NOT IN (SELECT id FROM digest_points WHERE topic_id = $1
			ORDER BY pinned DESC, published_at DESC, id DESC LIMIT $2)`,
		p.TopicID, herald.DigestKept); err != nil {
		return err
	}
	return recordChange(ctx, tx, "digest", p.TopicID, micro(db.Now()))
}

// FindDigest implements herald.TopicService.
func (db *DB) FindDigest(ctx context.Context, topicID int64, all bool) ([]*herald.DigestPoint, error) {
	out, err := findDigest(ctx, db.pool, topicID, all)
	if err != nil {
		return nil, fmt.Errorf("find digest of topic %d: %w", topicID, err)
	}
	return out, nil
}

func findDigest(ctx context.Context, q querier, topicID int64, all bool) ([]*herald.DigestPoint, error) {
	limit := herald.DigestMax
	if all {
		limit = herald.DigestKept * 2
	}
	rows, err := q.Query(ctx, `SELECT p.id, p.topic_id, p.development, p.article_id, p.sentence, p.published_at,
			p.edited_text, p.pinned, p.hidden, a.slug, a.title, a.original_url, s.id, s.slug, s.name, s.homepage
		FROM digest_points p JOIN articles a ON a.id = p.article_id JOIN sources s ON s.id = a.source_id
		WHERE p.topic_id = $1 AND ($2 OR NOT p.hidden)
		ORDER BY p.pinned DESC, p.published_at DESC, p.id DESC LIMIT $3`, topicID, all, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*herald.DigestPoint
	for rows.Next() {
		p := &herald.DigestPoint{Source: &herald.Source{}}
		if err := rows.Scan(&p.ID, &p.TopicID, &p.Development, &p.ArticleID, &p.Sentence, &p.PublishedAt,
			&p.EditedText, &p.Pinned, &p.Hidden, &p.ArticleSlug, &p.ArticleTitle, &p.OriginalURL,
			&p.Source.ID, &p.Source.Slug, &p.Source.Name, &p.Source.Homepage); err != nil {
			return nil, err
		}
		p.PublishedAt = p.PublishedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// EditDigestPoint implements herald.TopicService.
func (db *DB) EditDigestPoint(ctx context.Context, id int64, e herald.DigestEdit) error {
	if err := e.Validate(); err != nil {
		return err
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var topic int64
	err = tx.QueryRow(ctx, `UPDATE digest_points SET
			pinned = coalesce($2, pinned), hidden = coalesce($3, hidden), edited_text = coalesce($4, edited_text)
		WHERE id = $1 RETURNING topic_id`, id, e.Pinned, e.Hidden, e.Text).Scan(&topic)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.PointGone(id)
	}
	if err != nil {
		return fmt.Errorf("edit digest point %d: %w", id, err)
	}
	now := micro(db.Now())
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "digest", topic, now); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
