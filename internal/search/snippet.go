package search

import (
	"github.com/herald-news/herald"
)

// SnippetWords is about how many tokens of text a snippet shows.
const SnippetWords = 30

// Snippet returns the passage of text, about SnippetWords tokens long,
// that holds the most distinct words of q, with those words marked. With
// no match in text it returns the text's beginning. The parts are plain
// text, cut on token boundaries; the caller escapes them.
func Snippet(text string, q herald.Query) []herald.SnippetPart {
	if len(text) > MaxIndexBytes {
		text = text[:MaxIndexBytes]
	}
	want := map[string]bool{}
	for _, w := range q.Words() {
		want[w] = true
	}
	type tok struct {
		start, end int
		hit        string // the query word it matches, or ""
	}
	var toks []tok
	each(text, func(t string, start, end int) {
		h := ""
		if want[t] {
			h = t
		}
		toks = append(toks, tok{start, end, h})
	})
	if len(toks) == 0 {
		return nil
	}
	// Slide a window over the tokens; keep the one with the most distinct
	// matched words, then the most matches, the earliest among equals.
	bestAt, bestDistinct, bestHits := 0, -1, -1
	counts := map[string]int{}
	distinct, hits := 0, 0
	for i := range toks {
		if h := toks[i].hit; h != "" {
			if counts[h]++; counts[h] == 1 {
				distinct++
			}
			hits++
		}
		if i >= SnippetWords {
			if h := toks[i-SnippetWords].hit; h != "" {
				if counts[h]--; counts[h] == 0 {
					distinct--
				}
				hits--
			}
		}
		from := max(0, i-SnippetWords+1)
		if distinct > bestDistinct || (distinct == bestDistinct && hits > bestHits) {
			bestAt, bestDistinct, bestHits = from, distinct, hits
		}
	}
	// Start a little before the first match, so it reads in context.
	if bestDistinct > 0 {
		for j := bestAt; j < len(toks) && j < bestAt+SnippetWords; j++ {
			if toks[j].hit != "" {
				bestAt = max(0, j-4)
				break
			}
		}
	}
	last := min(len(toks), bestAt+SnippetWords) - 1
	var parts []herald.SnippetPart
	add := func(s string, match bool) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Match == match {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, herald.SnippetPart{Text: s, Match: match})
	}
	if bestAt > 0 {
		add("… ", false)
	}
	// Mark by byte, since CJK pairs overlap, then write runs of equal marks.
	from, to := toks[bestAt].start, toks[last].end
	marked := make([]bool, to-from)
	for j := bestAt; j <= last; j++ {
		if toks[j].hit != "" {
			for k := toks[j].start; k < toks[j].end; k++ {
				marked[k-from] = true
			}
		}
	}
	run := from
	for k := from + 1; k <= to; k++ {
		if k == to || marked[k-from] != marked[run-from] {
			add(text[run:k], marked[run-from])
			run = k
		}
	}
	if last < len(toks)-1 {
		add(" …", false)
	}
	return parts
}
