package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// upgradeRows are the rows of the upgrade fixture (see storetest's
// upgrade.go), written right after the migration that made their tables,
// in the SQL of that time. Times are storetest.UpgradeTime and later, in
// nanoseconds; the invitation expires in 2100, so that it is still open
// whenever the test runs. Each new migration that makes a table adds its
// rows here.
var upgradeRows = map[string]string{
	"0001_articles.sql": `
		INSERT INTO sources (id, slug, name, homepage, created_at)
			VALUES (1, 'harbour-gazette', 'Harbour Gazette', 'https://harbour.example/', 1772366400000000000);
		INSERT INTO articles (id, slug, original_url, source_id, title, byline, published_at, html, text, lead, lang, licence, created_at) VALUES
			(1, 'quay-wall-holds', 'https://harbour.example/quay', 1, 'Quay wall holds', 'By Ann Reed', 1772366400000000000,
				'<p>The quay wall held through the storm.</p>', 'The quay wall held through the storm.',
				'The quay wall held through the storm.', 'en', 'full', 1772366400000000000),
			(2, 'quay-wall-holds-wire', 'https://wire.example/quay', 1, 'Quay wall holds', '', 1772366460000000000,
				'<p>The quay wall held through the storm.</p>', 'The quay wall held through the storm.',
				'The quay wall held through the storm.', 'en', 'excerpt', 1772366460000000000),
			(3, 'ferry-resumes', 'https://harbour.example/ferry', 1, 'Ferry resumes', '', 1772366520000000000,
				'<p>The ferry to Kestrel resumed on Monday.</p>', 'The ferry to Kestrel resumed on Monday.',
				'The ferry to Kestrel resumed on Monday.', 'en', 'full', 1772366520000000000);
		INSERT INTO changes (kind, ref, at) VALUES ('article', 1, 1772366400000000000)`,
	"0002_followed_sources.sql": `
		INSERT INTO sources (id, slug, name, homepage, created_at, kind, licence, fulltext, status, next_check_at, feed_url)
			VALUES (2, 'kestrel-times', 'Kestrel Times', 'https://kestrel.example/', 1772366400000000000,
				'feed', 'excerpt', 'auto', 'ok', 1772366400000000000, 'https://kestrel.example/feed.xml');
		INSERT INTO source_items (source_id, item_key, article_id, seen_at) VALUES (2, 'kestrel-1', 3, 1772366400000000000)`,
	"0003_copies.sql": `
		UPDATE articles SET text_hash = 42 WHERE id = 1;
		UPDATE articles SET text_hash = 42, duplicate_of = 1 WHERE id = 2;
		INSERT INTO article_bands (band, article_id) VALUES (7, 1)`,
	"0004_stories.sql": `
		INSERT INTO stories (id, centroid, size, first_at, last_at, latest_at, lead_id, created_at)
			VALUES (1, x'01', 1, 1772366400000000000, 1772366400000000000, 1772366460000000000, 1, 1772366400000000000);
		UPDATE articles SET story_id = 1 WHERE id IN (1, 2);
		INSERT INTO story_index (term, story_id) VALUES ('quay', 1);
		INSERT INTO story_terms (term, df) VALUES ('quay', 1);
		UPDATE story_docs SET docs = 1`,
	"0005_comments.sql": `
		INSERT INTO users (id, email, role, password_hash, created_at)
			VALUES (1, 'editor@harbour.example', 'editor', 'not-a-real-hash', 1772366400000000000);
		INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
			VALUES ('session-hash', 1, 1772366400000000000, 1772971200000000000);
		INSERT INTO secrets (name, value) VALUES ('upgrade', x'0102');
		INSERT INTO comments (id, article_id, author_name, author_email, text, status, created_at)
			VALUES (1, 1, 'Sam', 'sam@example.org', 'Glad the wall held.', 'approved', 1772366400000000000);
		INSERT INTO comment_actions (comment_id, user_id, action, at) VALUES (1, 1, 'approve', 1772366400000000000);
		INSERT INTO classifier_docs (class, docs) VALUES ('ham', 1);
		INSERT INTO classifier_tokens (token, ham, spam) VALUES ('wall', 1, 0)`,
	"0005_comments_closing.sql": `
		INSERT INTO comment_closing (article_id, closes_at) VALUES (1, 1772370000000000000)`,
	"0006_search.sql": `
		INSERT INTO related (article_id, position, related_id, score) VALUES (1, 0, 3, 0.5)`,
	"0007_topics.sql": `
		INSERT INTO topics (id, slug, name, rules, tagged_through, created_at, updated_at)
			VALUES (1, 'harbour', 'Harbour', '{"match":["harbour"]}', 3, 1772366400000000000, 1772366400000000000);
		INSERT INTO article_topics (topic_id, article_id, published_at) VALUES (1, 1, 1772366400000000000);
		INSERT INTO digest_points (topic_id, development, article_id, sentence, published_at)
			VALUES (1, 'article:1', 1, 'The quay wall held.', 1772366400000000000)`,
	"0017_media.sql": `
		INSERT INTO media (hash, width, height, content_type, original_bytes, created_at)
			VALUES ('` + storetest.UpgradeHash + `', 800, 600, 'image/jpeg', 1000, 1772366400000000000);
		INSERT INTO media_variants (hash, card, width, height, content_type, data)
			VALUES ('` + storetest.UpgradeHash + `', 0, 400, 300, 'image/jpeg', x'ffd8ff');
		INSERT INTO images (id, source_url, status, hash, created_at)
			VALUES (1, 'https://img.example/quay.jpg', 'stored', '` + storetest.UpgradeHash + `', 1772366400000000000);
		INSERT INTO article_images (article_id, position, role, image_id, alt, caption, credit)
			VALUES (1, 0, 'lead', 1, 'The quay', 'The quay at dawn', 'Ann Reed')`,
	"0019_desk.sql": `
		INSERT INTO audit_log (at, actor, action, subject, before, after)
			VALUES (1772366400000000000, 'editor@harbour.example', 'source.add', 'kestrel-times', '', '{"name":"Kestrel Times"}');
		INSERT INTO invitations (token_hash, email, role, invited_by, expires_at, created_at)
			VALUES ('invitation-hash', 'new@harbour.example', 'moderator', 'editor@harbour.example', 4102444800000000000, 1772366400000000000);
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot)
			VALUES ('old-story', 99, 'Old story', 'Harbour Gazette', 'taken_down', 'Legal request.', 1772366400000000000, '{}');
		INSERT INTO id_floors (name, id) VALUES ('articles', 99)`,
	"0020_article_originals.sql": `
		INSERT INTO article_originals (article_id, title, lead, edited_at) VALUES (3, 'Ferry back', 'The ferry is back.', 1772366400000000000)`,
	"0022_revisions.sql": fmt.Sprintf(`
		INSERT INTO article_revisions (article_id, n, at, title, byline, body)
			VALUES (3, 1, 1772366400000000000, 'Ferry stops', '', X'%x');
		UPDATE articles SET revisions = 2, updated_at = 1772366520000000000 WHERE id = 3;
		INSERT INTO article_rechecks (article_id, step, due_at, page_hash) VALUES (3, 1, 1772366400000000000, 'abc')`,
		storetest.UpgradeOldBody()),
	"0023_corrections.sql": `
		INSERT INTO corrections (article_id, text, found_at) VALUES (3, 'Correction: the ferry runs on Mondays.', 1772366400000000000)`,
	"0024_source_takedowns.sql": `
		INSERT INTO sources (id, slug, name, homepage, created_at, kind, licence, fulltext, status, next_check_at, feed_url,
				paused_at, taken_down_at, takedown_reason)
			VALUES (3, 'osprey-post', 'Osprey Post', 'https://osprey.example/', 1772366400000000000,
				'feed', 'full', 'auto', 'ok', 1772366400000000000, 'https://osprey.example/feed.xml',
				1772366400000000000, 1772366400000000000, 'The licence ended.');
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot, source_id)
			VALUES ('osprey-story', 98, 'Osprey story', 'Osprey Post', 'taken_down', 'The licence ended.', 1772366400000000000, '{}', 3);
		INSERT INTO takedowns (slug, article_id, title, source_name, status, reason, at, snapshot, purged_at)
			VALUES ('purged-story', 97, 'Purged story', 'Harbour Gazette', 'withdrawn', 'Withdrawn.', 1772366400000000000, '', 1772366400000000000);
		UPDATE source_items SET updated_at = 1772366400000000000 WHERE item_key = 'kestrel-1'`,
}

