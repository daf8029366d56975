package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var _ herald.CheckService = (*DB)(nil)

// The checks of the file itself, run before Herald's invariants.
const (
	checkIntegrity   = "integrity"
	checkForeignKeys = "foreign keys"
	checkSearchIndex = "search index"
)

// invariant is one of Herald's invariants as a query whose rows, one text
// column each, name the rows that break it.
type invariant struct {
	name   string
	repair herald.RepairKind
	query  string
}

// invariants are Herald's own, beyond what constraints hold. Foreign keys
// hold most references while they are on, but a file written without them
// (another tool, an old backup restored by hand) holds anything, so each
// reference that matters to a page is checked here by name as well as by
// foreign_key_check. A story's size, first and last times are the
// clustering's own counts of what it placed, never recomputed (a split or
// a merge leaves them), so only latest_at, which lists are ordered by,
// must follow the articles. A takedown leaves latest_at ahead of the
// story's articles until the next one arrives; only behind is wrong.
var invariants = []invariant{
	{herald.CheckCopies, "", `
		SELECT 'article ' || c.id || ' is a copy of ' || c.duplicate_of ||
			CASE WHEN s.id IS NULL THEN ', which does not exist' ELSE ', itself a copy' END
		FROM articles c LEFT JOIN articles s ON s.id = c.duplicate_of
		WHERE c.duplicate_of IS NOT NULL AND (s.id IS NULL OR s.duplicate_of IS NOT NULL)`},
	{herald.CheckArticleStories, "", `
		SELECT 'article ' || a.id || ' is in story ' || a.story_id ||
			CASE WHEN s.id IS NULL THEN ', which does not exist' ELSE ', merged into ' || s.merged_into END
		FROM articles a LEFT JOIN stories s ON s.id = a.story_id
		WHERE a.story_id IS NOT NULL AND (s.id IS NULL OR s.merged_into IS NOT NULL)`},
	{herald.CheckCopyStories, "", `
		SELECT 'copy ' || c.id || ' is in story ' || c.story_id || ', its shown copy ' || s.id || ' in ' || s.story_id
		FROM articles c JOIN articles s ON s.id = c.duplicate_of
		WHERE c.story_id IS NOT NULL AND s.story_id IS NOT NULL AND c.story_id <> s.story_id`},
	{herald.CheckStoryLatest, herald.RepairStories, `
		SELECT 'story ' || s.id || ' is listed at ' || ` + nanosText(`s.latest_at`) + ` ||
			', its newest article at ' || ` + nanosText(`a.newest`) + `
		FROM stories s JOIN (SELECT story_id, max(published_at) AS newest FROM articles
			WHERE story_id IS NOT NULL GROUP BY story_id) a ON a.story_id = s.id
		WHERE s.merged_into IS NULL AND s.latest_at < a.newest`},
	{herald.CheckSearch, herald.RepairSearch, `
		SELECT 'article ' || id || ' is not in the search index' FROM articles
		WHERE id NOT IN (SELECT rowid FROM article_search)
		UNION ALL
		SELECT 'search row ' || rowid || ' names no article' FROM article_search
		WHERE rowid NOT IN (SELECT id FROM articles)`},
	{herald.CheckRelated, herald.RepairRelated, `
		SELECT 'related list of ' || r.article_id || ' names missing article ' || r.related_id FROM related r
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.related_id)
		UNION ALL
		SELECT 'related list of missing article ' || r.article_id FROM related r
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.article_id)
		UNION ALL
		SELECT 'related queue names missing article ' || q.article_id FROM related_queue q
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = q.article_id)`},
	{herald.CheckTopicTags, "", `
		SELECT 'topic ' || t.topic_id || ' tags article ' || t.article_id ||
			CASE WHEN a.id IS NULL THEN ', which does not exist' ELSE '; the topic does not exist' END
		FROM article_topics t LEFT JOIN articles a ON a.id = t.article_id
		WHERE a.id IS NULL OR NOT EXISTS (SELECT 1 FROM topics WHERE id = t.topic_id)`},
	{herald.CheckDigestPoints, "", `
		SELECT 'digest point ' || p.id || ' of topic ' || p.topic_id || ' names article ' || p.article_id ||
			CASE WHEN a.id IS NULL THEN ', which does not exist' ELSE '; the topic does not exist' END
		FROM digest_points p LEFT JOIN articles a ON a.id = p.article_id
		WHERE a.id IS NULL OR NOT EXISTS (SELECT 1 FROM topics WHERE id = p.topic_id)`},
	{herald.CheckPictures, "", `
		SELECT 'article ' || ai.article_id || ' picture ' || ai.position || ' names missing address ' || ai.image_id
		FROM article_images ai WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = ai.image_id)
		UNION ALL
		SELECT 'pictures of missing article ' || ai.article_id FROM article_images ai
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = ai.article_id)
		UNION ALL
		SELECT 'address ' || i.id || ' is stored as missing media ' || i.hash FROM images i
		WHERE i.hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM media m WHERE m.hash = i.hash)
		UNION ALL
		SELECT 'variant of missing media ' || v.hash FROM media_variants v
		WHERE NOT EXISTS (SELECT 1 FROM media m WHERE m.hash = v.hash)`},
	{herald.CheckTakedowns, "", `
		SELECT 'taken-down ' || t.slug || ' is also a live article''s ' ||
			CASE WHEN EXISTS (SELECT 1 FROM articles a WHERE a.slug = t.slug) THEN 'slug' ELSE 'id' END
		FROM takedowns t
		WHERE EXISTS (SELECT 1 FROM articles a WHERE a.slug = t.slug OR a.id = t.article_id)
		UNION ALL
		SELECT 'taken-down ' || slug || ' has a snapshot that is not JSON' FROM takedowns
		WHERE purged_at IS NULL AND NOT json_valid(snapshot)
		UNION ALL
		SELECT 'taken-down ' || slug || ' was purged but keeps its snapshot' FROM takedowns
		WHERE purged_at IS NOT NULL AND snapshot <> ''`},
}

