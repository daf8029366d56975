package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/jackc/pgx/v5"
)

var _ herald.CommentService = (*DB)(nil)

// authorLock is the first key of the advisory locks AddComment takes per
// author, so that two comments by one author are checked one after the
// other even when they reach two processes at once.
const authorLock int32 = 0x68726c64 // "hrld"

// AddComment implements herald.CommentService.
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	email := herald.NormalizeEmail(c.AuthorEmail)

	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)`, c.ArticleID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", c.ArticleID)
	}
	if c.ParentID != 0 {
		var article int64
		err := tx.QueryRow(ctx, `SELECT article_id FROM comments WHERE id = $1`, c.ParentID).Scan(&article)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && article != c.ArticleID) {
			return herald.Errorf(herald.EINVALID, "the comment you replied to is not on this article")
		}
		if err != nil {
			return err
		}
	}
	if c.UserID == 0 {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, authorLock, email); err != nil {
			return err
		}
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM comments WHERE author_email = $1 AND text = $2)`,
			email, c.Text).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return herald.Errorf(herald.ECONFLICT, "You have already posted this comment.")
		}
		var last *time.Time
		if err := tx.QueryRow(ctx, `SELECT max(created_at) FROM comments WHERE author_email = $1`, email).Scan(&last); err != nil {
			return err
		}
		if last != nil && now.Sub(*last) < herald.MinCommentGap {
			return herald.Errorf(herald.ECONFLICT, "You are posting comments too quickly. Please wait a few seconds and send it again.")
		}
	}
	reasons := c.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO comments (article_id, parent_id, user_id, author_name, author_email, author_url, author_ip,
			user_agent, text, status, reasons, score, created_at, author_network)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		c.ArticleID, nullID(c.ParentID), nullID(c.UserID), c.AuthorName, email, c.AuthorURL, c.AuthorIP,
		c.UserAgent, c.Text, string(c.Status), reasons, c.Score, now, c.AuthorNetwork).Scan(&id)
	if err != nil {
		return err
	}
	if c.Status == herald.CommentApproved {
		if err := recordChange(ctx, tx, "comment", c.ArticleID, now); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.AuthorEmail = id, now, email
	return nil
}

const commentColumns = `c.id, c.article_id, coalesce(c.parent_id, 0), coalesce(c.user_id, 0), c.author_name,
	c.author_email, c.author_url, c.author_ip, c.user_agent, c.text, c.status, c.reasons, c.score, c.erased,
	c.created_at, a.slug, a.title`

func scanComment(row pgx.Row) (*herald.Comment, error) {
	var c herald.Comment
	var status string
	err := row.Scan(&c.ID, &c.ArticleID, &c.ParentID, &c.UserID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
		&c.AuthorIP, &c.UserAgent, &c.Text, &status, &c.Reasons, &c.Score, &c.Erased, &c.CreatedAt,
		&c.ArticleSlug, &c.ArticleTitle)
	if err != nil {
		return nil, err
	}
	c.Status = herald.CommentStatus(status)
	c.CreatedAt = c.CreatedAt.UTC()
	if len(c.Reasons) == 0 {
		c.Reasons = nil
	}
	return &c, nil
}

