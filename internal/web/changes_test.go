package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// reviseArticle stores a new version of the article with the URL, as the
// re-check worker does.
func reviseArticle(t *testing.T, s *site, url string, rev herald.Revision) *herald.Article {
	t.Helper()
	ctx := context.Background()
	list, _, err := s.store.FindArticles(ctx, herald.ArticleFilter{OriginalURL: url})
	if err != nil || len(list) != 1 {
		t.Fatalf("find %s: %v", url, err)
	}
	a := list[0]
	if err := s.store.RecheckSoon(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.store.ClaimDueRechecks(ctx, "test", time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %d, %v", len(claimed), err)
	}
	if err := s.store.RecordRecheck(ctx, a.ID, "test", herald.RecheckOutcome{Revision: &rev}); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestChanges revises a full article and an excerpt one: each page says
// "Updated" and links to its changes, which show the words of the full
// one and only how much changed in the excerpt one.
func TestChanges(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	for _, name := range []string{"Lighthouse Post", "Quay Times"} {
		src := &herald.Source{Name: name, FeedURL: "https://" + herald.Slugify(name) + ".example/feed.xml", Kind: herald.KindFeed,
			Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
		if err := s.store.AddSource(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	first := numbered("The lighthouse keeper retired after forty years on the rock and handed over the lamp", 6)
	pipe := ingest.NewPipeline(s.store)
	for _, it := range []ingest.Item{
		{URL: "https://lighthouse.example/keeper", Title: "Keeper retires", Source: "Lighthouse Post", Licence: "full", Text: first},
		{URL: "https://quay.example/keeper", Title: "Quay keeper retires", Source: "Quay Times", Licence: "excerpt",
			Text: numbered("The quay keeper retired after thirty years of opening the gates at dawn for the boats", 6)},
	} {
		if _, _, err := pipe.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	second := first + "\n\nHer successor, Tom Hale, starts on Monday."
	full := reviseArticle(t, s, "https://lighthouse.example/keeper", herald.Revision{Title: "Keeper retires after forty years",
		HTML: "<p>" + second + "</p>", Text: second})
	excerpt := reviseArticle(t, s, "https://quay.example/keeper", herald.Revision{Title: "Quay keeper retires",
		HTML: "<p>Secret new words.</p>", Text: "Secret new words."})

	waitFor(t, func() bool {
		_, page := s.get(t, "/articles/"+full.Slug)
		return strings.Contains(page, `href="/articles/`+full.Slug+`/changes">Updated`)
	}, "the article page to say it was updated")
	resp, page := s.get(t, "/articles/"+full.Slug+"/changes")
	for _, want := range []string{"Version 2", "Version 1", "Her successor, Tom Hale, starts on Monday.</ins>",
		"Title: Keeper retires<ins> after forty years</ins>", "7 words added, 0 removed"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("full article's changes: %s, want %q", resp.Status, want)
		}
	}
	_, page = s.get(t, "/articles/"+excerpt.Slug+"/changes")
	if strings.Contains(page, "Secret new words") || !strings.Contains(page, "words added") {
		t.Error("an excerpt article's changes show its words, or not how much changed")
	}
	if resp, _ := s.get(t, "/articles/no-such-article/changes"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("changes of no article: %s", resp.Status)
	}
	// The feeds and the API say when it changed.
	if _, atom := s.get(t, "/atom.xml"); strings.Count(atom, "<updated>1970") > 0 {
		t.Error("the Atom feed has no updated time")
	}
	_, api := s.get(t, "/api/v1/articles?url=https://lighthouse.example/keeper")
	_, revs := s.get(t, fmt.Sprintf("/api/v1/articles/%d/revisions", full.ID))
	if !strings.Contains(revs, `"n": 2`) || !strings.Contains(revs, `"words_inserted": 7`) || !strings.Contains(revs, "Tom Hale") {
		t.Errorf("API revisions: %s", revs)
	}
	if _, revs = s.get(t, fmt.Sprintf("/api/v1/articles/%d/revisions", excerpt.ID)); strings.Contains(revs, "Secret new words") {
		t.Error("the API gives an excerpt article's words")
	}
	if !strings.Contains(api, `"revision_count": 2`) || strings.Contains(api, `"updated_at": null`) || !strings.Contains(api, `"status": "published"`) {
		t.Errorf("API article: %s", api)
	}
}