// nanosText is SQL for the store's time column as RFC 3339 text.
func nanosText(column string) string {
	return `strftime('%Y-%m-%dT%H:%M:%SZ', ` + column + ` / 1000000000, 'unixepoch')`
}

// integrityPragma is the check of the file's pages, indexes and (since
// SQLite 3.44) full-text index, reporting at most 100 problems.
// integrity_check also matches every index against its table, which
// quick_check skips; on 100,000 articles (664 MB, page cache warm) it took
// 4.6 s against quick_check's 3.9 s, and the whole Check 6.3 s: the
// thorough one is worth its 20%.
const integrityPragma = `PRAGMA integrity_check(100)`

// Check implements herald.CheckService. The file's checks run first, on a
// connection of their own: integrity_check checks the full-text index
// through the structure FTS5 cached on the connection, which on a pooled
// one may predate another connection's writes, and look like damage.
// Herald's invariants then read one snapshot, so that a write between two
// of them cannot look like damage either.
func (db *DB) Check(ctx context.Context) (*herald.CheckReport, error) {
	file, err := db.open(1, "deferred")
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	defer file.Close()
	r := &herald.CheckReport{}
	r.Results = append(r.Results,
		pragmaCheck(ctx, file, checkIntegrity, integrityPragma, integrityRow),
		pragmaCheck(ctx, file, checkForeignKeys, `PRAGMA foreign_key_check`, foreignKeyRow),
		searchIndexCheck(ctx, file))
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	defer tx.Rollback()
	for _, inv := range invariants {
		r.Results = append(r.Results, runInvariant(ctx, tx, inv))
	}
	r.Results = append(r.Results, auditCheck(ctx, tx))
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	return r, nil
}

// pragmaCheck runs a checking pragma, whose rows scan describes, or "" for
// a row that says all is well.
func pragmaCheck(ctx context.Context, q *sql.DB, name, pragma string, scan func(*sql.Rows) (string, error)) *herald.CheckResult {
	res := &herald.CheckResult{Name: name}
	rows, err := q.QueryContext(ctx, pragma)
	if isCorrupt(err) { // damage bad enough to stop the check is what it looks for
		res.Add(err.Error())
		return res
	}
	if err != nil {
		res.Failed = err.Error()
		return res
	}
	defer rows.Close()
	for rows.Next() {
		problem, err := scan(rows)
		if err != nil {
			res.Failed = err.Error()
			return res
		}
		if problem != "" {
			res.Add(problem)
		}
	}
	if err := rows.Err(); isCorrupt(err) {
		res.Add(err.Error())
	} else if err != nil {
		res.Failed = err.Error()
	}
	return res
}

