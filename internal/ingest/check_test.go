package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/herald-news/herald/internal/ingest"
)

// TestParseLineAccepts checks values that look like the refused ones but
// are good, and how they are read.
func TestParseLineAccepts(t *testing.T) {
	tests := []struct {
		name, line string
		check      func(ingest.Item) bool
	}{
		{"SurrogatePair", lineWith(`"title":"Smile \ud83d\ude00 please"`), func(it ingest.Item) bool { return it.Title == "Smile 😀 please" }},
		{"ReplacementCharacterWritten", lineWith("\"title\":\"Broken \uFFFD already\""), func(it ingest.Item) bool { return it.Title == "Broken \uFFFD already" }},
		{"ReplacementCharacterEscaped", lineWith(`"title":"Broken \ufffd already"`), func(it ingest.Item) bool { return it.Title == "Broken \uFFFD already" }},
		{"EscapedBackslashBeforeU", lineWith(`"title":"C:\\ud800 \ufffd"`), func(it ingest.Item) bool { return it.Title == "C:\\ud800 \uFFFD" }},
		{"IgnoredFieldNotChecked", lineWith("\"notes\":\"Caf\xe9\""), func(it ingest.Item) bool { return it.Title == "Checked" }},
		{"LangCanonical", lineWith(`"lang":"en-gb"`), func(it ingest.Item) bool { return it.Lang == "en-GB" }},
		{"LangUnderscore", lineWith(`"lang":" pt_br "`), func(it ingest.Item) bool { return it.Lang == "pt-BR" }},
		{"LangUndetermined", lineWith(`"lang":"und"`), func(it ingest.Item) bool { return it.Lang == "" }},
		{"Date1900", lineWith(`"published_at":"1900-01-01T00:00:00Z"`), func(it ingest.Item) bool { return it.PublishedAt.Year() == 1900 }},
		// The clamp needs the pipeline's clock: ParseLine passes the date on.
		{"Date9999", lineWith(`"published_at":"9999-12-31T23:59:59Z"`), func(it ingest.Item) bool { return it.PublishedAt.Year() == 9999 }},
		{"NoDate", lineWith(`"published_at":" "`), func(it ingest.Item) bool { return it.PublishedAt.IsZero() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := ingest.ParseLine([]byte(tt.line))
			if err != nil {
				t.Fatalf("ParseLine: %v", err)
			}
			if !tt.check(it) {
				t.Errorf("ParseLine = %+v", it)
			}
		})
	}
}

// TestPipelineCleansEveryItem checks the cleaning the pipeline gives
// items from any way in, feeds and pages as well as imports.
func TestPipelineCleansEveryItem(t *testing.T) {
	ctx := context.Background()
	item := func(n int) ingest.Item {
		return ingest.Item{URL: fmt.Sprintf("https://feed.example/%d", n), Title: "T", Text: fmt.Sprintf("Body %d.", n), Source: "Feed"}
	}
	t.Run("ControlCharactersStripped", func(t *testing.T) {
		p := &ingest.Pipeline{Articles: mustOpen(t)}
		it := item(1)
		it.Title = "Harbour\x00 wall\a vote\x1b\x7f\u0085passes\u009b"
		it.Byline = "Ann\tLee\x00, \u200fسارة\u200f"
		it.Source = "The\x00 Gazette"
		a, _, err := p.Add(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != "Harbour wall vote passes" || a.Byline != "Ann Lee, \u200fسارة\u200f" || a.Source.Name != "The Gazette" {
			t.Errorf("title %q, byline %q, source %q", a.Title, a.Byline, a.Source.Name)
		}
	})
	t.Run("ControlCharactersStrippedOnImport", func(t *testing.T) {
		db := mustOpen(t)
		im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db}}
		line := lineWith(`"title":"Tide\u0000 tables\u0007","byline":"Jo\u001b Bloggs\u0000"`)
		if prog, err := im.Import(ctx, strings.NewReader(line)); err != nil || prog.Imported != 1 {
			t.Fatalf("Import: %+v, %v", prog, err)
		}
		a, err := db.FindArticleByID(ctx, 1)
		if err != nil || a.Title != "Tide tables" || a.Byline != "Jo Bloggs" {
			t.Errorf("stored %+v, %v; want title %q and byline %q", a, err, "Tide tables", "Jo Bloggs")
		}
	})
	t.Run("LangCanonicalOrDropped", func(t *testing.T) {
		p := &ingest.Pipeline{Articles: mustOpen(t)}
		for i, tt := range []struct{ in, want string }{{"en_us", "en-US"}, {"xx-!!", ""}, {"EN", "en"}, {"", ""}} {
			it := item(10 + i)
			it.Lang = tt.in
			a, _, err := p.Add(ctx, it)
			if err != nil || a.Lang != tt.want {
				t.Errorf("lang %q stored as %q (%v), want %q", tt.in, a.Lang, err, tt.want)
			}
		}
	})
}
