// Package storetest is the contract every Herald store keeps, written once
// as a test suite: internal/sqlite and internal/postgres both run it, the
// way testing/fstest checks every fs.FS. A store that implements Clock
// lets the suite move time, which the checks of leases and due sources
// need.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// Opener returns a new, empty store for one test. The store is closed by
// the test.
type Opener func(tb testing.TB) herald.Store

// Run runs the whole contract against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("AddAndFind", func(t *testing.T) { testAddAndFind(t, open(t)) })
	t.Run("AddTwiceChangesNothing", func(t *testing.T) { testAddTwice(t, open(t)) })
	t.Run("SlugsAreUniqueAndStable", func(t *testing.T) { testSlugs(t, open(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, open(t)) })
	t.Run("InvalidArticleWritesNothing", func(t *testing.T) { testInvalid(t, open(t)) })
	t.Run("PagesAreStableUnderInserts", func(t *testing.T) { testPaging(t, open(t)) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, open(t)) })
	t.Run("BadCursor", func(t *testing.T) { testBadCursor(t, open(t)) })
	t.Run("Sources", func(t *testing.T) { testSources(t, open(t)) })
	t.Run("ConcurrentImportsOfTheSameURLs", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("VersionGrowsOnChange", func(t *testing.T) { testVersion(t, open(t)) })

	t.Run("AddSourceIsDueAtOnce", func(t *testing.T) { testAddSource(t, open(t)) })
	t.Run("AddSourceConflicts", func(t *testing.T) { testSourceConflicts(t, open(t)) })
	t.Run("ImportedSourceBecomesFollowed", func(t *testing.T) { testImportedBecomesFollowed(t, open(t)) })
	t.Run("InvalidSourceWritesNothing", func(t *testing.T) { testInvalidSource(t, open(t)) })
	t.Run("SourceImagesRoundTrip", func(t *testing.T) { testSourceImages(t, open(t)) })
	t.Run("UpdateSource", func(t *testing.T) { testUpdateSource(t, open(t)) })
	t.Run("ClaimDueSources", func(t *testing.T) { testClaim(t, open(t)) })
	t.Run("ConcurrentClaimsLeaseEachSourceOnce", func(t *testing.T) { testConcurrentClaims(t, open(t)) })
	t.Run("RecordFetch", func(t *testing.T) { testRecordFetch(t, open(t)) })
	t.Run("RemoveSource", func(t *testing.T) { testRemoveSource(t, open(t)) })
	t.Run("RemovedSourceFollowedAgain", func(t *testing.T) { testFollowAgain(t, open(t)) })
	t.Run("SeenItems", func(t *testing.T) { testSeenItems(t, open(t)) })
	t.Run("ItemKeyStoredOnce", func(t *testing.T) { testItemKeyOnce(t, open(t)) })
	t.Run("ConcurrentItemKeys", func(t *testing.T) { testConcurrentItemKeys(t, open(t)) })

	t.Run("CopyHiddenFromHomeList", func(t *testing.T) { testCopies(t, open(t)) })
	t.Run("BetterLicenceTakesThePage", func(t *testing.T) { testCopyTakesOver(t, open(t)) })
	t.Run("DuplicateOfNamesAnyCopy", func(t *testing.T) { testCopyOfCopy(t, open(t)) })
	t.Run("FindCopyCandidates", func(t *testing.T) { testCopyCandidates(t, open(t)) })
	t.Run("PurgePassesOnCopies", func(t *testing.T) { testPurgeCopies(t, open(t)) })
	t.Run("ConcurrentCopiesKeepOneShown", func(t *testing.T) { testConcurrentCopies(t, open(t)) })
	t.Run("FingerprintLimits", func(t *testing.T) { testFingerprintLimits(t, open(t)) })
	t.Run("BackfillFingerprints", func(t *testing.T) { testBackfill(t, open(t)) })
	t.Run("StoredURLs", func(t *testing.T) { testStoredURLs(t, open(t)) })

	t.Run("StoryPlacement", func(t *testing.T) { testStoryPlacement(t, open(t)) })
	t.Run("StoryCopiesJoinTheirText", func(t *testing.T) { testStoryCopies(t, open(t)) })
	t.Run("StoryUnplacedArticles", func(t *testing.T) { testStoryUnplaced(t, open(t)) })
	t.Run("StoryClosedLeaveIndex", func(t *testing.T) { testStoryClosedLeaveIndex(t, open(t)) })
	t.Run("StoryConcurrentPlacementsMakeOneStory", func(t *testing.T) { testStoryConcurrent(t, open(t)) })
	t.Run("StorySplitSurvivesIngest", func(t *testing.T) { testStorySplit(t, open(t)) })
	t.Run("StoryMergeSurvivesIngest", func(t *testing.T) { testStoryMerge(t, open(t)) })
	t.Run("StoryPages", func(t *testing.T) { testStoryPages(t, open(t)) })
	t.Run("StoryRefiledUnderNewTerms", func(t *testing.T) { testStoryRefiled(t, open(t)) })
	t.Run("StoryLatest", func(t *testing.T) { testStoryLatest(t, open(t)) })
	t.Run("StoryDocFreqsAcrossFlush", func(t *testing.T) { testDocFreqsAcrossFlush(t, open(t)) })

	t.Run("SearchLanguage", func(t *testing.T) { testSearchLanguage(t, open(t)) })
	t.Run("SearchRanking", func(t *testing.T) { testSearchRanking(t, open(t)) })
	t.Run("SearchFiltersAndPages", func(t *testing.T) { testSearchFiltersAndPages(t, open(t)) })
	t.Run("SearchWindow", func(t *testing.T) { testSearchWindow(t, open(t)) })
	t.Run("SearchCJKAndSnippets", func(t *testing.T) { testSearchCJKAndSnippets(t, open(t)) })
	t.Run("SearchFollowsArticles", func(t *testing.T) { testSearchFollowsArticles(t, open(t)) })
	t.Run("SearchLongStore", func(t *testing.T) { testSearchLongStore(t, open(t)) })
	t.Run("TermDocs", func(t *testing.T) { testTermDocs(t, open(t)) })
	t.Run("FindSimilar", func(t *testing.T) { testFindSimilar(t, open(t)) })
	t.Run("RelatedLists", func(t *testing.T) { testRelatedLists(t, open(t)) })
	t.Run("RelatedQueue", func(t *testing.T) { testRelatedQueue(t, open(t)) })

	t.Run("CommentAddAndFind", func(t *testing.T) { testCommentAddAndFind(t, open(t)) })
	t.Run("CommentInvalidWritesNothing", func(t *testing.T) { testCommentInvalid(t, open(t)) })
	t.Run("CommentDuplicateAndFlood", func(t *testing.T) { testCommentDuplicateAndFlood(t, open(t)) })
	t.Run("CommentConcurrentStoredOnce", func(t *testing.T) { testCommentConcurrent(t, open(t)) })
	t.Run("CommentModeration", func(t *testing.T) { testCommentModeration(t, open(t)) })
	t.Run("CommentApprovedMovesVersion", func(t *testing.T) { testCommentApprovedMovesVersion(t, open(t)) })
	t.Run("CommentErase", func(t *testing.T) { testCommentErase(t, open(t)) })
	t.Run("CommentsClose", func(t *testing.T) { testCommentsClose(t, open(t)) })
	t.Run("CommentNetworks", func(t *testing.T) { testCommentNetworks(t, open(t)) })
	t.Run("ClassifierCounts", func(t *testing.T) { testClassifierCounts(t, open(t)) })
	t.Run("UsersAndSessions", func(t *testing.T) { testUsersAndSessions(t, open(t)) })
	t.Run("Secret", func(t *testing.T) { testSecret(t, open(t)) })

	t.Run("Topics", func(t *testing.T) { testTopics(t, open(t)) })
	t.Run("InvalidTopicWritesNothing", func(t *testing.T) { testInvalidTopic(t, open(t)) })
	t.Run("TopicArticles", func(t *testing.T) { testTopicArticles(t, open(t)) })
	t.Run("Retagging", func(t *testing.T) { testRetagging(t, open(t)) })
	t.Run("Digest", func(t *testing.T) { testDigest(t, open(t)) })
	t.Run("DigestKeepsFew", func(t *testing.T) { testDigestKeepsFew(t, open(t)) })
	t.Run("TopicStories", func(t *testing.T) { testTopicStories(t, open(t)) })
	t.Run("RefreshDigest", func(t *testing.T) { testRefreshDigest(t, open(t)) })

	t.Run("MediaSetAndFind", func(t *testing.T) { testMediaSetAndFind(t, open(t)) })
	t.Run("MediaWirePhotoFetchedOnce", func(t *testing.T) { testMediaWirePhoto(t, open(t)) })
	t.Run("MediaStoredOnce", func(t *testing.T) { testMediaStoredOnce(t, open(t)) })
	t.Run("MediaConcurrentClaims", func(t *testing.T) { testMediaConcurrentClaims(t, open(t)) })
	t.Run("MediaConcurrentWriters", func(t *testing.T) { testMediaConcurrentWriters(t, open(t)) })
	t.Run("MediaRetries", func(t *testing.T) { testMediaRetries(t, open(t)) })
	t.Run("MediaPurgeAndPrune", func(t *testing.T) { testMediaPrune(t, open(t)) })
	t.Run("MediaVariantBytes", func(t *testing.T) { testMediaVariants(t, open(t)) })
	t.Run("MediaInvalidWritesNothing", func(t *testing.T) { testMediaInvalid(t, open(t)) })
	t.Run("MediaRequeue", func(t *testing.T) { testMediaRequeue(t, open(t)) })

	t.Run("AuditEachCall", func(t *testing.T) { testAuditEachCall(t, open(t)) })
	t.Run("AuditOnlyWithChange", func(t *testing.T) { testAuditOnlyWithChange(t, open(t)) })
	t.Run("AuditFind", func(t *testing.T) { testAuditFind(t, open(t)) })
	t.Run("AuditRequestConcurrent", func(t *testing.T) { testAuditRequestConcurrent(t, open(t)) })
	t.Run("DeskUsers", func(t *testing.T) { testDeskUsers(t, open(t)) })
	t.Run("LastAdminConcurrent", func(t *testing.T) { testLastAdminConcurrent(t, open(t)) })
	t.Run("PausedSources", func(t *testing.T) { testPausedSources(t, open(t)) })
	t.Run("DeskCounts", func(t *testing.T) { testDeskCounts(t, open(t)) })
	t.Run("Takedown", func(t *testing.T) { testTakedown(t, open(t)) })
	t.Run("TakedownCopies", func(t *testing.T) { testTakedownCopies(t, open(t)) })
	t.Run("ArticleEdit", func(t *testing.T) { testArticleEdit(t, open(t)) })
	t.Run("Corrections", func(t *testing.T) { testCorrections(t, open(t)) })
	t.Run("SourceTakedown", func(t *testing.T) { testSourceTakedown(t, open(t)) })
	t.Run("SourceTakedownKeepsPause", func(t *testing.T) { testSourceTakedownKeepsPause(t, open(t)) })
	t.Run("PurgeTakedowns", func(t *testing.T) { testPurgeTakedowns(t, open(t)) })
	t.Run("ChangedItems", func(t *testing.T) { testChangedItems(t, open(t)) })

	t.Run("RecheckScheduledOnAdd", func(t *testing.T) { testRecheckScheduled(t, open(t)) })
	t.Run("ClaimDueRechecks", func(t *testing.T) { testClaimRechecks(t, open(t)) })
	t.Run("ConcurrentClaimsLeaseEachRecheckOnce", func(t *testing.T) { testConcurrentRechecks(t, open(t)) })
	t.Run("RecordRecheck", func(t *testing.T) { testRecordRecheck(t, open(t)) })
	t.Run("Revision", func(t *testing.T) { testRevision(t, open(t)) })
	t.Run("RevisionKeepsEdit", func(t *testing.T) { testRevisionKeepsEdit(t, open(t)) })
	t.Run("MaxRevisions", func(t *testing.T) { testMaxRevisions(t, open(t)) })
	t.Run("RecheckTakenDown", func(t *testing.T) { testRecheckTakenDown(t, open(t)) })
	t.Run("RecheckSoon", func(t *testing.T) { testRecheckSoon(t, open(t)) })

	t.Run("Check", func(t *testing.T) { testCheck(t, open) })
}

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// NewArticle returns a valid article numbered n, from the outlet named
// source, published n minutes after a fixed time. Its fingerprint is
// empty and it is no copy.
func NewArticle(n int, source string) *herald.Article {
	text := fmt.Sprintf("Paragraph one of article %d.\n\nParagraph two.", n)
	return &herald.Article{
		OriginalURL: fmt.Sprintf("https://news.example/%s/%d", herald.Slugify(source), n),
		Title:       fmt.Sprintf("Story number %d", n),
		Byline:      "By A. Writer",
		PublishedAt: epoch.Add(time.Duration(n) * time.Minute),
		HTML:        fmt.Sprintf("<p>Paragraph one of article %d.</p><p>Paragraph two.</p>", n),
		Text:        text,
		Lead:        herald.Excerpt(text, herald.ExcerptWords),
		Lang:        "en",
		Licence:     herald.LicenceFull,
		Source:      &herald.Source{Name: source, Homepage: "https://news.example/"},
	}
}

