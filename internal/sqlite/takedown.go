package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

var _ herald.TakedownService = (*DB)(nil)

// TakeDownArticle implements herald.TakedownService. The article's row is
// deleted, and everything that hangs off it with it; the snapshot kept in
// takedowns brings it all back.
func (db *DB) TakeDownArticle(ctx context.Context, slug string, status herald.ArticleStatus, reason string) (*herald.Takedown, error) {
	if err := herald.CheckTakedown(status, reason); err != nil {
		return nil, err
	}
	t, err := db.takeDown(ctx, slug, status, reason)
	if err != nil {
		return nil, fmt.Errorf("take down %q: %w", slug, err)
	}
	return t, nil
}

func (db *DB) takeDown(ctx context.Context, slug string, status herald.ArticleStatus, reason string) (*herald.Takedown, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()

	a, err := findArticle(ctx, tx, `a.slug = ?`, slug)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		// Taken down before: only what its page says changes.
		t, err := findTakedown(ctx, tx, slug)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE takedowns SET status = ?, reason = ? WHERE slug = ?`,
			string(status), reason, slug); err != nil {
			return nil, err
		}
		t.Status, t.Reason = status, reason
		if err := recordChange(ctx, tx, "article", t.ArticleID, now); err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, tx, now); err != nil {
			return nil, err
		}
		return t, tx.Commit()
	}
	if err != nil {
		return nil, err
	}
	t, err := takeDownRow(ctx, tx, a, status, reason, 0, now)
	if err != nil {
		return nil, err
	}
	if _, err := pruneMedia(ctx, tx); err != nil {
		return nil, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	return t, tx.Commit()
}

// takeDownRow takes article a down in tx, keeping its snapshot, for
// the source sourceID's takedown when not 0. The pictures it leaves
// unnamed are the caller's to prune, once per transaction.
func takeDownRow(ctx context.Context, tx *sql.Tx, a *herald.Article, status herald.ArticleStatus, reason string, sourceID int64, now time.Time) (*herald.Takedown, error) {
	snap, err := snapshot(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(snap)
	if err != nil {
		return nil, err
	}
	if err := passOnCopies(ctx, tx, 0, a.ID); err != nil {
		return nil, err
	}
	if err := raiseFloors(ctx, tx, snap); err != nil {
		return nil, err
	}
	// Its comments, bands, pictures, topics, related lists and search
	// entry go with it; its items stay, pointing at nothing, so that no
	// fetch brings it back.
	if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, a.ID); err != nil {
		return nil, err
	}
	t := &herald.Takedown{Slug: a.Slug, ArticleID: a.ID, Title: a.Title, SourceName: a.Source.Name,
		Status: status, Reason: reason, At: now, SourceID: sourceID}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot, source_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Slug, t.ArticleID, t.Title, t.SourceName, string(t.Status), t.Reason, nanos(now), string(body),
		nullID(sourceID)); err != nil {
		return nil, err
	}
	return t, recordChange(ctx, tx, "article", a.ID, now)
}

// snapshot reads what restoring article a needs (see store.Snapshot).
func snapshot(ctx context.Context, tx *sql.Tx, a *herald.Article) (*store.Snapshot, error) {
	snap := &store.Snapshot{Article: store.NewSnapshotArticle(a)}
	id := a.ID
	var err error
	if snap.Article.Copies, err = int64s(ctx, tx, `SELECT id FROM articles WHERE id = ? OR duplicate_of = ? ORDER BY id`,
		store.ShownOf(a), store.ShownOf(a)); err != nil {
		return nil, err
	}
	snap.Article.Copies = without(snap.Article.Copies, id)
	if snap.Bands, err = int64s(ctx, tx, `SELECT band FROM article_bands WHERE article_id = ? ORDER BY band`, id); err != nil {
		return nil, err
	}
	if snap.Topics, err = int64s(ctx, tx, `SELECT topic_id FROM article_topics WHERE article_id = ? ORDER BY topic_id`, id); err != nil {
		return nil, err
	}
	images, err := articleImages(ctx, tx, []int64{id}, false)
	if err != nil {
		return nil, err
	}
	snap.Images = images[id]
	if snap.Comments, err = snapshotComments(ctx, tx, id); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT x.id, x.comment_id, coalesce(x.user_id, 0), x.action, x.at
		FROM comment_actions x JOIN comments c ON c.id = x.comment_id
		WHERE c.article_id = ? ORDER BY x.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var x store.SnapshotAction
		var at int64
		if err := rows.Scan(&x.ID, &x.CommentID, &x.UserID, &x.Action, &at); err != nil {
			rows.Close()
			return nil, err
		}
		x.At = fromNanos(at)
		snap.Actions = append(snap.Actions, x)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	var closes int64
	err = tx.QueryRowContext(ctx, `SELECT closes_at FROM comment_closing WHERE article_id = ?`, id).Scan(&closes)
	switch {
	case err == nil:
		at := time.Time{}
		if closes != 0 {
			at = fromNanos(closes)
		}
		snap.Closing = &at
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT source_id, item_key FROM source_items WHERE article_id = ?`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var it store.SnapshotItem
		if err := rows.Scan(&it.SourceID, &it.Key); err != nil {
			rows.Close()
			return nil, err
		}
		snap.Items = append(snap.Items, it)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT n, at, title, byline, body FROM article_revisions
		WHERE article_id = ? ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r store.SnapshotRevision
		var at int64
		if err := rows.Scan(&r.N, &at, &r.Title, &r.Byline, &r.Body); err != nil {
			rows.Close()
			return nil, err
		}
		r.At = fromNanos(at)
		snap.Revisions = append(snap.Revisions, r)
	}
	return snap, errors.Join(rows.Err(), rows.Close())
}