// migrationNames lists every migration's path, in the order Open applies
// them.
func migrationNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(sqlite.Migrations(), "migration/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

// buildUpgradeFixture makes the fixture at path from the first n
// migrations: each applied by Open (which applies only those it is given),
// then its rows written.
func buildUpgradeFixture(t *testing.T, path string, names []string) {
	t.Helper()
	ctx := context.Background()
	prefix := fstest.MapFS{}
	for _, name := range names {
		body, err := fs.ReadFile(sqlite.Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		prefix[name] = &fstest.MapFile{Data: body}
		sqlite.SetMigrations(t, prefix)
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("apply %s: %v", name, err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("close after %s: %v", name, err)
		}
		rows, ok := upgradeRows[filepath.Base(name)]
		if !ok {
			continue
		}
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
		if err != nil {
			t.Fatal(err)
		}
		_, err = raw.ExecContext(ctx, rows)
		raw.Close()
		if err != nil {
			t.Fatalf("rows of %s: %v", name, err)
		}
	}
	sqlite.SetMigrations(t, sqlite.Migrations())
}

// TestUpgradeKeepsEveryRow builds the upgrade fixture from the first
// migration only, then from each longer prefix of them, opens it with
// every migration Herald has, and finds every row through the API: an
// upgrade from any schema Herald has had loses nothing.
func TestUpgradeKeepsEveryRow(t *testing.T) {
	names := migrationNames(t)
	for n := 1; n <= len(names); n++ {
		t.Run("From"+strings.TrimSuffix(filepath.Base(names[n-1]), ".sql"), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "herald.db")
			buildUpgradeFixture(t, path, names[:n])
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open with every migration: %v", err)
			}
			defer db.Close()
			storetest.CheckUpgraded(t, db, names[:n])
			if r, err := db.Check(context.Background()); err != nil || !r.OK() {
				t.Errorf("Check of the upgraded fixture = %v, %v", r, err)
			}
		})
	}
}

