package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/related"
)

// addItems adds items through the site's pipeline, computing related
// lists as herald serve does.
func (s *site) addItems(t *testing.T, items ...ingest.Item) {
	t.Helper()
	s.pipe.Related = &related.Recommender{Store: s.store}
	s.pipe.RelatedQueue = s.store
	for _, it := range items {
		if _, _, err := s.pipe.Add(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pipe.RelateQueued(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.web.CatchUp(context.Background())
}

func TestSearchPage(t *testing.T) {
	s := newSite(t)
	s.addItems(t, ingest.Item{URL: "https://ledger.example/budget", Title: "Budget day",
		HTML:   "<p>The minister wrote &lt;b&gt;cuts&lt;/b&gt; on the board and the harbour budget fell.</p>",
		Source: "Ledger", Licence: "full", PublishedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	tests := []struct {
		name, query string
		status      int
		want        []string
		notWant     []string
	}{
		{"EmptyForm", "", 200, []string{`<form class="search-form"`, `name="q"`, `<option value="ledger">Ledger</option>`}, []string{"search-results", "form-error"}},
		{"Results", "q=harbour", 200, []string{`<ol class="article-list search-results">`, "Council approves harbour wall", "Budget day",
			"<mark>harbour</mark>", `value="harbour"`}, []string{"Wall contract awarded"}},
		{"Escaped", "q=cuts", 200, []string{"&lt;b&gt;<mark>cuts</mark>&lt;/b&gt;"}, []string{"<b>cuts"}},
		{"Phrase", "q=%22harbour+budget%22", 200, []string{"Budget day"}, []string{"Council approves"}},
		{"Excluded", "q=harbour+-budget", 200, []string{"Council approves harbour wall"}, []string{"Budget day"}},
		{"Outlet", "q=harbour&source=ledger", 200, []string{"Budget day"}, []string{"Council approves"}},
		{"DateRange", "q=harbour&from=2026-03-02&to=2026-03-02", 200, []string{"Budget day"}, []string{"Council approves"}},
		{"ByDate", "q=harbour&sort=date", 200, []string{"Budget day", `<option value="date" selected>`}, nil},
		{"NoMatch", "q=zeppelin", 200, []string{"Nothing matches “zeppelin”"}, nil},
		{"Empty", "q=++", 400, []string{`class="form-error"`, "type a word to search for", `<form class="search-form"`}, []string{"did not make sense"}},
		{"OperatorsOnly", "q=OR+-+%22%22", 400, []string{"only operators or punctuation"}, nil},
		{"OnlyExcluded", "q=-harbour", 400, []string{"only says what to leave out"}, nil},
		{"TooLong", "q=" + strings.Repeat("a", 300), 400, []string{"the limit is 256"}, nil},
		{"BadDate", "q=harbour&from=yesterday", 400, []string{"from must be a date written YYYY-MM-DD"}, nil},
		{"UnknownOutlet", "q=harbour&source=nope", 400, []string{"there is no outlet"}, nil},
		{"Script", "q=%3Cscript%3Ealert(1)%3C/script%3E", 200, []string{"&lt;script&gt;"}, []string{"<script>alert"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.get(t, "/search?"+tt.query)
			if tt.query == "" {
				resp, body = s.get(t, "/search")
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" {
				t.Errorf("Cache-Control = %q", cc)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}
}

func TestSearchSkipsThePageCache(t *testing.T) {
	s := newSite(t)
	if _, body := s.get(t, "/search?q=lighthouse"); !strings.Contains(body, "Nothing matches") {
		t.Fatalf("search before the article: %s", body)
	}
	s.addItems(t, ingest.Item{URL: "https://ledger.example/light", Title: "Lighthouse reopens", Text: "The lighthouse reopened.",
		Source: "Ledger", PublishedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	// No wait for the cache to see the new version: search pages are
	// never cached, so the very next request finds the article.
	if _, body := s.get(t, "/search?q=lighthouse"); !strings.Contains(body, "Lighthouse reopens") {
		t.Errorf("search after the article does not find it")
	}
	for i := range 50 { // many different queries leave the cache as it was
		s.get(t, fmt.Sprintf("/search?q=word%d", i))
	}
}

func TestSearchAPI(t *testing.T) {
	s := newSite(t)
	var items []ingest.Item
	for i := range 5 {
		items = append(items, ingest.Item{URL: fmt.Sprintf("https://ledger.example/%d", i), Title: fmt.Sprintf("Ferry timetable %d", i),
			Text: fmt.Sprintf("The ferry timetable changes on day %d for island %d.", i, i), Source: "Ledger",
			PublishedAt: time.Date(2026, 3, 2, i, 0, 0, 0, time.UTC)})
	}
	s.addItems(t, items...)

	var list struct {
		Items []struct {
			Title       string `json:"title"`
			Snippet     string `json:"snippet"`
			SnippetHTML string `json:"snippet_html"`
			Source      struct{ Slug string }
		}
		Page     int `json:"page"`
		NextPage int `json:"next_page"`
	}
	resp, body := s.get(t, "/api/v1/search?q=ferry&sort=date&limit=2")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 || list.Page != 1 || list.NextPage != 2 || list.Items[0].Title != "Ferry timetable 4" {
		t.Fatalf("page 1 = %+v", list)
	}
	if it := list.Items[0]; !strings.Contains(it.SnippetHTML, "<mark>ferry</mark>") || strings.Contains(it.Snippet, "<mark>") {
		t.Errorf("snippet %q / html %q", it.Snippet, it.SnippetHTML)
	}
	_, body = s.get(t, "/api/v1/search?q=ferry&sort=date&limit=2&page=3")
	list.NextPage = 0
	json.Unmarshal([]byte(body), &list)
	if len(list.Items) != 1 || list.NextPage != 0 || list.Items[0].Title != "Ferry timetable 0" {
		t.Errorf("page 3 = %+v", list)
	}

	for query, message := range map[string]string{
		"q=":                    "type a word",
		"q=ferry&page=51":       "page must be a whole number from 1 to 50",
		"q=ferry&sort=oldest":   "sort must be relevance or date",
		"q=ferry&limit=0":       "limit must be",
		"q=ferry&to=2026-13-01": "to must be a date",
	} {
		resp, body := s.get(t, "/api/v1/search?"+query)
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal([]byte(body), &e)
		if resp.StatusCode != 400 || e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, message) {
			t.Errorf("%s: status %d, error %+v; want 400 invalid %q", query, resp.StatusCode, e.Error, message)
		}
	}
}

func TestOpenSearch(t *testing.T) {
	s := newSite(t)
	resp, body := s.get(t, "/opensearch.xml")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/opensearchdescription+xml") {
		t.Fatalf("status %d, type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"<ShortName>Test Herald</ShortName>", `template="https://news.test/search?q={searchTerms}"`} {
		if !strings.Contains(body, want) {
			t.Errorf("opensearch.xml lacks %q:\n%s", want, body)
		}
	}
	checkWellFormed(t, body)
	_, home := s.get(t, "/")
	for _, want := range []string{`<link rel="search" type="application/opensearchdescription+xml" title="Test Herald" href="/opensearch.xml">`,
		`<form class="site-search" action="/search" method="get" role="search">`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
}

func TestRelated(t *testing.T) {
	s := newSite(t)
	at := func(h int) time.Time { return time.Date(2026, 3, 3, h, 0, 0, 0, time.UTC) }
	body := "Engineers inspected the cracked suspension bridge over the estuary and closed it to lorries while repairs are planned."
	s.addItems(t,
		ingest.Item{URL: "https://a.example/bridge", Title: "Estuary bridge closed to lorries", Text: body, Source: "Ledger", Licence: "full", PublishedAt: at(1)},
		ingest.Item{URL: "https://b.example/bridge-copy", Title: "Estuary bridge closed to lorries", Text: body, Source: "Courier", PublishedAt: at(2)},
		ingest.Item{URL: "https://c.example/bridge-repairs", Title: "Bridge repairs to take a year",
			Text: "Repairs to the cracked estuary suspension bridge will take a year, engineers said after they inspected the cables. " +
				"Lorries must use the ring road, and the council will publish a map of the diversion for every lorry driver.",
			Source: "Gazette", Licence: "excerpt", PublishedAt: at(3)},
		ingest.Item{URL: "https://d.example/football", Title: "Cup final tickets sold out", Text: "Tickets for the cup final sold out in an hour.", Source: "Ledger", PublishedAt: at(4)},
	)
	resp, page := s.get(t, "/articles/estuary-bridge-closed-to-lorries")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	_, section, found := strings.Cut(page, `<section class="related"`)
	if !found {
		t.Fatalf("article page has no related section")
	}
	if !strings.Contains(section, "You may also like") || !strings.Contains(section, "Bridge repairs to take a year") ||
		!strings.Contains(section, "Gazette") || !strings.Contains(section, "…</p>") {
		t.Errorf("related section:\n%s", section)
	}
	if strings.Contains(section, "/articles/estuary-bridge-closed-to-lorries") {
		t.Errorf("related section links to its own page")
	}
	first := strings.Index(section, "Bridge repairs")
	if other := strings.Index(section, "Cup final"); other >= 0 && other < first {
		t.Errorf("an unrelated article comes before the related one")
	}

	_, js := s.get(t, "/api/v1/articles?url="+url.QueryEscape("https://a.example/bridge"))
	var arts struct{ Items []struct{ ID int64 } }
	json.Unmarshal([]byte(js), &arts)
	if len(arts.Items) != 1 {
		t.Fatalf("find the article: %s", js)
	}
	id := arts.Items[0].ID
	resp, js = s.get(t, fmt.Sprintf("/api/v1/articles/%d/related", id))
	var rel struct {
		Items []struct {
			ID      int64
			Title   string
			Excerpt string
		}
	}
	if err := json.Unmarshal([]byte(js), &rel); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d: %v\n%s", resp.StatusCode, err, js)
	}
	if len(rel.Items) == 0 || rel.Items[0].Title != "Bridge repairs to take a year" {
		t.Fatalf("related = %+v", rel.Items)
	}
	for _, it := range rel.Items {
		if it.ID == id || it.Title == "Estuary bridge closed to lorries" {
			t.Errorf("related lists the article or its copy: %+v", it)
		}
	}
	if words := len(strings.Fields(rel.Items[0].Excerpt)); words < 20 || words > 26 || !strings.HasSuffix(rel.Items[0].Excerpt, "…") {
		t.Errorf("excerpt %q: want about 25 words ending with …", rel.Items[0].Excerpt)
	}
	if resp, _ := s.get(t, "/api/v1/articles/999999/related"); resp.StatusCode != 404 {
		t.Errorf("related of a missing article: status %d", resp.StatusCode)
	}
}
