// Package search owns how Herald's full-text search reads text: the tokens
// both stores index (lower-cased words without accents, and overlapping
// pairs of characters for Chinese, Japanese and Korean, which are written
// without spaces), the query language readers type, parsed once here and
// translated by each store, and the snippets shown with results.
//
// The stores index IndexText(title) and IndexText(body) rather than the raw
// text, so that SQLite's FTS5 and PostgreSQL's text search, whose own
// tokenisers differ, see the very same space-separated tokens.
package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// MaxIndexBytes bounds the text of one article the index holds: the body
// past it is not searchable. PostgreSQL refuses a tsvector over 1 MB, and
// news articles are far shorter.
const MaxIndexBytes = 256 << 10

// Tokens splits s into index tokens: runs of letters, digits and marks,
// lower-cased and without accents; runs of CJK characters become
// overlapping pairs ("東京都" → "東京", "京都"), a lone one stays itself.
func Tokens(s string) []string {
	var out []string
	each(s, func(tok string, _, _ int) { out = append(out, tok) })
	return out
}

// IndexText returns the tokens of s joined by spaces: what the stores
// index. It reads at most MaxIndexBytes of s.
func IndexText(s string) string {
	if len(s) > MaxIndexBytes {
		s = s[:MaxIndexBytes]
		for len(s) > 0 && !utf8.RuneStart(s[len(s)-1]) {
			s = s[:len(s)-1]
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	each(s, func(tok string, _, _ int) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
	})
	return b.String()
}

// each calls f with every token of s and the byte range of s it came from.
func each(s string, f func(tok string, start, end int)) {
	start := -1 // of the current run of word characters, else -1
	cjk := false
	flush := func(end int) {
		if start < 0 {
			return
		}
		if cjk {
			pairs(s[start:end], start, f)
		} else if tok := fold(s[start:end]); tok != "" {
			f(tok, start, end)
		}
		start = -1
	}
	for i, r := range s {
		switch {
		case isCJK(r):
			if start >= 0 && !cjk {
				flush(i)
			}
			if start < 0 {
				start, cjk = i, true
			}
		case isWord(r):
			if start >= 0 && cjk {
				flush(i)
			}
			if start < 0 {
				start, cjk = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
}

// pairs emits the overlapping two-character tokens of a CJK run.
func pairs(run string, offset int, f func(string, int, int)) {
	var at []int // byte offsets of the runes
	for i := range run {
		at = append(at, i)
	}
	at = append(at, len(run))
	n := len(at) - 1
	if n == 1 {
		f(run, offset, offset+len(run))
		return
	}
	for i := 0; i+1 < n; i++ {
		f(run[at[i]:at[i+2]], offset+at[i], offset+at[i+2])
	}
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isCJK reports whether r belongs to a script written without spaces
// between words, which Herald indexes in pairs of characters.
func isCJK(r rune) bool {
	if r < 0x1100 { // below Hangul Jamo, the first of these blocks: most text
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		r == 'ー' // the katakana long vowel mark, of the common script
}

// accents hands out transformers that remove combining marks once the
// text is decomposed. A chain keeps state while it runs, so each call
// takes its own: the pipeline and the web server fold words on many
// goroutines at once.
var accents = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// fold lower-cases w and removes its accents: "Café" → "cafe".
func fold(w string) string {
	w = strings.ToLower(w)
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			t := accents.Get().(transform.Transformer)
			out, _, err := transform.String(t, w)
			accents.Put(t)
			if err != nil { // the transformers never fail on valid text
				return w
			}
			return out
		}
	}
	return w
}
