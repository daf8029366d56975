package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/demo"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/sqlite"
)

const (
	editorEmail = "editor@herald.test"
	adminEmail  = "admin@herald.test"
	deskWait    = 30 * time.Second // until the demo world is in, or an added outlet's articles arrive
	// nodeLag bounds how long a second node takes to see a change made on
	// the first: it polls the store's change version every second.
	nodeLag = 3 * time.Second
	// deskOutlet is the demo outlet the editor adds through the desk; it
	// is stored paused before the demo starts, so that nothing of it has
	// arrived when the editor adds it.
	deskOutlet = "The Lowland Observer"
	// pinTopic is the demo topic whose digest the editor pins a point of.
	pinTopic = "Tallybridge data breach"
	// newTopicMatch is the rule of the topic the editor writes: a handful
	// of the demo's articles, none of them pinTopic's.
	newTopicName, newTopicMatch = "Corvane and the buses", "Corvane"
)

// TestDeskInBrowser runs the newsroom desk (/admin) in Chromium against
// "herald serve --demo" on SQLite and on PostgreSQL: an editor signs in,
// adds an outlet through the preview and sees its articles arrive, writes
// a topic and sees its preview, pins a development and sees it on an
// article page, splits an article out of its story, unpublishes one and
// gets 410 for it, and finds each action in the audit log; a moderator
// gets 403 on the sources page and a visitor is sent to sign in. On
// PostgreSQL a second node on the same database answers 410 for the
// unpublished article within nodeLag. Every page visited is checked like
// a Lighthouse audit: a label for each field, no console errors, and no
// serious or critical axe-core violation (HERALD_AXE).
func TestDeskInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium(t)
	axe := axeScript(t)
	bin := buildHerald(t)
	t.Run("SQLite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		testDesk(t, chromium, bin, axe, db, false, func(ctx context.Context) (herald.Store, error) { return sqlite.Open(ctx, db) })
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := postgresSchema(t)
		testDesk(t, chromium, bin, axe, dsn, true, func(ctx context.Context) (herald.Store, error) { return postgres.Open(ctx, dsn) })
	})
}