// FindCommentByID implements herald.CommentService.
func (db *DB) FindCommentByID(ctx context.Context, id int64) (*herald.Comment, error) {
	c, err := scanComment(db.pool.QueryRow(ctx, `SELECT `+commentColumns+`
		FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "comment %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find comment %d: %w", id, err)
	}
	return c, nil
}

func commentWhere(f herald.CommentFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.ArticleID != 0 {
		add(`c.article_id = $?`, f.ArticleID)
	}
	if f.Status != "" {
		add(`c.status = $?`, string(f.Status))
	}
	if f.Email != "" {
		add(`c.author_email = $?`, herald.NormalizeEmail(f.Email))
	}
	if f.IDs != nil {
		add(`c.id = ANY($?)`, f.IDs)
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
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM comments c`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count comments: %w", err)
	}
	order := ` ORDER BY c.id`
	if f.NewestFirst {
		order = ` ORDER BY c.id DESC`
	}
	var limit string
	if f.Limit > 0 {
		limit = fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	if f.Offset > 0 {
		limit += fmt.Sprintf(` OFFSET %d`, f.Offset)
	}
	rows, err := db.pool.Query(ctx, `SELECT `+commentColumns+`
		FROM comments c JOIN articles a ON a.id = c.article_id`+where+order+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find comments: %w", err)
	}
	defer rows.Close()
	var list []*herald.Comment
	for rows.Next() {
		c, err := scanComment(rows)
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
	rows, err := db.pool.Query(ctx, `SELECT status, count(*) FROM comments GROUP BY status`)
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
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM comments WHERE author_email = $1 AND status = 'approved'`,
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	var before []*herald.Comment
	for _, id := range a.IDs {
		c, err := scanComment(tx.QueryRow(ctx, `SELECT `+commentColumns+`
			FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = $1 FOR UPDATE OF c`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, herald.Errorf(herald.ENOTFOUND, "comment %d not found", id)
		}
		if err != nil {
			return nil, err
		}
		before = append(before, c)
		if _, err := tx.Exec(ctx, `UPDATE comments SET status = $1 WHERE id = $2`, string(a.Status), id); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO comment_actions (comment_id, user_id, action, at) VALUES ($1, $2, $3, $4)`,
			id, nullID(a.UserID), string(a.Status), now); err != nil {
			return nil, err
		}
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	if err := recordChange(ctx, tx, "comment", before[0].ArticleID, now); err != nil {
		return nil, err
	}
	return before, tx.Commit(ctx)
}

// FindCommentActions implements herald.CommentService.
func (db *DB) FindCommentActions(ctx context.Context, commentID int64) ([]herald.CommentActionRecord, error) {
	rows, err := db.pool.Query(ctx, `SELECT x.comment_id, coalesce(u.email, ''), x.action, x.at
		FROM comment_actions x LEFT JOIN users u ON u.id = x.user_id WHERE x.comment_id = $1 ORDER BY x.id`, commentID)
	if err != nil {
		return nil, fmt.Errorf("find actions on comment %d: %w", commentID, err)
	}
	defer rows.Close()
	var list []herald.CommentActionRecord
	for rows.Next() {
		var r herald.CommentActionRecord
		var status string
		if err := rows.Scan(&r.CommentID, &r.UserEmail, &status, &r.At); err != nil {
			return nil, fmt.Errorf("find actions on comment %d: %w", commentID, err)
		}
		r.Status, r.At = herald.CommentStatus(status), r.At.UTC()
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `UPDATE comments SET author_name = '', author_email = '', author_url = '',
		author_ip = '', author_network = '', user_agent = '', text = '', erased = true WHERE author_email = $1`, email)
	if err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	if tag.RowsAffected() > 0 {
		if err := recordChange(ctx, tx, "comment", 0, micro(db.Now())); err != nil {
			return 0, fmt.Errorf("erase %s: %w", email, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("erase %s: %w", email, err)
	}
	return int(tag.RowsAffected()), nil
}

// ClassifierCounts implements herald.CommentService.
func (db *DB) ClassifierCounts(ctx context.Context, tokens []string) (herald.ClassifierCounts, error) {
	counts := herald.ClassifierCounts{Tokens: map[string][2]int{}}
	rows, err := db.pool.Query(ctx, `SELECT class, docs FROM classifier_docs`)
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
	if len(tokens) == 0 {
		return counts, nil
	}
	rows, err = db.pool.Query(ctx, `SELECT token, ham, spam FROM classifier_tokens WHERE token = ANY($1)`, tokens)
	if err != nil {
		return counts, fmt.Errorf("classifier counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var ham, spam int
		if err := rows.Scan(&t, &ham, &spam); err != nil {
			return counts, fmt.Errorf("classifier counts: %w", err)
		}
		counts.Tokens[t] = [2]int{ham, spam}
	}
	return counts, rows.Err()
}

// TrainClassifier implements herald.CommentService. Tokens are updated in
// sorted order, so that two trainings at once cannot deadlock.
func (db *DB) TrainClassifier(ctx context.Context, tokens []string, ham, spam int) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("train classifier: %w", err)
	}
	defer tx.Rollback(ctx)
	for _, cd := range []struct {
		class string
		d     int
	}{{"ham", ham}, {"spam", spam}} {
		if _, err := tx.Exec(ctx, `INSERT INTO classifier_docs (class, docs) VALUES ($1, greatest($2::int, 0))
			ON CONFLICT (class) DO UPDATE SET docs = greatest(classifier_docs.docs + $2::int, 0)`, cd.class, cd.d); err != nil {
			return fmt.Errorf("train classifier: %w", err)
		}
	}
	sorted := append([]string(nil), tokens...)
	sortStrings(sorted)
	for _, t := range sorted {
		if _, err := tx.Exec(ctx, `INSERT INTO classifier_tokens (token, ham, spam) VALUES ($1, greatest($2::int, 0), greatest($3::int, 0))
			ON CONFLICT (token) DO UPDATE SET ham = greatest(classifier_tokens.ham + $2::int, 0),
				spam = greatest(classifier_tokens.spam + $3::int, 0)`, t, ham, spam); err != nil {
			return fmt.Errorf("train classifier: %w", err)
		}
	}
	return tx.Commit(ctx)
}

// SetCommentsClose implements herald.CommentService.
func (db *DB) SetCommentsClose(ctx context.Context, articleID int64, at time.Time) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	defer tx.Rollback(ctx)
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)`, articleID).Scan(&exists); err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	if !exists {
		return herald.Errorf(herald.ENOTFOUND, "article %d not found", articleID)
	}
	var closes *time.Time
	if !at.IsZero() {
		m := micro(at)
		closes = &m
	}
	if _, err := tx.Exec(ctx, `INSERT INTO comment_closing (article_id, closes_at) VALUES ($1, $2)
		ON CONFLICT (article_id) DO UPDATE SET closes_at = excluded.closes_at`, articleID, closes); err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	if err := recordChange(ctx, tx, "comment", articleID, micro(db.Now())); err != nil {
		return fmt.Errorf("close comments of article %d: %w", articleID, err)
	}
	return tx.Commit(ctx)
}

// FindCommentsClose implements herald.CommentService.
func (db *DB) FindCommentsClose(ctx context.Context, articleID int64) (time.Time, error) {
	var closes *time.Time
	err := db.pool.QueryRow(ctx, `SELECT closes_at FROM comment_closing WHERE article_id = $1`, articleID).Scan(&closes)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, herald.Errorf(herald.ENOTFOUND, "article %d has no closing time of its own", articleID)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("find closing of article %d: %w", articleID, err)
	}
	if closes == nil {
		return time.Time{}, nil
	}
	return closes.UTC(), nil
}

// CountNetworkComments implements herald.CommentService.
func (db *DB) CountNetworkComments(ctx context.Context, network string, since time.Time) (int, error) {
	if network == "" {
		return 0, nil
	}
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM comments
		WHERE author_network = $1 AND author_network <> '' AND created_at >= $2`, network, since).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count comments from %s: %w", network, err)
	}
	return n, nil
}
