package digest

import (
	"strings"
	"testing"
)

// benchText is a 400-word article of varied sentences.
func benchText() string {
	var b strings.Builder
	for p := range 5 {
		for s := range 8 {
			b.WriteString("Councillor Ruth Pennock of ward ")
			b.WriteString(string(rune('A' + p)))
			b.WriteString(" said on Tuesday that the harbour wall project would cost more than planned in stage ")
			b.WriteString(string(rune('1' + s)))
			b.WriteString(". ")
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

// BenchmarkSelect chooses one point from a 400-word article, as the
// pipeline does for each topic an article matches.
func BenchmarkSelect(b *testing.B) {
	docs := []Doc{{Title: "Harbour wall costs rise", Text: benchText(), URL: "u"}}
	for b.Loop() {
		Select(docs, 1, DefaultParams())
	}
}

// BenchmarkSplit is the splitting alone, the part Select cannot avoid.
func BenchmarkSplit(b *testing.B) {
	text := benchText()
	for b.Loop() {
		Split(text)
	}
}
