package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	buildTimeout   = 5 * time.Minute  // go build ./cmd/herald
	startTimeout   = 60 * time.Second // until herald prints its URL
	stopTimeout    = 10 * time.Second // until herald exits after SIGTERM
	apiWait        = 30 * time.Second // until the demo world has one article of each licence
	browserBudget  = 5 * time.Minute  // the whole life of Chromium
	navTimeout     = 30 * time.Second // one page load
	stepTimeout    = 10 * time.Second // one wait for an element, one script
	shotTimeout    = 30 * time.Second // one full-page screenshot
	minFullWords   = 80               // a full article shows at least this much body
	maxExcerptWord = 70               // an excerpt shows the first ~60 words, no more than this
)

// licences are the three licensing modes of a source, and the order in which
// the test visits one article of each.
var licences = []string{"full", "excerpt", "headline"}

// viewport is a screen that every page is checked and photographed on.
type viewport struct {
	name          string
	width, height int64
	opts          []chromedp.EmulateViewportOption
}

var viewports = []viewport{
	{name: "desktop", width: 1280, height: 900},
	{name: "phone", width: 390, height: 844, opts: []chromedp.EmulateViewportOption{
		chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait,
	}},
}

// apiArticle is the part of an item of GET /api/v1/articles that the test reads.
type apiArticle struct {
	Slug        string `json:"slug"`
	URL         string `json:"url"`
	OriginalURL string `json:"original_url"`
	Title       string `json:"title"`
	Source      struct {
		Name string `json:"name"`
		Slug string `json:"slug"`
	} `json:"source"`
	Licence string `json:"licence"`
}

