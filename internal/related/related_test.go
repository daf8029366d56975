package related_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/related"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// add stores an item through the pipeline, then lets its related worker
// empty the queue, as herald serve's does between arrivals.
func add(t *testing.T, p *ingest.Pipeline, n int, source, title, text string) *herald.Article {
	t.Helper()
	a, created, err := p.Add(context.Background(), ingest.Item{
		URL: fmt.Sprintf("https://%s.example/%d", source, n), Title: title, Text: text, Source: source,
		PublishedAt: time.Date(2026, 3, 1, n, 0, 0, 0, time.UTC), Licence: "full",
	})
	if err != nil || !created {
		t.Fatalf("add %d: created=%v err=%v", n, created, err)
	}
	if _, err := p.RelateQueued(context.Background()); err != nil {
		t.Fatalf("related lists after %d: %v", n, err)
	}
	return a
}

func titles(list []*herald.Article) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Title)
	}
	return out
}

func list(t *testing.T, db *sqlite.DB, a *herald.Article) []*herald.Article {
	t.Helper()
	got, err := related.List(context.Background(), db, a)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

const (
	flood1 = "The river burst its banks overnight and flooded the market town; residents were evacuated from the riverside streets by boat."
	flood2 = "Residents of the flooded market town returned to the riverside streets as the river fell, counting the damage the flood left."
	flood3 = "Insurers estimated the cost of the market town flood after the river burst its banks and water filled riverside streets."
	chess  = "The chess champion defended her title in a tie-break after twelve drawn games in the world championship match."
	budget = "The finance minister presented a budget that raises taxes on fuel and cuts spending on roads and railways."
)

func TestListsFollowContent(t *testing.T) {
	db := openStore(t)
	p := &ingest.Pipeline{Articles: db, Related: &related.Recommender{Store: db}, RelatedQueue: db}

	first := add(t, p, 1, "ledger", "River floods market town", flood1)
	if got := list(t, db, first); len(got) != 0 {
		t.Fatalf("the only article has related %q", titles(got))
	}
	chessA := add(t, p, 2, "courier", "Champion keeps chess title", chess)
	// Nothing is close to either, yet neither list is empty.
	if got := list(t, db, first); !slices.Equal(titles(got), []string{chessA.Title}) {
		t.Errorf("first article: related %q, want the other article as a fallback", titles(got))
	}
	second := add(t, p, 3, "gazette", "Flood town counts the damage", flood2)
	add(t, p, 4, "ledger", "Budget raises fuel tax", budget)
	third := add(t, p, 5, "courier", "Insurers count flood cost", flood3)
	// The copy of the first text must never be recommended.
	cp := add(t, p, 6, "wire", "River floods market town", flood1)
	if cp.DuplicateOf != first.ID {
		t.Fatalf("the copy was not joined to the first article: %d", cp.DuplicateOf)
	}

	// The first article's list was refreshed as the later floods arrived.
	got := titles(list(t, db, first))
	if len(got) < 2 || !slices.Contains(got[:2], second.Title) || !slices.Contains(got[:2], third.Title) {
		t.Errorf("first article: related %q, want the two flood articles first", got)
	}
	for _, a := range []*herald.Article{first, second, third} {
		items := list(t, db, a)
		if len(items) == 0 || len(items) > herald.MaxRelated {
			t.Errorf("%s: %d items", a.Title, len(items))
		}
		for i, x := range items {
			if x.ID == a.ID || x.ID == cp.ID || (x.Title == a.Title) {
				t.Errorf("%s lists itself or its copy: %q", a.Title, titles(items))
			}
			if i > 0 && x.Source.ID == items[i-1].Source.ID {
				t.Errorf("%s: outlet %s twice in a row in %q", a.Title, x.Source.Name, titles(items))
			}
		}
	}
}

// stories is a StorySource with fixed answers.
type stories map[int64][]*herald.Article

func (s stories) SameStory(_ context.Context, a *herald.Article) ([]*herald.Article, error) {
	return s[a.ID], nil
}

func TestSameStoryComesFirst(t *testing.T) {
	db := openStore(t)
	p := &ingest.Pipeline{Articles: db}
	a := add(t, p, 1, "ledger", "River floods market town", flood1)
	b := add(t, p, 2, "gazette", "Flood town counts the damage", flood2)
	d := add(t, p, 3, "wire", "Insurers count flood cost", flood3)
	c := add(t, p, 4, "courier", "Budget raises fuel tax", budget)
	r := &related.Recommender{Store: db}
	plain, _, err := r.Compute(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	// The story's article sharing a's words scores 20% more than its
	// closeness: here b is much closer than d, so d stays behind it (a
	// story that joined two events must not put the other event first);
	// the one sharing none (a clustering mistake, likely) comes after
	// what is close in content.
	if want := []string{b.Title, d.Title, c.Title}; !slices.Equal(titles(plain), want) {
		t.Fatalf("without the story: related = %q, want %q", titles(plain), want)
	}
	r.Stories = stories{a.ID: {c, d, a}}
	got, _, err := r.Compute(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{b.Title, d.Title, c.Title}; !slices.Equal(titles(got), want) {
		t.Errorf("related = %q, want %q: the story's close article no lower than its closeness puts it, never the article itself",
			titles(got), want)
	}
	// With a share large enough to cover the gap, it goes first.
	r.Stories = stories{a.ID: {d}}
	r.Params = related.DefaultParams()
	r.Params.StoryShare = 2
	got, _, err = r.Compute(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Title != d.Title {
		t.Errorf("related = %q with a story share of 200%%: want the story's article %q first", titles(got), d.Title)
	}
	r.Params = related.Params{}

	// A story holding a's text under another address and title, which
	// copy detection never saw (stored before fingerprints existed, so
	// without one), never lists it.
	long := strings.Repeat(flood1+" "+flood2+" ", 4)
	own := add(t, p, 4, "ledger", "Floods in pictures", long)
	retold := storetest.NewArticle(5, "Courier")
	retold.Title, retold.Text, retold.HTML = "Market town under water", long+" Pictures: Courier.", "<p>"+long+"</p>"
	if _, err := db.AddArticle(context.Background(), retold); err != nil {
		t.Fatal(err)
	}
	r.Stories = stories{own.ID: {retold, c}}
	got, _, err = r.Compute(context.Background(), own)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(titles(got), retold.Title) {
		t.Errorf("related = %q: lists the story's copy of the article's own text", titles(got))
	}
}

// TestTopicFillsShortLists checks the fallback of an article with nothing
// close to it: the newest articles of its topic come before those of its
// outlet and of others.
func TestTopicFillsShortLists(t *testing.T) {
	for _, withTopics := range []bool{true, false} {
		db := openStore(t)
		ctx := context.Background()
		topic := &herald.Topic{Name: "Board games", Rules: herald.TopicRules{Match: []string{"chess", "draughts"}}}
		if err := db.AddTopic(ctx, topic); err != nil {
			t.Fatal(err)
		}
		r := &related.Recommender{Store: db}
		if withTopics {
			r.Topics = db
		}
		p := &ingest.Pipeline{Articles: db, Topics: db, RelatedQueue: db, Related: r}
		other := add(t, p, 1, "gazette", "Draughts league starts", "Members meet on Tuesdays in the reading room.")
		add(t, p, 2, "ledger", "Budget raises fuel tax", budget)
		add(t, p, 3, "ledger", "Market town floods", flood1)
		a := add(t, p, 4, "ledger", "Champion keeps chess title", chess)
		got := titles(list(t, db, a))
		if first := len(got) > 0 && got[0] == other.Title; first != withTopics {
			t.Errorf("with topics %v: related = %q; want %q first only when topics are used", withTopics, got, other.Title)
		}
	}
}

// TestNewDevelopmentJoinsStoryLists checks that a story's new article is
// put first in the lists of the story's other articles, even when its
// words are far from theirs.
func TestNewDevelopmentJoinsStoryLists(t *testing.T) {
	db := openStore(t)
	p := &ingest.Pipeline{Articles: db}
	a := add(t, p, 1, "ledger", "River floods market town", flood1)
	for n, text := range []string{chess, budget, "The orchestra played its last concert before the hall closes for repairs."} {
		add(t, p, 2+n, "gazette", fmt.Sprintf("Other news %d", n), text)
	}
	r := &related.Recommender{Store: db}
	if err := r.Refresh(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	later := add(t, p, 9, "wire", "Relief fund for the flooded town", "The minister opened a relief fund for the riverside streets of the flooded market town.")
	r.Stories = stories{later.ID: {a}}
	if err := r.Refresh(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	if got := titles(list(t, db, a)); len(got) == 0 || got[0] != later.Title {
		t.Errorf("related of the story's first article = %q; want its new development %q first", got, later.Title)
	}
}
