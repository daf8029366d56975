package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/internal/ingest"
)

// TestCorrections stores articles carrying an outlet's notes: the note
// heads its article's page and is listed on /corrections and in its feed,
// except a headline article's, whose words Herald does not show.
func TestCorrections(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	pipe := ingest.NewPipeline(s.store)
	for _, it := range []ingest.Item{
		{URL: "https://gazette.example/vote", Title: "Council votes on the harbour wall", Source: "Harbour Gazette", Licence: "full",
			HTML:        "<p>" + numbered("Councillors voted on the height and the cost of the new harbour wall after a long night", 10) + "</p><p>Correction: an earlier version of this article gave the vote as 7 to 2; it was 6 to 3.</p>",
			PublishedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{URL: "https://wire.example/vote", Title: "Harbour wall vote", Source: "Wire Agency", Licence: "headline",
			Text: "Vote held.\n\nCorrection: the wire's own note, never shown.", PublishedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
	} {
		if _, _, err := pipe.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	const note = "Correction: an earlier version of this article gave the vote as 7 to 2; it was 6 to 3."
	waitFor(t, func() bool {
		_, page := s.get(t, "/articles/council-votes-on-the-harbour-wall")
		return strings.Contains(page, `<aside class="corrections" aria-label="Corrections">`) && strings.Contains(page, note)
	}, "the note at the top of the article")
	resp, page := s.get(t, "/corrections")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, note) || !strings.Contains(page, "Council votes on the harbour wall") {
		t.Errorf("/corrections: %s", resp.Status)
	}
	if strings.Contains(page, "never shown") {
		t.Error("/corrections shows a headline article's note")
	}
	resp, feed := s.get(t, "/corrections.rss")
	if resp.StatusCode != http.StatusOK || !strings.Contains(feed, "6 to 3") || strings.Contains(feed, "never shown") {
		t.Errorf("/corrections.rss: %s\n%s", resp.Status, feed)
	}
	if _, page := s.get(t, "/articles/harbour-wall-vote"); strings.Contains(page, "never shown") {
		t.Error("a headline article's page shows its note")
	}
}
