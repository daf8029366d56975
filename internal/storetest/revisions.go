package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// The checks of living articles (issue 22): the re-check schedule each
// article of a followed source gets, its leases, and the versions kept
// when an article is revised.

// recheckLease is the lease the checks claim with.
const recheckLease = 10 * time.Minute

func mustClaimRechecks(tb testing.TB, s herald.Store, owner string, limit int) []*herald.Recheck {
	tb.Helper()
	list, err := s.ClaimDueRechecks(context.Background(), owner, recheckLease, limit)
	if err != nil {
		tb.Fatalf("ClaimDueRechecks(%q, %d): %v", owner, limit, err)
	}
	return list
}

func mustRecordRecheck(tb testing.TB, s herald.Store, id int64, owner string, out herald.RecheckOutcome) {
	tb.Helper()
	if err := s.RecordRecheck(context.Background(), id, owner, out); err != nil {
		tb.Fatalf("RecordRecheck(%d, %q): %v", id, owner, err)
	}
}

func mustRevisions(tb testing.TB, s herald.Store, id int64) []*herald.Revision {
	tb.Helper()
	list, err := s.FindRevisions(context.Background(), id)
	if err != nil {
		tb.Fatalf("FindRevisions(%d): %v", id, err)
	}
	return list
}

func recheckIDs(list []*herald.Recheck) []int64 {
	var ids []int64
	for _, r := range list {
		ids = append(ids, r.ArticleID)
	}
	return ids
}

// recheckList returns list's re-checks, to print them.
func recheckList(list []*herald.Recheck) []herald.Recheck {
	var out []herald.Recheck
	for _, r := range list {
		out = append(out, *r)
	}
	return out
}

// addFollowed adds article n as the item of src, a followed source.
func addFollowed(tb testing.TB, s herald.Store, n int, src *herald.Source) *herald.Article {
	tb.Helper()
	a := newItem(n, src, fmt.Sprintf("item-%d", n))
	mustAdd(tb, s, a)
	return a
}

// followedArticle fixes s's clock and adds an article of a followed
// source.
func followedArticle(t *testing.T, s herald.Store) (*testClock, *herald.Source, *herald.Article) {
	t.Helper()
	clock := fixClock(t, s)
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	return clock, src, addFollowed(t, s, 1, src)
}

// newRevision returns a version of an article with text, fingerprinted
// by hash.
func newRevision(title, text string, hash uint64) *herald.Revision {
	return &herald.Revision{
		Title: title, Byline: "By B. Reporter", HTML: "<p>" + text + "</p>", Text: text,
		Dedup: herald.Fingerprint{Hash: hash, Bands: []uint64{hash, hash + 1}, Signature: []byte{1, 2, 3}},
	}
}

// testRecheckScheduled checks that an article of a followed source, one
// at a time or in a bulk load, is first due RecheckSteps[0] after it was
// stored, and that an imported article never is.
func testRecheckScheduled(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock, src, a := followedArticle(t, s)
	imported := NewArticle(2, "Imported Only")
	mustAdd(t, s, imported)
	want := []int64{a.ID}
	if bulk, ok := s.(interface {
		AddArticles(context.Context, []*herald.Article) (int, error)
	}); ok {
		b := addFollowedLater(t, bulk, src)
		want = append(want, b.ID)
	}
	if a.Revisions != 1 || !a.UpdatedAt.IsZero() {
		t.Errorf("after AddArticle: revisions %d, updated %v; want 1 and none", a.Revisions, a.UpdatedAt)
	}
	if got := mustFind(t, s, a.ID); got.Revisions != 1 || !got.UpdatedAt.IsZero() {
		t.Errorf("FindArticleByID: revisions %d, updated %v; want 1 and none", got.Revisions, got.UpdatedAt)
	}
	if got := mustClaimRechecks(t, s, "a", 10); len(got) != 0 {
		t.Errorf("claimed %v at once", recheckIDs(got))
	}
	clock.Add(herald.RecheckSteps[0] - time.Second)
	if got := mustClaimRechecks(t, s, "a", 10); len(got) != 0 {
		t.Errorf("claimed %v a second early", recheckIDs(got))
	}
	clock.Add(time.Second)
	got := mustClaimRechecks(t, s, "a", 10)
	if !slices.Equal(recheckIDs(got), want) {
		t.Fatalf("claimed %v; want %v, the articles of the followed source", recheckIDs(got), want)
	}
	wantFirst := herald.Recheck{ArticleID: a.ID, Slug: a.Slug, URL: a.OriginalURL, SourceID: src.ID}
	if *got[0] != wantFirst {
		t.Errorf("claimed %+v, want %+v", *got[0], wantFirst)
	}
	if err := s.RecheckSoon(ctx, imported.ID); err != nil {
		t.Errorf("RecheckSoon of an imported article: %v", err)
	}
	clock.Add(1000 * time.Hour)
	for _, r := range mustClaimRechecks(t, s, "b", 10) {
		if r.ArticleID == imported.ID {
			t.Errorf("the imported article was claimed")
		}
	}
}

