package web

import (
	"encoding/xml"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/search"
)

// Search pages are answered per request and never enter the page cache:
// there is no bound on the queries readers type, and a cache filled with
// them would push out the pages everyone reads. Cache-Control lets
// browsers and a CDN keep a result for a minute.
const searchCacheControl = "public, max-age=60"

// searchForm is a search as the form and the API take it.
type searchForm struct {
	Q, Source, From, To, Sort string
	Page                      int
}

// parseSearch reads the search form. A bad field is an EINVALID error
// naming it; the query text itself is parsed by search.Parse.
func (s *Server) parseSearch(r *http.Request) (searchForm, herald.SearchFilter, error) {
	v := r.URL.Query()
	form := searchForm{Q: v.Get("q"), Source: v.Get("source"), From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort"), Page: 1}
	var f herald.SearchFilter
	switch form.Sort {
	case "", string(herald.SortRelevance):
		f.Sort = herald.SortRelevance
	case string(herald.SortDate):
		f.Sort = herald.SortDate
	default:
		return form, f, herald.Errorf(herald.EINVALID, "sort must be relevance or date")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > herald.MaxSearchPage {
			return form, f, herald.Errorf(herald.EINVALID, "page must be a whole number from 1 to %d", herald.MaxSearchPage)
		}
		form.Page = n
	}
	f.Page = form.Page
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > herald.MaxPageSize {
			return form, f, herald.Errorf(herald.EINVALID, "limit must be a whole number from 1 to %d", herald.MaxPageSize)
		}
		f.Limit = n
	}
	var err error
	if f.From, err = parseDay("from", form.From); err != nil {
		return form, f, err
	}
	if f.To, err = parseDay("to", form.To); err != nil {
		return form, f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // "to" names the last day included
	}
	if form.Source != "" {
		src, err := s.Store.FindSourceBySlug(r.Context(), form.Source)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return form, f, herald.Errorf(herald.EINVALID, "there is no outlet %q", form.Source)
		}
		if err != nil {
			return form, f, err
		}
		f.SourceID = src.ID
	}
	if f.Query, err = search.Parse(form.Q); err != nil {
		return form, f, err
	}
	return form, f, f.Validate()
}

// parseDay reads a date written YYYY-MM-DD, as <input type="date"> sends it.
func parseDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, herald.Errorf(herald.EINVALID, "%s must be a date written YYYY-MM-DD", field)
	}
	return t, nil
}

type searchView struct {
	layout
	Form    searchForm
	Message string // why the query could not be run
	Sources []*herald.Source
	Hits    []searchItem
	Asked   bool // a query was run
	Prev    string
	Next    string
}

type searchItem struct {
	articleItem
	Snippet template.HTML
}

// snippetHTML escapes a snippet's text and marks its matched words.
func snippetHTML(parts []herald.SnippetPart) template.HTML {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("<mark>" + template.HTMLEscapeString(p.Text) + "</mark>")
		} else {
			b.WriteString(template.HTMLEscapeString(p.Text))
		}
	}
	return template.HTML(b.String())
}

// snippetText is a snippet without marks.
func snippetText(parts []herald.SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// handleSearch shows the search form and, when a query was typed, its
// results. A query that cannot be run is shown again with a message.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	v := searchView{layout: s.newLayout("Search", "/search")}
	v.NoIndex = true
	v.Nav = "search"
	sources, err := s.Store.FindSources(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Sources = sources
	status := http.StatusOK
	form, f, err := s.parseSearch(r)
	v.Form = form
	switch {
	case !r.URL.Query().Has("q"):
		// The empty form.
	case err != nil && herald.ErrorCode(err) == herald.EINVALID:
		v.Message = herald.ErrorMessage(err)
		status = http.StatusBadRequest
	case err != nil:
		s.error(w, r, err)
		return
	default:
		res, err := s.Store.Search(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		v.Asked = true
		v.Title = form.Q + " · Search"
		for _, h := range res.Hits {
			v.Hits = append(v.Hits, searchItem{articleItem: newArticleItem(h.Article), Snippet: snippetHTML(h.Snippet)})
		}
		items := make([]*articleItem, len(v.Hits))
		for i := range v.Hits {
			items[i] = &v.Hits[i].articleItem
		}
		if err := s.fillThumbs(r.Context(), items...); err != nil {
			s.error(w, r, err)
			return
		}
		if form.Page > 1 {
			v.Prev = searchURL(r, form.Page-1)
		}
		if res.More && form.Page < herald.MaxSearchPage {
			v.Next = searchURL(r, form.Page+1)
		}
	}
	body, err := s.render("search.html", v)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeFresh(w, r, status, "text/html; charset=utf-8", body)
}

// searchURL is the address of another page of the same search.
func searchURL(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	return "/search?" + q.Encode()
}

// apiSearchHit is a search result in the API: the article, and the
// snippet as plain text and as escaped HTML with <mark> around matches.
type apiSearchHit struct {
	apiArticle
	Snippet     string `json:"snippet"`
	SnippetHTML string `json:"snippet_html"`
}

type apiSearchList struct {
	Items    []apiSearchHit `json:"items"`
	Page     int            `json:"page"`
	NextPage int            `json:"next_page,omitempty"`
}

func (s *Server) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	form, f, err := s.parseSearch(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	res, err := s.Store.Search(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	articles := make([]*herald.Article, len(res.Hits))
	for i, h := range res.Hits {
		articles[i] = h.Article
	}
	vs, err := s.apiArticles(r.Context(), articles)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := apiSearchList{Items: []apiSearchHit{}, Page: form.Page}
	for i, h := range res.Hits {
		out.Items = append(out.Items, apiSearchHit{apiArticle: vs[i],
			Snippet: snippetText(h.Snippet), SnippetHTML: string(snippetHTML(h.Snippet))})
	}
	if res.More && form.Page < herald.MaxSearchPage {
		out.NextPage = form.Page + 1
	}
	p, err := jsonPage(out)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeFresh(w, r, http.StatusOK, p.contentType, p.body)
}

// writeFresh sends a response rendered for this request alone.
func writeFresh(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", searchCacheControl)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// openSearchDescription is an OpenSearch 1.1 description document
// (https://github.com/dewitt/opensearch).
type openSearchDescription struct {
	XMLName       xml.Name        `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string          `xml:"ShortName"`
	Description   string          `xml:"Description"`
	InputEncoding string          `xml:"InputEncoding"`
	URLs          []openSearchURL `xml:"Url"`
}

type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Method   string `xml:"method,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
	Template string `xml:"template,attr"`
}

// handleOpenSearch describes the site's search to browsers, which offer
// it in their address bar. encoding/xml escapes the site's name, and
// replaces any character XML cannot carry.
func (s *Server) handleOpenSearch(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		d := openSearchDescription{
			// The specification's limits: 16 characters, and 1,024.
			ShortName:     truncateRunes(s.Config.SiteName, 16),
			Description:   truncateRunes("Search the news on "+s.Config.SiteName, 1024),
			InputEncoding: "UTF-8",
			URLs: []openSearchURL{
				{Type: "text/html", Method: "get", Template: s.absURL("/search") + "?q={searchTerms}"},
				{Type: "application/json", Method: "get", Template: s.absURL("/api/v1/search") + "?q={searchTerms}"},
				{Type: "application/opensearchdescription+xml", Rel: "self", Template: s.absURL("/opensearch.xml")},
			},
		}
		return xmlPage("application/opensearchdescription+xml; charset=utf-8", d)
	})
}

// truncateRunes cuts s to n characters.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
