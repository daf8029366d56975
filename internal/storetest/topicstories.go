package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// topicEntry names one entry of a topic's page by its story (0 for none)
// and its newest article in the topic.
type topicEntry struct{ story, latest int64 }

func topicEntries(list []*herald.TopicStory) []topicEntry {
	var out []topicEntry
	for _, e := range list {
		out = append(out, topicEntry{e.Story.ID, e.Latest.ID})
	}
	return out
}

// topicStoriesTag adds a to the store, places it in the story of event
// ("" leaves it in none) and tags it with the topics given.
func topicStoriesTag(tb testing.TB, s herald.Store, a *herald.Article, event string, topics ...int64) {
	tb.Helper()
	if event == "" {
		mustAdd(tb, s, a)
	} else {
		addPlaced(tb, s, a, event)
	}
	if err := s.SetArticleTopics(context.Background(), a.ID, topics); err != nil {
		tb.Fatalf("SetArticleTopics(%d): %v", a.ID, err)
	}
}

func testTopicStories(t *testing.T, s herald.Store) {
	ctx := context.Background()
	topic := mustAddTopic(t, s, "Harbour wall", "harbour wall")
	other := mustAddTopic(t, s, "Ferry", "ferry")

	a1 := NewArticle(1, "Gazette")
	topicStoriesTag(t, s, a1, "vote", topic.ID)
	a2 := NewArticle(2, "Gazette")
	topicStoriesTag(t, s, a2, "", topic.ID) // in no story
	a3 := NewArticle(3, "Gazette")
	topicStoriesTag(t, s, a3, "storm", topic.ID)
	a4 := NewArticle(4, "Courier")
	topicStoriesTag(t, s, a4, "vote", topic.ID)
	a5 := NewArticle(5, "Courier") // the storm's newest, but not in the topic
	topicStoriesTag(t, s, a5, "storm", other.ID)
	a6 := NewArticle(6, "Gazette")
	topicStoriesTag(t, s, a6, "works", topic.ID)
	// A copy of a6's text, newer, in the topic: copies are not listed and
	// do not order their story.
	cp := newCopy(7, "Wire", herald.LicenceHeadline, a6.ID, fingerprint(hashA, band1))
	topicStoriesTag(t, s, cp, "works", topic.ID)
	a8 := NewArticle(8, "Courier") // in the other topic only
	topicStoriesTag(t, s, a8, "", other.ID)

	vote, storm, works := storyOf(t, s, a1.ID), storyOf(t, s, a3.ID), storyOf(t, s, a6.ID)
	want := []topicEntry{{works, a6.ID}, {vote, a4.ID}, {storm, a3.ID}, {0, a2.ID}}

	page, next, err := s.FindTopicStories(ctx, topic.ID, herald.StoryFilter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := topicEntries(page); !slices.Equal(got, want[:2]) || next == "" {
		t.Fatalf("first page = %v, next %q; want %v and a cursor", got, next, want[:2])
	}
	v := page[1]
	if v.Story.Lead == nil || v.Story.Lead.ID != a1.ID || v.Story.Articles != 2 ||
		!slices.Equal(sourceNames(v.Story.Outlets), []string{"Gazette", "Courier"}) || !v.Story.Last.Equal(a4.PublishedAt) {
		t.Errorf("vote story = %+v (outlets %v); want 2 articles led by %d from Gazette and Courier", v.Story, sourceNames(v.Story.Outlets), a1.ID)
	}
	if v.Latest.Title != a4.Title || v.Latest.Source.Name != "Courier" || !v.Latest.PublishedAt.Equal(a4.PublishedAt) {
		t.Errorf("vote story's latest = %+v, want article %d", v.Latest, a4.ID)
	}

	// A new article of a listed story moves it up; the next page neither
	// repeats it nor skips anything.
	a9 := NewArticle(9, "Gazette")
	topicStoriesTag(t, s, a9, "vote", topic.ID)
	// Another article of the story at the same time: the higher id is the
	// newer, as in every list.
	a10 := NewArticle(10, "Courier")
	a10.PublishedAt = a9.PublishedAt
	topicStoriesTag(t, s, a10, "vote", topic.ID)
	page, next, err = s.FindTopicStories(ctx, topic.ID, herald.StoryFilter{Limit: 2, Cursor: next})
	if err != nil {
		t.Fatal(err)
	}
	if got := topicEntries(page); !slices.Equal(got, want[2:]) || next != "" {
		t.Fatalf("second page = %v, next %q; want %v and the end", got, next, want[2:])
	}
	st := page[0].Story
	if st.Articles != 2 || !slices.Equal(sourceNames(st.Outlets), []string{"Gazette", "Courier"}) {
		t.Errorf("storm story = %d articles from %v; want both, the one outside the topic too", st.Articles, sourceNames(st.Outlets))
	}
	lone := page[1]
	if lone.Story.ID != 0 || lone.Story.Lead.ID != a2.ID || lone.Story.Articles != 1 || len(lone.Story.Outlets) != 1 ||
		!lone.Story.First.Equal(a2.PublishedAt) {
		t.Errorf("article in no story = %+v, want a story of its own with ID 0", lone.Story)
	}

	page, _, err = s.FindTopicStories(ctx, topic.ID, herald.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want = append([]topicEntry{{vote, a10.ID}, {works, a6.ID}}, want[2:]...)
	if got := topicEntries(page); !slices.Equal(got, want) {
		t.Errorf("after a new article = %v, want %v", got, want)
	}
	if page[1].Story.Lead.ID != a6.ID || len(page[1].Story.Lead.Copies) != 2 {
		t.Errorf("works story's lead = %+v; want %d with its copy", page[1].Story.Lead, a6.ID)
	}

	if page, next, err := s.FindTopicStories(ctx, 999999, herald.StoryFilter{}); err != nil || len(page) != 0 || next != "" {
		t.Errorf("unknown topic = %v, %q, %v; want nothing", page, next, err)
	}
	_, _, err = s.FindTopicStories(ctx, topic.ID, herald.StoryFilter{Cursor: "zzz"})
	wantTopicErr(t, err, herald.EINVALID, "cursor")
}

// CheckConcurrentDigestRefresh checks that refreshes of one topic's
// digest through two handles on the same store (two processes, in
// effect) run one after the other: each refresh puts a point for a
// development of its own unless the digest shows the same news already,
// so exactly one point per round of news must be stored.
func CheckConcurrentDigestRefresh(t *testing.T, one, two herald.Store) {
	ctx := context.Background()
	topic := mustAddTopic(t, one, "Harbour wall", "harbour wall")
	const rounds, perRound = 3, 8
	var arts []*herald.Article
	for i := range rounds * perRound {
		a := NewArticle(i+1, fmt.Sprintf("Outlet %d", i%perRound))
		mustAdd(t, one, a)
		arts = append(arts, a)
	}
	var deciding, overlaps atomic.Int32 // deciders running now; times two ran at once
	for r := range rounds {
		news := fmt.Sprintf("The harbour wall reached stage %d.", r+1)
		var wg sync.WaitGroup
		errs := make([]error, perRound)
		for i, a := range arts[r*perRound : (r+1)*perRound] {
			s := one
			if i%2 == 1 {
				s = two
			}
			wg.Go(func() {
				errs[i] = s.RefreshDigest(ctx, topic.ID, func(shown []*herald.DigestPoint) (*herald.DigestPoint, error) {
					if n := deciding.Add(1); n > 1 {
						overlaps.Add(1)
					}
					defer deciding.Add(-1)
					// A pause while deciding gives a refresh that is not
					// kept out the time to come in and decide on the same
					// digest; the outcome checked does not depend on it.
					time.Sleep(10 * time.Millisecond)
					for _, p := range shown {
						if p.Text() == news {
							return nil, nil
						}
					}
					return newPoint(0, a.ID, fmt.Sprintf("article:%d", a.ID), a.PublishedAt, news), nil
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, refresh %d: %v", r+1, i, err)
			}
		}
	}
	if n := overlaps.Load(); n > 0 {
		t.Errorf("refreshes of one topic decided at the same time %d times, want one at a time", n)
	}
	all, err := two.FindDigest(ctx, topic.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, p := range all {
		count[p.Sentence]++
	}
	for r := range rounds {
		if news := fmt.Sprintf("The harbour wall reached stage %d.", r+1); count[news] != 1 {
			t.Errorf("%q is in the digest %d times, want once (digest %q)", news, count[news], pointTexts(all))
		}
	}
}

func testRefreshDigest(t *testing.T, s herald.Store) {
	ctx := context.Background()
	topic := mustAddTopic(t, s, "Harbour wall", "harbour wall")
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	v0, _ := s.Version(ctx)
	var seen int
	put := func(shown []*herald.DigestPoint) (*herald.DigestPoint, error) {
		seen = len(shown)
		return newPoint(0, a.ID, "article:1", a.PublishedAt, "The wall was approved."), nil
	}
	if err := s.RefreshDigest(ctx, topic.ID, put); err != nil {
		t.Fatal(err)
	}
	if err := s.RefreshDigest(ctx, topic.ID, put); err != nil {
		t.Fatal(err)
	}
	d, _ := s.FindDigest(ctx, topic.ID, true)
	if seen != 1 || len(d) != 1 || d[0].Sentence != "The wall was approved." || d[0].TopicID != topic.ID {
		t.Errorf("after two refreshes of one development: saw %d, digest %q; want one point", seen, pointTexts(d))
	}
	if v, _ := s.Version(ctx); v <= v0 {
		t.Error("version did not move on a refresh")
	}

	// Putting nothing, an error from the decider and a bad point write nothing.
	v1, _ := s.Version(ctx)
	if err := s.RefreshDigest(ctx, topic.ID, func([]*herald.DigestPoint) (*herald.DigestPoint, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	boom := fmt.Errorf("boom")
	if err := s.RefreshDigest(ctx, topic.ID, func([]*herald.DigestPoint) (*herald.DigestPoint, error) { return nil, boom }); err == nil {
		t.Error("the decider's error was not returned")
	}
	err := s.RefreshDigest(ctx, topic.ID, func([]*herald.DigestPoint) (*herald.DigestPoint, error) {
		return newPoint(0, a.ID, "", a.PublishedAt, "No development."), nil
	})
	wantTopicErr(t, err, herald.EINVALID, "development")
	if v, _ := s.Version(ctx); v != v1 {
		t.Errorf("version moved from %d to %d on refreshes that put nothing", v1, v)
	}
	err = s.RefreshDigest(ctx, 999999, put)
	wantTopicErr(t, err, herald.ENOTFOUND, "not found")
}