// addFollowedLater adds an article of src through bulk, as a bulk load
// does, and returns it.
func addFollowedLater(tb testing.TB, bulk interface {
	AddArticles(context.Context, []*herald.Article) (int, error)
}, src *herald.Source) *herald.Article {
	tb.Helper()
	b := newItem(3, src, "item-bulk")
	if n, err := bulk.AddArticles(context.Background(), []*herald.Article{b}); err != nil || n != 1 {
		tb.Fatalf("AddArticles: %d, %v", n, err)
	}
	return b
}

// testClaimRechecks mirrors testClaim: due rows in the order they fell
// due, leased to one owner at a time, renewed for their own owner and
// taken over once the lease ends; a paused or removed source's articles
// wait.
func testClaimRechecks(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	src, paused, removed := NewFollowedSource(1), NewFollowedSource(2), NewFollowedSource(3)
	for _, x := range []*herald.Source{src, paused, removed} {
		mustAddSource(t, s, x)
	}
	var arts []*herald.Article
	for i := range 4 {
		arts = append(arts, addFollowed(t, s, i, src))
		clock.Add(time.Second) // each falls due a second after the last
	}
	addFollowed(t, s, 10, paused)
	addFollowed(t, s, 11, removed)
	if _, err := s.UpdateSource(ctx, paused.Slug, herald.SourceUpdate{Paused: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSource(ctx, removed.Slug, false); err != nil {
		t.Fatal(err)
	}
	clock.Add(herald.RecheckSteps[0])

	if got := mustClaimRechecks(t, s, "a", 2); !slices.Equal(recheckIDs(got), articleIDs(arts[:2])) {
		t.Fatalf("a claimed %v; want the two first due, %v", recheckIDs(got), articleIDs(arts[:2]))
	}
	if got := mustClaimRechecks(t, s, "b", 10); !slices.Equal(recheckIDs(got), articleIDs(arts[2:])) {
		t.Errorf("b claimed %v; want the rest, %v", recheckIDs(got), articleIDs(arts[2:]))
	}
	if got := mustClaimRechecks(t, s, "c", 10); len(got) != 0 {
		t.Errorf("c claimed %v while the leases hold", recheckIDs(got))
	}
	if got := mustClaimRechecks(t, s, "a", 10); !slices.Equal(recheckIDs(got), articleIDs(arts[:2])) {
		t.Errorf("a claimed %v again; want its own, %v, renewed", recheckIDs(got), articleIDs(arts[:2]))
	}
	clock.Add(recheckLease + time.Second)
	if got := mustClaimRechecks(t, s, "c", 10); !slices.Equal(recheckIDs(got), articleIDs(arts)) {
		t.Errorf("c claimed %v after the leases ended; want %v and nothing of a paused or removed source", recheckIDs(got), articleIDs(arts))
	}
	if got := mustClaimRechecks(t, s, "d", 0); len(got) != 0 {
		t.Errorf("limit 0 claimed %v", recheckIDs(got))
	}
	for name, claim := range map[string]func() error{
		"NoOwner": func() error { _, err := s.ClaimDueRechecks(ctx, "", time.Minute, 1); return err },
		"NoLease": func() error { _, err := s.ClaimDueRechecks(ctx, "e", 0, 1); return err },
	} {
		if err := claim(); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}

	// Resumed, the paused source's article is due again.
	if _, err := s.UpdateSource(ctx, paused.Slug, herald.SourceUpdate{Paused: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if got := mustClaimRechecks(t, s, "f", 10); len(got) != 1 || got[0].SourceID != paused.ID {
		t.Errorf("after the source was resumed: claimed %v; want its article", recheckIDs(got))
	}
}

// testConcurrentRechecks claims from several goroutines at once: every
// due article is leased to exactly one.
func testConcurrentRechecks(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	const workers, n = 4, 20
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	for i := range n {
		addFollowed(t, s, i, src)
	}
	clock.Add(herald.RecheckSteps[0])
	claimConcurrently(t, workers, n, func(owner string) ([]int64, error) {
		list, err := s.ClaimDueRechecks(context.Background(), owner, recheckLease, 3)
		return recheckIDs(list), err
	})
}

// testRecordRecheck walks one article through its schedule: a failure
// is tried again at the same step, a gone original counts a miss, any
// other answer clears them, and after the last step nothing is due.
func testRecordRecheck(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock, src, a := followedArticle(t, s)
	clock.Add(herald.RecheckSteps[0])
	if got := mustClaimRechecks(t, s, "a", 10); len(got) != 1 {
		t.Fatalf("claimed %v, want the article", recheckIDs(got))
	}
	// claimAt moves the clock to d from now and checks that the article
	// is due then and not a second before, as want says.
	claimAt := func(d time.Duration, owner string, want herald.Recheck) {
		t.Helper()
		clock.Add(d - time.Second)
		if got := mustClaimRechecks(t, s, owner, 10); len(got) != 0 {
			t.Fatalf("claimed %v a second before it was due", recheckIDs(got))
		}
		clock.Add(time.Second)
		got := mustClaimRechecks(t, s, owner, 10)
		want.ArticleID, want.Slug, want.URL, want.SourceID = a.ID, a.Slug, a.OriginalURL, src.ID
		if len(got) != 1 || *got[0] != want {
			t.Fatalf("claimed %v; want %+v", recheckList(got), want)
		}
	}

	if err := s.RecordRecheck(ctx, a.ID, "b", herald.RecheckOutcome{}); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("another owner's record: %v, want ECONFLICT", err)
	}
	if err := s.RecordRecheck(ctx, a.ID+1000, "a", herald.RecheckOutcome{}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown article: %v, want ENOTFOUND", err)
	}
	for name, out := range map[string]herald.RecheckOutcome{
		"GoneAndFailed":   {Gone: true, Failed: true},
		"GoneRevision":    {Gone: true, Revision: newRevision("T", "Words.", 1)},
		"UntitledVersion": {Revision: newRevision(" ", "Words.", 1)},
		"EmptyVersion":    {Revision: &herald.Revision{Title: "T"}},
	} {
		if err := s.RecordRecheck(ctx, a.ID, "a", out); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}

	v0 := mustVersion(t, s)
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Failed: true, Reason: "503", ETag: `"ignored"`})
	if err := s.RecordRecheck(ctx, a.ID, "a", herald.RecheckOutcome{}); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("second record: %v, want ECONFLICT: the first ended the lease", err)
	}
	claimAt(15*time.Minute, "a", herald.Recheck{})

	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Gone: true, ETag: `"e1"`, LastModified: "Sun, 01 Mar 2026 12:00:00 GMT"})
	claimAt(herald.RecheckSteps[1], "b", herald.Recheck{Step: 1, Misses: 1, ETag: `"e1"`, LastModified: "Sun, 01 Mar 2026 12:00:00 GMT"})

	retry := clock.Now().Add(3 * time.Hour)
	mustRecordRecheck(t, s, a.ID, "b", herald.RecheckOutcome{Failed: true, RetryAt: retry})
	claimAt(3*time.Hour, "c", herald.Recheck{Step: 1, Misses: 1, ETag: `"e1"`, LastModified: "Sun, 01 Mar 2026 12:00:00 GMT"})

	mustRecordRecheck(t, s, a.ID, "c", herald.RecheckOutcome{ETag: `"e2"`})
	claimAt(herald.RecheckSteps[2], "d", herald.Recheck{Step: 2, ETag: `"e2"`})
	if v := mustVersion(t, s); v != v0 {
		t.Errorf("version moved from %d to %d on re-checks that changed no page", v0, v)
	}

	// A worker that outlives its lease loses the article to another.
	clock.Add(recheckLease + time.Second)
	if got := mustClaimRechecks(t, s, "e", 10); len(got) != 1 {
		t.Fatalf("after d's lease ended: claimed %v", recheckIDs(got))
	}
	if err := s.RecordRecheck(ctx, a.ID, "d", herald.RecheckOutcome{Revision: newRevision("Late", "Late words.", 9)}); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("lost lease: %v, want ECONFLICT", err)
	}
	if got := mustFind(t, s, a.ID); got.Title != a.Title || got.Revisions != 1 {
		t.Errorf("a lost lease's record revised the article: %q, %d versions", got.Title, got.Revisions)
	}

	// The rest of the schedule, then never again.
	owner := "e"
	for step := 3; step < len(herald.RecheckSteps); step++ {
		mustRecordRecheck(t, s, a.ID, owner, herald.RecheckOutcome{})
		owner = fmt.Sprintf("w%d", step)
		claimAt(herald.RecheckSteps[step], owner, herald.Recheck{Step: step})
	}
	mustRecordRecheck(t, s, a.ID, owner, herald.RecheckOutcome{})
	clock.Add(10000 * time.Hour)
	if got := mustClaimRechecks(t, s, "z", 10); len(got) != 0 {
		t.Errorf("claimed %v after the last step", recheckIDs(got))
	}
}

