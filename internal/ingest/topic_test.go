package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// harbourItem is an article about the harbour wall (or, with about set to
// something else, not), published n hours after a fixed time.
func harbourItem(n int, title, lead string) ingest.Item {
	return ingest.Item{
		URL:         fmt.Sprintf("https://gazette.example/%d", n),
		Title:       title,
		Text:        lead + "\n\nThe council meets again next month to discuss the ferry timetable and parking charges in the town centre.",
		Source:      "Harbour Gazette",
		PublishedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour),
	}
}

func TestTaggedOnArrival(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	topic := &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall"}, Exclude: []string{"football"}}}
	if err := db.AddTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	p := &ingest.Pipeline{Articles: db, Topics: db}
	items := []ingest.Item{
		harbourItem(1, "Council approves harbour wall", "Port Ellery council approved a twelve million pound harbour wall on Tuesday night after a long debate."),
		harbourItem(2, "Ferry strike ends", "The ferry workers of Port Ellery returned to work on Wednesday after a two day strike over pay."),
		harbourItem(3, "Football club backs harbour wall", "The football club said on Thursday that the harbour wall would protect its ground from the sea."),
		harbourItem(4, "Harbour wall gets national grant", "The national flood agency will pay half the cost of the new harbour wall in Port Ellery, it said on Friday."),
	}
	var stored []*herald.Article
	for _, it := range items {
		a, _, err := p.Add(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, a)
	}
	list, _, err := db.FindTopicArticles(ctx, topic.ID, herald.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != stored[3].ID || list[1].ID != stored[0].ID {
		t.Fatalf("topic articles = %v; want the grant and the approval (the football one is excluded)", list)
	}
	d, err := db.FindDigest(ctx, topic.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 2 || !strings.HasPrefix(d[0].Sentence, "The national flood agency") || !strings.HasPrefix(d[1].Sentence, "Port Ellery council approved") {
		t.Fatalf("digest = %v; want the grant, then the approval", texts(d))
	}
	if d[0].ArticleID != stored[3].ID || d[0].Development != ingest.Development(stored[3]) {
		t.Errorf("point cites article %d (%s), want %d", d[0].ArticleID, d[0].Development, stored[3].ID)
	}

	// The same wording from another development is not a new point.
	again := harbourItem(5, "Harbour wall grant confirmed", "The national flood agency will pay half the cost of the new harbour wall in Port Ellery, it said on Saturday.")
	if _, _, err := p.Add(ctx, again); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.FindDigest(ctx, topic.ID, false); len(d) != 2 {
		t.Errorf("digest after a repeat = %v; want it unchanged", texts(d))
	}
}

func TestRetagAfterChange(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db, Topics: db}
	for i, title := range []string{"Council approves harbour wall", "Ferry strike ends", "Sea wall grant", "Harbour wall work starts"} {
		if _, _, err := p.Add(ctx, harbourItem(i, title, "A report from Port Ellery about "+strings.ToLower(title)+" that the council published on Monday morning.")); err != nil {
			t.Fatal(err)
		}
	}
	topic := &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall"}}}
	if err := db.AddTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	var calls []int64
	if err := ingest.Retag(ctx, db, db, topic, func(done, last int64) { calls = append(calls, done, last) }); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindTopicBySlug(ctx, topic.Slug)
	if got.ArticleCount != 2 || got.TaggedThrough != 4 {
		t.Errorf("after retag: %d articles, tagged through %d; want 2 and 4", got.ArticleCount, got.TaggedThrough)
	}
	if len(calls) < 2 || calls[len(calls)-2] != 4 || calls[len(calls)-1] != 4 {
		t.Errorf("progress calls = %v; want to end at 4 of 4", calls)
	}
	if d, _ := db.FindDigest(ctx, topic.ID, false); len(d) != 2 {
		t.Errorf("digest after retag = %v; want one point per tagged article", texts(d))
	}

	topic.Rules.Match = []string{"sea wall", "harbour wall"}
	if err := db.UpdateTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	if err := ingest.RetagPending(ctx, db, db, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindTopicBySlug(ctx, topic.Slug); got.ArticleCount != 3 {
		t.Errorf("after the change: %d articles, want 3", got.ArticleCount)
	}
}

func TestDevelopmentIsTheStory(t *testing.T) {
	if got := ingest.Development(&herald.Article{ID: 42}); got != "article:42" {
		t.Errorf("Development of an article with no story = %q", got)
	}
	if got := ingest.Development(&herald.Article{ID: 42, StoryID: 7}); got != "story:7" {
		t.Errorf("Development of an article in story 7 = %q", got)
	}
}

// TestOnePointPerStory runs the whole pipeline, stories and topics: two
// articles telling one event give the digest one point, from the newer,
// and an article on another event gives another.
func TestOnePointPerStory(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	topic := &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall"}}}
	if err := db.AddTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	p := &ingest.Pipeline{Articles: db, Stories: db, Topics: db}
	vote := "Port Ellery council approved the Kestrel Point harbour wall on Tuesday night by seven votes to two, after Mayor Ingrid Solberg promised the Ellery Fishermen's Association a say in its design."
	items := []ingest.Item{
		harbourItem(1, "Port Ellery council approves Kestrel Point harbour wall", vote),
		harbourItem(2, "Mayor Ingrid Solberg defends Kestrel Point harbour wall vote",
			"Mayor Ingrid Solberg defended the Port Ellery council vote on the Kestrel Point harbour wall on Wednesday, telling the Ellery Fishermen's Association that its design would be shared."),
		harbourItem(30, "Ferry operator sues over harbour wall", "Northsound Ferries sued the county on Friday, saying the harbour wall blocks its berth at Gullhaven quay."),
	}
	var stored []*herald.Article
	for _, it := range items {
		a, _, err := p.Add(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, a)
	}
	if stored[0].StoryID == 0 || stored[0].StoryID != stored[1].StoryID || stored[2].StoryID == stored[0].StoryID {
		t.Fatalf("stories %d, %d, %d; want the first two together and the third apart",
			stored[0].StoryID, stored[1].StoryID, stored[2].StoryID)
	}
	d, err := db.FindDigest(ctx, topic.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 2 {
		t.Fatalf("digest = %q; want one point per story", texts(d))
	}
	if d[1].ArticleID != stored[1].ID || d[1].Development != ingest.Development(stored[1]) {
		t.Errorf("the vote's point cites article %d (%s); want the newer article %d of its story",
			d[1].ArticleID, d[1].Development, stored[1].ID)
	}
}

func texts(ps []*herald.DigestPoint) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text())
	}
	return out
}

