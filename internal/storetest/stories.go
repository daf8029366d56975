package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// The story tests place articles with simple placers: the store does not
// read centroids, it keeps what the placer decides, so a placer that
// files each story under one event word is enough to check the contract.

// joinOrStart returns a placer that joins the first story filed under
// event that has a centroid (an editor's story has none), or starts one,
// and files the story under event. It records the document frequencies
// and candidates it saw in seen, when not nil.
func joinOrStart(event string, published time.Time, seen *placerView) herald.StoryPlacer {
	return func(ctx context.Context, x herald.StoryIndex) (herald.StoryPlacement, error) {
		docs, df, err := x.DocFreqs(ctx, []string{event, "shared"})
		if err != nil {
			return herald.StoryPlacement{}, err
		}
		found, err := x.Candidates(ctx, []string{event}, 10)
		if err != nil {
			return herald.StoryPlacement{}, err
		}
		if seen != nil {
			*seen = placerView{docs: docs, df: df, candidates: found}
		}
		p := herald.StoryPlacement{IndexTerms: []string{event}, Terms: []string{event, "shared"}}
		for _, c := range found {
			if len(c.Centroid) == 0 {
				continue
			}
			p.Story = herald.StoryState{ID: c.ID, Centroid: append(c.Centroid, '+'), Size: c.Size + 1, First: c.First, Last: published}
			return p, nil
		}
		p.Story = herald.StoryState{Centroid: []byte(event), Size: 1, First: published, Last: published, LeadVector: []byte("lead")}
		p.Lead = true
		return p, nil
	}
}

// placerView is what a placer was shown.
type placerView struct {
	docs       int
	df         map[string]int
	candidates []herald.StoryState
}

// mustNotPlace is a placer for articles that must join a story without
// clustering.
func mustNotPlace(tb testing.TB) herald.StoryPlacer {
	return func(context.Context, herald.StoryIndex) (herald.StoryPlacement, error) {
		tb.Errorf("placer called for an article that has a story")
		return herald.StoryPlacement{}, fmt.Errorf("placer called")
	}
}

// addPlaced adds a and places it with joinOrStart(event).
func addPlaced(tb testing.TB, s herald.Store, a *herald.Article, event string) {
	tb.Helper()
	mustAdd(tb, s, a)
	if _, err := s.PlaceArticle(context.Background(), a.ID, joinOrStart(event, a.PublishedAt, nil)); err != nil {
		tb.Fatalf("PlaceArticle(%d): %v", a.ID, err)
	}
}

func storyOf(tb testing.TB, s herald.Store, id int64) int64 {
	tb.Helper()
	return mustFind(tb, s, id).StoryID
}

func mustStory(tb testing.TB, s herald.Store, id int64) (*herald.Story, []*herald.Article) {
	tb.Helper()
	st, list, err := s.FindStoryByID(context.Background(), id)
	if err != nil {
		tb.Fatalf("FindStoryByID(%d): %v", id, err)
	}
	return st, list
}