// testRevision records a new version of an article: every way of reading
// it shows the new words, the old version is kept, and the story stays.
func testRevision(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	a := newItem(1, src, "item-1")
	a.Title, a.Text, a.HTML = "Seawall plan unveiled", "The council unveiled the seawall plan.", "<p>The council unveiled the seawall plan.</p>"
	a.Lead = herald.Excerpt(a.Text, herald.ExcerptWords)
	addPlaced(t, s, a, "seawall")
	story := storyOf(t, s, a.ID)
	// The pipeline's own related list, computed.
	if err := s.ReleaseRelatedWork(ctx, []int64{a.ID}); err != nil {
		t.Fatal(err)
	}
	held, err := s.ClaimRelatedWork(ctx, 10, time.Hour)
	if err != nil || len(held) != 1 {
		t.Fatalf("related queue after the add: %v, %v", articleIDs(held), err)
	}
	if err := s.FinishRelatedWork(ctx, articleIDs(held)); err != nil {
		t.Fatal(err)
	}
	if list := mustRevisions(t, s, a.ID); len(list) != 1 || list[0].N != 1 || list[0].Text != a.Text ||
		list[0].Title != a.Title || !list[0].At.Equal(a.CreatedAt) {
		t.Errorf("revisions of an article never revised: %+v; want one, made from its row", list)
	}

	clock.Add(herald.RecheckSteps[0])
	mustClaimRechecks(t, s, "a", 10)
	v0 := mustVersion(t, s)
	rev := newRevision("Seawall plan delayed", "The council delayed the seawall plan. Lighthouse keepers objected.", 77)
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Revision: rev})
	updated := clock.Now()
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after a revision, %d before; want it to grow", v, v0)
	}

	got, err := s.FindArticleBySlug(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != rev.Title || got.Byline != rev.Byline || got.HTML != rev.HTML || got.Text != rev.Text ||
		got.Lead != herald.Excerpt(rev.Text, herald.ExcerptWords) || got.Revisions != 2 ||
		!got.UpdatedAt.Equal(updated) || got.UpdatedAt.Location() != time.UTC || got.StoryID != story ||
		!got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("after the revision: %+v", got)
	}
	list, _, err := s.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 1 || list[0].Lead != got.Lead || list[0].Revisions != 2 || !list[0].UpdatedAt.Equal(updated) {
		t.Errorf("list after the revision: %+v, %v", list, err)
	}
	if ids, _ := mustSearch(t, s, "lighthouse", herald.SearchFilter{}); !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("search for a new word: %v", ids)
	}
	if ids, _ := mustSearch(t, s, "unveiled", herald.SearchFilter{}); len(ids) != 0 {
		t.Errorf("search for a word the revision removed: %v", ids)
	}
	if found, err := s.FindCopyCandidates(ctx, 77, nil, 10); err != nil || !slices.Equal(articleIDs(found), []int64{a.ID}) {
		t.Errorf("copy candidates by the new fingerprint: %v, %v", articleIDs(found), err)
	}
	if found, err := s.FindCopyCandidates(ctx, 0, []uint64{78}, 10); err != nil || !slices.Equal(articleIDs(found), []int64{a.ID}) {
		t.Errorf("copy candidates by a new band: %v, %v", articleIDs(found), err)
	}
	if queued, err := s.ClaimRelatedWork(ctx, 10, time.Minute); err != nil || !slices.Equal(articleIDs(queued), []int64{a.ID}) {
		t.Errorf("related queue after the revision: %v, %v; want the article again", articleIDs(queued), err)
	}

	// A second revision: three versions, oldest first, each whole.
	clock.Add(herald.RecheckSteps[1])
	mustClaimRechecks(t, s, "a", 10)
	rev2 := newRevision("Seawall plan delayed again", "The council delayed the seawall plan again.", 79)
	rev2.Byline = ""
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Revision: rev2})
	versions := mustRevisions(t, s, a.ID)
	want := []herald.Revision{
		{N: 1, At: a.CreatedAt, Title: a.Title, Byline: a.Byline, HTML: a.HTML, Text: a.Text},
		{N: 2, At: updated, Title: rev.Title, Byline: rev.Byline, HTML: rev.HTML, Text: rev.Text},
		{N: 3, At: clock.Now(), Title: rev2.Title, Byline: rev2.Byline, HTML: rev2.HTML, Text: rev2.Text},
	}
	if len(versions) != len(want) {
		t.Fatalf("%d versions, want %d", len(versions), len(want))
	}
	for i, v := range versions {
		w := want[i]
		if v.N != w.N || !v.At.Equal(w.At) || v.Title != w.Title || v.Byline != w.Byline || v.HTML != w.HTML ||
			v.Text != w.Text || v.ArticleID != a.ID {
			t.Errorf("version %d: %+v, want %+v", i, *v, w)
		}
	}
	if versions[0].ID == 0 || versions[0].ID == versions[1].ID {
		t.Errorf("kept versions' ids %d, %d", versions[0].ID, versions[1].ID)
	}
	if _, err := s.FindRevisions(ctx, a.ID+1000); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("revisions of an unknown article: %v, want ENOTFOUND", err)
	}
}

