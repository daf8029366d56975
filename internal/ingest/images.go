package ingest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/herald-news/herald"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// nameImages gives a new article the list of its pictures (see
// ArticleImages), for the fetch worker to fetch. It runs after the
// article is stored, so its failure never loses the article: store
// returns it as it returns the topics' (the article stays, without
// pictures). A copy of a text already published names none: its page is
// the other copy's.
func (p *Pipeline) nameImages(ctx context.Context, a *herald.Article, created bool, policy herald.ImagePolicy) error {
	if p.Media == nil || !created || a.DuplicateOf != 0 {
		return nil
	}
	list := ArticleImages(a, policy)
	if len(list) == 0 {
		return nil
	}
	if err := p.Media.SetArticleImages(ctx, a.ID, list); err != nil {
		return fmt.Errorf("name pictures of %s: %w", a, err)
	}
	return nil
}

// ArticleImages returns the pictures Herald shows of a under policy (its
// source's setting; "" follows a's licence), in order: the lead, then, for
// ImagesAll, the pictures of the body. The policy never shows more than
// a's licence allows (see herald.ImagePolicy.Within).
//
// The lead is a.Image, the picture the source named for the article (a
// feed's enclosure, media:content or media:thumbnail; the page's JSON-LD
// image, else its og:image), and else the first picture of the body. A
// lead that is also in the body is listed once, as the lead, with the
// body's alternative text and caption. A full licence shows everything, an
// excerpt the lead only, a headline nothing. Pictures whose address or
// text the store would refuse are left out, so the rest are kept.
func ArticleImages(a *herald.Article, policy herald.ImagePolicy) []herald.ArticleImage {
	policy = policy.Within(a.Licence)
	if policy == herald.ImagesNone {
		return nil
	}
	body := BodyImages(a.HTML)
	var list []herald.ArticleImage
	lead := strings.TrimSpace(a.Image)
	if lead != "" && herald.CheckWebURL(lead) == nil && len(lead) <= herald.MaxURLLen {
		im := herald.ArticleImage{SourceURL: lead}
		for i, b := range body {
			if b.SourceURL == lead {
				im = b
				body = append(body[:i:i], body[i+1:]...)
				break
			}
		}
		list = append(list, im)
	} else if len(body) > 0 {
		list, body = body[:1:1], body[1:]
	}
	if len(list) > 0 {
		list[0].Role = herald.RoleLead
	}
	if policy == herald.ImagesAll {
		list = append(list, body...)
	}
	if len(list) > herald.MaxArticleImages {
		list = list[:herald.MaxArticleImages]
	}
	return list
}

// BodyImages returns the pictures of a sanitised body, in order, each
// once, with its alternative text and, for the first picture of a
// <figure>, the figure's caption and credit: a credit is the caption's
// <small> (how sanitize keeps a credit line) or its closing "Photo: …".
func BodyImages(body string) []herald.ArticleImage {
	if !strings.Contains(body, "<img") {
		return nil
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return nil
	}
	var list []herald.ArticleImage
	seen := make(map[string]bool)
	captioned := make(map[*xhtml.Node]bool) // figures whose caption is taken
	var walk func(n *xhtml.Node, figure *xhtml.Node)
	walk = func(n *xhtml.Node, figure *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.DataAtom == atom.Figure {
			figure = n
		}
		if n.Type == xhtml.ElementNode && n.DataAtom == atom.Img {
			src := strings.TrimSpace(attrOf(n, "src"))
			if src != "" && !seen[src] && len(src) <= herald.MaxURLLen && herald.CheckWebURL(src) == nil {
				seen[src] = true
				im := herald.ArticleImage{Role: herald.RoleBody, SourceURL: src,
					Alt: clip(attrOf(n, "alt"), herald.MaxImageAltLen)}
				if figure != nil && !captioned[figure] {
					captioned[figure] = true
					im.Caption, im.Credit = figureCaption(figure)
				}
				list = append(list, im)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, figure)
		}
	}
	for _, n := range nodes {
		walk(n, nil)
	}
	return list
}

// creditLine matches a credit at the end of a caption: "Photo: Jo Bloggs",
// "(Picture: Reuters)", "© AP".
var creditLine = regexp.MustCompile(`(?i)[\s(\[]*((?:photo(?:graph)?|picture|image|credit|photo credit|illustration)\s*(?::|by)\s*[^()\[\]]+|©\s*[^()\[\]]+)[)\]]?\s*$`)

// figureCaption returns the caption and the credit of a figure.
func figureCaption(figure *xhtml.Node) (caption, credit string) {
	var fc *xhtml.Node
	for c := figure.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xhtml.ElementNode && c.DataAtom == atom.Figcaption {
			fc = c
			break
		}
	}
	if fc == nil {
		return "", ""
	}
	var capB, credB strings.Builder
	var walk func(n *xhtml.Node, inCredit bool)
	walk = func(n *xhtml.Node, inCredit bool) {
		if n.Type == xhtml.TextNode {
			if inCredit {
				credB.WriteString(n.Data)
			} else {
				capB.WriteString(n.Data)
			}
		}
		inCredit = inCredit || (n.Type == xhtml.ElementNode && n.DataAtom == atom.Small)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inCredit)
		}
		if n.Type == xhtml.ElementNode && (n.DataAtom == atom.Br || n.DataAtom == atom.P) {
			capB.WriteString(" ")
		}
	}
	walk(fc, false)
	caption, credit = oneSpace(capB.String()), oneSpace(credB.String())
	if credit == "" {
		if m := creditLine.FindStringSubmatchIndex(caption); m != nil && m[0] > 0 {
			credit = strings.TrimSpace(caption[m[2]:m[3]])
			caption = strings.TrimSpace(caption[:m[0]])
		}
	}
	return clip(caption, herald.MaxImageCaptionLen), clip(credit, herald.MaxImageCreditLen)
}

// oneSpace returns s with its runs of space made one, and no control
// characters, which the store refuses.
func oneSpace(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// clip returns s, made one line, cut to at most max bytes at a rune
// boundary.
func clip(s string, max int) string {
	s = oneSpace(strings.ToValidUTF8(s, ""))
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimSpace(s)
}

func attrOf(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}
