package sanitize

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Pictures in a body are kept as the outlet published them, by its
// address: <img src="https://outlet…/photo.jpg" alt="…">, inside their
// <figure> with its <figcaption> where they have one, and nothing else.
// The stored body keeps the outlet's address as the truth; the web layer
// shows Herald's own copy in its place, or nothing, and never the address.
//
// Outlets seldom write a plain <img src>: a <picture> offers sources by
// format and width, srcset offers widths, and lazy loading puts the real
// address in data-src (with a placeholder, often a data: URI, in src).
// Each comes down to one address, the largest candidate up to
// MaxPictureWidth. Decoration is dropped: pictures declared smaller than
// MinPictureSide, data: URIs, and icons, avatars, logos, share buttons,
// advertisements, tracking pixels and spacers, as their class, id or
// address names them.

// Bounds on the pictures a body keeps.
const (
	MaxPictureWidth = 2000 // the widest srcset candidate taken, in pixels
	MinPictureSide  = 100  // pictures declared smaller on a side are decoration
)

// lazySrc are the attributes lazy-loading scripts read the real address
// from, most common first.
var lazySrc = []string{"data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-hi-res-src"}

// lazySrcset are the srcset attributes of lazy loading.
var lazySrcset = []string{"srcset", "data-srcset", "data-lazy-srcset"}

// junkName matches the class or id of a decorative picture.
var junkName = regexp.MustCompile(`(?i)(^|[^a-z0-9])(icons?|favicon|avatars?|gravatar|logos?|share|sharing|social|ad|ads|advert|advertisement|sponsor(ed)?|pixel|spacer|tracking|tracker|emoji|badge|sprite)([^a-z0-9]|$)`)

// junkAddress matches the address of a decorative picture: a directory or
// file name saying what it is.
var junkAddress = regexp.MustCompile(`(?i)(^|[/_.-])(icons?|favicon|avatars?|gravatar|logos?|spacer|pixel|tracking|tracker|beacon|blank|transparent|1x1|emoji|sprite|share-?button|ads|adserver|doubleclick)([/_.-]|$)`)

// creditName matches the class of a picture's credit line.
var creditName = regexp.MustCompile(`(?i)(^|[^a-z])(credit|credits|copyright|photographer|attribution|image-source|photo-source)([^a-z]|$)`)

// hasPictures reports whether body may hold a picture, so bodies without
// one skip the parse.
func hasPictures(body string) bool {
	l := strings.ToLower(body)
	return strings.Contains(l, "<img") || strings.Contains(l, "<picture") || strings.Contains(l, "<source")
}

// pictures rewrites the pictures of body as described above. A body it
// cannot parse is returned as it is: the policy keeps no more of its
// pictures than an absolute src and an alt.
func pictures(body string) string {
	if !hasPictures(body) {
		return body
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), fragmentContext)
	if err != nil {
		return body
	}
	root := &xhtml.Node{Type: xhtml.DocumentNode}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	rewritePictures(root, false)
	var b strings.Builder
	if err := xhtml.Render(&b, root); err != nil {
		return body
	}
	return b.String()
}

// rewritePictures rewrites the pictures under parent; inFigure says
// whether parent is inside a <figure>, where credit lines are marked.
func rewritePictures(parent *xhtml.Node, inFigure bool) {
	for c := parent.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type != xhtml.ElementNode || c.Namespace != "" {
			c = next
			continue
		}
		switch c.DataAtom {
		case atom.Picture, atom.Img:
			if img := picture(c); img != nil {
				parent.InsertBefore(img, c)
			}
			parent.RemoveChild(c)
		case atom.Source:
			parent.RemoveChild(c) // outside a <picture>: a video's or audio's
		default:
			if inFigure && creditName.MatchString(attr(c, "class")+" "+attr(c, "itemprop")) {
				// <span class="credit"> becomes <small>, which the
				// policy keeps, so the credit stays told apart from the
				// caption.
				c.Data, c.DataAtom, c.Attr = "small", atom.Small, nil
			}
			rewritePictures(c, inFigure || c.DataAtom == atom.Figure)
		}
		c = next
	}
}

// candidate is one address a picture offers, with its srcset descriptor.
type candidate struct {
	url     string
	width   int     // w descriptor; 0 when none
	density float64 // x descriptor; 0 when none
}

