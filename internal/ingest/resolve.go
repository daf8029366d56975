package ingest

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/extract"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/syndication"
)

// Resolved is what a URL given by an editor turned out to be.
type Resolved struct {
	Kind     herald.SourceKind
	FeedURL  string // what to fetch from now on
	Title    string // the feed's or the site's name, for a default source name
	Homepage string
	// Note tells the editor what was found and chosen.
	Note string
	// Advertised lists the feeds a home page advertised, the chosen one
	// included, for the editor to pick another.
	Advertised []string
}

// maxCandidates bounds how many advertised or usual feed addresses are
// tried for one homepage.
const maxCandidates = 8

// Resolve finds out what rawURL is: a feed or sitemap, a site's homepage
// (whose feed is then found from its <link rel="alternate"> elements or
// the usual paths), or a single article page.
func Resolve(ctx context.Context, f *fetch.Client, rawURL string) (*Resolved, error) {
	if err := herald.CheckWebURL(rawURL); err != nil {
		return nil, err
	}
	resp, err := f.Get(ctx, fetch.Request{URL: rawURL})
	if err != nil {
		return nil, err
	}
	if syndication.LooksLikeFeed(resp.Body, resp.ContentType) {
		feed, err := syndication.Parse(resp.Body, resp.URL)
		if err != nil {
			return nil, err
		}
		r := fromFeed(feed, resp.URL)
		r.Note = fmt.Sprintf("%s is %s", resp.URL, feedKindName(feed.Kind))
		return r, nil
	}

	if !isRootPath(resp.URL) {
		if page, err := extract.Extract(resp.Body, resp.URL); err == nil && herald.CountWords(page.Text) >= minFeedWords {
			return &Resolved{
				Kind: herald.KindPage, FeedURL: resp.URL, Title: page.SiteName, Homepage: siteRoot(resp.URL),
				Note: fmt.Sprintf("%s is a single article (%q); it is imported once", resp.URL, page.Title),
			}, nil
		}
	}

	advertised := syndication.Discover(resp.Body, resp.URL)
	candidates := append(advertised, syndication.CommonFeedPaths(resp.URL)...)
	if len(candidates) > maxCandidates+len(advertised) {
		candidates = candidates[:maxCandidates+len(advertised)]
	}
	var tried []string
	for i, c := range candidates {
		cr, err := f.Get(ctx, fetch.Request{URL: c})
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s (%s)", c, Describe(err)))
			continue
		}
		feed, err := syndication.Parse(cr.Body, cr.URL)
		if err != nil || len(feed.Items) == 0 && feed.Kind != syndication.KindSitemapIndex {
			tried = append(tried, c+" (not a feed)")
			continue
		}
		r := fromFeed(feed, cr.URL)
		r.Advertised = advertised
		if r.Homepage == "" {
			r.Homepage = resp.URL
		}
		how := "found at a usual path"
		if i < len(advertised) {
			how = fmt.Sprintf("advertised by the page (%d advertised)", len(advertised))
		}
		r.Note = fmt.Sprintf("chose %s, %s %s", cr.URL, feedKindName(feed.Kind), how)
		return r, nil
	}
	return nil, herald.Errorf(herald.EINVALID, "no feed found for %s: it advertises none and none of the usual paths answered with one (tried %s)",
		rawURL, strings.Join(tried, "; "))
}

func fromFeed(feed *syndication.Feed, feedURL string) *Resolved {
	kind := herald.KindFeed
	switch feed.Kind {
	case syndication.KindSitemap, syndication.KindNewsSitemap, syndication.KindSitemapIndex:
		kind = herald.KindSitemap
	}
	home := feed.Link
	if home == "" || herald.CheckWebURL(home) != nil {
		home = siteRoot(feedURL)
	}
	return &Resolved{Kind: kind, FeedURL: feedURL, Title: strings.TrimSpace(feed.Title), Homepage: home}
}

func feedKindName(kind string) string {
	switch kind {
	case syndication.KindRSS:
		return "an RSS feed"
	case syndication.KindAtom:
		return "an Atom feed"
	case syndication.KindJSONFeed:
		return "a JSON Feed"
	case syndication.KindNewsSitemap:
		return "a Google News sitemap"
	case syndication.KindSitemapIndex:
		return "a sitemap index"
	default:
		return "a sitemap"
	}
}

func isRootPath(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Path == "" || u.Path == "/")
}

func siteRoot(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host + "/"
}
