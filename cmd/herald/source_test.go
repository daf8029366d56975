package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
)

// TestSourceImages checks --images on source add, and that source set
// changes it and names the stored articles' pictures again.
func TestSourceImages(t *testing.T) {
	srv := newFeedServer(t, nil)
	db := filepath.Join(t.TempDir(), "herald.db")
	feed := srv.URL + "/feed.xml"

	out, stderr, err := runHerald(t, "", "source", "add", feed, "--db", db, "--licence", "excerpt", "--images", "all", "--allow-private-networks")
	if err != nil || !strings.Contains(out, "the lead picture (--images all, but licence excerpt allows no more)") {
		t.Fatalf("add: %v\n%s%s", err, out, stderr)
	}
	line := `{"url":"https://gazette.example/wall","title":"Harbour wall approved","source":"Test Outlet","licence":"full",` +
		`"image":"https://gazette.example/lead.jpg",` +
		`"html":"<p>The council voted on Tuesday to raise the harbour wall by a metre along its whole length.</p><p><img src=\"https://gazette.example/map.png\" alt=\"Map\"></p>"}` + "\n"
	if _, stderr, err := runHerald(t, line, "import", "--db", db, "-"); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	pictures := func() []string {
		t.Helper()
		ctx := context.Background()
		store, err := openStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		a, err := store.FindArticleBySlug(ctx, "harbour-wall-approved")
		if err != nil {
			t.Fatal(err)
		}
		found, err := store.FindArticleImages(ctx, []int64{a.ID})
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		for _, im := range found[a.ID] {
			urls = append(urls, im.SourceURL)
		}
		return urls
	}
	// An import follows its line's licence.
	lead, body := "https://gazette.example/lead.jpg", "https://gazette.example/map.png"
	if got := pictures(); !reflect.DeepEqual(got, []string{lead, body}) {
		t.Fatalf("imported pictures %q", got)
	}

	out, _, err = runHerald(t, "", "source", "set", "test-outlet", "--images", "lead", "--db", db)
	if err != nil || !strings.Contains(out, "test-outlet: licence excerpt for new articles, the lead picture") ||
		!strings.Contains(out, "pictures named again for 1 stored articles") {
		t.Fatalf("set --images lead: %v\n%s", err, out)
	}
	if got := pictures(); !reflect.DeepEqual(got, []string{lead}) {
		t.Errorf("pictures after --images lead: %q", got)
	}
	if out, _, err = runHerald(t, "", "source", "set", "test-outlet", "--images", "none", "--licence", "full", "--db", db); err != nil ||
		!strings.Contains(out, "licence full for new articles, no pictures") {
		t.Fatalf("set --images none: %v\n%s", err, out)
	}
	if got := pictures(); len(got) != 0 {
		t.Errorf("pictures after --images none: %q", got)
	}
	if out, _, err = runHerald(t, "", "source", "set", "test-outlet", "--images", "licence", "--db", db); err != nil ||
		!strings.Contains(out, "licence full for new articles, all pictures") {
		t.Fatalf("set --images licence: %v\n%s", err, out)
	}
	if got := pictures(); !reflect.DeepEqual(got, []string{lead, body}) {
		t.Errorf("pictures after --images licence: %q", got)
	}
	out, _, _ = runHerald(t, "", "source", "list", "--db", db)
	if !strings.Contains(out, "full") || !strings.Contains(out, "PICTURES") || !strings.Contains(out, "full     all") {
		t.Errorf("list after set, want the licence and the pictures it shows:\n%s", out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"source", "add", feed, "--db", db, "--images", "some"}, `images "some" is not one of all, lead or none`},
		{[]string{"source", "set", "test-outlet", "--db", db, "--images", "some"}, `images "some" is not one of all, lead or none`},
		{[]string{"source", "set", "test-outlet", "--db", db, "--images", ""}, "--images needs one of all, lead, none or licence"},
		{[]string{"source", "set", "test-outlet", "--db", db, "--licence", "stolen"}, `licence "stolen"`},
		{[]string{"source", "set", "nope", "--db", db, "--images", "none"}, `no source "nope"`},
	} {
		if _, _, err := runHerald(t, "", tt.args...); err == nil || !strings.Contains(message(err), tt.want) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.want)
		} else if herald.ErrorCode(err) != herald.EINVALID && herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("%q: code %q", tt.args, herald.ErrorCode(err))
		}
	}
	if _, _, err := runHerald(t, "", "source", "set", "test-outlet", "--db", db); err == nil {
		t.Error("set with nothing to change succeeded")
	}
}

// TestSourceTakedownCommands takes down everything from an outlet
// through the command line, twice, and restores it.
func TestSourceTakedownCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	lines := `{"url":"https://gazette.example/wall","title":"Council approves harbour wall","text":"The council approved the harbour wall on Monday after a long debate about its cost and its height.","source":"Gazette","published_at":"2026-03-03T09:00:00Z"}
{"url":"https://gazette.example/ferry","title":"Ferry timetable changes","text":"The ferry will leave the harbour an hour earlier from Monday, the operator said after a review of the winter timetable.","source":"Gazette","published_at":"2026-03-03T10:00:00Z"}
{"url":"https://times.example/fees","title":"Harbour fees rise","text":"The harbour board raised mooring fees for the first time in six years, citing the cost of dredging the channel.","source":"Times","published_at":"2026-03-03T11:00:00Z"}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runHerald(t, "", "import", "--db", db, file); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"source", "takedown", "--db", db, "gazette"}, "a reason is required"},
		{[]string{"source", "takedown", "--db", db, "--reason", "x", "no-such-source"}, `no source "no-such-source"`},
		{[]string{"source", "restore", "--db", db, "gazette"}, "nothing to restore"},
	} {
		if _, _, err := runHerald(t, "", tc.args...); err == nil || !strings.Contains(message(err), tc.want) {
			t.Errorf("herald %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	for _, want := range []string{"2 articles answer 410 Gone", "0 articles answer 410 Gone"} {
		out, _, err := runHerald(t, "", "source", "takedown", "--db", db, "--as", "ed@site.example", "--reason", "The licence ended.", "gazette")
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("source takedown: %v\n%s, want %q", err, out, want)
		}
	}
	out, _, err := runHerald(t, "", "source", "restore", "--db", db, "gazette")
	if err != nil || !strings.Contains(out, "2 articles published again") {
		t.Fatalf("source restore: %v\n%s", err, out)
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	entries, err := s.FindAudit(context.Background(), herald.AuditFilter{Kind: "source"})
	if err != nil || len(entries) != 2 || entries[1].Action != "source.takedown" || entries[1].Actor != "ed@site.example" ||
		entries[0].Action != "source.restore" || entries[0].Actor != herald.SystemActor {
		t.Errorf("audit log: %+v, %v; want the takedown by ed@site.example and the restore", entries, err)
	}
}
