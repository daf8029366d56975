package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/comment"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/postgres/pgtest"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
	"golang.org/x/net/html"
)

// twoNodes opens two stores on one database, as two herald processes
// would, each with its own site, and adds one article.
type twoNodes struct {
	stores [2]herald.Store
	sites  [2]*httptest.Server
	slug   string
}

func newTwoNodes(t testing.TB, open func() herald.Store, policy comment.Policy) *twoNodes {
	t.Helper()
	n := &twoNodes{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i := range n.stores {
		n.stores[i] = open()
		w, err := web.New(n.stores[i], logger, web.Config{BaseURL: "https://news.test", PollEvery: 20 * time.Millisecond,
			Comments: web.CommentConfig{PerMinute: 100000, MinFillTime: time.Nanosecond, Policy: policy}})
		if err != nil {
			t.Fatal(err)
		}
		n.sites[i] = httptest.NewServer(w.Handler())
		t.Cleanup(n.sites[i].Close)
	}
	if _, _, err := (&ingest.Pipeline{Articles: n.stores[0]}).Add(context.Background(), ingest.Item{
		URL: "https://gazette.example/busy", Title: "A busy thread", HTML: longBody, Source: "Harbour Gazette",
		Licence: "full", PublishedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	n.slug = "a-busy-thread"
	return n
}

func openSQLiteTwice(t testing.TB) func() herald.Store {
	path := filepath.Join(t.TempDir(), "herald.db")
	return func() herald.Store {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}

// openPostgresTwice makes a schema of its own on HERALD_TEST_POSTGRES,
// dropped at the end, and opens it as many times as asked.
func openPostgresTwice(t testing.TB) func() herald.Store {
	dsn := pgtest.Schema(t, "herald_web")
	return func() herald.Store {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
}

// TestConcurrentPosting sends 200 comments at once to two sites sharing
// one database, a quarter of them repeats of another: every POST is
// answered with a redirect (taken) or 409 (refused, with its reason), no
// comment is lost and none is stored twice.
func TestConcurrentPosting(t *testing.T) {
	for name, open := range map[string]func(testing.TB) func() herald.Store{
		"SQLite": openSQLiteTwice, "PostgreSQL": openPostgresTwice,
	} {
		t.Run(name, func(t *testing.T) { testConcurrentPosting(t, newTwoNodes(t, open(t), comment.Policy{})) })
	}
}

func testConcurrentPosting(t *testing.T, n *twoNodes) {
	const posts, distinct = 200, 150
	path := "/articles/" + n.slug
	var tokens [2]string
	for i, site := range n.sites {
		resp, err := http.Get(site.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := tokenField.FindStringSubmatch(string(body))
		if m == nil {
			t.Fatal("no form token")
		}
		tokens[i] = html.UnescapeString(m[1])
	}
	time.Sleep(5 * time.Millisecond)

	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	statuses := make([]int, posts)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := i % distinct // posts 150 to 199 repeat posts 0 to 49
			node := i % 2
			form := url.Values{"author": {fmt.Sprintf("Reader %d", k)}, "email": {fmt.Sprintf("r%d@example.com", k)},
				"comment": {fmt.Sprintf("Comment %d on the busy thread.", k)}, "token": {tokens[node]}}
			req, _ := http.NewRequest("POST", n.sites[node].URL+path+"/comments", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			<-start
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("post %d: %v", i, err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()

	taken := map[int]int{}
	for i, st := range statuses {
		switch st {
		case http.StatusSeeOther:
			taken[i%distinct]++
		case http.StatusConflict:
		default:
			t.Errorf("post %d answered %d; want 303 or 409", i, st)
		}
	}
	list, total, err := n.stores[1].FindComments(context.Background(), herald.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != distinct {
		t.Errorf("%d comments stored, want %d: each distinct comment once", total, distinct)
	}
	stored := map[string]int{}
	for _, c := range list {
		stored[c.AuthorEmail]++
	}
	for k := range distinct {
		email := fmt.Sprintf("r%d@example.com", k)
		if stored[email] != 1 || taken[k] != 1 {
			t.Errorf("comment %d: stored %d times, accepted %d times; want once each", k, stored[email], taken[k])
		}
	}
}
