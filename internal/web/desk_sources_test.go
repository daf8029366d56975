package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// TestDeskSourceTakedown takes down everything from the seeded outlet
// through the desk's source page, then restores it.
func TestDeskSourceTakedown(t *testing.T) {
	s := newDeskSite(t)
	ctx := context.Background()
	const slug, page = "harbour-gazette", "/admin/sources/harbour-gazette"
	ed := s.signIn(t, "editor@site.example")
	post := func(who *reader, form url.Values) *http.Response {
		t.Helper()
		_, body := who.get(page)
		form.Set("request", formRequest(t, body))
		resp, _ := who.postForm(page+"/do", form)
		return resp
	}
	// waitFor polls the store until the background work is done.
	waitFor := func(what string, done func(*herald.Source) bool) {
		t.Helper()
		for range 200 {
			src, err := s.store.FindSourceBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if done(src) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s: not done after 4 s", what)
	}

	if _, body := ed.get(page); !strings.Contains(body, "Take down all 1 articles from Harbour Gazette") {
		t.Errorf("the source page does not name how many articles go")
	}
	mod := s.signIn(t, "mod@site.example")
	// A moderator cannot open the page; a form forged for them is refused.
	forged := url.Values{"do": {"takedown"}, "reason": {"x"}, "confirm": {slug}, "request": {"forged"}}
	if resp, _ := mod.postForm(page+"/do", forged); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a moderator's takedown: %s, want 403", resp.Status)
	}
	for _, form := range []url.Values{
		{"do": {"takedown"}, "reason": {"The licence ended."}, "confirm": {"wrong"}},
		{"do": {"takedown"}, "reason": {" "}, "confirm": {slug}},
	} {
		if resp := post(ed, form); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%v: %s", form, resp.Status)
		}
		if src, _ := s.store.FindSourceBySlug(ctx, slug); src.TakenDown() {
			t.Fatalf("%v took the source down", form)
		}
	}

	if resp := post(ed, url.Values{"do": {"takedown"}, "reason": {"The licence ended."}, "confirm": {slug}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("takedown: %s", resp.Status)
	}
	waitFor("takedown", func(src *herald.Source) bool { return src.TakenDown() && src.ArticleCount == 0 })
	if resp, body := ed.get("/articles/council-approves-harbour-wall"); resp.StatusCode != http.StatusGone || !strings.Contains(body, "The licence ended.") {
		t.Errorf("the article after its source's takedown: %s", resp.Status)
	}
	if _, body := ed.get(page); !strings.Contains(body, "Restore Harbour Gazette") || strings.Contains(body, `value="resume"`) {
		t.Errorf("the taken-down source's page offers no restore, or offers to resume it")
	}

	if resp := post(ed, url.Values{"do": {"restore"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %s", resp.Status)
	}
	waitFor("restore", func(src *herald.Source) bool { return !src.TakenDown() && src.ArticleCount == 1 })
	entries, err := s.store.FindAudit(ctx, herald.AuditFilter{Kind: "source"})
	if err != nil || len(entries) != 2 || entries[0].Action != "source.restore" || entries[1].Actor != "editor@site.example" {
		t.Errorf("audit log: %+v, %v", entries, err)
	}
}
