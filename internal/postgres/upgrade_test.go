package postgres_test

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/jackc/pgx/v5"
)

// upgradeRows are the rows of the upgrade fixture (see storetest's
// upgrade.go) in PostgreSQL, written right after the migration that made
// their tables. Identity columns number the rows from 1 in a new schema,
// as the SQLite fixture numbers them by hand. Each new migration that
// makes a table adds its rows here.
var upgradeRows = map[string]string{
	"0001_articles.sql": `
		INSERT INTO sources (slug, name, homepage, created_at)
			VALUES ('harbour-gazette', 'Harbour Gazette', 'https://harbour.example/', '2026-03-01T12:00:00Z');
		INSERT INTO articles (slug, original_url, source_id, title, byline, published_at, html, text, lead, lang, licence, created_at) VALUES
			('quay-wall-holds', 'https://harbour.example/quay', 1, 'Quay wall holds', 'By Ann Reed', '2026-03-01T12:00:00Z',
				'<p>The quay wall held through the storm.</p>', 'The quay wall held through the storm.',
				'The quay wall held through the storm.', 'en', 'full', '2026-03-01T12:00:00Z'),
			('quay-wall-holds-wire', 'https://wire.example/quay', 1, 'Quay wall holds', '', '2026-03-01T12:01:00Z',
				'<p>The quay wall held through the storm.</p>', 'The quay wall held through the storm.',
				'The quay wall held through the storm.', 'en', 'excerpt', '2026-03-01T12:01:00Z'),
			('ferry-resumes', 'https://harbour.example/ferry', 1, 'Ferry resumes', '', '2026-03-01T12:02:00Z',
				'<p>The ferry to Kestrel resumed on Monday.</p>', 'The ferry to Kestrel resumed on Monday.',
				'The ferry to Kestrel resumed on Monday.', 'en', 'full', '2026-03-01T12:02:00Z');
		INSERT INTO changes (kind, ref, at) VALUES ('article', 1, '2026-03-01T12:00:00Z')`,
	"0002_followed_sources.sql": `
		INSERT INTO sources (slug, name, homepage, created_at, kind, licence, fulltext, status, next_check_at, feed_url)
			VALUES ('kestrel-times', 'Kestrel Times', 'https://kestrel.example/', '2026-03-01T12:00:00Z',
				'feed', 'excerpt', 'auto', 'ok', '2026-03-01T12:00:00Z', 'https://kestrel.example/feed.xml');
		INSERT INTO source_items (source_id, item_key, article_id, seen_at) VALUES (2, 'kestrel-1', 3, '2026-03-01T12:00:00Z')`,
	"0003_copies.sql": `
		UPDATE articles SET text_hash = 42 WHERE id = 1;
		UPDATE articles SET text_hash = 42, duplicate_of = 1 WHERE id = 2;
		INSERT INTO article_bands (band, article_id) VALUES (7, 1)`,
	"0004_stories.sql": `
		INSERT INTO stories (centroid, size, first_at, last_at, latest_at, lead_id, created_at)
			VALUES ('\x01', 1, '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z', '2026-03-01T12:01:00Z', 1, '2026-03-01T12:00:00Z');
		UPDATE articles SET story_id = 1 WHERE id IN (1, 2);
		INSERT INTO story_index (term, story_id) VALUES ('quay', 1);
		INSERT INTO story_terms (term, df) VALUES ('quay', 1);
		UPDATE story_docs SET docs = 1`,
	"0005_comments.sql": `
		INSERT INTO users (email, role, password_hash, created_at)
			VALUES ('editor@harbour.example', 'editor', 'not-a-real-hash', '2026-03-01T12:00:00Z');
		INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
			VALUES ('session-hash', 1, '2026-03-01T12:00:00Z', '2026-03-08T12:00:00Z');
		INSERT INTO secrets (name, value) VALUES ('upgrade', '\x0102');
		INSERT INTO comments (article_id, author_name, author_email, text, status, created_at)
			VALUES (1, 'Sam', 'sam@example.org', 'Glad the wall held.', 'approved', '2026-03-01T12:00:00Z');
		INSERT INTO comment_actions (comment_id, user_id, action, at) VALUES (1, 1, 'approve', '2026-03-01T12:00:00Z');
		INSERT INTO classifier_docs (class, docs) VALUES ('ham', 1);
		INSERT INTO classifier_tokens (token, ham, spam) VALUES ('wall', 1, 0)`,
	"0005_comments_closing.sql": `
		INSERT INTO comment_closing (article_id, closes_at) VALUES (1, '2026-03-01T13:00:00Z')`,
	"0006_search.sql": `
		INSERT INTO related (article_id, position, related_id, score) VALUES (1, 0, 3, 0.5)`,
	"0007_topics.sql": `
		INSERT INTO topics (slug, name, rules, tagged_through, created_at, updated_at)
			VALUES ('harbour', 'Harbour', '{"match":["harbour"]}', 3, '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z');
		INSERT INTO article_topics (topic_id, article_id, published_at) VALUES (1, 1, '2026-03-01T12:00:00Z');
		INSERT INTO digest_points (topic_id, development, article_id, sentence, published_at)
			VALUES (1, 'article:1', 1, 'The quay wall held.', '2026-03-01T12:00:00Z')`,
	"0017_media.sql": `
		INSERT INTO media (hash, width, height, content_type, original_bytes, created_at)
			VALUES ('` + storetest.UpgradeHash + `', 800, 600, 'image/jpeg', 1000, '2026-03-01T12:00:00Z');
		INSERT INTO media_variants (hash, card, width, height, content_type, data)
			VALUES ('` + storetest.UpgradeHash + `', false, 400, 300, 'image/jpeg', '\xffd8ff');
		INSERT INTO images (source_url, status, hash, created_at)
			VALUES ('https://img.example/quay.jpg', 'stored', '` + storetest.UpgradeHash + `', '2026-03-01T12:00:00Z');
		INSERT INTO article_images (article_id, position, role, image_id, alt, caption, credit)
			VALUES (1, 0, 'lead', 1, 'The quay', 'The quay at dawn', 'Ann Reed')`,
	"0019_desk.sql": `
		INSERT INTO audit_log (at, actor, action, subject, before, after)
			VALUES ('2026-03-01T12:00:00Z', 'editor@harbour.example', 'source.add', 'kestrel-times', '', '{"name":"Kestrel Times"}');
		INSERT INTO invitations (token_hash, email, role, invited_by, expires_at, created_at)
			VALUES ('invitation-hash', 'new@harbour.example', 'moderator', 'editor@harbour.example', '2100-01-01T00:00:00Z', '2026-03-01T12:00:00Z');
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot)
			VALUES ('old-story', 99, 'Old story', 'Harbour Gazette', 'taken_down', 'Legal request.', '2026-03-01T12:00:00Z', '{}')`,
	"0020_article_originals.sql": `
		INSERT INTO article_originals (article_id, title, lead, edited_at) VALUES (3, 'Ferry back', 'The ferry is back.', '2026-03-01T12:00:00Z')`,
	"0022_revisions.sql": fmt.Sprintf(`
		INSERT INTO article_revisions (article_id, n, at, title, byline, body)
			VALUES (3, 1, '2026-03-01T12:00:00Z', 'Ferry stops', '', '\x%x');
		UPDATE articles SET revisions = 2, updated_at = '2026-03-01T12:02:00Z' WHERE id = 3;
		INSERT INTO article_rechecks (article_id, step, due_at, page_hash) VALUES (3, 1, '2026-03-01T12:00:00Z', 'abc')`,
		storetest.UpgradeOldBody()),
	"0023_corrections.sql": `
		INSERT INTO corrections (article_id, text, found_at) VALUES (3, 'Correction: the ferry runs on Mondays.', '2026-03-01T12:00:00Z')`,
	"0024_source_takedowns.sql": `
		INSERT INTO sources (slug, name, homepage, created_at, kind, licence, fulltext, status, next_check_at, feed_url,
				paused_at, taken_down_at, takedown_reason)
			VALUES ('osprey-post', 'Osprey Post', 'https://osprey.example/', '2026-03-01T12:00:00Z',
				'feed', 'full', 'auto', 'ok', '2026-03-01T12:00:00Z', 'https://osprey.example/feed.xml',
				'2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z', 'The licence ended.');
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot, source_id)
			VALUES ('osprey-story', 98, 'Osprey story', 'Osprey Post', 'taken_down', 'The licence ended.', '2026-03-01T12:00:00Z', '{}',
				(SELECT id FROM sources WHERE slug = 'osprey-post'));
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot, purged_at)
			VALUES ('purged-story', 97, 'Purged story', 'Harbour Gazette', 'withdrawn', 'Withdrawn.', '2026-03-01T12:00:00Z', NULL, '2026-03-01T12:00:00Z');
		UPDATE source_items SET updated_at = '2026-03-01T12:00:00Z' WHERE item_key = 'kestrel-1'`,
}

