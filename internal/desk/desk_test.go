package desk_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
)

func newDesk(t *testing.T) (*desk.Desk, *sqlite.DB) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	pipe := ingest.NewPipeline(store)
	for _, it := range []ingest.Item{
		{URL: "https://gazette.example/wall", Title: "Council approves harbour wall", Source: "Gazette", Licence: "full",
			Text: "The council approved the harbour wall on Monday after a long debate about its cost."},
		{URL: "https://times.example/ferry", Title: "Ferry timetable changes", Source: "Times", Licence: "excerpt",
			Text: "The ferry will leave the harbour an hour earlier from Monday, the operator said."},
	} {
		if _, _, err := pipe.Add(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
	return &desk.Desk{Store: store}, store
}

var (
	editor    = desk.Actor{Email: "ed@site.example", Role: herald.RoleEditor}
	moderator = desk.Actor{Email: "mod@site.example", Role: herald.RoleModerator}
)

// TestRoles checks every action refuses a role that may not take it, and
// writes nothing then.
func TestRoles(t *testing.T) {
	d, store := newDesk(t)
	ctx := context.Background()
	topic := &herald.Topic{Name: "Harbour", Rules: herald.TopicRules{Match: []string{"harbour"}}}
	for name, act := range map[string]func() error{
		"add topic": func() error { return d.AddTopic(ctx, moderator, topic) },
		"remove":    func() error { return d.RemoveSource(ctx, moderator, "gazette", false) },
		"split":     func() error { _, err := d.SplitArticle(ctx, moderator, "council-approves-harbour-wall"); return err },
		"takedown":  func() error { _, err := d.TakeDown(ctx, moderator, "council-approves-harbour-wall", "why"); return err },
		"add user": func() error {
			_, err := d.AddUser(ctx, editor, "x@site.example", "admin", "a long enough password")
			return err
		},
		"invite": func() error { _, _, err := d.Invite(ctx, editor, "x@site.example", "admin"); return err },
		"pause":  func() error { _, err := d.PauseSource(ctx, moderator, "gazette", true); return err },
		"add source": func() error {
			_, _, err := d.AddSource(ctx, moderator, desk.SourceForm{URL: "https://x.example/"})
			return err
		},
		"merge":       func() error { return d.MergeStories(ctx, moderator, 1, 2) },
		"edit digest": func() error { return d.EditDigestPoint(ctx, moderator, 1, herald.DigestEdit{Pinned: new(bool)}) },
	} {
		if err := act(); herald.ErrorCode(err) != herald.EFORBIDDEN {
			t.Errorf("%s: %v, want EFORBIDDEN", name, err)
		}
	}
	if entries, _ := store.FindAudit(ctx, herald.AuditFilter{}); len(entries) != 0 {
		t.Errorf("refused actions were logged: %+v", entries)
	}
	if _, err := store.FindArticleBySlug(ctx, "council-approves-harbour-wall"); err != nil {
		t.Errorf("a refused takedown took the article down: %v", err)
	}
}

func TestFieldErrors(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		err   error
		field string
		want  string
	}{
		{"no address", second(d.AddSource(ctx, editor, desk.SourceForm{})), "url", "an address is required"},
		{"bad address", second(d.AddSource(ctx, editor, desk.SourceForm{URL: "ftp://x.example/"})), "url", "not an http or https URL"},
		{"bad licence", second(d.AddSource(ctx, editor, desk.SourceForm{URL: "https://x.example/", Licence: "stolen"})), "licence", `"stolen"`},
		{"bad every", second(d.AddSource(ctx, editor, desk.SourceForm{URL: "https://x.example/", Every: "soon"})), "every", "not a duration"},
		{"short every", second(d.AddSource(ctx, editor, desk.SourceForm{URL: "https://x.example/", Every: "1m"})), "every", "outside 5m to 24h"},
		{"bad email", err2(d.AddUser(ctx, desk.System(""), "nobody", "editor", "a long enough password")), "email", "not an email address"},
		{"bad role", err2(d.AddUser(ctx, desk.System(""), "a@b.example", "owner", "a long enough password")), "role", "not one of"},
		{"short password", err2(d.AddUser(ctx, desk.System(""), "a@b.example", "editor", "short")), "password", "at least 10"},
		{"merge into itself", d.MergeStories(ctx, editor, 3, 3), "into", "into itself"},
		{"no reason", err2(d.TakeDown(ctx, editor, "council-approves-harbour-wall", " ")), "reason", "a reason is required"},
		{"topic without name", err2(desk.TopicForm{Match: "harbour"}.Topic()), "name", "a name is required"},
		{"topic without words", err2(desk.TopicForm{Name: "Harbour"}.Topic()), "match", ""},
	} {
		if got := desk.FieldOf(tc.err); got != tc.field || !strings.Contains(herald.ErrorMessage(tc.err), tc.want) ||
			herald.ErrorCode(tc.err) != herald.EINVALID {
			t.Errorf("%s: %v on field %q, want %q saying %q", tc.name, tc.err, got, tc.field, tc.want)
		}
	}
}