func testStoryPlacement(t *testing.T, s herald.Store) {
	ctx := context.Background()
	first := NewArticle(1, "Outlet One")
	mustAdd(t, s, first)
	if got := storyOf(t, s, first.ID); got != 0 {
		t.Fatalf("StoryID before placing = %d, want 0", got)
	}
	v0, _ := s.Version(ctx)
	var view placerView
	placed, err := s.PlaceArticle(ctx, first.ID, joinOrStart("quake", first.PublishedAt, &view))
	if err != nil {
		t.Fatal(err)
	}
	if view.docs != 0 || len(view.df) != 0 || len(view.candidates) != 0 {
		t.Errorf("first placement saw %+v, want an empty index", view)
	}
	sid := storyOf(t, s, first.ID)
	if sid == 0 || placed != sid {
		t.Fatalf("StoryID after placing = %d, PlaceArticle returned %d; want one story id", sid, placed)
	}
	if again, err := s.PlaceArticle(ctx, first.ID, mustNotPlace(t)); err != nil || again != sid {
		t.Errorf("placing a placed article again = %d, %v; want its story %d", again, err, sid)
	}
	if v1, _ := s.Version(ctx); v1 <= v0 {
		t.Errorf("version %d after placing, %d before; want it to grow", v1, v0)
	}

	second := NewArticle(2, "Outlet Two")
	mustAdd(t, s, second)
	if _, err := s.PlaceArticle(ctx, second.ID, joinOrStart("quake", second.PublishedAt, &view)); err != nil {
		t.Fatal(err)
	}
	if view.docs != 1 || view.df["quake"] != 1 || view.df["shared"] != 1 {
		t.Errorf("second placement saw docs %d df %v; want 1 and quake, shared 1", view.docs, view.df)
	}
	if len(view.candidates) != 1 {
		t.Fatalf("second placement saw candidates %+v, want story %d", view.candidates, sid)
	}
	c := view.candidates[0]
	if c.ID != sid || string(c.Centroid) != "quake" || c.Size != 1 || !c.First.Equal(first.PublishedAt) ||
		!c.Last.Equal(first.PublishedAt) || string(c.LeadVector) != "lead" {
		t.Errorf("candidate = %+v, want the state the first placement stored", c)
	}
	if got := storyOf(t, s, second.ID); got != sid {
		t.Errorf("second article's story = %d, want %d", got, sid)
	}

	other := NewArticle(3, "Outlet One")
	addPlaced(t, s, other, "election")
	if got := storyOf(t, s, other.ID); got == sid || got == 0 {
		t.Errorf("article of another event placed in story %d (first story %d)", got, sid)
	}

	st, list := mustStory(t, s, sid)
	if st.ID != sid || st.Articles != 2 || !slices.Equal(articleIDs(list), []int64{first.ID, second.ID}) {
		t.Errorf("story = %+v with %v, want 2 articles %d, %d", st, articleIDs(list), first.ID, second.ID)
	}
	if st.Lead == nil || st.Lead.ID != first.ID || st.Headline() != first.Title {
		t.Errorf("lead = %+v, want the first article", st.Lead)
	}
	if len(st.Outlets) != 2 || st.Outlets[0].Name != "Outlet One" || st.Outlets[1].Name != "Outlet Two" {
		t.Errorf("outlets = %v, want Outlet One, Outlet Two", sourceNames(st.Outlets))
	}
	if !st.First.Equal(first.PublishedAt) || !st.Last.Equal(second.PublishedAt) {
		t.Errorf("first, last = %v, %v; want %v, %v", st.First, st.Last, first.PublishedAt, second.PublishedAt)
	}

	// Placing again changes nothing and asks nobody.
	v2, _ := s.Version(ctx)
	if _, err := s.PlaceArticle(ctx, first.ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	if v3, _ := s.Version(ctx); v3 != v2 {
		t.Errorf("version moved from %d to %d placing a placed article", v2, v3)
	}
	if _, err := s.PlaceArticle(ctx, 1<<40, mustNotPlace(t)); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("placing a missing article: %v, want ENOTFOUND", err)
	}
	if _, _, err := s.FindStoryByID(ctx, 1<<40); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("FindStoryByID of a missing story: %v, want ENOTFOUND", err)
	}
}

func sourceNames(list []*herald.Source) []string {
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	return names
}

