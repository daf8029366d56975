package storetest

import (
	"context"
	"path"
	"slices"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

// The upgrade fixture is a database built as the oldest one Herald still
// opens grew: each migration applied in turn and, right after it, rows
// written into the tables it made, with the SQL of that time. Each store's
// upgrade test writes the rows in its dialect (internal/sqlite and
// internal/postgres, upgrade_test.go) and CheckUpgraded finds every one
// through the API once the store has migrated to the newest schema.
//
// Each new migration that makes a table adds its rows to this fixture: its
// SQL in both upgrade tests, and its check in upgradeChecks.

// UpgradeTime is the time of every row of the fixture.
var UpgradeTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// UpgradeHash is the fixture's one picture.
const UpgradeHash = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

// upgradeChecks find the rows written after each migration, by the
// migration's file name.
var upgradeChecks = map[string]func(t *testing.T, s herald.Store){
	"0001_articles.sql": func(t *testing.T, s herald.Store) {
		a := mustFindSlug(t, s, "quay-wall-holds")
		if a.Title != "Quay wall holds" || a.Byline != "By Ann Reed" || a.Source.Name != "Harbour Gazette" ||
			!a.PublishedAt.Equal(UpgradeTime) || a.Text != "The quay wall held through the storm." {
			t.Errorf("article of 0001 = %+v", a)
		}
		mustFindSlug(t, s, "ferry-resumes")
		if got, _ := mustSearch(t, s, "ferry", herald.SearchFilter{}); !slices.Equal(got, []int64{3}) {
			t.Errorf("search for the article of 0001 = %v, want [3]", got)
		}
		if v, err := s.Version(context.Background()); err != nil || v < 1 {
			t.Errorf("Version = %d, %v; want the change of 0001", v, err)
		}
	},
	"0002_followed_sources.sql": func(t *testing.T, s herald.Store) {
		src := mustFindSource(t, s, "kestrel-times")
		if src.FeedURL != "https://kestrel.example/feed.xml" || !src.Following() {
			t.Errorf("source of 0002 = %+v", src)
		}
		seen, err := s.SeenItems(context.Background(), src.ID, []string{"kestrel-1"})
		if err != nil || !seen["kestrel-1"] {
			t.Errorf("SeenItems = %v, %v; want the item of 0002", seen, err)
		}
	},
	"0003_copies.sql": func(t *testing.T, s herald.Store) {
		if got := copyIDs(mustFind(t, s, 1).Copies); !slices.Equal(got, []int64{1, 2}) {
			t.Errorf("copies of article 1 = %v, want [1 2]", got)
		}
	},
	"0004_stories.sql": func(t *testing.T, s herald.Store) {
		story, list := mustStory(t, s, 1)
		if story.Lead == nil || story.Lead.ID != 1 || len(list) != 1 || list[0].ID != 1 {
			t.Errorf("story of 0004 = %+v, %d articles", story, len(list))
		}
	},
	"0005_comments.sql": func(t *testing.T, s herald.Store) {
		ctx := context.Background()
		u, err := s.FindUserByEmail(ctx, "editor@harbour.example")
		if err != nil || u.Role != herald.RoleEditor {
			t.Errorf("user of 0005 = %+v, %v", u, err)
		}
		c, err := s.FindCommentByID(ctx, 1)
		if err != nil || c.Text != "Glad the wall held." || c.Status != herald.CommentApproved {
			t.Errorf("comment of 0005 = %+v, %v", c, err)
		}
		if acts, err := s.FindCommentActions(ctx, 1); err != nil || len(acts) != 1 {
			t.Errorf("comment actions of 0005 = %v, %v", acts, err)
		}
		if counts, err := s.ClassifierCounts(ctx, []string{"wall"}); err != nil || counts.Tokens["wall"][0] != 1 || counts.HamDocs != 1 {
			t.Errorf("classifier of 0005 = %+v, %v", counts, err)
		}
	},
	"0005_comments_closing.sql": func(t *testing.T, s herald.Store) {
		at, err := s.FindCommentsClose(context.Background(), 1)
		if err != nil || !at.Equal(UpgradeTime.Add(time.Hour)) {
			t.Errorf("comments close of 0005 = %v, %v", at, err)
		}
	},
	"0006_search.sql": func(t *testing.T, s herald.Store) {
		items, err := s.FindRelatedItems(context.Background(), 1)
		if err != nil || len(items) != 1 || items[0].ID != 3 {
			t.Errorf("related list of 0006 = %+v, %v", items, err)
		}
	},
	"0007_topics.sql": func(t *testing.T, s herald.Store) {
		ctx := context.Background()
		topic, err := s.FindTopicBySlug(ctx, "harbour")
		if err != nil || topic.Name != "Harbour" {
			t.Fatalf("topic of 0007 = %+v, %v", topic, err)
		}
		list, _, err := s.FindTopicArticles(ctx, topic.ID, herald.ArticleFilter{})
		if err != nil || !slices.Equal(articleIDs(list), []int64{1}) {
			t.Errorf("topic articles of 0007 = %v, %v", articleIDs(list), err)
		}
		points, err := s.FindDigest(ctx, topic.ID, true)
		if err != nil || len(points) != 1 || points[0].Sentence != "The quay wall held." {
			t.Errorf("digest of 0007 = %v, %v", points, err)
		}
	},
	"0013_related_queue.sql": func(t *testing.T, s herald.Store) {
		// The migration queued the shown article without a list.
		list, err := s.ClaimRelatedWork(context.Background(), 10, time.Minute)
		if err != nil || !slices.Equal(articleIDs(list), []int64{3}) {
			t.Errorf("related work after 0013 = %v, %v; want [3]", articleIDs(list), err)
		}
	},
	"0017_media.sql": func(t *testing.T, s herald.Store) {
		ctx := context.Background()
		images, err := s.FindArticleImages(ctx, []int64{1})
		if err != nil || len(images[1]) != 1 || images[1][0].Alt != "The quay" || images[1][0].Hash != UpgradeHash {
			t.Errorf("pictures of 0017 = %+v, %v", images, err)
		}
		v, err := s.FindMediaVariant(ctx, UpgradeHash, 400, false)
		if err != nil || string(v.Data) != "\xff\xd8\xff" {
			t.Errorf("variant of 0017 = %v, %v", v, err)
		}
	},
	"0019_desk.sql": func(t *testing.T, s herald.Store) {
		ctx := context.Background()
		log := mustAudit(t, s, herald.AuditFilter{})
		if len(log) != 1 || log[0].Action != "source.add" || log[0].Subject != "kestrel-times" {
			t.Errorf("audit log of 0019 = %v", auditActions(log))
		}
		if inv, err := s.FindInvitation(ctx, "invitation-hash"); err != nil || inv.Email != "new@harbour.example" {
			t.Errorf("invitation of 0019 = %+v, %v", inv, err)
		}
		if td, err := s.FindTakedown(ctx, "old-story"); err != nil || td.Reason != "Legal request." {
			t.Errorf("takedown of 0019 = %+v, %v", td, err)
		}
	},
	"0020_article_originals.sql": func(t *testing.T, s herald.Store) {
		o, err := s.FindArticleOriginal(context.Background(), 3)
		if err != nil || o.Title != "Ferry back" {
			t.Errorf("original of 0020 = %+v, %v", o, err)
		}
	},
	"0022_revisions.sql": func(t *testing.T, s herald.Store) {
		list, err := s.FindRevisions(context.Background(), 3)
		if err != nil || len(list) != 2 || list[0].Title != "Ferry stops" || list[0].Text != UpgradeOldText ||
			list[1].Text != "The ferry to Kestrel resumed on Monday." {
			t.Errorf("revisions of 0022 = %+v, %v", list, err)
		}
		if a := mustFind(t, s, 3); a.Revisions != 2 || a.UpdatedAt.IsZero() {
			t.Errorf("article of 0022: %d versions, updated %v", a.Revisions, a.UpdatedAt)
		}
	},
	"0023_corrections.sql": func(t *testing.T, s herald.Store) {
		list, _, err := s.FindCorrections(context.Background(), herald.CorrectionFilter{ArticleID: 3})
		if err != nil || len(list) != 1 || list[0].Text != "Correction: the ferry runs on Mondays." {
			t.Errorf("corrections of 0023 = %+v, %v", list, err)
		}
	},
	"0024_source_takedowns.sql": func(t *testing.T, s herald.Store) {
		ctx := context.Background()
		src := mustFindSource(t, s, "osprey-post")
		if !src.TakenDown() || src.TakedownReason != "The licence ended." || !src.Paused() {
			t.Errorf("source of 0024 = %+v", src)
		}
		if td, err := s.FindTakedown(ctx, "osprey-story"); err != nil || td.SourceID != src.ID || !td.Restorable() {
			t.Errorf("source's takedown of 0024 = %+v, %v", td, err)
		}
		td, err := s.FindTakedown(ctx, "purged-story")
		if err != nil || td.Restorable() || !td.PurgedAt.Equal(UpgradeTime) {
			t.Errorf("purged takedown of 0024 = %+v, %v", td, err)
		}
		if _, err := s.RestoreArticle(ctx, "purged-story"); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("RestoreArticle of a purged takedown = %v, want ECONFLICT", err)
		}
		kestrel := mustFindSource(t, s, "kestrel-times")
		got, err := s.ChangedItems(ctx, kestrel.ID, map[string]time.Time{"kestrel-1": UpgradeTime.Add(time.Minute)})
		if err != nil || !slices.Equal(got, []int64{3}) {
			t.Errorf("ChangedItems after 0024 = %v, %v; want [3]", got, err)
		}
	},
}

// The version article 3 had before the one the fixture shows.
const (
	UpgradeOldHTML = "<p>The ferry to Kestrel stopped.</p>"
	UpgradeOldText = "The ferry to Kestrel stopped."
)

// UpgradeOldBody is that version as the revisions table keeps it.
func UpgradeOldBody() []byte {
	return store.PackVersion(store.Version(UpgradeOldHTML, UpgradeOldText),
		store.Version("<p>The ferry to Kestrel resumed on Monday.</p>", "The ferry to Kestrel resumed on Monday."))
}

// CheckUpgraded finds through the API the fixture's rows written after
// each of the migrations applied (their paths or names), in a store opened
// on the fixture.
func CheckUpgraded(t *testing.T, s herald.Store, applied []string) {
	t.Helper()
	for _, name := range applied {
		if check := upgradeChecks[path.Base(name)]; check != nil {
			t.Run(path.Base(name), func(t *testing.T) { check(t, s) })
		}
	}
}

func mustFindSlug(tb testing.TB, s herald.Store, slug string) *herald.Article {
	tb.Helper()
	a, err := s.FindArticleBySlug(context.Background(), slug)
	if err != nil {
		tb.Fatalf("FindArticleBySlug(%s): %v", slug, err)
	}
	return a
}
