package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/herald-news/herald/internal/ingest"
)

// benchLines returns n import lines with bodies of about 400 words.
func benchLines(n int) string {
	para := "<p>" + strings.Repeat("The council said on Tuesday that the harbour wall would cost more than planned. ", 8) + "</p>"
	body := "<h2>Background</h2>" + strings.Repeat(para, 5) + "<blockquote><p>We will build it.</p></blockquote>"
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"url":"https://a.example/%d","title":"Harbour wall article %d","html":%q,"source":"Outlet %d","licence":"full","published_at":"2026-03-01T10:00:00Z"}`+"\n",
			i, i, body, i%20)
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
