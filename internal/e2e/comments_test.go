package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
)

const (
	modEmail    = "moderator@herald.test"
	modPassword = "correct horse battery staple"
	fillWait    = 3500 * time.Millisecond // longer than the form's minimum fill time
)

// TestCommentsInBrowser posts a comment on a demo article in Chromium, sees
// it held, approves it in /admin/comments after signing in, sees it on the
// article, then replies to it and sees the reply nested. Along the way no
// page shows the commenter's email and no dialog opens.
func TestCommentsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium(t)
	bin := buildHerald(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	addModerator(t, bin, db)
	srv := startHeraldWith(t, bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", db, "--comment-rate", "20")
	a := chooseArticles(t, srv.url)["full"]
	path := "/articles/" + a.Slug
	b := newBrowser(t, chromium, srv)
	tab := openTab(t, b, "comments")
	defer tab.close()

	// A reader comments.
	const email = "first.reader@private.example"
	tab.navigate(path)
	tab.fillComment("First Reader", email, "https://reader.example/", "The harbour wall will need upkeep.\n\nWho pays for it?")
	tab.submit("button.submit")
	tab.wantText("#comments .moderation-notice", "Your comment is awaiting moderation")
	tab.wantText("#comments .comment.held", "Who pays for it?")
	if body := httpGet(t, srv.url+path); strings.Contains(body, "Who pays for it?") {
		t.Error("another reader sees the held comment")
	}

	// A moderator signs in and approves it.
	tab.navigate("/admin/signin")
	tab.do(chromedp.SendKeys(chromedp.ID("email"), modEmail), chromedp.SendKeys(chromedp.ID("password"), modPassword))
	tab.submit(`form[action="/admin/signin"] button`)
	tab.wantText("ul.admin-tabs", "Pending (1)")
	tab.wantText("ol.admin-list", email)
	tab.submit(`ol.admin-list button[value^="approve:"]`)
	tab.wantText("ul.admin-tabs", "Pending (0)")

	// Everyone sees it now.
	tab.navigate(path)
	tab.wantText("#comments .comment.depth-0", "Who pays for it?")
	var held int
	tab.eval(`document.querySelectorAll("#comments .moderation-notice").length`, &held)
	if held != 0 {
		t.Errorf("the approved comment is still marked as awaiting moderation")
	}
	body := httpGet(t, srv.url+path)
	if !strings.Contains(body, "Who pays for it?") {
		t.Error("the approved comment is not on the shared page")
	}

	// A second reader replies; the moderator approves; the reply is nested.
	tab.submit("#comments .comment.depth-0 .reply a")
	tab.wantText("#reply-title", "Reply to First Reader")
	tab.fillComment("Second Reader", "second.reader@private.example", "", "The council does, from the harbour fees.")
	tab.submit("button.submit")
	tab.wantText("#comments .comment.held", "harbour fees")
	tab.navigate("/admin/comments")
	tab.submit(`ol.admin-list button[value^="approve:"]`)
	tab.navigate(path)
	tab.wantText("#comments .comment.depth-1", "harbour fees")
	var indent struct{ Parent, Reply float64 }
	tab.eval(`({parent: document.querySelector("#comments .comment.depth-0").getBoundingClientRect().left,
		reply: document.querySelector("#comments .comment.depth-1").getBoundingClientRect().left})`, &indent)
	if indent.Reply <= indent.Parent {
		t.Errorf("the reply starts at %.0fpx, its parent at %.0fpx; want the reply indented", indent.Reply, indent.Parent)
	}

	var source string
	tab.eval(`document.documentElement.outerHTML`, &source)
	for _, text := range []string{source, httpGet(t, srv.url+path), httpGet(t, srv.url+path+"/comments.rss"),
		httpGet(t, srv.url+"/api/v1/articles"), httpGet(t, srv.url+"/rss.xml")} {
		if strings.Contains(text, "private.example") {
			t.Error("a commenter's email is published")
		}
	}
	tab.screenshot(filepath.Join(screenshotDir(t), "comments-desktop.png"))
}

// TestXSSInBrowser stores every vector of the web package's table as an
// approved comment's name, website and text, and posts one form that
// echoes them back; Chromium opens no dialog and runs none of them.
func TestXSSInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium(t)
	bin := buildHerald(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	srv := startHeraldWith(t, bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", db, "--comment-rate", "20")
	a := chooseArticles(t, srv.url)["full"]
	path := "/articles/" + a.Slug
	vectors := readVectors(t)

	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	article, err := store.FindArticleBySlug(context.Background(), a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vectors {
		c := &herald.Comment{ArticleID: article.ID, AuthorName: v, AuthorEmail: fmt.Sprintf("v%d@example.com", i),
			AuthorURL: "https://site.example/" + url.PathEscape(v), Text: v, Status: herald.CommentApproved, Score: -1}
		if c.Validate() != nil {
			c.AuthorURL = ""
		}
		if err := store.AddComment(context.Background(), c); err != nil {
			t.Fatalf("store vector %d: %v", i, err)
		}
	}
	want := fmt.Sprintf("%d comments", len(vectors))
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(httpGet(t, srv.url+path), want); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the article never showed %q", want)
		}
	}

	b := newBrowser(t, chromium, srv)
	tab := openTab(t, b, "xss")
	defer tab.close()
	tab.navigate(path)
	tab.checkNothingRan("thread")

	// The form, sent with every vector and an invalid email, comes back
	// with all of it in its fields.
	tab.fillComment(vectors[8], "not an email", "javascript:alert(1)", strings.Join(vectors, "\n\n"))
	tab.submit("button.submit")
	tab.wantText(".comment-form", "Email must be an address")
	tab.checkNothingRan("form echo")
	tab.screenshot(filepath.Join(screenshotDir(t), "comments-xss.png"))
}

// checkNothingRan fails when a dialog opened, a vector's marker was set,
// or an element or attribute that runs code is in the comments.
func (p *tab) checkNothingRan(what string) {
	p.t.Helper()
	p.do(chromedp.Sleep(time.Second)) // let anything that would run, run
	if n := p.dialogs(); n > 0 {
		p.t.Errorf("%s: %d JavaScript dialog(s) opened", what, n)
	}
	var found []string
	p.eval(`(() => {
		const bad = [];
		if (window.__xss !== undefined) bad.push("window.__xss is set");
		const root = document.querySelector("#comments");
		for (const el of root.querySelectorAll("*")) {
			const tag = el.tagName.toLowerCase();
			if (["script","iframe","object","embed","svg","math","img","video","audio","style","base","link","meta","template","form"].includes(tag) && !el.matches(".comment-form")) bad.push("<" + tag + ">");
			for (const a of el.attributes) {
				const v = a.value.trim().toLowerCase();
				if (a.name.startsWith("on") || a.name === "style" || a.name === "srcdoc") bad.push(tag + " " + a.name);
				if (["href","src","action","formaction"].includes(a.name) && /^[a-z][a-z0-9+.-]*:/.test(v) && !/^(https?|mailto):/.test(v)) bad.push(tag + " " + a.name + "=" + v);
			}
		}
		return bad;
	})()`, &found)
	for _, f := range found {
		p.t.Errorf("%s: %s in the comments", what, f)
	}
}

func readVectors(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "web", "testdata", "xss.txt"))
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
		t.Fatalf("%d vectors, want at least 60", len(out))
	}
	return out
}

