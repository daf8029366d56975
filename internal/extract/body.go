package extract

import (
	"bytes"
	"cmp"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sanitize"
)

// urlAttrs are the attributes whose value is an address.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "poster": true}

// Bounds on the page handed to the extractor. The extractor's work grows
// faster than the page (2 MB of paragraphs take seconds), while real
// articles stay far below these: on WCXB the largest page has 5,000
// elements and 200 KB of text once scripts and styles are gone.
const (
	maxElements  = 30000
	maxTextBytes = 512 << 10
)

// dropTags are elements with nothing for a reader: Herald has read the
// JSON-LD out of the scripts already, and the extractor would only clone
// these three times over before throwing them away.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
}

// prepared is what prepare set aside of a page for bodyHTML to put back.
type prepared struct {
	// captions are the keys (see alnum) of the captions of the figures
	// made paragraphs.
	captions map[string]bool
	// pictures are the figures and pictures replaced by markers, the
	// marker of pictures[i] naming i (see pictureMarker).
	pictures []*html.Node
}

// prepare readies the parsed page for the extractor:
//
//   - Scripts, styles and other elements with nothing for a reader are
//     removed, and the page is cut after maxElements elements or
//     maxTextBytes of text, whichever comes first, so that the
//     extractor's work stays bounded; the cut drops the end of the page,
//     where comments and footers live.
//   - The extractor resolves relative links itself, ignoring <base href>
//     and treating the page's address as a directory ("a/b" + "c" gives
//     "a/b/c"), so every address is made absolute against base first,
//     srcset candidates included (sanitize.ResolveElement).
//   - The extractor removes <figure> elements whole, captions and all, so
//     each figure with a caption becomes a paragraph holding the caption,
//     and the captions are returned for bodyHTML to find afterwards.
//   - With links kept, the extractor loses the text of links inside table
//     cells ("the conditions are on the <a>council's website</a>." comes
//     out as "the conditions are on the"), so links in running text in
//     tables are unwrapped into their text. Links that make up most of
//     their block's text (a menu laid out in a table) stay links, for the
//     extractor to recognise as navigation.
//
// With keepPictures, each figure holding a picture, and each <img> or
// <picture> outside one, is set aside whole and replaced by a marker
// <img> for the extractor to keep or drop with the text around it (see
// markPictures); bodyHTML puts the originals back, so that sanitize
// chooses among their srcset candidates and drops decoration, as it does
// for a feed's body. Without, pictures are left to the extractor, which
// drops them.
func prepare(doc *html.Node, base *url.URL, keepPictures bool) prepared {
	p := prepared{captions: make(map[string]bool)}
	var drop, figures, cellLinks, pictures []*html.Node
	var cut *html.Node // the last node kept, once the bounds are reached
	elements, textBytes := 0, 0
	var walk func(n *html.Node, inCell bool)
	walk = func(n *html.Node, inCell bool) {
		switch n.Type {
		case html.CommentNode:
			drop = append(drop, n)
			return
		case html.TextNode:
			textBytes += len(n.Data)
		case html.ElementNode:
			if dropTags[n.DataAtom] {
				drop = append(drop, n)
				return
			}
			elements++
			sanitize.ResolveElement(n, base)
			switch n.DataAtom {
			case atom.Figure:
				figures = append(figures, n)
			case atom.Img, atom.Picture:
				pictures = append(pictures, n)
			case atom.Td, atom.Th:
				inCell = true
			case atom.A:
				if inCell {
					cellLinks = append(cellLinks, n)
				}
			}
		}
		if elements > maxElements || textBytes > maxTextBytes {
			cut = n
			return
		}
		for c := n.FirstChild; c != nil && cut == nil; c = c.NextSibling {
			walk(c, inCell)
		}
	}
	walk(doc, false)
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	for n := cut; n != nil && n.Parent != nil; n = n.Parent {
		for s := n.NextSibling; s != nil; s = n.NextSibling {
			n.Parent.RemoveChild(s)
		}
	}
	running := make(map[*html.Node]bool)
	for _, a := range cellLinks {
		if a.Parent == nil || !inRunningText(a, running) {
			continue
		}
		for c := a.FirstChild; c != nil; c = a.FirstChild {
			a.RemoveChild(c)
			a.Parent.InsertBefore(c, a)
		}
		a.Parent.RemoveChild(a)
	}
	if keepPictures {
		p.pictures = markPictures(figures, pictures)
	}
	for _, f := range figures {
		if f.Parent == nil || hasDescendant(f, atom.Table) || hasDescendant(f, atom.Figure) {
			continue
		}
		caption := findElement(f, atom.Figcaption)
		if caption == nil {
			continue
		}
		key := alnum(textOf(caption))
		if key == "" {
			continue
		}
		p.captions[key] = true
		para := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
		for c := caption.FirstChild; c != nil; c = caption.FirstChild {
			caption.RemoveChild(c)
			para.AppendChild(c)
		}
		f.Parent.InsertBefore(para, f)
		f.Parent.RemoveChild(f)
	}
	return p
}

