package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"

	"github.com/herald-news/herald"
)

// The corrections page: every correction, clarification and editor's
// note the outlets added to their articles, newest first, the page a
// trustworthy news site keeps, with its feed.

// correctionsView is a page of the corrections list.
type correctionsView struct {
	layout
	Items []*herald.Correction
	Next  string
}

// shownCorrections drops the notes of headline articles: Herald shows no
// words of those but their titles.
func shownCorrections(list []*herald.Correction) []*herald.Correction {
	out := list[:0:0]
	for _, c := range list {
		if c.Licence != herald.LicenceHeadline {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) handleCorrections(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		cursor := r.URL.Query().Get("after")
		list, next, err := s.Store.FindCorrections(r.Context(), herald.CorrectionFilter{Cursor: cursor, Limit: herald.DefaultPageSize})
		if err != nil {
			return nil, err
		}
		v := correctionsView{layout: s.newLayout("Corrections", "/corrections"), Items: shownCorrections(list)}
		v.Canonical = s.absURL("/corrections")
		v.Description = "Corrections and editor's notes the outlets added to articles on " + s.Config.SiteName + "."
		v.NoIndex = cursor != ""
		if next != "" {
			v.Next = "/corrections?after=" + next
		}
		return s.htmlPage("corrections.html", v)
	})
}

func (s *Server) handleCorrectionsRSS(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		list, _, err := s.Store.FindCorrections(r.Context(), herald.CorrectionFilter{Limit: herald.MaxPageSize})
		if err != nil {
			return nil, err
		}
		feed := newRSS(rssChannel{
			Title:       s.Config.SiteName + ": corrections",
			Link:        s.absURL("/corrections"),
			Description: "Corrections and editor's notes the outlets added to their articles.",
			Language:    "en",
			Self:        atomLink{Href: s.absURL("/corrections.rss"), Rel: "self", Type: "application/rss+xml"},
		})
		for _, c := range shownCorrections(list) {
			link := s.articleURL(c.ArticleSlug)
			feed.Channel.Items = append(feed.Channel.Items, rssItem{
				Title:       c.ArticleTitle,
				Link:        link,
				GUID:        rssGUID{Value: fmt.Sprintf("%s#correction-%x", link, hashText(c.Text))},
				PubDate:     rssDate(c.FoundAt),
				Description: c.Text,
				Source:      rssSource{URL: s.sourceURL(c.SourceSlug), Name: c.SourceName},
			})
		}
		if len(feed.Channel.Items) > 0 {
			feed.Channel.LastBuildDate = feed.Channel.Items[0].PubDate
		}
		return xmlPage("application/rss+xml; charset=utf-8", feed)
	})
}

// hashText is a short stable id of a note, for its feed item's guid.
func hashText(text string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(text))
	return h.Sum32()
}

// articleCorrections returns the notes shown at the top of an article.
func (s *Server) articleCorrections(ctx context.Context, a *herald.Article) ([]*herald.Correction, error) {
	if a.Licence == herald.LicenceHeadline {
		return nil, nil
	}
	list, _, err := s.Store.FindCorrections(ctx, herald.CorrectionFilter{ArticleID: a.ID, Limit: herald.MaxPageSize})
	return list, err
}