// addModerator adds the moderator the comment tests sign in as.
func addModerator(t *testing.T, bin, db string) {
	t.Helper()
	addUser(t, bin, db, modEmail, "moderator", modPassword)
}

// addUser runs "herald user add" on db, the password on stdin.
func addUser(t *testing.T, bin, db, email, role, password string) {
	t.Helper()
	cmd := exec.Command(bin, "user", "add", email, "--role", role, "--db", db)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("herald user add: %v\n%s", err, out)
	}
}

// startHeraldWith starts the binary with args, which must make it listen
// on a port it prints first, and stops it with SIGTERM when the test ends.
func startHeraldWith(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = t.TempDir()
	first := make(chan string, 1)
	cmd.Stdout = &lineLogger{t: t, prefix: "herald stdout: ", first: first}
	cmd.Stderr = &lineLogger{t: t, prefix: "herald stderr: "}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start herald: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(stopTimeout):
			cmd.Process.Kill()
			<-done
		}
	})
	select {
	case line := <-first:
		u, err := url.Parse(strings.TrimSpace(line))
		if err != nil || u.Host == "" {
			t.Fatalf("herald printed %q, not its URL", line)
		}
		return &server{url: strings.TrimSuffix(u.String(), "/"), host: u.Host}
	case <-done:
		t.Fatal("herald exited before printing its URL")
	case <-time.After(startTimeout):
		t.Fatalf("herald printed nothing within %s", startTimeout)
	}
	return nil
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// tab is one Chromium tab driven step by step, watched like the pages of
// TestBrowser and counting JavaScript dialogs.
type tab struct {
	t      *testing.T
	name   string
	srv    *server
	ctx    context.Context
	cancel context.CancelFunc
	watch  *watcher

	mu     sync.Mutex // mu guards opened
	opened int
}

