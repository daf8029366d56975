package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/opml"
	"github.com/herald-news/herald/internal/web"
)

// newDeskSite is a site whose desk may fetch from loopback, where the
// test's outlet runs, with an admin, an editor and a moderator.
func newDeskSite(t *testing.T) *commentSite {
	t.Helper()
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	s.web.Desk = &desk.Desk{Store: s.store, Client: fetch.New(fetch.Config{AllowPrivateNetworks: true})}
	for email, role := range map[string]herald.Role{"admin@site.example": herald.RoleAdmin,
		"editor@site.example": herald.RoleEditor, "mod@site.example": herald.RoleModerator} {
		hash, err := auth.HashPassword("a long enough password")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.store.AddUser(context.Background(), &herald.User{Email: email, Role: role, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// signIn returns a browser signed in as email.
func (s *commentSite) signIn(t *testing.T, email string) *reader {
	t.Helper()
	r := s.newReader(t)
	resp, page := r.postForm("/admin/signin", url.Values{"email": {email}, "password": {"a long enough password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %s\n%s", email, resp.Status, page)
	}
	return r
}

// newOutlet serves an RSS feed of two articles, each with its page.
func newOutlet(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Lighthouse Post</title><link>%[1]s/</link>
<item><title>Ferry timetable changes from Monday</title><link>%[1]s/ferry</link><guid>%[1]s/ferry</guid>
<pubDate>Mon, 02 Mar 2026 09:00:00 GMT</pubDate><description>%[2]s</description></item>
<item><title>Lighthouse keeper retires after forty years</title><link>%[1]s/keeper</link><guid>%[1]s/keeper</guid>
<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate><description>%[3]s</description></item>
</channel></rss>`, srv.URL, htmlEscape(longBody), htmlEscape(otherBody))
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

var requestField = regexp.MustCompile(`name="request" value="([0-9a-f]+)"`)

// formRequest returns the one-time request id of the first form on page.
func formRequest(t *testing.T, page string) string {
	t.Helper()
	m := requestField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no form with a request id")
	}
	return m[1]
}

func TestDeskAccess(t *testing.T) {
	s := newDeskSite(t)
	visitor := s.newReader(t)
	for _, path := range []string{"/admin", "/admin/sources", "/admin/users", "/admin/log", "/admin/topics"} {
		if resp, _ := visitor.get(path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/signin" {
			t.Errorf("%s signed out: %s to %q, want 303 to /admin/signin", path, resp.Status, resp.Header.Get("Location"))
		}
	}
	mod := s.signIn(t, "mod@site.example")
	for _, path := range []string{"/admin/sources", "/admin/sources/new", "/admin/users", "/admin/log", "/admin/topics", "/admin/stories",
		"/admin/articles/" + s.article.Slug} {
		if resp, _ := mod.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("moderator GET %s: %s, want 403", path, resp.Status)
		}
	}
	if resp, _ := mod.postForm("/admin/articles/"+s.article.Slug, url.Values{"do": {"takedown"}, "reason": {"no"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("moderator takedown: %s, want 403", resp.Status)
	}
	if resp, _ := mod.get("/admin"); resp.Header.Get("Location") != "/admin/comments" {
		t.Errorf("moderator's dashboard: %s to %q, want the comments", resp.Status, resp.Header.Get("Location"))
	}
	editor := s.signIn(t, "editor@site.example")
	if resp, _ := editor.get("/admin/users"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("editor GET /admin/users: %s, want 403", resp.Status)
	}
	for _, path := range []string{"/admin", "/admin/sources", "/admin/log", "/admin/topics", "/admin/stories", "/admin/password"} {
		resp, page := editor.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("editor GET %s: %s, Cache-Control %q", path, resp.Status, resp.Header.Get("Cache-Control"))
		}
		if strings.Contains(page, "Users</a>") {
			t.Errorf("%s offers an editor the users page", path)
		}
	}
}

func TestDeskSources(t *testing.T) {
	s := newDeskSite(t)
	outlet := newOutlet(t)
	ed := s.signIn(t, "editor@site.example")
	_, page := ed.get("/admin/sources/new")
	req := formRequest(t, page)

	form := url.Values{"url": {outlet.URL + "/feed.xml"}, "licence": {"full"}, "fulltext": {"never"}, "request": {req}}
	form.Set("do", "preview")
	resp, page := ed.postForm("/admin/sources", form)
	for _, want := range []string{"is an RSS feed", "Ferry timetable changes from Monday", "Lighthouse keeper retires", "Lighthouse Post", "Add this source"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("preview: %s, want %q on the page", resp.Status, want)
		}
	}
	if list, _ := s.store.FindSources(context.Background()); len(list) != 1 { // the seeded article's outlet
		t.Fatalf("the preview stored a source: %d sources", len(list))
	}

	form.Set("do", "add")
	form.Set("name", "Lighthouse Post")
	resp, _ = ed.postForm("/admin/sources", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == "" || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/sources/lighthouse-post") {
		t.Fatalf("add: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	// The same form sent again acts once.
	if resp, _ = ed.postForm("/admin/sources", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("double submit: %s, want the result page", resp.Status)
	}
	src, err := s.store.FindSourceBySlug(context.Background(), "lighthouse-post")
	if err != nil || src.Licence != herald.LicenceFull || src.Fulltext != herald.FulltextNever {
		t.Fatalf("added source %+v, %v", src, err)
	}

	// Bad input: a message beside the field, and what was typed kept.
	for _, tc := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"url": {"not an address"}, "do": {"preview"}}, "url", "not an http or https URL"},
		{url.Values{"url": {outlet.URL + "/feed.xml"}, "do": {"add"}}, "url", "already follows"},
		{url.Values{"url": {outlet.URL + "/feed.xml"}, "every": {"1m"}, "do": {"preview"}}, "every", "outside 5m to 24h"},
		{url.Values{"url": {outlet.URL + "/missing"}, "do": {"preview"}}, "url", "404"},
	} {
		tc.form.Set("request", "bad-"+tc.field+tc.form.Get("every"))
		resp, page := ed.postForm("/admin/sources", tc.form)
		errID := `id="` + tc.field + `-error"><span class="field-error">`
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, errID) || !strings.Contains(page, tc.want) {
			t.Errorf("%v: %s; want 400 with %q beside %s", tc.form, resp.Status, tc.want, tc.field)
		}
		if !strings.Contains(page, `value="`+htmlEscape(tc.form.Get("url"))+`"`) {
			t.Errorf("%v: the address typed is not kept", tc.form)
		}
	}

	act := func(do string, extra ...string) {
		t.Helper()
		_, page := ed.get("/admin/sources/lighthouse-post")
		f := url.Values{"do": {do}, "request": {formRequest(t, page)}}
		for i := 0; i+1 < len(extra); i += 2 {
			f.Set(extra[i], extra[i+1])
		}
		if resp, _ := ed.postForm("/admin/sources/lighthouse-post/do", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %s", do, resp.Status)
		}
	}
	act("pause")
	if src, _ = s.store.FindSourceBySlug(context.Background(), "lighthouse-post"); !src.Paused() {
		t.Error("pause: the source is not paused")
	}
	act("resume")
	act("check")
	act("save", "name", "The Lighthouse Post", "licence", "excerpt", "fulltext", "auto", "images", "none", "every", "2h")
	src, _ = s.store.FindSourceBySlug(context.Background(), "lighthouse-post")
	if src.Paused() || src.Name != "The Lighthouse Post" || src.Licence != herald.LicenceExcerpt || src.Images != herald.ImagesNone || src.Every.String() != "2h0m0s" {
		t.Errorf("after resume and save: %+v", src)
	}
	act("remove", "confirm", "wrong")
	if src, _ = s.store.FindSourceBySlug(context.Background(), "lighthouse-post"); !src.RemovedAt.IsZero() {
		t.Error("removed without the confirmation")
	}
	act("remove", "confirm", "lighthouse-post")
	if src, _ = s.store.FindSourceBySlug(context.Background(), "lighthouse-post"); src.RemovedAt.IsZero() {
		t.Error("not removed with the confirmation")
	}

	entries, err := s.store.FindAudit(context.Background(), herald.AuditFilter{Actor: "editor@site.example", Kind: "source"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got, want := strings.Join(actions, " "), "source.remove source.update source.check source.resume source.pause source.add"; got != want {
		t.Errorf("audit log: %s\nwant %s", got, want)
	}
	_, page = ed.get("/admin/log?kind=source")
	if !strings.Contains(page, "source.pause") || !strings.Contains(page, "editor@site.example") {
		t.Error("the log page does not show the actions")
	}
}

func TestDeskTakedown(t *testing.T) {
	s := newDeskSite(t)
	ed := s.signIn(t, "editor@site.example")
	path := "/admin/articles/" + s.article.Slug
	_, page := ed.get(path)
	req := formRequest(t, page)
	resp, page := ed.postForm(path, url.Values{"do": {"takedown"}, "reason": {"  "}, "request": {req}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "a reason is required") {
		t.Errorf("takedown without a reason: %s", resp.Status)
	}
	if resp, _ = ed.postForm(path, url.Values{"do": {"takedown"}, "reason": {"Published by mistake."}, "request": {req}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("takedown: %s", resp.Status)
	}
	visitor := s.newReader(t)
	waitFor(t, func() bool {
		resp, page := visitor.get("/articles/" + s.article.Slug)
		return resp.StatusCode == http.StatusGone && strings.Contains(page, "Published by mistake.")
	}, "the article's page to answer 410 with the reason")
	for _, p := range []string{"/", "/rss.xml", "/sitemap.xml", "/search?q=harbour"} {
		if _, page := visitor.get(p); strings.Contains(page, s.article.Slug) {
			t.Errorf("%s still lists the taken-down article", p)
		}
	}
	resp, api := visitor.get(fmt.Sprintf("/api/v1/articles/%d", s.article.ID))
	if resp.StatusCode != http.StatusGone || !strings.Contains(api, `"status": "taken_down"`) ||
		!strings.Contains(api, `"withdrawn_reason": "Published by mistake."`) {
		t.Errorf("the API for the taken-down article: %s\n%s", resp.Status, api)
	}
	_, page = ed.get(path)
	if resp, _ = ed.postForm(path, url.Values{"do": {"restore"}, "request": {formRequest(t, page)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %s", resp.Status)
	}
	waitFor(t, func() bool {
		resp, _ := visitor.get("/articles/" + s.article.Slug)
		return resp.StatusCode == http.StatusOK
	}, "the article to be published again")
	entries, _ := s.store.FindAudit(context.Background(), herald.AuditFilter{Kind: "article"})
	if len(entries) != 2 || entries[0].Action != "article.restore" || entries[1].Action != "article.takedown" ||
		!strings.Contains(entries[1].After, "Published by mistake.") {
		t.Errorf("audit log: %+v", entries)
	}
}

func TestDeskTopics(t *testing.T) {
	s := newDeskSite(t)
	ed := s.signIn(t, "editor@site.example")
	_, page := ed.get("/admin/topics/new")
	form := url.Values{"name": {"Harbour"}, "match": {"harbour"}, "do": {"preview"}, "request": {formRequest(t, page)}}
	resp, page := ed.postForm("/admin/topics", form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "these rules take 1") || !strings.Contains(page, s.article.Title) {
		t.Errorf("preview: %s", resp.Status)
	}
	form.Set("do", "save")
	if resp, _ = ed.postForm("/admin/topics", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %s", resp.Status)
	}
	if resp, _ = ed.postForm("/admin/topics", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("double submit: %s", resp.Status)
	}
	if _, err := s.store.FindTopicBySlug(context.Background(), "harbour"); err != nil {
		t.Fatal(err)
	}
	form.Set("request", "another")
	resp, page = ed.postForm("/admin/topics", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="slug-error"><span class="field-error">`) {
		t.Errorf("a second topic of the same address: %s", resp.Status)
	}
	form = url.Values{"name": {""}, "match": {"harbour"}, "do": {"save"}, "request": {"x"}}
	if resp, page = ed.postForm("/admin/topics", form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "a name is required") {
		t.Errorf("no name: %s", resp.Status)
	}
	entries, _ := s.store.FindAudit(context.Background(), herald.AuditFilter{Kind: "topic"})
	if len(entries) != 1 || entries[0].Action != "topic.add" {
		t.Errorf("audit log: %+v", entries)
	}
}

func TestDeskUsers(t *testing.T) {
	s := newDeskSite(t)
	admin := s.signIn(t, "admin@site.example")
	_, page := admin.get("/admin/users")
	resp, page := admin.postForm("/admin/users", url.Values{"email": {"new@site.example"}, "role": {"editor"}, "do": {"invite"},
		"request": {formRequest(t, page)}})
	m := regexp.MustCompile(`/admin/join/([A-Za-z0-9_-]+)`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("invite: %s, link %v", resp.Status, m)
	}
	newcomer := s.newReader(t)
	if resp, page = newcomer.postForm("/admin/join/"+m[1], url.Values{"password": {"short"}, "again": {"short"}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(page, "at least 10 characters") {
		t.Errorf("join with a short password: %s", resp.Status)
	}
	if resp, _ = newcomer.postForm("/admin/join/"+m[1], url.Values{"password": {"a long enough password"}, "again": {"a long enough password"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("join: %s", resp.Status)
	}
	if resp, _ = newcomer.get("/admin/join/" + m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the invitation works twice: %s", resp.Status)
	}
	s.signIn(t, "new@site.example")

	u, err := s.store.FindUserByEmail(context.Background(), "new@site.example")
	if err != nil || u.Role != herald.RoleEditor {
		t.Fatalf("joined user %+v, %v", u, err)
	}
	_, page = admin.get("/admin/users")
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"do": {"role"}, "role": {"owner"}}, "not one of admin, editor or moderator"},
		{url.Values{"do": {"disable"}}, "disabled"},
	} {
		tc.form.Set("request", tc.want)
		resp, _ := admin.postForm(fmt.Sprintf("/admin/users/%d", u.ID), tc.form)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, url.QueryEscape(tc.want)) {
			t.Errorf("%v: %s to %q, want a message saying %q", tc.form, resp.Status, loc, tc.want)
		}
	}
	r := s.newReader(t)
	if resp, page := r.postForm("/admin/signin", url.Values{"email": {"new@site.example"}, "password": {"a long enough password"}}); resp.StatusCode == http.StatusSeeOther ||
		!strings.Contains(page, "disabled") {
		t.Errorf("a disabled user signs in: %s", resp.Status)
	}
	self, _ := s.store.FindUserByEmail(context.Background(), "admin@site.example")
	if resp, _ := admin.postForm(fmt.Sprintf("/admin/users/%d", self.ID), url.Values{"do": {"disable"}, "request": {"self"}}); !strings.Contains(resp.Header.Get("Location"), "admin") {
		t.Errorf("disabling the last admin: %s %q", resp.Status, resp.Header.Get("Location"))
	}
	if self, _ = s.store.FindUserByEmail(context.Background(), "admin@site.example"); self.Disabled {
		t.Error("the last admin was disabled")
	}
}

// waitFor polls ok until it holds: the site drops cached pages when it
// sees the store's version change, within its PollEvery.
func waitFor(t *testing.T, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5 s for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// postFile sends a multipart form with one file, as a browser uploads it.
func (r *reader) postFile(path, field, name string, data []byte, form url.Values) (*http.Response, string) {
	r.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", r.site.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp, string(page)
}

func TestDeskOPML(t *testing.T) {
	s := newDeskSite(t)
	ed := s.signIn(t, "editor@site.example")
	list, err := os.ReadFile("../opml/testdata/miniflux.opml")
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		all, err := s.store.FindSources(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, src := range all {
			if src.Following() {
				n++
			}
		}
		return n
	}
	resp, page := ed.postFile("/admin/opml", "file", "feeds.opml", list, url.Values{"licence": {"excerpt"}, "dry_run": {"yes"}, "request": {"a"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Nothing written: it would add") || count() != 0 {
		t.Fatalf("dry run: %s, %d followed", resp.Status, count())
	}
	form := url.Values{"licence": {"excerpt"}, "request": {"b"}}
	resp, page = ed.postFile("/admin/opml", "file", "feeds.opml", list, form)
	added := count()
	if resp.StatusCode != http.StatusOK || added == 0 || !strings.Contains(page, fmt.Sprintf("Added %d,", added)) {
		t.Fatalf("import: %s, %d followed", resp.Status, added)
	}
	if resp, page = ed.postFile("/admin/opml", "file", "feeds.opml", list, form); resp.StatusCode != http.StatusOK || count() != added ||
		!strings.Contains(page, "Added 0,") {
		t.Errorf("the same upload again: %s, %d followed, want %d", resp.Status, count(), added)
	}
	if resp, page = ed.postFile("/admin/opml", "file", "feeds.opml", []byte("<opml><body><outline"), url.Values{"request": {"c"}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(page, `id="file-error"><span class="field-error">`) {
		t.Errorf("a broken list: %s", resp.Status)
	}
	resp, page = ed.get("/admin/opml.xml")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/x-opml") {
		t.Fatalf("export: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	outlines, err := opml.Parse(strings.NewReader(page))
	if err != nil || len(outlines) != added {
		t.Errorf("export: %d outlines, %v; want %d", len(outlines), err, added)
	}
	mod := s.signIn(t, "mod@site.example")
	if resp, _ := mod.get("/admin/opml.xml"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("moderator export: %s, want 403", resp.Status)
	}
}

func TestDeskEditArticle(t *testing.T) {
	s := newDeskSite(t)
	ed := s.signIn(t, "editor@site.example")
	path := "/admin/articles/" + s.article.Slug
	_, page := ed.get(path)
	req := formRequest(t, page)
	resp, page := ed.postForm(path, url.Values{"do": {"edit"}, "title": {""}, "excerpt": {"Kept as typed."}, "request": {req}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="title-error"><span class="field-error">a title is required`) ||
		!strings.Contains(page, "Kept as typed.") {
		t.Errorf("an empty title: %s", resp.Status)
	}
	form := url.Values{"do": {"edit"}, "title": {"Seawall vote passes"}, "excerpt": {"Councillors backed the seawall."}, "request": {req}}
	if resp, _ = ed.postForm(path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %s", resp.Status)
	}
	visitor := s.newReader(t)
	waitFor(t, func() bool {
		_, page := visitor.get("/sources/" + s.article.Source.Slug)
		return strings.Contains(page, "Seawall vote passes") && strings.Contains(page, "Councillors backed the seawall.")
	}, "the outlet's page to list the new title and excerpt")
	if _, page := visitor.get("/search?q=seawall"); !strings.Contains(page, s.article.Slug) {
		t.Error("search does not find the new title")
	}
	if _, page = ed.get(path); !strings.Contains(page, "It came with the title “Council approves harbour wall”") {
		t.Error("the desk does not show the original title")
	}
	entries, _ := s.store.FindAudit(context.Background(), herald.AuditFilter{Kind: "article"})
	if len(entries) != 1 || !strings.Contains(entries[0].Before, "Council approves harbour wall") || !strings.Contains(entries[0].After, "Seawall vote passes") {
		t.Errorf("audit log: %+v", entries)
	}
}

// TestDeskLinksOnPublicPages gives a signed-in editor the article page
// with a link to the desk, never cached, and everyone else the shared
// page without it.
func TestDeskLinksOnPublicPages(t *testing.T) {
	s := newDeskSite(t)
	const link = "Edit in the desk"
	for _, tc := range []struct {
		who     *reader
		link    bool
		caching string
	}{
		{s.newReader(t), false, "public"},
		{s.signIn(t, "mod@site.example"), false, "public"}, // a moderator has nothing to edit there
		{s.signIn(t, "editor@site.example"), true, "no-store"},
	} {
		resp, page := tc.who.get("/articles/" + s.article.Slug)
		if resp.StatusCode != http.StatusOK || strings.Contains(page, link) != tc.link ||
			!strings.Contains(resp.Header.Get("Cache-Control"), tc.caching) {
			t.Errorf("%s, link %v, Cache-Control %q; want link %v and %q", resp.Status, strings.Contains(page, link),
				resp.Header.Get("Cache-Control"), tc.link, tc.caching)
		}
		if tc.link && !strings.Contains(page, `href="/admin/articles/`+s.article.Slug+`"`) {
			t.Error("the link does not lead to the article's desk page")
		}
	}
	// The next visitor gets the shared page, not the editor's.
	if _, page := s.newReader(t).get("/articles/" + s.article.Slug); strings.Contains(page, link) {
		t.Error("a visitor after the editor sees the desk link")
	}
}

func TestDeskLinkOnStoryPage(t *testing.T) {
	s := newDeskSite(t)
	st, err := s.store.SplitArticle(context.Background(), s.article.ID) // a story of its own
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/stories/%d", st.ID)
	const link = "Merge this story into another in the desk"
	if _, page := s.newReader(t).get(path); strings.Contains(page, link) {
		t.Error("a visitor sees the desk link")
	}
	resp, page := s.signIn(t, "editor@site.example").get(path)
	if !strings.Contains(page, link) || !strings.Contains(page, fmt.Sprintf(`href="/admin/stories?from=%d"`, st.ID)) ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("editor's story page: %s, Cache-Control %q", resp.Status, resp.Header.Get("Cache-Control"))
	}
}

// TestDeskSessionEndsMidEdit sends a topic form after the session ended:
// the sign-in carries what was typed, and one more click saves it.
func TestDeskSessionEndsMidEdit(t *testing.T) {
	s := newDeskSite(t)
	ed := s.signIn(t, "editor@site.example")
	_, page := ed.get("/admin/topics/new")
	form := url.Values{"name": {"Harbour <works>"}, "match": {"harbour\nseawall"}, "do": {"save"}, "request": {formRequest(t, page)}}
	ed.postForm("/admin/signout", nil)

	resp, page := ed.postForm("/admin/topics", form)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Your session has ended") ||
		!strings.Contains(page, "name=\"carry.match\" value=\"harbour\nseawall\"") || !strings.Contains(page, `name="carry_to" value="/admin/topics"`) {
		t.Fatalf("form without a session: %s\n%s", resp.Status, page)
	}
	signIn := url.Values{"email": {"editor@site.example"}, "password": {"a long enough password"}, "carry_to": {"/admin/topics"}}
	for k, v := range form {
		signIn["carry."+k] = v
	}
	resp, page = ed.postForm("/admin/signin", signIn)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="/admin/topics"`) || !strings.Contains(page, "Harbour &lt;works&gt;") {
		t.Fatalf("sign-in carrying the form: %s\n%s", resp.Status, page)
	}
	if _, err := s.store.FindTopicBySlug(context.Background(), "harbour-works"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Fatalf("the form acted before it was sent again: %v", err)
	}
	if resp, _ = ed.postForm("/admin/topics", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sending it again: %s", resp.Status)
	}
	if tp, err := s.store.FindTopicBySlug(context.Background(), "harbour-works"); err != nil || len(tp.Rules.Match) != 2 {
		t.Errorf("topic after sending again: %+v, %v", tp, err)
	}
	// A carried address outside the desk is not followed.
	signIn.Set("carry_to", "https://evil.example/")
	if resp, _ = s.newReader(t).postForm("/admin/signin", signIn); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Errorf("a carried outside address: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
}

// TestDeskDashboard shows what needs attention: a failing source, one
// whose extraction looks wrong, and comments waiting.
func TestDeskDashboard(t *testing.T) {
	s := newDeskSite(t)
	ctx := context.Background()
	for _, name := range []string{"Failing Outlet", "Misread Outlet"} {
		src := &herald.Source{Name: name, FeedURL: "https://" + herald.Slugify(name) + ".example/feed.xml", Kind: herald.KindFeed,
			Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
		if err := s.store.AddSource(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	claimed, err := s.store.ClaimDueSources(ctx, "test", time.Minute, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	for _, src := range claimed {
		st := herald.FetchState{Status: herald.FetchOK, LastFetchAt: time.Now(), NextCheckAt: time.Now().Add(time.Hour)}
		if src.Name == "Failing Outlet" {
			st.Status, st.LastError, st.Failures = herald.FetchFailed, "the server answered 503 Service Unavailable", 3
		} else {
			st.ExtractWarning = "3 of the 3 article pages read at the last check gave less text than the feed's own summary"
		}
		if err := s.store.RecordFetch(ctx, src.ID, "test", st); err != nil {
			t.Fatal(err)
		}
	}
	_, page := s.signIn(t, "editor@site.example").get("/admin")
	for _, want := range []string{"Sources failing", "Failing Outlet</a>: the server answered 503", "3 failure(s) in a row",
		"Extraction looks wrong", "Misread Outlet</a>: 3 of the 3 article pages", "comments waiting"} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard does not say %q", want)
		}
	}
}
