package syndication

import (
	"bytes"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDiscovered bounds how many feeds Discover returns.
const maxDiscovered = 50

// Discover returns the feeds an HTML page advertises with
// <link rel="alternate" type="…"> for RSS, Atom, RDF or JSON Feed, as
// absolute http(s) URLs resolved against the page's <base href> and pageURL,
// without duplicates. They come in order of preference: RSS, Atom and RDF
// feeds first, then JSON feeds, then comment feeds of any type (WordPress
// advertises "Comments Feed" beside the posts feed), each group in the order
// of the page. A link of type application/json counts only when it does not
// point at a WordPress REST API or oEmbed address, which pages also
// advertise that way.
func Discover(page []byte, pageURL string) []string {
	base, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || !base.IsAbs() {
		base = nil
	}
	var groups [3][]string
	seen := make(map[string]bool)
	count, baseSeen := 0, false
	z := html.NewTokenizer(bytes.NewReader(page))
	for count < maxDiscovered {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		switch atom.Lookup(name) {
		case atom.Base:
			// Only the first <base href> counts, as in browsers.
			href := attrs(z)["href"]
			if href == "" || baseSeen {
				continue
			}
			baseSeen = true
			if u, err := url.Parse(strings.TrimSpace(href)); err == nil {
				if base != nil {
					u = base.ResolveReference(u)
				}
				if u.IsAbs() {
					base = u
				}
			}
		case atom.Link:
			a := attrs(z)
			if !hasToken(a["rel"], "alternate") || a["href"] == "" {
				continue
			}
			g := feedGroup(a)
			if g < 0 {
				continue
			}
			u := resolve(base, a["href"])
			if u == "" || seen[u] {
				continue
			}
			seen[u] = true
			groups[g] = append(groups[g], u)
			count++
		}
	}
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// feedGroup returns the preference group of an alternate link (0 for
// RSS/Atom/RDF, 1 for JSON Feed, 2 for comment feeds), or -1 when it does
// not advertise a feed.
func feedGroup(a map[string]string) int {
	mt, _, err := mime.ParseMediaType(a["type"])
	if err != nil {
		return -1
	}
	href := strings.ToLower(a["href"])
	g := -1
	switch mt {
	case "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml":
		g = 0
	case "application/feed+json":
		g = 1
	case "application/json":
		if strings.Contains(href, "/wp-json/") || strings.Contains(href, "oembed") {
			return -1
		}
		g = 1
	default:
		return -1
	}
	if strings.Contains(strings.ToLower(a["title"]), "comment") || strings.Contains(href, "/comments/") {
		g = 2
	}
	return g
}

// attrs returns the current tag's attributes, keys lower-cased; the first
// of repeated attributes wins, as in HTML.
func attrs(z *html.Tokenizer) map[string]string {
	m := make(map[string]string)
	for {
		k, v, more := z.TagAttr()
		key := strings.ToLower(string(k))
		if _, dup := m[key]; !dup {
			m[key] = string(v)
		}
		if !more {
			return m
		}
	}
}

// hasToken reports whether the space-separated list s holds tok, ignoring
// case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// commonFeedPaths are where sites usually put their feeds and sitemaps,
// most likely first: WordPress, generic names, Hugo, Blogger, then sitemaps.
var commonFeedPaths = []string{
	"/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml",
	"/feed.json", "/feeds/posts/default",
	"/sitemap_news.xml", "/news-sitemap.xml", "/sitemap.xml", "/sitemap_index.xml",
}

// CommonFeedPaths returns the usual addresses of feeds and sitemaps on the
// site that siteURL belongs to, absolute and at the site's root, to try
// when a page advertises none. It returns nil unless siteURL is an http or
// https URL with a host.
func CommonFeedPaths(siteURL string) []string {
	u, err := url.Parse(strings.TrimSpace(siteURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	root := u.Scheme + "://" + u.Host
	out := make([]string, len(commonFeedPaths))
	for i, p := range commonFeedPaths {
		out[i] = root + p
	}
	return out
}
