package web_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sanitize"
)

// TestAPIBalancesStoredBodies stores an unbalanced body as a store written
// before the sanitiser balanced bodies would hold it, and checks that the
// API gives it out balanced, as the article page does.
func TestAPIBalancesStoredBodies(t *testing.T) {
	s := newSite(t)
	stored := `<p>text</p><a href="https://evil.example/"><b>unclosed<p>more</p>`
	a := &herald.Article{
		OriginalURL: "https://old.example/unbalanced", Title: "Stored before balancing",
		PublishedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		HTML:        stored, Text: "text unclosed more", Lead: "text unclosed more", Lang: "en",
		Licence: herald.LicenceFull,
		Source:  &herald.Source{Name: "Old Outlet", Homepage: "https://old.example/"},
	}
	if _, err := s.store.AddArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	resp, body := s.get(t, "/api/v1/articles?url=https://old.example/unbalanced")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var page struct {
		Items []struct {
			HTML string `json:"html"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("decode %s: %v", body, err)
	}
	got := page.Items[0].HTML
	if got == stored || sanitize.Balance(got) != got {
		t.Errorf("API body %q is not balanced (stored %q)", got, stored)
	}
}
