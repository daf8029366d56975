// Package sanitize makes HTML from outside safe to publish: article bodies
// keep their structure (paragraphs, sub-heads, lists, quotations, figures,
// links) and lose everything that could run or track (scripts, event
// handlers, javascript: URLs, frames, forms, styles). It also turns a body
// into plain text and plain text into paragraphs.
package sanitize

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// articlePolicy is built once; bluemonday policies are safe for concurrent
// use. Images are left out: loading them from the outlet would be a
// third-party request from the reader's browser.
//
// articlePolicy is built once: bluemonday policies are safe for concurrent use.
var articlePolicy = newArticlePolicy()

func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
		"strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "q", "cite", "abbr",
		"code", "pre", "hr", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr",
		"th", "td", "caption", "dl", "dt", "dd", "time")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("datetime").OnElements("time")
	p.AllowAttrs("colspan", "rowspan").OnElements("td", "th")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	// Headings in a body sit under the page's own h1, so an h1 in the
	// source becomes a sub-head rather than a second page title.
	return p
}

var h1Tag = regexp.MustCompile(`(?i)<(/?)h1(\s|>)`)

// Article returns the publishable form of an article body.
func Article(body string) string {
	body = h1Tag.ReplaceAllString(body, "<${1}h2${2}")
	return strings.TrimSpace(articlePolicy.Sanitize(body))
}

// blocks are the elements after which plain text starts a new paragraph.
var blocks = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "tr": true,
	"figcaption": true, "section": true, "article": true, "dd": true, "dt": true, "hr": true,
	"ul": true, "ol": true, "table": true, "figure": true,
}

// Text returns the words of an HTML body as plain text, one paragraph per
// block element, paragraphs separated by a blank line.
func Text(body string) string {
	z := xhtml.NewTokenizer(strings.NewReader(body))
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := strings.Join(strings.Fields(cur.String()), " "); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	skip := 0 // inside script or style
	for {
		switch tt := z.Next(); tt {
		case xhtml.ErrorToken:
			flush()
			return strings.Join(paras, "\n\n")
		case xhtml.TextToken:
			if skip == 0 {
				cur.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch tag := string(name); {
			case tag == "script" || tag == "style":
				if tt == xhtml.StartTagToken {
					skip++
				} else if tt == xhtml.EndTagToken && skip > 0 {
					skip--
				}
			case blocks[tag]:
				flush()
			}
		}
	}
}

var blankLine = regexp.MustCompile(`\n\s*\n`)

// Paragraphs turns plain text into HTML: each run of text between blank
// lines becomes an escaped paragraph, single line breaks become <br>.
func Paragraphs(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var b strings.Builder
	for _, para := range blankLine.Split(text, -1) {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		for i, l := range lines {
			lines[i] = html.EscapeString(strings.TrimSpace(l))
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>\n")
	}
	return strings.TrimSpace(b.String())
}