func TestImportTags(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	topic := &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall"}}}
	if err := db.AddTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db, Topics: db}}
	input := `{"url":"https://a.example/1","title":"Council approves harbour wall","text":"Port Ellery council approved the harbour wall on Tuesday night after a long and heated debate.","source":"Gazette"}
{"url":"https://a.example/2","title":"Ferry strike ends","text":"Ferry workers returned to work on Wednesday after a two day strike over their pay and hours.","source":"Gazette"}
`
	if _, err := im.Import(ctx, strings.NewReader(input)); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindTopicBySlug(ctx, topic.Slug)
	d, _ := db.FindDigest(ctx, topic.ID, false)
	if got.ArticleCount != 1 || len(d) != 1 || !strings.Contains(d[0].Sentence, "approved the harbour wall") {
		t.Errorf("after import: %d articles, digest %v; want the approval alone", got.ArticleCount, texts(d))
	}
}

// TestPointsChosenWhenTopicsChange checks the article that the preparing
// step passed over, because it matched none of the topics then known,
// still gets its point once a newer list of topics takes it.
func TestPointsChosenWhenTopicsChange(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	wall := &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"harbour wall"}}}
	if err := db.AddTopic(ctx, wall); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	p := &ingest.Pipeline{Articles: db, Topics: db, Now: func() time.Time { return now }}
	if _, _, err := p.Add(ctx, harbourItem(1, "Council approves harbour wall", "Port Ellery council approved a twelve million pound harbour wall on Tuesday night after a long debate.")); err != nil {
		t.Fatal(err)
	}
	ferry := &herald.Topic{Name: "Ferry", Rules: herald.TopicRules{Match: []string{"ferry strike"}}}
	if err := db.AddTopic(ctx, ferry); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute) // the pipeline's list of topics is out of date
	a, _, err := p.Add(ctx, harbourItem(2, "Ferry strike ends", "The ferry workers of Port Ellery returned to work on Wednesday after a two day strike over pay."))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.FindDigest(ctx, ferry.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || d[0].ArticleID != a.ID || !strings.HasPrefix(d[0].Sentence, "The ferry workers") {
		t.Errorf("ferry digest = %v; want the strike's point", texts(d))
	}
}
