package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// quakeItems are three outlets' own reports of one event, and a wire
// report with a copy, so that the site has a story of several articles.
func quakeItems() []ingest.Item {
	body := func(outlet, angle string) string {
		return fmt.Sprintf("<p>A magnitude 6.1 earthquake struck Port Ellery before dawn, damaging the harbour wall and the Ellery Bridge, %s reports. %s</p>"+
			"<p>Rescue crews from Kestrel County searched collapsed buildings near the harbour, and the Port Ellery coastguard closed the bay to shipping.</p>", outlet, angle)
	}
	at := func(h int) time.Time { return time.Date(2026, 3, 3, h, 0, 0, 0, time.UTC) }
	return []ingest.Item{
		{URL: "https://gazette.example/quake", Title: "Earthquake shakes Port Ellery, damaging harbour wall",
			HTML: body("the Harbour Gazette", "Residents slept in the streets."), Source: "Harbour Gazette",
			SourceURL: "https://gazette.example/", Licence: "full", PublishedAt: at(6)},
		{URL: "https://times.example/quake", Title: "Port Ellery earthquake: rescue crews search harbour buildings",
			HTML: body("the Town Times", "The mayor called it the worst night in memory."), Source: "Town Times",
			SourceURL: "https://times.example/", Licence: "excerpt", PublishedAt: at(7)},
		{URL: "https://observer.example/quake", Title: "Ellery Bridge closed after Port Ellery earthquake",
			HTML: body("the Lowland Observer", "Engineers will inspect the Ellery Bridge."), Source: "Lowland Observer",
			SourceURL: "https://observer.example/", Licence: "full", PublishedAt: at(8)},
	}
}

func addQuake(t *testing.T, s *site) []*herald.Article {
	t.Helper()
	var arts []*herald.Article
	for _, it := range quakeItems() {
		a, _, err := s.pipe.Add(context.Background(), it)
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a)
	}
	return arts
}

func storyIDOf(t *testing.T, s *site, id int64) int64 {
	t.Helper()
	a, err := s.store.FindArticleByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if a.StoryID == 0 {
		t.Fatalf("article %d has no story", id)
	}
	return a.StoryID
}

func TestStoryPages(t *testing.T) {
	s := newSite(t)
	arts := addQuake(t, s)
	sid := storyIDOf(t, s, arts[0].ID)
	for _, a := range arts[1:] {
		if got := storyIDOf(t, s, a.ID); got != sid {
			t.Fatalf("the quake reports are in stories %d and %d; want one", sid, got)
		}
	}
	lone := storyIDOf(t, s, mustFindSlug(t, s, "wall-contract-awarded").ID)
	path := fmt.Sprintf("/stories/%d", sid)

	tests := []struct {
		name, path string
		status     int
		want       []string
		notWant    []string
	}{
		{"Story", path, 200, []string{
			`<h1 class="headline">`, "Covered by:", "Harbour Gazette", "Town Times", "Lowland Observer",
			`class="article-list timeline"`, "/articles/ellery-bridge-closed-after-port-ellery-earthquake",
			`<link rel="canonical" href="https://news.test` + path + `">`, "3 articles",
		}, nil},
		{"HomeGroupsByStory", "/", 200, []string{
			`href="` + path + `">2 more from`, "Wall contract awarded",
		}, nil},
		{"ArticleLinksToStory", "/articles/earthquake-shakes-port-ellery-damaging-harbour-wall", 200, []string{
			`<p class="story-link"><a href="` + path + `">See the whole story: 2 more articles`,
		}, nil},
		{"LoneArticleHasNoStoryLink", "/articles/wall-contract-awarded", 200, nil, []string{`class="story-link"`}},
		{"LoneStoryPage", fmt.Sprintf("/stories/%d", lone), 200, []string{"Wall contract awarded", "1 article"}, nil},
		{"MissingStory", "/stories/999999", 404, nil, []string{"goroutine"}},
		{"BadStoryID", "/stories/abc", 404, nil, []string{"goroutine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("GET %s: body has %q", tt.path, w)
				}
			}
		})
	}

	// The home page lists each story once: the quake story by its lead.
	_, home := s.get(t, "/")
	n := 0
	for _, a := range arts {
		n += strings.Count(home, `<h2><a href="/articles/`+a.Slug+`">`)
	}
	if n != 1 {
		t.Errorf("home page lists %d of the story's articles, want its lead only", n)
	}
}