// axeScript returns the text of axe-core's axe.min.js, from the file
// HERALD_AXE names or from where .ci/run installs it, or "" when it is
// missing: the axe checks are then skipped, unless HERALD_REQUIRE_BROWSER=1.
func axeScript(t *testing.T) string {
	t.Helper()
	path := os.Getenv("HERALD_AXE")
	if path == "" {
		if cache, err := os.UserCacheDir(); err == nil {
			path = filepath.Join(cache, "herald-axe", "node_modules", "axe-core", "axe.min.js")
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		const how = "npm install --prefix ~/.cache/herald-axe axe-core@4, or set HERALD_AXE to its axe.min.js"
		if os.Getenv("HERALD_REQUIRE_BROWSER") == "1" {
			t.Fatalf("axe-core not found (%v), and HERALD_REQUIRE_BROWSER=1; %s", err, how)
		}
		t.Logf("axe-core not found (%v): the axe checks are skipped; %s", err, how)
		return ""
	}
	return string(b)
}

// deskArticle is the part of an item of GET /api/v1/articles the desk
// test reads.
type deskArticle struct {
	ID      int64     `json:"id"`
	Slug    string    `json:"slug"`
	Title   string    `json:"title"`
	StoryID *int64    `json:"story_id"`
	Topics  []slugged `json:"topics"`
}

// slugged is anything of the API's that the test knows by its slug.
type slugged struct {
	Slug string `json:"slug"`
}

func (a deskArticle) inTopic(slug string) bool {
	return slices.Contains(a.Topics, slugged{Slug: slug})
}

func testDesk(t *testing.T, chromium, bin, axe, db string, twoNodes bool, open func(context.Context) (herald.Store, error)) {
	password := map[string]string{editorEmail: "editor's long passphrase", modEmail: modPassword, adminEmail: "admin's long passphrase"}
	addUser(t, bin, db, editorEmail, "editor", password[editorEmail])
	addUser(t, bin, db, modEmail, "moderator", password[modEmail])
	addUser(t, bin, db, adminEmail, "admin", password[adminEmail])
	outlet := storePausedOutlet(t, open)
	srv := startHeraldWith(t, bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--db", db)
	articles := waitForDemo(t, srv.url)
	var node2 *server
	if twoNodes {
		node2 = startHeraldWith(t, bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--follow=false")
	}
	shots := ""
	if !twoNodes { // one set of screenshots is enough
		shots = screenshotDir(t)
	}
	tab := openTab(t, newBrowser(t, chromium, srv), "desk")
	defer tab.close()
	d := &deskTab{tab: tab, axe: axe}
	// Public pages may be kept a minute by a browser (max-age=60); the
	// test reloads them to see what the server answers now.
	if _, err := chromedp.Call(tab.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}

	// A visitor is sent to sign in; the editor signs in.
	d.load("/admin/sources", http.StatusOK)
	if path := d.path(); path != "/admin/signin" {
		t.Errorf("a signed-out visitor asking for /admin/sources is at %s, want /admin/signin", path)
	}
	d.check("sign-in", 0)
	d.signIn(editorEmail, password[editorEmail])
	d.wantText("h1", "Dashboard")
	d.check("dashboard", 0)

	// The outlet, stored paused, is removed and added back through the
	// preview; its articles arrive.
	slug := herald.Slugify(outlet.Name)
	d.load("/admin/sources", http.StatusOK)
	d.wantText("table.desk-table", outlet.Name)
	d.check("sources", 0)
	d.load("/admin/sources/"+slug, http.StatusOK)
	d.check("source editor", 0)
	d.do(chromedp.SendKeys(chromedp.ID("confirm"), slug))
	d.submit(`button[value="remove"]`)
	d.wantText(".form-notice", "Removed")
	d.load("/admin/sources/new", http.StatusOK)
	d.do(chromedp.SendKeys(chromedp.ID("url"), outlet.Homepage), chromedp.SetValue(chromedp.ID("licence"), outlet.Licence))
	d.submit(`button[value="preview"]`)
	d.wantText(".desk-preview", "What Herald found")
	var items int
	d.eval(`document.querySelectorAll(".desk-preview ol.admin-list > li b").length`, &items)
	if items == 0 {
		t.Errorf("the preview of %s shows no item", outlet.Homepage)
	}
	d.check("source preview", 0)
	d.screenshot(shots, "desk-source-preview.png")
	d.submit(`button[value="add"]`)
	d.wantText(".form-notice", "Added "+outlet.Name)
	began := time.Now()
	d.poll("/sources/"+slug, `document.querySelectorAll("ol.article-list > li").length > 0`,
		fmt.Sprintf("%s's articles on /sources/%s", outlet.Name, slug))
	t.Logf("%s's articles arrived %s after it was added", outlet.Name, time.Since(began).Round(time.Millisecond))

	// A topic, with its preview.
	d.load("/admin/topics/new", http.StatusOK)
	d.do(chromedp.SendKeys(chromedp.ID("name"), newTopicName), chromedp.SendKeys(chromedp.ID("match"), newTopicMatch))
	d.submit(`button[value="preview"]`)
	d.wantText(".desk-preview h2", "these rules take")
	var matched []string
	d.eval(`[...document.querySelectorAll(".desk-preview ul.admin-list > li a")].map(a => a.textContent)`, &matched)
	if len(matched) < 2 {
		t.Errorf("the preview of a topic matching %q lists %q; the demo has five such articles", newTopicMatch, matched)
	}
	d.check("topic editor", 0)
	d.screenshot(shots, "desk-topic.png")
	d.submit(`button[value="save"]`)
	d.wantText(".form-notice", "Saved")

	// A development pinned in a topic's digest heads the box of the
	// topic's articles.
	pinSlug := herald.Slugify(pinTopic)
	d.load("/admin/topics/"+pinSlug, http.StatusOK)
	var points []struct{ Text, Href string }
	const jsPoints = `[...document.querySelectorAll("section[aria-labelledby=digest] ol > li")].map(li =>
		({text: li.firstChild.textContent.trim(), href: (li.querySelector(".private a") || {}).pathname || ""}))`
	d.eval(jsPoints, &points)
	if len(points) < 3 {
		t.Fatalf("%s's digest has %d points; want at least 3, to see a pin move one", pinTopic, len(points))
	}
	pinned := points[len(points)-1]
	d.submit(fmt.Sprintf(`section[aria-labelledby=digest] ol > li:nth-child(%d) button[value="pin"]`, len(points)))
	d.wantText("section[aria-labelledby=digest] ol > li:first-child", "pinned")
	d.load(points[0].Href, http.StatusOK)
	d.wantText("aside.developments li:first-child a", pinned.Text)
	d.check("article", 0)

	// An article is split out of its story.
	split, gone := chooseDeskArticles(t, articles, pinSlug)
	d.load("/admin/articles/"+split.Slug, http.StatusOK)
	d.check("article desk", 0)
	d.submit(`button[value="split"]`)
	d.wantText(".form-notice", "Split out into story")
	var story int64
	d.eval(`+(document.querySelector("p.meta a[href^='/stories/']") || {pathname: "/stories/0"}).pathname.split("/")[2]`, &story)
	if story == 0 || story == *split.StoryID {
		t.Errorf("after the split, %s is in story %d; want a story of its own, not %d", split.Slug, story, *split.StoryID)
	}

	// An article is unpublished: 410, on the second node too.
	if node2 != nil {
		if st := httpStatus(t, node2.url+"/articles/"+gone.Slug); st != http.StatusOK {
			t.Fatalf("node 2: /articles/%s answered %d before the unpublish, want 200", gone.Slug, st)
		}
	}
	d.load("/admin/articles/"+gone.Slug, http.StatusOK)
	const reason = "Unpublished at the outlet's request: a name in it was wrong."
	d.do(chromedp.SendKeys(chromedp.ID("reason"), reason))
	d.submit(`button[value="takedown"]`)
	d.wantText(".form-notice", "Unpublished")
	unpublished := time.Now()
	if node2 != nil {
		for st := 0; st != http.StatusGone; st = httpStatus(t, node2.url+"/articles/"+gone.Slug) {
			if time.Since(unpublished) > nodeLag {
				t.Fatalf("node 2 still answers %d for /articles/%s %s after node 1 unpublished it", st, gone.Slug, nodeLag)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("node 2 answered 410 %s after the unpublish on node 1", time.Since(unpublished).Round(time.Millisecond))
	}
	d.load("/articles/"+gone.Slug, http.StatusGone)
	d.wantText("main", reason)
	d.check("410 page", http.StatusGone)

	// Each action is in the audit log.
	d.load("/admin/log?actor="+editorEmail, http.StatusOK)
	d.check("audit log", 0)
	var log []string
	d.eval(`[...document.querySelectorAll("ol.desk-log > li > p:first-child")].map(p => p.textContent.replace(/\s+/g, " "))`, &log)
	for _, want := range []string{"source.remove " + slug, "source.add " + outlet.FeedURL, "topic.add " + newTopicName,
		"digest.edit ", "story.split " + split.Slug, "article.takedown " + gone.Slug} {
		if !slices.ContainsFunc(log, func(line string) bool {
			return strings.HasPrefix(line, want) && strings.Contains(line, " by "+editorEmail+",")
		}) {
			t.Errorf("the audit log has no %q by %s: %q", want, editorEmail, log)
		}
	}

	// The desk's other pages.
	for _, page := range []string{"/admin/topics", "/admin/stories", "/admin/opml", "/admin/password"} {
		d.load(page, http.StatusOK)
		d.check(page, 0)
	}

	// The public pages.
	d.load("/", http.StatusOK)
	d.check("home", 0)
	d.load(fmt.Sprintf("/stories/%d", *split.StoryID), http.StatusOK)
	d.check("story", 0)
	d.load("/topics/"+pinSlug, http.StatusOK)
	d.check("topic", 0)
	d.load("/search?q=Tallybridge", http.StatusOK)
	d.check("search", 0)

	// The dashboard, after all that, on a desktop and on a phone.
	d.load("/admin", http.StatusOK)
	d.wantText("h1", "Dashboard")
	d.check("dashboard", 0)
	d.screenshot(shots, "desk-dashboard.png")
	d.viewport(viewports[1])
	d.load("/admin/sources/"+slug, http.StatusOK)
	d.check("source editor on a phone", 0)
	d.checkFits("source editor on a phone")
	d.screenshot(shots, "desk-phone.png")
	d.viewport(viewports[0])

	// A moderator may not open the sources; an admin sees the users.
	d.submit(`form[action="/admin/signout"] button`)
	d.signIn(modEmail, password[modEmail])
	d.load("/admin/sources", http.StatusForbidden)
	d.check("sources, for a moderator", http.StatusForbidden)
	d.load("/admin/comments", http.StatusOK)
	d.submit(`form[action="/admin/signout"] button`)
	d.signIn(adminEmail, password[adminEmail])
	d.load("/admin/users", http.StatusOK)
	d.wantText("table.desk-table", editorEmail)
	d.check("users", 0)
}

// storePausedOutlet stores deskOutlet as a source that is followed but
// paused, before the demo starts: the demo then leaves it as it is, and
// none of its articles arrive until an editor adds it through the desk.
func storePausedOutlet(t *testing.T, open func(context.Context) (herald.Store, error)) demo.OutletInfo {
	t.Helper()
	origin, err := demo.NewOrigin(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(origin.Outlets(), func(o demo.OutletInfo) bool { return o.Name == deskOutlet })
	if i < 0 {
		t.Fatalf("the demo has no outlet %q", deskOutlet)
	}
	out := origin.Outlets()[i]
	ctx := context.Background()
	store, err := open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	licence, err := herald.ParseLicence(out.Licence)
	if err != nil {
		t.Fatal(err)
	}
	src := &herald.Source{Name: out.Name, Homepage: out.Homepage, FeedURL: out.FeedURL, Kind: herald.KindFeed,
		Licence: licence, Fulltext: herald.FulltextAuto}
	if err := store.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	paused := true
	if _, err := store.UpdateSource(ctx, src.Slug, herald.SourceUpdate{Paused: &paused}); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitForDemo waits until every demo outlet but deskOutlet has been
// checked and some story holds three articles, and returns the articles.
func waitForDemo(t *testing.T, base string) []deskArticle {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(deskWait)
	for {
		var sources struct {
			Items []struct {
				Name      string `json:"name"`
				Following *struct {
					Status string `json:"status"`
				} `json:"following"`
			} `json:"items"`
		}
		getAPI(t, client, base+"/api/v1/sources", &sources)
		checked := 0
		for _, s := range sources.Items {
			if s.Following != nil && s.Following.Status == herald.FetchOK {
				checked++
			}
		}
		var page struct {
			Items []deskArticle `json:"items"`
		}
		getAPI(t, client, base+"/api/v1/articles?limit=100", &page)
		stories := map[int64]int{}
		most := 0
		for _, a := range page.Items {
			if a.StoryID != nil {
				stories[*a.StoryID]++
				most = max(most, stories[*a.StoryID])
			}
		}
		if checked >= 7 && most >= 3 {
			return page.Items
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d demo outlets checked and %d articles, the largest story of %d; want 7 and a story of 3",
				deskWait, checked, len(page.Items), most)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// chooseDeskArticles returns an article of a story of three or more to
// split out, and an article of another story to unpublish; neither is in
// the topic whose digest the test pins, nor in the topic it writes.
func chooseDeskArticles(t *testing.T, articles []deskArticle, pinSlug string) (split, gone deskArticle) {
	t.Helper()
	size := map[int64]int{}
	for _, a := range articles {
		if a.StoryID != nil {
			size[*a.StoryID]++
		}
	}
	usable := func(a deskArticle) bool {
		return a.StoryID != nil && !a.inTopic(pinSlug) && !strings.Contains(a.Title, newTopicMatch)
	}
	for _, a := range articles {
		if usable(a) && size[*a.StoryID] >= 3 {
			split = a
			break
		}
	}
	for _, a := range articles {
		if usable(a) && split.StoryID != nil && *a.StoryID != *split.StoryID {
			gone = a
			break
		}
	}
	if split.Slug == "" || gone.Slug == "" {
		t.Fatalf("no article to split (%q) or to unpublish (%q) among %d", split.Slug, gone.Slug, len(articles))
	}
	return split, gone
}

// httpStatus returns the status GET u answers, without following redirects.
func httpStatus(t *testing.T, u string) int {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// deskTab is a tab that signs in and checks each page it is shown.
type deskTab struct {
	*tab
	axe string // axe.min.js; "" skips the axe checks
}

// load opens path and fails unless the page it ends on answers want.
func (d *deskTab) load(path string, want int) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(d.ctx, navTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(d.srv.url+path))
	if err != nil || resp == nil {
		d.t.Fatalf("%s: load %s: %v", d.name, path, err)
	}
	if resp.Status != int64(want) {
		d.t.Fatalf("%s: %s answered %d %s, want %d", d.name, path, resp.Status, resp.StatusText, want)
	}
}

// path returns the path of the page the tab shows.
func (d *deskTab) path() string {
	d.t.Helper()
	var p string
	d.eval(`location.pathname`, &p)
	return p
}

func (d *deskTab) signIn(email, password string) {
	d.t.Helper()
	d.load("/admin/signin", http.StatusOK)
	d.do(chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password))
	d.submit(`form[action="/admin/signin"] button`)
	if path := d.path(); path == "/admin/signin" {
		d.t.Fatalf("%s: %s is not signed in", d.name, email)
	}
}

// poll reloads path until the script cond is true, for deskWait at most.
func (d *deskTab) poll(path, cond, what string) {
	d.t.Helper()
	deadline := time.Now().Add(deskWait)
	for {
		d.load(path, http.StatusOK)
		var ok bool
		d.eval(cond, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var main string
			d.eval(`document.querySelector("main").innerText`, &main)
			d.t.Fatalf("%s: no %s after %s; the page reads %q", d.name, what, deskWait, main)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func (d *deskTab) viewport(vp viewport) {
	d.t.Helper()
	d.do(chromedp.EmulateViewport(vp.width, vp.height, vp.opts...))
}

// checkFits fails when the page is wider than the screen.
func (d *deskTab) checkFits(what string) {
	d.t.Helper()
	var w struct{ Scroll, Client int }
	d.eval(`({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})`, &w)
	if w.Scroll > w.Client+1 {
		d.t.Errorf("%s: the page is %dpx wide on a %dpx screen", what, w.Scroll, w.Client)
	}
}

func (d *deskTab) screenshot(dir, name string) {
	d.t.Helper()
	if dir != "" {
		d.tab.screenshot(filepath.Join(dir, name))
	}
}

// check audits the page shown, as Lighthouse would: every field has a
// label, nothing was logged as an error since the last check (but the
// failed load of a page expected to answer status), and axe-core finds
// no serious or critical violation.
func (d *deskTab) check(what string, status int) {
	d.t.Helper()
	var unlabelled []string
	d.eval(jsUnlabelled, &unlabelled)
	for _, f := range unlabelled {
		d.t.Errorf("%s: a field without a label: %s", what, f)
	}
	d.do(chromedp.Sleep(100 * time.Millisecond)) // let late console messages in
	expected := fmt.Sprintf("status of %d", status)
	for _, problem := range d.watch.drain() {
		if status == 0 || !strings.Contains(problem, expected) {
			d.t.Errorf("%s: %s", what, problem)
		}
	}
	if d.axe == "" {
		return
	}
	ctx, cancel := context.WithTimeout(d.ctx, 3*stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](d.axe+"\n;true")); err != nil {
		d.t.Errorf("%s: load axe-core: %v", what, err)
		return
	}
	// The site follows the reader's colour scheme: every rule runs in the
	// light one, and those about colour in the dark one too.
	for _, scheme := range []string{"light", "dark"} {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		options := `{resultTypes: ["violations"]}`
		if scheme == "dark" {
			options = `{resultTypes: ["violations"], runOnly: {type: "rule", values: ["color-contrast", "link-in-text-block"]}}`
		}
		var res axeResult
		if err == nil {
			res, err = chromedp.Run(ctx, chromedp.Evaluate[axeResult](fmt.Sprintf(jsAxe, options), chromedp.EvalAwaitPromise))
		}
		if err != nil {
			d.t.Errorf("%s (%s): run axe-core: %v", what, scheme, err)
			return
		}
		var minor []string
		for _, v := range res.Violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				d.t.Errorf("%s (%s): axe-core: %s (%s, %s): %s", what, scheme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
			} else {
				minor = append(minor, v.ID+" ("+v.Impact+")")
			}
		}
		d.t.Logf("%s (%s): axe-core: %d rules pass; minor or moderate: %q", what, scheme, res.Passes, minor)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		d.t.Errorf("%s: reset the colour scheme: %v", what, err)
	}
}

// axeResult is what axe-core finds on a page: how many rules pass, and
// those broken, each with the elements that break it.
type axeResult struct {
	Passes     int `json:"passes"`
	Violations []struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	} `json:"violations"`
}

// jsAxe runs axe-core on the page with the options %s.
const jsAxe = `axe.run(document, %s).then(r => ({
	passes: r.passes.length,
	violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))}))}))`

// jsUnlabelled lists the fields a screen reader cannot name: no label
// with text, no aria-label, no aria-labelledby that names an element with
// text.
const jsUnlabelled = `[...document.querySelectorAll("input, select, textarea")]
	.filter(e => e.type !== "hidden")
	.filter(e => {
		const text = (el) => el && el.textContent.trim() !== "";
		if ([...(e.labels || [])].some(text)) return false;
		if ((e.getAttribute("aria-label") || "").trim()) return false;
		const by = (e.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
		return !by.some(id => text(document.getElementById(id)));
	})
	.map(e => e.outerHTML.slice(0, 160))`