// integrityRow reads a row of integrity_check: "ok", or one problem.
func integrityRow(rows *sql.Rows) (string, error) {
	var s string
	if err := rows.Scan(&s); err != nil || s == "ok" {
		return "", err
	}
	return s, nil
}

// foreignKeyRow reads a row of foreign_key_check: a row of a table that
// names a missing row of another.
func foreignKeyRow(rows *sql.Rows) (string, error) {
	var table, parent string
	var rowid sql.NullInt64
	var fk int
	if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
		return "", err
	}
	if !rowid.Valid { // a table without rowid: the pragma cannot say which row
		return fmt.Sprintf("a row of %s names a missing row of %s", table, parent), nil
	}
	return fmt.Sprintf("%s row %d names a missing row of %s", table, rowid.Int64, parent), nil
}

// searchIndexCheck runs FTS5's integrity-check on article_search, which
// for a contentless table checks the index's own structures. The command
// is an INSERT that writes nothing, so it runs outside the snapshot: a
// read transaction could not take the write lock it asks for.
func searchIndexCheck(ctx context.Context, q *sql.DB) *herald.CheckResult {
	res := &herald.CheckResult{Name: checkSearchIndex, Repair: herald.RepairSearch}
	_, err := q.ExecContext(ctx, `INSERT INTO article_search (article_search) VALUES ('integrity-check')`)
	switch {
	case err == nil:
	case isCorrupt(err):
		res.Add(err.Error())
	default:
		res.Failed = err.Error()
	}
	return res
}

func runInvariant(ctx context.Context, tx *sql.Tx, inv invariant) *herald.CheckResult {
	res := &herald.CheckResult{Name: inv.name, Repair: inv.repair}
	rows, err := tx.QueryContext(ctx, inv.query)
	if err != nil {
		res.Failed = err.Error()
		return res
	}
	defer rows.Close()
	for rows.Next() {
		var problem string
		if err := rows.Scan(&problem); err != nil {
			res.Failed = err.Error()
			return res
		}
		res.Add(problem)
	}
	if err := rows.Err(); err != nil {
		res.Failed = err.Error()
	}
	return res
}

// auditCheck reads the whole log: what an entry must hold is the Go rule
// of herald.AuditEntry, which SQL would restate.
func auditCheck(ctx context.Context, tx *sql.Tx) *herald.CheckResult {
	res := &herald.CheckResult{Name: herald.CheckAuditLog}
	rows, err := tx.QueryContext(ctx, `SELECT id, actor, action, before, after FROM audit_log ORDER BY id`)
	if err != nil {
		res.Failed = err.Error()
		return res
	}
	defer rows.Close()
	for rows.Next() {
		var e herald.AuditEntry
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Before, &e.After); err != nil {
			res.Failed = err.Error()
			return res
		}
		if p := store.AuditProblem(&e); p != "" {
			res.Add(p)
		}
	}
	if err := rows.Err(); err != nil {
		res.Failed = err.Error()
	}
	return res
}

