package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
)

// TestArticleCommands takes an article down and restores it through the
// command line, as a named editor, and finds both in the audit log.
func TestArticleCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	line := `{"url":"https://gazette.example/wall","title":"Council approves harbour wall","text":"The council approved the harbour wall on Monday after a long debate about its cost and its height.","source":"Gazette","published_at":"2026-03-03T09:00:00Z"}` + "\n"
	if err := os.WriteFile(file, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runHerald(t, "", "import", "--db", db, file); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	const slug = "council-approves-harbour-wall"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"article", "takedown", "--db", db, slug}, "a reason is required"},
		{[]string{"article", "takedown", "--db", db, "--reason", "x", "no-such-article"}, `no article "no-such-article"`},
		{[]string{"article", "restore", "--db", db, slug}, "nothing to restore"},
	} {
		if _, _, err := runHerald(t, "", tc.args...); err == nil || !strings.Contains(message(err), tc.want) {
			t.Errorf("herald %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	out, _, err := runHerald(t, "", "article", "takedown", "--db", db, "--as", "ed@site.example", "--reason", "Published by mistake.", slug)
	if err != nil || !strings.Contains(out, "410 Gone") {
		t.Fatalf("takedown: %v\n%s", err, out)
	}
	check := func(wantShown bool) {
		t.Helper()
		s, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.FindArticleBySlug(context.Background(), slug)
		if shown := err == nil; shown != wantShown {
			t.Errorf("article shown: %v, want %v (%v)", shown, wantShown, err)
		}
	}
	check(false)
	if out, _, err = runHerald(t, "", "article", "restore", "--db", db, slug); err != nil || !strings.Contains(out, "published again") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	check(true)
	if out, _, err = runHerald(t, "", "article", "edit", "--db", db, "--title", "Seawall vote passes", slug); err != nil || !strings.Contains(out, `"Seawall vote passes"`) {
		t.Errorf("edit: %v\n%s", err, out)
	}
	if _, _, err = runHerald(t, "", "article", "edit", "--db", db, slug); err == nil || !strings.Contains(message(err), "nothing to change") {
		t.Errorf("edit without a flag: %v", err)
	}

	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entries, err := s.FindAudit(context.Background(), herald.AuditFilter{Kind: "article"})
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit log: %v, %v", entries, err)
	}
	if e := entries[0]; e.Action != "article.edit" || !strings.Contains(e.Before, "Council approves harbour wall") {
		t.Errorf("edit entry %+v", e)
	}
	entries = entries[1:]
	if e := entries[1]; e.Action != "article.takedown" || e.Actor != "ed@site.example" || e.Subject != slug {
		t.Errorf("takedown entry %+v", e)
	}
	if e := entries[0]; e.Action != "article.restore" || e.Actor != herald.SystemActor {
		t.Errorf("restore entry %+v", e)
	}
}