// picture returns the one <img> that n, an <img> or a <picture>, comes
// down to, or nil when it is decoration or has no usable address.
func picture(n *xhtml.Node) *xhtml.Node {
	img := n
	var cands []candidate
	if n.DataAtom == atom.Picture {
		img = nil
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type != xhtml.ElementNode:
			case c.DataAtom == atom.Source:
				if t := strings.ToLower(attr(c, "type")); t != "" && (!strings.HasPrefix(t, "image/") || strings.Contains(t, "svg")) {
					continue
				}
				for _, k := range lazySrcset {
					cands = append(cands, parseSrcset(attr(c, k))...)
				}
			case c.DataAtom == atom.Img && img == nil:
				img = c
			}
		}
		if img == nil {
			img = &xhtml.Node{Type: xhtml.ElementNode, Data: "img", DataAtom: atom.Img}
		}
	}
	if junk(n) || junk(img) {
		return nil
	}
	for _, k := range lazySrcset {
		cands = append(cands, parseSrcset(attr(img, k))...)
	}
	src := best(cands)
	if src == "" {
		for _, k := range append([]string{"src"}, lazySrc...) {
			if v := strings.TrimSpace(attr(img, k)); usableAddress(v) {
				src = v
				break
			}
		}
	}
	if src == "" || junkAddress.MatchString(addressPath(src)) {
		return nil
	}
	out := &xhtml.Node{Type: xhtml.ElementNode, Data: "img", DataAtom: atom.Img,
		Attr: []xhtml.Attribute{{Key: "src", Val: src}}}
	if alt := strings.Join(strings.Fields(attr(img, "alt")), " "); alt != "" {
		out.Attr = append(out.Attr, xhtml.Attribute{Key: "alt", Val: alt})
	}
	return out
}

// junk reports whether n's attributes say it is decoration: declared
// smaller than MinPictureSide on a side, or named as decoration.
func junk(n *xhtml.Node) bool {
	for _, k := range []string{"width", "height"} {
		if v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(attr(n, k)), "px")); v != "" {
			if d, err := strconv.Atoi(v); err == nil && d < MinPictureSide {
				return true
			}
		}
	}
	if strings.EqualFold(attr(n, "aria-hidden"), "true") || strings.EqualFold(attr(n, "role"), "presentation") {
		return true
	}
	return junkName.MatchString(attr(n, "class") + " " + attr(n, "id"))
}

// parseSrcset returns the candidates of a srcset attribute with a usable
// address.
func parseSrcset(s string) []candidate {
	var out []candidate
	for _, part := range splitSrcset(s) {
		f := strings.Fields(part)
		if len(f) == 0 || !usableAddress(f[0]) {
			continue
		}
		c := candidate{url: f[0]}
		if len(f) > 1 {
			d := strings.ToLower(f[1])
			switch {
			case strings.HasSuffix(d, "w"):
				c.width, _ = strconv.Atoi(strings.TrimSuffix(d, "w"))
				if c.width <= 0 {
					continue
				}
			case strings.HasSuffix(d, "x"):
				c.density, _ = strconv.ParseFloat(strings.TrimSuffix(d, "x"), 64)
				if c.density <= 0 {
					continue
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// splitSrcset splits a srcset into its candidates: at commas that follow
// a descriptor or end an address followed by a space, not at commas
// inside an address (Cloudinary's "w_300,h_200").
func splitSrcset(s string) []string {
	var parts []string
	for _, p := range strings.Split(s, ", ") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		// "a.jpg 1x,b.jpg 2x": a comma right after a descriptor.
		for {
			f := strings.Fields(p)
			if len(f) < 2 {
				break
			}
			i := strings.Index(f[1], ",")
			if i < 0 {
				break
			}
			parts = append(parts, f[0]+" "+f[1][:i])
			p = strings.TrimSpace(strings.Join(append([]string{f[1][i+1:]}, f[2:]...), " "))
		}
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// best returns the address of the largest candidate no wider than
// MaxPictureWidth (the narrowest when all are wider), else the one of the
// highest density, else the first; "" when there are none.
func best(cands []candidate) string {
	var pick *candidate
	for i := range cands {
		c := &cands[i]
		if c.width == 0 {
			continue
		}
		switch {
		case pick == nil:
			pick = c
		case pick.width > MaxPictureWidth:
			if c.width < pick.width {
				pick = c
			}
		case c.width <= MaxPictureWidth && c.width > pick.width:
			pick = c
		}
	}
	if pick != nil {
		if pick.width < MinPictureSide {
			return ""
		}
		return pick.url
	}
	for i := range cands {
		if pick == nil || cands[i].density > pick.density {
			pick = &cands[i]
		}
	}
	if pick != nil {
		return pick.url
	}
	return ""
}

// usableAddress reports whether s is an absolute http or https address:
// a relative one cannot be resolved here, and a data: URI is a
// placeholder or an inline picture, neither worth keeping.
func usableAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(s) <= 2048
}

// addressPath returns the host and path of an address, which junkAddress
// is matched against (not its query, which says nothing of the picture).
func addressPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Host + u.Path
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}
