package search

import (
	"strings"

	"github.com/herald-news/herald"
)

// Parse reads the query language readers type into the form every store
// translates:
//
//	word           the word must occur
//	"two words"    the words must occur together, in this order
//	-word, -"a b"  must not occur
//	a OR b         either (OR in capitals, between two terms)
//
// Anything else is a word. An empty query, one longer than
// herald.MaxQueryLen bytes or with more than herald.MaxQueryTerms terms,
// and one with nothing to find (only operators, punctuation or excluded
// words) are EINVALID errors whose message tells the reader what to do.
func Parse(text string) (herald.Query, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return herald.Query{}, herald.Errorf(herald.EINVALID, "type a word to search for")
	case len(text) > herald.MaxQueryLen:
		return herald.Query{}, herald.Errorf(herald.EINVALID,
			"the search is %d characters long; the limit is %d", len([]rune(text)), herald.MaxQueryLen)
	}
	var q herald.Query
	terms := 0
	orNext := false // an OR was read after the last positive term
	for _, t := range lex(text) {
		if t.or {
			orNext = len(q.Must) > 0
			continue
		}
		p := herald.Phrase(Tokens(t.text))
		if len(p) == 0 {
			continue // punctuation only, or an empty pair of quotes
		}
		if terms++; terms > herald.MaxQueryTerms {
			return herald.Query{}, herald.Errorf(herald.EINVALID,
				"the search has more than %d words and phrases; use fewer", herald.MaxQueryTerms)
		}
		switch {
		case t.not:
			q.Not = append(q.Not, p)
		case orNext:
			last := len(q.Must) - 1
			q.Must[last] = append(q.Must[last], p)
		default:
			q.Must = append(q.Must, herald.Clause{p})
		}
		orNext = false
	}
	if len(q.Must) == 0 {
		if len(q.Not) > 0 {
			return herald.Query{}, herald.Errorf(herald.EINVALID,
				"the search only says what to leave out; add a word to look for")
		}
		return herald.Query{}, herald.Errorf(herald.EINVALID,
			"the search has no words to look for, only operators or punctuation")
	}
	return q, nil
}

// term is one lexical item of a query: a word or a quoted phrase, maybe
// excluded, or the OR operator.
type term struct {
	text    string
	not, or bool
}

// lex splits a query into terms. An unclosed quote runs to the end.
func lex(s string) []term {
	var out []term
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if s == "" {
			return out
		}
		var t term
		if s[0] == '-' && len(s) > 1 && s[1] != ' ' {
			t.not, s = true, s[1:]
		}
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				t.text, s = s[1:], ""
			} else {
				t.text, s = s[1:1+end], s[2+end:]
			}
			out = append(out, t)
			continue
		}
		end := strings.IndexAny(s, " \t\r\n\"")
		if end < 0 {
			end = len(s)
		}
		t.text, s = s[:end], s[end:]
		if t.text == "OR" && !t.not {
			t.or = true
		}
		out = append(out, t)
	}
}
