package web

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/herald-news/herald"
)

// Sitemap bounds, from the sitemap protocol and Google News' rules.
const (
	sitemapMaxURLs     = 50000
	newsSitemapMaxURLs = 1000
	newsSitemapWindow  = 48 * time.Hour
)

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	News    string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
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
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL("/sources/" + src.Slug)})
		}
		err = s.eachArticle(r, sitemapMaxURLs-len(set.URLs), func(a *herald.Article) bool {
			set.URLs = append(set.URLs, sitemapURL{
				Loc: s.absURL("/articles/" + a.Slug), LastMod: a.PublishedAt.UTC().Format(time.RFC3339),
			})
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
		set := urlSet{News: "http://www.google.com/schemas/sitemap-news/0.9"}
		err := s.eachArticle(r, newsSitemapMaxURLs, func(a *herald.Article) bool {
			if a.PublishedAt.Before(since) {
				return false
			}
			n := &sitemapNews{PublicationDate: a.PublishedAt.UTC().Format(time.RFC3339), Title: a.Title}
			n.Publication.Name = s.Config.SiteName
			n.Publication.Language = langOrEnglish(a.Lang)
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL("/articles/" + a.Slug), News: n})
			return true
		})
		if err != nil {
			return nil, err
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

func langOrEnglish(lang string) string {
	if lang == "" {
		return "en"
	}
	return lang
}

func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	body := fmt.Sprintf("User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: %s\nSitemap: %s\n",
		s.absURL("/sitemap.xml"), s.absURL("/news-sitemap.xml"))
	s.writePage(w, r, newPage(http.StatusOK, "text/plain; charset=utf-8", []byte(body)), "public, max-age=3600")
}
