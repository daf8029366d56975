package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"testing"
)

// damages are the storetest.Damager kinds as SQL on this store.
var damages = map[string]string{
	"copy of":        `UPDATE articles SET duplicate_of = ?2 WHERE id = ?1`,
	"story":          `UPDATE articles SET story_id = ?2 WHERE id = ?1`,
	"story behind":   `UPDATE stories SET latest_at = 0 WHERE id = ?1`,
	"unindexed":      `DELETE FROM article_search WHERE rowid = ?1`,
	"search orphan":  `INSERT INTO article_search (rowid, title, body) VALUES (999999, 'ghost', 'ghost')`,
	"related ghost":  `INSERT INTO related (article_id, position, related_id, score) VALUES (?1, 5, 999999, 0.5)`,
	"topic ghost":    `INSERT INTO article_topics (topic_id, article_id, published_at) VALUES (?1, 999999, 0)`,
	"digest ghost":   `INSERT INTO digest_points (topic_id, development, article_id, sentence, published_at) VALUES (?1, 'ghost', 999999, 'A ghost.', 0)`,
	"picture ghost":  `INSERT INTO article_images (article_id, position, role, image_id) VALUES (?1, 9, 'body', 999999)`,
	"audit not json": `INSERT INTO audit_log (at, actor, action, before) VALUES (0, 'system', 'source.add', '{not json')`,
	"takedown alive": `INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot)
		SELECT slug, id, title, 'Outlet', 'withdrawn', 'A ghost.', 0, '{}' FROM articles WHERE id = ?1`,
	// The index's first leaf is overwritten; its structure record stays.
	"search index": `UPDATE article_search_data SET block = x'0000000102' WHERE id > 10`,
}

// Damage implements storetest.Damager, on the writer with foreign keys
// off, as a file written by another tool could be.
func (db *DB) Damage(ctx context.Context, kind string, ids ...int64) error {
	query, ok := damages[kind]
	if !ok {
		return fmt.Errorf("no damage %q", kind)
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return db.Exec(ctx, query, args...)
}

// Exec runs query on the writer with foreign keys off.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	_, err = conn.ExecContext(ctx, query, args...)
	return err
}

// SetMigrations makes Open apply the migrations of fsys, in files named
// migration/*.sql, until the test ends.
func SetMigrations(tb testing.TB, fsys fs.FS) {
	migrations = fsys
	tb.Cleanup(func() { migrations = migrationFS })
}

// Migrations is every migration Herald has, by its path in Migrations.
func Migrations() fs.FS { return migrationFS }