func mustAdd(tb testing.TB, s herald.Store, a *herald.Article) {
	tb.Helper()
	created, err := s.AddArticle(context.Background(), a)
	if err != nil {
		tb.Fatalf("AddArticle(%s): %v", a.OriginalURL, err)
	}
	if !created {
		tb.Fatalf("AddArticle(%s): created = false for a new article", a.OriginalURL)
	}
}

func testAddAndFind(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "The Daily Example")
	a.Image = "https://news.example/img.jpg"
	mustAdd(t, s, a)
	if a.ID == 0 || a.Slug != "story-number-1" || a.Source.ID == 0 || a.Source.Slug != "the-daily-example" {
		t.Fatalf("after add: id=%d slug=%q source=%+v", a.ID, a.Slug, a.Source)
	}
	for name, find := range map[string]func() (*herald.Article, error){
		"ByID":   func() (*herald.Article, error) { return s.FindArticleByID(ctx, a.ID) },
		"BySlug": func() (*herald.Article, error) { return s.FindArticleBySlug(ctx, a.Slug) },
	} {
		got, err := find()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.ID != a.ID || got.Title != a.Title || got.HTML != a.HTML || got.Text != a.Text ||
			got.Lead != a.Lead || got.OriginalURL != a.OriginalURL || !got.PublishedAt.Equal(a.PublishedAt) ||
			got.Licence != a.Licence || got.Image != a.Image || got.Byline != a.Byline || got.Lang != a.Lang {
			t.Errorf("%s: got %+v, want %+v", name, got, a)
		}
		if got.Source.Name != "The Daily Example" || got.Source.Homepage != "https://news.example/" {
			t.Errorf("%s: source = %+v", name, got.Source)
		}
	}
}

