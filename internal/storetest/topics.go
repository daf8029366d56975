package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

func mustAddTopic(tb testing.TB, s herald.Store, name string, match ...string) *herald.Topic {
	tb.Helper()
	t := &herald.Topic{Name: name, Rules: herald.TopicRules{Match: match}}
	if err := s.AddTopic(context.Background(), t); err != nil {
		tb.Fatalf("AddTopic(%q): %v", name, err)
	}
	return t
}

func wantCode(tb testing.TB, err error, code, message string) {
	tb.Helper()
	if herald.ErrorCode(err) != code || !strings.Contains(herald.ErrorMessage(err), message) {
		tb.Errorf("err = %v, want %s containing %q", err, code, message)
	}
}

func testTopics(t *testing.T, s herald.Store) {
	ctx := context.Background()
	wall := mustAddTopic(t, s, "Harbour  wall", "harbour wall", "sea wall")
	if wall.ID == 0 || wall.Slug != "harbour-wall" || wall.Name != "Harbour wall" || wall.CreatedAt.IsZero() || wall.TaggedThrough != 0 {
		t.Fatalf("after add: %+v", wall)
	}
	got, err := s.FindTopicBySlug(ctx, "harbour-wall")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != wall.ID || got.Name != wall.Name || len(got.Rules.Match) != 2 || got.Rules.Match[1] != "sea wall" ||
		!got.CreatedAt.Equal(wall.CreatedAt) || !got.UpdatedAt.Equal(wall.UpdatedAt) {
		t.Errorf("FindTopicBySlug = %+v, want %+v", got, wall)
	}
	_, err = s.FindTopicBySlug(ctx, "nothing-here")
	wantCode(t, err, herald.ENOTFOUND, "no topic")

	mustAddTopic(t, s, "Ferry strike", "ferry strike")
	err = s.AddTopic(ctx, &herald.Topic{Name: "Harbour wall", Rules: herald.TopicRules{Match: []string{"wall"}}})
	wantCode(t, err, herald.ECONFLICT, `slug "harbour-wall" exists already`)

	list, err := s.FindTopics(ctx)
	if err != nil || len(list) != 2 || list[0].Slug != "ferry-strike" || list[1].Slug != "harbour-wall" {
		t.Fatalf("FindTopics = %v, %v; want the two topics by name", list, err)
	}

	wall.Name, wall.Rules = "Harbour wall works", herald.TopicRules{Match: []string{"harbour wall"}, Exclude: []string{"football"}}
	if err := s.UpdateTopic(ctx, wall); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindTopicBySlug(ctx, "harbour-wall")
	if got.Name != "Harbour wall works" || len(got.Rules.Exclude) != 1 {
		t.Errorf("after update: %+v", got)
	}
	err = s.UpdateTopic(ctx, &herald.Topic{ID: 99999, Name: "Gone", Rules: herald.TopicRules{Match: []string{"gone"}}})
	wantCode(t, err, herald.ENOTFOUND, "not found")
}

func testInvalidTopic(t *testing.T, s herald.Store) {
	ctx := context.Background()
	v0, _ := s.Version(ctx)
	for _, tt := range []struct {
		name  string
		topic herald.Topic
		msg   string
	}{
		{"NoRule", herald.Topic{Name: "Harbour"}, "at least one word or phrase to match"},
		{"BlankRules", herald.Topic{Name: "Harbour", Rules: herald.TopicRules{Match: []string{" ", ""}}}, "at least one word or phrase to match"},
		{"StopWordAlone", herald.Topic{Name: "Everything", Rules: herald.TopicRules{Match: []string{"the"}}}, `match "the" would match almost every article`},
		{"StopWordsOnly", herald.Topic{Name: "Everything", Rules: herald.TopicRules{Match: []string{"harbour", "of the"}}}, `match "of the" would match`},
		{"BadSlug", herald.Topic{Name: "Harbour", Slug: "Harbour Wall!", Rules: herald.TopicRules{Match: []string{"harbour"}}}, `topic slug "Harbour Wall!" is not valid`},
		{"NoName", herald.Topic{Rules: herald.TopicRules{Match: []string{"harbour"}}}, "a topic needs a name"},
		{"NoLetters", herald.Topic{Name: "Harbour", Rules: herald.TopicRules{Match: []string{"!!"}}}, `match "!!" has no letters or digits`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			topic := tt.topic
			err := s.AddTopic(ctx, &topic)
			wantCode(t, err, herald.EINVALID, tt.msg)
		})
	}
	if list, err := s.FindTopics(ctx); err != nil || len(list) != 0 {
		t.Errorf("FindTopics after invalid adds = %v, %v; want none", list, err)
	}
	if v, _ := s.Version(ctx); v != v0 {
		t.Errorf("version moved from %d to %d on refused adds", v0, v)
	}
	// An invalid update changes nothing either.
	ok := mustAddTopic(t, s, "Harbour", "harbour")
	bad := *ok
	bad.Rules = herald.TopicRules{Match: []string{"a"}}
	wantCode(t, s.UpdateTopic(ctx, &bad), herald.EINVALID, "would match almost every article")
	if got, _ := s.FindTopicBySlug(ctx, "harbour"); got.Rules.Match[0] != "harbour" {
		t.Errorf("rules after a refused update = %+v", got.Rules)
	}
}

