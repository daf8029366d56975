package sanitize

import "strings"

// maxLinkLineWords is the longest a line of nothing but a link can be and
// still be taken for a pointer elsewhere rather than prose: a headline's
// length ("Clockwatch: keep up with all tonight's other matches – live!").
const maxLinkLineWords = 15

// Prose returns the prose of an HTML body as plain text, as Text writes
// it, for an excerpt to be taken from. It leaves out what feeds put after
// a summary to lead elsewhere: lists most of whose items, nested ones
// among them, are nothing but a link (the Guardian's related articles), runs of short link-only lines
// after some prose (related headlines separated by <br>), and the short
// link-only lines that end a body ("Continue reading…", "Read it on …").
// Run together with the summary, those read as one sentence: "…at Wembley
// Clockwatch: keep up with all tonight's other matches – live!". A body
// that is nothing but links is returned as Text returns it.
func Prose(body string) string {
	paras := paragraphs(body)
	drop := notProse(paras)
	var kept, all []string
	for i, p := range paras {
		all = append(all, p.text)
		if !drop[i] {
			kept = append(kept, p.text)
		}
	}
	if len(kept) == 0 {
		return strings.Join(all, "\n\n")
	}
	return strings.Join(kept, "\n\n")
}

// notProse says which of paras Prose leaves out. Lists and lines of links
// count only after some prose: before it they are the item itself (a
// podcast's show notes, a chart's linked title and artist). A single link
// line within the prose is kept: it is as likely a name in the text ("Ann
// Other:" before a quotation) as a pointer elsewhere.
func notProse(paras []paragraph) []bool {
	lists := linkLists(paras)
	drop := make([]bool, len(paras))
	line := make([]bool, len(paras))
	afterProse := make(map[int]bool) // by list: whether prose came before it
	prose := false
	for i, p := range paras {
		if _, seen := afterProse[p.list]; p.list != 0 && !seen {
			afterProse[p.list] = prose
		}
		drop[i] = p.list != 0 && lists[p.list] && afterProse[p.list]
		line[i] = p.list == 0 && linkOnly(p) && len(strings.Fields(p.text)) <= maxLinkLineWords
		prose = prose || (!line[i] && !(p.list != 0 && lists[p.list]))
	}
	prose = false
	for i := 0; i < len(paras); {
		j := i // paras[i:j] is a run of link lines
		for j < len(paras) && line[j] {
			j++
		}
		for k := i; k < j && j-i >= 2 && prose; k++ {
			drop[k] = true
		}
		if j == i {
			prose = prose || !drop[i]
			j++
		}
		i = j
	}
	for i := len(paras) - 1; i >= 0 && (drop[i] || line[i]) && prose; i-- {
		drop[i] = true
	}
	return drop
}

// linkLists returns the lists (by paragraph.list) most of whose items are
// nothing but a link.
func linkLists(paras []paragraph) map[int]bool {
	items, links := make(map[int]int), make(map[int]int)
	for _, p := range paras {
		if p.list == 0 {
			continue
		}
		items[p.list]++
		if linkOnly(p) {
			links[p.list]++
		}
	}
	out := make(map[int]bool)
	for l, n := range items {
		out[l] = 2*links[l] > n
	}
	return out
}

// maxOutsideLetters is how many letters a link-only line may have outside
// its link: a word or two of furniture, "– live!", "Read it on".
const maxOutsideLetters = 8

// linkOnly reports whether p is nothing but a link, give or take a few
// letters around it: at most maxOutsideLetters, or a fifth of its letters
// for a long one. Prose that links its nouns has more.
func linkOnly(p paragraph) bool {
	outside := p.letters - p.linkLetters
	return p.linkLetters > 0 && (outside <= maxOutsideLetters || 5*outside <= p.letters)
}
