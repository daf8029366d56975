package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql's "pgx" driver, for the checks
	_ "modernc.org/sqlite"             // database/sql's "sqlite" driver, the one herald uses
)

// store is the database one set of trials runs on.
type store struct {
	kind  string // "sqlite" or "postgres"
	dsn   string // as given to herald --db
	admin string // PostgreSQL: the DSN the scratch database was made from
	name  string // PostgreSQL: the scratch database
	// amchecked is how many indexes amcheck checked last time, -1 when
	// the extension could not be created.
	amchecked int
}

// newStore names a new SQLite file in dir, or creates a scratch
// PostgreSQL database beside the one admin names.
func newStore(ctx context.Context, kind, dir, admin string) (*store, error) {
	if kind == "sqlite" {
		return &store{kind: kind, dsn: filepath.Join(dir, "herald.db")}, nil
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, errors.New("-postgres is not a URL") // its message may quote a password
	}
	var b [6]byte
	rand.Read(b[:])
	st := &store{kind: kind, admin: admin, name: "herald_crash_" + hex.EncodeToString(b[:])}
	if err := adminExec(ctx, admin, `CREATE DATABASE `+pgx.Identifier{st.name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create the scratch database: %w", err)
	}
	u.Path = "/" + st.name
	st.dsn = u.String()
	return st, nil
}

// drop drops the scratch PostgreSQL database; SQLite's file goes with
// the temporary folder.
func (st *store) drop(ctx context.Context) error {
	if st.kind != "postgres" {
		return nil
	}
	if err := adminExec(ctx, st.admin, `DROP DATABASE IF EXISTS `+pgx.Identifier{st.name}.Sanitize()+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop the scratch database %s: %w", st.name, err)
	}
	return nil
}

func adminExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// open opens the store for the checks, while no herald runs on it.
func (st *store) open() (*sql.DB, error) {
	if st.kind == "postgres" {
		return sql.Open("pgx", st.dsn)
	}
	db, err := sql.Open("sqlite", "file:"+st.dsn+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// count returns the result of a query for one number.
func count(ctx context.Context, db *sql.DB, query string) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, query).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", oneLine(query), err)
	}
	return n, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// consistency are queries that count rows breaking a rule the store must
// keep whatever the moment herald was killed, on both databases. The
// schema's constraints should make most of them 0 by themselves: they
// check that the constraints held.
var consistency = []struct{ rule, query string }{
	{"no two articles share a URL",
		`SELECT count(*) FROM (SELECT original_url FROM articles GROUP BY original_url HAVING count(*) > 1) d`},
	{"no two articles share a slug",
		`SELECT count(*) FROM (SELECT slug FROM articles GROUP BY slug HAVING count(*) > 1) d`},
	{"every article's outlet exists",
		`SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = a.source_id)`},
	{"no article is stored half written (empty title, text or HTML)",
		`SELECT count(*) FROM articles WHERE title = '' OR text = '' OR html = '' OR lead = ''`},
	{"every article's story exists",
		`SELECT count(*) FROM articles a WHERE a.story_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id)`},
	{"every story's size counts its articles (bench/gen writes no copies, and no editor acts)",
		`SELECT count(*) FROM stories s WHERE s.merged_into IS NULL AND s.size <> (SELECT count(*) FROM articles a WHERE a.story_id = s.id)`},
	{"every story is as late as its latest article",
		`SELECT count(*) FROM stories s WHERE s.latest_at < (SELECT max(a.published_at) FROM articles a WHERE a.story_id = s.id)`},
	{"every story's lead article exists",
		`SELECT count(*) FROM stories s WHERE s.lead_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.lead_id)`},
	{"related lists name existing articles",
		`SELECT count(*) FROM related r WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.article_id)
			OR NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.related_id)`},
	{"no related list is half written (its positions run from 0 without a gap)",
		`SELECT count(*) FROM (SELECT article_id FROM related GROUP BY article_id HAVING min(position) <> 0 OR max(position) + 1 <> count(*)) d`},
	{"the related queue names existing articles",
		`SELECT count(*) FROM related_queue q WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = q.article_id)`},
	{"story_index names existing stories",
		`SELECT count(*) FROM story_index i WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = i.story_id)`},
	{"every comment's article exists",
		`SELECT count(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = c.article_id)`},
	{"every reply's parent exists, on the same article",
		`SELECT count(*) FROM comments c WHERE c.parent_id IS NOT NULL AND NOT EXISTS
			(SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.article_id = c.article_id)`},
}

// sqliteSearch and postgresSearch count articles without their search
// entry, or entries without their article.
const (
	sqliteSearch = `SELECT
		(SELECT count(*) FROM articles WHERE id NOT IN (SELECT rowid FROM article_search)) +
		(SELECT count(*) FROM article_search WHERE rowid NOT IN (SELECT id FROM articles))`
	postgresSearch = `SELECT count(*) FROM articles a LEFT JOIN article_search s ON s.id = a.id
		WHERE s.id IS NULL OR s.shown <> (a.duplicate_of IS NULL) OR s.title <> a.title OR s.source_id <> a.source_id`
)

// checkStore runs the database's own integrity checks and the
// consistency queries, and returns what broke: one line for each.
func checkStore(ctx context.Context, st *store, db *sql.DB) ([]string, error) {
	var broken []string
	if st.kind == "sqlite" {
		b, err := sqliteIntegrity(ctx, db)
		if err != nil {
			return nil, err
		}
		broken = append(broken, b...)
	} else {
		b, err := postgresIntegrity(ctx, st, db)
		if err != nil {
			return nil, err
		}
		broken = append(broken, b...)
	}
	search := sqliteSearch
	if st.kind == "postgres" {
		search = postgresSearch
	}
	rules := append(consistency[:len(consistency):len(consistency)],
		struct{ rule, query string }{"every article has its search entry, and every entry its article", search})
	for _, c := range rules {
		n, err := count(ctx, db, c.query)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			broken = append(broken, fmt.Sprintf("%s: %d rows break it", c.rule, n))
		}
	}
	return broken, nil
}

