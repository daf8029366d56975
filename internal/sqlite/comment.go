package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

var _ herald.CommentService = (*DB)(nil)

// AddComment implements herald.CommentService. The author's earlier
// comments are checked in the writer's transaction, which runs alone in
// this process and, by SQLite's write lock, across processes too: two
// copies of one comment posted at once are stored once.
func (db *DB) AddComment(ctx context.Context, c *herald.Comment) error {
	if err := c.Check(); err != nil {
		return err
	}
	if err := db.addComment(ctx, c); err != nil {
		return fmt.Errorf("add comment on article %d: %w", c.ArticleID, err)
	}
	return nil
}

func (db *DB) addComment(ctx context.Context, c *herald.Comment) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	email := herald.NormalizeEmail(c.AuthorEmail)

	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE id = ?`, c.ArticleID).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", c.ArticleID)
	}
	if c.ParentID != 0 {
		var article int64
		err := tx.QueryRowContext(ctx, `SELECT article_id FROM comments WHERE id = ?`, c.ParentID).Scan(&article)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && article != c.ArticleID) {
			return herald.Errorf(herald.EINVALID, "the comment you replied to is not on this article")
		}
		if err != nil {
			return err
		}
	}
	if c.UserID == 0 {
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE author_email = ? AND text = ?`,
			email, c.Text).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return herald.Errorf(herald.ECONFLICT, "You have already posted this comment.")
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(created_at) FROM comments WHERE author_email = ?`, email).Scan(&last); err != nil {
			return err
		}
		if last.Valid && now.Sub(fromNanos(last.Int64)) < herald.MinCommentGap {
			return herald.Errorf(herald.ECONFLICT, "You are posting comments too quickly. Please wait a few seconds and send it again.")
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO comments (id, article_id, parent_id, user_id, author_name, author_email, author_url, author_ip,
			user_agent, text, status, reasons, score, created_at, author_network)
		VALUES (`+nextID("comments")+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		c.ArticleID, nullID(c.ParentID), nullID(c.UserID), c.AuthorName, email, c.AuthorURL, c.AuthorIP,
		c.UserAgent, c.Text, string(c.Status), strings.Join(c.Reasons, " "), c.Score, nanos(now), c.AuthorNetwork).Scan(&id)
	if err != nil {
		return err
	}
	if c.Status == herald.CommentApproved {
		if err := recordChange(ctx, tx, "comment", c.ArticleID, now); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.AuthorEmail = id, now, email
	return nil
}

const commentColumns = `c.id, c.article_id, coalesce(c.parent_id, 0), coalesce(c.user_id, 0), c.author_name,
	c.author_email, c.author_url, c.author_ip, c.user_agent, c.text, c.status, c.reasons, c.score, c.erased,
	c.created_at, a.slug, a.title`

func scanComment(scan func(...any) error) (*herald.Comment, error) {
	var c herald.Comment
	var reasons string
	var created int64
	err := scan(&c.ID, &c.ArticleID, &c.ParentID, &c.UserID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
		&c.AuthorIP, &c.UserAgent, &c.Text, &c.Status, &reasons, &c.Score, &c.Erased, &created,
		&c.ArticleSlug, &c.ArticleTitle)
	if err != nil {
		return nil, err
	}
	c.Reasons = strings.Fields(reasons)
	c.CreatedAt = fromNanos(created)
	return &c, nil
}

// FindCommentByID implements herald.CommentService.
func (db *DB) FindCommentByID(ctx context.Context, id int64) (*herald.Comment, error) {
	row := db.reader.QueryRowContext(ctx, `SELECT `+commentColumns+`
		FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = ?`, id)
	c, err := scanComment(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "comment %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find comment %d: %w", id, err)
	}
	return c, nil
}

