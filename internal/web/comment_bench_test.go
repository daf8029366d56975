package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/comment"
	"golang.org/x/net/html"
)

var benchSeq atomic.Int64

// benchStores are the stores the comment benchmarks run on.
var benchStores = map[string]func(testing.TB) func() herald.Store{"SQLite": openSQLiteTwice, "PostgreSQL": openPostgresTwice}

// postOne sends one new comment, by a new author, to the site.
func postOne(client *http.Client, site, path, token string) (int, error) {
	k := benchSeq.Add(1)
	form := url.Values{"author": {fmt.Sprintf("Bench %d", k)}, "email": {fmt.Sprintf("b%d@example.com", k)},
		"comment": {fmt.Sprintf("Benchmark comment %d on the busy thread.", k)}, "token": {token}}
	req, _ := http.NewRequest("POST", site+path+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func formToken(tb testing.TB, site, path string) string {
	resp, err := http.Get(site + path)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := tokenField.FindStringSubmatch(string(body))
	if m == nil {
		tb.Fatal("no form token")
	}
	time.Sleep(5 * time.Millisecond)
	return html.UnescapeString(m[1])
}

func noRedirects() *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// BenchmarkPostComment posts new comments from many goroutines at once
// through HTTP into one store: comments/s is how many it accepts a second.
func BenchmarkPostComment(b *testing.B) {
	for name, open := range benchStores {
		b.Run(name, func(b *testing.B) {
			n := newTwoNodes(b, open(b), comment.Policy{})
			path := "/articles/" + n.slug
			token := formToken(b, n.sites[0].URL, path)
			client := noRedirects()
			b.SetParallelism(8)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if st, err := postOne(client, n.sites[0].URL, path, token); err != nil || st != http.StatusSeeOther {
						b.Errorf("post: %d %v", st, err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "comments/s")
		})
	}
}

// BenchmarkArticleWhilePosting reads an article page from many goroutines,
// while nothing else happens ("quiet"), while two writers post comments
// that are held for moderation ("held"), and while they post comments
// approved at once ("approved"), each of which moves the store's version
// and so makes the page be rendered afresh.
func BenchmarkArticleWhilePosting(b *testing.B) {
	for name, open := range benchStores {
		for _, mode := range []string{"quiet", "held", "approved"} {
			posting := mode != "quiet"
			b.Run(name+"/"+mode, func(b *testing.B) {
				n := newTwoNodes(b, open(b), comment.Policy{ApproveFirst: mode == "approved"})
				path := "/articles/" + n.slug
				token := formToken(b, n.sites[0].URL, path)
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var posted atomic.Int64
				if posting {
					client := noRedirects()
					for range 2 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for {
								select {
								case <-stop:
									return
								default:
								}
								if st, err := postOne(client, n.sites[0].URL, path, token); err == nil && st == http.StatusSeeOther {
									posted.Add(1)
								}
							}
						}()
					}
				}
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
				b.SetParallelism(8)
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest("GET", n.sites[0].URL+path, nil)
						req.Header.Set("Accept-Encoding", "gzip")
						resp, err := client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				})
				elapsed := time.Since(start).Seconds()
				close(stop)
				wg.Wait()
				b.ReportMetric(float64(b.N)/elapsed, "pages/s")
				b.ReportMetric(float64(posted.Load())/elapsed, "comments/s")
			})
		}
	}
}