func openTab(t *testing.T, b *browser, name string) *tab {
	t.Helper()
	p := &tab{t: t, name: name, srv: b.srv, watch: &watcher{host: b.srv.host}}
	var ctx context.Context
	ctx, p.cancel = chromedp.NewContext(b.ctx, chromedp.WithListener(func(ev any) {
		if ev, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			p.mu.Lock()
			p.opened++
			p.mu.Unlock()
			t.Logf("%s: dialog opened: %q", name, ev.Message)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
			return
		}
		p.watch.listen(ev)
	}))
	p.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: open a tab: %v", name, err)
	}
	return p
}

func (p *tab) dialogs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.opened
}

func (p *tab) close() {
	p.t.Helper()
	for _, problem := range p.watch.problems() {
		// A form sent back with its errors answers 422, which Chromium logs.
		if !strings.Contains(problem, "status of 422") {
			p.t.Errorf("%s: %s", p.name, problem)
		}
	}
	p.cancel()
}

func (p *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", p.name, err)
	}
}

func (p *tab) navigate(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, navTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.srv.url+path))
	if err != nil || resp == nil || resp.Status != http.StatusOK {
		p.t.Fatalf("%s: load %s: %v %v", p.name, path, err, resp)
	}
}

// fillComment types into the comment form, waiting first so that the
// form has been on screen for longer than its minimum fill time.
func (p *tab) fillComment(name, email, website, text string) {
	p.t.Helper()
	// The values go in through a script: chromedp's SetValue refuses an
	// empty one, and typing thousands of characters is slow. The browser's
	// own checks are switched off, since the server's are under test.
	var done bool
	p.eval(fmt.Sprintf(`(() => {
		const f = document.querySelector("form.comment-form");
		f.noValidate = true;
		f.comment.value = %s; f.author.value = %s; f.email.value = %s; f.url.value = %s;
		return true;
	})()`, jsString(text), jsString(name), jsString(email), jsString(website)), &done)
	p.do(chromedp.Sleep(fillWait))
}

// submit clicks sel and waits for the page it leads to.
func (p *tab) submit(sel string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, navTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("%s: click %s: %v", p.name, sel, err)
	}
}

// wantText waits until sel is visible and its text holds want.
func (p *tab) wantText(sel, want string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	var text string
	for {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil && strings.Contains(normalize(s), want) {
			return
		}
		if ctx.Err() != nil {
			url, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.href`)) // only for the message
			p.t.Fatalf("%s: %s reads %q (%v), want %q (at %s)", p.name, sel, text, err, want, url)
		}
		text = normalize(s)
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *tab) eval(script string, v any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](script))
	if err != nil {
		p.t.Fatalf("%s: run %s: %v", p.name, script, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		p.t.Fatalf("%s: decode %s: %v", p.name, raw, err)
	}
}

func (p *tab) screenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, shotTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Errorf("%s: screenshot: %v", p.name, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Errorf("%s: %v", p.name, err)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