// sqliteIntegrity runs PRAGMA integrity_check, PRAGMA foreign_key_check
// and FTS5's integrity-check of the search index (migration 0006).
func sqliteIntegrity(ctx context.Context, db *sql.DB) ([]string, error) {
	var broken []string
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("integrity_check: %w", err)
	}
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		lines = append(lines, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("integrity_check: %w", err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		broken = append(broken, "PRAGMA integrity_check: "+strings.Join(lines, "; "))
	}
	n, err := count(ctx, db, `SELECT count(*) FROM pragma_foreign_key_check`)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		broken = append(broken, fmt.Sprintf("PRAGMA foreign_key_check: %d rows", n))
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO article_search (article_search) VALUES ('integrity-check')`); err != nil {
		broken = append(broken, "FTS5 integrity-check of article_search: "+err.Error())
	}
	return broken, nil
}

// postgresIntegrity checks every B-tree index of the scratch database
// against its table with amcheck (bt_index_check with heapallindexed),
// when the extension can be created; PostgreSQL has no check of a GIN
// index before version 18, and the consistency queries cover the rest.
func postgresIntegrity(ctx context.Context, st *store, db *sql.DB) ([]string, error) {
	if _, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS amcheck`); err != nil {
		st.amchecked = -1 // amcheck is optional: contrib may not be installed
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `
		SELECT c.oid::bigint, c.relname FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_am am ON am.oid = c.relam
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE am.amname = 'btree' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
		ORDER BY c.relname`)
	if err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	type index struct {
		oid  int64
		name string
	}
	var list []index
	for rows.Next() {
		var i index
		if err := rows.Scan(&i.oid, &i.name); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, i)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	var broken []string
	for _, i := range list {
		if _, err := db.ExecContext(ctx, `SELECT bt_index_check($1::oid::regclass, true)`, i.oid); err != nil {
			broken = append(broken, fmt.Sprintf("amcheck of index %s: %v", i.name, err))
		}
	}
	st.amchecked = len(list)
	return broken, nil
}