// snapshotComments reads every comment on article id, oldest first, with
// all its columns.
func snapshotComments(ctx context.Context, tx *sql.Tx, id int64) ([]*herald.Comment, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, coalesce(parent_id, 0), coalesce(user_id, 0), author_name, author_email, author_url,
			author_ip, author_network, user_agent, text, status, reasons, score, erased, created_at
		FROM comments WHERE article_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*herald.Comment
	for rows.Next() {
		c := &herald.Comment{ArticleID: id}
		var reasons string
		var created int64
		if err := rows.Scan(&c.ID, &c.ParentID, &c.UserID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
			&c.AuthorIP, &c.AuthorNetwork, &c.UserAgent, &c.Text, &c.Status, &reasons, &c.Score, &c.Erased,
			&created); err != nil {
			return nil, err
		}
		c.Reasons, c.CreatedAt = strings.Fields(reasons), fromNanos(created)
		list = append(list, c)
	}
	return list, errors.Join(rows.Err(), rows.Close())
}

// raiseFloors keeps the ids of the snapshot's rows from being given to
// new rows while it is taken down (see nextID).
func raiseFloors(ctx context.Context, tx *sql.Tx, snap *store.Snapshot) error {
	floors := map[string]int64{"articles": snap.Article.ID}
	for _, c := range snap.Comments {
		floors["comments"] = max(floors["comments"], c.ID)
	}
	for _, x := range snap.Actions {
		floors["comment_actions"] = max(floors["comment_actions"], x.ID)
	}
	for table, id := range floors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO id_floors (name, id) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET id = max(id, excluded.id)`, table, id); err != nil {
			return err
		}
	}
	return nil
}

// int64s returns the first column of every row of query.
func int64s(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// without returns ids less id.
func without(ids []int64, id int64) []int64 {
	out := ids[:0]
	for _, v := range ids {
		if v != id {
			out = append(out, v)
		}
	}
	return out
}

const takedownColumns = `slug, article_id, title, source_name, status, reason, at, coalesce(source_id, 0), purged_at`

func scanTakedown(scan func(...any) error) (*herald.Takedown, error) {
	t := &herald.Takedown{}
	var status string
	var at int64
	var purged sql.NullInt64
	if err := scan(&t.Slug, &t.ArticleID, &t.Title, &t.SourceName, &status, &t.Reason, &at, &t.SourceID, &purged); err != nil {
		return nil, err
	}
	t.Status, t.At, t.PurgedAt = herald.ArticleStatus(status), fromNanos(at), fromNull(purged)
	return t, nil
}

func findTakedown(ctx context.Context, q querier, slug string) (*herald.Takedown, error) {
	t, err := scanTakedown(q.QueryRowContext(ctx, `SELECT `+takedownColumns+` FROM takedowns WHERE slug = ?`, slug).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no takedown of %q", slug)
	}
	return t, err
}

// FindTakedown implements herald.TakedownService.
func (db *DB) FindTakedown(ctx context.Context, slug string) (*herald.Takedown, error) {
	t, err := findTakedown(ctx, db.reader, slug)
	if err != nil {
		return nil, fmt.Errorf("find takedown %q: %w", slug, err)
	}
	return t, nil
}

// FindTakedownOf implements herald.TakedownService.
func (db *DB) FindTakedownOf(ctx context.Context, articleID int64) (*herald.Takedown, error) {
	t, err := scanTakedown(db.reader.QueryRowContext(ctx, `SELECT `+takedownColumns+` FROM takedowns WHERE article_id = ?`, articleID).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article %d was not taken down", articleID)
	}
	if err != nil {
		return nil, fmt.Errorf("find takedown of article %d: %w", articleID, err)
	}
	return t, nil
}

// FindTakedowns implements herald.TakedownService.
func (db *DB) FindTakedowns(ctx context.Context, limit int) ([]*herald.Takedown, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+takedownColumns+` FROM takedowns
		ORDER BY at DESC, slug LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("find takedowns: %w", err)
	}
	defer rows.Close()
	var list []*herald.Takedown
	for rows.Next() {
		t, err := scanTakedown(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("find takedowns: %w", err)
		}
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find takedowns: %w", err)
	}
	return list, nil
}

