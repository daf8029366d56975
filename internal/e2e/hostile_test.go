package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
)

// hostileMark is in every piece of a hostile body's text that follows the
// tag it leaves open, and nowhere else on the page: not in a title, and
// not in the first sixty words, which become the excerpt that other pages
// and the related list show.
const hostileMark = "HOSTILEMARK"

// hostileBody is an article body that leaves elements open, each one a
// vector of issue 19: stored as it came, it took over the rest of its page.
type hostileBody struct {
	name string
	html string
}

var hostileBodies = []hostileBody{
	{"link", `<p>text</p><a href="https://evil.example/"><b>unclosed ` + hostileMark + `<p>more ` + hostileMark + `</p>`},
	{"table", `<table><tr><td>cell ` + hostileMark + `<td>another ` + hostileMark},
	{"list", `<ul><li>first ` + hostileMark + `<li>second ` + hostileMark},
	{"blockquote", `<blockquote><p>quoted ` + hostileMark},
	{"pre", `<pre>preformatted ` + hostileMark},
	{"math", `<p>` + hostileMark + ` before</p><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`},
	{"everything", `<a href="https://evil.example/"><b><i><table><tr><td><ul><li><blockquote><pre>all of it ` + hostileMark +
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`},
}

// legacyBody is how a body was stored before the sanitiser balanced it:
// cleaned by the policy, the link left open. The web layer balances it as
// it renders the page.
const legacyBody = `<p>text</p><a href="https://evil.example/" rel="noreferrer"><b>unclosed ` + hostileMark +
	`<p>more ` + hostileMark + `</p><table><tr><td>cell ` + hostileMark

// hostileLead is the first paragraph of every hostile body: seventy words
// of its own, so that no two bodies are taken for copies of one text and
// the excerpt ends before the mark.
func hostileLead(name string) string {
	words := make([]string, 70)
	for i := range words {
		words[i] = fmt.Sprintf("%s%02d", name, i)
	}
	return "<p>" + strings.Join(words, " ") + ".</p>"
}

// TestHostileBodyInBrowser imports articles whose bodies leave a link, a
// table, a list, a quotation or preformatted text open, and stores one as
// a body was stored before the sanitiser balanced them; in Chromium, each
// page's body stays in its container: the attribution links to the
// original article, the comment form and the footer are nobody's
// children, and no text or link of the body is found outside it.
func TestHostileBodyInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := findChromium(t)
	bin := buildHerald(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "herald.db")

	want := map[string]string{} // original URL → the vector's name
	var lines strings.Builder
	for _, h := range hostileBodies {
		u := "https://outlet.example/news/hostile-" + h.name
		want[u] = h.name
		line, err := json.Marshal(map[string]string{
			"url": u, "title": "A body that leaves things open: " + h.name, "html": hostileLead(h.name) + h.html,
			"source": "Hostile Outlet", "source_url": "https://outlet.example/", "licence": "full",
		})
		if err != nil {
			t.Fatal(err)
		}
		lines.Write(line)
		lines.WriteByte('\n')
	}
	file := filepath.Join(dir, "hostile.jsonl")
	if err := os.WriteFile(file, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "import", "--db", db, file)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("herald import: %v\n%s", err, out)
	} else if !strings.Contains(string(out), fmt.Sprintf("imported %d,", len(hostileBodies))) {
		t.Fatalf("herald import did not import all %d articles:\n%s", len(hostileBodies), out)
	}
	addLegacyArticle(t, db)
	want[legacyURL] = "legacy"

	srv := startHeraldWith(t, bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--follow=false")
	var list apiPage
	getAPI(t, &http.Client{Timeout: 10 * time.Second}, srv.url+"/api/v1/articles", &list)
	slugs := map[string]string{} // the vector's name → the article's slug
	for _, a := range list.Items {
		if name, ok := want[a.OriginalURL]; ok {
			slugs[name] = a.Slug
		}
	}
	if len(slugs) != len(want) {
		t.Fatalf("the API lists %d of the %d hostile articles: %v", len(slugs), len(want), list.Items)
	}

	b := newBrowser(t, chromium, srv)
	shots := screenshotDir(t)
	for u, name := range want {
		t.Run(name, func(t *testing.T) {
			tab := openTab(t, b, "hostile "+name)
			defer tab.close()
			tab.navigate("/articles/" + slugs[name])
			tab.checkContained(u)
			if n := tab.dialogs(); n > 0 {
				t.Errorf("%d JavaScript dialog(s) opened", n)
			}
			tab.screenshot(filepath.Join(shots, "hostile-"+name+".png"))
		})
	}
}

// legacyURL is the original address of the article addLegacyArticle stores.
const legacyURL = "https://outlet.example/news/stored-before-the-fix"

// addLegacyArticle stores an article with legacyBody straight into the
// store, past the sanitiser, as a body stored before the fix is.
func addLegacyArticle(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lead := hostileLead("legacy")
	text := strings.TrimSuffix(strings.TrimPrefix(lead, "<p>"), "</p>") // no mark: the text feeds excerpts on other pages
	a := &herald.Article{OriginalURL: legacyURL, Title: "A body stored before the fix", HTML: lead + legacyBody, Text: text,
		Lead: herald.Excerpt(text, herald.ExcerptWords), PublishedAt: time.Now().UTC(), Licence: herald.LicenceFull,
		Source: &herald.Source{Name: "Hostile Outlet", Homepage: "https://outlet.example/"}}
	if _, err := store.AddArticle(ctx, a); err != nil {
		t.Fatalf("store the legacy article: %v", err)
	}
}

// containment is what jsContainment reads from an article page.
type containment struct {
	Bodies     int      `json:"bodies"`
	BodyParent string   `json:"bodyParent"`
	BodyText   string   `json:"bodyText"`
	Original   []string `json:"original"`
	Missing    []string `json:"missing"`
	Wrapped    []string `json:"wrapped"`
	Outside    []string `json:"outside"`
	Elements   []string `json:"elements"`
	Evil       []string `json:"evil"`
	Before     bool     `json:"before"`
}

// jsContainment looks at an article page from Chromium's DOM: its body,
// what holds the parts that follow the body, and what of the body's text,
// links and elements is found outside it.
const jsContainment = `(() => {
	const out = {bodies: 0, bodyParent: "", bodyText: "", original: [], missing: [], wrapped: [], outside: [], elements: [], evil: [], before: false};
	const bodies = document.querySelectorAll("div.article-body");
	out.bodies = bodies.length;
	const body = bodies[0];
	if (!body) return out;
	out.bodyParent = body.parentElement.tagName.toLowerCase() + "." + body.parentElement.className;
	out.bodyText = body.textContent;
	const attribution = document.querySelector("p.attribution");
	if (attribution) {
		out.original = [...attribution.querySelectorAll("a.original")].map(a => a.href);
		out.before = !!(body.compareDocumentPosition(attribution) & Node.DOCUMENT_POSITION_FOLLOWING);
	}
	// What only a body's open tag could wrap these in.
	const wrappers = "a, b, i, strong, em, table, ul, ol, li, blockquote, pre, math, .article-body";
	for (const [name, sel] of [["attribution", "p.attribution"], ["comments", "#comments"],
			["comment form", "form.comment-form"], ["footer", "footer.site-footer"]]) {
		const el = document.querySelector(sel);
		if (!el) { out.missing.push(name); continue; }
		const w = el.parentElement.closest(wrappers);
		if (w) out.wrapped.push(name + " inside <" + w.tagName.toLowerCase() + " class=\"" + w.className + "\">");
	}
	const footer = document.querySelector("footer.site-footer");
	if (footer && footer.parentElement !== document.body) out.wrapped.push("footer inside <" + footer.parentElement.tagName.toLowerCase() + ">");
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	while (walk.nextNode()) {
		const n = walk.currentNode;
		if (n.data.includes("` + hostileMark + `") && !body.contains(n)) out.outside.push(n.data.trim());
	}
	for (const el of document.body.querySelectorAll("table, pre, blockquote, math, mtext, mglyph, style, img")) {
		if (!body.contains(el)) out.elements.push("<" + el.tagName.toLowerCase() + ">");
	}
	for (const a of document.querySelectorAll('a[href*="evil.example"]')) {
		if (!body.contains(a)) out.evil.push(a.outerHTML.slice(0, 120));
	}
	return out;
})()`

// checkContained fails the test when the page's article body does not stay
// in its container, or the attribution does not link to original.
func (p *tab) checkContained(original string) {
	p.t.Helper()
	var c containment
	p.eval(jsContainment, &c)
	if c.Bodies != 1 {
		p.t.Fatalf("%d div.article-body on the page, want 1", c.Bodies)
	}
	if c.BodyParent != "article.article" {
		p.t.Errorf("div.article-body is inside %s, want article.article", c.BodyParent)
	}
	if !strings.Contains(c.BodyText, hostileMark) {
		p.t.Errorf("the body lost its text: %q", c.BodyText)
	}
	if len(c.Original) != 1 || !sameURL(c.Original[0], original) {
		p.t.Errorf("the attribution's link to the original points at %q, want %s", c.Original, original)
	}
	if !c.Before {
		p.t.Error("the attribution is not after the body")
	}
	for _, m := range c.Missing {
		p.t.Errorf("no %s on the page", m)
	}
	for _, w := range c.Wrapped {
		p.t.Errorf("the %s", w)
	}
	for _, o := range c.Outside {
		p.t.Errorf("text of the body outside it: %q", o)
	}
	for _, e := range c.Elements {
		p.t.Errorf("an element of the body outside it: %s", e)
	}
	for _, e := range c.Evil {
		p.t.Errorf("a link of the body outside it: %s", e)
	}
}
