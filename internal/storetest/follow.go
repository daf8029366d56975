package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// Clock is implemented by stores whose clock a test may set. The checks
// of leases and due times move time by hand and are skipped for a store
// without it.
type Clock interface {
	// SetNow makes now the store's clock. It is called before the store
	// is shared between goroutines; now itself may be called from many.
	SetNow(now func() time.Time)
}

// testClock is a clock moved by hand, safe for concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixClock sets s's clock to a testClock that starts at epoch, or skips
// the test when s has no Clock.
func fixClock(t *testing.T, s herald.Store) *testClock {
	t.Helper()
	sc, ok := s.(Clock)
	if !ok {
		t.Skip("the store does not implement storetest.Clock")
	}
	c := &testClock{now: epoch}
	sc.SetNow(c.Now)
	return c
}

// NewFollowedSource returns a valid source to follow, numbered n: its
// name is "Followed Outlet n" and its feed is on a host of its own.
func NewFollowedSource(n int) *herald.Source {
	return &herald.Source{
		Name:     fmt.Sprintf("Followed Outlet %d", n),
		Homepage: fmt.Sprintf("https://outlet%d.example/", n),
		FeedURL:  fmt.Sprintf("https://outlet%d.example/feed.xml", n),
		Kind:     herald.KindFeed,
		Licence:  herald.LicenceExcerpt,
		Fulltext: herald.FulltextAuto,
		Every:    time.Duration(n%3) * 10 * time.Minute, // 0 lets Herald decide
	}
}

// newItem returns article n as the item key of src delivered it.
func newItem(n int, src *herald.Source, key string) *herald.Article {
	a := NewArticle(n, src.Name)
	a.ItemKey = key
	return a
}

func mustAddSource(tb testing.TB, s herald.Store, src *herald.Source) {
	tb.Helper()
	if err := s.AddSource(context.Background(), src); err != nil {
		tb.Fatalf("AddSource(%s): %v", src.FeedURL, err)
	}
}

func mustFindSource(tb testing.TB, s herald.Store, slug string) *herald.Source {
	tb.Helper()
	src, err := s.FindSourceBySlug(context.Background(), slug)
	if err != nil {
		tb.Fatalf("FindSourceBySlug(%q): %v", slug, err)
	}
	return src
}

func mustVersion(tb testing.TB, s herald.Store) int64 {
	tb.Helper()
	v, err := s.Version(context.Background())
	if err != nil {
		tb.Fatalf("Version: %v", err)
	}
	return v
}

// mustClaim claims with a ten-minute lease.
func mustClaim(tb testing.TB, s herald.Store, owner string, limit int) []*herald.Source {
	tb.Helper()
	list, err := s.ClaimDueSources(context.Background(), owner, 10*time.Minute, limit)
	if err != nil {
		tb.Fatalf("ClaimDueSources(%q, %d): %v", owner, limit, err)
	}
	return list
}

func ids(list []*herald.Source) []int64 {
	var ids []int64
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// sourceDiff says how got differs from want in what a store keeps of a
// source, the article count aside; "" when it does not.
func sourceDiff(got, want *herald.Source) string {
	var d []string
	field := func(name string, g, w any) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %v, want %v", name, g, w))
		}
	}
	when := func(name string, g, w time.Time) {
		if !g.Equal(w) || g.Location() != time.UTC {
			d = append(d, fmt.Sprintf("%s = %v, want %v in UTC", name, g, w))
		}
	}
	field("ID", got.ID, want.ID)
	field("Slug", got.Slug, want.Slug)
	field("Name", got.Name, want.Name)
	field("Homepage", got.Homepage, want.Homepage)
	when("CreatedAt", got.CreatedAt, want.CreatedAt)
	field("FeedURL", got.FeedURL, want.FeedURL)
	field("Kind", got.Kind, want.Kind)
	field("Licence", got.Licence, want.Licence)
	field("Fulltext", got.Fulltext, want.Fulltext)
	field("Images", got.Images, want.Images)
	field("Every", got.Every, want.Every)
	field("Status", got.Fetch.Status, want.Fetch.Status)
	field("LastError", got.Fetch.LastError, want.Fetch.LastError)
	field("ExtractWarning", got.Fetch.ExtractWarning, want.Fetch.ExtractWarning)
	when("LastFetchAt", got.Fetch.LastFetchAt, want.Fetch.LastFetchAt)
	when("NextCheckAt", got.Fetch.NextCheckAt, want.Fetch.NextCheckAt)
	field("Failures", got.Fetch.Failures, want.Fetch.Failures)
	field("ETag", got.Fetch.ETag, want.Fetch.ETag)
	field("LastModified", got.Fetch.LastModified, want.Fetch.LastModified)
	when("RemovedAt", got.RemovedAt, want.RemovedAt)
	return strings.Join(d, "; ")
}

