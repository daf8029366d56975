package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/dedup"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
)

// result is what one corpus measured.
type result struct {
	Corpus       *corpus
	ImportLine   string
	ImportWall   time.Duration
	Pages        int // articles with a page of their own
	Herald, Base score
	RelatedRead  []time.Duration
	Search       []time.Duration
	KnownFirst   int // title queries that found their article first
	KnownTop10   int
	KnownTied    int // first, or behind only articles with the very same title
	KnownAsked   int
}

// score sums the quality of related lists over the pages scored.
type score struct {
	Scored       int // pages with at least one other page in their group
	PrecisionSum float64
	NDCGSum      float64
	NearDup      int // lists holding a near-duplicate of the article
	Lists        int
	Empty        int
	Repeats      int // outlet twice in a row
	Items        int
}

var summaryRE = regexp.MustCompile(`imported \d+, skipped \d+ .*`)

func measure(ctx context.Context, heraldBin, tmp string, c *corpus) (*result, error) {
	file := filepath.Join(tmp, c.Name+".jsonl")
	if err := writeLines(file, c.Docs); err != nil {
		return nil, err
	}
	db := filepath.Join(tmp, c.Name+".db")
	start := time.Now()
	out, err := exec.CommandContext(ctx, heraldBin, "import", "--db", db, file).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("herald import: %w\n%s", err, out)
	}
	r := &result{Corpus: c, ImportWall: time.Since(start), ImportLine: summaryRE.FindString(string(out))}

	store, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	srv, err := web.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{BaseURL: "http://bench"})
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	byURL := map[string]*doc{}
	for _, d := range c.Docs {
		byURL[d.URL] = d
	}
	ids := map[string]int64{}
	var pages []*doc
	groupPages := map[string]int{}
	for _, d := range c.Docs {
		list, _, err := store.FindArticles(ctx, herald.ArticleFilter{OriginalURL: d.URL})
		if err != nil {
			return nil, err
		}
		if len(list) == 0 || list[0].DuplicateOf != 0 {
			continue // rejected, or a copy shown on another page
		}
		ids[d.URL] = list[0].ID
		pages = append(pages, d)
		groupPages[d.Group]++
	}
	r.Pages = len(pages)

	lists := map[string][]item{}
	for _, d := range pages {
		t0 := time.Now()
		var got struct{ Items []item }
		if err := getJSON(ts.URL+fmt.Sprintf("/api/v1/articles/%d/related", ids[d.URL]), &got); err != nil {
			return nil, err
		}
		r.RelatedRead = append(r.RelatedRead, time.Since(t0))
		lists[d.URL] = got.Items
	}
	base := baselineLists(pages)
	for _, d := range pages {
		r.Herald.add(c, d, lists[d.URL], byURL, groupPages)
		r.Base.add(c, d, base[d.URL], byURL, groupPages)
	}

	for _, d := range pages {
		toks := search.Tokens(d.Title)
		q := strings.Join(toks[:min(len(toks), herald.MaxQueryTerms)], " ")
		for len(q) > herald.MaxQueryLen {
			q = q[:strings.LastIndexByte(q, ' ')]
		}
		if q == "" {
			continue
		}
		t0 := time.Now()
		var got struct{ Items []item }
		if err := getJSON(ts.URL+"/api/v1/search?limit=10&q="+url.QueryEscape(q), &got); err != nil {
			return nil, err
		}
		r.Search = append(r.Search, time.Since(t0))
		r.KnownAsked++
		for i, it := range got.Items {
			if it.OriginalURL == d.URL {
				if i == 0 {
					r.KnownFirst++
				}
				if sameTitles(got.Items[:i], d.Title, byURL) {
					r.KnownTied++
				}
				r.KnownTop10++
			}
		}
	}
	return r, nil
}

// item is a related article as the API returns it.
type item struct {
	OriginalURL string `json:"original_url"`
	Source      struct {
		Slug string `json:"slug"`
	} `json:"source"`
}

func getJSON(u string, v any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// maxK caps k at the length of a list.
const maxK = herald.MaxRelated

func (s *score) add(c *corpus, d *doc, list []item, byURL map[string]*doc, groupPages map[string]int) {
	s.Lists++
	s.Items += len(list)
	if len(list) == 0 {
		s.Empty++
	}
	dup := false
	for i, it := range list {
		o := byURL[it.OriginalURL]
		if o == nil {
			continue
		}
		if c.DupPairs[[2]string{d.URL, o.URL}] || fold(o.Text) == fold(d.Text) || dedup.Same(d.Text, o.Text) {
			dup = true
		}
		if i > 0 && it.Source.Slug != "" && it.Source.Slug == list[i-1].Source.Slug {
			s.Repeats++
		}
	}
	if dup {
		s.NearDup++
	}
	others := groupPages[d.Group] - 1
	if d.Group == "" || others < 1 {
		return
	}
	s.Scored++
	k := min(others, maxK)
	hits, dcg, idcg := 0, 0.0, 0.0
	for i, it := range list {
		rel := false
		if o := byURL[it.OriginalURL]; o != nil && o.Group == d.Group {
			rel = true
		}
		if rel && i < k {
			hits++
		}
		if rel && i < 5 {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	for i := range min(others, 5) {
		idcg += 1 / math.Log2(float64(i+2))
	}
	s.PrecisionSum += float64(hits) / float64(k)
	s.NDCGSum += dcg / idcg
}

// sameTitles reports whether every item has the given title, as
// lower-cased words: a title query cannot tell those articles apart.
func sameTitles(items []item, title string, byURL map[string]*doc) bool {
	want := strings.Join(search.Tokens(title), " ")
	for _, it := range items {
		o := byURL[it.OriginalURL]
		if o == nil || strings.Join(search.Tokens(o.Title), " ") != want {
			return false
		}
	}
	return true
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }
