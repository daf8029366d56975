package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// withTopics adds two topics to the site, then articles that arrive
// through the pipeline and are tagged and digested on arrival.
func withTopics(t *testing.T, s *site) (wall, town *herald.Topic) {
	t.Helper()
	ctx := context.Background()
	wall = &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall", "sea wall"}}}
	town = &herald.Topic{Name: "Port Ellery", Rules: herald.TopicRules{Match: []string{"port ellery", "harbour"}}}
	for _, topic := range []*herald.Topic{wall, town} {
		if err := s.store.AddTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		if err := ingest.Retag(ctx, s.store, s.store, topic, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.pipe.Topics = s.store
	// Each article below is its own development here, as when stories are
	// not kept: with stories these seven days of one story would make one
	// point (ingest's TestOnePointPerStory checks that).
	s.pipe.Stories = nil
	leads := []string{
		"Engineers began surveying the harbour wall site in Port Ellery on Monday ahead of the first foundations.",
		"The national flood agency agreed on Tuesday to pay half the cost of the new harbour wall in Port Ellery.",
		"Two councillors asked on Wednesday for a public inquiry into the harbour wall contract and its price.",
		"Fishermen in Port Ellery said on Thursday they would move their boats while the harbour wall is built.",
		"The contractor building the harbour wall hired forty local workers on Friday for the first stage of work.",
		"A storm on Saturday damaged the temporary barrier protecting the harbour wall works in Port Ellery.",
		"The council confirmed on Sunday that the harbour wall would open to walkers once finished in 2028.",
	}
	for i, lead := range leads {
		it := ingest.Item{
			URL: fmt.Sprintf("https://gazette.example/wall/%d", i), Title: fmt.Sprintf("Harbour wall: day %d", i+1),
			Text:   lead + "\n\nThe town has waited many years for the work to start, and residents have followed every step of the plan.",
			Source: "Harbour Gazette", SourceURL: "https://gazette.example/", Licence: "full",
			PublishedAt: time.Date(2026, 3, 2+i, 9, 0, 0, 0, time.UTC),
		}
		if _, _, err := s.pipe.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	return wall, town
}

func TestTopicPages(t *testing.T) {
	s := newSite(t)
	withTopics(t, s)

	resp, body := s.get(t, "/topics/harbour-wall")
	if resp.StatusCode != 200 {
		t.Fatalf("topic page: %d", resp.StatusCode)
	}
	box := between(body, `<aside class="developments"`, `</aside>`)
	if !strings.Contains(box, `Latest developments on <a href="/topics/harbour-wall">Harbour wall</a>`) {
		t.Errorf("topic page lacks its box:\n%s", body)
	}
	if n := strings.Count(box, "<li>"); n != herald.DigestMax {
		t.Errorf("box has %d points, want %d", n, herald.DigestMax)
	}
	if i, j := strings.Index(box, "open to walkers"), strings.Index(box, "flood agency"); i < 0 || j < 0 || i > j {
		t.Errorf("points are not newest first:\n%s", box)
	}
	if strings.Contains(box, "Engineers began surveying") {
		t.Errorf("the oldest of seven developments should not be shown:\n%s", box)
	}
	if !strings.Contains(box, "Harbour Gazette ·") || !strings.Contains(box, `href="/articles/harbour-wall-day-7"`) {
		t.Errorf("points lack their outlet or article link:\n%s", box)
	}
	list := body[strings.Index(body, "</aside>"):]
	if i, j := strings.Index(list, "Harbour wall: day 7"), strings.Index(list, "Council approves harbour wall"); i < 0 || j < 0 || i > j {
		t.Errorf("the topic's articles are not listed newest first after the box")
	}

	// The article page shows the most specific topic's box, without its own point.
	_, body = s.get(t, "/articles/harbour-wall-day-7")
	box = between(body, `<aside class="developments"`, `</aside>`)
	if !strings.Contains(box, "Latest developments on <a href=\"/topics/harbour-wall\">Harbour wall</a>") {
		t.Errorf("article page box is not the most specific topic's:\n%s", box)
	}
	if strings.Contains(box, "open to walkers") || !strings.Contains(box, "storm on Saturday") {
		t.Errorf("article page box should leave out the article's own point:\n%s", box)
	}
	if strings.Index(body, `class="developments"`) > strings.Index(body, `class="attribution"`) {
		t.Error("the box should come under the body, before the attribution")
	}
	// An article with no topic has no box.
	if _, body = s.get(t, "/articles/wall-contract-awarded"); strings.Contains(body, `class="developments"`) {
		t.Error("an article without topics shows a box")
	}

	resp, body = s.get(t, "/topics/harbour-wall/rss.xml")
	if resp.StatusCode != 200 || !strings.Contains(body, "<title>Harbour wall — Test Herald</title>") || !strings.Contains(body, "harbour-wall-day-7") {
		t.Errorf("topic feed: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ = s.get(t, "/topics/nope"); resp.StatusCode != 404 {
		t.Errorf("unknown topic: %d", resp.StatusCode)
	}
	if resp, _ = s.get(t, "/topics/harbour-wall?after=bogus"); resp.StatusCode != 400 {
		t.Errorf("bad cursor: %d", resp.StatusCode)
	}
}

func TestTopicListsItsArticles(t *testing.T) {
	s := newSite(t)
	withTopics(t, s)
	_, body := s.get(t, "/topics/port-ellery")
	next := between(body, `<a rel="next" href="`, `"`)
	if next != "" {
		t.Fatalf("8 articles fit one page, got a next link %q", next)
	}
	if n := strings.Count(between(body, `<ol class="article-list">`, `</ol>`), "<li>"); n != 8 {
		t.Errorf("port-ellery lists %d articles, want 8", n)
	}
}

func TestEditorDecisionsShow(t *testing.T) {
	s := newSite(t)
	wall, _ := withTopics(t, s)
	ctx := context.Background()
	all, err := s.store.FindDigest(ctx, wall.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	yes, text := true, "Walkers will be able to use the finished wall."
	if err := s.store.EditDigestPoint(ctx, all[0].ID, herald.DigestEdit{Text: &text}); err != nil {
		t.Fatal(err)
	}
	if err := s.store.EditDigestPoint(ctx, all[1].ID, herald.DigestEdit{Hidden: &yes}); err != nil {
		t.Fatal(err)
	}
	_, body := s.get(t, "/topics/harbour-wall")
	box := between(body, `<aside class="developments"`, `</aside>`)
	if !strings.Contains(box, text) || strings.Contains(box, "storm on Saturday") || !strings.Contains(box, "Engineers began surveying") {
		t.Errorf("box after an edit and a hide (the oldest comes back):\n%s", box)
	}
}

func TestTopicAPI(t *testing.T) {
	s := newSite(t)
	withTopics(t, s)

	var topics struct {
		Items []struct {
			Name, Slug, URL string
			ArticleCount    int `json:"article_count"`
			Rules           struct{ Match []string }
		}
	}
	getJSON(t, s, "/api/v1/topics", 200, &topics)
	if len(topics.Items) != 2 || topics.Items[0].Slug != "harbour-wall" || topics.Items[0].ArticleCount != 8 ||
		topics.Items[0].URL != "https://news.test/topics/harbour-wall" || topics.Items[0].Rules.Match[1] != "sea wall" {
		t.Errorf("/api/v1/topics = %+v", topics)
	}

	var one struct {
		Slug   string
		Digest []struct {
			Text, Source string
			ArticleURL   string    `json:"article_url"`
			PublishedAt  time.Time `json:"published_at"`
		}
	}
	getJSON(t, s, "/api/v1/topics/harbour-wall", 200, &one)
	if one.Slug != "harbour-wall" || len(one.Digest) != herald.DigestMax || one.Digest[0].ArticleURL != "https://news.test/articles/harbour-wall-day-7" ||
		one.Digest[0].Source != "Harbour Gazette" || !one.Digest[0].PublishedAt.After(one.Digest[1].PublishedAt) {
		t.Errorf("/api/v1/topics/harbour-wall = %+v", one)
	}
	var digest struct{ Items []struct{ Text string } }
	getJSON(t, s, "/api/v1/topics/harbour-wall/digest", 200, &digest)
	if len(digest.Items) != herald.DigestMax || digest.Items[0].Text != one.Digest[0].Text {
		t.Errorf("/api/v1/topics/harbour-wall/digest = %+v", digest)
	}

	var articles struct {
		Items []struct {
			Slug   string
			Topics []struct{ Slug string }
		}
	}
	getJSON(t, s, "/api/v1/articles?limit=100", 200, &articles)
	seen := 0
	for _, a := range articles.Items {
		switch a.Slug {
		case "harbour-wall-day-1":
			seen++
			if len(a.Topics) != 2 || a.Topics[0].Slug != "harbour-wall" {
				t.Errorf("topics of %s = %+v; want harbour-wall first, then port-ellery", a.Slug, a.Topics)
			}
		case "wall-contract-awarded":
			seen++
			if a.Topics == nil || len(a.Topics) != 0 {
				t.Errorf("an article with no topics should have \"topics\": [], got %+v", a.Topics)
			}
		}
	}
	if seen != 2 {
		t.Errorf("articles missing from the list: %+v", articles)
	}
	resp, _ := s.get(t, "/api/v1/topics/nope/digest")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown topic's digest: %d", resp.StatusCode)
	}
}

// between returns the text of s from the first from to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i+len(from):], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+len(from)+j]
}

// TestTopicListsStories checks that a topic's page groups its articles by
// story, as the home page does: one entry for the quake, led by the
// story's lead, with the outlet and time of its newest article.
func TestTopicListsStories(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	town := &herald.Topic{Name: "Port Ellery", Rules: herald.TopicRules{Match: []string{"port ellery"}}}
	if err := s.store.AddTopic(ctx, town); err != nil {
		t.Fatal(err)
	}
	s.pipe.Topics = s.store
	arts := addQuake(t, s)
	st, _, err := s.store.FindStoryByID(ctx, storyIDOf(t, s, arts[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 3 {
		t.Fatalf("the quake story holds %d articles, want 3", st.Articles)
	}
	newest := arts[2] // the Lowland Observer's, an hour after the others
	if st.Lead.ID == newest.ID {
		t.Fatal("the quake's lead is its newest article; the test needs them apart")
	}

	_, body := s.get(t, "/topics/port-ellery")
	list := between(body, `<ol class="article-list">`, `</ol>`)
	if n := strings.Count(list, "<li>"); n != 1 {
		t.Fatalf("topic page lists %d entries, want the one story:\n%s", n, list)
	}
	for _, want := range []string{
		`<h2><a href="/articles/` + st.Lead.Slug + `">`,
		fmt.Sprintf(`<a href="/stories/%d">2 more from `, st.ID),
		`datetime="` + newest.PublishedAt.Format(time.RFC3339) + `"`,
		`/sources/lowland-observer`,
	} {
		if !strings.Contains(list, want) {
			t.Errorf("story entry lacks %q:\n%s", want, list)
		}
	}
	if !strings.Contains(list, `Latest from <a href="/sources/lowland-observer">Lowland Observer</a>`) {
		t.Errorf("entry does not name the newest article's outlet:\n%s", list)
	}
}

// TestTopicPagesThroughStories follows the next links of a topic's page
// from the first to the last: every entry shows once, newest first.
func TestTopicPagesThroughStories(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	topic := &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall"}}}
	if err := s.store.AddTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	s.pipe.Topics = s.store
	s.pipe.Stories = nil // each article its own entry
	const n = herald.DefaultPageSize + 5
	for i := range n {
		it := ingest.Item{
			URL: fmt.Sprintf("https://gazette.example/page/%d", i), Title: fmt.Sprintf("Harbour wall update %d", i),
			Text:   fmt.Sprintf("Report %d on the harbour wall works, which continued through the week without delay.", i),
			Source: "Harbour Gazette", SourceURL: "https://gazette.example/", Licence: "full",
			PublishedAt: time.Date(2026, 4, 1, 0, i, 0, 0, time.UTC),
		}
		if _, _, err := s.pipe.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	var titles []string
	path := "/topics/harbour-wall"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		resp, body := s.get(t, path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		list := between(body, `<ol class="article-list">`, `</ol>`)
		for _, h := range strings.Split(list, "<h2>")[1:] {
			titles = append(titles, strings.TrimPrefix(between(h, `">`, `</a>`), `">`))
		}
		next := `<a rel="next" href="`
		path = html.UnescapeString(strings.TrimPrefix(between(body, next, `"`), next))
	}
	if len(titles) != n || titles[0] != fmt.Sprintf("Harbour wall update %d", n-1) || titles[n-1] != "Harbour wall update 0" {
		t.Fatalf("pages list %d titles %q; want %d, newest first", len(titles), titles, n)
	}
	seen := map[string]bool{}
	for _, title := range titles {
		if seen[title] {
			t.Errorf("%q is listed twice", title)
		}
		seen[title] = true
	}
}