type apiPage struct {
	Items      []apiArticle `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// TestBrowser starts "herald serve --demo" and reads its home page and one
// article of each licence in Chromium, on a desktop and on a phone screen.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium(t)
	bin := buildHerald(t)
	srv := startHerald(t, bin)
	articles := chooseArticles(t, srv.url)
	shots := screenshotDir(t)
	b := newBrowser(t, chromium, srv)

	t.Run("home", func(t *testing.T) {
		for _, vp := range viewports {
			p := b.open(t, "home page /", "/", vp)
			if p == nil {
				continue
			}
			p.checkHome()
			p.screenshot(filepath.Join(shots, "home-"+vp.name+".png"))
			p.close()
		}
	})

	for _, licence := range licences {
		a := articles[licence]
		t.Run(licence, func(t *testing.T) {
			path := "/articles/" + a.Slug
			for _, vp := range viewports {
				p := b.open(t, fmt.Sprintf("%s article %s", licence, path), path, vp)
				if p == nil {
					continue
				}
				p.checkArticle(a)
				p.screenshot(filepath.Join(shots, "article-"+licence+"-"+vp.name+".png"))
				p.close()
			}
		})
	}

	t.Run("search", func(t *testing.T) {
		a := articles[licences[0]]
		word := longestWord(a.Title)
		for _, vp := range viewports {
			p := b.open(t, "search from the header", "/articles/"+a.Slug, vp)
			if p == nil {
				continue
			}
			p.checkRelated()
			p.search(word, a.Title)
			p.checkNoSidewaysScroll()
			p.screenshot(filepath.Join(shots, "search-"+vp.name+".png"))
			p.close()
		}
	})

	t.Run("developments", func(t *testing.T) {
		path := developmentsArticle(t, srv.url)
		for _, vp := range viewports {
			p := b.open(t, "latest developments on "+path, path, vp)
			if p == nil {
				continue
			}
			if p.waitVisible("aside.developments li a") {
				heading, _ := p.text("aside.developments h2", chromedp.Text[chromedp.CSS])
				if !strings.HasPrefix(normalize(heading), "Latest developments on ") {
					t.Errorf("%s: the box is headed %q", p.name, heading)
				}
			}
			p.checkNoSidewaysScroll()
			p.close()
		}
	})
}

// developmentsArticle returns the path of an article whose page must show
// a "Latest developments" box: the article behind the second point of the
// digest of the demo's largest topic (its own point is left out of its
// page, the first remains).
func developmentsArticle(t *testing.T, base string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	var topics struct {
		Items []struct {
			Slug     string `json:"slug"`
			Articles int    `json:"article_count"`
		} `json:"items"`
	}
	getAPI(t, client, base+"/api/v1/topics", &topics)
	slug, most := "", 0
	for _, tp := range topics.Items {
		if tp.Articles > most {
			slug, most = tp.Slug, tp.Articles
		}
	}
	var digest struct {
		Items []struct {
			ArticleURL string `json:"article_url"`
		} `json:"items"`
	}
	getAPI(t, client, base+"/api/v1/topics/"+slug+"/digest", &digest)
	if len(digest.Items) < 2 {
		t.Fatalf("the demo's largest topic %q (%d articles) has %d points; want at least 2", slug, most, len(digest.Items))
	}
	return strings.TrimPrefix(digest.Items[1].ArticleURL, base)
}

// getAPI reads one JSON document from the site's API into v.
func getAPI(t *testing.T, client *http.Client, url string, v any) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// longestWord returns the longest word of s, a query sure to find it.
func longestWord(s string) string {
	best := ""
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// checkRelated checks that the article ends with "You may also like",
// listing at least one other article.
func (p *page) checkRelated() {
	p.t.Helper()
	if !p.waitVisible("section.related li h3 a") {
		p.t.Errorf("%s: no visible \"You may also like\" item", p.name)
	}
}

// search types word into the header's search box, submits the form the
// way a reader without JavaScript would, and checks that the results
// list the article titled title, with the word marked.
func (p *page) search(word, title string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, navTimeout)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#site-q"), word))
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("#site-q")))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("ol.search-results")))
	}
	if err != nil {
		p.t.Errorf("%s: search for %q: %v", p.name, word, err)
		return
	}
	var titles []string
	var marks int
	if !p.eval(`[...document.querySelectorAll("ol.search-results h2")].map(h => h.textContent.trim())`, &titles) ||
		!p.eval(`document.querySelectorAll("ol.search-results mark").length`, &marks) {
		return
	}
	if !slices.Contains(titles, title) || marks == 0 {
		p.t.Errorf("%s: search for %q lists %q with %d marked words; want %q among them, marked", p.name, word, titles, marks, title)
	}
}

// findChromium returns the path of Debian's chromium, or skips the test when
// it is missing and HERALD_REQUIRE_BROWSER is not 1.
func findChromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("HERALD_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not installed, and HERALD_REQUIRE_BROWSER=1; apt-get install -y chromium")
		}
		t.Skip("chromium not installed; apt-get install -y chromium")
	}
	return path
}

// buildHerald builds ./cmd/herald into a temporary folder and returns the
// path of the binary. It skips the test while the command does not exist.
// HERALD_E2E_BIN names a binary to use instead, to debug the test itself.
func buildHerald(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatalf("find the module root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s has no go.mod: %v", root, err)
	}
	if bin := os.Getenv("HERALD_E2E_BIN"); bin != "" {
		t.Logf("HERALD_E2E_BIN: using %s instead of building ./cmd/herald", bin)
		return bin
	}
	if files, _ := filepath.Glob(filepath.Join(root, "cmd", "herald", "*.go")); len(files) == 0 {
		t.Skip("cmd/herald does not exist yet: no binary to drive")
	}
	bin := filepath.Join(t.TempDir(), "herald")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/herald")
	cmd.Dir = root
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/herald: %v\n%s", err, out)
	}
	t.Logf("built %s in %s", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// server is a running "herald serve --demo".
type server struct {
	url  string // as herald printed it, such as http://127.0.0.1:41231
	host string // host:port of url
}

// startHerald starts the binary on a free loopback port with a fresh
// database, and stops it with SIGTERM when the test ends.
func startHerald(t *testing.T, bin string) *server {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "herald.db"))
	cmd.Dir = dir
	firstLine := make(chan string, 1)
	cmd.Stdout = &lineLogger{t: t, prefix: "herald stdout: ", first: firstLine}
	cmd.Stderr = &lineLogger{t: t, prefix: "herald stderr: "}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s serve --demo: %v", bin, err)
	}
	done := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(done)
	}()
	stopped := false
	t.Cleanup(func() {
		if stopped {
			return
		}
		select {
		case <-done:
			t.Errorf("herald exited before the test stopped it: %v", waitErr)
			return
		default:
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("send SIGTERM to herald: %v", err)
		}
		select {
		case <-done:
			if waitErr != nil {
				t.Errorf("herald did not stop cleanly on SIGTERM: %v", waitErr)
			}
		case <-time.After(stopTimeout):
			t.Errorf("herald still running %s after SIGTERM; killing it", stopTimeout)
			_ = cmd.Process.Kill() // the error is reported above; Kill only cleans up
			<-done
		}
	})

	var line string
	select {
	case line = <-firstLine:
	case <-done:
		stopped = true
		t.Fatalf("herald serve --demo exited before it printed its URL: %v", waitErr)
	case <-time.After(startTimeout):
		t.Fatalf("herald serve --demo printed no line on stdout within %s", startTimeout)
	}
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil || u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		t.Fatalf("first line of herald's stdout is %q; want the URL it listens on, such as http://127.0.0.1:41231", line)
	}
	srv := &server{url: strings.TrimSuffix(u.String(), "/"), host: u.Host}
	t.Logf("herald listens on %s", srv.url)
	return srv
}

// lineLogger writes what a process prints into the test log, a line at a
// time, and sends the first line to first, when first is not nil.
type lineLogger struct {
	t      *testing.T
	prefix string
	first  chan<- string

	mu   sync.Mutex // mu guards buf and sent
	buf  []byte
	sent bool
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(l.buf[:i]), "\r")
		l.buf = l.buf[i+1:]
		if l.first != nil && !l.sent {
			l.sent = true
			l.first <- line
		}
		l.t.Log(l.prefix + line)
	}
	return len(p), nil
}

// chooseArticles pages through GET /api/v1/articles until it has one article
// of each licence. It waits a while for the demo world to fill.
func chooseArticles(t *testing.T, base string) map[string]apiArticle {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(apiWait)
	for {
		chosen, seen, err := scanArticles(client, base)
		if err != nil {
			t.Fatal(err)
		}
		if len(chosen) == len(licences) {
			for _, licence := range licences {
				a := chosen[licence]
				t.Logf("%s article: /articles/%s %q from %s (%s)", licence, a.Slug, a.Title, a.Source.Name, a.OriginalURL)
			}
			return chosen
		}
		if time.Now().After(deadline) {
			var missing []string
			for _, licence := range licences {
				if _, ok := chosen[licence]; !ok {
					missing = append(missing, licence)
				}
			}
			t.Fatalf("GET %s/api/v1/articles listed %d articles after %s, and none with licence %s; the demo world needs one of each",
				base, seen, apiWait, strings.Join(missing, ", "))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// scanArticles reads every page of the article list, and returns the first
// usable article of each licence and the number of articles listed.
func scanArticles(client *http.Client, base string) (map[string]apiArticle, int, error) {
	chosen := make(map[string]apiArticle)
	seen := 0
	cursor := ""
	for range 100 { // at most 100 pages of 100
		u := base + "/api/v1/articles?limit=100"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		page, err := getArticles(client, u)
		if err != nil {
			return nil, 0, err
		}
		seen += len(page.Items)
		for _, a := range page.Items {
			if _, ok := chosen[a.Licence]; ok || !slices.Contains(licences, a.Licence) {
				continue
			}
			if a.Slug == "" || a.Title == "" || a.OriginalURL == "" || a.Source.Name == "" {
				return nil, 0, fmt.Errorf("GET %s: %s article %+v lacks a slug, title, original_url or source name", u, a.Licence, a)
			}
			chosen[a.Licence] = a
		}
		if len(chosen) == len(licences) || page.NextCursor == "" || len(page.Items) == 0 {
			break
		}
		cursor = page.NextCursor
	}
	return chosen, seen, nil
}

func getArticles(client *http.Client, u string) (*apiPage, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read body: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %s: %.500s", u, resp.Status, body)
	}
	var page apiPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("GET %s: decode JSON: %w: %.500s", u, err, body)
	}
	return &page, nil
}

// screenshotDir returns the folder named by HERALD_SCREENSHOTS, made if need
// be, or a temporary folder.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("HERALD_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("HERALD_SCREENSHOTS: %v", err)
	}
	return dir
}

// browser is one headless Chromium for the whole test.
type browser struct {
	ctx context.Context // has run once, so that Chromium is up
	srv *server
}

func newBrowser(t *testing.T, chromium string, srv *server) *browser {
	t.Helper()
	budget, cancelBudget := context.WithTimeout(context.Background(), browserBudget)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium-profile")),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(budget, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// Close Chromium before t.TempDir removes its profile.
		_ = chromedp.Cancel(ctx) // a failed graceful close is cleaned up below
		cancelCtx()
		cancelAlloc()
		cancelBudget()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return &browser{ctx: ctx, srv: srv}
}

// page is one tab that shows one page of Herald on one viewport.
type page struct {
	t      *testing.T
	name   string // what the failure messages call the page, such as "full article /articles/x (phone)"
	ctx    context.Context
	cancel context.CancelFunc
	watch  *watcher
}

// open opens a tab, sets its viewport, loads path and checks that the answer
// is 200. It returns nil, having reported why, when the page does not load.
func (b *browser) open(t *testing.T, name, path string, vp viewport) *page {
	t.Helper()
	w := &watcher{host: b.srv.host}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(w.listen))
	p := &page{t: t, name: fmt.Sprintf("%s (%s %dx%d)", name, vp.name, vp.width, vp.height), ctx: ctx, cancel: cancel, watch: w}
	if err := chromedp.Do(ctx); err != nil {
		t.Errorf("%s: open a tab: %v", p.name, err)
		cancel()
		return nil
	}
	sctx, scancel := context.WithTimeout(ctx, stepTimeout)
	err := chromedp.Do(sctx, chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
	scancel()
	if err != nil {
		t.Errorf("%s: set the viewport: %v", p.name, err)
		cancel()
		return nil
	}
	nctx, ncancel := context.WithTimeout(ctx, navTimeout)
	resp, err := chromedp.Run(nctx, chromedp.NavigateResponse(b.srv.url+path))
	ncancel()
	if err != nil {
		t.Errorf("%s: load %s%s: %v", p.name, b.srv.url, path, err)
		cancel()
		return nil
	}
	if resp == nil || resp.Status != http.StatusOK {
		status := "no response"
		if resp != nil {
			status = fmt.Sprintf("%d %s", resp.Status, resp.StatusText)
		}
		t.Errorf("%s: GET %s%s answered %s, want 200", p.name, b.srv.url, path, status)
		cancel()
		return nil
	}
	return p
}

// close reports what the watcher saw, then closes the tab.
func (p *page) close() {
	p.t.Helper()
	// Let late scripts and requests of the page show themselves.
	sctx, scancel := context.WithTimeout(p.ctx, stepTimeout)
	_ = chromedp.Do(sctx, chromedp.Sleep(300*time.Millisecond)) // only a pause
	scancel()
	for _, problem := range p.watch.problems() {
		p.t.Errorf("%s: %s", p.name, problem)
	}
	p.cancel()
}

// checkHome checks that the home page shows a heading or a list of articles.
func (p *page) checkHome() {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.Poll[bool](jsHomeVisible,
		chromedp.WithPollingTimeout(stepTimeout-time.Second), chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil || !ok {
		p.t.Errorf("%s: no visible h1 and no visible li in ol.article-list within %s (%v)", p.name, stepTimeout, err)
	}
	p.checkNoSidewaysScroll()
}

// checkArticle checks the parts of an article page that its licence asks for.
func (p *page) checkArticle(a apiArticle) {
	p.t.Helper()

	if p.waitVisible("h1.headline") {
		headline, _ := p.text("h1.headline", chromedp.TextContent[chromedp.CSS])
		if normalize(headline) != normalize(a.Title) {
			p.t.Errorf("%s: h1.headline reads %q, want the article's title %q", p.name, normalize(headline), normalize(a.Title))
		}
	}

	if p.waitVisible("p.attribution") {
		text, _ := p.text("p.attribution", chromedp.Text[chromedp.CSS])
		for _, want := range []string{"Source:", a.Source.Name, "originally appeared at"} {
			if !strings.Contains(text, want) {
				p.t.Errorf("%s: p.attribution reads %q; it lacks %q", p.name, text, want)
			}
		}
		p.wantLink("p.attribution", a.OriginalURL)
	}

	switch a.Licence {
	case "full":
		if p.waitVisible("div.article-body") {
			body, _ := p.text("div.article-body", chromedp.Text[chromedp.CSS])
			if n := len(strings.Fields(body)); n < minFullWords {
				p.t.Errorf("%s: div.article-body shows %d words, want at least %d for a full article: %q", p.name, n, minFullWords, body)
			}
		}
		var canonical []link
		if p.eval(jsCanonicalLinks, &canonical) {
			switch {
			case len(canonical) == 0:
				p.t.Errorf("%s: no <link rel=canonical> in the head; a full article must point at its original %s", p.name, a.OriginalURL)
			case len(canonical) > 1:
				p.t.Errorf("%s: %d <link rel=canonical> in the head (%v), want one, to %s", p.name, len(canonical), canonical, a.OriginalURL)
			case !canonical[0].is(a.OriginalURL):
				p.t.Errorf("%s: <link rel=canonical> points at %q, want the original %s", p.name, canonical[0].Raw, a.OriginalURL)
			}
		}

	case "excerpt":
		var cont string
		if p.waitVisible("p.continue") {
			cont, _ = p.text("p.continue", chromedp.Text[chromedp.CSS])
			for _, want := range []string{"Continue reading at", a.Source.Name} {
				if !strings.Contains(cont, want) {
					p.t.Errorf("%s: p.continue reads %q; it lacks %q", p.name, cont, want)
				}
			}
			p.wantLink("p.continue", a.OriginalURL)
		}
		if p.waitVisible("div.article-body") {
			body, _ := p.text("div.article-body", chromedp.Text[chromedp.CSS])
			if cont != "" {
				body = strings.Replace(body, cont, "", 1) // p.continue may sit inside the body
			}
			switch n := len(strings.Fields(body)); {
			case n == 0:
				p.t.Errorf("%s: div.article-body is empty; an excerpt shows the first words", p.name)
			case n > maxExcerptWord:
				p.t.Errorf("%s: div.article-body shows %d words, want at most %d for an excerpt: %q", p.name, n, maxExcerptWord, body)
			}
		}

	case "headline":
		var n int
		if p.eval(`document.querySelectorAll("div.article-body").length`, &n) && n != 0 {
			p.t.Errorf("%s: has %d div.article-body, want none: a headline-only source allows no body", p.name, n)
		}
	}

	p.checkNoSidewaysScroll()
}

// checkNoSidewaysScroll checks that the page fits the width of the screen.
func (p *page) checkNoSidewaysScroll() {
	p.t.Helper()
	var widths struct {
		Scroll int `json:"scroll"`
		Client int `json:"client"`
	}
	if p.eval(`({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})`, &widths) &&
		widths.Scroll > widths.Client+1 {
		p.t.Errorf("%s: the page is %dpx wide on a %dpx screen, so a reader must scroll sideways", p.name, widths.Scroll, widths.Client)
	}
}

// waitVisible waits until the first element that matches sel is visible. It
// reports whether it is missing or hidden when it does not become visible.
func (p *page) waitVisible(sel string) bool {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	if err == nil {
		return true
	}
	var present bool
	if !p.eval(fmt.Sprintf("document.querySelector(%q) !== null", sel), &present) {
		return false
	}
	if present {
		p.t.Errorf("%s: %s is in the page but not visible after %s (%v)", p.name, sel, stepTimeout, err)
	} else {
		p.t.Errorf("%s: no %s in the page", p.name, sel)
	}
	return false
}

// text reads the text of the first element that matches sel with read,
// which is chromedp.Text for the rendered text or chromedp.TextContent.
func (p *page) text(sel string, read func(chromedp.CSS, ...chromedp.QueryOption) chromedp.Action[string]) (string, bool) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, read(chromedp.CSS(sel)))
	if err != nil {
		p.t.Errorf("%s: read the text of %s: %v", p.name, sel, err)
		return "", false
	}
	return normalize(s), true
}

// wantLink checks that the element sel holds a link to target.
func (p *page) wantLink(sel, target string) {
	p.t.Helper()
	var links []link
	script := fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(a => ({raw: a.getAttribute("href"), abs: a.href}))`, sel+" a[href]")
	if !p.eval(script, &links) {
		return
	}
	for _, l := range links {
		if l.is(target) {
			return
		}
	}
	p.t.Errorf("%s: %s has no link to the original %s; its links: %v", p.name, sel, target, links)
}