// markerPrefix starts the address of a marker: a name that cannot be
// anyone's (.invalid is reserved), ending in .jpg because the extractor
// keeps only <img> elements whose address names a picture file.
const markerPrefix = "https://herald.invalid/picture/"

// pictureMarker returns the address of the marker of the i-th picture set
// aside.
func pictureMarker(i int) string { return markerPrefix + strconv.Itoa(i) + ".jpg" }

// markerIndex returns the index a marker's address names, or -1 when src
// is not a marker's.
func markerIndex(src string) int {
	s, ok := strings.CutPrefix(src, markerPrefix)
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(strings.TrimSuffix(s, ".jpg"))
	if err != nil {
		return -1
	}
	return i
}

// markPictures replaces by markers the figures that hold a picture (a
// figure of figures or of tables stays for prepare's other steps), then
// the pictures outside them, and returns what it replaced, in marker
// order. A marker keeps its picture's alternative text, which the
// extractor reads as it would the picture's.
func markPictures(figures, pictures []*html.Node) []*html.Node {
	var set []*html.Node
	mark := func(n, img *html.Node) {
		m := &html.Node{Type: html.ElementNode, Data: "img", DataAtom: atom.Img,
			Attr: []html.Attribute{{Key: "src", Val: pictureMarker(len(set))}}}
		if alt := attrOf(img, "alt"); alt != "" {
			m.Attr = append(m.Attr, html.Attribute{Key: "alt", Val: alt})
		}
		n.Parent.InsertBefore(m, n)
		n.Parent.RemoveChild(n)
		set = append(set, n)
	}
	for _, f := range figures {
		if f.Parent == nil || hasDescendant(f, atom.Table) || hasDescendant(f, atom.Figure) {
			continue
		}
		if img := findElement(f, atom.Img); img != nil || hasDescendant(f, atom.Picture) {
			mark(f, cmp.Or(img, f))
		}
	}
	for _, n := range pictures {
		if attached(n) && !(n.DataAtom == atom.Img && n.Parent.DataAtom == atom.Picture) {
			mark(n, cmp.Or(findElement(n, atom.Img), n))
		}
	}
	return set
}

// attached reports whether n is still in the document: none of its
// ancestors was set aside or removed.
func attached(n *html.Node) bool {
	for ; n.Parent != nil; n = n.Parent {
	}
	return n.Type == html.DocumentNode
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// blockTags are the elements inRunningText measures a link against.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Td: true, atom.Th: true, atom.Div: true,
	atom.Blockquote: true, atom.Dd: true,
}

// inRunningText reports whether link a is less than half of the text of
// the block it sits in. Blocks already measured are in known, so that a
// block full of links is measured once, not once per link.
func inRunningText(a *html.Node, known map[*html.Node]bool) bool {
	block := a.Parent
	for block != nil && !(block.Type == html.ElementNode && blockTags[block.DataAtom]) {
		block = block.Parent
	}
	if block == nil {
		return false
	}
	if r, ok := known[block]; ok {
		return r
	}
	var all, links int
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		if n.Type == html.TextNode {
			l := len(strings.TrimSpace(n.Data))
			all += l
			if inLink {
				links += l
			}
		}
		inLink = inLink || n.DataAtom == atom.A
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
	}
	walk(block, false)
	known[block] = 2*links < all
	return known[block]
}

// findElement returns the first element under n of kind a.
func findElement(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

func hasDescendant(n *html.Node, a atom.Atom) bool { return findElement(n, a) != nil }

// bodyHTML makes the extractor's output publishable: the spaces it lost
// put back, captions made figures again, the pictures prepare set aside
// put back in place of their markers (a marker the extractor dropped
// drops its picture), a first heading that only repeats the title removed
// (Herald shows the title above the body), addresses made absolute
// against base (readers must not be sent to relative links that point at
// Herald), then sanitised.
func bodyHTML(content *html.Node, base *url.URL, p prepared, title string) string {
	restoreSpaces(content)
	dropTitle(content, title)
	restored := make([]bool, len(p.pictures))
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "img" {
				if i := markerIndex(attrOf(n, "src")); i >= 0 {
					if i < len(p.pictures) && !restored[i] {
						restored[i] = true
						n.Parent.InsertBefore(p.pictures[i], n)
					}
					n.Parent.RemoveChild(n) // a marker's copy, if the extractor made one, goes too
					return
				}
			}
			attrs := n.Attr[:0]
			for _, a := range n.Attr {
				if urlAttrs[a.Key] {
					if a.Val = absoluteRef(a.Val, base); a.Val == "" {
						continue
					}
				}
				attrs = append(attrs, a)
			}
			n.Attr = attrs
			if n.Data == "p" && len(p.captions) > 0 && p.captions[alnum(textOf(n))] {
				// <figure><figcaption>…</figcaption></figure>
				n.Data, n.DataAtom = "figcaption", atom.Figcaption
				figure := &html.Node{Type: html.ElementNode, Data: "figure", DataAtom: atom.Figure}
				n.Parent.InsertBefore(figure, n)
				n.Parent.RemoveChild(n)
				figure.AppendChild(n)
				return
			}
		}
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling // walk may move c into a new figure, or replace it
			walk(c)
			c = next
		}
	}
	walk(content)
	var b bytes.Buffer
	for c := content.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			// A bytes.Buffer does not fail; Render refuses only malformed
			// nodes, which are best left out.
			continue
		}
	}
	return sanitize.Article(b.String())
}

