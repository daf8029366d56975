package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// articleFile is the import's input and what a complete import must
// store from it.
type articleFile struct {
	path     string
	good     int               // lines herald must accept (the repeat among them)
	bad      int               // lines it must reject
	distinct int               // distinct URLs of the good lines
	titles   map[string]string // URL → headline
	urls     []string          // in file order, for the search sample
}

// badLines are added to the generated articles: each must be rejected,
// on every run, without stopping the import.
var badLines = []string{
	`{"url":"https://crash.example/no-title","text":"A body without a headline.","source":"Crash Trials"}`,
	`this line is not JSON`,
}

// writeArticles runs bench/gen for n articles and writes them to a file
// in dir with, halfway, a repeat of the first line and the bad lines.
func writeArticles(ctx context.Context, gen, dir string, n int, seed int64) (*articleFile, error) {
	out, err := exec.CommandContext(ctx, gen, "-n", strconv.Itoa(n), "-seed", strconv.FormatInt(seed, 10)).Output()
	if err != nil {
		return nil, fmt.Errorf("bench/gen: %w", err)
	}
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	f := &articleFile{path: filepath.Join(dir, "articles.jsonl"), titles: map[string]string{}}
	var buf bytes.Buffer
	for i, l := range lines {
		var a struct{ URL, Title string }
		if err := json.Unmarshal(l, &a); err != nil || a.URL == "" || a.Title == "" {
			return nil, fmt.Errorf("bench/gen line %d is not an article: %q", i+1, l)
		}
		if _, ok := f.titles[a.URL]; !ok {
			f.urls = append(f.urls, a.URL)
		}
		f.titles[a.URL] = a.Title
		buf.Write(l)
		buf.WriteByte('\n')
		f.good++
		if i == len(lines)/2 {
			buf.Write(lines[0])
			buf.WriteByte('\n')
			f.good++
			for _, b := range badLines {
				buf.WriteString(b + "\n")
				f.bad++
			}
		}
	}
	f.distinct = len(f.titles)
	return f, os.WriteFile(f.path, buf.Bytes(), 0o644)
}

// between returns a duration drawn uniformly in [lo, hi).
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// imports runs the import trials: -trials runs killed after a random
// delay, then one run to the end.
func (t *trials) imports(ctx context.Context) error {
	if err := t.firstStart(ctx); err != nil {
		return err
	}
	for i := 1; i <= t.cfg.trials; i++ {
		r := &row{store: t.st.kind, phase: "import", trial: strconv.Itoa(i),
			delay: t.startup + between(t.rng, 100*time.Millisecond, t.cfg.importKill)}
		var err error
		if r.before, err = t.articleCount(ctx); err != nil {
			return err
		}
		if err := t.importKilled(ctx, r, t.file.path); err != nil {
			return err
		}
		if err := t.checkArticles(ctx, r, false); err != nil {
			return err
		}
		t.logf("%s import %d: killed after %s: %d → %d articles, %d broken", t.st.kind, i, r.delay.Round(time.Millisecond), r.before, r.after, len(r.broken))
		t.rep.add(r)
	}

	r := &row{store: t.st.kind, phase: "import", trial: "end"}
	var err error
	if r.before, err = t.articleCount(ctx); err != nil {
		return err
	}
	out, ok, err := t.importToEnd(ctx, r, t.file.path)
	if err != nil {
		return err
	}
	if ok {
		t.checkSummary(r, out)
	}
	if err := t.checkArticles(ctx, r, true); err != nil {
		return err
	}
	if err := t.checkSearch(ctx, r); err != nil {
		return err
	}
	t.logf("%s import to the end: %d → %d articles, %d broken", t.st.kind, r.before, r.after, len(r.broken))
	t.rep.add(r)
	return nil
}

// importKilled runs herald import on file and kills it after r.delay.
func (t *trials) importKilled(ctx context.Context, r *row, file string) error {
	p, err := start(t.bin, filepath.Dir(t.file.path), "import", "--db", t.st.dsn, file)
	if err != nil {
		return err
	}
	timer := time.NewTimer(r.delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-p.done:
	case <-ctx.Done():
		p.kill()
		return ctx.Err()
	}
	if r.killed = p.kill(); !r.killed {
		r.note("ended by itself before the kill")
		if err := p.result(); err != nil {
			r.fail("it failed by itself: %v", err)
		}
	}
	return nil
}

