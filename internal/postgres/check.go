package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/store"
	"github.com/jackc/pgx/v5"
)

var _ herald.CheckService = (*DB)(nil)

// The checks of the database itself, run before Herald's invariants.
const (
	checkIndexes     = "indexes"
	checkConstraints = "constraints"
)

// invariant is one of Herald's invariants as a query whose rows, one text
// column each, name the rows that break it.
type invariant struct {
	name   string
	repair herald.RepairKind
	query  string
}

// invariants are Herald's own, the same as internal/sqlite's (see there
// why a story's latest_at is the only count checked). PostgreSQL always
// enforces its foreign keys, unless someone turned them off
// (session_replication_role) or left one NOT VALID, which checkConstraints
// finds; the references are checked by name all the same, cheaply, through
// the indexes that serve the cascades. The search table repeats columns of
// its article, which must follow it.
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
		WHERE c.story_id <> s.story_id`},
	{herald.CheckStoryLatest, herald.RepairStories, `
		SELECT 'story ' || s.id || ' is listed at ' || s.latest_at || ', its newest article at ' || a.newest
		FROM stories s JOIN (SELECT story_id, max(published_at) AS newest FROM articles
			WHERE story_id IS NOT NULL GROUP BY story_id) a ON a.story_id = s.id
		WHERE s.merged_into IS NULL AND s.latest_at < a.newest`},
	{herald.CheckSearch, herald.RepairSearch, `
		SELECT 'article ' || a.id || ' is not in the search index' FROM articles a
		WHERE NOT EXISTS (SELECT 1 FROM article_search s WHERE s.id = a.id)
		UNION ALL
		SELECT 'search row ' || s.id || ' names no article' FROM article_search s
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.id)
		UNION ALL
		SELECT 'search row ' || s.id || ' is out of date' FROM article_search s JOIN articles a ON a.id = s.id
		WHERE ` + searchStale},
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
		WHERE EXISTS (SELECT 1 FROM articles a WHERE a.slug = t.slug OR a.id = t.article_id)`},
}

// searchStale holds for a search row s whose article a has changed what
// the row repeats of it.
const searchStale = `(s.shown <> (a.duplicate_of IS NULL) OR s.source_id <> a.source_id
	OR s.published_at <> a.published_at OR s.title <> a.title)`

// Check implements herald.CheckService. The invariants read one snapshot,
// so that a write between two of them cannot look like damage; each runs
// under a savepoint, so that one that fails leaves the others to run.
func (db *DB) Check(ctx context.Context) (*herald.CheckReport, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	defer tx.Rollback(ctx)
	r := &herald.CheckReport{}
	r.Results = append(r.Results, indexCheck(ctx, tx), runQuery(ctx, tx, checkConstraints, "", `
		SELECT 'constraint ' || c.conname || ' of ' || c.conrelid::regclass || ' is not validated'
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = current_schema() AND NOT c.convalidated`))
	for _, inv := range invariants {
		r.Results = append(r.Results, runQuery(ctx, tx, inv.name, inv.repair, inv.query))
	}
	r.Results = append(r.Results, auditCheck(ctx, tx))
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	return r, nil
}

// runQuery runs one check's query under a savepoint; each row it returns
// is a problem.
func runQuery(ctx context.Context, tx pgx.Tx, name string, repair herald.RepairKind, query string) *herald.CheckResult {
	res := &herald.CheckResult{Name: name, Repair: repair}
	res.Failed = failure(underSavepoint(ctx, tx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var problem string
			if err := rows.Scan(&problem); err != nil {
				return err
			}
			res.Add(problem)
		}
		return rows.Err()
	}))
	return res
}

// underSavepoint runs f in a savepoint of tx, rolled back after: f only
// reads, and an error in it leaves tx usable.
func underSavepoint(ctx context.Context, tx pgx.Tx, f func(pgx.Tx) error) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	defer sp.Rollback(ctx)
	return f(sp)
}

