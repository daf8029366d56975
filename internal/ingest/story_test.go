package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/demo"
	"github.com/herald-news/herald/internal/ingest"
)

// demoEvents imports the demo world through the real pipeline into db and
// returns each article's event label, by URL.
func importDemo(t *testing.T, pipe *ingest.Pipeline) map[string]string {
	t.Helper()
	world, err := demo.JSONL(time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := (&ingest.Importer{Pipeline: pipe}).Import(context.Background(), bytes.NewReader(world))
	if err != nil || prog.Rejected != 0 {
		t.Fatalf("import demo: %+v, %v", prog, err)
	}
	events := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(world))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var l struct{ URL, Story string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		events[l.URL] = l.Story
	}
	return events
}

// demoFloorRecall is the least B-cubed recall the demo world must keep:
// what DefaultParams reach on it, slightly rounded down. The world's
// stories develop over days, with articles one to three days apart. When
// a story of one article stayed open for two days only (Params.OpenBase)
// the follow-ups started stories of their own: 38 stories for 16 events,
// recall 0.62. Now 27 stories, recall 0.76; what still splits are
// follow-ups that the time decay takes below the threshold. Precision
// must be 1.
const demoFloorRecall = 0.75

// TestDemoStories runs the demo world, ten developing stories told by
// several outlets and six one-off articles, through the pipeline on a
// real SQLite store and scores the stories against its labels: no story
// may mix two events (a false merge is worse than a missed one), and
// B-cubed recall must keep its floor.
func TestDemoStories(t *testing.T) {
	db := mustOpen(t)
	events := importDemo(t, &ingest.Pipeline{Articles: db, Stories: db})
	p, r, stories := scoreStories(t, db, events)
	t.Logf("demo world: %d articles, %d events, %d stories; B-cubed precision %.3f recall %.3f",
		len(events), countEvents(events), stories, p, r)
	if p != 1 {
		t.Errorf("B-cubed precision %.3f: a story mixes events", p)
	}
	if r < demoFloorRecall {
		t.Errorf("B-cubed recall %.3f below its floor %.2f", r, demoFloorRecall)
	}
	// The store's list agrees with the articles.
	list, _, err := db.FindStories(context.Background(), herald.StoryFilter{Limit: herald.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != stories {
		t.Errorf("FindStories lists %d stories, articles are in %d", len(list), stories)
	}
	several := 0
	for _, s := range list {
		if s.Lead == nil || s.Lead.StoryID != s.ID || len(s.Outlets) == 0 {
			t.Errorf("story %d: lead %v, outlets %d", s.ID, s.Lead, len(s.Outlets))
		}
		if len(s.Outlets) > 1 {
			several++
		}
	}
	if several < 5 {
		t.Errorf("%d stories carried by several outlets, want at least 5", several)
	}
}

// scoreStories reads each article's story from db and scores them
// against the event labels with B-cubed precision and recall (over the
// texts: a copy counts as its shown article). It fails on an article
// without a story.
func scoreStories(t *testing.T, db herald.Store, events map[string]string) (p, r float64, stories int) {
	t.Helper()
	type pair struct {
		story int64
		event string
	}
	both, perStory, perEvent := map[pair]int{}, map[int64]int{}, map[string]int{}
	var arts []pair
	for url, event := range events {
		list, _, err := db.FindArticles(context.Background(), herald.ArticleFilter{OriginalURL: url})
		if err != nil || len(list) != 1 {
			t.Fatalf("find %s: %v (%d found)", url, err, len(list))
		}
		if list[0].StoryID == 0 {
			t.Fatalf("%s was not placed in a story", url)
		}
		k := pair{list[0].StoryID, event}
		arts = append(arts, k)
		both[k]++
		perStory[k.story]++
		perEvent[event]++
	}
	for _, k := range arts {
		p += float64(both[k]) / float64(perStory[k.story])
		r += float64(both[k]) / float64(perEvent[k.event])
	}
	return p / float64(len(arts)), r / float64(len(arts)), len(perStory)
}

func countEvents(events map[string]string) int {
	seen := map[string]bool{}
	for _, e := range events {
		seen[e] = true
	}
	return len(seen)
}

// TestPlaceUnplaced stores articles without placing them, as a process
// stopped between the two transactions would leave them, and checks that
// the repair pass places them as the pipeline would have.
func TestPlaceUnplaced(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	events := importDemo(t, &ingest.Pipeline{Articles: db}) // no story step
	if list, err := db.FindUnplacedArticles(ctx, 5); err != nil || len(list) == 0 {
		t.Fatalf("unplaced after an import without stories: %d, %v", len(list), err)
	}
	pipe := &ingest.Pipeline{Articles: db, Stories: db}
	n, err := pipe.PlaceUnplaced(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(events) {
		t.Errorf("placed %d, want all %d articles", n, len(events))
	}
	if list, err := db.FindUnplacedArticles(ctx, 5); err != nil || len(list) != 0 {
		t.Errorf("still unplaced after the repair pass: %d, %v", len(list), err)
	}
	// The repair pass places in publication order, as the import would
	// have: the stories score as the pipeline's do (TestDemoStories).
	p, r, _ := scoreStories(t, db, events)
	if p != 1 || r < demoFloorRecall {
		t.Errorf("repair pass: B-cubed precision %.3f recall %.3f; want 1 and at least %.2f", p, r, demoFloorRecall)
	}
	if n, err := pipe.PlaceUnplaced(ctx); err != nil || n != 0 {
		t.Errorf("second repair pass placed %d (%v), want 0", n, err)
	}
}

// TestConcurrentArticlesOfOneEvent adds articles of one new event from
// several goroutines at once: they must make one story, not one each.
func TestConcurrentArticlesOfOneEvent(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	pipe := &ingest.Pipeline{Articles: db, Stories: db}
	// Background: other news, so that the event's words are rare.
	for i := range 5 {
		it := ingest.Item{
			URL: fmt.Sprintf("https://bg.example/%d", i), Title: fmt.Sprintf("Council budget vote number %d", i),
			Text:   fmt.Sprintf("The council voted on budget item %d, covering parks and libraries in the district.", i),
			Source: "Background News", PublishedAt: time.Date(2026, 3, 1, i, 0, 0, 0, time.UTC),
		}
		if _, _, err := pipe.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	outlets := []string{"Harbour Gazette", "Coast Daily", "Valley Times", "Northern Star"}
	var wg sync.WaitGroup
	ids := make([]int64, len(outlets))
	for i, o := range outlets {
		wg.Go(func() {
			it := ingest.Item{
				URL:    fmt.Sprintf("https://%d.example/quake", i),
				Title:  fmt.Sprintf("Magnitude 6.1 earthquake strikes Port Ellery, %s reports", o),
				Text:   fmt.Sprintf("A magnitude 6.1 earthquake struck Port Ellery early on Sunday, damaging the harbour wall and the Ellery Bridge, %s has learned. Rescue crews from Kestrel County searched collapsed buildings near the harbour.", o),
				Source: o, PublishedAt: time.Date(2026, 3, 2, 6, i, 0, 0, time.UTC),
			}
			a, _, err := pipe.Add(ctx, it)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = a.ID
		})
	}
	wg.Wait()
	stories := map[int64]bool{}
	for _, id := range ids {
		a, err := db.FindArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		stories[a.StoryID] = true
	}
	if len(stories) != 1 {
		t.Errorf("%d articles of one event added at once made stories %v, want one", len(ids), stories)
	}
}

// TestRelatedWorkWaitsForTheStory checks that the related worker cannot
// take a new article before the pipeline has placed it in its story: a
// list computed earlier would miss the story's other developments.
func TestRelatedWorkWaitsForTheStory(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	pipe := &ingest.Pipeline{Articles: db, Stories: db, RelatedQueue: db}
	// Added by the store alone, as the pipeline's first step does: held.
	held := &herald.Article{OriginalURL: "https://a.example/held", Title: "Held", Text: "Body.", HTML: "<p>Body.</p>",
		Lead: "Body.", Licence: herald.LicenceFull, PublishedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Source: &herald.Source{Name: "Outlet"}}
	if _, err := db.AddArticle(ctx, held); err != nil {
		t.Fatal(err)
	}
	a, _, err := pipe.Add(ctx, ingest.Item{URL: "https://a.example/placed", Title: "Harbour wall approved",
		Text: "The council approved the harbour wall.", Source: "Outlet", PublishedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := db.ClaimRelatedWork(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 1 || claimed[0].ID != a.ID || claimed[0].StoryID == 0 {
		var ids []int64
		for _, c := range claimed {
			ids = append(ids, c.ID)
		}
		t.Errorf("claimed %v; want only %d, placed in its story (the article the pipeline never finished stays held)", ids, a.ID)
	}
}
