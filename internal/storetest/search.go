package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
)

// newText returns article n from source with the given title and text.
func newText(n int, source, title, text string) *herald.Article {
	a := NewArticle(n, source)
	a.Title, a.Text, a.HTML = title, text, "<p>"+text+"</p>"
	a.Lead = herald.Excerpt(text, herald.ExcerptWords)
	return a
}

// mustSearch runs the query text with f's other fields and returns the
// IDs found, in order.
func mustSearch(tb testing.TB, s herald.Store, text string, f herald.SearchFilter) ([]int64, *herald.SearchResult) {
	tb.Helper()
	q, err := search.Parse(text)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", text, err)
	}
	f.Query = q
	res, err := s.Search(context.Background(), f)
	if err != nil {
		tb.Fatalf("Search(%q): %v", text, err)
	}
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.Article.ID)
	}
	return ids, res
}

func testSearchLanguage(t *testing.T, s herald.Store) {
	rates := newText(1, "Ledger", "Central bank raises rates", "The central bank raised interest rates by half a point.")
	bank := newText(2, "Ledger", "River bank floods", "Heavy rain flooded the river bank and the town centre.")
	snow := newText(3, "Courier", "Snow closes schools", "Snow and ice closed schools across the region on Monday.")
	cafe := newText(4, "Courier", "Café owners protest", "Owners of the Café Zürich protested the new rent rules.")
	for _, a := range []*herald.Article{rates, bank, snow, cafe} {
		mustAdd(t, s, a)
	}
	tests := []struct {
		query string
		want  []*herald.Article
	}{
		{"bank", []*herald.Article{bank, rates}}, // equal matches: the newer first
		{"BANK rates", []*herald.Article{rates}},
		{`"central bank"`, []*herald.Article{rates}},
		{`"bank central"`, nil},
		{"bank -river", []*herald.Article{rates}},
		{`bank -"river bank"`, []*herald.Article{rates}},
		{"rain OR snow", []*herald.Article{snow, bank}},
		{"schools rain OR snow", []*herald.Article{snow}},
		{"cafe zurich", []*herald.Article{cafe}}, // accents do not matter
		{"Zürich", []*herald.Article{cafe}},
		{"nothing-like-this", nil},
	}
	for _, tt := range tests {
		got, _ := mustSearch(t, s, tt.query, herald.SearchFilter{})
		if want := articleIDs(tt.want); !slices.Equal(got, want) {
			t.Errorf("search %q = %v, want %v", tt.query, got, want)
		}
	}
}

func testSearchRanking(t *testing.T, s herald.Store) {
	body := newText(1, "Ledger", "Weather report", "A storm is coming; the storm will pass by night.")
	title := newText(2, "Ledger", "Storm warning for the coast", "Forecasters issued a warning for the weekend.")
	older := newText(0, "Ledger", "Storm warning for the coast again", "Forecasters issued a warning for the weekend.")
	older.OriginalURL += "-older"
	for _, a := range []*herald.Article{body, title, older} {
		mustAdd(t, s, a)
	}
	got, _ := mustSearch(t, s, "storm", herald.SearchFilter{})
	if len(got) != 3 || got[2] != body.ID {
		t.Errorf("search storm = %v: want the two title matches before the body match %d", got, body.ID)
	}
	got, _ = mustSearch(t, s, "storm", herald.SearchFilter{Sort: herald.SortDate})
	if want := []int64{title.ID, body.ID, older.ID}; !slices.Equal(got, want) {
		t.Errorf("search storm by date = %v, want %v", got, want)
	}
}

