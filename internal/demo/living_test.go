package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLive moves the living demo's clock past each change and reads the
// article pages and feeds as Herald would.
func TestLive(t *testing.T) {
	start := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	o, err := NewOrigin(start)
	if err != nil {
		t.Fatal(err)
	}
	now := start
	changes := o.Live(func() time.Time { return now })
	if len(changes) != 3 {
		t.Fatalf("Live planned %d changes, want 3", len(changes))
	}
	get := func(raw string) (int, string) {
		t.Helper()
		u, _ := url.Parse(raw)
		req := httptest.NewRequest("GET", u.Path, nil)
		req.Host = u.Host
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Result().Body)
		return rec.Code, string(body)
	}
	feedOf := func(raw string) string {
		u, _ := url.Parse(raw)
		for _, out := range o.Outlets() {
			if strings.Contains(out.FeedURL, u.Host) {
				_, body := get(out.FeedURL)
				return body
			}
		}
		t.Fatalf("no outlet for %s", raw)
		return ""
	}
	byKind := map[string]LiveChange{}
	for _, c := range changes {
		byKind[c.Kind] = c
		if code, _ := get(c.URL); code != http.StatusOK {
			t.Errorf("%s before its change: %d", c.Kind, code)
		}
	}
	now = start.Add(byKind[ChangeUpdate].After)
	if _, page := get(byKind[ChangeUpdate].URL); !strings.Contains(page, "Update:") {
		t.Error("the updated article has no new paragraph")
	}
	now = start.Add(byKind[ChangeCorrection].After)
	if _, page := get(byKind[ChangeCorrection].URL); !strings.Contains(page, "Correction: An earlier version") {
		t.Error("the corrected article has no correction")
	}
	retracted := byKind[ChangeRetraction]
	if !strings.Contains(feedOf(retracted.URL), retracted.URL) {
		t.Error("the article to retract is missing from its feed before")
	}
	now = start.Add(retracted.After)
	if code, _ := get(retracted.URL); code != http.StatusNotFound {
		t.Errorf("the retracted article answers %d, want 404", code)
	}
	if strings.Contains(feedOf(retracted.URL), retracted.URL) {
		t.Error("the retracted article is still in its feed")
	}
}
