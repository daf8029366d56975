package sanitize

import (
	"net/url"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Bodies from outside often give addresses relative to their page: a
// feed's <img src="/photo.jpg">, a page's srcset="a-640.jpg 640w". The
// policy keeps only absolute addresses, since the body is shown on
// Herald's pages, where a relative one would point at Herald; so whoever
// knows where a body comes from resolves its addresses first, with
// Resolve or ResolveElement, before Article.

// addressAttrs are the attributes that hold one address, and
// srcsetAttrs those that hold a list of candidates.
var (
	addressAttrs = attrSet(append([]string{"href", "src", "cite", "poster"}, lazySrc...))
	srcsetAttrs  = attrSet(lazySrcset)
)

func attrSet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// maxAddressLen is the longest address kept, as the store's.
const maxAddressLen = 2048

// Resolve returns body with the addresses of its links and pictures (src,
// srcset and the lazy-loading attributes, href, cite, poster) resolved
// against base. A body it cannot parse is returned as it is; Article then
// drops the relative addresses.
func Resolve(body string, base *url.URL) string {
	if base == nil || !strings.ContainsAny(body, "<") {
		return body
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(body), fragmentContext)
	if err != nil {
		return body
	}
	var b strings.Builder
	for _, n := range nodes {
		resolveTree(n, base)
		if err := xhtml.Render(&b, n); err != nil {
			return body
		}
	}
	return b.String()
}

func resolveTree(n *xhtml.Node, base *url.URL) {
	if n.Type == xhtml.ElementNode {
		ResolveElement(n, base)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		resolveTree(c, base)
	}
}

// ResolveElement resolves the addresses of element n (not of its
// children) against base, as Resolve does. An address that cannot be
// resolved, or is longer than the store keeps, is emptied; a srcset
// candidate likewise is dropped.
func ResolveElement(n *xhtml.Node, base *url.URL) {
	for i, a := range n.Attr {
		switch {
		case a.Namespace != "":
		case addressAttrs[a.Key]:
			n.Attr[i].Val = resolveRef(a.Val, base)
		case srcsetAttrs[a.Key]:
			n.Attr[i].Val = resolveSrcset(a.Val, base)
		}
	}
}

// resolveRef resolves ref against base, keeping its scheme (mailto:
// links stay; the policy removes the schemes it does not allow), or
// returns "" when it cannot.
func resolveRef(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxAddressLen {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ""
	}
	return u.String()
}

// resolveSrcset resolves the address of each candidate of a srcset,
// keeping its descriptor.
func resolveSrcset(s string, base *url.URL) string {
	var out []string
	for _, part := range splitSrcset(s) {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		if f[0] = resolveRef(f[0], base); f[0] != "" {
			out = append(out, strings.Join(f, " "))
		}
	}
	return strings.Join(out, ", ")
}
