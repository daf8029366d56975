package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"time"

	"github.com/herald-news/herald"
)

// layout is what every page template needs for the frame around its content.
type layout struct {
	SiteName    string
	Title       string // the page's own title; the site name is added
	Description string
	Canonical   string // absolute; empty for none
	NoIndex     bool
	Meta        []meta // OpenGraph and Twitter card properties
	JSONLD      template.JS
	StyleURL    string
	Nav         string // which top-level section is current
}

// meta is one <meta> element: Property for OpenGraph, Name for the rest.
type meta struct {
	Property, Name, Content string
}

func (s *Server) newLayout(title, path string) layout {
	return layout{
		SiteName: s.Config.SiteName,
		Title:    title,
		StyleURL: "/static/style.css?v=" + s.static["/static/style.css"].etag[1:9],
	}
}

// articleItem is an article as lists show it: what its licence allows.
type articleItem struct {
	ID          int64
	Licence     herald.Licence
	Title       string
	Href        string
	Summary     string
	Source      *herald.Source
	Published   time.Time
	OriginalURL string
	// Thumb is the article's lead picture as a thumbnail; nil when it has
	// none stored (see fillThumbs).
	Thumb *picture
}

func newArticleItem(a *herald.Article) articleItem {
	return articleItem{
		ID:          a.ID,
		Licence:     a.Licence,
		Title:       a.Title,
		Href:        "/articles/" + a.Slug,
		Summary:     summary(a),
		Source:      a.Source,
		Published:   a.PublishedAt,
		OriginalURL: a.OriginalURL,
	}
}

// summary is the short text lists, feeds and the API may show of a: none
// for a headline-only licence.
func summary(a *herald.Article) string {
	if a.Licence == herald.LicenceHeadline {
		return ""
	}
	return herald.Excerpt(a.Lead, herald.SummaryWords)
}

var templateFuncs = template.FuncMap{
	"errmsg": herald.ErrorMessage,
	"date":   func(t time.Time) string { return t.UTC().Format("2 January 2006, 15:04 MST") },
	"isodate": func(t time.Time) string {
		return t.UTC().Format(time.RFC3339)
	},
}

// jsonLD marshals v for a <script type="application/ld+json"> element.
// encoding/json escapes <, > and &, so the data cannot end the script.
func jsonLD(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return template.JS(b)
}

// htmlPage renders a template into a cacheable page.
func (s *Server) htmlPage(name string, data any) (*page, error) {
	body, err := s.render(name, data)
	if err != nil {
		return nil, err
	}
	return newPage(http.StatusOK, "text/html; charset=utf-8", body), nil
}
