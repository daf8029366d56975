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

// AddTopic implements herald.TopicService.
func (db *DB) AddTopic(ctx context.Context, t *herald.Topic) error {
	if err := t.Validate(); err != nil {
		return err
	}
	rules, err := store.EncodeRules(t.Rules)
	if err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	res, err := tx.ExecContext(ctx, `INSERT INTO topics (slug, name, rules, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		t.Slug, t.Name, rules, nanos(now), nanos(now))
	if isUniqueViolation(err) {
		return herald.Errorf(herald.ECONFLICT, "a topic with the slug %q exists already", t.Slug)
	}
	if err != nil {
		return fmt.Errorf("add topic %q: %w", t.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if err := recordChange(ctx, tx, "topic", id, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
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
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	res, err := tx.ExecContext(ctx, `UPDATE topics SET slug = ?, name = ?, rules = ?, tagged_through = 0, updated_at = ? WHERE id = ?`,
		t.Slug, t.Name, rules, nanos(now), t.ID)
	if isUniqueViolation(err) {
		return herald.Errorf(herald.ECONFLICT, "a topic with the slug %q exists already", t.Slug)
	}
	if err != nil {
		return fmt.Errorf("update topic %d: %w", t.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = herald.Errorf(herald.ENOTFOUND, "topic %d not found", t.ID)
		}
		return err
	}
	if err := recordChange(ctx, tx, "topic", t.ID, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
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
	var created, updated int64
	if err := scan(&t.ID, &t.Slug, &t.Name, &rules, &t.TaggedThrough, &created, &updated, &t.ArticleCount); err != nil {
		return nil, err
	}
	var err error
	t.Rules, err = store.DecodeRules(rules)
	t.CreatedAt, t.UpdatedAt = fromNanos(created), fromNanos(updated)
	return t, err
}

// FindTopicBySlug implements herald.TopicService.
func (db *DB) FindTopicBySlug(ctx context.Context, slug string) (*herald.Topic, error) {
	t, err := scanTopic(db.reader.QueryRowContext(ctx, `SELECT `+topicColumns+` FROM topics t WHERE t.slug = ?`, slug).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no topic %q", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("find topic %q: %w", slug, err)
	}
	return t, nil
}

// FindTopics implements herald.TopicService.
func (db *DB) FindTopics(ctx context.Context) ([]*herald.Topic, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+topicColumns+` FROM topics t ORDER BY t.name, t.id`)
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
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.reader.QueryContext(ctx, `
		SELECT at.article_id, `+topicColumns+` AS n
		FROM article_topics at JOIN topics t ON t.id = at.topic_id
		WHERE at.article_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)
		ORDER BY at.article_id, n, t.name`, args...)
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
	where := []string{`at.topic_id = ?`, `a.duplicate_of IS NULL`}
	args := []any{topicID}
	if f.Cursor != "" {
		c, err := herald.DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(at.published_at < ? OR (at.published_at = ? AND at.article_id < ?))`)
		args = append(args, nanos(c.PublishedAt), nanos(c.PublishedAt), c.ID)
	}
	limit := f.PageLimit()
	query := `SELECT ` + articleColumns + ` FROM article_topics at
		JOIN articles a ON a.id = at.article_id JOIN sources s ON s.id = a.source_id
		WHERE ` + strings.Join(where, ` AND `) + `
		ORDER BY at.published_at DESC, at.article_id DESC LIMIT ?`
	args = append(args, limit+1)
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
// and looks each up in article_topics_by_article. (Written as a join, the
// planner would rather read the whole topic for every row.) The second
// query reads the page's stories, as FindStories does.
func (db *DB) FindTopicStories(ctx context.Context, topicID int64, f herald.StoryFilter) ([]*herald.TopicStory, string, error) {
	list, next, err := db.findTopicStories(ctx, topicID, f)
	if err != nil {
		return nil, "", fmt.Errorf("find stories of topic %d: %w", topicID, err)
	}
	return list, next, nil
}

// topicStoriesQuery is the first query of FindTopicStories; its
// arguments are the topic, the cursor's time and id when after is set,
// and the limit.
func topicStoriesQuery(after bool) string {
	cursor := ``
	if after {
		cursor = ` AND (at.published_at, at.article_id) < (?, ?)`
	}
	return `SELECT coalesce(st.lead_id, 0), ` + articleColumns + `
		FROM article_topics at
		JOIN articles a ON a.id = at.article_id
		JOIN sources s ON s.id = a.source_id
		LEFT JOIN stories st ON st.id = a.story_id
		WHERE at.topic_id = ? AND a.duplicate_of IS NULL` + cursor + `
		AND NOT EXISTS (SELECT 1 FROM articles b
			WHERE b.story_id = a.story_id AND (b.published_at, b.id) > (a.published_at, a.id) AND b.duplicate_of IS NULL
			AND EXISTS (SELECT 1 FROM article_topics bt WHERE bt.topic_id = at.topic_id AND bt.article_id = b.id))
		ORDER BY at.published_at DESC, at.article_id DESC LIMIT ?`
}