func testAddSource(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	v0 := mustVersion(t, s)
	src := NewFollowedSource(2)
	mustAddSource(t, s, src)
	want := &herald.Source{
		ID: src.ID, Slug: "followed-outlet-2", Name: "Followed Outlet 2", Homepage: "https://outlet2.example/",
		CreatedAt: clock.Now(), FeedURL: "https://outlet2.example/feed.xml", Kind: herald.KindFeed,
		Licence: herald.LicenceExcerpt, Fulltext: herald.FulltextAuto, Every: 20 * time.Minute,
		Fetch: herald.FetchState{Status: herald.FetchNew, NextCheckAt: clock.Now()},
	}
	if src.ID == 0 {
		t.Fatal("AddSource left ID 0")
	}
	if d := sourceDiff(src, want); d != "" {
		t.Errorf("after AddSource: %s", d)
	}
	got := mustFindSource(t, s, src.Slug)
	if d := sourceDiff(got, want); d != "" || !got.Following() {
		t.Errorf("FindSourceBySlug: %s (following %v)", d, got.Following())
	}
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("FindSources: %d sources (%v), want 1", len(list), err)
	}
	if d := sourceDiff(list[0], want); d != "" {
		t.Errorf("FindSources: %s", d)
	}
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after AddSource, %d before; want it to grow", v, v0)
	}
	claimed := mustClaim(t, s, "worker", 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d sources, want the new one at once", len(claimed))
	}
	if d := sourceDiff(claimed[0], want); d != "" {
		t.Errorf("ClaimDueSources: %s", d)
	}
}

func testSourceConflicts(t *testing.T, s herald.Store) {
	ctx := context.Background()
	first := NewFollowedSource(1)
	mustAddSource(t, s, first)
	for name, tc := range map[string]struct {
		src  *herald.Source
		want string // the message names the source in the way
	}{
		"SameURL":           {&herald.Source{Name: "Another Name", FeedURL: first.FeedURL}, `"Followed Outlet 1"`},
		"SameNameOtherURL":  {&herald.Source{Name: "FOLLOWED outlet 1", FeedURL: "https://elsewhere.example/rss"}, first.FeedURL},
		"SameSourceAgain":   {NewFollowedSource(1), `"Followed Outlet 1"`},
		"SameURLOtherKind":  {&herald.Source{Name: "Outlet Sitemap", FeedURL: first.FeedURL, Kind: herald.KindSitemap}, first.FeedURL},
		"SameNameOtherPath": {&herald.Source{Name: "Followed Outlet 1", FeedURL: "https://outlet1.example/other.xml"}, `"Followed Outlet 1"`},
	} {
		src := tc.src
		if src.Kind == "" {
			src.Kind = herald.KindFeed
		}
		src.Licence, src.Fulltext = herald.LicenceFull, herald.FulltextNever
		err := s.AddSource(ctx, src)
		if herald.ErrorCode(err) != herald.ECONFLICT || !strings.Contains(herald.ErrorMessage(err), tc.want) {
			t.Errorf("%s: err = %v; want ECONFLICT naming %s", name, err, tc.want)
		}
	}
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 1 || sourceDiff(list[0], first) != "" {
		t.Errorf("after conflicts: %d sources (%v); want only the first, unchanged", len(list), err)
	}
}