func testAddTwice(t *testing.T, s herald.Store) {
	ctx := context.Background()
	first := NewArticle(1, "Outlet")
	mustAdd(t, s, first)
	again := NewArticle(1, "Outlet")
	again.Title = "A different title for the same address"
	created, err := s.AddArticle(ctx, again)
	if err != nil || created {
		t.Fatalf("second add: created=%v err=%v, want false, nil", created, err)
	}
	if again.ID != first.ID || again.Title != first.Title {
		t.Errorf("second add filled %d %q, want the stored %d %q", again.ID, again.Title, first.ID, first.Title)
	}
	list, _, err := s.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("FindArticles: %d articles, err %v; want 1", len(list), err)
	}
}

func testSlugs(t *testing.T, s herald.Store) {
	a, b := NewArticle(1, "Outlet"), NewArticle(2, "Outlet")
	b.Title = a.Title
	mustAdd(t, s, a)
	mustAdd(t, s, b)
	if a.Slug == b.Slug {
		t.Fatalf("two articles share slug %q", a.Slug)
	}
	primary, fallback := herald.ArticleSlugs(b.Title, b.OriginalURL)
	if a.Slug != primary || b.Slug != fallback {
		t.Errorf("slugs %q, %q; want %q, %q", a.Slug, b.Slug, primary, fallback)
	}
	got, err := s.FindArticleBySlug(context.Background(), b.Slug)
	if err != nil || got.ID != b.ID {
		t.Errorf("FindArticleBySlug(%q) = %v, %v", b.Slug, got, err)
	}
}

