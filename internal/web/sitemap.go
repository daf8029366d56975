package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// Sitemap bounds, from the sitemap protocol and Google News' rules.
const (
	sitemapMaxURLs     = 50000
	sitemapMaxLocLen   = 2048 // the schema's limit on a loc
	newsSitemapMaxURLs = 1000
	newsSitemapWindow  = 48 * time.Hour
)

// nsNews is Google's News sitemap namespace; its elements are written
// with the news: prefix, which the urlset declares.
const nsNews = "http://www.google.com/schemas/sitemap-news/0.9"

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	News    string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

// add appends a URL unless its address is longer than the protocol
// allows, which would make the whole sitemap invalid.
func (set *urlSet) add(u sitemapURL) {
	if len(u.Loc) <= sitemapMaxLocLen {
		set.URLs = append(set.URLs, u)
	}
}

type sitemapURL struct {
	Loc     string       `xml:"loc"`
	LastMod string       `xml:"lastmod,omitempty"`
	News    *sitemapNews `xml:"news:news,omitempty"`
}

type sitemapNews struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	PublicationDate string `xml:"news:publication_date"`
	Title           string `xml:"news:title"`
}

// eachArticle calls fn with articles newest first until fn returns false
// or limit articles have been seen.
func (s *Server) eachArticle(r *http.Request, limit int, fn func(*herald.Article) bool) error {
	f := herald.ArticleFilter{Limit: herald.MaxPageSize}
	for seen := 0; seen < limit; {
		list, next, err := s.Store.FindArticles(r.Context(), f)
		if err != nil {
			return err
		}
		for _, a := range list {
			if seen == limit || !fn(a) {
				return nil
			}
			seen++
		}
		if next == "" {
			return nil
		}
		f.Cursor = next
	}
	return nil
}

func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		set := urlSet{URLs: []sitemapURL{{Loc: s.absURL("/")}}}
		sources, err := s.Store.FindSources(r.Context())
		if err != nil {
			return nil, err
		}
		for _, src := range sources {
			set.add(sitemapURL{Loc: s.sourceURL(src.Slug)})
		}
		err = s.eachArticle(r, sitemapMaxURLs-len(set.URLs), func(a *herald.Article) bool {
			set.add(sitemapURL{Loc: s.articleURL(a.Slug), LastMod: a.PublishedAt.UTC().Format(time.RFC3339)})
			return true
		})
		if err != nil {
			return nil, err
		}
		return xmlPage("application/xml; charset=utf-8", set)
	})
}

func (s *Server) handleNewsSitemap(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		now := s.now()
		since := now.Add(-newsSitemapWindow)
		set := urlSet{News: nsNews}
		err := s.eachArticle(r, newsSitemapMaxURLs, func(a *herald.Article) bool {
			if a.PublishedAt.Before(since) {
				return false
			}
			n := &sitemapNews{PublicationDate: a.PublishedAt.UTC().Format(time.RFC3339), Title: a.Title}
			n.Publication.Name = s.Config.SiteName
			n.Publication.Language = newsLanguage(a.Lang)
			set.add(sitemapURL{Loc: s.articleURL(a.Slug), News: n})
			return true
		})
		if err != nil {
			return nil, err
		}
		if len(set.URLs) == 0 {
			// The sitemap schema wants at least one url; with no news
			// in the window the home page stands in, without news tags,
			// which news crawlers pass over.
			set.add(sitemapURL{Loc: s.absURL("/")})
		}
		p, err := xmlPage("application/xml; charset=utf-8", set)
		if err != nil {
			return nil, err
		}
		// What falls out of the window changes with the clock, not
		// only with the store.
		p.expires = now.Add(5 * time.Minute)
		return p, nil
	})
}

// newsLanguage is an article's language tag as Google News takes it:
// the ISO 639 code alone (two or three letters), except for Chinese,
// which is zh-cn (simplified script) or zh-tw (traditional). Tags such
// as "en-GB", "pt_BR" or "zh-Hant-HK" are common in feeds and pages, and
// the schema refuses them. Herald's own language, English, stands in for
// a tag that names none.
func newsLanguage(tag string) string {
	subtags := strings.Split(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")), "-")
	primary := subtags[0]
	if len(primary) < 2 || len(primary) > 3 || strings.Trim(primary, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "en"
	}
	if primary != "zh" {
		return primary
	}
	// The script decides; failing one, the region: Taiwan, Hong Kong and
	// Macao write the traditional characters.
	traditional := false
	for _, sub := range subtags[1:] {
		switch sub {
		case "hans":
			return "zh-cn"
		case "hant":
			return "zh-tw"
		case "tw", "hk", "mo":
			traditional = true
		}
	}
	if traditional {
		return "zh-tw"
	}
	return "zh-cn"
}

func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	body := fmt.Sprintf("User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: %s\nSitemap: %s\n",
		s.absURL("/sitemap.xml"), s.absURL("/news-sitemap.xml"))
	s.writePage(w, r, newPage(http.StatusOK, "text/plain; charset=utf-8", []byte(body)), "public, max-age=3600")
}