// RestoreArticle implements herald.TakedownService.
func (db *DB) RestoreArticle(ctx context.Context, slug string) (*herald.Article, error) {
	id, err := db.restore(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("restore %q: %w", slug, err)
	}
	return db.FindArticleByID(ctx, id)
}

func (db *DB) restore(ctx context.Context, slug string) (int64, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	id, err := restoreRow(ctx, tx, slug, now)
	if err != nil {
		return 0, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// restoreRow publishes the article taken down under slug again from its
// snapshot, in tx, and returns its id. It reports ENOTFOUND, a purged
// snapshot or an address taken before it writes anything.
func restoreRow(ctx context.Context, tx *sql.Tx, slug string, now time.Time) (int64, error) {
	t, err := findTakedown(ctx, tx, slug)
	if err != nil {
		return 0, err
	}
	if !t.Restorable() {
		return 0, herald.ErrTakedownPurged(t)
	}
	var body string
	if err := tx.QueryRowContext(ctx, `SELECT snapshot FROM takedowns WHERE slug = ?`, slug).Scan(&body); err != nil {
		return 0, err
	}
	var snap store.Snapshot
	if err := json.Unmarshal([]byte(body), &snap); err != nil {
		return 0, fmt.Errorf("read snapshot: %w", err)
	}
	a := snap.Article.Article()
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE original_url = ? OR slug = ?)`,
		a.OriginalURL, a.Slug).Scan(&taken); err != nil {
		return 0, err
	}
	if taken {
		return 0, herald.Errorf(herald.ECONFLICT, "another article has its address now")
	}
	var place store.CopyPlace
	for _, c := range snap.Article.Copies {
		shown, licence, err := shownCopy(ctx, tx, c)
		if err != nil {
			return 0, err
		}
		if shown != 0 {
			place = store.PlaceCopy(a.Licence, shown, licence)
			break
		}
	}
	row := &insertedRow{id: a.ID, slug: a.Slug, created: a.CreatedAt, duplicateOf: place.DuplicateOf,
		updated: a.UpdatedAt, revisions: a.Revisions}
	if err := writeArticle(ctx, tx, a, row, place.Replaces, snap.Bands, now); err != nil {
		return 0, err
	}
	for _, v := range snap.Revisions {
		if err := keepVersion(ctx, tx, a.ID, v); err != nil {
			return 0, err
		}
	}
	if err := addArticleImages(ctx, tx, a.ID, snap.Images, now); err != nil {
		return 0, err
	}
	if err := restoreComments(ctx, tx, &snap); err != nil {
		return 0, err
	}
	for _, t := range snap.Topics {
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_topics (topic_id, article_id, published_at)
			SELECT id, ?, ? FROM topics WHERE id = ?`, a.ID, nanos(a.PublishedAt), t); err != nil {
			return 0, err
		}
	}
	for _, it := range snap.Items {
		if _, err := tx.ExecContext(ctx, `UPDATE source_items SET article_id = ?
			WHERE source_id = ? AND item_key = ? AND article_id IS NULL`, a.ID, it.SourceID, it.Key); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM takedowns WHERE slug = ?`, slug); err != nil {
		return 0, err
	}
	return a.ID, recordChange(ctx, tx, "article", a.ID, now)
}

// restoreComments puts back the snapshot's comments with their ids,
// parents first, their moderation record and their closing time. A
// user deleted meanwhile is forgotten, as deleting them would have.
func restoreComments(ctx context.Context, tx *sql.Tx, snap *store.Snapshot) error {
	for _, c := range snap.Comments {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO comments (id, article_id, parent_id, user_id, author_name, author_email, author_url,
				author_ip, author_network, user_agent, text, status, reasons, score, erased, created_at)
			VALUES (?, ?, ?, (SELECT id FROM users WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, snap.Article.ID, nullID(c.ParentID), c.UserID, c.AuthorName, c.AuthorEmail, c.AuthorURL,
			c.AuthorIP, c.AuthorNetwork, c.UserAgent, c.Text, string(c.Status), strings.Join(c.Reasons, " "),
			c.Score, c.Erased, nanos(c.CreatedAt)); err != nil {
			return fmt.Errorf("restore comment %d: %w", c.ID, err)
		}
	}
	for _, x := range snap.Actions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_actions (id, comment_id, user_id, action, at)
			VALUES (?, ?, (SELECT id FROM users WHERE id = ?), ?, ?)`,
			x.ID, x.CommentID, x.UserID, x.Action, nanos(x.At)); err != nil {
			return fmt.Errorf("restore comment action %d: %w", x.ID, err)
		}
	}
	if snap.Closing != nil {
		var closes int64
		if !snap.Closing.IsZero() {
			closes = nanos(*snap.Closing)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_closing (article_id, closes_at) VALUES (?, ?)`,
			snap.Article.ID, closes); err != nil {
			return err
		}
	}
	return nil
}