// testRevisionKeepsEdit revises an article an editor retitled: the
// editor's title stays, the lead follows the new text, and the versions
// are the outlet's.
func testRevisionKeepsEdit(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock, _, a := followedArticle(t, s)
	if _, err := s.EditArticle(ctx, a.Slug, herald.ArticleEdit{Title: ptr("Editor's headline")}); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"First new words of the outlet.", "Second new words of the outlet."} {
		clock.Add(herald.RecheckSteps[i])
		mustClaimRechecks(t, s, "a", 10)
		mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Revision: newRevision(fmt.Sprintf("Outlet title %d", i+1), text, uint64(i+1))})
	}
	got := mustFind(t, s, a.ID)
	if got.Title != "Editor's headline" || got.Lead != "Second new words of the outlet." {
		t.Errorf("after revisions: title %q, lead %q; want the editor's title and the new lead", got.Title, got.Lead)
	}
	if ids, _ := mustSearch(t, s, "headline", herald.SearchFilter{}); !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("search for the editor's title: %v", ids)
	}
	if o, err := s.FindArticleOriginal(ctx, a.ID); err != nil || o.Title != "Outlet title 2" {
		t.Errorf("original after revisions: %+v, %v; want the outlet's newest title", o, err)
	}
	var titles []string
	for _, v := range mustRevisions(t, s, a.ID) {
		titles = append(titles, v.Title)
	}
	if want := []string{a.Title, "Outlet title 1", "Outlet title 2"}; !slices.Equal(titles, want) {
		t.Errorf("versions' titles %q, want the outlet's, %q", titles, want)
	}

	// An excerpt the editor sets stays too.
	if _, err := s.EditArticle(ctx, a.Slug, herald.ArticleEdit{Excerpt: ptr("The editor's summary.")}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecheckSoon(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	mustClaimRechecks(t, s, "a", 10)
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Revision: newRevision("Outlet title 3", "Third words.", 3)})
	if got := mustFind(t, s, a.ID); got.Title != "Editor's headline" || got.Lead != "The editor's summary." {
		t.Errorf("after an excerpt edit and a revision: title %q, lead %q", got.Title, got.Lead)
	}
}

