package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// The checks of everything from an outlet taken down at once, of the
// retention period after which a takedown can no longer be undone, and
// of feed items whose update time moves (issue 22).

// takeDownAll calls TakeDownSource with batches of limit until nothing is
// left, and returns how many calls it took and how many articles went.
func takeDownAll(tb testing.TB, s herald.Store, ctx context.Context, slug, reason string, limit int) (calls, done int) {
	tb.Helper()
	for {
		st, err := s.TakeDownSource(ctx, slug, reason, limit)
		if err != nil {
			tb.Fatalf("TakeDownSource(%q): %v", slug, err)
		}
		calls, done = calls+1, done+st.Done
		if st.Left == 0 {
			return calls, done
		}
		if st.Done == 0 {
			tb.Fatalf("TakeDownSource(%q) did nothing with %d left", slug, st.Left)
		}
	}
}

func testSourceTakedown(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	bg := context.Background()
	src, other := NewFollowedSource(1), NewFollowedSource(2)
	mustAddSource(t, s, src)
	mustAddSource(t, s, other)
	var arts []*herald.Article
	for i := range 5 {
		a := newItem(i+1, src, fmt.Sprintf("guid-%d", i))
		mustAdd(t, s, a)
		arts = append(arts, a)
	}
	kept := newItem(10, other, "other-1")
	mustAdd(t, s, kept)
	// An article an editor took down on its own stays down, with its
	// reason, through the source's takedown and its restore.
	alone := arts[4]
	if _, err := s.TakeDownArticle(bg, alone.Slug, herald.StatusTakenDown, "Legal request"); err != nil {
		t.Fatal(err)
	}

	ctx, _ := audited("ed@example.com", "source.takedown", "")
	st, err := s.TakeDownSource(ctx, src.Slug, "The licence ended.", 2)
	if err != nil {
		t.Fatalf("TakeDownSource: %v", err)
	}
	if st.Done != 2 || st.Left != 2 || !st.Source.TakenDown() || !st.Source.Paused() ||
		st.Source.TakedownReason != "The licence ended." {
		t.Fatalf("first batch = %+v, source %+v; want 2 done, 2 left, source taken down and paused", st, st.Source)
	}
	if got := mustAudit(t, s, herald.AuditFilter{}); len(got) != 1 || got[0].Action != "source.takedown" {
		t.Errorf("audit after the first batch: %v, want one source.takedown", auditActions(got))
	}
	// A crash here leaves the rest published; an article stored
	// meanwhile (a fetch under way) is taken down by the call that
	// finishes it.
	late := newItem(6, src, "guid-late")
	mustAdd(t, s, late)
	clock.Add(time.Minute)
	if calls, done := takeDownAll(t, s, ctx, src.Slug, "The licence ended.", 2); calls != 2 || done != 3 {
		t.Errorf("finishing: %d calls took down %d; want 2 calls, 3 articles", calls, done)
	}
	for _, a := range append(arts[:4:4], late) {
		_, err := s.FindArticleByID(bg, a.ID)
		wantCode(t, "FindArticleByID of a taken-down source's article", err, herald.ENOTFOUND)
		td, err := s.FindTakedown(bg, a.Slug)
		if err != nil || td.SourceID != src.ID || td.Reason != "The licence ended." || td.Status != herald.StatusTakenDown {
			t.Errorf("takedown of %s = %+v, %v", a.Slug, td, err)
		}
	}
	if td, err := s.FindTakedown(bg, alone.Slug); err != nil || td.SourceID != 0 || td.Reason != "Legal request" {
		t.Errorf("the article taken down alone: %+v, %v", td, err)
	}
	if got := articleIDs(mustList(t, s, herald.ArticleFilter{})); !slices.Equal(got, []int64{kept.ID}) {
		t.Errorf("FindArticles = %v, want only the other outlet's %d", got, kept.ID)
	}
	clock.Add(24 * time.Hour)
	if claimed := mustClaim(t, s, "node", 10); slices.Contains(ids(claimed), src.ID) {
		t.Errorf("a taken-down source was claimed for a fetch")
	}

	// Twice changes nothing more: no article, no audit entry.
	before := mustVersion(t, s)
	if st, err := s.TakeDownSource(ctx, src.Slug, "The licence ended.", 0); err != nil || st.Done != 0 || st.Left != 0 {
		t.Errorf("second TakeDownSource = %+v, %v", st, err)
	}
	if got := mustAudit(t, s, herald.AuditFilter{}); len(got) != 1 || mustVersion(t, s) != before {
		t.Errorf("second TakeDownSource wrote %v, or moved the version", auditActions(got))
	}
	_, err = s.TakeDownSource(bg, "no-such-source", "x", 0)
	wantCode(t, "TakeDownSource(unknown)", err, herald.ENOTFOUND)
	_, err = s.TakeDownSource(bg, src.Slug, " ", 0)
	wantCode(t, "TakeDownSource(no reason)", err, herald.EINVALID)

	// Restore: an article whose address another took meanwhile stays
	// down, on its own; the others come back, and the source is followed
	// again once the last is back.
	taken := NewArticle(3, "Somebody Else")
	taken.OriginalURL = arts[2].OriginalURL
	mustAdd(t, s, taken)
	rctx, _ := audited("ed@example.com", "source.restore", "")
	var done, keptDown, calls int
	for {
		st, err := s.RestoreSource(rctx, src.Slug, 2)
		if err != nil {
			t.Fatalf("RestoreSource: %v", err)
		}
		calls, done, keptDown = calls+1, done+st.Done, keptDown+st.Kept
		if st.Left == 0 {
			if st.Source.TakenDown() || st.Source.Paused() || st.Source.TakedownReason != "" {
				t.Errorf("source after restore = %+v", st.Source)
			}
			break
		}
		if st.Source.TakenDown() != true {
			t.Errorf("source no longer taken down with %d left", st.Left)
		}
	}
	if calls != 3 || done != 4 || keptDown != 1 {
		t.Errorf("restore: %d calls, %d back, %d kept; want 3, 4, 1", calls, done, keptDown)
	}
	if got := mustAudit(t, s, herald.AuditFilter{}); len(got) != 2 || got[0].Action != "source.restore" {
		t.Errorf("audit after restore: %v, want source.restore on top of source.takedown", auditActions(got))
	}
	for _, a := range []*herald.Article{arts[0], arts[1], arts[3], late} {
		if got, err := s.FindArticleByID(bg, a.ID); err != nil || got.Slug != a.Slug {
			t.Errorf("restored %s: %+v, %v", a.Slug, got, err)
		}
	}
	if td, err := s.FindTakedown(bg, arts[2].Slug); err != nil || td.SourceID != 0 {
		t.Errorf("the article whose address was taken: %+v, %v; want a takedown of its own", td, err)
	}
	if _, err := s.FindTakedown(bg, alone.Slug); err != nil {
		t.Errorf("the article taken down alone was restored with its source: %v", err)
	}
	if claimed := mustClaim(t, s, "node", 10); !slices.Contains(ids(claimed), src.ID) {
		t.Errorf("the restored source is not due: claimed %v", ids(claimed))
	}
	_, err = s.RestoreSource(bg, src.Slug, 0)
	wantCode(t, "RestoreSource(not taken down)", err, herald.ENOTFOUND)
}

