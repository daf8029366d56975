package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The labelled set: each pair is two versions of one real page, the
// second made from the first by a scripted edit. The pages are real (the
// demo world's articles in a news page, readability-pages, WCXB); the
// edits are synthetic, and each is labelled by what it is: a true change
// of the article's words, a cosmetic change of the page around them, or
// a page that no longer carries the article (served with 200).

// label is whether a pair is a new revision.
type label int

const (
	trueChange label = iota
	cosmeticChange
	notArticle // a paywall, an error page or a consent wall
)

var labelNames = []string{"true change", "cosmetic", "paywall/error"}

// edit makes the two versions of a pair from a parsed page: it changes
// a (the old version) and b (the new one) in place, two parses of the
// same page, and reports false when the page has nothing it can work on.
type edit struct {
	name  string
	label label
	apply func(p *pair, r *rand.Rand) bool
}

// pair is the two parsed versions of a page, and what the edits need to
// know of it.
type pair struct {
	a, b  *html.Node
	title string // the title Herald extracted from the page
}

var edits = []edit{
	{"paragraph added", trueChange, func(p *pair, r *rand.Rand) bool {
		n := longestP(p.b)
		if n == nil {
			return false
		}
		insertAfter(n, elem(atom.P, "Update: "+sentence(r, 22)))
		return true
	}},
	{"sentence edited", trueChange, func(p *pair, r *rand.Rand) bool {
		n := longestP(p.b)
		t := longestText(n)
		if t == nil {
			return false
		}
		words := strings.Fields(t.Data)
		if len(words) < 12 {
			return false
		}
		at := len(words) / 2
		copy(words[at:at+4], strings.Fields(sentence(r, 4)))
		t.Data = strings.Join(words, " ")
		return true
	}},
	{"figure corrected", trueChange, func(p *pair, r *rand.Rand) bool {
		for _, n := range ps(p.b, 6) {
			for c := range n.Descendants() {
				if c.Type != html.TextNode {
					continue
				}
				if i := strings.IndexFunc(c.Data, unicode.IsDigit); i >= 0 {
					d := c.Data[i] - '0'
					c.Data = c.Data[:i] + string(rune('0'+(d+1+byte(r.IntN(8)))%10)) + c.Data[i+1:]
					return true
				}
			}
		}
		return false
	}},
	{"title changed", trueChange, func(p *pair, r *rand.Rand) bool {
		if len(strings.Fields(p.title)) < 3 {
			return false
		}
		changed := false
		for c := range p.b.Descendants() {
			switch {
			case c.Type == html.TextNode && strings.Contains(c.Data, p.title):
				c.Data = strings.Replace(c.Data, p.title, p.title+", officials say", 1)
				changed = true
			case c.Type == html.ElementNode && c.DataAtom == atom.Meta:
				for i, at := range c.Attr {
					if at.Key == "content" && strings.Contains(at.Val, p.title) {
						c.Attr[i].Val = strings.Replace(at.Val, p.title, p.title+", officials say", 1)
					}
				}
			}
		}
		return changed
	}},

	{"timestamp", cosmeticChange, func(p *pair, r *rand.Rand) bool {
		forms := []string{"Updated %02d:%02d GMT, 3 March 2026", "Last updated: 3 March 2026 at %d.%02d", "Published %d:%02d pm"}
		f := forms[r.IntN(len(forms))]
		return both(p, func(doc *html.Node, k int) bool {
			n := longestP(doc)
			if n == nil {
				return false
			}
			first := n.Parent.FirstChild
			n.Parent.InsertBefore(elem(atom.P, fmt.Sprintf(f, 9+k, 5+40*k)), first)
			return true
		})
	}},
	{"counters", cosmeticChange, func(p *pair, r *rand.Rand) bool {
		forms := []string{"%d comments", "%d,%03d views", "Comments (%d)", "%d shares"}
		f := forms[r.IntN(len(forms))]
		return both(p, func(doc *html.Node, k int) bool {
			n := longestP(doc)
			if n == nil {
				return false
			}
			var s string
			if strings.Count(f, "%") == 2 {
				s = fmt.Sprintf(f, 12+k, 433+97*k)
			} else {
				s = fmt.Sprintf(f, 38+29*k)
			}
			n.Parent.AppendChild(elem(atom.P, s))
			return true
		})
	}},
	{"ad rotated", cosmeticChange, func(p *pair, r *rand.Rand) bool {
		copyA := []string{"Switch your energy supplier and save up to £300 a year.", "Holidays in the sun from £199 per person."}
		copyB := []string{"The new hatchback: book a test drive today.", "Learn a language in ten minutes a day."}
		i := r.IntN(2)
		return both(p, func(doc *html.Node, k int) bool {
			n := longestP(doc)
			if n == nil {
				return false
			}
			ad := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div,
				Attr: []html.Attribute{{Key: "class", Val: "ad-slot"}}}
			ad.AppendChild(elem(atom.P, "Advertisement"))
			ad.AppendChild(elem(atom.P, [][]string{copyA, copyB}[k][i]))
			insertAfter(n, ad)
			return true
		})
	}},
	{"whitespace", cosmeticChange, func(p *pair, r *rand.Rand) bool {
		changed := false
		for _, n := range ps(p.b, 1000) {
			for c := range n.Descendants() {
				if c.Type == html.TextNode && strings.Contains(c.Data, " ") {
					c.Data = strings.ReplaceAll(c.Data, ". ", ".  \n\t")
					c.Data = strings.Replace(c.Data, " ", "\u00a0", 1)
					changed = true
				}
			}
		}
		return changed
	}},
	{"session token", cosmeticChange, func(p *pair, r *rand.Rand) bool {
		return both(p, func(doc *html.Node, k int) bool {
			tok := fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
			for c := range doc.Descendants() {
				if c.Type == html.ElementNode && c.DataAtom == atom.A {
					for i, at := range c.Attr {
						if at.Key == "href" {
							sep := "?"
							if strings.Contains(at.Val, "?") {
								sep = "&"
							}
							c.Attr[i].Val += sep + "sid=" + tok
						}
					}
				}
			}
			n := longestP(doc)
			if n == nil {
				return false
			}
			n.Parent.AppendChild(elem(atom.P, "Copy link: https://example.com/s/"+tok))
			return true
		})
	}},
	{"boilerplate reordered", cosmeticChange, func(p *pair, r *rand.Rand) bool {
		items := []string{"Harbour wall plan goes to a vote", "Ferry timetable changes from Monday",
			"School meals: what the new rules mean", "Storm warning for the coast tonight", "Quiz: the week in pictures"}
		return both(p, func(doc *html.Node, k int) bool {
			n := longestP(doc)
			if n == nil {
				return false
			}
			aside := &html.Node{Type: html.ElementNode, Data: "aside", DataAtom: atom.Aside}
			aside.AppendChild(elem(atom.H2, "Most read"))
			ul := &html.Node{Type: html.ElementNode, Data: "ul", DataAtom: atom.Ul}
			for i := range items {
				li := &html.Node{Type: html.ElementNode, Data: "li", DataAtom: atom.Li}
				a := elem(atom.A, items[(i+2*k)%len(items)])
				a.Attr = []html.Attribute{{Key: "href", Val: "/most-read/" + fmt.Sprint((i+2*k)%len(items))}}
				li.AppendChild(a)
				ul.AppendChild(li)
			}
			aside.AppendChild(ul)
			insertAfter(n, aside)
			return true
		})
	}},

	{"paywall", notArticle, func(p *pair, r *rand.Rand) bool {
		list := ps(p.b, 1000)
		n := longestP(p.b)
		if n == nil || len(list) < 4 {
			return false
		}
		// The article's first two paragraphs stay; every other
		// paragraph of some length, wherever it is, goes.
		parent, kept := n.Parent, 0
		for c := parent.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.P && kept < 2 {
				c.Attr = append(c.Attr, html.Attribute{Key: "data-kept", Val: "1"})
				kept++
			}
		}
		for _, c := range list {
			if textLen(c) >= 40 && !hasAttr(c, "data-kept") && c.Parent != nil {
				c.Parent.RemoveChild(c)
			}
		}
		box := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div, Attr: []html.Attribute{{Key: "class", Val: "paywall"}}}
		box.AppendChild(elem(atom.P, "This article is for subscribers only. Subscribe for £1 a week to continue reading."))
		box.AppendChild(elem(atom.P, "Already a subscriber? Sign in."))
		parent.AppendChild(box)
		return true
	}},
	{"error page", notArticle, func(p *pair, r *rand.Rand) bool {
		return replaceBody(p.b, "Sorry, something went wrong", "We are having some technical difficulties. Please try again later.",
			"If the problem persists, contact our help desk.")
	}},
	{"consent wall", notArticle, func(p *pair, r *rand.Rand) bool {
		return replaceBody(p.b, "We value your privacy",
			"We and our 842 partners store and access information on your device, such as cookies, and process personal data, "+
				"such as unique identifiers and standard information sent by a device, for personalised advertising and content, "+
				"advertising and content measurement, audience research and services development.",
			"You may click to consent to our and our partners' processing as described above. Accept all. Manage options.")
	}},
}

