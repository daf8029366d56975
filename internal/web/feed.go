package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"time"

	"github.com/herald-news/herald"
)

// feedSize is how many of the latest articles the feeds carry.
const feedSize = 50

// The namespaces the feeds use beside RSS's own (which has none). A
// prefix written in an element name must be declared on the document,
// or strict XML parsers refuse the whole feed.
const (
	nsAtom = "http://www.w3.org/2005/Atom"
	nsDC   = "http://purl.org/dc/elements/1.1/"
)

// rssFeed is an RSS 2.0 feed of articles. Make it with newRSS, which
// declares the prefixes its elements use (atom:link, dc:creator).
type rssFeed struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

func newRSS(ch rssChannel) rssFeed {
	return rssFeed{Version: "2.0", Atom: nsAtom, DC: nsDC, Channel: ch}
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Length int    `xml:"length,attr,omitempty"` // bytes of an enclosure
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Description string        `xml:"description,omitempty"`
	Author      string        `xml:"dc:creator,omitempty"`
	Source      rssSource     `xml:"source"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// rssEnclosure is a file attached to an item: the social card of the
// article's lead picture, Herald's own copy. RSS 2.0 requires all three
// attributes.
type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int    `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

// rssItems turns articles into feed items, newest first as given, each
// with its enclosure when its article has a stored lead picture.
func (s *Server) rssItems(ctx context.Context, list []*herald.Article) ([]rssItem, error) {
	encl, err := s.enclosures(ctx, list)
	if err != nil {
		return nil, err
	}
	var items []rssItem
	for _, a := range list {
		link := s.articleURL(a.Slug)
		it := rssItem{
			Title:       a.Title,
			Link:        link,
			GUID:        rssGUID{IsPermaLink: true, Value: link},
			PubDate:     rssDate(a.PublishedAt),
			Description: summary(a),
			Author:      a.Byline,
			Source:      rssSource{URL: s.sourceURL(a.Source.Slug), Name: a.Source.Name},
		}
		if e, ok := encl[a.ID]; ok {
			it.Enclosure = &rssEnclosure{URL: e.Href, Length: e.Length, Type: e.Type}
		}
		items = append(items, it)
	}
	return items, nil
}

// enclosures returns, for each of the articles in list whose lead
// picture is stored and whose licence shows it, the enclosure its feed
// entry carries: the picture's social card (as og:image), at its
// absolute address on this site, with its type and size in bytes.
func (s *Server) enclosures(ctx context.Context, list []*herald.Article) (map[int64]atomLink, error) {
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		if a.Licence != herald.LicenceHeadline {
			ids = append(ids, a.ID)
		}
	}
	leads, err := s.leads(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]atomLink, len(leads))
	for id, im := range leads {
		// A variant without its size is left out rather than stated
		// wrongly: readers use length to decide whether to fetch.
		if v, ok := cardVariant(im); ok && v.Bytes > 0 {
			out[id] = atomLink{Href: s.absURL(mediaURL(im.Hash, v)), Rel: "enclosure", Type: v.ContentType, Length: v.Bytes}
		}
	}
	return out, nil
}

// rssDate formats t as RSS 2.0 wants it: RFC 822, with a four-digit year.
func rssDate(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// articleURL, sourceURL and topicURL are the public addresses of the
// pages that feeds and sitemaps link to. Slugs may hold letters outside
// ASCII; the addresses are percent-encoded, as URLs in sitemaps must be
// (https://www.sitemaps.org/protocol.html#escaping) and feed readers
// expect.
func (s *Server) articleURL(slug string) string { return s.absURL("/articles/" + url.PathEscape(slug)) }

func (s *Server) sourceURL(slug string) string { return s.absURL("/sources/" + url.PathEscape(slug)) }

func (s *Server) topicURL(slug string) string { return s.absURL("/topics/" + url.PathEscape(slug)) }

func (s *Server) latest(r *http.Request) ([]*herald.Article, error) {
	list, _, err := s.Store.FindArticles(r.Context(), herald.ArticleFilter{Limit: feedSize})
	return list, err
}

func (s *Server) handleRSS(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		list, err := s.latest(r)
		if err != nil {
			return nil, err
		}
		items, err := s.rssItems(r.Context(), list)
		if err != nil {
			return nil, err
		}
		feed := newRSS(rssChannel{
			Title:       s.Config.SiteName,
			Link:        s.absURL("/"),
			Description: "The latest news from " + s.Config.SiteName,
			Language:    "en",
			Self:        atomLink{Href: s.absURL("/rss.xml"), Rel: "self", Type: "application/rss+xml"},
			Items:       items,
		})
		if len(list) > 0 {
			feed.Channel.LastBuildDate = rssDate(list[0].PublishedAt)
		}
		return xmlPage("application/rss+xml; charset=utf-8", feed)
	})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	Title string `xml:"title"`
	ID    string `xml:"id"`
	// Links are the article's page and, when it has a stored lead
	// picture, its enclosure.
	Links     []atomLink   `xml:"link"`
	Published string       `xml:"published"`
	Updated   string       `xml:"updated"`
	Author    atomPerson   `xml:"author"`
	Summary   string       `xml:"summary,omitempty"`
	Source    atomSourceEl `xml:"source"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomSourceEl struct {
	Title string   `xml:"title"`
	ID    string   `xml:"id"`
	Link  atomLink `xml:"link"`
}

func (s *Server) handleAtom(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		list, err := s.latest(r)
		if err != nil {
			return nil, err
		}
		encl, err := s.enclosures(r.Context(), list)
		if err != nil {
			return nil, err
		}
		feed := atomFeed{
			Title:   s.Config.SiteName,
			ID:      s.absURL("/"),
			Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
			Links: []atomLink{
				{Href: s.absURL("/atom.xml"), Rel: "self", Type: "application/atom+xml"},
				{Href: s.absURL("/"), Rel: "alternate", Type: "text/html"},
			},
		}
		var newest time.Time
		for _, a := range list {
			when := a.PublishedAt.UTC().Format(time.RFC3339)
			if m := modified(a); m.After(newest) {
				newest = m
				feed.Updated = m.UTC().Format(time.RFC3339)
			}
			link := s.articleURL(a.Slug)
			author := a.Byline
			if author == "" {
				author = a.Source.Name
			}
			source := s.sourceURL(a.Source.Slug)
			links := []atomLink{{Href: link, Rel: "alternate", Type: "text/html"}}
			if e, ok := encl[a.ID]; ok {
				links = append(links, e)
			}
			feed.Entries = append(feed.Entries, atomEntry{
				Title: a.Title, ID: link, Published: when, Updated: modified(a).UTC().Format(time.RFC3339),
				Links:   links,
				Author:  atomPerson{Name: author},
				Summary: summary(a),
				Source:  atomSourceEl{Title: a.Source.Name, ID: source, Link: atomLink{Href: source, Rel: "alternate"}},
			})
		}
		return xmlPage("application/atom+xml; charset=utf-8", feed)
	})
}

// xmlPage marshals v as an XML document into a cacheable page.
func xmlPage(contentType string, v any) (*page, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return newPage(http.StatusOK, contentType, buf.Bytes()), nil
}
