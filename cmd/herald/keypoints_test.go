package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestKeypointsCommand(t *testing.T) {
	story, err := os.ReadFile("../../internal/digest/testdata/harbour-wall.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runHerald(t, string(story), "keypoints", "-n", "2", "-")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var p map[string]string
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if p["sentence"] == "" || !strings.HasPrefix(p["url"], "https://www.") || len(p) != 2 {
			t.Errorf("line %q: want exactly a sentence and its article's url", l)
		}
	}
	if !strings.Contains(lines[0], "council approved") {
		t.Errorf("best point = %s, want the approval", lines[0])
	}
}

func TestKeypointsBadInput(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"NotJSON", "x\n", []string{"-"}, "line 1: not valid JSON"},
		{"NoBody", `{"url":"https://a.example/1","title":"T"}` + "\n", []string{"-"}, "line 1: a body (html or text) is required"},
		{"Empty", "", []string{"-"}, "no articles to read"},
		{"BadN", "", []string{"-n", "0", "-"}, "-n 0: give a number from 1 to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runHerald(t, tt.stdin, append([]string{"keypoints"}, tt.args...)...)
			if err == nil || !strings.Contains(message(err), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
