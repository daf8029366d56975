package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/jackc/pgx/v5"
)

// ExplainWalkStep returns the plan PostgreSQL makes, in a walk's
// transaction, for the step of a search for q over the block of size ids
// that ends at top.
func (db *DB) ExplainWalkStep(ctx context.Context, q herald.Query, top, size int64) (string, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx)
	if err := planWalks(ctx, tx); err != nil {
		return "", err
	}
	w := walk{tx: tx, passes: `true`}
	w.match = walkQuery(q, &w.args)
	sql, params := w.stepQuery(top, size, herald.SearchWindow)
	rows, err := tx.Query(ctx, `EXPLAIN `+sql, params...)
	if err != nil {
		return "", err
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return strings.Join(lines, "\n"), err
}

// damages are the storetest.Damager kinds as SQL on this store.
var damages = map[string]string{
	"copy of":        `UPDATE articles SET duplicate_of = $2 WHERE id = $1`,
	"story":          `UPDATE articles SET story_id = $2 WHERE id = $1`,
	"story behind":   `UPDATE stories SET latest_at = '1970-01-01Z' WHERE id = $1`,
	"unindexed":      `DELETE FROM article_search WHERE id = $1`,
	"search orphan":  `INSERT INTO article_search (id, shown, source_id, published_at, title, search) VALUES (999999, true, 1, now(), 'ghost', '')`,
	"related ghost":  `INSERT INTO related (article_id, position, related_id, score) VALUES ($1, 5, 999999, 0.5)`,
	"topic ghost":    `INSERT INTO article_topics (topic_id, article_id, published_at) VALUES ($1, 999999, now())`,
	"digest ghost":   `INSERT INTO digest_points (topic_id, development, article_id, sentence, published_at) VALUES ($1, 'ghost', 999999, 'A ghost.', now())`,
	"picture ghost":  `INSERT INTO article_images (article_id, position, role, image_id) VALUES ($1, 9, 'body', 999999)`,
	"audit not json": `INSERT INTO audit_log (at, actor, action, before) VALUES (now(), 'system', 'source.add', '{not json')`,
	"takedown alive": `INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot)
		SELECT slug, id, title, 'Outlet', 'withdrawn', 'A ghost.', now(), '{}' FROM articles WHERE id = $1`,
	"search stale": `UPDATE article_search SET title = 'stale', shown = NOT shown WHERE id = $1`,
}

// Damage implements storetest.Damager with foreign keys off: replication
// replica sessions fire no triggers, those of foreign keys included
// (which takes a superuser, as the tests' server user is).
func (db *DB) Damage(ctx context.Context, kind string, ids ...int64) error {
	query, ok := damages[kind]
	if !ok {
		return fmt.Errorf("no damage %q", kind)
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
}

// SetMigrations makes Open apply the migrations of fsys, in files named
// migration/*.sql, until the test ends.
func SetMigrations(tb testing.TB, fsys fs.FS) {
	migrations = fsys
	tb.Cleanup(func() { migrations = migrationFS })
}

// Migrations is every migration Herald has, by its path in Migrations.
func Migrations() fs.FS { return migrationFS }
