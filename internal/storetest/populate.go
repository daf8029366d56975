package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/herald-news/herald"
)

// Populated is what Populate stored, to be found again in a copy of the
// store: a backup restored, a dump loaded.
type Populated struct {
	Articles []*herald.Article
	Comments []*herald.Comment
	Source   *herald.Source
	User     *herald.User
	Audit    int // entries in the audit log
}

// Populate fills s with a little of everything a newsroom would miss if
// it were lost: a followed source added from the desk (so audited),
// articles, a user of the desk, and readers' comments.
func Populate(tb testing.TB, s herald.Store) Populated {
	tb.Helper()
	ctx := context.Background()
	var p Populated
	p.Source = NewFollowedSource(1)
	audited := herald.WithAudit(ctx, &herald.AuditEntry{Actor: herald.SystemActor, Action: "source.add", Subject: herald.Slugify(p.Source.Name)})
	if err := s.AddSource(audited, p.Source); err != nil {
		tb.Fatalf("AddSource: %v", err)
	}
	p.Audit = 1
	for n := 1; n <= 5; n++ {
		a := NewArticle(n, p.Source.Name)
		mustAdd(tb, s, a)
		p.Articles = append(p.Articles, a)
	}
	p.User = &herald.User{Email: "editor@site.example", Role: herald.RoleEditor,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}
	if err := s.AddUser(ctx, p.User); err != nil {
		tb.Fatalf("AddUser: %v", err)
	}
	for n := 1; n <= 3; n++ {
		c := NewComment(n, p.Articles[0].ID, fmt.Sprintf("reader%d@mail.example", n))
		mustAddComment(tb, s, c)
		p.Comments = append(p.Comments, c)
	}
	return p
}

// CheckPopulated finds in s, through the store's API, everything
// Populate stored in another store.
func CheckPopulated(tb testing.TB, s herald.Store, p Populated) {
	tb.Helper()
	ctx := context.Background()
	for _, a := range p.Articles {
		got, err := s.FindArticleBySlug(ctx, a.Slug)
		if err != nil || got.ID != a.ID || got.Title != a.Title || got.Text != a.Text {
			tb.Errorf("article %s: %v, %+v", a.Slug, err, got)
		}
	}
	found, err := s.Search(ctx, herald.SearchFilter{Query: herald.Query{Must: []herald.Clause{{{"paragraph"}}}},
		SourceID: p.Source.ID, Limit: 20})
	if err != nil {
		tb.Errorf("search: %v", err)
	} else if len(found.Hits) != len(p.Articles) {
		tb.Errorf("search finds %d of the %d articles", len(found.Hits), len(p.Articles))
	}
	comments, total, err := s.FindComments(ctx, herald.CommentFilter{ArticleID: p.Articles[0].ID})
	if err != nil || total != len(p.Comments) || len(comments) != len(p.Comments) {
		tb.Errorf("comments: %d of %d (%d listed): %v", total, len(p.Comments), len(comments), err)
	}
	if src, err := s.FindSourceBySlug(ctx, p.Source.Slug); err != nil || src.FeedURL != p.Source.FeedURL || !src.Following() {
		tb.Errorf("source %s: %v, %+v", p.Source.Slug, err, src)
	}
	if u, err := s.FindUserByEmail(ctx, p.User.Email); err != nil || u.Role != p.User.Role || u.PasswordHash != p.User.PasswordHash {
		tb.Errorf("user %s: %v, %+v", p.User.Email, err, u)
	}
	if log, err := s.FindAudit(ctx, herald.AuditFilter{Limit: 100}); err != nil || len(log) != p.Audit {
		tb.Errorf("audit log: %d entries, want %d: %v", len(log), p.Audit, err)
	}
}