// Repair implements herald.CheckService, on the writer in one transaction.
func (db *DB) Repair(ctx context.Context, kind herald.RepairKind) (*herald.Repaired, error) {
	var repair func(context.Context, *sql.Tx, *herald.Repaired) error
	switch kind {
	case herald.RepairSearch:
		repair = repairSearch
	case herald.RepairRelated:
		repair = repairRelated
	case herald.RepairStories:
		repair = repairStories
	default:
		return nil, herald.Errorf(herald.EINVALID, "nothing to repair called %q", kind)
	}
	done := &herald.Repaired{Kind: kind}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("repair %s: %w", kind, err)
	}
	defer tx.Rollback()
	if err := repair(ctx, tx, done); err != nil {
		return nil, fmt.Errorf("repair %s: %w", kind, err)
	}
	if done.Changed() {
		// Pages cached in any process show what the repair changed.
		if err := recordChange(ctx, tx, "repair", 0, db.Now()); err != nil {
			return nil, fmt.Errorf("repair %s: %w", kind, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("repair %s: %w", kind, err)
	}
	return done, nil
}

// reindexBatch is how many articles repairSearch reads at once.
const reindexBatch = 500

// repairSearch removes the index rows of missing articles and indexes the
// articles missing from it. An index whose own structures are damaged is
// emptied first, and every article indexed again.
func repairSearch(ctx context.Context, tx *sql.Tx, done *herald.Repaired) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO article_search (article_search) VALUES ('integrity-check')`)
	switch {
	case isCorrupt(err):
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_search (article_search) VALUES ('delete-all')`); err != nil {
			return fmt.Errorf("empty the search index: %w", err)
		}
		done.Removed++ // the damaged index, whose rows cannot be counted
	case err != nil:
		return err
	default:
		res, err := tx.ExecContext(ctx, `DELETE FROM article_search WHERE rowid IN (
			SELECT rowid FROM article_search WHERE rowid NOT IN (SELECT id FROM articles))`)
		if err != nil {
			return fmt.Errorf("remove search rows: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		done.Removed += n
	}
	for after := int64(0); ; {
		list, err := unindexed(ctx, tx, after)
		if err != nil || len(list) == 0 {
			return err
		}
		for _, a := range list {
			if err := indexArticle(ctx, tx, a.ID, a); err != nil {
				return err
			}
			done.Added++
		}
		after = list[len(list)-1].ID
	}
}

// unindexed returns the next articles after id after, by id, that the
// search index lacks, with their title and text.
func unindexed(ctx context.Context, tx *sql.Tx, after int64) ([]*herald.Article, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, title, text FROM articles
		WHERE id > ? AND id NOT IN (SELECT rowid FROM article_search) ORDER BY id LIMIT ?`, after, reindexBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*herald.Article
	for rows.Next() {
		a := &herald.Article{}
		if err := rows.Scan(&a.ID, &a.Title, &a.Text); err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// repairRelated drops the related lists that name a missing article and
// queues their articles, when shown, for the related worker to compute
// again; rows and queue entries of missing articles go.
func repairRelated(ctx context.Context, tx *sql.Tx, done *herald.Repaired) error {
	const broken = `SELECT DISTINCT r.article_id FROM related r
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.related_id)`
	return execCounting(ctx, tx, []counted{
		{&done.Added, `INSERT INTO related_queue (article_id)
			SELECT id FROM articles WHERE duplicate_of IS NULL AND id IN (` + broken + `)
			ON CONFLICT (article_id) DO UPDATE SET claimed_until = 0`},
		{&done.Removed, `DELETE FROM related WHERE article_id IN (` + broken + `)`},
		{&done.Removed, `DELETE FROM related WHERE article_id NOT IN (SELECT id FROM articles)`},
		{&done.Removed, `DELETE FROM related_queue WHERE article_id NOT IN (SELECT id FROM articles)`},
	})
}

// repairStories lists every story again by its newest article, where it
// was listed behind it.
func repairStories(ctx context.Context, tx *sql.Tx, done *herald.Repaired) error {
	return execCounting(ctx, tx, []counted{{&done.Updated, `
		UPDATE stories SET latest_at = a.newest
		FROM (SELECT story_id, max(published_at) AS newest FROM articles
			WHERE story_id IS NOT NULL GROUP BY story_id) a
		WHERE a.story_id = stories.id AND stories.merged_into IS NULL AND stories.latest_at < a.newest`}})
}

// counted is a statement whose rows affected add to n.
type counted struct {
	n     *int64
	query string
}

func execCounting(ctx context.Context, tx *sql.Tx, list []counted) error {
	for _, c := range list {
		res, err := tx.ExecContext(ctx, c.query)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		*c.n += n
	}
	return nil
}

// isCorrupt reports whether err is SQLite finding a damaged file or index.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_CORRUPT || code == sqlite3.SQLITE_NOTADB
}