// testSourceTakedownKeepsPause takes down a source an editor had paused:
// restoring it leaves it paused.
func testSourceTakedownKeepsPause(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	mustAdd(t, s, newItem(1, src, "guid-1"))
	if _, err := s.UpdateSource(ctx, src.Slug, herald.SourceUpdate{Paused: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	takeDownAll(t, s, ctx, src.Slug, "The licence ended.", 0)
	st, err := s.RestoreSource(ctx, src.Slug, 0)
	if err != nil || st.Done != 1 || st.Left != 0 || !st.Source.Paused() || !st.Source.PausedAt.Equal(epoch) {
		t.Errorf("RestoreSource = %+v, %v; want 1 back and the source paused since %v", st, err, epoch)
	}
}

func testPurgeTakedowns(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	old, recent := NewArticle(1, "Ledger"), NewArticle(2, "Ledger")
	mustAdd(t, s, old)
	mustAdd(t, s, recent)
	if _, err := s.TakeDownArticle(ctx, old.Slug, herald.StatusTakenDown, "Legal request"); err != nil {
		t.Fatal(err)
	}
	clock.Add(31 * 24 * time.Hour)
	if _, err := s.TakeDownArticle(ctx, recent.Slug, herald.StatusWithdrawn, "Withdrawn"); err != nil {
		t.Fatal(err)
	}
	n, err := s.PurgeTakedowns(ctx, clock.Now().Add(-herald.DefaultTakedownRetention))
	if err != nil || n != 1 {
		t.Fatalf("PurgeTakedowns = %d, %v; want 1", n, err)
	}
	if n, err := s.PurgeTakedowns(ctx, clock.Now().Add(-herald.DefaultTakedownRetention)); err != nil || n != 0 {
		t.Errorf("second PurgeTakedowns = %d, %v; want 0", n, err)
	}
	// The page keeps answering 410 with what it said.
	td, err := s.FindTakedown(ctx, old.Slug)
	if err != nil || td.Reason != "Legal request" || td.Title != old.Title || td.SourceName != "Ledger" ||
		!td.At.Equal(epoch) || !td.PurgedAt.Equal(clock.Now()) || td.Restorable() {
		t.Errorf("purged takedown = %+v, %v", td, err)
	}
	_, err = s.RestoreArticle(ctx, old.Slug)
	wantCode(t, "RestoreArticle(purged)", err, herald.ECONFLICT)
	if msg := herald.ErrorMessage(err); !strings.Contains(msg, "retention period") || !strings.Contains(msg, "can no longer be restored") {
		t.Errorf("RestoreArticle(purged) says %q; want why it cannot", msg)
	}
	if _, err := s.FindTakedown(ctx, old.Slug); err != nil {
		t.Errorf("a refused restore dropped the takedown: %v", err)
	}
	if got, err := s.RestoreArticle(ctx, recent.Slug); err != nil || got.ID != recent.ID {
		t.Errorf("RestoreArticle(within retention) = %+v, %v", got, err)
	}
	// Taken down again, it keeps no snapshot from before.
	if _, err := s.TakeDownArticle(ctx, old.Slug, herald.StatusTakenDown, "Still a legal request"); err != nil {
		t.Errorf("TakeDownArticle of a purged takedown = %v", err)
	}
}

func testChangedItems(t *testing.T, s herald.Store) {
	ctx := context.Background()
	src, other := NewFollowedSource(1), NewFollowedSource(2)
	mustAddSource(t, s, src)
	mustAddSource(t, s, other)
	a, b := newItem(1, src, "guid-a"), newItem(2, src, "guid-b")
	mustAdd(t, s, a)
	mustAdd(t, s, b)
	t0 := epoch.Add(time.Hour)
	for _, c := range []struct {
		name    string
		source  int64
		updated map[string]time.Time
		want    []int64
	}{
		{"FirstTimesAreNoChange", src.ID, map[string]time.Time{"guid-a": t0, "guid-b": t0, "unknown": t0}, nil},
		{"SameTimes", src.ID, map[string]time.Time{"guid-a": t0, "guid-b": t0}, nil},
		{"OlderTime", src.ID, map[string]time.Time{"guid-a": t0.Add(-time.Minute)}, nil},
		{"ZeroTime", src.ID, map[string]time.Time{"guid-a": {}}, nil},
		{"OneMoves", src.ID, map[string]time.Time{"guid-a": t0.Add(time.Minute), "guid-b": t0}, []int64{a.ID}},
		{"MovedTimeRecorded", src.ID, map[string]time.Time{"guid-a": t0.Add(time.Minute)}, nil},
		{"AnotherSource", other.ID, map[string]time.Time{"guid-a": t0.Add(time.Hour)}, nil},
		{"BothMove", src.ID, map[string]time.Time{"guid-a": t0.Add(time.Hour), "guid-b": t0.Add(time.Hour)}, []int64{a.ID, b.ID}},
		{"NoKeys", src.ID, nil, nil},
	} {
		got, err := s.ChangedItems(ctx, c.source, c.updated)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: ChangedItems = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	// An item whose article was taken down changes nothing.
	if _, err := s.TakeDownArticle(ctx, b.Slug, herald.StatusTakenDown, "Legal request"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ChangedItems(ctx, src.ID, map[string]time.Time{"guid-b": t0.Add(2 * time.Hour)}); err != nil || len(got) != 0 {
		t.Errorf("taken-down article's item: ChangedItems = %v, %v; want none", got, err)
	}
}
