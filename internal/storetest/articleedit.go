package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/herald-news/herald"
)

// testArticleEdit changes an article's shown title and excerpt: lists,
// search and the page follow, the original is kept from the first edit,
// and a bad edit writes nothing.
func testArticleEdit(t *testing.T, s herald.Store) {
	bg := context.Background()
	a := newText(1, "Ledger", "Harbour wall approved", "The council approved the harbour wall on Monday after a long debate.")
	mustAdd(t, s, a)
	if _, err := s.FindArticleOriginal(bg, a.ID); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("original of an article never edited: %v, want ENOTFOUND", err)
	}
	for name, e := range map[string]herald.ArticleEdit{
		"Nothing":   {},
		"NoTitle":   {Title: ptr("  ")},
		"TwoLines":  {Title: ptr("One\nTwo")},
		"LongTitle": {Title: ptr(strings.Repeat("x", herald.MaxTitleLen+1))},
		"LongLead":  {Excerpt: ptr(strings.Repeat("x", herald.MaxExcerptLen+1))},
	} {
		if _, err := s.EditArticle(bg, a.Slug, e); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if _, err := s.EditArticle(bg, "no-such-article", herald.ArticleEdit{Title: ptr("x")}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown slug: %v, want ENOTFOUND", err)
	}

	before := mustVersion(t, s)
	ctx, entry := audited("ed@example.com", "article.edit", "")
	got, err := s.EditArticle(ctx, a.Slug, herald.ArticleEdit{Title: ptr(" Seawall vote passes "), Excerpt: ptr("Councillors backed the seawall.")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Seawall vote passes" || got.Lead != "Councillors backed the seawall." || got.Slug != a.Slug || got.Text != a.Text {
		t.Errorf("edited article: title %q, lead %q, slug %q", got.Title, got.Lead, got.Slug)
	}
	if mustVersion(t, s) == before {
		t.Error("the edit did not move the version")
	}
	if list := mustAudit(t, s, herald.AuditFilter{Kind: "article"}); len(list) != 1 || list[0].ID != entry.ID {
		t.Errorf("audit log: %v", auditActions(list))
	}
	if ids, _ := mustSearch(t, s, "seawall", herald.SearchFilter{}); !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("search for the new title: %v", ids)
	}
	if ids, _ := mustSearch(t, s, "approved", herald.SearchFilter{}); !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("search for a word of the text: %v", ids) // the text still says it
	}
	list, _, err := s.FindArticles(bg, herald.ArticleFilter{})
	if err != nil || len(list) != 1 || list[0].Title != "Seawall vote passes" || list[0].Lead != "Councillors backed the seawall." {
		t.Errorf("list after the edit: %v", err)
	}

	if _, err := s.EditArticle(bg, a.Slug, herald.ArticleEdit{Excerpt: ptr("")}); err != nil {
		t.Fatal(err)
	}
	o, err := s.FindArticleOriginal(bg, a.ID)
	if err != nil || o.Title != "Harbour wall approved" || o.Lead != a.Lead || o.EditedAt.IsZero() {
		t.Errorf("original after two edits: %+v, %v", o, err)
	}
	if got, _ := s.FindArticleBySlug(bg, a.Slug); got.Title != "Seawall vote passes" || got.Lead != a.Lead {
		t.Errorf("an empty excerpt: title %q, lead %q; want the title kept and the lead back to the text's", got.Title, got.Lead)
	}
}