// testMaxRevisions revises an article until it has MaxRevisions
// versions: the next revision is refused and writes nothing.
func testMaxRevisions(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock, _, a := followedArticle(t, s)
	clock.Add(time.Minute)
	revise := func(n int) error {
		t.Helper()
		if err := s.RecheckSoon(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got := mustClaimRechecks(t, s, "a", 10); len(got) != 1 {
			t.Fatalf("revision %d: claimed %v", n, recheckIDs(got))
		}
		return s.RecordRecheck(ctx, a.ID, "a", herald.RecheckOutcome{
			Revision: newRevision(fmt.Sprintf("Version %d", n), fmt.Sprintf("Words of version %d.", n), uint64(n))})
	}
	for n := 2; n <= herald.MaxRevisions; n++ {
		if err := revise(n); err != nil {
			t.Fatalf("revision %d: %v", n, err)
		}
	}
	v0 := mustVersion(t, s)
	if err := revise(herald.MaxRevisions + 1); herald.ErrorCode(err) != herald.EINVALID {
		t.Fatalf("revision past MaxRevisions: %v, want EINVALID", err)
	}
	got := mustFind(t, s, a.ID)
	if got.Revisions != herald.MaxRevisions || got.Title != fmt.Sprintf("Version %d", herald.MaxRevisions) {
		t.Errorf("after the refused revision: %d versions, title %q", got.Revisions, got.Title)
	}
	versions := mustRevisions(t, s, a.ID)
	if len(versions) != herald.MaxRevisions || versions[0].Text != a.Text || versions[1].Text != "Words of version 2." {
		t.Errorf("%d versions after the refused revision, want %d, each whole", len(versions), herald.MaxRevisions)
	}
	if v := mustVersion(t, s); v != v0 {
		t.Errorf("version moved from %d to %d on a refused revision", v0, v)
	}
	// The lease holds: the caller records the check without a revision.
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{})
}