func testImportedBecomesFollowed(t *testing.T, s herald.Store) {
	ctx := context.Background()
	for i := range 2 {
		a := NewArticle(i, "Harbour Gazette")
		a.Source.Homepage = ""
		mustAdd(t, s, a)
	}
	mustAdd(t, s, NewArticle(5, "Tide Times")) // homepage https://news.example/
	imported := mustFindSource(t, s, "harbour-gazette")
	if imported.FeedURL != "" || imported.Following() || imported.Fetch.Status != "" || !imported.Fetch.NextCheckAt.IsZero() {
		t.Errorf("an imported source has follow settings: %+v", imported)
	}
	if claimed := mustClaim(t, s, "worker", 10); len(claimed) != 0 {
		t.Errorf("claimed imported-only sources %v", ids(claimed))
	}

	src := NewFollowedSource(1)
	src.Name = "HARBOUR GAZETTE"
	mustAddSource(t, s, src)
	if src.ID != imported.ID || src.Name != "Harbour Gazette" || src.Homepage != "https://outlet1.example/" ||
		!src.CreatedAt.Equal(imported.CreatedAt) {
		t.Errorf("AddSource made %d %q %q %s; want %d, its name, the new homepage, its creation time",
			src.ID, src.Name, src.Homepage, src.CreatedAt, imported.ID)
	}
	got := mustFindSource(t, s, "harbour-gazette")
	if d := sourceDiff(got, src); d != "" || got.ArticleCount != 2 || !got.Following() {
		t.Errorf("followed imported source: %s; %d articles", d, got.ArticleCount)
	}

	tide := NewFollowedSource(2)
	tide.Name = "Tide Times"
	mustAddSource(t, s, tide)
	if tide.Homepage != "https://news.example/" {
		t.Errorf("homepage = %q; an imported source keeps the homepage it had", tide.Homepage)
	}
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 2 {
		t.Errorf("FindSources: %d sources (%v), want 2", len(list), err)
	}
}

func testInvalidSource(t *testing.T, s herald.Store) {
	ctx := context.Background()
	v0 := mustVersion(t, s)
	long := "https://outlet.example/" + strings.Repeat("x", herald.MaxURLLen)
	for name, spoil := range map[string]func(src *herald.Source){
		"NoURL":       func(src *herald.Source) { src.FeedURL = "" },
		"NotAURL":     func(src *herald.Source) { src.FeedURL = "outlet.example/feed" },
		"NotHTTP":     func(src *herald.Source) { src.FeedURL = "ftp://outlet.example/feed" },
		"LongURL":     func(src *herald.Source) { src.FeedURL = long },
		"NoName":      func(src *herald.Source) { src.Name = " " },
		"NoKind":      func(src *herald.Source) { src.Kind = "" },
		"BadKind":     func(src *herald.Source) { src.Kind = "podcast" },
		"NoLicence":   func(src *herald.Source) { src.Licence = "" },
		"BadLicence":  func(src *herald.Source) { src.Licence = "stolen" },
		"BadFulltext": func(src *herald.Source) { src.Fulltext = "sometimes" },
		"BadImages":   func(src *herald.Source) { src.Images = "some" },
		"TooOften":    func(src *herald.Source) { src.Every = time.Minute },
		"TooRarely":   func(src *herald.Source) { src.Every = 48 * time.Hour },
		"Negative":    func(src *herald.Source) { src.Every = -time.Hour },
	} {
		src := NewFollowedSource(1)
		spoil(src)
		err := s.AddSource(ctx, src)
		if herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
		if name == "NoURL" && herald.ErrorMessage(err) != "a followed source needs a URL" {
			t.Errorf("NoURL: message %q", herald.ErrorMessage(err))
		}
	}
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 0 {
		t.Errorf("after refused adds: %d sources (%v); want none", len(list), err)
	}
	if v := mustVersion(t, s); v != v0 {
		t.Errorf("version moved from %d to %d on refused adds", v0, v)
	}
}

