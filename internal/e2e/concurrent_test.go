package e2e

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/postgres/pgtest"
	"github.com/herald-news/herald/internal/sqlite"
)

// TestConcurrentCommentsTwoProcesses starts two "herald serve" processes on
// one database and sends them 200 comments at once, a quarter of them
// repeats: every POST is answered 303 (taken) or 409 (refused, with its
// reason), never 5xx, and each distinct comment is stored exactly once.
func TestConcurrentCommentsTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("two-process test skipped in -short mode")
	}
	bin := buildHerald(t)
	t.Run("SQLite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		testTwoProcesses(t, bin, db, func() herald.Store {
			s, err := sqlite.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := postgresSchema(t)
		testTwoProcesses(t, bin, dsn, func() herald.Store {
			s, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
}

// postgresSchema makes a schema of its own on HERALD_TEST_POSTGRES, dropped
// when the test ends, and returns a DSN that uses it; it skips the test
// when the variable is unset.
func postgresSchema(t *testing.T) string {
	return pgtest.Schema(t, "herald_e2e")
}

var formToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

func testTwoProcesses(t *testing.T, bin, db string, open func() herald.Store) {
	const posts, distinct = 200, 150
	jsonl := filepath.Join(t.TempDir(), "a.jsonl")
	os.WriteFile(jsonl, []byte(`{"url":"https://gazette.example/busy","title":"A busy thread","text":"The council met.","source":"Harbour Gazette","licence":"full"}`+"\n"), 0o644)
	if out, err := exec.Command(bin, "import", "--db", db, jsonl).CombinedOutput(); err != nil {
		t.Fatalf("herald import: %v\n%s", err, out)
	}
	var nodes [2]*server
	var tokens [2]string
	const path = "/articles/a-busy-thread"
	for i := range nodes {
		nodes[i] = startHeraldWith(t, bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--follow=false", "--comment-rate", "100000")
		m := formToken.FindStringSubmatch(httpGet(t, nodes[i].url+path))
		if m == nil {
			t.Fatalf("node %d: no form on %s", i, path)
		}
		tokens[i] = html.UnescapeString(m[1])
	}
	time.Sleep(fillWait)

	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	statuses := make([]int, posts)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, node := i%distinct, i%2
			form := url.Values{"author": {fmt.Sprintf("Reader %d", k)}, "email": {fmt.Sprintf("r%d@example.com", k)},
				"comment": {fmt.Sprintf("Comment %d on the busy thread.", k)}, "token": {tokens[node]}}
			req, _ := http.NewRequest("POST", nodes[node].url+path+"/comments", strings.NewReader(form.Encode()))
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
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d posts answered in %s", posts, time.Since(began).Round(time.Millisecond))

	accepted := map[int]int{}
	for i, st := range statuses {
		switch st {
		case http.StatusSeeOther:
			accepted[i%distinct]++
		case http.StatusConflict:
		default:
			t.Errorf("post %d answered %d; want 303 or 409", i, st)
		}
	}
	store := open()
	defer store.Close()
	list, total, err := store.FindComments(context.Background(), herald.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != distinct {
		t.Errorf("%d comments stored, want %d", total, distinct)
	}
	stored := map[string]int{}
	for _, c := range list {
		stored[c.AuthorEmail]++
	}
	for k := range distinct {
		if n := stored[fmt.Sprintf("r%d@example.com", k)]; n != 1 || accepted[k] != 1 {
			t.Errorf("comment %d stored %d times and accepted %d times; want once each", k, n, accepted[k])
		}
	}
}
