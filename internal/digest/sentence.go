package digest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is one sentence of a text with what the splitter learnt about it
// on the way.
type sentence struct {
	text string
	// pos is the sentence's index in its text, from 0.
	pos int
	// quoted is set for direct speech: the sentence starts inside a
	// quotation or with a quotation mark, or most of its words are quoted.
	// A scare-quoted word or two ("a 'reckless' plan") does not count.
	quoted bool
	// closed is set when the sentence ends with a full stop.
	closed bool
	// words counts its words.
	words int
}

// Split returns the sentences of text in order, with white space folded.
// Paragraph and line breaks always end a sentence. A full stop ends one
// unless it follows a known abbreviation ("Mr.", "Gen."), an initial ("J.
// K. Rowling") or a dotted acronym ("U.S."), or, in a text that uses
// capitals, the next word starts in lower case ("approx. five"); a full stop
// inside a number ("3.5") never ends one. Closing quotation marks and
// brackets stay with the sentence they close. Text that arrives already
// tokenised (" . " with spaces) splits the same way.
func Split(text string) []string {
	ss := split(text)
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.text
	}
	return out
}

// maxQuoteCarry bounds how many sentences an unclosed quotation may run
// into: a stray apostrophe must not turn the rest of an article into
// speech.
const maxQuoteCarry = 3

func split(text string) []sentence {
	cased := hasUpper(text)
	var out []sentence
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		toks := strings.Fields(line)
		var (
			start       = 0
			inQuote     = false
			carried     = 0 // sentences the current open quotation has run into
			startQuoted = false
			quotedWords = 0
		)
		for i := 0; i < len(toks); i++ {
			tok := toks[i]
			if i == start {
				startQuoted = inQuote || opensQuote(tok) && tok != "'" || tok == "'" && !(i > 0 && possessive(toks[i-1]))
				quotedWords = 0
			}
			// Marks before the word open (or close) the quotation before it
			// is counted; marks after it, after.
			before := 0
			if opensQuote(tok) && !(tok == "'" && !inQuote && i > 0 && possessive(toks[i-1])) {
				before = 1
			}
			after := quoteMarks(tok)
			if !leadingQuote(tok) {
				after -= before
			}
			if before == 1 {
				inQuote = !inQuote
			}
			if inQuote {
				quotedWords++
			}
			for range max(after, 0) {
				inQuote = !inQuote
			}
			last := i == len(toks)-1
			if !last && !endsSentence(tok, toks[i+1], cased) {
				continue
			}
			// In tokenised text the mark closing a quotation stands after
			// the full stop: it belongs to this sentence, not the next.
			if inQuote && i+1 < len(toks) && pureQuote(toks[i+1]) {
				i++
				inQuote = false
			}
			words := toks[start : i+1]
			s := sentence{
				text:   strings.Join(words, " "),
				pos:    len(out),
				closed: strings.HasSuffix(strings.TrimRight(tok, closers), "."),
				words:  countWords(words),
			}
			s.quoted = startQuoted || quotedWords*5 >= s.words*2
			out = append(out, s)
			start = i + 1
			if inQuote {
				carried++
				if carried > maxQuoteCarry {
					inQuote, carried = false, 0
				}
			} else {
				carried = 0
			}
		}
	}
	return out
}

// closers may follow the full stop that ends a sentence.
const closers = `"'”’»)]`

// endsSentence reports whether tok ends a sentence, given the token after
// it and whether the text uses capitals at all.
func endsSentence(tok, next string, cased bool) bool {
	core := strings.TrimRight(tok, closers)
	switch {
	case core == "":
		return false
	case strings.HasSuffix(core, "!") || strings.HasSuffix(core, "?"):
		return true
	case !strings.HasSuffix(core, ".") && !strings.HasSuffix(core, "…"):
		return false
	}
	word := strings.ToLower(strings.TrimLeft(strings.TrimRight(core, ".…"), `"'“‘«([`))
	if cased && startsLower(next) {
		return false
	}
	switch {
	case word == "":
		return true // a full stop of its own, as in tokenised text
	case abbreviations[word]:
		return false
	case utf8.RuneCountInString(word) == 1 && unicode.IsLetter([]rune(word)[0]):
		return false // an initial
	case strings.Contains(word, "."):
		// "U.S." and "a.m." end a sentence only when a capital follows in
		// a text that has capitals, and even then "U.S. President" would
		// break; dotted acronyms mostly sit inside sentences.
		return cased && (word == "a.m" || word == "p.m") && startsUpper(next)
	}
	return true
}

// possessive reports whether a lone "'" after prev is the apostrophe of a
// plural possessive in tokenised text ("the players ' union") rather than a
// quotation mark.
func possessive(prev string) bool {
	return strings.HasSuffix(prev, "s") || strings.HasSuffix(prev, "S")
}

// pureQuote reports whether tok is nothing but a quotation mark.
func pureQuote(tok string) bool {
	switch tok {
	case "'", "''", `"`, "”", "’", "»":
		return true
	}
	return false
}

// opensQuote reports whether a sentence starting with tok starts with a
// quotation mark.
func opensQuote(tok string) bool {
	return strings.HasPrefix(tok, `"`) || strings.HasPrefix(tok, "“") || strings.HasPrefix(tok, "«") ||
		strings.HasPrefix(tok, "``") || strings.HasPrefix(tok, "‘") || leadingQuote(tok)
}

// leadingQuote reports whether tok starts with a single quotation mark that
// opens a quotation: "'" alone (tokenised text), or "'" before a letter
// ("'We…"), but not an elision like "'90s".
func leadingQuote(tok string) bool {
	if tok == "'" || tok == "‘" || tok == "’" {
		return true
	}
	if !strings.HasPrefix(tok, "'") && !strings.HasPrefix(tok, "‘") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(tok, "'‘"))
	return unicode.IsUpper(r)
}

// quoteMarks counts the double quotation marks in tok, and a single one
// that closes a quotation after punctuation ("win,'"). A lone "'" is
// counted by leadingQuote.
func quoteMarks(tok string) int {
	n := strings.Count(tok, `"`) + strings.Count(tok, "“") + strings.Count(tok, "”") +
		strings.Count(tok, "«") + strings.Count(tok, "»") + strings.Count(tok, "``") + strings.Count(tok, "''")
	if tok == "'" || tok == "‘" || tok == "’" || tok == "''" {
		return n
	}
	for _, end := range []string{",'", ".'", "?'", "!'", ",’", ".’", "?’", "!’"} {
		if strings.HasSuffix(tok, end) {
			return n + 1
		}
	}
	return n
}

func countWords(toks []string) int {
	n := 0
	for _, t := range toks {
		if strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

func hasUpper(s string) bool { return strings.IndexFunc(s, unicode.IsUpper) >= 0 }

func firstLetter(s string) (rune, bool) {
	i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	if i < 0 {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r, true
}

func startsLower(s string) bool { r, ok := firstLetter(s); return ok && unicode.IsLower(r) }
func startsUpper(s string) bool { r, ok := firstLetter(s); return ok && unicode.IsUpper(r) }

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = set("mr mrs ms dr st jr sr gen gov sen rep lt col capt sgt prof rev vs no nos jan feb mar apr aug sept sep oct nov dec inc corp co ltd calif fla mass wash approx est dept fig vol ft mt ave blvd")

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