func testSearchFiltersAndPages(t *testing.T, s herald.Store) {
	var all []*herald.Article
	for n := range 7 {
		source := "Ledger"
		if n%2 == 1 {
			source = "Courier"
		}
		a := newText(n, source, "Election night", "Results of the election came in late.")
		mustAdd(t, s, a)
		all = append(all, a)
	}
	newest := slices.Clone(all)
	slices.Reverse(newest)

	_, res := mustSearch(t, s, "election", herald.SearchFilter{Limit: 3})
	if len(res.Hits) != 3 || !res.More {
		t.Fatalf("page 1: %d hits, more=%v; want 3 and more", len(res.Hits), res.More)
	}
	var paged []int64
	for page := 1; page <= 3; page++ {
		ids, res := mustSearch(t, s, "election", herald.SearchFilter{Limit: 3, Page: page})
		paged = append(paged, ids...)
		if res.More != (page < 3) {
			t.Errorf("page %d: more = %v", page, res.More)
		}
	}
	if want := articleIDs(newest); !slices.Equal(paged, want) {
		t.Errorf("pages = %v, want %v (equal rank: newest first)", paged, want)
	}

	got, _ := mustSearch(t, s, "election", herald.SearchFilter{SourceID: all[1].Source.ID})
	if want := []int64{all[5].ID, all[3].ID, all[1].ID}; !slices.Equal(got, want) {
		t.Errorf("outlet filter = %v, want %v", got, want)
	}
	from, to := all[2].PublishedAt, all[5].PublishedAt
	got, _ = mustSearch(t, s, "election", herald.SearchFilter{From: from, To: to, Sort: herald.SortDate})
	if want := []int64{all[4].ID, all[3].ID, all[2].ID}; !slices.Equal(got, want) {
		t.Errorf("date range [%v, %v) = %v, want %v", from, to, got, want)
	}

	for name, f := range map[string]herald.SearchFilter{
		"NoQuery":       {},
		"BadSort":       {Sort: "alphabet"},
		"PageTooDeep":   {Page: herald.MaxSearchPage + 1},
		"LimitTooLarge": {Limit: herald.MaxPageSize + 1},
		"RangeBackward": {From: to, To: from},
	} {
		if name != "NoQuery" {
			f.Query = herald.Query{Must: []herald.Clause{{{"election"}}}}
		}
		if _, err := s.Search(context.Background(), f); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
}

// SearchWindower is implemented by stores whose search bounds (see
// herald.SearchWindow and herald.SearchScan) a test may shrink, so that
// they are checked with a handful of articles. The check is skipped for a
// store without it.
type SearchWindower interface {
	// SetSearchWindow is called before the store is used.
	SetSearchWindow(window, scan int)
}

func testSearchWindow(t *testing.T, s herald.Store) {
	w, ok := s.(SearchWindower)
	if !ok {
		t.Skip("the store's search window cannot be set")
	}
	w.SetSearchWindow(3, 4)
	tables := newText(1, "Ledger", "Tide tables", "The lighthouse keeper printed the tide tables.")
	body2 := newText(2, "Ledger", "Harbour news", "A high tide is due.")
	body3 := newText(3, "Courier", "Boat news", "The tide turned late.")
	turns := newText(4, "Courier", "Tide turns", "Fishermen waited.")
	body5 := newText(5, "Courier", "Coast news", "Low tide at noon.")
	for _, a := range []*herald.Article{tables, body2, body3, turns, body5} {
		mustAdd(t, s, a)
	}
	tests := []struct {
		name  string
		query string
		f     herald.SearchFilter
		want  []*herald.Article
		more  bool
	}{
		// The newest three matches are ranked; the best title outside
		// them is not reached.
		{"Relevance", "tide", herald.SearchFilter{}, []*herald.Article{turns, body5, body3}, false},
		{"ByDate", "tide", herald.SearchFilter{Sort: herald.SortDate}, []*herald.Article{body5, turns, body3}, false},
		{"Pages", "tide", herald.SearchFilter{Sort: herald.SortDate, Limit: 2}, []*herald.Article{body5, turns}, true},
		{"LastPage", "tide", herald.SearchFilter{Sort: herald.SortDate, Limit: 2, Page: 2}, []*herald.Article{body3}, false},
		// A word only an old article holds finds it.
		{"KnownItem", "lighthouse tide", herald.SearchFilter{}, []*herald.Article{tables}, false},
		// Filters choose among the newest four matches: the window is
		// counted after them, but the fifth match is not looked at.
		{"Outlet", "tide", herald.SearchFilter{SourceID: turns.Source.ID}, []*herald.Article{turns, body5, body3}, false},
		{"OutletScan", "tide", herald.SearchFilter{SourceID: tables.Source.ID}, []*herald.Article{body2}, false},
		{"DatesScan", "tide", herald.SearchFilter{To: body3.PublishedAt}, []*herald.Article{body2}, false},
		{"KnownItemInOutlet", "lighthouse", herald.SearchFilter{SourceID: tables.Source.ID}, []*herald.Article{tables}, false},
		{"KnownItemInDates", "tables", herald.SearchFilter{To: body2.PublishedAt}, []*herald.Article{tables}, false},
	}
	for _, tt := range tests {
		got, res := mustSearch(t, s, tt.query, tt.f)
		if want := articleIDs(tt.want); !slices.Equal(got, want) || res.More != tt.more {
			t.Errorf("%s: search %q = %v more=%v, want %v more=%v", tt.name, tt.query, got, res.More, want, tt.more)
		}
	}
}

func testSearchCJKAndSnippets(t *testing.T, s herald.Store) {
	ja := newText(1, "Asahi Example", "東京都で新しい条例", "東京都議会は新しい条例を可決した。")
	ko := newText(2, "Seoul Example", "서울 날씨", "오늘 서울은 맑은 날씨가 이어지겠습니다.")
	html := newText(3, "Ledger", "Tags in text", "Readers wrote <script>alert(1)</script> about budget cuts.")
	for _, a := range []*herald.Article{ja, ko, html} {
		mustAdd(t, s, a)
	}
	for query, want := range map[string]int64{"京都": ja.ID, "条例": ja.ID, "東京都議会": ja.ID, "날씨": ko.ID, "서울": ko.ID} {
		if got, _ := mustSearch(t, s, query, herald.SearchFilter{}); !slices.Equal(got, []int64{want}) {
			t.Errorf("search %q = %v, want [%d]", query, got, want)
		}
	}
	_, res := mustSearch(t, s, "budget", herald.SearchFilter{})
	if len(res.Hits) != 1 {
		t.Fatalf("search budget: %d hits", len(res.Hits))
	}
	var text, marked strings.Builder
	for _, p := range res.Hits[0].Snippet {
		text.WriteString(p.Text)
		if p.Match {
			marked.WriteString(p.Text)
		}
	}
	if marked.String() != "budget" || !strings.Contains(text.String(), "</script>") {
		t.Errorf("snippet %q marks %q: want the text as written, with budget marked", text.String(), marked.String())
	}
	if a := res.Hits[0].Article; a.Title != html.Title || a.Source.Name != "Ledger" || a.HTML != "" {
		t.Errorf("hit article = %+v: want title and source, no body", a)
	}
}

// testSearchFollowsArticles checks that search finds each text once, as
// its shown copy, while copies arrive, take over its page and are purged.
func testSearchFollowsArticles(t *testing.T, s herald.Store) {
	ctx := context.Background()
	const title, body = "Harbour strike ends", "Dock workers ended the harbour strike."
	shown := newText(1, "Ledger", title, body)
	shown.Licence, shown.Dedup = herald.LicenceExcerpt, fingerprint(77, 1)
	mustAdd(t, s, shown)
	cp := newText(2, "Courier", title, body)
	cp.Licence, cp.DuplicateOf, cp.Dedup = herald.LicenceExcerpt, shown.ID, fingerprint(77, 1)
	mustAdd(t, s, cp)
	other := newText(3, "Gazette", "Harbour fees rise", "The harbour raised its fees.")
	mustAdd(t, s, other)

	wantFound := func(when string, want int64) {
		t.Helper()
		if got, _ := mustSearch(t, s, `"harbour strike"`, herald.SearchFilter{}); !slices.Equal(got, []int64{want}) {
			t.Errorf("search %s = %v, want only the shown copy %d", when, got, want)
		}
	}
	wantFound("with one copy", shown.ID)

	// A copy under a licence that shows more takes the text's page.
	full := newText(4, "Wire", title, body)
	full.Licence, full.DuplicateOf, full.Dedup = herald.LicenceFull, shown.ID, fingerprint(77, 1)
	mustAdd(t, s, full)
	if full.DuplicateOf != 0 {
		t.Fatalf("full-licence copy stored as a copy of %d; want it shown", full.DuplicateOf)
	}
	wantFound("after a full-licence copy", full.ID)

	// Purged with its source, the shown copy passes the page on to the
	// oldest of the rest.
	if err := s.RemoveSource(ctx, full.Source.Slug, true); err != nil {
		t.Fatalf("RemoveSource(%s): %v", full.Source.Slug, err)
	}
	wantFound("after the shown copy's source is purged", shown.ID)
	if err := s.RemoveSource(ctx, shown.Source.Slug, true); err != nil {
		t.Fatalf("RemoveSource(%s): %v", shown.Source.Slug, err)
	}
	wantFound("after the next one's source is purged", cp.ID)

	if err := s.RemoveSource(ctx, other.Source.Slug, true); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	if got, _ := mustSearch(t, s, "fees", herald.SearchFilter{}); len(got) != 0 {
		t.Errorf("search fees after purge = %v, want nothing", got)
	}
}

func testTermDocs(t *testing.T, s herald.Store) {
	ctx := context.Background()
	mustAdd(t, s, newText(1, "Ledger", "Apple harvest", "Apple growers expect a good year."))
	mustAdd(t, s, newText(2, "Ledger", "Pear harvest", "Pear growers expect a poor year."))
	docs, df, err := s.TermDocs(ctx, []string{"harvest", "apple", "banana"})
	if err != nil {
		t.Fatal(err)
	}
	if docs != 2 || !slices.Equal(df, []int{2, 1, 0}) {
		t.Errorf("TermDocs = %d, %v; want 2, [2 1 0]", docs, df)
	}
}

func testFindSimilar(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := newText(1, "Ledger", "Volcano erupts near village", "The volcano erupted and villagers fled the ash.")
	a.Dedup = fingerprint(5, 9)
	mustAdd(t, s, a)
	cp := newText(2, "Courier", "Volcano erupts near village", "The volcano erupted and villagers fled the ash.")
	cp.DuplicateOf, cp.Dedup = a.ID, fingerprint(5, 9)
	mustAdd(t, s, cp)
	near := newText(3, "Gazette", "Ash cloud from volcano grounds flights", "Flights were grounded by the volcano's ash cloud.")
	mustAdd(t, s, near)
	far := newText(4, "Gazette", "Ash trees planted", "The council planted ash trees.")
	mustAdd(t, s, far)
	mustAdd(t, s, newText(5, "Gazette", "Football results", "The home side won."))

	for _, from := range []*herald.Article{a, cp} {
		got, err := s.FindSimilar(ctx, from.ID, []string{"volcano", "ash", "villagers"}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.Article.ID)
			if c.Article.Text == "" {
				t.Errorf("candidate %d has no text", c.Article.ID)
			}
		}
		if want := []int64{near.ID, far.ID}; !slices.Equal(ids, want) {
			t.Errorf("FindSimilar(%d) = %v, want %v: neither the article nor its copy, best first", from.ID, ids, want)
		}
	}
	// Words only the article and its copy hold find nothing.
	if got, err := s.FindSimilar(ctx, a.ID, []string{"villagers"}, 0, 10); err != nil || len(got) != 0 {
		t.Errorf("FindSimilar(%d) of a word only it and its copy hold = %d articles, %v; want none", a.ID, len(got), err)
	}
	// The window counts back from the article: from far, the one article
	// stored just before it (near) is in; a and its copy are not.
	got, err := s.FindSimilar(ctx, far.ID, []string{"volcano", "ash", "villagers"}, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Article.ID != near.ID {
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.Article.ID)
		}
		t.Errorf("FindSimilar from %d within 2 = %v, want [%d]", far.ID, ids, near.ID)
	}
}

