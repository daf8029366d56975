package search

import (
	"strings"
	"testing"
)

// BenchmarkTokens tokenises an English news paragraph, the common case:
// related lists tokenise the text of every candidate they score.
func BenchmarkTokens(b *testing.B) {
	text := strings.Repeat("The council approved the harbour wall on Tuesday after a three-hour debate; "+
		"residents of the riverside streets, who were evacuated in 2024, said the vote came too late. ", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Tokens(text)
	}
}
