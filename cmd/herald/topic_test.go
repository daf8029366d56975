package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTopicAndDigestCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	if _, _, err := runHerald(t, "", "import", "--db", db, "../../internal/digest/testdata/harbour-wall.jsonl"); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runHerald(t, "", "topic", "add", "Harbour wall", "--db", db, "--match", "harbour wall", "--exclude", "football")
	if err != nil || !strings.Contains(out, "harbour-wall\t2 articles") || !strings.Contains(errOut, "(100%)") {
		t.Fatalf("topic add: %q %q %v", out, errOut, err)
	}
	out, _, err = runHerald(t, "", "topic", "list", "--db", db)
	if err != nil || !strings.Contains(out, `"harbour wall"`) || !strings.Contains(out, `"football"`) {
		t.Errorf("topic list: %q %v", out, err)
	}
	out, _, err = runHerald(t, "", "digest", "show", "harbour-wall", "--db", db)
	// The fixture's two articles tell one story: its point comes from the
	// newer, the grant.
	if err != nil || !strings.Contains(out, "The national flood agency will pay half") || !strings.Contains(out, "Continental Wire") {
		t.Fatalf("digest show: %q %v", out, err)
	}
	if _, _, err := runHerald(t, "", "digest", "edit", "1", "The council approved the wall.", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runHerald(t, "", "digest", "pin", "1", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runHerald(t, "", "digest", "show", "harbour-wall", "--db", db)
	if !strings.Contains(out, "pinned edited") || !strings.Contains(out, "The council approved the wall.") {
		t.Errorf("after edit and pin: %q", out)
	}
	out, _, err = runHerald(t, "", "topic", "suggest", "--db", db, "--min", "2")
	if err != nil || !strings.Contains(out, "port ellery") {
		t.Errorf("topic suggest: %q %v", out, err)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"topic", "add", "Everything", "--match", "the"}, `match "the" would match almost every article`},
		{[]string{"topic", "add", "Nothing"}, "at least one word or phrase to match"},
		{[]string{"topic", "add", "Wall", "--match", "wall", "--slug", "Not A Slug"}, `topic slug "Not A Slug" is not valid`},
		{[]string{"topic", "add", "Harbour wall", "--match", "wall"}, `slug "harbour-wall" exists already`},
		{[]string{"digest", "edit", "999", "x"}, "digest point 999 no longer exists"},
		{[]string{"digest", "pin", "abc"}, `"abc" is not a point id`},
		{[]string{"digest", "show", "nope"}, `no topic "nope"`},
	} {
		_, _, err := runHerald(t, "", append(tt.args, "--db", db)...)
		if err == nil || !strings.Contains(message(err), tt.want) {
			t.Errorf("%v: err = %v, want %q", tt.args, err, tt.want)
		}
	}
	out, _, _ = runHerald(t, "", "topic", "list", "--db", db)
	if strings.Count(out, "\n") != 2 {
		t.Errorf("refused adds left topics behind:\n%s", out)
	}
}
