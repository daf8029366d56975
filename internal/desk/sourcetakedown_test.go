package desk_test

import (
	"context"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/storetest"
)

// TestSourceTakedown takes down an outlet of more articles than one
// batch holds, twice, then restores it.
func TestSourceTakedown(t *testing.T) {
	d, store := newDesk(t)
	ctx := context.Background()
	want := 1 + herald.SourceTakedownBatch + 10 // the gazette's wall, and more than a batch
	for i := range want - 1 {
		if _, err := store.AddArticle(ctx, storetest.NewArticle(i, "Gazette")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.TakeDownSource(ctx, moderator, "gazette", "The licence ended."); herald.ErrorCode(err) != herald.EFORBIDDEN {
		t.Errorf("a moderator's source takedown = %v, want EFORBIDDEN", err)
	}
	if _, err := d.TakeDownSource(ctx, editor, "gazette", " "); desk.FieldOf(err) != "reason" {
		t.Errorf("no reason = %v, want an error on the reason field", err)
	}
	audit := func() []string {
		t.Helper()
		list, err := store.FindAudit(ctx, herald.AuditFilter{Kind: "source"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range list {
			actions = append(actions, e.Action)
		}
		return actions
	}

	for i, wantDone := range []int{want, 0} {
		r, err := d.TakeDownSource(ctx, editor, "gazette", "The licence ended.")
		if err != nil || r.Done != wantDone || !r.Source.TakenDown() || !r.Source.Paused() || r.Source.ArticleCount != 0 {
			t.Fatalf("takedown %d = %+v, %v; want %d articles down, the source taken down and paused", i+1, r, err, wantDone)
		}
		if got := audit(); len(got) != 1 || got[0] != "source.takedown" {
			t.Errorf("audit after takedown %d: %v, want one source.takedown", i+1, got)
		}
	}
	if td, err := store.FindTakedown(ctx, "council-approves-harbour-wall"); err != nil || td.Reason != "The licence ended." {
		t.Errorf("the wall's takedown: %+v, %v", td, err)
	}
	if _, err := store.FindArticleBySlug(ctx, "ferry-timetable-changes"); err != nil {
		t.Errorf("another outlet's article went with it: %v", err)
	}
	if _, err := d.PauseSource(ctx, editor, "gazette", false); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("resuming a taken-down source = %v, want ECONFLICT", err)
	}

	r, err := d.RestoreSource(ctx, editor, "gazette")
	if err != nil || r.Done != want || r.Kept != 0 || r.Source.TakenDown() || r.Source.Paused() || r.Source.ArticleCount != want {
		t.Fatalf("restore = %+v, %v; want %d back and the source followed", r, err, want)
	}
	if got := audit(); len(got) != 2 || got[0] != "source.restore" {
		t.Errorf("audit after restore: %v", got)
	}
	if _, err := d.RestoreSource(ctx, editor, "gazette"); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("restoring again = %v, want ECONFLICT", err)
	}
}
