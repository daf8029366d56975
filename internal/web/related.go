package web

import (
	"context"
	"net/http"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/related"
)

// relatedWords is the length of the excerpt under each related article.
const relatedWords = 25

// relatedItems returns a's "You may also like" list as the page shows it.
func (s *Server) relatedItems(ctx context.Context, a *herald.Article) ([]articleItem, error) {
	list, err := related.List(ctx, s.Store, a)
	if err != nil {
		return nil, err
	}
	items := make([]articleItem, 0, len(list))
	for _, x := range list {
		it := newArticleItem(x)
		if x.Licence != herald.LicenceHeadline {
			it.Summary = herald.Excerpt(x.Lead, relatedWords)
		}
		items = append(items, it)
	}
	return items, nil
}

func (s *Server) handleAPIRelated(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		id, err := articleID(r)
		if err != nil {
			return nil, err
		}
		a, err := s.Store.FindArticleByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		list, err := related.List(r.Context(), s.Store, a)
		if err != nil {
			return nil, err
		}
		vs, err := s.apiArticles(r.Context(), list)
		if err != nil {
			return nil, err
		}
		for i, x := range list {
			if x.Licence != herald.LicenceHeadline {
				vs[i].Excerpt = herald.Excerpt(x.Lead, relatedWords)
			}
		}
		return jsonPage(apiList[apiArticle]{Items: vs})
	})
}
