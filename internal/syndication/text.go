package syndication

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cleanText turns a title, name or other short field into plain text: HTML
// tags are dropped (with the contents of script and style), entities
// decoded, control characters removed and runs of white space folded into
// one space. Feeds escape titles once, twice or not at all, so the text is
// read as HTML even after the XML parser has decoded it.
func cleanText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return foldSpace(s)
	}
	var b strings.Builder
	z := html.NewTokenizerFragment(strings.NewReader(s), "div")
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return foldSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				skip++
			default:
				if isBreak(a) {
					b.WriteByte(' ')
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				if skip > 0 {
					skip--
				}
			default:
				if isBreak(a) {
					b.WriteByte(' ')
				}
			}
		}
	}
}

// isBreak reports whether an element separates words, so that
// "<p>One</p><p>Two</p>" reads "One Two".
func isBreak(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.P, atom.Div, atom.Li, atom.Td, atom.Th, atom.Tr,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Hr:
		return true
	}
	return false
}

// foldSpace removes control characters and folds white space.
func foldSpace(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

var blankLines = regexp.MustCompile(`\n[ \t\r]*\n\s*`)

// textToHTML turns plain text into HTML paragraphs: blank lines separate
// paragraphs and single line breaks become <br>.
func textToHTML(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, p := range blankLines.Split(s, -1) {
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(p), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}