// dropTitle removes the body's first block when it says nothing but the
// title: extractors often take the page's <h1> along with the text.
func dropTitle(content *html.Node, title string) {
	key := alnum(title)
	if key == "" {
		return
	}
	for c := content.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
			continue
		case c.Type == html.ElementNode && alnum(textOf(c)) == key:
			content.RemoveChild(c)
		}
		return
	}
}

// absoluteRef resolves ref against base, keeping its scheme: mailto: links
// stay, and the sanitiser removes schemes it does not allow.
func absoluteRef(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > herald.MaxURLLen {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ""
	}
	return u.String()
}

// paragraphTags start a new paragraph in the plain text.
var paragraphTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Blockquote: true,
	atom.Pre: true, atom.Tr: true, atom.Caption: true, atom.Figure: true, atom.Figcaption: true,
	atom.Section: true, atom.Article: true, atom.Dt: true, atom.Dd: true, atom.Hr: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Table: true,
}

// cellTags separate words that sit side by side in a table row.
var cellTags = map[atom.Atom]bool{atom.Td: true, atom.Th: true}

// plainText returns the words of a sanitised body, one paragraph per block
// element, paragraphs separated by a blank line, table cells by a space.
// It is sanitize.Text with table cells kept apart: that one runs the
// cells of a row together ("half" and "36" become "half36").
func plainText(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := strings.Join(strings.Fields(cur.String()), " "); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			flush()
			return strings.Join(paras, "\n\n")
		case html.TextToken:
			cur.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); {
			case paragraphTags[a]:
				flush()
			case cellTags[a]:
				cur.WriteByte(' ')
			}
		}
	}
}

// inlineTags are the elements that sit inside a line of text.
var inlineTags = map[atom.Atom]bool{
	atom.A: true, atom.B: true, atom.Strong: true, atom.I: true, atom.Em: true, atom.U: true,
	atom.S: true, atom.Span: true, atom.Code: true, atom.Small: true, atom.Mark: true,
	atom.Q: true, atom.Cite: true, atom.Abbr: true, atom.Time: true, atom.Del: true, atom.Ins: true,
}

// restoreSpaces puts back the spaces go-trafilatura loses at the edges of
// inline elements. It trims the text inside and after each element it
// keeps, so "by <a>Alex</a>" can come out as "by<a>Alex</a>" and
// "<strong> at the</strong>" as "<strong>at the</strong>", and readers see
// words run together. A space goes back wherever a word would otherwise
// touch an inline element's edge, except in scripts written without
// spaces, and after single-letter drop capitals ("<b>T</b>he").
func restoreSpaces(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		restoreSpaces(c)
		if !isInline(c) {
			continue
		}
		inner := textOf(c)
		first, _ := utf8.DecodeRuneInString(inner)
		last, _ := utf8.DecodeLastRuneInString(inner)
		if p := c.PrevSibling; p != nil && (p.Type == html.TextNode || isInline(p)) {
			before, _ := utf8.DecodeLastRuneInString(textOf(p))
			if endsWord(before) && startsWord(first) {
				insertSpaceBefore(c)
			}
		}
		if next := c.NextSibling; next != nil && next.Type == html.TextNode {
			after, _ := utf8.DecodeRuneInString(next.Data)
			dropCap := utf8.RuneCountInString(inner) == 1 && unicode.IsLower(after)
			if endsWord(last) && startsWord(after) && !dropCap {
				next.Data = " " + next.Data
			}
		}
	}
}

// isInline reports whether n is an inline element. The extractor builds
// its output with elements that have no DataAtom, so the name decides.
func isInline(n *html.Node) bool {
	return n.Type == html.ElementNode && inlineTags[atom.Lookup([]byte(n.Data))]
}

// endsWord reports whether r can end a word or sentence with a space due
// after it.
func endsWord(r rune) bool {
	return spaced(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(",;:!?.)]”’", r))
}

// startsWord reports whether r can start a word with a space due before it.
func startsWord(r rune) bool {
	return spaced(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("([“", r))
}

// spaced reports whether r belongs to a script that separates words with
// spaces.
func spaced(r rune) bool {
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai,
		unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan)
}

func insertSpaceBefore(n *html.Node) {
	if p := n.PrevSibling; p.Type == html.TextNode {
		p.Data += " "
		return
	}
	n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, n)
}