func testStoryCopies(t *testing.T, s herald.Store) {
	ctx := context.Background()
	shown := newCopy(1, "Wire", herald.LicenceExcerpt, 0, fingerprint(hashA, band1))
	addPlaced(t, s, shown, "flood")
	sid := storyOf(t, s, shown.ID)

	// A copy joins its text's story without clustering.
	cp := newCopy(2, "Paper", herald.LicenceHeadline, shown.ID, fingerprint(hashA, band1))
	mustAdd(t, s, cp)
	if _, err := s.PlaceArticle(ctx, cp.ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	if got := storyOf(t, s, cp.ID); got != sid {
		t.Errorf("copy's story = %d, want %d", got, sid)
	}
	// So does a copy that takes the page with a better licence.
	better := newCopy(3, "Full Text Daily", herald.LicenceFull, cp.ID, fingerprint(hashA, band1))
	mustAdd(t, s, better)
	if better.DuplicateOf != 0 {
		t.Fatalf("better copy is a copy of %d; want it shown", better.DuplicateOf)
	}
	if _, err := s.PlaceArticle(ctx, better.ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	if got := storyOf(t, s, better.ID); got != sid {
		t.Errorf("new shown copy's story = %d, want %d", got, sid)
	}
	st, list := mustStory(t, s, sid)
	if st.Articles != 1 || !slices.Equal(articleIDs(list), []int64{better.ID}) {
		t.Errorf("story lists %v (%d articles), want the shown copy %d only", articleIDs(list), st.Articles, better.ID)
	}
	if st.Lead == nil || st.Lead.ID != better.ID {
		t.Errorf("lead = %+v, want the shown copy %d", st.Lead, better.ID)
	}
	if len(st.Outlets) != 3 {
		t.Errorf("outlets = %v, want all three outlets that carried the text", sourceNames(st.Outlets))
	}

	// A copy stored before its shown copy was placed is placed with it.
	lone := newCopy(4, "Wire", herald.LicenceFull, 0, fingerprint(hashB, band2))
	mustAdd(t, s, lone)
	echo := newCopy(5, "Paper", herald.LicenceHeadline, lone.ID, fingerprint(hashB, band2))
	mustAdd(t, s, echo)
	if _, err := s.PlaceArticle(ctx, echo.ID, joinOrStart("fire", echo.PublishedAt, nil)); err != nil {
		t.Fatal(err)
	}
	if a, b := storyOf(t, s, lone.ID), storyOf(t, s, echo.ID); a == 0 || a != b {
		t.Errorf("shown copy in story %d, its copy in %d; want one story", a, b)
	}
}

func testStoryUnplaced(t *testing.T, s herald.Store) {
	ctx := context.Background()
	var arts []*herald.Article
	for _, n := range []int{3, 1, 2} {
		a := NewArticle(n, "Outlet")
		mustAdd(t, s, a)
		arts = append(arts, a)
	}
	list, err := s.FindUnplacedArticles(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{arts[1].ID, arts[2].ID, arts[0].ID} // the earliest published first
	if !slices.Equal(articleIDs(list), want) {
		t.Fatalf("unplaced = %v, want %v", articleIDs(list), want)
	}
	if list[0].Text == "" || list[0].Title == "" {
		t.Errorf("unplaced article without its text: %+v", list[0])
	}
	if _, err := s.PlaceArticle(ctx, arts[1].ID, joinOrStart("x", arts[1].PublishedAt, nil)); err != nil {
		t.Fatal(err)
	}
	list, err = s.FindUnplacedArticles(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(articleIDs(list), []int64{arts[2].ID, arts[0].ID}) {
		t.Errorf("unplaced after placing one = %v", articleIDs(list))
	}
}

func testStoryClosedLeaveIndex(t *testing.T, s herald.Store) {
	ctx := context.Background()
	old := NewArticle(1, "Outlet")
	addPlaced(t, s, old, "storm")
	oldStory := storyOf(t, s, old.ID)

	// The placer finds the story closed: it starts another, and the
	// closed one leaves the index.
	next := NewArticle(2, "Outlet")
	mustAdd(t, s, next)
	_, err := s.PlaceArticle(ctx, next.ID, func(ctx context.Context, x herald.StoryIndex) (herald.StoryPlacement, error) {
		found, err := x.Candidates(ctx, []string{"storm"}, 10)
		if err != nil {
			return herald.StoryPlacement{}, err
		}
		if len(found) != 1 || found[0].ID != oldStory {
			t.Errorf("candidates = %+v, want story %d", found, oldStory)
		}
		return herald.StoryPlacement{
			Story:      herald.StoryState{Centroid: []byte("c"), Size: 1, First: next.PublishedAt, Last: next.PublishedAt},
			IndexTerms: []string{"storm 2"},
			Closed:     []int64{oldStory},
			Lead:       true,
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var view placerView
	third := NewArticle(3, "Outlet")
	mustAdd(t, s, third)
	if _, err := s.PlaceArticle(ctx, third.ID, joinOrStart("storm", third.PublishedAt, &view)); err != nil {
		t.Fatal(err)
	}
	if len(view.candidates) != 0 {
		t.Errorf("a closed story is still a candidate: %+v", view.candidates)
	}
	// Leaving the index does not hide the story.
	if st, _ := mustStory(t, s, oldStory); st.Articles != 1 {
		t.Errorf("closed story has %d articles, want 1", st.Articles)
	}

	// A placement that closes every story quiet since before a time
	// takes them out of the index, met by a look-up or not.
	fourth := NewArticle(4, "Outlet")
	mustAdd(t, s, fourth)
	_, err = s.PlaceArticle(ctx, fourth.ID, func(ctx context.Context, x herald.StoryIndex) (herald.StoryPlacement, error) {
		return herald.StoryPlacement{
			Story:       herald.StoryState{Centroid: []byte("c"), Size: 1, First: fourth.PublishedAt, Last: fourth.PublishedAt},
			IndexTerms:  []string{"flood"},
			Lead:        true,
			CloseBefore: next.PublishedAt.Add(time.Second), // closes next's story and the storm story
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"storm", "storm 2", "flood"} {
		fifth := NewArticle(5, "Outlet "+term)
		mustAdd(t, s, fifth)
		if _, err := s.PlaceArticle(ctx, fifth.ID, joinOrStart(term, fifth.PublishedAt, &view)); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range view.candidates {
			ids = append(ids, c.ID)
		}
		want := 0
		switch term {
		case "flood":
			want = 1 // the fourth article's story, placed after the sweep
		case "storm":
			want = 1 // the third article's story (its last article is after the cut)
		}
		if len(ids) != want {
			t.Errorf("candidates under %q after the sweep: %v, want %d", term, ids, want)
		}
	}
}

// testStoryConcurrent places articles of one new event at once: the
// placement lock must make them one story.
func testStoryConcurrent(t *testing.T, s herald.Store) {
	ctx := context.Background()
	const n = 8
	arts := make([]*herald.Article, n)
	for i := range arts {
		arts[i] = NewArticle(i+1, fmt.Sprintf("Outlet %d", i))
		mustAdd(t, s, arts[i])
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, a := range arts {
		wg.Go(func() { _, errs[i] = s.PlaceArticle(ctx, a.ID, joinOrStart("summit", a.PublishedAt, nil)) })
	}
	wg.Wait()
	stories := map[int64]bool{}
	for i, a := range arts {
		if errs[i] != nil {
			t.Fatalf("PlaceArticle(%d): %v", a.ID, errs[i])
		}
		stories[storyOf(t, s, a.ID)] = true
	}
	if len(stories) != 1 {
		t.Errorf("%d articles of one event placed at once made %d stories, want 1", n, len(stories))
	}
	var view placerView
	extra := NewArticle(n+1, "Late Outlet")
	mustAdd(t, s, extra)
	if _, err := s.PlaceArticle(ctx, extra.ID, joinOrStart("summit", extra.PublishedAt, &view)); err != nil {
		t.Fatal(err)
	}
	if view.docs != n || view.df["summit"] != n || len(view.candidates) != 1 || view.candidates[0].Size != n {
		t.Errorf("after %d placements the index shows docs %d df %v candidates %+v", n, view.docs, view.df, view.candidates)
	}
}

func testStorySplit(t *testing.T, s herald.Store) {
	ctx := context.Background()
	var arts []*herald.Article
	for i := range 3 {
		a := newCopy(i+1, fmt.Sprintf("Outlet %d", i), herald.LicenceFull, 0, fingerprint(hashA+uint64(i), band1+uint64(i)))
		addPlaced(t, s, a, "trial")
		arts = append(arts, a)
	}
	old := storyOf(t, s, arts[0].ID)
	v0, _ := s.Version(ctx)
	split, err := s.SplitArticle(ctx, arts[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if v1, _ := s.Version(ctx); v1 <= v0 {
		t.Errorf("version %d after a split, %d before", v1, v0)
	}
	if split.ID == old || split.Articles != 1 || split.Lead == nil || split.Lead.ID != arts[1].ID {
		t.Fatalf("split story = %+v, want a new story led by article %d", split, arts[1].ID)
	}
	if st, list := mustStory(t, s, old); st.Articles != 2 || !slices.Equal(articleIDs(list), []int64{arts[0].ID, arts[2].ID}) {
		t.Errorf("old story lists %v, want %d and %d", articleIDs(list), arts[0].ID, arts[2].ID)
	}

	// Later ingestion: the split article is never placed again, a new
	// article of the event joins the old story, and a copy of the split
	// article's text joins the split story.
	if _, err := s.PlaceArticle(ctx, arts[1].ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	later := NewArticle(10, "Outlet 9")
	addPlaced(t, s, later, "trial")
	if got := storyOf(t, s, later.ID); got != old {
		t.Errorf("a later article of the event joined story %d, want %d", got, old)
	}
	cp := newCopy(11, "Copier", herald.LicenceHeadline, arts[1].ID, fingerprint(hashA+1, band2))
	mustAdd(t, s, cp)
	if _, err := s.PlaceArticle(ctx, cp.ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	if got := storyOf(t, s, cp.ID); got != split.ID {
		t.Errorf("copy of the split article joined story %d, want %d", got, split.ID)
	}
	if got := storyOf(t, s, arts[1].ID); got != split.ID {
		t.Errorf("split article moved to story %d, want %d", got, split.ID)
	}
	if _, err := s.SplitArticle(ctx, 1<<40); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("splitting a missing article: %v, want ENOTFOUND", err)
	}
}

func testStoryMerge(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet A")
	addPlaced(t, s, a, "strike")
	b := NewArticle(2, "Outlet B")
	addPlaced(t, s, b, "walkout")
	from, into := storyOf(t, s, a.ID), storyOf(t, s, b.ID)
	if from == into {
		t.Fatal("two events in one story before the merge")
	}
	v0, _ := s.Version(ctx)
	if err := s.MergeStories(ctx, from, into); err != nil {
		t.Fatal(err)
	}
	if v1, _ := s.Version(ctx); v1 <= v0 {
		t.Errorf("version %d after a merge, %d before", v1, v0)
	}
	if got := storyOf(t, s, a.ID); got != into {
		t.Errorf("merged article in story %d, want %d", got, into)
	}
	st, list := mustStory(t, s, from)
	if st.ID != into || !slices.Equal(articleIDs(list), []int64{a.ID, b.ID}) {
		t.Errorf("merged story %d shows story %d with %v, want %d with both", from, st.ID, articleIDs(list), into)
	}
	// An article that would have joined the merged story joins the survivor.
	c := NewArticle(3, "Outlet C")
	addPlaced(t, s, c, "strike")
	if got := storyOf(t, s, c.ID); got != into {
		t.Errorf("later article of the merged story joined %d, want %d", got, into)
	}
	list2, _, err := s.FindStories(ctx, herald.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list2) != 1 || list2[0].ID != into || list2[0].Articles != 3 {
		t.Errorf("stories after the merge = %+v, want story %d with 3 articles", list2, into)
	}

	// A merge into a story merged elsewhere goes to its survivor.
	d := NewArticle(4, "Outlet D")
	addPlaced(t, s, d, "protest")
	if err := s.MergeStories(ctx, storyOf(t, s, d.ID), from); err != nil {
		t.Fatal(err)
	}
	if got := storyOf(t, s, d.ID); got != into {
		t.Errorf("merged into a merged story: in %d, want %d", got, into)
	}

	for name, tc := range map[string]struct {
		id, into int64
		code     string
	}{
		"Itself":        {into, into, herald.EINVALID},
		"IntoOwnMerged": {into, from, herald.EINVALID},
		"MergedAlready": {from, into, herald.EINVALID},
		"Missing":       {1 << 40, into, herald.ENOTFOUND},
		"IntoMissing":   {into, 1 << 40, herald.ENOTFOUND},
	} {
		if err := s.MergeStories(ctx, tc.id, tc.into); herald.ErrorCode(err) != tc.code {
			t.Errorf("%s: MergeStories(%d, %d) = %v, want %s", name, tc.id, tc.into, err, tc.code)
		}
	}
}

func testStoryPages(t *testing.T, s herald.Store) {
	ctx := context.Background()
	// Five stories; the first gets a late article, so it is the latest.
	var first *herald.Article
	for i := range 5 {
		a := NewArticle(i+1, "Outlet")
		addPlaced(t, s, a, fmt.Sprintf("event%d", i))
		if i == 0 {
			first = a
		}
	}
	late := NewArticle(50, "Other Outlet")
	addPlaced(t, s, late, "event0")

	var got []int64
	cursor := ""
	for range 4 {
		page, next, err := s.FindStories(ctx, herald.StoryFilter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range page {
			got = append(got, st.ID)
			if st.Lead == nil || st.Lead.Title == "" || len(st.Outlets) == 0 || st.Articles == 0 {
				t.Errorf("listed story without its summary: %+v", st)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	want := []int64{storyOf(t, s, first.ID)}
	for i := 5; i >= 2; i-- {
		want = append(want, storyOf(t, s, mustList(t, s, herald.ArticleFilter{OriginalURL: NewArticle(i, "Outlet").OriginalURL})[0].ID))
	}
	if !slices.Equal(got, want) {
		t.Errorf("stories by page = %v, want %v", got, want)
	}
	page, _, err := s.FindStories(ctx, herald.StoryFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st := page[0]; st.Articles != 2 || st.Lead.ID != first.ID || len(st.Outlets) != 2 || !st.Last.Equal(late.PublishedAt) {
		t.Errorf("latest story = %+v, want 2 articles led by %d from 2 outlets", st, first.ID)
	}
	if _, _, err := s.FindStories(ctx, herald.StoryFilter{Cursor: "nonsense!"}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("bad cursor: %v, want EINVALID", err)
	}
}

func testStoryLatest(t *testing.T, s herald.Store) {
	ctx := context.Background()
	var ids []int64
	for i := range 5 {
		a := NewArticle(i+1, fmt.Sprintf("Outlet %d", i))
		addPlaced(t, s, a, "quake")
		ids = append(ids, a.ID)
	}
	sid := storyOf(t, s, ids[0])
	// A copy of the newest text is not a second article.
	cp := newCopy(6, "Paper", herald.LicenceHeadline, ids[4], herald.Fingerprint{})
	mustAdd(t, s, cp)
	if _, err := s.PlaceArticle(ctx, cp.ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	other := NewArticle(7, "Outlet 9")
	addPlaced(t, s, other, "election")

	tests := []struct {
		name  string
		story int64
		limit int
		want  []int64
	}{
		{"newest three", sid, 3, []int64{ids[4], ids[3], ids[2]}},
		{"all of a short story", sid, 10, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"no limit", sid, 0, nil},
		{"missing story", 1 << 40, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.FindStoryLatest(ctx, tt.story, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := articleIDs(list); !slices.Equal(got, tt.want) {
				t.Errorf("FindStoryLatest(%d, %d) = %v, want %v", tt.story, tt.limit, got, tt.want)
			}
		})
	}

	// A merged story reads the story it joined.
	from := storyOf(t, s, other.ID)
	if err := s.MergeStories(ctx, from, sid); err != nil {
		t.Fatal(err)
	}
	list, err := s.FindStoryLatest(ctx, from, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := articleIDs(list); !slices.Equal(got, []int64{other.ID, ids[4]}) {
		t.Errorf("merged story's latest = %v, want %v", got, []int64{other.ID, ids[4]})
	}
}

// testStoryRefiled checks that a story placed again is filed under its new
// terms only.
func testStoryRefiled(t *testing.T, s herald.Store) {
	ctx := context.Background()
	fileUnder := func(terms ...string) herald.StoryPlacer {
		return func(ctx context.Context, x herald.StoryIndex) (herald.StoryPlacement, error) {
			found, err := x.Candidates(ctx, []string{"a", "b", "c"}, 10)
			if err != nil {
				return herald.StoryPlacement{}, err
			}
			p := herald.StoryPlacement{IndexTerms: terms}
			if len(found) > 0 {
				c := found[0]
				p.Story = herald.StoryState{ID: c.ID, Centroid: c.Centroid, Size: c.Size + 1, First: c.First, Last: c.Last}
				return p, nil
			}
			p.Story = herald.StoryState{Centroid: []byte("c"), Size: 1, First: epoch, Last: epoch}
			return p, nil
		}
	}
	looks := 0
	candidates := func(term string) []int64 {
		var ids []int64
		looks++
		_, err := s.PlaceArticle(ctx, mustAddNew(t, s, 100+looks).ID, func(ctx context.Context, x herald.StoryIndex) (herald.StoryPlacement, error) {
			found, err := x.Candidates(ctx, []string{term}, 10)
			for _, c := range found {
				ids = append(ids, c.ID)
			}
			return herald.StoryPlacement{}, errors.Join(err, errLookOnly)
		})
		if !errors.Is(err, errLookOnly) {
			t.Fatalf("look-up placement: %v", err)
		}
		return ids
	}
	first := NewArticle(1, "Outlet One")
	mustAdd(t, s, first)
	sid, err := s.PlaceArticle(ctx, first.ID, fileUnder("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	second := NewArticle(2, "Outlet Two")
	mustAdd(t, s, second)
	if got, err := s.PlaceArticle(ctx, second.ID, fileUnder("b", "c", "b")); err != nil || got != sid {
		t.Fatalf("second placement = %d, %v; want story %d", got, err, sid)
	}
	for _, tt := range []struct {
		term string
		want []int64
	}{{"a", nil}, {"b", []int64{sid}}, {"c", []int64{sid}}} {
		if got := candidates(tt.term); !slices.Equal(got, tt.want) {
			t.Errorf("stories filed under %q = %v, want %v", tt.term, got, tt.want)
		}
	}
}

// errLookOnly ends a placement that only looks at the index.
var errLookOnly = errors.New("look only")

// mustAddNew adds a new article numbered n.
func mustAddNew(tb testing.TB, s herald.Store, n int) *herald.Article {
	a := NewArticle(n, "Outlet Look")
	mustAdd(tb, s, a)
	return a
}
