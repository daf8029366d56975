package herald

import (
	"strings"
	"unicode"
)

// Word counts used for the cut-down forms of an article.
const (
	ExcerptWords = 60 // what the excerpt licence allows
	SummaryWords = 30 // the summary in lists and the API
)

// Excerpt returns the first n words of text, cut on a word boundary, with
// "…" appended when anything was left out. White space is folded.
func Excerpt(text string, n int) string {
	words := strings.FieldsFunc(text, unicode.IsSpace)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	cut := strings.Join(words[:n], " ")
	cut = strings.TrimRightFunc(cut, func(r rune) bool {
		return unicode.IsPunct(r) && r != '"' && r != ')' && r != '’' && r != '”'
	})
	return cut + "…"
}

// CountWords returns the number of space-separated words in text.
func CountWords(text string) int {
	return len(strings.FieldsFunc(text, unicode.IsSpace))
}