// migrationNames lists every migration's path, in the order Open applies
// them.
func migrationNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(postgres.Migrations(), "migration/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

// buildUpgradeFixture makes the fixture in the schema of dsn from the
// migrations named: each applied by Open (which applies only those it is
// given), then its rows written.
func buildUpgradeFixture(t *testing.T, dsn string, names []string) {
	t.Helper()
	ctx := context.Background()
	prefix := fstest.MapFS{}
	for _, name := range names {
		body, err := fs.ReadFile(postgres.Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		prefix[name] = &fstest.MapFile{Data: body}
		postgres.SetMigrations(t, prefix)
		mustOpen(t, dsn).Close()
		rows, ok := upgradeRows[path.Base(name)]
		if !ok {
			continue
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.Exec(ctx, rows)
		conn.Close(ctx)
		if err != nil {
			t.Fatalf("rows of %s: %v", name, err)
		}
	}
	postgres.SetMigrations(t, postgres.Migrations())
}

// TestUpgradeKeepsEveryRow builds the upgrade fixture from the first
// migration only, and from all but the newest, opens it with every
// migration Herald has, and finds every row through the API.
func TestUpgradeKeepsEveryRow(t *testing.T) {
	names := migrationNames(t)
	for _, n := range []int{1, len(names) - 1, len(names)} {
		t.Run("From"+strings.TrimSuffix(path.Base(names[n-1]), ".sql"), func(t *testing.T) {
			dsn, _ := MustCreateSchema(t)
			buildUpgradeFixture(t, dsn, names[:n])
			db := mustOpen(t, dsn)
			storetest.CheckUpgraded(t, db, names[:n])
			if r, err := db.Check(context.Background()); err != nil || !r.OK() {
				t.Errorf("Check of the upgraded fixture = %v, %v", r, err)
			}
		})
	}
}

// TestFailedMigrationChangesNothing adds a migration that fails halfway:
// Open says which one and why, and the schema is as it was.
func TestFailedMigrationChangesNothing(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	names := migrationNames(t)
	buildUpgradeFixture(t, dsn, names)

	broken := fstest.MapFS{"migration/9999_broken.sql": &fstest.MapFile{Data: []byte(`
		CREATE TABLE half_done (id bigint PRIMARY KEY);
		UPDATE articles SET title = 'changed';
		INSERT INTO no_such_table VALUES (1);`)}}
	for _, name := range names {
		body, err := fs.ReadFile(postgres.Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		broken[name] = &fstest.MapFile{Data: body}
	}
	postgres.SetMigrations(t, broken)
	db, err := postgres.Open(ctx, dsn)
	if err == nil {
		db.Close()
		t.Fatal("Open applied a broken migration")
	}
	if msg := err.Error(); !strings.Contains(msg, "9999_broken.sql") || !strings.Contains(msg, "no_such_table") {
		t.Errorf("Open = %q; want the migration named, and why it failed", msg)
	}

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables, recorded int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'half_done'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name LIKE '%9999%'`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || recorded != 0 {
		t.Errorf("after the failure: %d half_done tables, %d records of the migration; want none", tables, recorded)
	}

	postgres.SetMigrations(t, postgres.Migrations())
	storetest.CheckUpgraded(t, mustOpen(t, dsn), names)
}