// both applies f to the old version (k 0) and the new one (k 1).
func both(p *pair, f func(doc *html.Node, k int) bool) bool {
	return f(p.a, 0) && f(p.b, 1)
}

func elem(a atom.Atom, text string) *html.Node {
	n := &html.Node{Type: html.ElementNode, Data: a.String(), DataAtom: a}
	n.AppendChild(&html.Node{Type: html.TextNode, Data: text})
	return n
}

func insertAfter(n, add *html.Node) { n.Parent.InsertBefore(add, n.NextSibling) }

func textLen(n *html.Node) int {
	l := 0
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			l += len(strings.TrimSpace(c.Data))
		}
	}
	return l
}

// ps returns up to max <p> elements of doc, the longest first.
func ps(doc *html.Node, max int) []*html.Node {
	var list []*html.Node
	for c := range doc.Descendants() {
		if c.Type == html.ElementNode && c.DataAtom == atom.P && c.Parent != nil {
			list = append(list, c)
		}
	}
	// A stable order by length, longest first.
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && textLen(list[j]) > textLen(list[j-1]); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	return list[:min(len(list), max)]
}

// longestP is the page's longest paragraph: in the article on any
// article page.
func longestP(doc *html.Node) *html.Node {
	if list := ps(doc, 1); len(list) > 0 {
		return list[0]
	}
	return nil
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func longestText(n *html.Node) *html.Node {
	if n == nil {
		return nil
	}
	var best *html.Node
	for c := range n.Descendants() {
		if c.Type == html.TextNode && (best == nil || len(c.Data) > len(best.Data)) {
			best = c
		}
	}
	return best
}

// replaceBody empties the page's body but for its header, if it has one,
// and puts a short message in its place.
func replaceBody(doc *html.Node, title string, paras ...string) bool {
	var body *html.Node
	for c := range doc.Descendants() {
		if c.Type == html.ElementNode && c.DataAtom == atom.Body {
			body = c
			break
		}
	}
	if body == nil {
		return false
	}
	for c := body.FirstChild; c != nil; {
		next := c.NextSibling
		if !(c.Type == html.ElementNode && c.DataAtom == atom.Header) {
			body.RemoveChild(c)
		}
		c = next
	}
	main := &html.Node{Type: html.ElementNode, Data: "main", DataAtom: atom.Main}
	main.AppendChild(elem(atom.H1, title))
	for _, p := range paras {
		main.AppendChild(elem(atom.P, p))
	}
	body.AppendChild(main)
	return true
}

var fillerWords = strings.Fields(`the council said on Monday that engineers would return to the site after
the storm and that residents could expect the repairs to take several weeks while officials reviewed
the cost of the work and the contract for the next phase of the project`)

// sentence is n words of plain news prose, different for each r.
func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = fillerWords[r.IntN(len(fillerWords))]
	}
	w[n-1] += "."
	return strings.ToUpper(w[0][:1]) + strings.Join(w, " ")[1:]
}