// TestFailedMigrationChangesNothing adds a migration that fails halfway:
// Open says which one and why, and the database is as it was, its earlier
// rows there and nothing of the failed migration applied or recorded.
func TestFailedMigrationChangesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	names := migrationNames(t)
	buildUpgradeFixture(t, path, names)

	broken := fstest.MapFS{"migration/9999_broken.sql": &fstest.MapFile{Data: []byte(`
		CREATE TABLE half_done (id INTEGER PRIMARY KEY);
		UPDATE articles SET title = 'changed';
		INSERT INTO no_such_table VALUES (1);`)}}
	for _, name := range names {
		body, err := fs.ReadFile(sqlite.Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		broken[name] = &fstest.MapFile{Data: body}
	}
	sqlite.SetMigrations(t, broken)
	db, err := sqlite.Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("Open applied a broken migration")
	}
	if msg := err.Error(); !strings.Contains(msg, "9999_broken.sql") || !strings.Contains(msg, "no_such_table") {
		t.Errorf("Open = %q; want the migration named, and why it failed", msg)
	}

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var tables, recorded int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM schema_migrations WHERE name LIKE '%9999%'`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || recorded != 0 {
		t.Errorf("after the failure: %d half_done tables, %d records of the migration; want none", tables, recorded)
	}

	sqlite.SetMigrations(t, sqlite.Migrations())
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckUpgraded(t, db, names)
	if a, err := db.FindArticleBySlug(ctx, "ferry-resumes"); err != nil || a.Title != "Ferry resumes" {
		t.Errorf("article after the failed migration = %v, %v", a, err)
	}
}