// importToEnd runs herald import on file to its end and returns what it
// wrote. A failed run is a violation, recorded in r; ok says it succeeded.
func (t *trials) importToEnd(ctx context.Context, r *row, file string) (out string, ok bool, err error) {
	p, err := start(t.bin, filepath.Dir(t.file.path), "import", "--db", t.st.dsn, file)
	if err != nil {
		return "", false, err
	}
	if err := p.wait(ctx); err != nil {
		if ctx.Err() != nil {
			return "", false, err
		}
		r.fail("herald import %s failed: %v", filepath.Base(file), err)
		return "", false, nil
	}
	return p.out.String(), true, nil
}

// firstStart kills herald's first start on the empty store, in its
// migrations, then lets the next start finish them on an empty file. It
// times one more run on the empty file: what a start costs before the
// first line is stored (seconds on a busy machine) is added to each import
// trial's delay, so that the kills fall in the import itself.
func (t *trials) firstStart(ctx context.Context) error {
	empty := filepath.Join(filepath.Dir(t.file.path), "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		return err
	}
	r := &row{store: t.st.kind, phase: "migrate", trial: "1", delay: between(t.rng, 100*time.Millisecond, time.Second)}
	if err := t.importKilled(ctx, r, empty); err != nil {
		return err
	}
	if err := t.checkArticles(ctx, r, false); err != nil {
		return err
	}
	for i := range 2 {
		begun := time.Now()
		if _, _, err := t.importToEnd(ctx, r, empty); err != nil {
			return err
		}
		took := time.Since(begun)
		if i == 0 {
			r.note("the next start ended in %.1f s", took.Seconds())
		} else {
			t.startup = took
			r.note("one on the migrated store in %.1f s", took.Seconds())
		}
	}
	t.logf("%s first start: killed after %s, %d broken; a start takes %s", t.st.kind, r.delay.Round(time.Millisecond), len(r.broken), t.startup.Round(time.Millisecond))
	t.rep.add(r)
	return nil
}

func (t *trials) articleCount(ctx context.Context) (int, error) {
	db, err := t.st.open()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if ok, err := t.migrated(ctx, db); !ok {
		return 0, err
	}
	return count(ctx, db, `SELECT count(*) FROM articles`)
}

// checkedTables are the tables the checks read; on PostgreSQL,
// article_search is the last migration's.
var checkedTables = []string{"articles", "stories", "story_index", "related", "related_queue", "comments", "article_search"}