// eval runs a script in the page and decodes its JSON value into v.
func (p *page) eval(script string, v any) bool {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](script))
	if err != nil {
		p.t.Errorf("%s: run %s: %v", p.name, script, err)
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		p.t.Errorf("%s: decode the result of %s: %v: %s", p.name, script, err, raw)
		return false
	}
	return true
}

// screenshot writes a PNG of the whole page into path.
func (p *page) screenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, shotTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Errorf("%s: screenshot: %v", p.name, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Errorf("%s: write screenshot: %v", p.name, err)
		return
	}
	p.t.Logf("%s: screenshot %s", p.name, path)
}

// link is the href of an <a> or a <link>, as written and as resolved.
type link struct {
	Raw string `json:"raw"`
	Abs string `json:"abs"`
}

func (l link) is(target string) bool {
	return sameURL(l.Raw, target) || sameURL(l.Abs, target)
}

func (l link) String() string { return l.Raw }

// sameURL reports whether a and b name the same absolute URL, taking an
// empty path as "/" and the scheme and host in any case.
func sameURL(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == b {
		return a != ""
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || !ua.IsAbs() || !ub.IsAbs() {
		return false
	}
	for _, u := range []*url.URL{ua, ub} {
		u.Scheme = strings.ToLower(u.Scheme)
		u.Host = strings.ToLower(u.Host)
		if u.Path == "" {
			u.Path = "/"
		}
	}
	return ua.String() == ub.String()
}

// normalize collapses runs of white space into one space.
func normalize(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// watcher collects what a tab must not do: log an error, throw an uncaught
// exception, or ask a host other than Herald's for anything.
type watcher struct {
	host string // host:port of Herald

	mu   sync.Mutex // mu guards seen
	seen []string
}

// listen runs in chromedp's event loop, so it only records.
func (w *watcher) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, arg := range ev.Args {
				args = append(args, remoteString(arg))
			}
			problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *cdpruntime.EventExceptionThrown:
		problem = "uncaught exception: " + exceptionString(ev.ExceptionDetails)
	case *cdplog.EventEntryAdded:
		if ev.Entry != nil && ev.Entry.Level == cdplog.EntryLevelError {
			problem = fmt.Sprintf("browser log error (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		if ev.Request != nil && !w.ownRequest(ev.Request.URL) {
			problem = fmt.Sprintf("request to a third party (%s): %s", ev.Type, ev.Request.URL)
		}
	}
	if problem == "" {
		return
	}
	w.mu.Lock()
	w.seen = append(w.seen, problem)
	w.mu.Unlock()
}

// ownRequest reports whether a request for u stays on Herald's host or in
// the page (data:, blob:, about:).
func (w *watcher) ownRequest(u string) bool {
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch parsed.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https", "ws", "wss":
		return parsed.Host == w.host
	}
	return false
}