func testClaim(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	var srcs []*herald.Source
	for i := range 5 {
		src := NewFollowedSource(i)
		mustAddSource(t, s, src)
		srcs = append(srcs, src)
		clock.Add(time.Second) // each falls due a second after the last
	}
	// Neither an outlet known only from imports nor a removed source is
	// ever claimed.
	mustAdd(t, s, NewArticle(1, "Imported Only"))
	gone := NewFollowedSource(9)
	mustAddSource(t, s, gone)
	if err := s.RemoveSource(ctx, gone.Slug, false); err != nil {
		t.Fatal(err)
	}

	got := mustClaim(t, s, "a", 2)
	if !slices.Equal(ids(got), ids(srcs[:2])) {
		t.Fatalf("a claimed %v; want the two first due, %v", ids(got), ids(srcs[:2]))
	}
	for i, src := range got {
		if d := sourceDiff(src, srcs[i]); d != "" {
			t.Errorf("claimed source %d: %s", src.ID, d)
		}
	}
	if got := mustClaim(t, s, "b", 10); !slices.Equal(ids(got), ids(srcs[2:])) {
		t.Errorf("b claimed %v; want the rest, %v", ids(got), ids(srcs[2:]))
	}
	if got := mustClaim(t, s, "c", 10); len(got) != 0 {
		t.Errorf("c claimed %v while the leases hold", ids(got))
	}
	if got := mustClaim(t, s, "a", 10); !slices.Equal(ids(got), ids(srcs[:2])) {
		t.Errorf("a claimed %v again; want its own, %v, renewed", ids(got), ids(srcs[:2]))
	}
	clock.Add(10*time.Minute + time.Second)
	if got := mustClaim(t, s, "c", 10); !slices.Equal(ids(got), ids(srcs)) {
		t.Errorf("c claimed %v after the leases ended; want %v", ids(got), ids(srcs))
	}
	if got := mustClaim(t, s, "d", 0); len(got) != 0 {
		t.Errorf("limit 0 claimed %v", ids(got))
	}
	for name, claim := range map[string]func() error{
		"NoOwner": func() error { _, err := s.ClaimDueSources(ctx, "", time.Minute, 1); return err },
		"NoLease": func() error { _, err := s.ClaimDueSources(ctx, "e", 0, 1); return err },
	} {
		if err := claim(); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
}

// testConcurrentClaims claims from several goroutines at once, as several
// processes would: every due source must be leased to exactly one.
func testConcurrentClaims(t *testing.T, s herald.Store) {
	fixClock(t, s)
	const workers, n = 4, 20
	for i := range n {
		mustAddSource(t, s, NewFollowedSource(i))
	}
	claimConcurrently(t, workers, n, func(owner string) ([]int64, error) {
		list, err := s.ClaimDueSources(context.Background(), owner, 10*time.Minute, 3)
		return ids(list), err
	})
}

// claimConcurrently runs claim in workers goroutines at once, as several
// processes would, each round under a new owner until a claim finds
// nothing: every one of the n ids due must be claimed by exactly one.
func claimConcurrently(t *testing.T, workers, n int, claim func(owner string) ([]int64, error)) {
	t.Helper()
	var mu sync.Mutex
	owners := map[int64][]string{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for round := 0; ; round++ {
				// A new owner each round, so an id comes back only if
				// another's lease did not hold.
				owner := fmt.Sprintf("worker-%d-%d", w, round)
				got, err := claim(owner)
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, id := range got {
					owners[id] = append(owners[id], owner)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent claim: %v", err)
	}
	for id, o := range owners {
		if len(o) != 1 {
			t.Errorf("%d claimed by %v", id, o)
		}
	}
	if len(owners) != n {
		t.Errorf("%d claimed, want %d", len(owners), n)
	}
}

func testRecordFetch(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	if got := mustClaim(t, s, "a", 10); len(got) != 1 {
		t.Fatalf("claimed %d sources, want 1", len(got))
	}
	state := herald.FetchState{
		Status: herald.FetchFailed, LastError: "the server answered 503 Service Unavailable",
		LastFetchAt: clock.Now(), NextCheckAt: clock.Now().Add(time.Hour), Failures: 2,
		ETag: `"abc123"`, LastModified: "Sun, 01 Mar 2026 11:00:00 GMT",
		ExtractWarning: "2 of the 3 article pages read gave less text than the feed's own summary",
	}
	if err := s.RecordFetch(ctx, src.ID, "b", state); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("wrong owner: err = %v, want ECONFLICT", err)
	}
	if err := s.RecordFetch(ctx, src.ID+1000, "a", state); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown source: err = %v, want ENOTFOUND", err)
	}
	for name, spoil := range map[string]func(st *herald.FetchState){
		"NoStatus":    func(st *herald.FetchState) { st.Status = "" },
		"BadStatus":   func(st *herald.FetchState) { st.Status = "fine" },
		"NoNextCheck": func(st *herald.FetchState) { st.NextCheckAt = time.Time{} },
		"Negative":    func(st *herald.FetchState) { st.Failures = -1 },
	} {
		bad := state
		spoil(&bad)
		if err := s.RecordFetch(ctx, src.ID, "a", bad); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if got := mustFindSource(t, s, src.Slug); sourceDiff(got, src) != "" {
		t.Fatalf("refused records changed the source: %s", sourceDiff(got, src))
	}

	v0 := mustVersion(t, s)
	if err := s.RecordFetch(ctx, src.ID, "a", state); err != nil {
		t.Fatalf("RecordFetch: %v", err)
	}
	want := *src
	want.Fetch = state
	if d := sourceDiff(mustFindSource(t, s, src.Slug), &want); d != "" {
		t.Errorf("after RecordFetch: %s", d)
	}
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after the status changed, %d before; want it to grow", v, v0)
	}
	if err := s.RecordFetch(ctx, src.ID, "a", state); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("second record: err = %v, want ECONFLICT: the first ended the lease", err)
	}

	// Not due until NextCheckAt.
	if got := mustClaim(t, s, "b", 10); len(got) != 0 {
		t.Errorf("claimed %v before its next check", ids(got))
	}
	clock.Add(59 * time.Minute)
	if got := mustClaim(t, s, "b", 10); len(got) != 0 {
		t.Errorf("claimed %v a minute before its next check", ids(got))
	}
	clock.Add(time.Minute)
	got := mustClaim(t, s, "b", 10)
	if len(got) != 1 || sourceDiff(got[0], &want) != "" {
		t.Fatalf("at its next check: claimed %v; want it, as recorded", ids(got))
	}

	// A worker that outlives its lease loses the source to another.
	clock.Add(10*time.Minute + time.Second)
	if got := mustClaim(t, s, "c", 10); len(got) != 1 {
		t.Fatalf("after b's lease ended: claimed %v", ids(got))
	}
	late := herald.FetchState{Status: herald.FetchOK, LastFetchAt: clock.Now(), NextCheckAt: clock.Now().Add(time.Hour)}
	if err := s.RecordFetch(ctx, src.ID, "b", late); herald.ErrorCode(err) != herald.ECONFLICT ||
		!strings.Contains(herald.ErrorMessage(err), "lease") {
		t.Errorf("lost lease: err = %v, want ECONFLICT about the lease", err)
	}
	if d := sourceDiff(mustFindSource(t, s, src.Slug), &want); d != "" {
		t.Errorf("a lost lease's record changed the source: %s", d)
	}
	if err := s.RecordFetch(ctx, src.ID, "c", late); err != nil {
		t.Errorf("c's record: %v", err)
	}
}