func (db *DB) findTopicStories(ctx context.Context, topicID int64, f herald.StoryFilter) ([]*herald.TopicStory, string, error) {
	args := []any{topicID}
	if f.Cursor != "" {
		c, err := herald.DecodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, nanos(c.PublishedAt), c.ID)
	}
	limit := f.PageLimit()
	args = append(args, limit+1)

	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, topicStoriesQuery(f.Cursor != ""), args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var page []store.TopicStoryRow
	for rows.Next() {
		var r store.TopicStoryRow
		r.Latest, err = scanArticle(func(dest ...any) error { return rows.Scan(append([]any{&r.LeadID}, dest...)...) }, false)
		if err != nil {
			return nil, "", err
		}
		page = append(page, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
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
	return list, next, tx.Commit()
}

// SetArticleTopics implements herald.TopicService.
func (db *DB) SetArticleTopics(ctx context.Context, articleID int64, topicIDs []int64) error {
	if err := store.CheckTopicIDs(topicIDs); err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var published int64
	err = tx.QueryRowContext(ctx, `SELECT published_at FROM articles WHERE id = ?`, articleID).Scan(&published)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	if err != nil {
		return fmt.Errorf("tag article %d: %w", articleID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_topics WHERE article_id = ?`, articleID); err != nil {
		return fmt.Errorf("tag article %d: %w", articleID, err)
	}
	for _, t := range topicIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_topics (topic_id, article_id, published_at)
			SELECT id, ?, ? FROM topics WHERE id = ? ON CONFLICT DO NOTHING`, articleID, published, t); err != nil {
			return fmt.Errorf("tag article %d: %w", articleID, err)
		}
	}
	if err := recordChange(ctx, tx, "article-topics", articleID, db.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// FindArticlesToTag implements herald.TopicService.
func (db *DB) FindArticlesToTag(ctx context.Context, after int64, limit int) ([]*herald.Article, int64, error) {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM articles`).Scan(&last); err != nil {
		return nil, 0, fmt.Errorf("find articles to tag: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles a JOIN sources s ON s.id = a.source_id
		WHERE a.id > ? ORDER BY a.id LIMIT ?`, after, max(limit, 1))
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
	return out, last, tx.Commit()
}

// TagArticles implements herald.TopicService.
func (db *DB) TagArticles(ctx context.Context, topicID int64, since time.Time, in, out []int64, through int64) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var updated int64
	err = tx.QueryRowContext(ctx, `SELECT updated_at FROM topics WHERE id = ?`, topicID).Scan(&updated)
	if errors.Is(err, sql.ErrNoRows) {
		return herald.Errorf(herald.ENOTFOUND, "topic %d not found", topicID)
	}
	if err != nil {
		return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
	}
	if updated != nanos(since) {
		return herald.Errorf(herald.ECONFLICT, "topic %d changed while its articles were being tagged", topicID)
	}
	for _, id := range in {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_topics (topic_id, article_id, published_at)
			SELECT ?, id, published_at FROM articles WHERE id = ? ON CONFLICT DO NOTHING`, topicID, id); err != nil {
			return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
		}
	}
	for _, id := range out {
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_topics WHERE topic_id = ? AND article_id = ?`, topicID, id); err != nil {
			return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM digest_points WHERE topic_id = ? AND article_id = ?`, topicID, id); err != nil {
			return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE topics SET tagged_through = max(tagged_through, ?) WHERE id = ?`, through, topicID); err != nil {
		return fmt.Errorf("tag articles of topic %d: %w", topicID, err)
	}
	if len(in)+len(out) > 0 {
		if err := recordChange(ctx, tx, "topic", topicID, db.Now().UTC()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// PutDigestPoint implements herald.TopicService.
func (db *DB) PutDigestPoint(ctx context.Context, p *herald.DigestPoint) error {
	if err := store.CheckDigestPoint(p); err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.putDigestPoint(ctx, tx, p); err != nil {
		return fmt.Errorf("put digest point of topic %d: %w", p.TopicID, err)
	}
	return tx.Commit()
}

// RefreshDigest implements herald.TopicService. The transaction runs on
// the writer connection and is begun IMMEDIATE: it holds SQLite's write
// lock from the start, so no other refresh, in this process or another
// sharing the file, can put a point between the read and the write.
func (db *DB) RefreshDigest(ctx context.Context, topicID int64, decide herald.DigestDecider) error {
	if err := db.refreshDigest(ctx, topicID, decide); err != nil {
		return fmt.Errorf("refresh digest of topic %d: %w", topicID, err)
	}
	return nil
}

func (db *DB) refreshDigest(ctx context.Context, topicID int64, decide herald.DigestDecider) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM topics WHERE id = ?`, topicID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return herald.Errorf(herald.ENOTFOUND, "topic %d not found", topicID)
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
	return tx.Commit()
}

// putDigestPoint stores p in tx, forgets the points beyond what the store
// keeps, and records the change.
func (db *DB) putDigestPoint(ctx context.Context, tx *sql.Tx, p *herald.DigestPoint) error {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO digest_points (topic_id, development, article_id, sentence, published_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (topic_id, development) DO UPDATE SET
			article_id = excluded.article_id, sentence = excluded.sentence, published_at = excluded.published_at
		RETURNING id`,
		p.TopicID, p.Development, p.ArticleID, p.Sentence, nanos(p.PublishedAt)).Scan(&p.ID)
	if err != nil {
		return err
	}
	// Forget the oldest untouched points beyond what the store keeps.
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM digest_points WHERE topic_id = ? AND NOT pinned AND NOT hidden AND edited_text = ''
		AND id NOT IN (SELECT id FROM digest_points WHERE topic_id = ?
			ORDER BY pinned DESC, published_at DESC, id DESC LIMIT ?)`,
		p.TopicID, p.TopicID, herald.DigestKept); err != nil {
		return err
	}
	return recordChange(ctx, tx, "digest", p.TopicID, db.Now().UTC())
}

// FindDigest implements herald.TopicService.
func (db *DB) FindDigest(ctx context.Context, topicID int64, all bool) ([]*herald.DigestPoint, error) {
	out, err := findDigest(ctx, db.reader, topicID, all)
	if err != nil {
		return nil, fmt.Errorf("find digest of topic %d: %w", topicID, err)
	}
	return out, nil
}

func findDigest(ctx context.Context, q querier, topicID int64, all bool) ([]*herald.DigestPoint, error) {
	query := `SELECT p.id, p.topic_id, p.development, p.article_id, p.sentence, p.published_at,
			p.edited_text, p.pinned, p.hidden, a.slug, a.title, a.original_url, s.id, s.slug, s.name, s.homepage
		FROM digest_points p JOIN articles a ON a.id = p.article_id JOIN sources s ON s.id = a.source_id
		WHERE p.topic_id = ?`
	args := []any{topicID}
	if !all {
		query += ` AND NOT p.hidden`
	}
	query += ` ORDER BY p.pinned DESC, p.published_at DESC, p.id DESC LIMIT ?`
	if all {
		args = append(args, herald.DigestKept*2)
	} else {
		args = append(args, herald.DigestMax)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*herald.DigestPoint
	for rows.Next() {
		p := &herald.DigestPoint{Source: &herald.Source{}}
		var published int64
		if err := rows.Scan(&p.ID, &p.TopicID, &p.Development, &p.ArticleID, &p.Sentence, &published,
			&p.EditedText, &p.Pinned, &p.Hidden, &p.ArticleSlug, &p.ArticleTitle, &p.OriginalURL,
			&p.Source.ID, &p.Source.Slug, &p.Source.Name, &p.Source.Homepage); err != nil {
			return nil, err
		}
		p.PublishedAt = fromNanos(published)
		out = append(out, p)
	}
	return out, rows.Err()
}

// EditDigestPoint implements herald.TopicService.
func (db *DB) EditDigestPoint(ctx context.Context, id int64, e herald.DigestEdit) error {
	if err := e.Validate(); err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var topic int64
	err = tx.QueryRowContext(ctx, `SELECT topic_id FROM digest_points WHERE id = ?`, id).Scan(&topic)
	if errors.Is(err, sql.ErrNoRows) {
		return store.PointGone(id)
	}
	if err != nil {
		return fmt.Errorf("edit digest point %d: %w", id, err)
	}
	if e.Pinned != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE digest_points SET pinned = ? WHERE id = ?`, *e.Pinned, id); err != nil {
			return fmt.Errorf("edit digest point %d: %w", id, err)
		}
	}
	if e.Hidden != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE digest_points SET hidden = ? WHERE id = ?`, *e.Hidden, id); err != nil {
			return fmt.Errorf("edit digest point %d: %w", id, err)
		}
	}
	if e.Text != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE digest_points SET edited_text = ? WHERE id = ?`, *e.Text, id); err != nil {
			return fmt.Errorf("edit digest point %d: %w", id, err)
		}
	}
	now := db.Now().UTC()
	if err := recordChange(ctx, tx, "digest", topic, now); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	return tx.Commit()
}