func (w *watcher) problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.seen)
}

// drain returns what the watcher saw since the last drain, and forgets it.
func (w *watcher) drain() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen
	w.seen = nil
	return seen
}

func remoteString(o *cdpruntime.RemoteObject) string {
	switch {
	case o == nil:
		return "<nil>"
	case len(o.Value) > 0:
		var s string
		if err := json.Unmarshal(o.Value, &s); err == nil {
			return s
		}
		return string(o.Value)
	case o.Description != "":
		return o.Description
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	}
	return string(o.Type)
}

func exceptionString(d *cdpruntime.ExceptionDetails) string {
	if d == nil {
		return "<no details>"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		return s + ": " + d.Exception.Description // the description holds the stack
	}
	if d.URL != "" {
		s += fmt.Sprintf(" at %s:%d:%d", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return s
}

// jsHomeVisible is true when the home page shows an h1 or an item of the
// article list.
const jsHomeVisible = `(() => {
	const visible = (e) => {
		if (!e) return false;
		const r = e.getBoundingClientRect();
		const s = getComputedStyle(e);
		return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
	};
	return visible(document.querySelector("h1")) ||
		Array.from(document.querySelectorAll("ol.article-list > li")).some(visible);
})()`

// jsCanonicalLinks lists the canonical links of the head.
const jsCanonicalLinks = `Array.from(document.head.querySelectorAll('link[rel~="canonical" i]')).map(l => ({raw: l.getAttribute("href"), abs: l.href}))`