// migrated reports whether the store has every table the checks read: a
// kill during the first start can come before some, as each migration
// is a transaction of its own.
func (t *trials) migrated(ctx context.Context, db *sql.DB) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('` + strings.Join(checkedTables, "', '") + `')`
	if t.st.kind == "postgres" {
		q = `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('` + strings.Join(checkedTables, "', '") + `')`
	}
	n, err := count(ctx, db, q)
	return n == len(checkedTables), err
}

// summaryRE matches the line herald import ends with.
var summaryRE = regexp.MustCompile(`imported (\d+), skipped (\d+) \(already present\), rejected (\d+) — (\d+) lines in`)

// checkSummary checks what the complete run said it did: every line read,
// the good ones imported or found present, the bad ones rejected.
func (t *trials) checkSummary(r *row, out string) {
	m := summaryRE.FindStringSubmatch(out)
	if m == nil {
		r.fail("no summary line in the output of the last import:\n%s", out)
		return
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1]) // the pattern admits digits only
	}
	imported, skipped, rejected, lines := n[0], n[1], n[2], n[3]
	r.note("imported %d, skipped %d, rejected %d", imported, skipped, rejected)
	if lines != t.file.good+t.file.bad || imported+skipped != t.file.good || rejected != t.file.bad {
		r.fail("the last import read %d lines (imported %d, skipped %d, rejected %d); the file has %d good lines and %d bad",
			lines, imported, skipped, rejected, t.file.good, t.file.bad)
	}
}

// checkArticles checks the store after an import run. complete says the
// run went to its end: then every good line must be stored, once, and
// every article placed in a story.
func (t *trials) checkArticles(ctx context.Context, r *row, complete bool) error {
	db, err := t.st.open()
	if err != nil {
		return err
	}
	defer db.Close()
	if ok, err := t.migrated(ctx, db); err != nil || !ok {
		if err != nil {
			return err
		}
		r.note("killed before the migrations were done")
		return nil
	}
	broken, err := checkStore(ctx, t.st, db)
	if err != nil {
		return err
	}
	r.broken = append(r.broken, broken...)

	rows, err := db.QueryContext(ctx, `SELECT original_url, title, story_id IS NOT NULL FROM articles`)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	unplaced, stray, retitled := 0, 0, 0
	for rows.Next() {
		var u, title string
		var placed bool
		if err := rows.Scan(&u, &title, &placed); err != nil {
			rows.Close()
			return err
		}
		seen[u]++
		want, ok := t.file.titles[u]
		switch {
		case !ok:
			stray++
		case title != want:
			retitled++
		}
		if !placed {
			unplaced++
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for u, n := range seen {
		r.after += n
		if n > 1 {
			r.fail("%s is stored %d times", u, n)
		}
	}
	if stray > 0 {
		r.fail("%d articles stored whose URL is on no good line of the file", stray)
	}
	if retitled > 0 {
		r.fail("%d articles stored with a headline other than their line's", retitled)
	}
	if unplaced > 0 {
		if complete {
			r.fail("%d articles are in no story after the import ended", unplaced)
		} else {
			r.note("%d without a story yet", unplaced)
		}
	}
	if r.after < r.before {
		r.fail("articles went from %d to %d", r.before, r.after)
	}
	queued, err := count(ctx, db, `SELECT count(*) FROM related_queue`)
	if err != nil {
		return err
	}
	if !complete {
		return nil
	}
	if missing := t.file.distinct - len(seen); missing > 0 {
		r.fail("%d of the file's %d URLs are not stored", missing, t.file.distinct)
	}
	if len(seen) == t.file.distinct && stray == 0 {
		r.note("all %d URLs stored once", t.file.distinct)
	}
	if queued > 0 {
		// Not a violation: an article stored by a killed run is held in
		// the queue for herald.RelatedHold (10 min), and a batch claimed
		// by one for the lease (5 min); herald serve computes them after.
		r.note("%d related lists still queued (held or leased by a killed run)", queued)
	}
	orphans, err := count(ctx, db, `SELECT count(*) FROM articles a WHERE a.duplicate_of IS NULL
		AND NOT EXISTS (SELECT 1 FROM related r WHERE r.article_id = a.id)
		AND NOT EXISTS (SELECT 1 FROM related_queue q WHERE q.article_id = a.id)`)
	if err != nil {
		return err
	}
	if orphans > 0 {
		// An empty list is stored as no rows, so this is not proof of a
		// list lost; with bench/gen's articles every list has items.
		r.note("%d articles with no related list and none queued", orphans)
	}
	docs, err := count(ctx, db, `SELECT docs FROM story_docs`)
	if err != nil {
		return err
	}
	if docs != r.after {
		// Not a violation either: the term statistics are counted in
		// memory and written every 256 articles or 30 seconds, so a
		// killed run loses what it had not written (README, PostgreSQL).
		r.note("story term statistics count %d articles", docs)
	}
	if t.st.kind == "postgres" {
		switch {
		case t.st.amchecked > 0:
			r.note("amcheck of %d indexes after every trial", t.st.amchecked)
		case t.st.amchecked < 0:
			r.note("amcheck not installed")
		}
	}
	return nil
}

// checkSearch looks for a sample of headlines through the search API of
// a herald serve on the store: each must find its article.
func (t *trials) checkSearch(ctx context.Context, r *row) error {
	if t.cfg.searchSample == 0 {
		return nil
	}
	srv, base, err := t.serve(ctx)
	if err != nil {
		return err
	}
	defer srv.kill()
	client := &http.Client{Timeout: 60 * time.Second}
	found, asked := 0, 0
	for _, i := range t.rng.Perm(len(t.file.urls))[:min(t.cfg.searchSample, len(t.file.urls))] {
		u := t.file.urls[i]
		q := searchWords(t.file.titles[u])
		if q == "" {
			continue
		}
		asked++
		ok, err := searchFinds(ctx, client, base, q, u)
		if err != nil {
			r.fail("search for %q: %v", q, err)
			continue
		}
		if ok {
			found++
		} else {
			r.fail("searching %q does not find %s", q, u)
		}
	}
	r.note("search found %d of %d headlines", found, asked)
	if err := srv.stop(); err != nil {
		r.fail("herald serve did not stop cleanly: %v", err)
	}
	return nil
}

// searchWords makes a query of a headline's words: letters and digits
// only, so nothing reads as an operator, at most 12 words.
func searchWords(title string) string {
	words := strings.FieldsFunc(title, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	var q []string
	for _, w := range words {
		if w != "OR" && len(q) < 12 {
			q = append(q, w)
		}
	}
	return strings.Join(q, " ")
}

// searchFinds reports whether the first page of the search API's results
// for q holds the article first published at want.
func searchFinds(ctx context.Context, client *http.Client, base, q, want string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/search?limit=100&q="+url.QueryEscape(q), nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var page struct {
		Items []struct {
			OriginalURL string `json:"original_url"`
		} `json:"items"`
	}
	if err := json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&page); err != nil {
		return false, err
	}
	for _, it := range page.Items {
		if it.OriginalURL == want {
			return true, nil
		}
	}
	return false, nil
}