// failure is why a check could not run, "" when it did.
func failure(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// indexCheck finds the indexes PostgreSQL does not use because building
// them failed (a CREATE INDEX CONCURRENTLY that stopped) and, when the
// amcheck extension is installed, checks each B-tree's structure with
// bt_index_check, which takes only the lock a read takes. Herald never
// installs amcheck itself: it needs rights an operator grants.
func indexCheck(ctx context.Context, tx pgx.Tx) *herald.CheckResult {
	res := runQuery(ctx, tx, checkIndexes, "", `
		SELECT 'index ' || c.relname || ' is not valid'
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)`)
	if res.Failed != "" {
		return res
	}
	var schema string
	err := tx.QueryRow(ctx, `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'amcheck'`).Scan(&schema)
	if errors.Is(err, pgx.ErrNoRows) {
		return res
	}
	if err != nil {
		res.Failed = err.Error()
		return res
	}
	res.Failed = failure(btreeCheck(ctx, tx, pgx.Identifier{schema, "bt_index_check"}.Sanitize(), res))
	return res
}

// btreeCheck runs amcheck's function fn on each valid B-tree index of the
// schema, adding to res the indexes it finds damaged.
func btreeCheck(ctx context.Context, tx pgx.Tx, fn string, res *herald.CheckResult) error {
	rows, err := tx.Query(ctx, `
		SELECT c.oid, c.relname
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam
		WHERE n.nspname = current_schema() AND am.amname = 'btree' AND i.indisvalid`)
	if err != nil {
		return err
	}
	type index struct {
		OID  uint32
		Name string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[index])
	if err != nil {
		return err
	}
	for _, ix := range list {
		err := underSavepoint(ctx, tx, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT `+fn+`($1::oid::regclass)`, ix.OID)
			return err
		})
		if err != nil {
			res.Add(fmt.Sprintf("index %s: %v", ix.Name, err))
		}
	}
	return nil
}

// auditCheck reads the whole log: what an entry must hold is the Go rule
// of herald.AuditEntry, and PostgreSQL 15 has no test for JSON in text
// short of failing on the first bad value.
func auditCheck(ctx context.Context, tx pgx.Tx) *herald.CheckResult {
	res := &herald.CheckResult{Name: herald.CheckAuditLog}
	res.Failed = failure(underSavepoint(ctx, tx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, actor, action, before, after FROM audit_log ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e herald.AuditEntry
			if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Before, &e.After); err != nil {
				return err
			}
			if p := store.AuditProblem(&e); p != "" {
				res.Add(p)
			}
		}
		return rows.Err()
	}))
	return res
}

// Repair implements herald.CheckService, in one transaction.
func (db *DB) Repair(ctx context.Context, kind herald.RepairKind) (*herald.Repaired, error) {
	var repair func(context.Context, pgx.Tx, *herald.Repaired) error
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
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := repair(ctx, tx, done); err != nil {
			return err
		}
		if !done.Changed() {
			return nil
		}
		// Pages cached in any process show what the repair changed.
		return recordChange(ctx, tx, "repair", 0, micro(db.Now()))
	})
	if err != nil {
		return nil, fmt.Errorf("repair %s: %w", kind, err)
	}
	return done, nil
}

// reindexBatch is how many articles repairSearch reads at once.
const reindexBatch = 500

// repairSearch removes the search rows of missing articles, and writes
// again the rows missing or out of date.
func repairSearch(ctx context.Context, tx pgx.Tx, done *herald.Repaired) error {
	tag, err := tx.Exec(ctx, `DELETE FROM article_search s WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.id)`)
	if err != nil {
		return fmt.Errorf("remove search rows: %w", err)
	}
	done.Removed += tag.RowsAffected()
	for after := int64(0); ; {
		rows, err := tx.Query(ctx, `
			SELECT a.id, a.duplicate_of IS NULL, a.source_id, a.published_at, a.title, a.text
			FROM articles a LEFT JOIN article_search s ON s.id = a.id
			WHERE a.id > $1 AND (s.id IS NULL OR `+searchStale+`)
			ORDER BY a.id LIMIT $2`, after, reindexBatch)
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[searchRow])
		if err != nil || len(list) == 0 {
			return err
		}
		if err := writeSearchRows(ctx, tx, list, done); err != nil {
			return err
		}
		after = list[len(list)-1].ID
	}
}

// searchRow is what article_search holds of an article, and its text.
type searchRow struct {
	ID        int64
	Shown     bool
	SourceID  int64
	Published time.Time
	Title     string
	Text      string
}

// writeSearchRows writes each row, counting new ones as added and the
// others as updated.
func writeSearchRows(ctx context.Context, tx pgx.Tx, list []searchRow, done *herald.Repaired) error {
	b := &batch{}
	for _, r := range list {
		b.queryRow("index article", `
			INSERT INTO article_search (id, shown, source_id, published_at, title, search)
			VALUES ($1, $2, $3, $4, $5, setweight(to_tsvector('simple', $6), 'A') || setweight(to_tsvector('simple', $7), 'B'))
			ON CONFLICT (id) DO UPDATE SET shown = excluded.shown, source_id = excluded.source_id,
				published_at = excluded.published_at, title = excluded.title, search = excluded.search
			RETURNING xmax = 0`, func(row pgx.Row) error {
			var inserted bool
			if err := row.Scan(&inserted); err != nil {
				return err
			}
			if inserted {
				done.Added++
			} else {
				done.Updated++
			}
			return nil
		}, r.ID, r.Shown, r.SourceID, r.Published, r.Title, search.IndexText(r.Title), search.IndexText(r.Text))
	}
	return b.send(ctx, tx)
}

// repairRelated drops the related lists that name a missing article and
// queues their articles, when shown, for the related worker to compute
// again; rows and queue entries of missing articles go.
func repairRelated(ctx context.Context, tx pgx.Tx, done *herald.Repaired) error {
	const broken = `SELECT DISTINCT r.article_id FROM related r
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.related_id)`
	return execCounting(ctx, tx, []counted{
		{&done.Added, `INSERT INTO related_queue (article_id)
			SELECT id FROM articles WHERE duplicate_of IS NULL AND id IN (` + broken + `)
			ON CONFLICT (article_id) DO UPDATE SET claimed_until = '-infinity'`},
		{&done.Removed, `DELETE FROM related WHERE article_id IN (` + broken + `)`},
		{&done.Removed, `DELETE FROM related r WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.article_id)`},
		{&done.Removed, `DELETE FROM related_queue q WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = q.article_id)`},
	})
}

// repairStories lists every story again by its newest article, where it
// was listed behind it.
func repairStories(ctx context.Context, tx pgx.Tx, done *herald.Repaired) error {
	return execCounting(ctx, tx, []counted{{&done.Updated, `
		UPDATE stories s SET latest_at = a.newest
		FROM (SELECT story_id, max(published_at) AS newest FROM articles
			WHERE story_id IS NOT NULL GROUP BY story_id) a
		WHERE a.story_id = s.id AND s.merged_into IS NULL AND s.latest_at < a.newest`}})
}

// counted is a statement whose rows affected add to n.
type counted struct {
	n     *int64
	query string
}

func execCounting(ctx context.Context, tx pgx.Tx, list []counted) error {
	for _, c := range list {
		tag, err := tx.Exec(ctx, c.query)
		if err != nil {
			return err
		}
		*c.n += tag.RowsAffected()
	}
	return nil
}
