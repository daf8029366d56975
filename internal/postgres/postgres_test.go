package postgres_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/jackc/pgx/v5"
)

// testDSN returns the DSN of the PostgreSQL database the tests use, and
// skips the test when none is set.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("HERALD_TEST_POSTGRES")
	if dsn == "" {
		tb.Skip("HERALD_TEST_POSTGRES is not set; set it to a PostgreSQL DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL store tests")
	}
	return dsn
}

// MustCreateSchema creates an empty schema with a random name, dropped with
// everything in it when the test ends, and returns a DSN that works in it.
// Each test owning its schema lets tests, and other packages' tests on the
// same database, run in parallel.
func MustCreateSchema(tb testing.TB) (dsn, schema string) {
	tb.Helper()
	admin := testDSN(tb)
	schema = "herald_test_" + strings.ToLower(rand.Text()[:16])
	ident := pgx.Identifier{schema}.Sanitize()
	adminExec(tb, admin, `CREATE SCHEMA `+ident)
	tb.Cleanup(func() { adminExec(tb, admin, `DROP SCHEMA `+ident+` CASCADE`) })
	return withSearchPath(tb, admin, schema), schema
}

// adminExec runs sql on a connection of its own to the test database.
func adminExec(tb testing.TB, dsn, sql string) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to %s: %v", dsn, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// withSearchPath adds search_path=schema to the runtime parameters of dsn,
// in either of the forms a DSN takes.
func withSearchPath(tb testing.TB, dsn, schema string) string {
	tb.Helper()
	if !isURL(dsn) {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("HERALD_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// isURL reports whether dsn is in URL form rather than key=value pairs.
func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// MustOpenDB opens a PostgreSQL store in a fresh schema, closed and dropped
// when the test ends.
func MustOpenDB(tb testing.TB) *postgres.DB {
	tb.Helper()
	dsn, _ := MustCreateSchema(tb)
	return mustOpen(tb, dsn)
}

func mustOpen(tb testing.TB, dsn string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// The suite moves time through Clock, and skips what needs it without.
var _ storetest.Clock = (*postgres.DB)(nil)

func TestContract(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(tb testing.TB) herald.Store { return MustOpenDB(tb) })
}

// TestOpenErrors needs no server: the DSNs name none that answers.
func TestOpenErrors(t *testing.T) {
	const password = "hunter2-secret"
	t.Run("Unreachable", func(t *testing.T) {
		dsn := "postgres://herald:" + password + "@127.0.0.1:1/herald?sslmode=disable&connect_timeout=3"
		start := time.Now()
		db, err := postgres.Open(context.Background(), dsn)
		if err == nil {
			db.Close()
			t.Fatal("Open succeeded on 127.0.0.1:1")
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Open took %s to fail", took)
		}
		msg := herald.ErrorMessage(err)
		if herald.ErrorCode(err) != herald.EINVALID || !strings.Contains(msg, "cannot connect to PostgreSQL at 127.0.0.1:1: ") {
			t.Errorf("Open = %v; want a clear EINVALID message naming 127.0.0.1:1", err)
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("Open = %v; the password leaks", err)
		}
	})
	t.Run("BadDSN", func(t *testing.T) {
		for _, dsn := range []string{
			"postgres://herald:" + password + "@127.0.0.1:notaport/herald",
			"host=127.0.0.1 password=" + password + " port=notaport",
		} {
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", dsn)
			}
			if herald.ErrorCode(err) != herald.EINVALID || strings.Contains(err.Error(), password) {
				t.Errorf("Open(%q) = %v; want EINVALID without the password", dsn, err)
			}
		}
	})
}

func TestOpenMissingDatabase(t *testing.T) {
	dsn := testDSN(t)
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("HERALD_TEST_POSTGRES is not a URL: %v", err)
		}
		u.Path = "/herald_no_such_database"
		dsn = u.String()
	} else {
		dsn += " dbname=herald_no_such_database"
	}
	_, err := postgres.Open(context.Background(), dsn)
	if herald.ErrorCode(err) != herald.EINVALID || !strings.Contains(herald.ErrorMessage(err), "does not exist") {
		t.Errorf("Open = %v; want EINVALID saying the database does not exist", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.NewArticle(1, "Outlet")
	if _, err := db.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, dsn) // migrations must not run twice
	if _, err := db.FindArticleByID(ctx, a.ID); err != nil {
		t.Fatalf("after reopen: %v", err)
	}
}

// TestConcurrentOpen starts several processes' worth of stores on one
// fresh schema at once: each must succeed, and each migration be applied
// once.
func TestConcurrentOpen(t *testing.T) {
	dsn, schema := MustCreateSchema(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	db := mustOpen(t, dsn)
	if _, err := db.AddArticle(context.Background(), storetest.NewArticle(1, "Outlet")); err != nil {
		t.Fatalf("after concurrent opens: %v", err)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var applied, distinct int
	err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT name) FROM `+
		pgx.Identifier{schema, "schema_migrations"}.Sanitize()).Scan(&applied, &distinct)
	if err != nil || applied == 0 || applied != distinct {
		t.Errorf("schema_migrations holds %d rows, %d names (%v); want each migration once", applied, distinct, err)
	}
}

// TestTimesKeepMicroseconds checks that times finer than PostgreSQL keeps
// come back as they were stored, and that cursors page through them.
func TestTimesKeepMicroseconds(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	db.Now = func() time.Time { return now }
	var added []*herald.Article
	for i := range 5 {
		a := storetest.NewArticle(i, "Outlet")
		a.PublishedAt = now.Add(time.Duration(i%2) * 100 * time.Nanosecond) // all in one microsecond
		if _, err := db.AddArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		added = append(added, a)
	}
	for _, a := range added {
		got, err := db.FindArticleByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.PublishedAt.Equal(a.PublishedAt) || !got.CreatedAt.Equal(a.CreatedAt) || got.Source.CreatedAt.IsZero() {
			t.Errorf("article %d: stored %s, %s; AddArticle left %s, %s",
				a.ID, got.PublishedAt, got.CreatedAt, a.PublishedAt, a.CreatedAt)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("article %d: CreatedAt in %s, want UTC", a.ID, got.CreatedAt.Location())
		}
	}
	var ids []int64
	f := herald.ArticleFilter{Limit: 2}
	for {
		list, next, err := db.FindArticles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if fmt.Sprint(ids) != fmt.Sprint([]int64{added[4].ID, added[3].ID, added[2].ID, added[1].ID, added[0].ID}) {
		t.Errorf("paged %v; want newest id first", ids)
	}

	// A cursor finer than a microsecond, as another store might make:
	// everything stored in its microsecond is older than it.
	c := herald.Cursor{PublishedAt: now.Add(150 * time.Nanosecond), ID: 0}
	list, _, err := db.FindArticles(ctx, herald.ArticleFilter{Cursor: c.Encode()})
	if err != nil || len(list) != 5 {
		t.Errorf("after a nanosecond cursor: %d articles (%v), want 5", len(list), err)
	}
}

// TestSourcesSortByCodePoint checks that sources sort as they do in
// SQLite, whatever the database's locale.
func TestSourcesSortByCodePoint(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i, name := range []string{"beta", "Alpha", "alpha2", "Zulu"} {
		if _, err := db.AddArticle(ctx, storetest.NewArticle(i, name)); err != nil {
			t.Fatal(err)
		}
	}
	list, err := db.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	if got, want := strings.Join(names, ","), "Alpha,Zulu,alpha2,beta"; got != want {
		t.Errorf("FindSources = %s, want %s", got, want)
	}
}

// TestMigrateKeepsData opens a database made before sources could be
// followed: its outlets stay valid, known only from imports, and can be
// followed.
func TestMigrateKeepsData(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	schema, err := os.ReadFile("migration/0001_articles.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(schema),
		`CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO schema_migrations (name) VALUES ('migration/0001_articles.sql')`,
		`INSERT INTO sources (slug, name, created_at) VALUES ('harbour-gazette', 'Harbour Gazette', now())`,
		`INSERT INTO articles (slug, original_url, source_id, title, published_at, html, text, lead, licence, created_at)
			SELECT 'a', 'https://harbour.example/a', id, 'A', now(), '<p>A</p>', 'A', 'A', 'full', now() FROM sources`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close(ctx)

	db := mustOpen(t, dsn)
	src, err := db.FindSourceBySlug(ctx, "harbour-gazette")
	if err != nil || src.FeedURL != "" || src.Following() || src.ArticleCount != 1 {
		t.Fatalf("migrated source = %+v, %v; want it known only from imports, with its article", src, err)
	}
	follow := storetest.NewFollowedSource(1)
	follow.Name = "Harbour Gazette"
	if err := db.AddSource(ctx, follow); err != nil || follow.ID != src.ID {
		t.Errorf("AddSource = %v, id %d; want source %d followed", err, follow.ID, src.ID)
	}
}

// TestMigrateCopiesKeepsData opens a database made before copies were
// kept: its articles stay, each shown and the only copy of its text, and
// new copies can point at them.
func TestMigrateCopiesKeepsData(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{`CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`}
	for _, name := range []string{"migration/0001_articles.sql", "migration/0002_followed_sources.sql"} {
		schema, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, string(schema), `INSERT INTO schema_migrations (name) VALUES ('`+name+`')`)
	}
	queries = append(queries,
		`INSERT INTO sources (slug, name, created_at) VALUES ('harbour-gazette', 'Harbour Gazette', now())`,
		`INSERT INTO articles (slug, original_url, source_id, title, published_at, html, text, lead, licence, created_at)
			SELECT 'a', 'https://harbour.example/a', id, 'A', now() - interval '1 hour', '<p>A</p>', 'A', 'A', 'excerpt', now() FROM sources`,
		`INSERT INTO articles (slug, original_url, source_id, title, published_at, html, text, lead, licence, created_at)
			SELECT 'b', 'https://harbour.example/b', id, 'B', now(), '<p>B</p>', 'B', 'B', 'full', now() FROM sources`)
	for _, q := range queries {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close(ctx)

	db := mustOpen(t, dsn)
	storetest.CheckMigratedSearch(t, db)
	storetest.CheckMigratedCopies(t, db)
}

// TestConcurrentDigestRefresh refreshes one digest through two pools on
// one schema, as two herald processes would.
func TestConcurrentDigestRefresh(t *testing.T) {
	dsn, _ := MustCreateSchema(t)
	storetest.CheckConcurrentDigestRefresh(t, mustOpen(t, dsn), mustOpen(t, dsn))
}

func TestDocFreqsWrittenAtClose(t *testing.T) {
	dsn, _ := MustCreateSchema(t)
	storetest.CheckDocFreqsWrittenAtClose(t, func() herald.Store { return mustOpen(t, dsn) })
}

// TestWalkStepReadsBlockAndWords checks, on a store with statistics, that
// the planner reads a search step's block and words together from the
// GIN index, for common and rare words and a phrase. When it left the
// block out (migration 0014's lists of blocks), a step read the row of
// every match in the store.
func TestWalkStepReadsBlockAndWords(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	db := mustOpen(t, dsn)
	const n = 3000
	var as []*herald.Article
	for i := range n {
		a := storetest.NewArticle(i+1, fmt.Sprintf("Outlet %d", i%7))
		a.Title = fmt.Sprintf("Harbour report %d", i)
		a.Text = "The harbour board met again today."
		if i%500 == 0 {
			a.Text += " A zeppelin flew over the quay."
		}
		as = append(as, a)
	}
	if created, err := db.AddArticles(ctx, as); err != nil || created != n {
		t.Fatalf("AddArticles = %d, %v; want %d", created, err, n)
	}
	adminExec(t, dsn, `ANALYZE article_search`)
	top := (as[n-1].ID/1024 + 1) * 1024
	for _, text := range []string{"harbour", "zeppelin", `"harbour board"`, "harbour zeppelin"} {
		q, err := search.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := db.ExplainWalkStep(ctx, q, top, 1024)
		if err != nil {
			t.Fatalf("explain %s: %v", text, err)
		}
		if !strings.Contains(plan, "Bitmap Index Scan on article_search_words") ||
			!regexp.MustCompile(`Index Cond: \(\(\(id / 1024\) = .* AND \(search @@ `).MatchString(plan) {
			t.Errorf("step for %s does not read the block and the words from the index together:\n%s", text, plan)
		}
	}
}

// TestPhraseCheckedInOrder checks phrases on a store where more than
// herald.PhraseScan articles hold "the", "board", "met", "today" and
// "quiet": the newest PhraseScan holding a phrase's words are put in
// order and checked for it in batches, by relevance and by date, until
// the page is full, whatever the excluded words and alternatives.
func TestPhraseCheckedInOrder(t *testing.T) {
	ctx := context.Background()
	dsn, _ := MustCreateSchema(t)
	db := mustOpen(t, dsn)
	n := herald.PhraseScan + 500
	mid := n - herald.PhraseScan/2        // past the first batches of checks, by date
	titled := n - herald.PhraseScan + 100 // older, and first by relevance
	var as []*herald.Article
	for i := range n {
		a := storetest.NewArticle(i+1, fmt.Sprintf("Outlet %d", i%7))
		a.Title = fmt.Sprintf("Harbour report %d", i)
		a.Text = "The board met again today, the harbour was quiet."
		switch i {
		case 0:
			a.Text += " Quiet the committee sat."
		case titled:
			a.Title = "Quiet harbour: today the board met"
		case mid:
			a.Text += " Today the board met twice."
		}
		as = append(as, a)
	}
	if created, err := db.AddArticles(ctx, as); err != nil || created != n {
		t.Fatalf("AddArticles = %d, %v; want %d", created, err, n)
	}
	adminExec(t, dsn, `ANALYZE article_search`)
	byDate := herald.SearchFilter{Sort: herald.SortDate}
	tests := []struct {
		query string
		f     herald.SearchFilter
		want  []int64
		more  bool
	}{
		{`"today the board met"`, herald.SearchFilter{}, []int64{as[titled].ID, as[mid].ID}, false},
		{`"today the board met"`, byDate, []int64{as[mid].ID, as[titled].ID}, false},
		{`"today the board met"`, herald.SearchFilter{Limit: 1}, []int64{as[titled].ID}, true},
		{`"today the board met"`, herald.SearchFilter{Limit: 1, Page: 2}, []int64{as[mid].ID}, false},
		{`"today the board met" -twice`, byDate, []int64{as[titled].ID}, false},
		{`"met twice" OR "committee sat"`, byDate, []int64{as[mid].ID, as[0].ID}, false},
		// Rare words are found however old; common ones in the newest
		// PhraseScan articles holding them.
		{`"committee sat"`, byDate, []int64{as[0].ID}, false},
		{`"quiet the"`, byDate, nil, false},
		{`"harbour the"`, byDate, nil, false},
	}
	for _, tt := range tests {
		q, err := search.Parse(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		tt.f.Query = q
		res, err := db.Search(ctx, tt.f)
		if err != nil {
			t.Fatalf("search %s: %v", tt.query, err)
		}
		var got []int64
		for _, h := range res.Hits {
			got = append(got, h.Article.ID)
		}
		if !slices.Equal(got, tt.want) || res.More != tt.more {
			t.Errorf("search %s (%s, page %d of %d) = %v more=%v, want %v more=%v",
				tt.query, tt.f.Sort, tt.f.Page, tt.f.Limit, got, res.More, tt.want, tt.more)
		}
	}
}