// commentWhere turns f into a WHERE clause and its arguments.
func commentWhere(f herald.CommentFilter) (string, []any) {
	var conds []string
	var args []any
	if f.ArticleID != 0 {
		conds, args = append(conds, `c.article_id = ?`), append(args, f.ArticleID)
	}
	if f.Status != "" {
		conds, args = append(conds, `c.status = ?`), append(args, string(f.Status))
	}
	if f.Email != "" {
		conds, args = append(conds, `c.author_email = ?`), append(args, herald.NormalizeEmail(f.Email))
	}
	if f.IDs != nil {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.IDs)), ",")
		if marks == "" {
			marks = "NULL"
		}
		conds = append(conds, `c.id IN (`+marks+`)`)
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// FindComments implements herald.CommentService.
func (db *DB) FindComments(ctx context.Context, f herald.CommentFilter) ([]*herald.Comment, int, error) {
	where, args := commentWhere(f)
	var total int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM comments c`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count comments: %w", err)
	}
	order := ` ORDER BY c.id`
	if f.NewestFirst {
		order = ` ORDER BY c.id DESC`
	}
	limit := ` LIMIT -1`
	if f.Limit > 0 {
		limit = fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	if f.Offset > 0 {
		limit += fmt.Sprintf(` OFFSET %d`, f.Offset)
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+commentColumns+`
		FROM comments c JOIN articles a ON a.id = c.article_id`+where+order+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find comments: %w", err)
	}
	defer rows.Close()
	var list []*herald.Comment
	for rows.Next() {
		c, err := scanComment(rows.Scan)
		if err != nil {
			return nil, 0, fmt.Errorf("find comments: %w", err)
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find comments: %w", err)
	}
	return list, total, nil
}

// CountComments implements herald.CommentService.
func (db *DB) CountComments(ctx context.Context) (map[herald.CommentStatus]int, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT status, count(*) FROM comments GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count comments: %w", err)
	}
	defer rows.Close()
	counts := map[herald.CommentStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count comments: %w", err)
		}
		counts[herald.CommentStatus(st)] = n
	}
	return counts, rows.Err()
}

// AuthorHistory implements herald.CommentService.
func (db *DB) AuthorHistory(ctx context.Context, email string) (herald.AuthorHistory, error) {
	var h herald.AuthorHistory
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM comments WHERE author_email = ? AND status = 'approved'`,
		herald.NormalizeEmail(email)).Scan(&h.Approved)
	if err != nil {
		return h, fmt.Errorf("author history: %w", err)
	}
	return h, nil
}

// ModerateComments implements herald.CommentService.
func (db *DB) ModerateComments(ctx context.Context, a herald.CommentAction) ([]*herald.Comment, error) {
	if _, err := herald.ParseCommentStatus(string(a.Status)); err != nil {
		return nil, err
	}
	if len(a.IDs) == 0 {
		return nil, herald.Errorf(herald.EINVALID, "no comments chosen")
	}
	before, err := db.moderate(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("moderate comments: %w", err)
	}
	return before, nil
}