func testNotFound(t *testing.T, s herald.Store) {
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["ArticleByID"] = s.FindArticleByID(ctx, 42)
	_, checks["ArticleBySlug"] = s.FindArticleBySlug(ctx, "nope")
	_, checks["SourceBySlug"] = s.FindSourceBySlug(ctx, "nope")
	for name, err := range checks {
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("%s: err = %v, want ENOTFOUND", name, err)
		}
	}
}

func testInvalid(t *testing.T, s herald.Store) {
	ctx := context.Background()
	for name, spoil := range map[string]func(a *herald.Article){
		"NoURL":      func(a *herald.Article) { a.OriginalURL = "" },
		"NoTitle":    func(a *herald.Article) { a.Title = " " },
		"NoBody":     func(a *herald.Article) { a.HTML, a.Text = "", "" },
		"BadLicence": func(a *herald.Article) { a.Licence = "stolen" },
		"NoLicence":  func(a *herald.Article) { a.Licence = "" },
		"UpperCase":  func(a *herald.Article) { a.Licence = "FULL" },
		"NoSource":   func(a *herald.Article) { a.Source = nil },
		"NoDate":     func(a *herald.Article) { a.PublishedAt = time.Time{} },
	} {
		a := NewArticle(1, "Outlet")
		spoil(a)
		if _, err := s.AddArticle(ctx, a); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	list, _, err := s.FindArticles(ctx, herald.ArticleFilter{})
	sources, err2 := s.FindSources(ctx)
	if err != nil || err2 != nil || len(list) != 0 || len(sources) != 0 {
		t.Errorf("after refused adds: %d articles, %d sources (%v, %v); want none", len(list), len(sources), err, err2)
	}
}

// pageAll follows cursors from the first page and returns the IDs in order.
func pageAll(tb testing.TB, s herald.Store, f herald.ArticleFilter, between func()) []int64 {
	tb.Helper()
	var ids []int64
	for range 1000 {
		list, next, err := s.FindArticles(context.Background(), f)
		if err != nil {
			tb.Fatalf("FindArticles: %v", err)
		}
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
		if between != nil {
			between()
		}
	}
	tb.Fatal("FindArticles: cursors never end")
	return nil
}

func testPaging(t *testing.T, s herald.Store) {
	const n = 25
	for i := range n {
		a := NewArticle(i, "Outlet")
		if i%5 == 0 { // same time as its neighbour: ties are broken by ID
			a.PublishedAt = NewArticle(i+1, "x").PublishedAt
		}
		mustAdd(t, s, a)
	}
	extra := 1000
	ids := pageAll(t, s, herald.ArticleFilter{Limit: 4}, func() {
		// Newer articles arriving while a reader pages must not shift
		// the pages the reader has still to see.
		mustAdd(t, s, NewArticle(extra, "Outlet"))
		extra++
	})
	if len(ids) != n {
		t.Fatalf("paged through %d articles, want %d", len(ids), n)
	}
	seen := map[int64]bool{}
	var prev *herald.Article
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("article %d seen twice", id)
		}
		seen[id] = true
		a, err := s.FindArticleByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil && (a.PublishedAt.After(prev.PublishedAt) ||
			a.PublishedAt.Equal(prev.PublishedAt) && a.ID > prev.ID) {
			t.Fatalf("article %d comes after %d but is newer", a.ID, prev.ID)
		}
		prev = a
	}
	for i := range herald.MaxPageSize {
		mustAdd(t, s, NewArticle(2000+i, "Outlet"))
	}
	list, _, err := s.FindArticles(context.Background(), herald.ArticleFilter{Limit: 1000})
	if err != nil || len(list) != herald.MaxPageSize {
		t.Errorf("limit 1000 gave %d articles (%v), want MaxPageSize %d", len(list), err, herald.MaxPageSize)
	}
}

