package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/herald-news/herald"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Pictures on pages (issue 20). A page shows a picture only once Herald
// has stored its own copy, always from /media/…: a picture that is
// pending, refused or failed is not shown at all, so a page never holds
// a broken picture nor an address of anyone else's. Pages are cached; the
// store's change version grows when a picture is stored
// (RecordImageResult), which drops them.

// Sizes attributes: how wide a picture is shown, for the browser to pick
// from the srcset.
const (
	leadSizes  = "(min-width: 48rem) 44rem, 100vw"
	bodySizes  = "(min-width: 48rem) 44rem, 100vw"
	thumbSizes = "(min-width: 40rem) 10rem, 7rem"
)

// eagerThumbs is how many cards at the top of a page load their
// thumbnails at once; the rest are lazy.
const eagerThumbs = 3

// picture is a stored picture as a template shows it.
type picture struct {
	Src, Srcset, Sizes string
	Width, Height      int
	Alt                string
	Caption, Credit    string
	Lazy               bool
}

// widthVariants returns the width variants of a stored picture,
// narrowest first as the store gives them.
func widthVariants(im herald.ArticleImage) []herald.MediaVariant {
	var out []herald.MediaVariant
	for _, v := range im.Variants {
		if !v.Card {
			out = append(out, v)
		}
	}
	return out
}

// stored reports whether im can be shown.
func stored(im herald.ArticleImage) bool {
	return im.Status == herald.ImageStored && herald.ValidMediaHash(im.Hash) && len(widthVariants(im)) > 0 && im.Width > 0 && im.Height > 0
}

// variantUpTo returns the widest width variant of im no wider than w, or
// the narrowest when all are wider.
func variantUpTo(im herald.ArticleImage, w int) herald.MediaVariant {
	vs := widthVariants(im)
	pick := vs[0]
	for _, v := range vs {
		if v.Width <= w && v.Width > pick.Width {
			pick = v
		}
	}
	return pick
}

// newPicture returns im shown at up to 1024 pixels, with every width in
// its srcset; nil when im is not stored.
func newPicture(im herald.ArticleImage, sizes string) *picture {
	if !stored(im) {
		return nil
	}
	v := variantUpTo(im, 1024)
	return &picture{
		Src: mediaURL(im.Hash, v), Srcset: mediaSrcset(im), Sizes: sizes,
		Width: im.Width, Height: im.Height, Alt: im.Alt, Caption: im.Caption, Credit: im.Credit,
	}
}

// newThumb returns im as a card's thumbnail: the narrowest variant (320).
func newThumb(im herald.ArticleImage) *picture {
	if !stored(im) {
		return nil
	}
	v := widthVariants(im)[0]
	// A card links its headline next to the picture: the picture adds
	// nothing a screen reader should say again, so its alt is empty.
	return &picture{Src: mediaURL(im.Hash, v), Width: v.Width, Height: v.Height, Sizes: thumbSizes}
}

// cardVariant returns the social card of im, else its widest variant;
// false when im is not stored.
func cardVariant(im herald.ArticleImage) (herald.MediaVariant, bool) {
	if !stored(im) {
		return herald.MediaVariant{}, false
	}
	for _, v := range im.Variants {
		if v.Card {
			return v, true
		}
	}
	vs := widthVariants(im)
	return vs[len(vs)-1], true
}

// storedLead returns the article's lead picture if it is stored.
func storedLead(list []herald.ArticleImage) (herald.ArticleImage, bool) {
	if len(list) > 0 && list[0].Role == herald.RoleLead && stored(list[0]) {
		return list[0], true
	}
	return herald.ArticleImage{}, false
}

// leads returns the stored lead picture of each of the articles ids that
// has one.
func (s *Server) leads(ctx context.Context, ids []int64) (map[int64]herald.ArticleImage, error) {
	out := make(map[int64]herald.ArticleImage)
	if len(ids) == 0 {
		return out, nil
	}
	all, err := s.Store.FindArticleImages(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, list := range all {
		if im, ok := storedLead(list); ok {
			out[id] = im
		}
	}
	return out, nil
}

// fillThumbs gives each item whose article has a stored lead picture its
// thumbnail; those after the first eagerThumbs load lazily.
func (s *Server) fillThumbs(ctx context.Context, items ...*articleItem) error {
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		if it != nil && it.ID != 0 {
			ids = append(ids, it.ID)
		}
	}
	leads, err := s.leads(ctx, ids)
	if err != nil {
		return err
	}
	for i, it := range items {
		if it == nil {
			continue
		}
		if im, ok := leads[it.ID]; ok && it.Licence != herald.LicenceHeadline {
			it.Thumb = newThumb(im)
			it.Thumb.Lazy = i >= eagerThumbs
		}
	}
	return nil
}

// bodyPictures rewrites the pictures of a balanced body for the page:
// an <img> whose address is stored shows Herald's copy (srcset, sizes,
// width and height, lazy loading); any other <img> is removed, with its
// <figure> when nothing but the caption is left; so is the picture at
// skip (the lead, shown above the body already). The result holds no
// address of a picture but Herald's own.
func bodyPictures(body string, list []herald.ArticleImage, skip string) string {
	if !strings.Contains(body, "<img") {
		return body
	}
	byURL := make(map[string]herald.ArticleImage, len(list))
	for _, im := range list {
		if stored(im) && im.SourceURL != skip {
			byURL[im.SourceURL] = im
		}
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return "" // a balanced body parses; nothing unchecked is shown
	}
	root := &xhtml.Node{Type: xhtml.DocumentNode}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	rewriteImgs(root, byURL)
	var b strings.Builder
	if err := xhtml.Render(&b, root); err != nil {
		return ""
	}
	return b.String()
}

func rewriteImgs(parent *xhtml.Node, byURL map[string]herald.ArticleImage) {
	for c := parent.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == xhtml.ElementNode && c.DataAtom == atom.Img {
			var src, alt string
			for _, a := range c.Attr {
				switch a.Key {
				case "src":
					src = a.Val
				case "alt":
					alt = a.Val
				}
			}
			im, ok := byURL[src]
			if !ok {
				parent.RemoveChild(c)
				c = next
				continue
			}
			if alt == "" {
				alt = im.Alt
			}
			p := newPicture(im, bodySizes)
			c.Attr = []xhtml.Attribute{
				{Key: "src", Val: p.Src}, {Key: "srcset", Val: p.Srcset}, {Key: "sizes", Val: p.Sizes},
				{Key: "width", Val: strconv.Itoa(p.Width)}, {Key: "height", Val: strconv.Itoa(p.Height)},
				{Key: "alt", Val: alt}, {Key: "loading", Val: "lazy"}, {Key: "decoding", Val: "async"},
			}
		} else if c.Type == xhtml.ElementNode {
			rewriteImgs(c, byURL)
			if c.DataAtom == atom.Figure && emptyFigure(c) {
				parent.RemoveChild(c)
			}
		}
		c = next
	}
}

// emptyFigure reports whether a figure holds nothing but its caption and
// space: its picture was removed.
func emptyFigure(f *xhtml.Node) bool {
	for c := f.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == xhtml.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == xhtml.ElementNode && c.DataAtom == atom.Figcaption:
		default:
			return false
		}
	}
	return true
}

// itemPointers returns pointers to the items of list, for fillThumbs.
func itemPointers(list []articleItem) []*articleItem {
	out := make([]*articleItem, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out
}
