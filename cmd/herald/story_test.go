package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
)

// TestStoryCommands imports two events, then lists, splits and merges
// their stories through the command line, and checks the store.
func TestStoryCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	var lines strings.Builder
	quake := "A magnitude 6.1 earthquake struck Port Ellery before dawn, damaging the harbour wall and the Ellery Bridge. Rescue crews from Kestrel County searched collapsed buildings near the harbour."
	strike := "Rail workers on the Northern Cross line began a 48-hour strike over signal staffing, and Northern Cross Railways cancelled most trains between Northfield and Castlebury."
	for i, o := range []string{"Gazette", "Times", "Observer"} {
		fmt.Fprintf(&lines, `{"url":"https://%d.example/quake","title":"Port Ellery earthquake damages harbour wall, %s reports","text":%q,"source":%q,"published_at":"2026-03-03T0%d:00:00Z"}`+"\n",
			i, o, quake+" "+o+" reporting.", o, i+1)
		fmt.Fprintf(&lines, `{"url":"https://%d.example/strike","title":"Northern Cross rail strike halts Northfield trains, %s says","text":%q,"source":%q,"published_at":"2026-03-03T0%d:30:00Z"}`+"\n",
			i, o, strike+" "+o+" reporting.", o, i+1)
	}
	if err := os.WriteFile(file, []byte(lines.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runHerald(t, "", "import", "--db", db, file); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}

	stdout, _, err := runHerald(t, "", "story", "list", "--db", db)
	if err != nil || !strings.Contains(stdout, "HEADLINE") || strings.Count(stdout, "\n") != 3 {
		t.Fatalf("story list: %v\n%s", err, stdout)
	}

	storyOf := func(url string) int64 {
		t.Helper()
		s, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		list, _, err := s.FindArticles(context.Background(), herald.ArticleFilter{OriginalURL: url})
		if err != nil || len(list) != 1 {
			t.Fatalf("find %s: %v", url, err)
		}
		return list[0].StoryID
	}
	quakeStory, strikeStory := storyOf("https://0.example/quake"), storyOf("https://0.example/strike")
	if quakeStory == strikeStory || storyOf("https://2.example/quake") != quakeStory {
		t.Fatalf("stories after import: quake %d, %d; strike %d", quakeStory, storyOf("https://2.example/quake"), strikeStory)
	}

	stdout, _, err = runHerald(t, "", "story", "split", "--db", db, "port-ellery-earthquake-damages-harbour-wall-times-reports")
	if err != nil || !strings.Contains(stdout, "will not be placed again") {
		t.Fatalf("story split: %v\n%s", err, stdout)
	}
	if got := storyOf("https://1.example/quake"); got == quakeStory {
		t.Errorf("split article still in story %d", got)
	}

	stdout, _, err = runHerald(t, "", "story", "merge", "--db", db, fmt.Sprint(strikeStory), fmt.Sprint(quakeStory))
	if err != nil || !strings.Contains(stdout, "merged into") {
		t.Fatalf("story merge: %v\n%s", err, stdout)
	}
	if got := storyOf("https://0.example/strike"); got != quakeStory {
		t.Errorf("merged article in story %d, want %d", got, quakeStory)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"story", "split", "--db", db, "no-such-article"}, `no article "no-such-article"`},
		{[]string{"story", "merge", "--db", db, "x", "1"}, `story id "x" is not a positive number`},
		{[]string{"story", "merge", "--db", db, fmt.Sprint(quakeStory), fmt.Sprint(quakeStory)}, "cannot be merged into itself"},
	} {
		_, _, err := runHerald(t, "", tc.args...)
		if err == nil || !strings.Contains(message(err), tc.want) {
			t.Errorf("herald %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	if _, _, err := runHerald(t, "", "story"); err != errUsage {
		t.Errorf("herald story: %v, want the usage", err)
	}
}