func second[A, B any](_ A, _ B, err error) error { return err }
func err2[A any](_ A, err error) error           { return err }

func TestTopicPreviewAndReach(t *testing.T) {
	d, _ := newDesk(t)
	ctx := context.Background()
	topic, err := desk.TopicForm{Name: "Harbour", Match: "harbour", Exclude: "ferry"}.Topic()
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.PreviewTopic(ctx, topic)
	if err != nil || p.Read != 2 || len(p.Matched) != 1 || len(p.Excluded) != 1 || p.Excluded[0].Title != "Ferry timetable changes" {
		t.Fatalf("preview: %+v, %v", p, err)
	}
	for _, tc := range []struct {
		p    desk.TopicPreview
		want string
	}{
		{desk.TopicPreview{Read: 50}, "match none"},
		{desk.TopicPreview{Read: 20, Matched: make([]*herald.Article, 20)}, "every one"},
		{desk.TopicPreview{Read: 5}, ""}, // too few articles to judge
	} {
		err := desk.CheckTopicReach(&tc.p)
		if tc.want == "" && err != nil || tc.want != "" && !strings.Contains(herald.ErrorMessage(err), tc.want) {
			t.Errorf("reach of %d of %d: %v, want %q", len(tc.p.Matched), tc.p.Read, err, tc.want)
		}
	}
}

func TestParseStoryID(t *testing.T) {
	for in, want := range map[string]int64{"42": 42, " 7 ": 7, "https://news.example/stories/19": 19, "/stories/3/": 3, "x": 0, "-1": 0, "": 0} {
		got, err := desk.ParseStoryID("into", in)
		if got != want || (want == 0) != (err != nil) {
			t.Errorf("ParseStoryID(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestLines(t *testing.T) {
	if got := strings.Join(desk.Lines(" harbour wall \n\nferry, , port \r\n"), "|"); got != "harbour wall|ferry|port" {
		t.Errorf("Lines: %q", got)
	}
}

// TestActionsAreLogged takes each kind of action as the CLI does and finds
// it in the audit log with the actor and values.
func TestActionsAreLogged(t *testing.T) {
	d, store := newDesk(t)
	ctx := context.Background()
	cli := desk.System("")
	topic := &herald.Topic{Name: "Harbour", Rules: herald.TopicRules{Match: []string{"harbour"}}}
	steps := []struct {
		action string
		do     func() error
	}{
		{"topic.add", func() error { return d.AddTopic(ctx, cli, topic) }},
		{"topic.update", func() error {
			return d.EditTopic(ctx, editor, &herald.Topic{Name: "The harbour", Slug: topic.Slug, Rules: topic.Rules})
		}},
		{"source.update", func() error {
			l := herald.LicenceHeadline
			_, err := d.UpdateSource(ctx, editor, "gazette", herald.SourceUpdate{Licence: &l})
			return err
		}},
		{"story.split", func() error { _, err := d.SplitArticle(ctx, editor, "council-approves-harbour-wall"); return err }},
		{"user.add", func() error {
			_, err := d.AddUser(ctx, cli, "new@site.example", "moderator", "a long enough password")
			return err
		}},
		{"article.takedown", func() error { _, err := d.TakeDown(ctx, editor, "ferry-timetable-changes", "Wrong date."); return err }},
		{"article.restore", func() error { _, err := d.Restore(ctx, editor, "ferry-timetable-changes"); return err }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.action, err)
		}
	}
	entries, err := store.FindAudit(ctx, herald.AuditFilter{})
	if err != nil || len(entries) != len(steps) {
		t.Fatalf("audit log: %d entries, %v", len(entries), err)
	}
	for i, st := range steps {
		e := entries[len(entries)-1-i]
		if e.Action != st.action {
			t.Errorf("entry %d: %s, want %s", i, e.Action, st.action)
		}
	}
	if e := entries[len(entries)-2]; e.Actor != "ed@site.example" || !strings.Contains(e.Before, `"name":"Harbour"`) || !strings.Contains(e.After, `"name":"The harbour"`) {
		t.Errorf("topic.update entry: %+v", e)
	}
	if e := entries[len(entries)-5]; e.Actor != herald.SystemActor || strings.Contains(e.After, "argon2") {
		t.Errorf("user.add entry: %+v", e)
	}
}