func testTopicArticles(t *testing.T, s herald.Store) {
	ctx := context.Background()
	wide := mustAddTopic(t, s, "Port Ellery", "port ellery")
	narrow := mustAddTopic(t, s, "Harbour wall", "harbour wall")
	var ids []int64
	for i := 1; i <= 5; i++ {
		a := NewArticle(i, "Outlet")
		mustAdd(t, s, a)
		ids = append(ids, a.ID)
		topics := []int64{wide.ID}
		if i%2 == 1 {
			topics = append(topics, narrow.ID)
		}
		if err := s.SetArticleTopics(ctx, a.ID, topics); err != nil {
			t.Fatal(err)
		}
	}
	// Tagging again replaces, never duplicates.
	if err := s.SetArticleTopics(ctx, ids[0], []int64{wide.ID, narrow.ID, narrow.ID}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetArticleTopics(ctx, 999999, []int64{wide.ID}), herald.ENOTFOUND, "article 999999 not found")

	page, next, err := s.FindTopicArticles(ctx, narrow.ID, herald.ArticleFilter{Limit: 2})
	if err != nil || len(page) != 2 || page[0].ID != ids[4] || page[1].ID != ids[2] || next == "" {
		t.Fatalf("first page = %v, next %q, %v; want articles 5 and 3", page, next, err)
	}
	page, next, err = s.FindTopicArticles(ctx, narrow.ID, herald.ArticleFilter{Limit: 2, Cursor: next})
	if err != nil || len(page) != 1 || page[0].ID != ids[0] || next != "" {
		t.Fatalf("second page = %v, next %q, %v; want article 1 and the end", page, next, err)
	}
	_, _, err = s.FindTopicArticles(ctx, narrow.ID, herald.ArticleFilter{Cursor: "zzz"})
	wantCode(t, err, herald.EINVALID, "cursor")

	of, err := s.FindTopicsOfArticles(ctx, []int64{ids[0], ids[1], 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(of[ids[0]]) != 2 || of[ids[0]][0].ID != narrow.ID || of[ids[0]][0].ArticleCount != 3 || of[ids[0]][1].ArticleCount != 5 {
		t.Errorf("topics of article 1 = %v; want the narrow topic (3 articles) before the wide one (5)", of[ids[0]])
	}
	if len(of[ids[1]]) != 1 || of[ids[1]][0].ID != wide.ID || len(of[999999]) != 0 {
		t.Errorf("topics of article 2 = %v, of an unknown article %v", of[ids[1]], of[999999])
	}
	if err := s.SetArticleTopics(ctx, ids[0], nil); err != nil {
		t.Fatal(err)
	}
	if of, _ := s.FindTopicsOfArticles(ctx, []int64{ids[0]}); len(of[ids[0]]) != 0 {
		t.Errorf("after untagging: %v", of[ids[0]])
	}
}

func testRetagging(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	topic := mustAddTopic(t, s, "Harbour wall", "harbour wall")
	var ids []int64
	for i := 1; i <= 4; i++ {
		a := NewArticle(i, "Outlet")
		mustAdd(t, s, a)
		ids = append(ids, a.ID)
	}
	batch, last, err := s.FindArticlesToTag(ctx, 0, 3)
	if err != nil || len(batch) != 3 || batch[0].ID != ids[0] || batch[2].ID != ids[2] || last != ids[3] {
		t.Fatalf("FindArticlesToTag(0, 3) = %v, last %d, %v", batch, last, err)
	}
	if batch[0].Title == "" || batch[0].Lead == "" || batch[0].Source.Slug != "outlet" {
		t.Errorf("an article to tag lacks its title, lead or source: %+v", batch[0])
	}
	if err := s.TagArticles(ctx, topic.ID, topic.UpdatedAt, []int64{ids[0], ids[2]}, []int64{ids[1]}, ids[2]); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindTopicBySlug(ctx, topic.Slug)
	if got.TaggedThrough != ids[2] || got.ArticleCount != 2 {
		t.Errorf("after a batch: tagged through %d with %d articles, want %d and 2", got.TaggedThrough, got.ArticleCount, ids[2])
	}
	batch, _, _ = s.FindArticlesToTag(ctx, got.TaggedThrough, 3)
	if len(batch) != 1 || batch[0].ID != ids[3] {
		t.Errorf("next batch = %v, want article 4", batch)
	}
	// A batch computed under the old rules is refused once the topic changed.
	old := topic.UpdatedAt
	clock.Add(time.Hour)
	topic.Rules.Match = []string{"sea wall"}
	if err := s.UpdateTopic(ctx, topic); err != nil {
		t.Fatal(err)
	}
	if topic.TaggedThrough != 0 {
		t.Errorf("TaggedThrough after a change = %d, want 0", topic.TaggedThrough)
	}
	wantCode(t, s.TagArticles(ctx, topic.ID, old, []int64{ids[3]}, nil, ids[3]), herald.ECONFLICT, "changed while")
	got, _ = s.FindTopicBySlug(ctx, topic.Slug)
	if got.TaggedThrough != 0 || got.ArticleCount != 2 {
		t.Errorf("a refused batch changed the topic: %+v", got)
	}
	if err := s.TagArticles(ctx, topic.ID, topic.UpdatedAt, nil, []int64{ids[0], ids[2]}, ids[3]); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.FindTopicBySlug(ctx, topic.Slug); got.ArticleCount != 0 || got.TaggedThrough != ids[3] {
		t.Errorf("after re-tagging under new rules: %+v", got)
	}
}

func point(topic, article int64, dev string, at time.Time, sentence string) *herald.DigestPoint {
	return &herald.DigestPoint{TopicID: topic, ArticleID: article, Development: dev, PublishedAt: at, Sentence: sentence}
}

func testDigest(t *testing.T, s herald.Store) {
	ctx := context.Background()
	topic := mustAddTopic(t, s, "Harbour wall", "harbour wall")
	var arts []*herald.Article
	for i := 1; i <= 9; i++ {
		a := NewArticle(i, "Outlet")
		mustAdd(t, s, a)
		arts = append(arts, a)
	}
	v0, _ := s.Version(ctx)
	for i, a := range arts[:8] {
		p := point(topic.ID, a.ID, fmt.Sprintf("article:%d", a.ID), a.PublishedAt, fmt.Sprintf("Development %d happened.", i+1))
		if err := s.PutDigestPoint(ctx, p); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 {
			t.Fatal("PutDigestPoint did not fill the id")
		}
	}
	if v, _ := s.Version(ctx); v <= v0 {
		t.Errorf("version did not move on digest changes")
	}
	d, err := s.FindDigest(ctx, topic.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != herald.DigestMax || d[0].Sentence != "Development 8 happened." || d[5].Sentence != "Development 3 happened." {
		t.Fatalf("digest = %v; want the %d newest, newest first", texts(d), herald.DigestMax)
	}
	if d[0].ArticleSlug != arts[7].Slug || d[0].Source.Name != "Outlet" || d[0].OriginalURL != arts[7].OriginalURL || !d[0].PublishedAt.Equal(arts[7].PublishedAt) {
		t.Errorf("point lacks its article: %+v", d[0])
	}

	// Editors: pin the oldest, reword one, hide the newest.
	oldest, _ := s.FindDigest(ctx, topic.ID, true)
	first := oldest[len(oldest)-1]
	yes, text := true, "  Development 7,   in the editor's words. "
	for _, e := range []struct {
		id int64
		e  herald.DigestEdit
	}{{first.ID, herald.DigestEdit{Pinned: &yes}}, {d[1].ID, herald.DigestEdit{Text: &text}}, {d[0].ID, herald.DigestEdit{Hidden: &yes}}} {
		if err := s.EditDigestPoint(ctx, e.id, e.e); err != nil {
			t.Fatal(err)
		}
	}
	// A refresh of the reworded and the hidden developments keeps the decisions.
	for _, a := range []*herald.Article{arts[6], arts[7]} {
		p := point(topic.ID, a.ID, fmt.Sprintf("article:%d", a.ID), a.PublishedAt, "A refreshed sentence.")
		if err := s.PutDigestPoint(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	d, _ = s.FindDigest(ctx, topic.ID, false)
	want := []string{"Development 1 happened.", "Development 7, in the editor's words.", "Development 6 happened.",
		"Development 5 happened.", "Development 4 happened.", "Development 3 happened."}
	if got := texts(d); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("digest after edits and refresh =\n%q\nwant\n%q", got, want)
	}
	if !d[0].Pinned || d[1].Sentence != "A refreshed sentence." {
		t.Errorf("pinned %v, refreshed sentence %q", d[0].Pinned, d[1].Sentence)
	}
	all, _ := s.FindDigest(ctx, topic.ID, true)
	if len(all) != 8 || !all[1].Hidden {
		t.Errorf("all points = %d (hidden newest: %v), want 8 with the hidden one", len(all), len(all) > 1 && all[1].Hidden)
	}

	// Bad edits change nothing.
	empty := ""
	wantCode(t, s.EditDigestPoint(ctx, 999999, herald.DigestEdit{Text: &text}), herald.ENOTFOUND, "digest point 999999 no longer exists")
	wantCode(t, s.EditDigestPoint(ctx, d[1].ID, herald.DigestEdit{}), herald.EINVALID, "nothing to change")
	long := strings.Repeat("word ", 200)
	wantCode(t, s.EditDigestPoint(ctx, d[1].ID, herald.DigestEdit{Text: &long}), herald.EINVALID, "at most")
	if err := s.EditDigestPoint(ctx, d[1].ID, herald.DigestEdit{Text: &empty}); err != nil {
		t.Fatal(err)
	}
	if d, _ = s.FindDigest(ctx, topic.ID, false); d[1].Text() != "A refreshed sentence." {
		t.Errorf("an empty edit should restore the chosen sentence, got %q", d[1].Text())
	}
	wantCode(t, s.PutDigestPoint(ctx, point(topic.ID, arts[8].ID, "", arts[8].PublishedAt, "x")), herald.EINVALID, "development")
}

func testDigestKeepsFew(t *testing.T, s herald.Store) {
	ctx := context.Background()
	topic := mustAddTopic(t, s, "Harbour wall", "harbour wall")
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	yes := true
	var firstID, oldestID int64
	for i := range herald.DigestKept + 5 {
		p := point(topic.ID, a.ID, fmt.Sprintf("dev:%d", i), a.PublishedAt.Add(time.Duration(i)*time.Minute), fmt.Sprintf("Point %d.", i))
		if err := s.PutDigestPoint(ctx, p); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			oldestID = p.ID
		}
		if i == 1 {
			firstID = p.ID
			if err := s.EditDigestPoint(ctx, p.ID, herald.DigestEdit{Hidden: &yes}); err != nil {
				t.Fatal(err)
			}
		}
	}
	all, _ := s.FindDigest(ctx, topic.ID, true)
	if len(all) != herald.DigestKept+1 {
		t.Errorf("kept %d points, want %d and the hidden one an editor touched", len(all), herald.DigestKept)
	}
	found := false
	for _, p := range all {
		found = found || p.ID == firstID
	}
	if !found {
		t.Error("a point an editor hid was forgotten")
	}
	// The oldest point no editor touched was forgotten; editing it says so.
	wantCode(t, s.EditDigestPoint(ctx, oldestID, herald.DigestEdit{Pinned: &yes}), herald.ENOTFOUND, "no longer exists")
}

func texts(ps []*herald.DigestPoint) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text())
	}
	return out
}