func testRemoveSource(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	elsewhere := NewArticle(100, "Elsewhere")
	mustAdd(t, s, elsewhere)
	var items []*herald.Article
	for i := range 3 {
		a := newItem(i, src, fmt.Sprintf("guid-%d", i))
		mustAdd(t, s, a)
		items = append(items, a)
	}

	if err := s.RemoveSource(ctx, "no-such-source", false); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown slug: err = %v, want ENOTFOUND", err)
	}
	clock.Add(time.Minute)
	removedAt := clock.Now()
	v0 := mustVersion(t, s)
	if err := s.RemoveSource(ctx, src.Slug, false); err != nil {
		t.Fatalf("RemoveSource: %v", err)
	}
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after RemoveSource, %d before; want it to grow", v, v0)
	}
	got := mustFindSource(t, s, src.Slug)
	if !got.RemovedAt.Equal(removedAt) || got.Following() || got.ArticleCount != 3 || got.FeedURL != src.FeedURL {
		t.Errorf("removed source: removed %s, following %v, %d articles; want removed at %s with its 3 articles",
			got.RemovedAt, got.Following(), got.ArticleCount, removedAt)
	}
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 2 || !slices.ContainsFunc(list, func(l *herald.Source) bool {
		return l.ID == src.ID && l.RemovedAt.Equal(removedAt)
	}) {
		t.Errorf("FindSources: %d sources (%v); want the removed one listed with RemovedAt", len(list), err)
	}
	if got := mustClaim(t, s, "a", 10); len(got) != 0 {
		t.Errorf("claimed removed sources %v", ids(got))
	}
	if _, err := s.FindArticleByID(ctx, items[0].ID); err != nil {
		t.Errorf("removing without purge lost an article: %v", err)
	}
	// A fetch still running when the source was removed adds nothing.
	if _, err := s.AddArticle(ctx, newItem(3, src, "guid-3")); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("item of a removed source: err = %v, want ECONFLICT", err)
	}

	clock.Add(time.Minute)
	if err := s.RemoveSource(ctx, src.Slug, true); err != nil {
		t.Fatalf("RemoveSource with purge: %v", err)
	}
	got = mustFindSource(t, s, src.Slug)
	if got.ArticleCount != 0 || !got.RemovedAt.Equal(removedAt) {
		t.Errorf("purged: %d articles, removed at %s; want none, still %s", got.ArticleCount, got.RemovedAt, removedAt)
	}
	for _, a := range items {
		if _, err := s.FindArticleByID(ctx, a.ID); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("purged article %d: err = %v, want ENOTFOUND", a.ID, err)
		}
	}
	if _, err := s.FindArticleByID(ctx, elsewhere.ID); err != nil {
		t.Errorf("another source's article: %v", err)
	}
	seen, err := s.SeenItems(ctx, src.ID, []string{"guid-0", "guid-1", "guid-2", "guid-3"})
	if err != nil || len(seen) != 3 || seen["guid-3"] {
		t.Errorf("SeenItems after purge = %v, %v; want guid-0 to guid-2 remembered", seen, err)
	}

	// Following it again brings back nothing an editor deleted.
	again := NewFollowedSource(1)
	mustAddSource(t, s, again)
	if again.ID != src.ID || !again.RemovedAt.IsZero() || !again.Fetch.NextCheckAt.Equal(clock.Now()) {
		t.Errorf("followed again: id %d removed %s next %s; want id %d, not removed, due now",
			again.ID, again.RemovedAt, again.Fetch.NextCheckAt, src.ID)
	}
	if got := mustClaim(t, s, "a", 10); !slices.Equal(ids(got), []int64{src.ID}) {
		t.Errorf("claimed %v; want the source followed again", ids(got))
	}
	for i := range 3 {
		a := newItem(i, src, fmt.Sprintf("guid-%d", i))
		created, err := s.AddArticle(ctx, a)
		if err != nil || created || a.ID != 0 {
			t.Errorf("deleted item %d: created=%v id=%d err=%v; want false, 0, nil", i, created, a.ID, err)
		}
	}
	mustAdd(t, s, newItem(4, src, "guid-4"))
	if got := mustFindSource(t, s, src.Slug); got.ArticleCount != 1 {
		t.Errorf("followed again: %d articles; want only the new item", got.ArticleCount)
	}
}

