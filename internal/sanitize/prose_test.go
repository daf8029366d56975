package sanitize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"PlainArticle", `<p>One. Two.</p><p>Three, with <a href="/x">a link</a> in it.</p>`, "One. Two.\n\nThree, with a link in it."},
		{"LinkListDropped", `<p>The summary of the story runs to a sentence or so.</p><ul><li><a href="/a">Related one</a></li><li><a href="/b">Related two</a> – live!</li></ul>`,
			"The summary of the story runs to a sentence or so."},
		{"LinkedProseListKept", `<p>Batch jobs changed:</p><ul><li>Version <a href="/v1">v1509</a> deprecated <a href="/m">MutateJobService</a>.</li><li>Version <a href="/v2">v1601</a> added <a href="/b">BatchJobService</a>.</li></ul>`,
			"Batch jobs changed:\n\nVersion v1509 deprecated MutateJobService.\n\nVersion v1601 added BatchJobService."},
		{"ShortProseOutweighsLinks", `<p>Posted by someone to somewhere <a href="/l">[link]</a> <a href="/c">[12 comments]</a></p>`, "Posted by someone to somewhere [link] [12 comments]"},
		{"ShortProseLinksAfter", `Posted by someone to somewhere<br><a href="/l">[link]</a> <a href="/c">[12 comments]</a>`, "Posted by someone to somewhere"},
		{"LinksWithACaption", `<a href="/t">Song of the Week (Live)</a><br><a href="/a">The Example Band</a><br>(C) 2005 Label.`,
			"Song of the Week (Live)\n\nThe Example Band\n\n(C) 2005 Label."},
		{"ProseListKept", `<p>The plan:</p><ol><li>Close the bridge to lorries.</li><li>Repair it, <a href="/m">as the survey asked</a>.</li><li>Reopen it in May.</li></ol>`,
			"The plan:\n\nClose the bridge to lorries.\n\nRepair it, as the survey asked.\n\nReopen it in May."},
		{"HalfLinkedListKept", `<ul><li><a href="/a">Linked</a></li><li>Not linked at all here</li></ul>`, "Linked\n\nNot linked at all here"},
		{"ContinueReading", `<p>Summary of the story.</p><p><a href="/full">Continue reading...</a></p>`, "Summary of the story."},
		{"SingleLinkLineInProseKept", `<p><a href="/ann">Ann Other</a>:</p><blockquote>Bridges need lorry limits, and the survey says so plainly.</blockquote><p>She is right.</p>`,
			"Ann Other:\n\nBridges need lorry limits, and the survey says so plainly.\n\nShe is right."},
		{"LinkRunInProseDropped", `<p>The first part of the story, told in a sentence.</p><p><a href="/a">One elsewhere</a><br><a href="/b">Two elsewhere</a></p><p>The rest of the story.</p>`,
			"The first part of the story, told in a sentence.\n\nThe rest of the story."},
		{"LongLinkedParagraphKept", `<p><a href="/s">` + strings.Repeat("word ", 20) + `</a></p>`, strings.TrimSpace(strings.Repeat("word ", 20))},
		// Show notes: a list whose items are links in headed groups.
		{"NestedLinkListsInAProseList", `<p>This week's show.</p><ul><li>Follow-up:<ul><li><a href="/a">See A</a></li><li><a href="/b">See B</a></li></ul></li><li>Post-show: the dog.</li></ul>`,
			"This week's show.\n\nFollow-up:\n\nSee A\n\nSee B\n\nPost-show: the dog."},
		{"NestedLinkList", `<p>The summary of the story runs to a sentence or so.</p><ul><li><a href="/a">Related</a><ul><li><a href="/b">More related</a></li></ul></li></ul>`,
			"The summary of the story runs to a sentence or so."},
		{"OnlyLinksFallsBackToText", `<ul><li><a href="/a">First</a></li><li><a href="/b">Second</a></li></ul>`, "First\n\nSecond"},
		{"Empty", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Prose(tt.in); got != tt.want {
				t.Errorf("Prose(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestProseFixtures checks the feed summaries in testdata/prose, shaped
// like real ones: a summary followed by related links, as a list or as
// lines separated by <br>. FILE.txt holds the prose of FILE.html.
func TestProseFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "prose", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".html") + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			if got := Prose(string(in)); got != strings.TrimSpace(string(want)) {
				t.Errorf("Prose = %q\nwant %q", got, strings.TrimSpace(string(want)))
			}
		})
	}
}

func TestTextKeepsLinkLists(t *testing.T) {
	// The full text is for search, copies and stories: it keeps all.
	got := Text(`<p>Summary.</p><ul><li><a href="/a">Related one</a></li></ul>`)
	if got != "Summary.\n\nRelated one" {
		t.Errorf("Text = %q", got)
	}
}

// FuzzProse checks that Prose only ever leaves paragraphs out: each of
// its paragraphs is one of Text's.
func FuzzProse(f *testing.F) {
	for _, s := range []string{
		`<p>Summary of it all here.</p><ul><li><a href="/a">A</a></li></ul><a href="/c">Continue</a>`,
		`<ul><li>x<ul><li><a href="/a">A</a></li></ul></li></ul><p>y</p>`,
		`<a href="/a"><p>inside a link</p></a></ul></ol><li>stray`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		all := make(map[string]bool)
		for _, p := range strings.Split(Text(body), "\n\n") {
			all[p] = true
		}
		for _, p := range strings.Split(Prose(body), "\n\n") {
			if !all[p] {
				t.Fatalf("Prose paragraph %q is not one of Text's", p)
			}
		}
	})
}