// testRecheckTakenDown takes down an article under re-check: its record
// is ENOTFOUND, and a restore brings back its versions and a schedule.
func testRecheckTakenDown(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock, _, a := followedArticle(t, s)
	clock.Add(herald.RecheckSteps[0])
	mustClaimRechecks(t, s, "a", 10)
	rev := newRevision("Corrected title", "Corrected words of the article.", 5)
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{Revision: rev})
	revised := mustFind(t, s, a.ID)
	before := mustRevisions(t, s, a.ID)

	clock.Add(herald.RecheckSteps[1])
	mustClaimRechecks(t, s, "a", 10)
	if _, err := s.TakeDownArticle(ctx, a.Slug, herald.StatusWithdrawn, "The outlet withdrew it."); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRecheck(ctx, a.ID, "a", herald.RecheckOutcome{Gone: true}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("record of an article taken down: %v, want ENOTFOUND", err)
	}
	for name, err := range map[string]error{
		"RecheckSoon":   s.RecheckSoon(ctx, a.ID),
		"FindRevisions": func() error { _, err := s.FindRevisions(ctx, a.ID); return err }(),
	} {
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("%s of an article taken down: %v, want ENOTFOUND", name, err)
		}
	}
	if got := mustClaimRechecks(t, s, "b", 10); len(got) != 0 {
		t.Errorf("claimed %v, an article taken down", recheckIDs(got))
	}

	restored, err := s.RestoreArticle(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Revisions != 2 || !restored.UpdatedAt.Equal(revised.UpdatedAt) || restored.Text != rev.Text {
		t.Errorf("restored: %d versions, updated %v, text %q; want %d, %v, the revision's",
			restored.Revisions, restored.UpdatedAt, restored.Text, revised.Revisions, revised.UpdatedAt)
	}
	after := mustRevisions(t, s, a.ID)
	if len(after) != len(before) {
		t.Fatalf("%d versions after the restore, %d before", len(after), len(before))
	}
	for i := range after {
		if after[i].N != before[i].N || !after[i].At.Equal(before[i].At) || after[i].Text != before[i].Text ||
			after[i].HTML != before[i].HTML || after[i].Title != before[i].Title {
			t.Errorf("version %d after the restore: %+v, before %+v", i, *after[i], *before[i])
		}
	}
	if got := mustClaimRechecks(t, s, "b", 10); !slices.Equal(recheckIDs(got), []int64{a.ID}) {
		t.Errorf("after the restore: claimed %v; want the article checked again", recheckIDs(got))
	}
}

