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

func TestDevelopmentIsTheArticle(t *testing.T) {
	if got := ingest.Development(&herald.Article{ID: 42}); got != "article:42" {
		t.Errorf("Development = %q", got)
	}
}

func texts(ps []*herald.DigestPoint) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text())
	}
	return out
}