// testFollowAgain checks that a removed source comes back under a new name
// for its URL, or with a new URL for its name.
func testFollowAgain(t *testing.T, s herald.Store) {
	ctx := context.Background()
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	mustAdd(t, s, newItem(1, src, "guid-1"))
	if err := s.RemoveSource(ctx, src.Slug, false); err != nil {
		t.Fatal(err)
	}
	renamed := NewFollowedSource(1)
	renamed.Name, renamed.Homepage, renamed.Licence = "Renamed Outlet", "", herald.LicenceHeadline
	mustAddSource(t, s, renamed)
	got := mustFindSource(t, s, "renamed-outlet")
	if got.ID != src.ID || got.Licence != herald.LicenceHeadline || got.Homepage != src.Homepage ||
		!got.Following() || got.ArticleCount != 1 {
		t.Errorf("renamed: %+v; want source %d, followed, its homepage and article kept", got, src.ID)
	}
	if _, err := s.FindSourceBySlug(ctx, src.Slug); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("old slug: err = %v, want ENOTFOUND", err)
	}

	if err := s.RemoveSource(ctx, "renamed-outlet", false); err != nil {
		t.Fatal(err)
	}
	moved := NewFollowedSource(1)
	moved.Name, moved.FeedURL = "Renamed Outlet", "https://outlet1.example/atom.xml"
	mustAddSource(t, s, moved)
	if got := mustFindSource(t, s, "renamed-outlet"); got.ID != src.ID || got.FeedURL != moved.FeedURL || !got.Following() {
		t.Errorf("moved: %+v; want source %d following %s", got, src.ID, moved.FeedURL)
	}
	if seen, err := s.SeenItems(ctx, src.ID, []string{"guid-1"}); err != nil || !seen["guid-1"] {
		t.Errorf("SeenItems = %v, %v; the source's items stay remembered", seen, err)
	}
}

