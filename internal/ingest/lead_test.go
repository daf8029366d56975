package ingest_test

import (
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// TestLeadIsProse checks that the stored lead, which the article page and
// every list show an excerpt of, leaves out the related links a feed puts
// after its summary, while the text keeps them.
func TestLeadIsProse(t *testing.T) {
	tests := []struct {
		name, html, lead string
	}{
		{"SummaryThenLinkList",
			`<p>Harriet Cole's late header sent Eastfield through at the expense of Marlow Town, who had led for an hour at Wembley.</p>` +
				`<ul><li><a href="https://sport.example.com/a">Clockwatch: keep up with all tonight's other matches – live!</a></li>` +
				`<li><a href="https://sport.example.com/b">Transfer deadline day – live!</a></li></ul>`,
			"Harriet Cole's late header sent Eastfield through at the expense of Marlow Town, who had led for an hour at Wembley."},
		{"LongArticleCutOnAWord",
			"<p>" + strings.Repeat("Words of the story go here. ", 20) + "</p>",
			herald.Excerpt(strings.Repeat("Words of the story go here. ", 20), herald.ExcerptWords)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := (&ingest.Pipeline{}).TopicsPrepare(ingest.Item{
				URL: "https://sport.example.com/report", Title: "Eastfield reach the final", HTML: tt.html, Source: "Sport",
			})
			if err != nil {
				t.Fatal(err)
			}
			if a.Lead != tt.lead {
				t.Errorf("Lead = %q, want %q", a.Lead, tt.lead)
			}
			if tt.name == "SummaryThenLinkList" && !strings.Contains(a.Text, "Transfer deadline day") {
				t.Errorf("Text lost the links: %q", a.Text)
			}
		})
	}
}
