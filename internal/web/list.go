package web

import (
	"net/http"
	"net/url"

	"github.com/herald-news/herald"
)

type listView struct {
	layout
	Heading string
	Source  *herald.Source // on an outlet's page
	Items   []articleItem
	Next    string // link to the next page; empty on the last
	IsFirst bool
}

// handleSource shows an outlet and its articles.
func (s *Server) handleSource(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveCached(w, r, func() (*page, error) {
		src, err := s.Store.FindSourceBySlug(r.Context(), slug)
		if err != nil {
			return nil, err
		}
		path := "/sources/" + src.Slug
		v := listView{layout: s.newLayout(src.Name, path), Heading: src.Name, Source: src}
		v.Canonical = s.absURL(path)
		v.Description = "Articles from " + src.Name + " on " + s.Config.SiteName + "."
		if err := s.fillList(r, &v, herald.ArticleFilter{SourceID: src.ID}, path); err != nil {
			return nil, err
		}
		return s.htmlPage("list.html", v)
	})
}

func (s *Server) fillList(r *http.Request, v *listView, f herald.ArticleFilter, path string) error {
	f.Cursor = r.URL.Query().Get("after")
	f.Limit = herald.DefaultPageSize
	v.IsFirst = f.Cursor == ""
	if !v.IsFirst {
		v.NoIndex = true
	}
	list, next, err := s.Store.FindArticles(r.Context(), f)
	if err != nil {
		return err
	}
	for _, a := range list {
		v.Items = append(v.Items, newArticleItem(a))
	}
	if next != "" {
		v.Next = path + "?after=" + url.QueryEscape(next)
	}
	return s.fillThumbs(r.Context(), itemPointers(v.Items)...)
}