func testSeenItems(t *testing.T, s herald.Store) {
	ctx := context.Background()
	src, other := NewFollowedSource(1), NewFollowedSource(2)
	mustAddSource(t, s, src)
	mustAddSource(t, s, other)
	for i := range 3 {
		mustAdd(t, s, newItem(i, src, fmt.Sprintf("guid-%d", i)))
	}
	seen, err := s.SeenItems(ctx, src.ID, []string{"guid-0", "guid-2", "unknown"})
	if err != nil || len(seen) != 2 || !seen["guid-0"] || !seen["guid-2"] {
		t.Errorf("SeenItems = %v, %v; want guid-0 and guid-2", seen, err)
	}
	if seen, err := s.SeenItems(ctx, src.ID, nil); err != nil || len(seen) != 0 {
		t.Errorf("no keys: %v, %v", seen, err)
	}
	if seen, err := s.SeenItems(ctx, other.ID, []string{"guid-0"}); err != nil || len(seen) != 0 {
		t.Errorf("another source's items: %v, %v; want none", seen, err)
	}
	// A sitemap can list thousands of items.
	var many []string
	for i := range 2500 {
		many = append(many, fmt.Sprintf("https://outlet1.example/article/%d", i))
	}
	many[1700] = "guid-1"
	if seen, err := s.SeenItems(ctx, src.ID, many); err != nil || len(seen) != 1 || !seen["guid-1"] {
		t.Errorf("2500 keys: %v, %v; want guid-1", seen, err)
	}
}

func testItemKeyOnce(t *testing.T, s herald.Store) {
	ctx := context.Background()
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	first := newItem(1, src, "guid-1")
	mustAdd(t, s, first)
	if first.ItemKey != "guid-1" {
		t.Errorf("AddArticle changed ItemKey to %q", first.ItemKey)
	}
	v0 := mustVersion(t, s)

	// The same item at another address, as when a feed rewrites its links.
	again := newItem(2, src, "guid-1")
	created, err := s.AddArticle(ctx, again)
	if err != nil || created || again.ID != first.ID || again.OriginalURL != first.OriginalURL {
		t.Errorf("same key: created=%v err=%v id=%d; want false, nil and the stored article %d",
			created, err, again.ID, first.ID)
	}
	// A new item at a stored address: not stored again, but remembered.
	dup := newItem(1, src, "guid-1b")
	created, err = s.AddArticle(ctx, dup)
	if err != nil || created || dup.ID != first.ID || dup.ItemKey != "guid-1b" {
		t.Errorf("same address: created=%v err=%v id=%d key=%q; want false, nil, %d, guid-1b",
			created, err, dup.ID, dup.ItemKey, first.ID)
	}
	if seen, err := s.SeenItems(ctx, src.ID, []string{"guid-1b"}); err != nil || !seen["guid-1b"] {
		t.Errorf("SeenItems = %v, %v; want the key of the known address remembered", seen, err)
	}
	if v := mustVersion(t, s); v != v0 {
		t.Errorf("version moved from %d to %d on adds that stored no article", v0, v)
	}

	// The same key from another source is another item.
	other := NewFollowedSource(2)
	mustAddSource(t, s, other)
	mustAdd(t, s, newItem(3, other, "guid-1"))

	if _, err := s.AddArticle(ctx, newItem(4, src, strings.Repeat("k", 5000))); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("huge item key: err = %v, want EINVALID", err)
	}
	list, _, err := s.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 2 {
		t.Errorf("FindArticles: %d articles (%v), want 2", len(list), err)
	}
}

// testConcurrentItemKeys adds the same items from several goroutines at
// once, each at its own addresses, as two fetches of one feed racing
// would: only the item keys tell them apart, and each item must be
// stored once.
func testConcurrentItemKeys(t *testing.T, s herald.Store) {
	const workers, n = 4, 30
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	created := addConcurrently(t, s, workers, n, func(w, k int) (*herald.Article, string) {
		a := newItem(w*1000+k, src, fmt.Sprintf("guid-%d", k))
		return a, a.ItemKey
	})
	stored := pageAll(t, s, herald.ArticleFilter{SourceID: src.ID, Limit: 100}, nil)
	if len(stored) != n || len(created) != n {
		t.Errorf("stored %d articles, %d keys reported created; want %d", len(stored), len(created), n)
	}
}
