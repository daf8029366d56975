package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// testCorrections records the notes found in articles: each once, with
// the time it was first found, listed newest first in pages, and gone
// with its article.
func testCorrections(t *testing.T, s herald.Store) {
	bg := context.Background()
	clock := fixClock(t, s)
	a, b := NewArticle(1, "Ledger"), NewArticle(2, "Ledger")
	mustAdd(t, s, a)
	mustAdd(t, s, b)
	if err := s.AddCorrections(bg, a.ID+b.ID+100, []string{"Correction: x"}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown article: %v, want ENOTFOUND", err)
	}
	long := "Correction: " + strings.Repeat("é", herald.MaxCorrectionLen)
	if err := s.AddCorrections(bg, a.ID, []string{"Correction: the vote was on Tuesday.", " ", long}); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	before := mustVersion(t, s)
	// Found again with a new one: the old keeps its time.
	if err := s.AddCorrections(bg, a.ID, []string{"Correction: the vote was on Tuesday.", "Clarification: it was a council vote."}); err != nil {
		t.Fatal(err)
	}
	if mustVersion(t, s) == before {
		t.Error("a new correction did not move the version")
	}
	before = mustVersion(t, s)
	if err := s.AddCorrections(bg, a.ID, []string{"Correction: the vote was on Tuesday."}); err != nil {
		t.Fatal(err)
	}
	if mustVersion(t, s) != before {
		t.Error("a note found again moved the version")
	}
	clock.Add(time.Hour)
	if err := s.AddCorrections(bg, b.ID, []string{"Editor's note: names were changed."}); err != nil {
		t.Fatal(err)
	}

	all, next, err := s.FindCorrections(bg, herald.CorrectionFilter{})
	if err != nil || next != "" || len(all) != 4 {
		t.Fatalf("FindCorrections: %d, next %q, %v", len(all), next, err)
	}
	if all[0].Text != "Editor's note: names were changed." || all[0].ArticleSlug != b.Slug || all[0].SourceName != "Ledger" ||
		all[0].ArticleTitle != b.Title || !all[0].FoundAt.Equal(epoch.Add(2*time.Hour)) {
		t.Errorf("newest: %+v", all[0])
	}
	if last := all[3]; !last.FoundAt.Equal(epoch) {
		t.Errorf("a note found again has time %v, want its first, %v", last.FoundAt, epoch)
	}
	for _, c := range all {
		if len(c.Text) > herald.MaxCorrectionLen {
			t.Errorf("a note of %d bytes is kept", len(c.Text))
		}
	}
	page, next, err := s.FindCorrections(bg, herald.CorrectionFilter{Limit: 3})
	if err != nil || len(page) != 3 || next == "" {
		t.Fatalf("first page: %d, next %q, %v", len(page), next, err)
	}
	rest, last, err := s.FindCorrections(bg, herald.CorrectionFilter{Limit: 3, Cursor: next})
	if err != nil || len(rest) != 1 || last != "" || rest[0].Text != all[3].Text {
		t.Errorf("second page: %d, next %q, %v", len(rest), last, err)
	}
	if one, _, err := s.FindCorrections(bg, herald.CorrectionFilter{ArticleID: b.ID}); err != nil || len(one) != 1 {
		t.Errorf("one article's: %d, %v", len(one), err)
	}
	if _, _, err := s.FindCorrections(bg, herald.CorrectionFilter{Cursor: "%%%"}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("bad cursor: %v, want EINVALID", err)
	}
	if err := s.RemoveSource(bg, "ledger", true); err != nil {
		t.Fatal(err)
	}
	if gone, _, err := s.FindCorrections(bg, herald.CorrectionFilter{}); err != nil || len(gone) != 0 {
		t.Errorf("after the articles are deleted: %d, %v", len(gone), err)
	}
}
