package syndication

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"sort"
	"time"
)

// maxSitemapURLs is the most <url> entries read from one sitemap, the limit
// the sitemaps protocol sets; entries past it are ignored.
const maxSitemapURLs = 50000

// sitemapURL is one <url> of a sitemap. Elements are matched by local name
// so that sitemaps with a misspelt or outdated namespace still read.
type sitemapURL struct {
	Loc     string `xml:"loc"`
	Lastmod string `xml:"lastmod"`
	News    *struct {
		Publication struct {
			Name     string `xml:"name"`
			Language string `xml:"language"`
		} `xml:"publication"`
		PublicationDate string `xml:"publication_date"`
		Title           string `xml:"title"`
	} `xml:"news"`
	Images []struct {
		Loc string `xml:"loc"`
	} `xml:"image"`
}

// parseSitemap reads a <urlset>: a plain sitemap, or a Google News sitemap
// when any of its URLs carries news:news.
func parseSitemap(body []byte, base *url.URL, now time.Time) (*Feed, error) {
	f := &Feed{Kind: KindSitemap}
	seen := make(map[string]bool)
	n := 0
	err := eachElement(body, "url", func(d *xml.Decoder, start *xml.StartElement) error {
		var su sitemapURL
		if err := d.DecodeElement(&su, start); err != nil {
			return err
		}
		if n++; n > maxSitemapURLs {
			return errStop
		}
		it := Item{URL: resolve(base, su.Loc)}
		if it.URL == "" {
			return nil
		}
		it.ID = canonicalOrSelf(it.URL)
		if seen[it.ID] {
			return nil
		}
		seen[it.ID] = true
		t, ok := parseDate(su.Lastmod)
		it.Updated = it.checkDate("lastmod", t, ok, now)
		if su.News != nil {
			f.Kind = KindNewsSitemap
			it.Title = cleanText(su.News.Title)
			it.Language = cleanLanguage(su.News.Publication.Language)
			t, ok := parseDate(su.News.PublicationDate)
			it.Published = it.checkDate("news:publication_date", t, ok, now)
			if f.Title == "" {
				f.Title = cleanText(su.News.Publication.Name)
			}
			if f.Language == "" {
				f.Language = it.Language
			}
		}
		for _, img := range su.Images {
			if it.Image = resolve(base, img.Loc); it.Image != "" {
				break
			}
		}
		f.Items = append(f.Items, it)
		return nil
	})
	if err != nil {
		return nil, syntaxError(body, err)
	}
	if len(f.Items) > MaxItems {
		// A sitemap's order means nothing: keep the most recent.
		sort.SliceStable(f.Items, func(i, j int) bool {
			return f.Items[i].Date().After(f.Items[j].Date())
		})
		f.Items = f.Items[:MaxItems]
	}
	return f, nil
}

// parseSitemapIndex reads a <sitemapindex> into Feed.Sitemaps.
func parseSitemapIndex(body []byte, base *url.URL) (*Feed, error) {
	f := &Feed{Kind: KindSitemapIndex}
	seen := make(map[string]bool)
	err := eachElement(body, "sitemap", func(d *xml.Decoder, start *xml.StartElement) error {
		var sm struct {
			Loc string `xml:"loc"`
		}
		if err := d.DecodeElement(&sm, start); err != nil {
			return err
		}
		u := resolve(base, sm.Loc)
		if u == "" || seen[u] {
			return nil
		}
		seen[u] = true
		f.Sitemaps = append(f.Sitemaps, u)
		if len(f.Sitemaps) == MaxSitemaps {
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, syntaxError(body, err)
	}
	return f, nil
}

// errStop ends eachElement early without an error.
var errStop = errors.New("stop")

// eachElement calls fn for every child of the root element named local,
// with the decoder positioned on its start tag; fn must consume the element.
func eachElement(body []byte, local string, fn func(*xml.Decoder, *xml.StartElement) error) error {
	d := newXMLDecoder(bytes.NewReader(body))
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 1 && t.Name.Local == local {
				if err := fn(d, &t); err == errStop {
					return nil
				} else if err != nil {
					return err
				}
				continue
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}
