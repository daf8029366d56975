package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

// benchLines returns n import lines with bodies of about 400 words, each
// text its own (numbers and names vary), so that no two are copies.
func benchLines(n int) string {
	var b strings.Builder
	for i := range n {
		var body strings.Builder
		body.WriteString("<h2>Background</h2>")
		for p := range 5 {
			body.WriteString("<p>")
			for s := range 8 {
				fmt.Fprintf(&body, "Councillor %d of ward %d said on day %d that project %d would cost %d more than the %d planned. ",
					i, p, s, i*7+p, i*13+s, i+p*s)
			}
			body.WriteString("</p>")
		}
		fmt.Fprintf(&b, `{"url":"https://a.example/%d","title":"Harbour wall article %d","html":%q,"source":"Outlet %d","licence":"full","published_at":"2026-03-01T10:00:00Z"}`+"\n",
			i, i, body.String(), i%20)
	}
	return b.String()
}

// BenchmarkImportSQLite measures the whole import path on a real SQLite
// file: parsing, sanitising and one transaction per article.
func BenchmarkImportSQLite(b *testing.B) {
	input := benchLines(b.N)
	db := mustOpen(b)
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db}}
	b.ResetTimer()
	prog, err := im.Import(context.Background(), strings.NewReader(input))
	if err != nil || prog.Imported != b.N {
		b.Fatalf("%+v %v", prog, err)
	}
}

// BenchmarkImportSQLiteTopics is BenchmarkImportSQLite with ten topics,
// one of which every article matches: the cost of tagging on arrival and
// of keeping that topic's digest, beside the plain import.
func BenchmarkImportSQLiteTopics(b *testing.B) {
	input := benchLines(b.N)
	db := mustOpen(b)
	for i := range 10 {
		match := fmt.Sprintf("subject number %d", i)
		if i == 0 {
			match = "harbour wall"
		}
		if err := db.AddTopic(context.Background(), &herald.Topic{Name: fmt.Sprintf("Topic %d", i), Rules: herald.TopicRules{Match: []string{match}}}); err != nil {
			b.Fatal(err)
		}
	}
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db, Topics: db}}
	b.ResetTimer()
	prog, err := im.Import(context.Background(), strings.NewReader(input))
	if err != nil || prog.Imported != b.N {
		b.Fatalf("%+v %v", prog, err)
	}
}

// BenchmarkImportSQLiteStories is BenchmarkImportSQLite with the story
// step: the difference is the cost of placing each article in a story.
func BenchmarkImportSQLiteStories(b *testing.B) {
	input := benchLines(b.N)
	db := mustOpen(b)
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db, Stories: db}}
	b.ResetTimer()
	prog, err := im.Import(context.Background(), strings.NewReader(input))
	if err != nil || prog.Imported != b.N {
		b.Fatalf("%+v %v", prog, err)
	}
}

// BenchmarkStoreStepTopics times the store step alone (the part of an
// import that runs one article at a time) on the articles of
// BenchmarkImportSQLiteTopics, prepared beforehand: with their digest
// points chosen while preparing, as the importer does, and with the store
// step choosing them, as it did before.
func BenchmarkStoreStepTopics(b *testing.B) {
	for _, ahead := range []bool{true, false} {
		name := "ChosenAhead"
		if !ahead {
			name = "ChosenInStore"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := mustOpen(b)
			for i := range 10 {
				match := fmt.Sprintf("subject number %d", i)
				if i == 0 {
					match = "harbour wall"
				}
				if err := db.AddTopic(ctx, &herald.Topic{Name: fmt.Sprintf("Topic %d", i), Rules: herald.TopicRules{Match: []string{match}}}); err != nil {
					b.Fatal(err)
				}
			}
			p := &ingest.Pipeline{Articles: db, Topics: db}
			var arts []*herald.Article
			for line := range strings.Lines(benchLines(b.N)) {
				it, err := ingest.ParseLine([]byte(line))
				if err != nil {
					b.Fatal(err)
				}
				a, err := p.TopicsPrepare(it)
				if err != nil {
					b.Fatal(err)
				}
				arts = append(arts, a)
			}
			if !ahead {
				p.TopicsForgetAhead()
			}
			b.ResetTimer()
			cpu := topicsCPUTime()
			for _, a := range arts {
				if _, err := p.TopicsStore(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(topicsCPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
