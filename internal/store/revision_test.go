package store_test

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

func TestNextRecheck(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	last := len(herald.RecheckSteps) - 1
	was := func(step, misses int) herald.Recheck {
		return herald.Recheck{Step: step, Misses: misses, ETag: `"old"`, LastModified: "then"}
	}
	fresh := herald.RecheckOutcome{ETag: `"new"`, LastModified: "now"}
	tests := []struct {
		name string
		was  herald.Recheck
		out  herald.RecheckOutcome
		want store.RecheckState
	}{
		{"Unchanged", was(0, 1), fresh,
			store.RecheckState{Step: 1, Due: now.Add(herald.RecheckSteps[1]), ETag: `"new"`, LastModified: "now"}},
		{"Gone", was(2, 1), herald.RecheckOutcome{Gone: true},
			store.RecheckState{Step: 3, Misses: 2, Due: now.Add(herald.RecheckSteps[3])}},
		{"FailedRetriesSameStep", was(2, 1), herald.RecheckOutcome{Failed: true},
			store.RecheckState{Step: 2, Misses: 1, Due: now.Add(store.RecheckRetry), ETag: `"old"`, LastModified: "then"}},
		{"FailedRetriesAtRetryAt", was(2, 0), herald.RecheckOutcome{Failed: true, RetryAt: now.Add(time.Hour)},
			store.RecheckState{Step: 2, Due: now.Add(time.Hour), ETag: `"old"`, LastModified: "then"}},
		{"LastStepEnds", was(last, 0), fresh, store.RecheckState{Step: last + 1, ETag: `"new"`, LastModified: "now"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.NextRecheck(tt.was, tt.out, now); got != tt.want {
				t.Errorf("NextRecheck = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRevisedShown(t *testing.T) {
	r := &herald.Revision{Title: " New title ", Text: "New words of the text."}
	outlet := store.Shown{Title: "New title", Lead: "New words of the text."}
	was := store.Shown{Title: "Old title", Lead: "Old lead"}
	if shown, o := store.RevisedShown(was, nil, r); shown != outlet || o != outlet {
		t.Errorf("never edited: shows %+v, outlet's %+v; want the new version's", shown, o)
	}
	edited := store.Shown{Title: "Editor's title", Lead: "Old lead"}
	original := &store.Shown{Title: "Old title", Lead: "Old lead"}
	shown, o := store.RevisedShown(edited, original, r)
	if want := (store.Shown{Title: "Editor's title", Lead: outlet.Lead}); shown != want || o != outlet {
		t.Errorf("title edited: shows %+v, outlet's %+v; want %+v, %+v", shown, o, want, outlet)
	}
}

// TestPackVersions packs versions of the demo world's articles, each
// older one with a paragraph fewer than the next, as RecordRecheck keeps
// them, and reports what a kept version costs.
func TestPackVersions(t *testing.T) {
	f, err := os.Open("../demo/world.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var raw, packed, alone, n int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a struct{ HTML string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		cut := strings.LastIndex(a.HTML, "<p>")
		if cut <= 0 {
			continue
		}
		// The outlet added the last paragraph, and fixed a word.
		current := &herald.Revision{HTML: a.HTML, Text: plain(a.HTML)}
		oldHTML := strings.Replace(a.HTML[:cut], "</p>", " (corrected)</p>", 1)
		oldText := plain(oldHTML)
		old := store.Version(oldHTML, oldText)
		b := store.PackVersion(old, store.Version(current.HTML, current.Text))
		list := []*herald.Revision{{N: 1}}
		if err := store.UnpackVersions(list, [][]byte{b}, current); err != nil {
			t.Fatal(err)
		}
		if list[0].HTML != oldHTML || list[0].Text != oldText {
			t.Fatalf("article %d: unpacked version differs from the packed one", n)
		}
		raw += len(oldHTML) + len(oldText)
		packed += len(b)
		alone += len(store.PackVersion(old, nil))
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no articles read")
	}
	t.Logf("%d versions: %d bytes of html and text each, %d deflated alone, %d deflated against the next version",
		n, raw/n, alone/n, packed/n)
	if packed*10 > raw {
		t.Errorf("a version with a paragraph changed takes %d bytes of %d; want under a tenth", packed/n, raw/n)
	}
	if _, _, _, err := store.UnpackVersion([]byte("not deflate"), nil); err == nil {
		t.Error("UnpackVersion of garbage: no error")
	}
}

// plain is html's text, paragraphs separated by blank lines.
func plain(html string) string {
	var paras []string
	for p := range strings.SplitSeq(html, "</p>") {
		if t := strings.TrimSpace(tags.ReplaceAllString(p, "")); t != "" {
			paras = append(paras, t)
		}
	}
	return strings.Join(paras, "\n\n")
}

var tags = regexp.MustCompile(`<[^>]*>`)
