// Package comment holds the rules for readers' comments that do not depend
// on where comments are stored or how pages are served: rendering a
// comment's plain text as HTML, the moderation decision and its reasons,
// the signed token that every comment form carries, and the naive Bayes
// spam classifier that learns from moderators.
package comment

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// bareLink finds what Render makes clickable: http and https addresses
// written out in full. Nothing else in a comment is interpreted.
var bareLink = regexp.MustCompile(`https?://[^\s<>"'` + "`" + `]+`)

// blankLine separates paragraphs.
var blankLine = regexp.MustCompile(`\n[ \t]*\n+`)

// Render turns a comment's plain text into HTML: every character escaped,
// blank lines separating paragraphs, single line breaks kept, and bare
// http(s) links made clickable with rel="nofollow ugc". Markup typed by
// the reader stays visible as text.
func Render(text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for _, para := range blankLine.Split(strings.TrimSpace(text), -1) {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>\n")
			}
			writeLine(&b, line)
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}

func writeLine(b *strings.Builder, line string) {
	last := 0
	for _, m := range bareLink.FindAllStringIndex(line, -1) {
		start, end := m[0], m[1]
		// Punctuation that ends a sentence is not part of the address.
		for end > start && strings.ContainsRune(".,;:!?)]}", rune(line[end-1])) {
			end--
		}
		href := line[start:end]
		b.WriteString(html.EscapeString(line[last:start]))
		if u, err := url.Parse(href); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
			b.WriteString(`<a href="` + html.EscapeString(u.String()) + `" rel="nofollow ugc noopener">` +
				html.EscapeString(href) + `</a>`)
		} else {
			b.WriteString(html.EscapeString(href))
		}
		last = end
	}
	b.WriteString(html.EscapeString(line[last:]))
}

// CountLinks counts the addresses in a comment's text, the way moderation
// sees them: written out, or as an HTML link someone hoped would work.
func CountLinks(text string) int {
	return len(bareLink.FindAllString(text, -1)) + strings.Count(strings.ToLower(text), "<a ")
}

// SafeWebsite returns the author's website as a link target when it is a
// plain http(s) address, and "" otherwise, so that no javascript: or
// data: address is ever linked.
func SafeWebsite(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}