// testRecheckSoon makes re-checks due at once: an article in its
// schedule keeps its step, one past its last is checked once more, and
// an article of no followed source gets no schedule.
func testRecheckSoon(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock, _, a := followedArticle(t, s)
	if err := s.RecheckSoon(ctx, a.ID+1000); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown article: %v, want ENOTFOUND", err)
	}
	if err := s.RecheckSoon(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got := mustClaimRechecks(t, s, "a", 10)
	if len(got) != 1 || got[0].Step != 0 {
		t.Fatalf("claimed %v after RecheckSoon; want the article at step 0", recheckList(got))
	}
	for step := range herald.RecheckSteps {
		mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{})
		if step < len(herald.RecheckSteps)-1 {
			clock.Add(herald.RecheckSteps[step+1])
			mustClaimRechecks(t, s, "a", 10)
		}
	}
	clock.Add(10000 * time.Hour)
	if got := mustClaimRechecks(t, s, "a", 10); len(got) != 0 {
		t.Fatalf("claimed %v past the last step", recheckIDs(got))
	}
	if err := s.RecheckSoon(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got = mustClaimRechecks(t, s, "a", 10)
	if last := len(herald.RecheckSteps) - 1; len(got) != 1 || got[0].Step != last {
		t.Fatalf("claimed %v after RecheckSoon; want the article at the last step, %d", recheckList(got), last)
	}
	mustRecordRecheck(t, s, a.ID, "a", herald.RecheckOutcome{})
	clock.Add(10000 * time.Hour)
	if got := mustClaimRechecks(t, s, "a", 10); len(got) != 0 {
		t.Errorf("claimed %v after the extra check", recheckIDs(got))
	}
}