func testRelatedLists(t *testing.T, s herald.Store) {
	ctx := context.Background()
	var list []*herald.Article
	for n := range 5 {
		a := NewArticle(n, "Ledger")
		a.Dedup = fingerprint(uint64(100+n), uint64(n))
		mustAdd(t, s, a)
		list = append(list, a)
	}
	a := list[0]
	if got, err := s.FindRelated(ctx, a.ID); err != nil || len(got) != 0 {
		t.Fatalf("FindRelated before any list = %v, %v; want empty", got, err)
	}
	before := mustVersion(t, s)
	if err := s.SetRelated(ctx, a.ID, relItems(list[3].ID, a.ID, 99999, list[1].ID)); err != nil {
		t.Fatal(err)
	}
	if mustVersion(t, s) == before {
		t.Errorf("SetRelated did not move the version")
	}
	got, err := s.FindRelated(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{list[3].ID, list[1].ID}; !slices.Equal(articleIDs(got), want) {
		t.Errorf("FindRelated = %v, want %v (itself and missing ids skipped, order kept)", articleIDs(got), want)
	}
	if got[0].Title != list[3].Title || got[0].Source.Name != "Ledger" || !got[0].PublishedAt.Equal(list[3].PublishedAt) {
		t.Errorf("item = %+v", got[0])
	}
	stored, err := s.FindRelatedItems(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []herald.RelatedItem{{ID: list[3].ID, SourceID: list[3].Source.ID, Score: 1}, {ID: list[1].ID, SourceID: list[1].Source.ID, Score: 1.0 / 4}}
	if !slices.Equal(stored, want) {
		t.Errorf("FindRelatedItems = %+v, want %+v", stored, want)
	}

	// A later copy with a better licence takes over list[1]'s page: the
	// list shows the new shown copy; a copy of a itself is never shown.
	list[1].Licence = herald.LicenceExcerpt // as stored below, for the take-over
	better := newCopy(10, "Courier", herald.LicenceFull, list[1].ID, fingerprint(101, 1))
	mustAdd(t, s, better)
	if err := s.SetRelated(ctx, a.ID, relItems(list[1].ID, list[2].ID)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindRelated(ctx, a.ID)
	wantFirst := list[1].ID
	if better.DuplicateOf == 0 {
		wantFirst = better.ID
	}
	if ids := articleIDs(got); len(ids) != 2 || ids[0] != wantFirst {
		t.Errorf("FindRelated after a copy = %v, want %d first", ids, wantFirst)
	}

	// Replacing a list replaces it; deleting an item's article drops it.
	if err := s.SetRelated(ctx, a.ID, relItems(list[4].ID)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindRelated(ctx, a.ID); !slices.Equal(articleIDs(got), []int64{list[4].ID}) {
		t.Errorf("after replace = %v", articleIDs(got))
	}
	other := NewArticle(20, "Gazette")
	mustAdd(t, s, other)
	if err := s.SetRelated(ctx, a.ID, relItems(other.ID, list[2].ID)); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSource(ctx, other.Source.Slug, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindRelated(ctx, a.ID); !slices.Equal(articleIDs(got), []int64{list[2].ID}) {
		t.Errorf("after purge = %v, want %v", articleIDs(got), []int64{list[2].ID})
	}

	if err := s.SetRelated(ctx, 99999, nil); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("SetRelated of a missing article: %v, want ENOTFOUND", err)
	}
	if err := s.SetRelated(ctx, a.ID, make([]herald.RelatedItem, herald.MaxRelated+1)); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("SetRelated of %d items: %v, want EINVALID", herald.MaxRelated+1, err)
	}
}

// relItems makes a list of ids scored 1, 1/2, 1/3…
func relItems(ids ...int64) []herald.RelatedItem {
	out := make([]herald.RelatedItem, len(ids))
	for i, id := range ids {
		out[i] = herald.RelatedItem{ID: id, Score: 1 / float64(i+1)}
	}
	return out
}

// CheckMigratedSearch checks a store migrated from a database made before
// search, which held articles with the slugs "a" and "b" and the bodies
// "A" and "B": the migration indexed them.
func CheckMigratedSearch(t *testing.T, db herald.Store) {
	t.Helper()
	b, err := db.FindArticleBySlug(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := mustSearch(t, db, "b", herald.SearchFilter{}); !slices.Equal(got, []int64{b.ID}) {
		t.Errorf("search b after migrating = %v, want [%d]", got, b.ID)
	}
}

// testRelatedQueue checks the queue of articles whose related lists are
// due: every new article is queued, a claim holds its articles for its
// lease, finished ones leave, and a purged article leaves with its row.
func testRelatedQueue(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	var added []*herald.Article
	for n := range 4 {
		a := NewArticle(n, "Ledger")
		mustAdd(t, s, a)
		added = append(added, a)
	}
	purged := NewArticle(9, "Gone Outlet")
	mustAdd(t, s, purged)
	if err := s.RemoveSource(ctx, purged.Source.Slug, true); err != nil {
		t.Fatal(err)
	}

	// New articles are held until released (or herald.RelatedHold ends).
	if held, err := s.ClaimRelatedWork(ctx, 10, time.Minute); err != nil || len(held) != 0 {
		t.Fatalf("claim before release = %v, %v; want nothing", articleIDs(held), err)
	}
	if err := s.ReleaseRelatedWork(ctx, articleIDs(added)); err != nil {
		t.Fatal(err)
	}
	first, err := s.ClaimRelatedWork(ctx, 3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{added[3].ID, added[2].ID, added[1].ID}; !slices.Equal(articleIDs(first), want) {
		t.Fatalf("first claim = %v, want the three newest %v", articleIDs(first), want)
	}
	if first[0].Text != added[3].Text || first[0].Source.Name != "Ledger" {
		t.Errorf("claimed article lacks its text or outlet: %+v", first[0])
	}
	second, err := s.ClaimRelatedWork(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := articleIDs(added[:1]); !slices.Equal(articleIDs(second), want) {
		t.Fatalf("second claim = %v, want only the unclaimed %v (the purged article is gone)", articleIDs(second), want)
	}
	if err := s.FinishRelatedWork(ctx, articleIDs(first[:2])); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Minute) // every lease has lapsed
	again, err := s.ClaimRelatedWork(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{added[1].ID, added[0].ID}; !slices.Equal(articleIDs(again), want) {
		t.Errorf("after the leases lapsed: claimed %v, want the unfinished %v", articleIDs(again), want)
	}
	if err := s.FinishRelatedWork(ctx, articleIDs(again)); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Minute)
	if rest, err := s.ClaimRelatedWork(ctx, 10, time.Minute); err != nil || len(rest) != 0 {
		t.Errorf("after every article finished: claimed %v, %v; want none", articleIDs(rest), err)
	}
}

// BulkAdder is implemented by stores that can add many articles in one
// transaction (for imports and benchmarks); the checks that need
// thousands of articles use it, and are skipped for a store without it.
type BulkAdder interface {
	// AddArticles stores each article as AddArticle would and returns
	// how many were new; on an error it stores none of them.
	AddArticles(ctx context.Context, as []*herald.Article) (int, error)
}

// testSearchLongStore checks the bounds of herald.SearchWindow and
// herald.PhraseScan on a store of thousands of articles, more than a
// store may read at once: every article holds "harbour", "report" and
// "said", the last two next to each other in two of them only.
func testSearchLongStore(t *testing.T, s herald.Store) {
	b, ok := s.(BulkAdder)
	if !ok {
		t.Skip("the store cannot add articles in bulk")
	}
	ctx := context.Background()
	const n = 2600
	as := make([]*herald.Article, n)
	for i := range as {
		no := i + 1
		title, text := fmt.Sprintf("Harbour update %d", no), "The report on the harbour, the council said, is due."
		switch no {
		case 1:
			title, text = "Ferry back at the quay", text+" A report said the ferry returns."
		case n - 10:
			text += " Another report said so."
		}
		as[i] = newText(no, "Ledger", title, text)
	}
	if created, err := b.AddArticles(ctx, as); err != nil || created != n {
		t.Fatalf("AddArticles = %d, %v; want %d", created, err, n)
	}
	first, last := as[0], as[n-1]
	if first.ID == 0 || last.ID-first.ID != n-1 {
		t.Fatalf("AddArticles gave ids %d … %d, want %d in a row", first.ID, last.ID, n)
	}
	// Stored once: a second batch with one of them and a bad article
	// stores nothing, and one with a stored address adds the rest.
	again := newText(n+1, "Ledger", "Harbour update again", "The report on the harbour is due.")
	bad := newText(n+2, "Ledger", "", "No title.")
	if _, err := b.AddArticles(ctx, []*herald.Article{again, bad}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("AddArticles with an article without a title: %v, want EINVALID", err)
	}
	stored := newText(n, "Ledger", "Harbour update", "The report on the harbour is due.")
	if created, err := b.AddArticles(ctx, []*herald.Article{stored, again}); err != nil || created != 1 || stored.ID != last.ID {
		t.Errorf("AddArticles of a stored and a new article = %d, %v (stored id %d, want %d); want 1",
			created, err, stored.ID, last.ID)
	}

	var want []int64
	for id := again.ID; id > again.ID-50; id-- {
		want = append(want, id)
	}
	tests := []struct {
		name  string
		query string
		f     herald.SearchFilter
		want  []int64
		more  bool
	}{
		{"NewestFirst", "harbour", herald.SearchFilter{Sort: herald.SortDate, Limit: 50}, want, true},
		// The window's last page ends at its thousandth match.
		{"WindowEnds", "harbour", herald.SearchFilter{Sort: herald.SortDate, Limit: 50, Page: 20},
			[]int64{again.ID - 999}, false},
		// Words only the oldest article holds find it.
		{"OldKnownItem", "ferry quay", herald.SearchFilter{}, []int64{first.ID}, false},
		// The phrase is looked for in the newest PhraseScan articles
		// holding both words: the oldest is past them.
		{"PhraseScan", `"report said"`, herald.SearchFilter{}, []int64{as[n-11].ID}, false},
		{"PhraseOfRareWords", `"ferry returns"`, herald.SearchFilter{}, []int64{first.ID}, false},
	}
	for _, tt := range tests {
		got, res := mustSearch(t, s, tt.query, tt.f)
		if tt.name == "WindowEnds" && len(got) > 0 {
			got = got[len(got)-1:]
		}
		if !slices.Equal(got, tt.want) || res.More != tt.more {
			t.Errorf("%s: search %q = %v more=%v, want %v more=%v", tt.name, tt.query, got, res.More, tt.want, tt.more)
		}
	}
}