func testFilters(t *testing.T, s herald.Store) {
	ctx := context.Background()
	for i := range 6 {
		mustAdd(t, s, NewArticle(i, []string{"Alpha News", "Beta Times"}[i%2]))
	}
	beta, err := s.FindSourceBySlug(ctx, "beta-times")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := s.FindArticles(ctx, herald.ArticleFilter{SourceID: beta.ID})
	if err != nil || len(list) != 3 {
		t.Fatalf("by source: %d articles, %v; want 3", len(list), err)
	}
	for _, a := range list {
		if a.Source.ID != beta.ID {
			t.Errorf("article %d from source %d in beta's list", a.ID, a.Source.ID)
		}
		if a.HTML != "" || a.Text != "" || a.Lead == "" {
			t.Errorf("list item %d: body should be left out and lead kept", a.ID)
		}
	}
	want := NewArticle(3, "Beta Times").OriginalURL
	list, _, err = s.FindArticles(ctx, herald.ArticleFilter{OriginalURL: want})
	if err != nil || len(list) != 1 || list[0].OriginalURL != want {
		t.Errorf("by url: %v, %v", list, err)
	}
}

func testBadCursor(t *testing.T, s herald.Store) {
	for _, c := range []string{"garbage", "!!!", "MTIz", herald.Cursor{}.Encode() + "x"} {
		_, _, err := s.FindArticles(context.Background(), herald.ArticleFilter{Cursor: c})
		if herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("cursor %q: err = %v, want EINVALID", c, err)
		}
	}
}

