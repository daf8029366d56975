// Package textdiff finds the words inserted and deleted between two
// versions of a text, for the page that shows what changed in an article.
package textdiff

import (
	"strings"
	"unicode"
)

// Op says what a Part of a diff is.
type Op int

// The parts of a diff.
const (
	Equal Op = iota
	Insert
	Delete
	Skip // unchanged words left out by Context; Text is a space
)

// Part is a run of text that is in both versions, only in the new one, or
// only in the old one.
type Part struct {
	Op   Op
	Text string
}

// maxEdits bounds the edit distance the word diff searches, after the
// common start and end are set aside: past it, two versions are compared
// paragraph by paragraph, and past that replaced whole. The search keeps
// memory growing with the square of the edits (about 8 MB at this
// bound), so a rewrite could otherwise cost far more for one page view.
const maxEdits = 1000

// Words returns the parts that turn old into new, word by word. Runs of
// one Op are
// merged, and the parts concatenated by kind give back each version:
// Equal and Delete make old, Equal and Insert make new.
func Words(old, new string) []Part {
	if old == new {
		return merge([]Part{{Equal, old}})
	}
	a, b := tokens(old), tokens(new)
	if parts, ok := diff(a, b); ok {
		return merge(parts)
	}
	a, b = paragraphs(old), paragraphs(new)
	if parts, ok := diff(a, b); ok {
		return merge(parts)
	}
	return merge([]Part{{Delete, old}, {Insert, new}})
}

// tokens splits s into words and the runs of space between them, so
// that a word at the end of a text matches the same word followed by
// more.
func tokens(s string) []string {
	var out []string
	start, inSpace := 0, false
	for i, r := range s {
		space := unicode.IsSpace(r)
		if i > start && space != inSpace {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// paragraphs splits s into its lines, each with its line break.
func paragraphs(s string) []string {
	return strings.SplitAfter(s, "\n")
}

// diff returns the parts turning a into b, or false when they differ by
// more than maxEdits tokens.
func diff(a, b []string) ([]Part, bool) {
	// The common start and end need no search.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	mid, ok := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	if !ok {
		return nil, false
	}
	parts := []Part{{Equal, strings.Join(a[:pre], "")}}
	parts = append(parts, mid...)
	return append(parts, Part{Equal, strings.Join(a[len(a)-suf:], "")}), true
}

// myers is E. Myers' O(ND) difference algorithm ("An O(ND) Difference
// Algorithm and Its Variations", 1986): it finds a shortest edit script
// by following diagonals, keeping each round's furthest points to walk
// the path back.
func myers(a, b []string) ([]Part, bool) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return []Part{{Delete, strings.Join(a, "")}, {Insert, strings.Join(b, "")}}, true
	}
	limit := min(n+m, maxEdits)
	offset := limit + 1
	v := make([]int, 2*limit+3)
	var trace []round
	for d := 0; d <= limit; d++ {
		// Round d reads only diagonals -d-1 to d+1 of the last.
		trace = append(trace, round{d: d, v: append([]int(nil), v[offset-d-1:offset+d+2]...)})
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1] // down: an insertion
			} else {
				x = v[offset+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[offset+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d), true
			}
		}
	}
	return nil, false
}

// round is the furthest points myers had reached before its round d, on
// diagonals -d-1 to d+1.
type round struct {
	d int
	v []int
}

// at returns the furthest point reached on diagonal k.
func (r round) at(k int) int { return r.v[k+r.d+1] }

// backtrack walks the rounds of myers back from the end, emitting the
// parts in reverse, then puts them in order.
func backtrack(a, b []string, trace []round, d int) []Part {
	var rev []Part
	x, y := len(a), len(b)
	for ; d > 0; d-- {
		r := trace[d]
		k := x - y
		var prevK int
		if k == -d || k != d && r.at(k-1) < r.at(k+1) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := r.at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, Part{Equal, a[x]})
		}
		if x == prevX {
			y--
			rev = append(rev, Part{Insert, b[y]})
		} else {
			x--
			rev = append(rev, Part{Delete, a[x]})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, Part{Equal, a[x]})
	}
	parts := make([]Part, len(rev))
	for i, p := range rev {
		parts[len(rev)-1-i] = p
	}
	return parts
}

// merge joins neighbouring parts of one Op and drops empty ones.
func merge(parts []Part) []Part {
	var out []Part
	for _, p := range parts {
		if p.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == p.Op {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}

// Stats counts the words a diff inserts and deletes.
func Stats(parts []Part) (inserted, deleted int) {
	for _, p := range parts {
		switch p.Op {
		case Insert:
			inserted += len(strings.Fields(p.Text))
		case Delete:
			deleted += len(strings.Fields(p.Text))
		}
	}
	return inserted, deleted
}

// Context keeps only the unchanged words near a change: at most n before
// and n after each one. The words left out become one Skip part each, so
// a page showing a long text's few changes stays short.
func Context(parts []Part, n int) []Part {
	var out []Part
	for i, p := range parts {
		if p.Op != Equal {
			out = append(out, p)
			continue
		}
		words := tokens(p.Text)
		keepStart, keepEnd := n, n
		if i == 0 {
			keepStart = 0 // nothing before it to give context to
		}
		if i == len(parts)-1 {
			keepEnd = 0
		}
		if countWords(words) <= keepStart+keepEnd+n {
			out = append(out, p)
			continue
		}
		head, tail := splitWords(words, keepStart, keepEnd)
		if head != "" {
			out = append(out, Part{Equal, head})
		}
		out = append(out, Part{Skip, " "})
		if tail != "" {
			out = append(out, Part{Equal, tail})
		}
	}
	return out
}

func countWords(toks []string) int {
	n := 0
	for _, t := range toks {
		if strings.TrimSpace(t) != "" {
			n++
		}
	}
	return n
}

// splitWords returns the text of the first head words of toks and of its
// last tail words.
func splitWords(toks []string, head, tail int) (string, string) {
	i, seen := 0, 0
	for i < len(toks) && seen < head {
		if strings.TrimSpace(toks[i]) != "" {
			seen++
		}
		i++
	}
	j, seen := len(toks), 0
	for j > i && seen < tail {
		j--
		if strings.TrimSpace(toks[j]) != "" {
			seen++
		}
	}
	return strings.Join(toks[:i], ""), strings.Join(toks[j:], "")
}