func mustFindSlug(t *testing.T, s *site, slug string) *herald.Article {
	t.Helper()
	a, err := s.store.FindArticleBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestStoryMergedRedirects checks that a merged story's page leads to
// the story it joined, once the cache has seen the change.
func TestStoryMergedRedirects(t *testing.T) {
	s := newSite(t)
	from := storyIDOf(t, s, mustFindSlug(t, s, "wall-contract-awarded").ID)
	into := storyIDOf(t, s, mustFindSlug(t, s, "wall-vote-splits-town").ID)
	if from == into {
		t.Skip("the test site's articles share a story")
	}
	if resp, _ := s.get(t, fmt.Sprintf("/stories/%d", from)); resp.StatusCode != 200 {
		t.Fatalf("story %d: status %d", from, resp.StatusCode)
	}
	if err := s.store.MergeStories(context.Background(), from, into); err != nil {
		t.Fatal(err)
	}
	client := *s.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := client.Get(fmt.Sprintf("%s/stories/%d", s.srv.URL, from))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc == fmt.Sprintf("/stories/%d", into) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("merged story: status %d, Location %q; want a redirect to /stories/%d", resp.StatusCode, resp.Header.Get("Location"), into)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStoryAPI(t *testing.T) {
	s := newSite(t)
	arts := addQuake(t, s)
	sid := storyIDOf(t, s, arts[0].ID)

	var one struct {
		ID           int64  `json:"id"`
		URL          string `json:"url"`
		Headline     string `json:"headline"`
		ArticleCount int    `json:"article_count"`
		Outlets      []struct {
			Name string `json:"name"`
		} `json:"outlets"`
		Lead struct {
			ID      int64 `json:"id"`
			StoryID int64 `json:"story_id"`
		} `json:"lead"`
		Articles []struct {
			ID      int64  `json:"id"`
			StoryID *int64 `json:"story_id"`
		} `json:"articles"`
	}
	getJSON(t, s, fmt.Sprintf("/api/v1/stories/%d", sid), 200, &one)
	if one.ID != sid || one.ArticleCount != 3 || len(one.Articles) != 3 || len(one.Outlets) != 3 ||
		one.URL != fmt.Sprintf("https://news.test/stories/%d", sid) || one.Headline == "" || one.Lead.StoryID != sid {
		t.Errorf("GET story %d = %+v", sid, one)
	}
	for _, a := range one.Articles {
		if a.StoryID == nil || *a.StoryID != sid {
			t.Errorf("article %d in story %d has story_id %v", a.ID, sid, a.StoryID)
		}
	}

	var art struct {
		StoryID *int64 `json:"story_id"`
	}
	getJSON(t, s, fmt.Sprintf("/api/v1/articles/%d", arts[1].ID), 200, &art)
	if art.StoryID == nil || *art.StoryID != sid {
		t.Errorf("article JSON story_id = %v, want %d", art.StoryID, sid)
	}

	// Paging: every story once, the latest first.
	seen := map[int64]bool{}
	var order []int64
	path := "/api/v1/stories?limit=1"
	for range 10 {
		var page struct {
			Items []struct {
				ID              int64     `json:"id"`
				LastPublishedAt time.Time `json:"last_published_at"`
			} `json:"items"`
			Next string `json:"next_cursor"`
		}
		getJSON(t, s, path, 200, &page)
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Errorf("story %d listed twice", it.ID)
			}
			seen[it.ID] = true
			order = append(order, it.ID)
		}
		if page.Next == "" {
			break
		}
		path = "/api/v1/stories?limit=1&cursor=" + page.Next
	}
	all, _, err := s.store.FindStories(context.Background(), herald.StoryFilter{Limit: herald.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != len(all) || len(order) < 2 || order[0] != sid {
		t.Errorf("paged stories %v; want all %d, the quake story %d first", order, len(all), sid)
	}

	for _, tc := range []struct{ path, want string }{
		{"/api/v1/stories/999999", "not found"},
		{"/api/v1/stories/abc", "story id must be a positive whole number"},
		{"/api/v1/stories?limit=0", "limit must be a whole number"},
		{"/api/v1/stories?cursor=bogus", "cursor"},
	} {
		resp, body := s.get(t, tc.path)
		if resp.StatusCode < 400 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d %s; want an error saying %q", tc.path, resp.StatusCode, body, tc.want)
		}
	}
}

func getJSON(t *testing.T, s *site, path string, status int, v any) {
	t.Helper()
	resp, body := s.get(t, path)
	if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: status %d (%s), want %d, JSON: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), status, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}
