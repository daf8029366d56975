package web_test

import (
	"bufio"
	"context"
	"crypto/md5"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
	"golang.org/x/net/html"
)

// commentSite is a real server on a real SQLite file with one article.
type commentSite struct {
	srv     *httptest.Server
	store   *sqlite.DB
	article *herald.Article
	web     *web.Server
}

const articlePath = "/articles/council-approves-harbour-wall"

func newCommentSite(t *testing.T, cfg web.CommentConfig) *commentSite {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if cfg.MinFillTime == 0 {
		cfg.MinFillTime = time.Nanosecond
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := web.New(store, logger, web.Config{BaseURL: "https://news.test", SiteName: "Test Herald",
		PollEvery: 10 * time.Millisecond, Comments: cfg})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pipe := &ingest.Pipeline{Articles: store}
	if _, _, err := pipe.Add(ctx, ingest.Item{URL: "https://gazette.example/full", Title: "Council approves harbour wall",
		HTML: longBody, Source: "Harbour Gazette", SourceURL: "https://gazette.example/", Licence: "full",
		PublishedAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a, err := store.FindArticleBySlug(ctx, "council-approves-harbour-wall")
	if err != nil {
		t.Fatal(err)
	}
	w.CatchUp(ctx)
	go w.WatchChanges(ctx)
	return &commentSite{srv: srv, store: store, article: a, web: w}
}

// reader is one browser: its own cookies, never following redirects.
type reader struct {
	t      *testing.T
	site   *commentSite
	client *http.Client
}

func (s *commentSite) newReader(t *testing.T) *reader {
	jar, _ := cookiejar.New(nil)
	return &reader{t: t, site: s, client: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (r *reader) get(path string) (*http.Response, string) {
	r.t.Helper()
	resp, err := r.client.Get(r.site.srv.URL + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// post fills the form of the article page as a browser would and sends it.
func (r *reader) post(fields url.Values) (*http.Response, string) {
	r.t.Helper()
	_, page := r.get(articlePath)
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		r.t.Fatalf("no form token on %s", articlePath)
	}
	form := url.Values{"token": {html.UnescapeString(m[1])}}
	for k, v := range fields {
		form[k] = v
	}
	time.Sleep(2 * time.Millisecond) // the shortened minimum fill time
	req, _ := http.NewRequest("POST", r.site.srv.URL+articlePath+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func fields(name, email, website, text string) url.Values {
	return url.Values{"author": {name}, "email": {email}, "url": {website}, "comment": {text}}
}

// waitFor polls path until its body holds want, or fails.
func (r *reader) waitFor(path, want string) string {
	r.t.Helper()
	var body string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, body = r.get(path); strings.Contains(body, want) {
			return body
		}
	}
	r.t.Fatalf("%s never showed %q", path, want)
	return ""
}

func TestCommentIsHeldThenApproved(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	author, other := s.newReader(t), s.newReader(t)

	_, page := author.get(articlePath)
	for _, want := range []string{"Leave a Reply", "Your email address will not be published.", "Required fields are marked",
		`name="comment"`, `name="author"`, `name="email"`, `name="url"`, `name="remember"`,
		"Save my name, email, and website in this browser for the next time I comment."} {
		if !strings.Contains(page, want) {
			t.Errorf("article page lacks %q", want)
		}
	}

	resp, _ := author.post(fields("Ann Reader", "ann@reader.example", "https://ann.example/", "First thoughts on the wall.\n\nSee https://council.example/minutes."))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), articlePath+"#comment-") {
		t.Fatalf("post answered %s to %q; want 303 to the comment", resp.Status, resp.Header.Get("Location"))
	}
	resp, page = author.get(articlePath)
	if !strings.Contains(page, "Your comment is awaiting moderation") || !strings.Contains(page, "First thoughts on the wall.") {
		t.Errorf("the author does not see their held comment")
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") {
		t.Errorf("the author's page is sent with Cache-Control %q; it must not be stored by caches", cc)
	}
	if strings.Contains(page, "ann@reader.example") {
		t.Error("the author's own page shows their email; it was not asked to be remembered")
	}
	if _, page := other.get(articlePath); strings.Contains(page, "First thoughts") {
		t.Error("another reader sees a held comment")
	}

	list, _, err := s.store.FindComments(context.Background(), herald.CommentFilter{ArticleID: s.article.ID})
	if err != nil || len(list) != 1 || list[0].Status != herald.CommentPending || list[0].Reasons[0] != herald.ReasonFirstComment {
		t.Fatalf("stored %+v (%v); want one pending comment held as a first comment", list, err)
	}
	if _, err := s.store.ModerateComments(context.Background(), herald.CommentAction{IDs: []int64{list[0].ID}, Status: herald.CommentApproved}); err != nil {
		t.Fatal(err)
	}
	page = other.waitFor(articlePath, "First thoughts on the wall.")
	for _, want := range []string{`<a href="https://ann.example/" rel="nofollow ugc noopener">Ann Reader</a>`,
		`<a href="https://council.example/minutes" rel="nofollow ugc noopener">https://council.example/minutes</a>.`,
		fmt.Sprintf(`id="comment-%d"`, list[0].ID), "1 comment"} {
		if !strings.Contains(page, want) {
			t.Errorf("approved comment: page lacks %s", want)
		}
	}

	// Once nothing of theirs waits, the author's next visit forgets the
	// held comment, so their pages are the shared cached ones again.
	author.get(articlePath)
	resp, _ = author.get(articlePath)
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "public") {
		t.Errorf("after approval the author gets Cache-Control %q; want the shared page", cc)
	}
	u, _ := url.Parse(s.srv.URL)
	for _, ck := range author.client.Jar.Cookies(u) {
		if ck.Name == "herald_held" {
			t.Errorf("the held-comments cookie outlived its comment's approval")
		}
	}

	// Approved once, the author's next comment appears at once.
	time.Sleep(10 * time.Millisecond)
	s.store.SetNow(func() time.Time { return time.Now().Add(time.Minute) })
	resp, _ = author.post(url.Values{"author": {"Ann Reader"}, "email": {"ANN@reader.example"}, "comment": {"A reply to myself."},
		"parent": {fmt.Sprint(list[0].ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second post answered %s", resp.Status)
	}
	_, page = other.get(articlePath)
	if !strings.Contains(page, "A reply to myself.") || !strings.Contains(page, `class="comment depth-1"`) {
		t.Errorf("the approved reply is not shown at once, nested")
	}
}

func TestCommentFormErrorsKeepTheText(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	r := s.newReader(t)
	resp, page := r.post(fields("", "not-an-email", "javascript:alert(1)", "My long and careful comment."))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("invalid post answered %s, want 422", resp.Status)
	}
	for _, want := range []string{"Name is required.", "Email must be an address", "Website must be an address starting with http",
		">My long and careful comment.</textarea>", `value="not-an-email"`, `id="author-error"`} {
		if !strings.Contains(page, want) {
			t.Errorf("re-rendered form lacks %q", want)
		}
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("form with errors sent with Cache-Control %q", cc)
	}
	// The shared page never shows one reader's errors to another.
	if _, page := s.newReader(t).get(articlePath); strings.Contains(page, "careful comment") || strings.Contains(page, "is required") {
		t.Error("the shared article page shows another reader's form")
	}
	if _, n, _ := s.store.FindComments(context.Background(), herald.CommentFilter{}); n != 0 {
		t.Errorf("%d comments stored from an invalid form", n)
	}
}

func TestCommentDefences(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	ctx := context.Background()

	t.Run("Honeypot", func(t *testing.T) {
		f := fields("Bot", "bot@spam.example", "", "Buy now")
		f.Set("homepage", "https://spam.example/")
		if resp, _ := s.newReader(t).post(f); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("honeypot filled: %s, want 400", resp.Status)
		}
	})
	t.Run("ForgedToken", func(t *testing.T) {
		f := fields("Bot", "bot2@spam.example", "", "Forged")
		f.Set("token", "1-1.forged")
		resp, page := s.newReader(t).post(f)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "could not be checked") {
			t.Errorf("forged token: %s", resp.Status)
		}
	})
	t.Run("CrossSite", func(t *testing.T) {
		req, _ := http.NewRequest("POST", s.srv.URL+articlePath+"/comments",
			strings.NewReader(fields("X", "x@evil.example", "", "cross-site").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site post: %s, want 403", resp.Status)
		}
	})
	t.Run("DuplicateAndTooQuick", func(t *testing.T) {
		r := s.newReader(t)
		if resp, _ := r.post(fields("Dee", "dee@reader.example", "", "Once.")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first post: %s", resp.Status)
		}
		resp, page := r.post(fields("Dee", "dee@reader.example", "", "Once."))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already posted this comment") {
			t.Errorf("same text again: %s", resp.Status)
		}
		resp, page = r.post(fields("Dee", "dee@reader.example", "", "Twice, quickly."))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "too quickly") || !strings.Contains(page, "Twice, quickly.</textarea>") {
			t.Errorf("too quick: %s", resp.Status)
		}
	})
	if _, n, _ := s.store.FindComments(ctx, herald.CommentFilter{}); n != 1 {
		t.Errorf("%d comments stored; want only Dee's first", n)
	}
}

func TestCommentRateLimit(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{})
	r := s.newReader(t)
	var statuses []int
	for i := range 3 {
		resp, _ := r.post(fields("Flood", fmt.Sprintf("flood%d@example.com", i), "", fmt.Sprintf("Message %d", i)))
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[0] != 303 || statuses[1] != 303 || statuses[2] != http.StatusTooManyRequests {
		t.Errorf("three posts in a minute from one network: %v, want 303 303 429", statuses)
	}
}

// TestRateLimitAcrossServers posts from one network to two servers on one
// store, as to two herald processes behind a load balancer: each server
// alone has seen too few posts to refuse, but the store has the network's
// share for the minute, so the third is refused wherever it lands.
func TestRateLimitAcrossServers(t *testing.T) {
	a := newCommentSite(t, web.CommentConfig{})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := web.New(a.store, logger, web.Config{BaseURL: "https://news.test", SiteName: "Test Herald",
		PollEvery: 10 * time.Millisecond, Comments: web.CommentConfig{MinFillTime: time.Nanosecond}})
	if err != nil {
		t.Fatal(err)
	}
	srvB := httptest.NewServer(w.Handler())
	t.Cleanup(srvB.Close)
	b := &commentSite{srv: srvB, store: a.store, article: a.article}

	ra, rb := a.newReader(t), b.newReader(t)
	var statuses []int
	for i, r := range []*reader{ra, rb, ra} {
		resp, _ := r.post(fields("Spread", fmt.Sprintf("spread%d@example.com", i), "", fmt.Sprintf("Message %d", i)))
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[0] != 303 || statuses[1] != 303 || statuses[2] != http.StatusTooManyRequests {
		t.Errorf("three posts in a minute from one network to two servers: %v, want 303 303 429", statuses)
	}
	if _, n, _ := a.store.FindComments(context.Background(), herald.CommentFilter{}); n != 2 {
		t.Errorf("%d comments stored; want the first two", n)
	}
}

func TestRateLimitBehindAProxy(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{RealIPHeader: "X-Forwarded-For"})
	r := s.newReader(t)
	post := func(n int, forwarded string) int {
		_, page := r.get(articlePath)
		form := fields("P", fmt.Sprintf("p%d@example.com", n), "", fmt.Sprintf("Proxied %d", n))
		form.Set("token", html.UnescapeString(tokenField.FindStringSubmatch(page)[1]))
		time.Sleep(2 * time.Millisecond)
		req, _ := http.NewRequest("POST", s.srv.URL+articlePath+"/comments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwarded)
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	got := []int{post(1, "198.51.100.7"), post(2, "198.51.100.8"), post(3, "203.0.113.5, 198.51.100.9"), post(4, "192.0.2.1")}
	if got[0] != 303 || got[1] != 303 || got[2] != 429 || got[3] != 303 {
		t.Errorf("statuses %v; want the third from 198.51.100.0/24 refused, the other network let through", got)
	}
	list, _, _ := s.store.FindComments(context.Background(), herald.CommentFilter{Email: "p4@example.com"})
	if len(list) != 1 || list[0].AuthorIP != "192.0.2.1" {
		t.Errorf("stored address %v; want the one the proxy reported", list)
	}
}

func TestCommentModerationRules(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	s.store.SetNow(time.Now)
	ctx := context.Background()
	// An author with an approved comment is trusted from then on.
	trusted := &herald.Comment{ArticleID: s.article.ID, AuthorName: "Tru", AuthorEmail: "tru@example.com", Text: "old",
		Status: herald.CommentApproved, Score: -1}
	if err := s.store.AddComment(ctx, trusted); err != nil {
		t.Fatal(err)
	}
	s.store.SetNow(func() time.Time { return time.Now().Add(time.Minute) })
	for _, tc := range []struct {
		name, email, text string
		status            herald.CommentStatus
		reason            string
	}{
		{"Tru", "tru@example.com", "Fine by me.", herald.CommentApproved, ""},
		{"Tru", "tru@example.com", "Two links: https://a.example/ and https://b.example/", herald.CommentPending, herald.ReasonLinks},
		{"New", "new@example.com", "Hello.", herald.CommentPending, herald.ReasonFirstComment},
	} {
		s.store.SetNow(func() time.Time { return time.Now().Add(time.Duration(len(tc.text)) * time.Minute) })
		if resp, _ := s.newReader(t).post(fields(tc.name, tc.email, "", tc.text)); resp.StatusCode != 303 {
			t.Fatalf("%q: %s", tc.text, resp.Status)
		}
		list, _, _ := s.store.FindComments(ctx, herald.CommentFilter{Email: tc.email, NewestFirst: true, Limit: 1})
		if list[0].Status != tc.status || (tc.reason != "" && !strings.Contains(strings.Join(list[0].Reasons, " "), tc.reason)) {
			t.Errorf("%q: %s %v; want %s for %s", tc.text, list[0].Status, list[0].Reasons, tc.status, tc.reason)
		}
	}
}

func TestCommentsClosed(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{CloseAfter: time.Minute})
	r := s.newReader(t)
	_, page := r.get(articlePath)
	if !strings.Contains(page, "Comments are closed.") || strings.Contains(page, `name="comment"`) {
		t.Error("an article older than CloseAfter still shows the form")
	}
	req, _ := http.NewRequest("POST", s.srv.URL+articlePath+"/comments", strings.NewReader(fields("A", "a@example.com", "", "late").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("post to a closed article: %s, want 403", resp.Status)
	}
	// The article's own setting wins over the site's.
	if err := s.store.SetCommentsClose(context.Background(), s.article.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	r.waitFor(articlePath, `name="comment"`)
	if err := s.store.SetCommentsClose(context.Background(), s.article.ID, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	r.waitFor(articlePath, "Comments are closed.")
}

// TestEmailIsNeverPublished posts comments, approves them, and reads every
// public output: none holds an author's email.
func TestEmailIsNeverPublished(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	r := s.newReader(t)
	const secret = "hidden.person+tag@private-mail.example"
	if resp, _ := r.post(fields("Hidden Person", secret, "https://hidden.example/", "Please keep my address private.")); resp.StatusCode != 303 {
		t.Fatalf("post: %s", resp.Status)
	}
	list, _, _ := s.store.FindComments(context.Background(), herald.CommentFilter{})
	if _, err := s.store.ModerateComments(context.Background(), herald.CommentAction{IDs: []int64{list[0].ID}, Status: herald.CommentApproved}); err != nil {
		t.Fatal(err)
	}
	anyone := s.newReader(t)
	anyone.waitFor(articlePath, "Please keep my address private.")
	emailHash := fmt.Sprintf("%x", md5.Sum([]byte(secret)))
	for _, path := range []string{articlePath, articlePath + "/comments.rss", "/", "/rss.xml", "/atom.xml",
		"/sitemap.xml", "/news-sitemap.xml", "/api/v1/articles", fmt.Sprintf("/api/v1/articles/%d", s.article.ID)} {
		for _, who := range []*reader{anyone, r} {
			_, body := who.get(path)
			// The hash is what Gravatar-style avatars leak; the bare word
			// "md5" is not checked, since random form tokens contain it
			// now and then.
			for _, leak := range []string{secret, "private-mail", "hidden.person", "gravatar", emailHash} {
				if strings.Contains(strings.ToLower(body), leak) {
					t.Errorf("%s shows %q", path, leak)
				}
			}
		}
	}
	_, feed := anyone.get(articlePath + "/comments.rss")
	if !strings.Contains(feed, "Please keep my address private.") || !strings.Contains(feed, "Hidden Person") {
		t.Errorf("comments.rss lacks the approved comment:\n%s", feed)
	}
}

// xssVectors reads the table of cross-site scripting vectors.
func xssVectors(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "xss.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if len(out) < 60 {
		t.Fatalf("testdata/xss.txt holds %d vectors, want at least 60", len(out))
	}
	return out
}

// TestXSSVectorsAreInert posts every vector as name, website and text:
// through the form (whose errors echo them back) and, approved, in the
// thread and the comment feed. The pages must hold no element, attribute
// or address from them that a browser would act on.
func TestXSSVectorsAreInert(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 1000})
	ctx := context.Background()
	vectors := xssVectors(t)
	for i, v := range vectors {
		r := s.newReader(t)
		resp, page := r.post(fields(v, fmt.Sprintf("x%d@example.com", i), v, v))
		switch resp.StatusCode {
		case http.StatusSeeOther, http.StatusUnprocessableEntity:
		default:
			t.Errorf("vector %d %q: post answered %s", i, v, resp.Status)
		}
		checkInert(t, fmt.Sprintf("form echo of vector %d %q", i, v), page)
		// Stored directly too, with the website it had where it is a web
		// address, so that every vector reaches the thread.
		c := &herald.Comment{ArticleID: s.article.ID, AuthorName: v, AuthorEmail: fmt.Sprintf("y%d@example.com", i),
			Text: v, Status: herald.CommentApproved, Score: -1}
		if c.AuthorURL = "https://site.example/" + url.PathEscape(v); c.Validate() != nil {
			c.AuthorURL = ""
		}
		if err := s.store.AddComment(ctx, c); err != nil {
			t.Errorf("store vector %d: %v", i, err)
		}
	}
	r := s.newReader(t)
	_, approved, err := s.store.FindComments(ctx, herald.CommentFilter{Status: herald.CommentApproved})
	if err != nil || approved < len(vectors) {
		t.Fatalf("%d approved comments (%v), want at least the %d stored directly", approved, err, len(vectors))
	}
	page := r.waitFor(articlePath, fmt.Sprintf("%d comments", approved))
	checkInert(t, "thread", page)
	for _, v := range vectors[:5] {
		if !strings.Contains(page, html.EscapeString(v)) {
			t.Errorf("thread does not show %q as text", v)
		}
	}
	_, feed := r.get(articlePath + "/comments.rss")
	if strings.Contains(feed, "<script") || strings.Contains(feed, "<img") {
		t.Error("comments.rss carries live markup")
	}

	// The moderation queues show the same vectors, with the private fields.
	s.addModerator(t, "mod@site.example", "a long enough password")
	mod := s.newReader(t)
	if resp, _ := mod.postForm("/admin/signin", url.Values{"email": {"mod@site.example"}, "password": {"a long enough password"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %s", resp.Status)
	}
	for _, status := range []string{"pending", "approved"} {
		resp, page := mod.get("/admin/comments?status=" + status)
		if resp.StatusCode != 200 || (status == "approved" && !strings.Contains(page, "admin-comment")) {
			t.Fatalf("%s queue: %s", status, resp.Status)
		}
		checkInert(t, status+" queue", page)
	}
}

func TestRememberMe(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	forgetful, remembered := s.newReader(t), s.newReader(t)
	forgetful.post(fields("Fay", "fay@example.com", "https://fay.example/", "No cookie for me."))
	f := fields("Rem", "rem@example.com", "https://rem.example/", "Remember me.")
	f.Set("remember", "yes")
	remembered.post(f)
	u, _ := url.Parse(s.srv.URL)
	for _, ck := range forgetful.client.Jar.Cookies(u) {
		if ck.Name == "herald_author" {
			t.Error("the author cookie was set without the box ticked")
		}
	}
	// Once the held comment is dealt with, only the remembered name keeps
	// the page personal: the form comes filled in.
	list, _, _ := s.store.FindComments(context.Background(), herald.CommentFilter{})
	for _, c := range list {
		s.store.ModerateComments(context.Background(), herald.CommentAction{IDs: []int64{c.ID}, Status: herald.CommentTrash})
	}
	resp, page := remembered.get(articlePath)
	for _, want := range []string{`value="Rem"`, `value="rem@example.com"`, `value="https://rem.example/"`, `name="remember" type="checkbox" value="yes" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("remembered reader's form lacks %s", want)
		}
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Error("a page with a remembered email may be cached")
	}
	if _, page := forgetful.get(articlePath); strings.Contains(page, "fay@example.com") || strings.Contains(page, `value="Fay"`) {
		t.Error("the form remembers a reader who did not ask")
	}
	if _, page := s.newReader(t).get(articlePath); strings.Contains(page, "rem@example.com") {
		t.Error("the shared page shows a remembered email")
	}
}

// checkInert parses page as a browser would and reports any script other
// than the page's own JSON-LD, any event handler attribute, any active
// element, and any address with a scheme other than http(s) or mailto.
func checkInert(t *testing.T, what, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: parse: %v", what, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				if attr(n, "type") != "application/ld+json" {
					t.Errorf("%s: a <script> element", what)
				}
			case "iframe", "object", "embed", "svg", "math", "img", "video", "audio", "style", "base", "meta", "link", "frame", "template", "isindex", "keygen", "marquee", "details", "select", "xss", "x":
				if n.Data == "details" && attr(n, "class") == "admin-reply" {
					break // the queue's own "reply as the site"
				}
				if n.Data == "meta" || n.Data == "link" {
					if inBody(n) {
						t.Errorf("%s: a <%s> element in the body", what, n.Data)
					}
				} else {
					t.Errorf("%s: a <%s> element", what, n.Data)
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
				}
				if key == "href" || key == "src" || key == "action" || key == "data" || key == "background" {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if i := strings.Index(v, ":"); i >= 0 && !strings.HasPrefix(v, "http:") && !strings.HasPrefix(v, "https:") &&
						!strings.HasPrefix(v, "mailto:") && !strings.HasPrefix(v, "data:,") && !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "#") &&
						!strings.HasPrefix(v, "?") {
						t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func inBody(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "body" {
			return true
		}
	}
	return false
}