func (db *DB) moderate(ctx context.Context, a herald.CommentAction) ([]*herald.Comment, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	var before []*herald.Comment
	for _, id := range a.IDs {
		c, err := scanComment(tx.QueryRowContext(ctx, `SELECT `+commentColumns+`
			FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = ?`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, herald.Errorf(herald.ENOTFOUND, "comment %d not found", id)
		}
		if err != nil {
			return nil, err
		}
		before = append(before, c)
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET status = ? WHERE id = ?`, string(a.Status), id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_actions (id, comment_id, user_id, action, at)
			VALUES (`+nextID("comment_actions")+`, ?, ?, ?, ?)`,
			id, nullID(a.UserID), string(a.Status), nanos(now)); err != nil {
			return nil, err
		}
		if err := recordChange(ctx, tx, "comment", c.ArticleID, now); err != nil {
			return nil, err
		}
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	return before, tx.Commit()
}

// FindCommentActions implements herald.CommentService.
func (db *DB) FindCommentActions(ctx context.Context, commentID int64) ([]herald.CommentActionRecord, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT x.comment_id, coalesce(u.email, ''), x.action, x.at
		FROM comment_actions x LEFT JOIN users u ON u.id = x.user_id WHERE x.comment_id = ? ORDER BY x.id`, commentID)
	if err != nil {
		return nil, fmt.Errorf("find actions on comment %d: %w", commentID, err)
	}
	defer rows.Close()
	var list []herald.CommentActionRecord
	for rows.Next() {
		var r herald.CommentActionRecord
		var at int64
		if err := rows.Scan(&r.CommentID, &r.UserEmail, &r.Status, &at); err != nil {
			return nil, fmt.Errorf("find actions on comment %d: %w", commentID, err)
		}
		r.At = fromNanos(at)
		list = append(list, r)
	}
	return list, rows.Err()
}

// EraseCommentAuthor implements herald.CommentService.
func (db *DB) EraseCommentAuthor(ctx context.Context, email string) (int, error) {
	email = herald.NormalizeEmail(email)
	if email == "" {
		return 0, herald.Errorf(herald.EINVALID, "email is required")
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE comments SET author_name = '', author_email = '', author_url = '',
		author_ip = '', author_network = '', user_agent = '', text = '', erased = 1 WHERE author_email = ?`, email)
	if err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	if n > 0 {
		if err := recordChange(ctx, tx, "comment", 0, db.Now().UTC()); err != nil {
			return 0, fmt.Errorf("erase %s: %w", email, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	return int(n), nil
}

// ClassifierCounts implements herald.CommentService.
func (db *DB) ClassifierCounts(ctx context.Context, tokens []string) (herald.ClassifierCounts, error) {
	counts := herald.ClassifierCounts{Tokens: map[string][2]int{}}
	rows, err := db.reader.QueryContext(ctx, `SELECT class, docs FROM classifier_docs`)
	if err != nil {
		return counts, fmt.Errorf("classifier counts: %w", err)
	}
	for rows.Next() {
		var class string
		var n int
		if err := rows.Scan(&class, &n); err != nil {
			rows.Close()
			return counts, fmt.Errorf("classifier counts: %w", err)
		}
		if class == "ham" {
			counts.HamDocs = n
		} else {
			counts.SpamDocs = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return counts, fmt.Errorf("classifier counts: %w", err)
	}
	for _, t := range tokens {
		var ham, spam int
		err := db.reader.QueryRowContext(ctx, `SELECT ham, spam FROM classifier_tokens WHERE token = ?`, t).Scan(&ham, &spam)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return counts, fmt.Errorf("classifier counts: %w", err)
		}
		counts.Tokens[t] = [2]int{ham, spam}
	}
	return counts, nil
}

// TrainClassifier implements herald.CommentService. Counts never go below
// zero, so untraining what was never trained changes nothing.
func (db *DB) TrainClassifier(ctx context.Context, tokens []string, ham, spam int) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("train classifier: %w", err)
	}
	defer tx.Rollback()
	for class, d := range map[string]int{"ham": ham, "spam": spam} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO classifier_docs (class, docs) VALUES (?, max(?, 0))
			ON CONFLICT (class) DO UPDATE SET docs = max(docs + ?, 0)`, class, d, d); err != nil {
			return fmt.Errorf("train classifier: %w", err)
		}
	}
	for _, t := range tokens {
		if _, err := tx.ExecContext(ctx, `INSERT INTO classifier_tokens (token, ham, spam) VALUES (?, max(?, 0), max(?, 0))
			ON CONFLICT (token) DO UPDATE SET ham = max(ham + ?, 0), spam = max(spam + ?, 0)`,
			t, ham, spam, ham, spam); err != nil {
			return fmt.Errorf("train classifier: %w", err)
		}
	}
	return tx.Commit()
}

// SetCommentsClose implements herald.CommentService.
func (db *DB) SetCommentsClose(ctx context.Context, articleID int64, at time.Time) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE id = ?`, articleID).Scan(&n); err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	if n == 0 {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	var closes int64
	if !at.IsZero() {
		closes = nanos(at)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO comment_closing (article_id, closes_at) VALUES (?, ?)
		ON CONFLICT (article_id) DO UPDATE SET closes_at = excluded.closes_at`, articleID, closes); err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	if err := recordChange(ctx, tx, "comment", articleID, db.Now().UTC()); err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	return tx.Commit()
}

// FindCommentsClose implements herald.CommentService.
func (db *DB) FindCommentsClose(ctx context.Context, articleID int64) (time.Time, error) {
	var closes int64
	err := db.reader.QueryRowContext(ctx, `SELECT closes_at FROM comment_closing WHERE article_id = ?`, articleID).Scan(&closes)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, herald.Errorf(herald.ENOTFOUND, "article %d has no closing time of its own", articleID)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("find closing of article %d: %w", articleID, err)
	}
	if closes == 0 {
		return time.Time{}, nil
	}
	return fromNanos(closes), nil
}

// CountNetworkComments implements herald.CommentService.
func (db *DB) CountNetworkComments(ctx context.Context, network string, since time.Time) (int, error) {
	if network == "" {
		return 0, nil
	}
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM comments
		WHERE author_network = ? AND author_network <> '' AND created_at >= ?`, network, nanos(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count comments from %s: %w", network, err)
	}
	return n, nil
}
