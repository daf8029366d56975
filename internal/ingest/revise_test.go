package ingest_test

import (
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

func TestRevised(t *testing.T) {
	body := strings.Repeat("The harbour council met on Monday evening to debate the height of the new sea wall. ", 12)
	base := &herald.Article{Title: "Council debates harbour wall", Byline: "Ann Reed",
		Text: "Updated 09:14 GMT\n\n" + body + "\n\nAdvertisement\n\n3 comments"}
	for _, tc := range []struct {
		name  string
		edit  func(cur, fresh *herald.Article)
		want  bool
		about string
	}{
		{"Same", func(_, a *herald.Article) {}, false, "boilerplate"},
		{"Whitespace", func(_, a *herald.Article) { a.Text = strings.ReplaceAll(a.Text, ". ", ".   ") }, false, "boilerplate"},
		{"NewTime", func(_, a *herald.Article) { a.Text = strings.Replace(a.Text, "09:14", "11:52", 1) }, false, "boilerplate"},
		{"Counter", func(_, a *herald.Article) { a.Text = strings.Replace(a.Text, "3 comments", "17 comments", 1) }, false, "boilerplate"},
		{"CounterThousands", func(cur, a *herald.Article) {
			cur.Text += "\n\n1,234 views"
			a.Text += "\n\n1,301 views"
		}, false, "boilerplate"},
		{"CounterShort", func(cur, a *herald.Article) {
			cur.Text += "\n\n1.2K shares"
			a.Text += "\n\n1.3K shares"
		}, false, "boilerplate"},
		{"CounterBracketed", func(cur, a *herald.Article) {
			cur.Text += "\n\nComments (12)"
			a.Text += "\n\nComments (15)"
		}, false, "boilerplate"},
		{"ShortPaywall", func(cur, a *herald.Article) {
			cur.Text = "Updated 09:14 GMT\n\n" + body + "\n\n" + body
			a.Text = "Updated 09:14 GMT\n\n" + body + "\n\nSubscribe to keep reading."
		}, false, "start of the text"},
		{"LastParagraphCut", func(cur, a *herald.Article) {
			cur.Text = body + "\n\nA closing line."
			a.Text = body
		}, false, "start of the text"},
		{"SessionToken", func(cur, a *herald.Article) {
			cur.Text += "\n\nsid=0123456789abcdef0123456789abcdef"
			a.Text += "\n\nsid=4f3c2a1b9e8d7c6b5a4f3e2d1c0b9a8f"
		}, false, "boilerplate"},
		{"NewParagraph", func(_, a *herald.Article) { a.Text += "\n\nThe vote was postponed to Thursday." }, true, ""},
		{"WordChanged", func(_, a *herald.Article) { a.Text = strings.Replace(a.Text, "Monday", "Tuesday", 1) }, true, ""},
		{"Retitled", func(_, a *herald.Article) { a.Title = "Council postpones harbour wall vote" }, true, ""},
		{"NewByline", func(_, a *herald.Article) { a.Byline = "Ann Reed and Tom Hale" }, true, ""},
		{"Paywall", func(_, a *herald.Article) { a.Text = "Subscribe to keep reading. Already a subscriber? Sign in." }, false, "paywall"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			current, fresh := *base, *base
			tc.edit(&current, &fresh)
			got, why := ingest.Revised(&current, &fresh)
			if got != tc.want || !strings.Contains(why, tc.about) {
				t.Errorf("Revised = %v (%q), want %v (%q)", got, why, tc.want, tc.about)
			}
		})
	}
}