func testSources(t *testing.T, s herald.Store) {
	ctx := context.Background()
	mustAdd(t, s, NewArticle(1, "Zeta Post"))
	mustAdd(t, s, NewArticle(2, "Alpha News"))
	mustAdd(t, s, NewArticle(3, "Alpha News"))
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("FindSources: %v, %v", list, err)
	}
	if list[0].Name != "Alpha News" || list[0].ArticleCount != 2 || list[1].ArticleCount != 1 {
		t.Errorf("FindSources = %+v, %+v; want Alpha News (2) then Zeta Post (1)", list[0], list[1])
	}
	src, err := s.FindSourceBySlug(ctx, "zeta-post")
	if err != nil || src.Name != "Zeta Post" || src.ArticleCount != 1 {
		t.Errorf("FindSourceBySlug = %+v, %v", src, err)
	}
}

// testConcurrent imports the same articles from several goroutines at once,
// as two import processes would: each URL must be stored exactly once, and
// exactly one of the adds must report creating it.
func testConcurrent(t *testing.T, s herald.Store) {
	const workers, n = 4, 40
	created := addConcurrently(t, s, workers, n, func(w, k int) (*herald.Article, string) {
		a := NewArticle(k, []string{"One", "Two", "Three"}[k%3])
		return a, a.OriginalURL
	})
	ids := pageAll(t, s, herald.ArticleFilter{Limit: 100}, nil)
	if len(ids) != n || len(created) != n {
		t.Errorf("stored %d articles, %d reported created; want %d", len(ids), len(created), n)
	}
}

// addConcurrently has workers goroutines each add the n articles made by
// article(worker, k), every worker in its own order and all with one title
// so that slugs collide too. It fails the test on any error, and unless
// exactly one add reported creating each key; it returns the keys created.
func addConcurrently(t *testing.T, s herald.Store, workers, n int, article func(w, k int) (a *herald.Article, key string)) map[string]int {
	t.Helper()
	var mu sync.Mutex
	created := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range n {
				a, key := article(w, (i+w*7)%n)
				a.Title = "Same title for all"
				ok, err := s.AddArticle(context.Background(), a)
				if err != nil {
					errs <- err
					return
				}
				if ok {
					mu.Lock()
					created[key]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent add: %v", err)
	}
	for key, c := range created {
		if c != 1 {
			t.Errorf("%s created %d times", key, c)
		}
	}
	return created
}

func testVersion(t *testing.T, s herald.Store) {
	ctx := context.Background()
	v0, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, NewArticle(1, "Outlet"))
	v1, err := s.Version(ctx)
	if err != nil || v1 <= v0 {
		t.Fatalf("version after add = %d (%v), before %d; want it to grow", v1, err, v0)
	}
	if _, err := s.AddArticle(ctx, NewArticle(1, "Outlet")); err != nil {
		t.Fatal(err)
	}
	if v2, _ := s.Version(ctx); v2 != v1 {
		t.Errorf("version moved from %d to %d on an add that changed nothing", v1, v2)
	}
}
