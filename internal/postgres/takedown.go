package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())

	// The lock keeps comments, pictures and copies from being added to
	// the article between the snapshot and the delete: their writers
	// wait, then find it gone.
	a, err := findArticle(ctx, tx, `a.slug = $1 FOR UPDATE OF a`, slug)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		// Taken down before: only what its page says changes.
		var t *herald.Takedown
		t, err = scanTakedown(tx.QueryRow(ctx, `UPDATE takedowns SET status = $2, reason = $3 WHERE slug = $1
			RETURNING `+takedownColumns, slug, string(status), reason))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, herald.Errorf(herald.ENOTFOUND, "article not found")
		}
		if err != nil {
			return nil, err
		}
		if err := writeAudit(ctx, tx, now); err != nil {
			return nil, err
		}
		if err := recordChange(ctx, tx, "article", t.ArticleID, now); err != nil {
			return nil, err
		}
		return t, tx.Commit(ctx)
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
	if err := recordChange(ctx, tx, "article", a.ID, now); err != nil {
		return nil, err
	}
	return t, tx.Commit(ctx)
}

// takeDownRow takes article a, locked by the caller, down in tx, keeping
// its snapshot, for the source sourceID's takedown when not 0. The
// pictures it leaves unnamed are the caller's to prune, once per
// transaction, and the change its to record, last (see recordChange).
func takeDownRow(ctx context.Context, tx pgx.Tx, a *herald.Article, status herald.ArticleStatus, reason string, sourceID int64, now time.Time) (*herald.Takedown, error) {
	snap, err := snapshot(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	if err := passOnCopies(ctx, tx, 0, a.ID); err != nil {
		return nil, err
	}
	// Its comments, bands, pictures, topics, related lists and search
	// row go with it; its items stay, pointing at nothing, so that no
	// fetch brings it back.
	if _, err := tx.Exec(ctx, `DELETE FROM articles WHERE id = $1`, a.ID); err != nil {
		return nil, err
	}
	t := &herald.Takedown{Slug: a.Slug, ArticleID: a.ID, Title: a.Title, SourceName: a.Source.Name,
		Status: status, Reason: reason, At: now, SourceID: sourceID}
	if _, err := tx.Exec(ctx, `
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot, source_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, // pgx writes snap as JSON
		t.Slug, t.ArticleID, t.Title, t.SourceName, string(t.Status), t.Reason, now, snap, nullID(sourceID)); err != nil {
		return nil, err
	}
	return t, nil
}

// snapshot reads what restoring article a needs (see store.Snapshot), in
// one round trip.
func snapshot(ctx context.Context, tx pgx.Tx, a *herald.Article) (*store.Snapshot, error) {
	snap := &store.Snapshot{Article: store.NewSnapshotArticle(a)}
	id := a.ID
	var b batch
	b.queryRow("find copies", `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM articles
		WHERE (id = $1 OR duplicate_of = $1) AND id <> $2`,
		func(r pgx.Row) error { return r.Scan(&snap.Article.Copies) }, store.ShownOf(a), id)
	b.queryRow("find bands", `SELECT coalesce(array_agg(band ORDER BY band), '{}') FROM article_bands WHERE article_id = $1`,
		func(r pgx.Row) error { return r.Scan(&snap.Bands) }, id)
	b.queryRow("find topics", `SELECT coalesce(array_agg(topic_id ORDER BY topic_id), '{}') FROM article_topics WHERE article_id = $1`,
		func(r pgx.Row) error { return r.Scan(&snap.Topics) }, id)
	b.query("find comments", `
		SELECT id, coalesce(parent_id, 0), coalesce(user_id, 0), author_name, author_email, author_url,
			author_ip, author_network, user_agent, text, status, reasons, score, erased, created_at
		FROM comments WHERE article_id = $1 ORDER BY id`,
		func(r pgx.Rows) error {
			c := &herald.Comment{ArticleID: id}
			var status string
			if err := r.Scan(&c.ID, &c.ParentID, &c.UserID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
				&c.AuthorIP, &c.AuthorNetwork, &c.UserAgent, &c.Text, &status, &c.Reasons, &c.Score, &c.Erased,
				&c.CreatedAt); err != nil {
				return err
			}
			c.Status, c.CreatedAt = herald.CommentStatus(status), c.CreatedAt.UTC()
			snap.Comments = append(snap.Comments, c)
			return nil
		}, id)
	b.query("find comment actions", `
		SELECT x.id, x.comment_id, coalesce(x.user_id, 0), x.action, x.at
		FROM comment_actions x JOIN comments c ON c.id = x.comment_id
		WHERE c.article_id = $1 ORDER BY x.id`,
		func(r pgx.Rows) error {
			var x store.SnapshotAction
			if err := r.Scan(&x.ID, &x.CommentID, &x.UserID, &x.Action, &x.At); err != nil {
				return err
			}
			x.At = x.At.UTC()
			snap.Actions = append(snap.Actions, x)
			return nil
		}, id)
	b.query("find comments closing", `SELECT closes_at FROM comment_closing WHERE article_id = $1`,
		func(r pgx.Rows) error {
			var closes *time.Time
			if err := r.Scan(&closes); err != nil {
				return err
			}
			at := fromNull(closes)
			snap.Closing = &at
			return nil
		}, id)
	b.query("find items", `SELECT source_id, item_key FROM source_items WHERE article_id = $1`,
		func(r pgx.Rows) error {
			var it store.SnapshotItem
			if err := r.Scan(&it.SourceID, &it.Key); err != nil {
				return err
			}
			snap.Items = append(snap.Items, it)
			return nil
		}, id)
	b.query("find revisions", `SELECT n, at, title, byline, body FROM article_revisions
		WHERE article_id = $1 ORDER BY n`,
		func(r pgx.Rows) error {
			var v store.SnapshotRevision
			if err := r.Scan(&v.N, &v.At, &v.Title, &v.Byline, &v.Body); err != nil {
				return err
			}
			v.At = v.At.UTC()
			snap.Revisions = append(snap.Revisions, v)
			return nil
		}, id)
	if err := b.send(ctx, tx); err != nil {
		return nil, err
	}
	images, err := articleImages(ctx, tx, []int64{id}, false)
	if err != nil {
		return nil, err
	}
	snap.Images = images[id]
	return snap, nil
}

const takedownColumns = `slug, article_id, title, source_name, status, reason, at, coalesce(source_id, 0), purged_at`

func scanTakedown(row pgx.Row) (*herald.Takedown, error) {
	t := &herald.Takedown{}
	var status string
	var purged *time.Time
	if err := row.Scan(&t.Slug, &t.ArticleID, &t.Title, &t.SourceName, &status, &t.Reason, &t.At, &t.SourceID, &purged); err != nil {
		return nil, err
	}
	t.Status, t.At, t.PurgedAt = herald.ArticleStatus(status), t.At.UTC(), fromNull(purged)
	return t, nil
}

// FindTakedown implements herald.TakedownService.
func (db *DB) FindTakedown(ctx context.Context, slug string) (*herald.Takedown, error) {
	t, err := scanTakedown(db.pool.QueryRow(ctx, `SELECT `+takedownColumns+` FROM takedowns WHERE slug = $1`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no takedown of %q", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("find takedown %q: %w", slug, err)
	}
	return t, nil
}

// FindTakedownOf implements herald.TakedownService.
func (db *DB) FindTakedownOf(ctx context.Context, articleID int64) (*herald.Takedown, error) {
	t, err := scanTakedown(db.pool.QueryRow(ctx, `SELECT `+takedownColumns+` FROM takedowns WHERE article_id = $1`, articleID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "article %d was not taken down", articleID)
	}
	if err != nil {
		return nil, fmt.Errorf("find takedown of article %d: %w", articleID, err)
	}
	return t, nil
}

// FindTakedowns implements herald.TakedownService. Slugs sort by code
// point, as SQLite's do.
func (db *DB) FindTakedowns(ctx context.Context, limit int) ([]*herald.Takedown, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT `+takedownColumns+` FROM takedowns
		ORDER BY at DESC, slug COLLATE "C" LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("find takedowns: %w", err)
	}
	defer rows.Close()
	var list []*herald.Takedown
	for rows.Next() {
		t, err := scanTakedown(rows)
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
	if isUniqueViolation(err) {
		err = herald.Errorf(herald.ECONFLICT, "another article has its address now")
	}
	if err != nil {
		return nil, fmt.Errorf("restore %q: %w", slug, err)
	}
	return db.FindArticleByID(ctx, id)
}

func (db *DB) restore(ctx context.Context, slug string) (int64, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	id, err := restoreRow(ctx, tx, slug, now)
	if err != nil {
		return 0, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return 0, err
	}
	if err := recordChange(ctx, tx, "article", id, now); err != nil {
		return 0, err
	}
	return id, tx.Commit(ctx)
}

// restoreRow publishes the article taken down under slug again from its
// snapshot, in tx, and returns its id. A purged snapshot is refused
// before anything is written. The change is the caller's to record,
// last.
func restoreRow(ctx context.Context, tx pgx.Tx, slug string, now time.Time) (int64, error) {
	// Locked, so that a second restore at once waits and finds it gone.
	t, err := scanTakedown(tx.QueryRow(ctx, `SELECT `+takedownColumns+` FROM takedowns WHERE slug = $1 FOR UPDATE`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, herald.Errorf(herald.ENOTFOUND, "no takedown of %q", slug)
	}
	if err != nil {
		return 0, err
	}
	if !t.Restorable() {
		return 0, herald.ErrTakedownPurged(t)
	}
	var snap store.Snapshot
	if err := tx.QueryRow(ctx, `SELECT snapshot FROM takedowns WHERE slug = $1`, slug).Scan(&snap); err != nil {
		return 0, fmt.Errorf("read snapshot: %w", err)
	}
	a := snap.Article.Article()
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
	row := &insertedRow{id: a.ID, slug: a.Slug, published: micro(a.PublishedAt), created: micro(a.CreatedAt),
		duplicateOf: place.DuplicateOf, updated: a.UpdatedAt, revisions: a.Revisions}
	after, err := writeArticle(ctx, tx, a, row, place.Replaces, snap.Bands, now)
	if errors.Is(err, errAddressTaken) {
		return 0, herald.Errorf(herald.ECONFLICT, "another article has its address now")
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, mediaLock); err != nil {
		return 0, err
	}
	queueArticleImages(after, a.ID, snap.Images, now)
	queueRestoreComments(after, &snap)
	after.exec("restore topics", `INSERT INTO article_topics (topic_id, article_id, published_at)
		SELECT id, $2, $3 FROM topics WHERE id = ANY($1)`, snap.Topics, a.ID, row.published)
	for _, it := range snap.Items {
		after.exec("relink item", `UPDATE source_items SET article_id = $1
			WHERE source_id = $2 AND item_key = $3 AND article_id IS NULL`, a.ID, it.SourceID, it.Key)
	}
	for _, v := range snap.Revisions {
		queueKeepVersion(after, a.ID, v)
	}
	after.exec("drop takedown", `DELETE FROM takedowns WHERE slug = $1`, slug)
	if err := after.send(ctx, tx); err != nil {
		return 0, err
	}
	return a.ID, nil
}

// queueRestoreComments queues the inserts that put back the snapshot's
// comments with their ids, parents first, their moderation record and
// their closing time. A user deleted meanwhile is forgotten, as deleting
// them would have.
func queueRestoreComments(b *batch, snap *store.Snapshot) {
	for _, c := range snap.Comments {
		b.exec(fmt.Sprintf("restore comment %d", c.ID), `
			INSERT INTO comments (id, article_id, parent_id, user_id, author_name, author_email, author_url,
				author_ip, author_network, user_agent, text, status, reasons, score, erased, created_at)
			OVERRIDING SYSTEM VALUE
			VALUES ($1, $2, $3, (SELECT id FROM users WHERE id = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			c.ID, snap.Article.ID, nullID(c.ParentID), c.UserID, c.AuthorName, c.AuthorEmail, c.AuthorURL,
			c.AuthorIP, c.AuthorNetwork, c.UserAgent, c.Text, string(c.Status), notNilStrings(c.Reasons),
			c.Score, c.Erased, micro(c.CreatedAt))
	}
	for _, x := range snap.Actions {
		b.exec(fmt.Sprintf("restore comment action %d", x.ID), `
			INSERT INTO comment_actions (id, comment_id, user_id, action, at) OVERRIDING SYSTEM VALUE
			VALUES ($1, $2, (SELECT id FROM users WHERE id = $3), $4, $5)`,
			x.ID, x.CommentID, x.UserID, x.Action, micro(x.At))
	}
	if snap.Closing != nil {
		b.exec("restore comments closing", `INSERT INTO comment_closing (article_id, closes_at) VALUES ($1, $2)`,
			snap.Article.ID, nullTime(*snap.Closing))
	}
}

// notNilStrings keeps an empty list from being stored as NULL.
func notNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
