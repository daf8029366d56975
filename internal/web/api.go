package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sanitize"
)

// apiArticle is an article in the JSON API. It carries only what the
// article's licence allows: the body only under the full licence.
type apiArticle struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	URL         string    `json:"url"`
	OriginalURL string    `json:"original_url"`
	Title       string    `json:"title"`
	Byline      string    `json:"byline"`
	PublishedAt time.Time `json:"published_at"`
	// UpdatedAt is when Herald stored the newest version; null until the
	// outlet revised the article. RevisionCount counts its versions.
	UpdatedAt     *time.Time `json:"updated_at"`
	RevisionCount int        `json:"revision_count"`
	// Status is "published" for every article the API lists; an article
	// withdrawn or taken down is no longer served.
	Status  string    `json:"status"`
	Source  apiSource `json:"source"`
	Licence string    `json:"licence"`
	Excerpt string    `json:"excerpt"`
	// Image is Herald's copy of the lead picture; absent when none is
	// stored.
	Image *apiImage `json:"image,omitempty"`
	Lang  string    `json:"lang,omitempty"`
	HTML  string    `json:"html,omitempty"`
	// Sources is every outlet that published this text, oldest first.
	Sources []apiCopy `json:"sources"`
	// StoryID is the story the article belongs to; null until placed.
	StoryID *int64 `json:"story_id"`
	// Topics are the article's topics, the most specific first.
	Topics []apiTopic `json:"topics"`
}

// apiImage is a stored picture: the address of Herald's 1024-wide copy
// (or its widest), with the original's size.
type apiImage struct {
	URL     string `json:"url"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
}

type apiCopy struct {
	Name        string    `json:"name"`
	URL         string    `json:"url"`
	PublishedAt time.Time `json:"published_at"`
}

type apiSource struct {
	Name         string     `json:"name"`
	Slug         string     `json:"slug"`
	Homepage     string     `json:"homepage"`
	URL          string     `json:"url,omitempty"`
	ArticleCount *int       `json:"article_count,omitempty"`
	Following    *apiFollow `json:"following,omitempty"`
}

// apiFollow is how Herald fetches a followed source, and how that went.
type apiFollow struct {
	FeedURL     string     `json:"feed_url"`
	Kind        string     `json:"kind"`
	Licence     string     `json:"licence"`
	Fulltext    string     `json:"fulltext"`
	Status      string     `json:"status"`
	LastError   string     `json:"last_error,omitempty"`
	LastFetchAt *time.Time `json:"last_fetch_at,omitempty"`
	NextCheckAt *time.Time `json:"next_check_at,omitempty"`
	RemovedAt   *time.Time `json:"removed_at,omitempty"`
}

func newAPIFollow(src *herald.Source) *apiFollow {
	if src.FeedURL == "" {
		return nil
	}
	return &apiFollow{
		FeedURL: src.FeedURL, Kind: string(src.Kind), Licence: string(src.Licence), Fulltext: string(src.Fulltext),
		Status: src.Fetch.Status, LastError: src.Fetch.LastError, LastFetchAt: timeOrNil(src.Fetch.LastFetchAt),
		NextCheckAt: timeOrNil(src.Fetch.NextCheckAt), RemovedAt: timeOrNil(src.RemovedAt),
	}
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// apiArticles returns list, in its order, as every endpoint shows
// articles: what each article's licence allows, with Herald's copy of its
// stored lead picture as image and, in html, the stored pictures of its
// body at Herald's addresses (any other picture is left out: never the
// outlet's address). Every handler that returns articles makes them here,
// so that none shows them differently. Topics are the caller's to fill.
func (s *Server) apiArticles(ctx context.Context, list []*herald.Article) ([]apiArticle, error) {
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		if a.Licence != herald.LicenceHeadline {
			ids = append(ids, a.ID)
		}
	}
	var images map[int64][]herald.ArticleImage
	if len(ids) > 0 {
		var err error
		if images, err = s.Store.FindArticleImages(ctx, ids); err != nil {
			return nil, err
		}
	}
	vs := make([]apiArticle, len(list))
	for i, a := range list {
		v := apiArticle{
			ID: a.ID, Slug: a.Slug, URL: s.absURL("/articles/" + a.Slug), OriginalURL: a.OriginalURL,
			Title: a.Title, Byline: a.Byline, PublishedAt: a.PublishedAt.UTC(),
			Source:  apiSource{Name: a.Source.Name, Slug: a.Source.Slug, Homepage: a.Source.Homepage},
			Licence: string(a.Licence), Excerpt: summary(a), Lang: a.Lang,
			RevisionCount: max(a.Revisions, 1), Status: string(herald.StatusPublished),
		}
		if !a.UpdatedAt.IsZero() {
			at := a.UpdatedAt.UTC()
			v.UpdatedAt = &at
		}
		pictures := images[a.ID] // none under the headline licence
		if im, ok := storedLead(pictures); ok {
			p := newPicture(im, "")
			v.Image = &apiImage{URL: s.absURL(p.Src), Width: im.Width, Height: im.Height, Alt: im.Alt, Caption: im.Caption}
		}
		if a.Licence == herald.LicenceFull {
			// Balanced again as on the article page: a body stored before
			// the sanitiser balanced bodies must not break a client's page.
			v.HTML = bodyPictures(sanitize.Balance(a.HTML), pictures, "")
		}
		if a.StoryID != 0 {
			v.StoryID = &a.StoryID
		}
		v.Sources = []apiCopy{}
		for _, c := range a.Copies {
			v.Sources = append(v.Sources, apiCopy{Name: c.Source.Name, URL: c.OriginalURL, PublishedAt: c.PublishedAt.UTC()})
		}
		if len(v.Sources) == 0 {
			v.Sources = append(v.Sources, apiCopy{Name: a.Source.Name, URL: a.OriginalURL, PublishedAt: v.PublishedAt})
		}
		vs[i] = v
	}
	return vs, nil
}

type apiList[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// jsonPage marshals v into a cacheable page.
func jsonPage(v any) (*page, error) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return newPage(http.StatusOK, "application/json", append(body, '\n')), nil
}

func (s *Server) handleAPIArticles(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		q := r.URL.Query()
		f := herald.ArticleFilter{Cursor: q.Get("cursor"), OriginalURL: q.Get("url")}
		if l := q.Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 1 || n > herald.MaxPageSize {
				return nil, herald.Errorf(herald.EINVALID, "limit must be a whole number from 1 to %d", herald.MaxPageSize)
			}
			f.Limit = n
		}
		if slug := q.Get("source"); slug != "" {
			src, err := s.Store.FindSourceBySlug(r.Context(), slug)
			if err != nil {
				return nil, err
			}
			f.SourceID = src.ID
		}
		list, next, err := s.Store.FindArticles(r.Context(), f)
		if err != nil {
			return nil, err
		}
		topics, err := s.articleTopics(r.Context(), list)
		if err != nil {
			return nil, err
		}
		vs, err := s.apiArticles(r.Context(), list)
		if err != nil {
			return nil, err
		}
		for i, a := range list {
			vs[i].Topics = topics[a.ID]
		}
		return jsonPage(apiList[apiArticle]{Items: vs, NextCursor: next})
	})
}

// articleID reads the article id of an API address.
func articleID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, herald.Errorf(herald.EINVALID, "article id must be a positive whole number")
	}
	return id, nil
}

func (s *Server) handleAPIArticle(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		id, err := articleID(r)
		if err != nil {
			return nil, err
		}
		a, err := s.Store.FindArticleByID(r.Context(), id)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return s.apiGone(r, id, err)
		}
		if err != nil {
			return nil, err
		}
		topics, err := s.articleTopics(r.Context(), []*herald.Article{a})
		if err != nil {
			return nil, err
		}
		vs, err := s.apiArticles(r.Context(), []*herald.Article{a})
		if err != nil {
			return nil, err
		}
		vs[0].Topics = topics[a.ID]
		return jsonPage(vs[0])
	})
}

// apiGoneArticle is the API's answer, with 410 Gone, for an article its
// outlet withdrew or an editor took down.
type apiGoneArticle struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	ID     int64  `json:"id"`
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Status string `json:"status"` // withdrawn or taken_down
	// WithdrawnReason says why, as the article's page does.
	WithdrawnReason string    `json:"withdrawn_reason"`
	WithdrawnAt     time.Time `json:"withdrawn_at"`
}

// apiGone answers for an article id that is not stored: 410 with the
// reason when it was withdrawn or taken down, notFound otherwise.
func (s *Server) apiGone(r *http.Request, id int64, notFound error) (*page, error) {
	t, err := s.Store.FindTakedownOf(r.Context(), id)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	v := apiGoneArticle{ID: id, Slug: t.Slug, Title: t.Title, Status: string(t.Status), WithdrawnReason: t.Reason,
		WithdrawnAt: t.At.UTC()}
	v.Error.Code, v.Error.Message = "gone", t.Reason
	p, err := jsonPage(v)
	if err != nil {
		return nil, err
	}
	p.status = http.StatusGone
	return p, nil
}

func (s *Server) handleAPISources(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		sources, err := s.Store.FindSources(r.Context())
		if err != nil {
			return nil, err
		}
		out := apiList[apiSource]{Items: []apiSource{}}
		for _, src := range sources {
			n := src.ArticleCount
			out.Items = append(out.Items, apiSource{
				Name: src.Name, Slug: src.Slug, Homepage: src.Homepage,
				URL: s.absURL("/sources/" + src.Slug), ArticleCount: &n, Following: newAPIFollow(src),
			})
		}
		return jsonPage(out)
	})
}

func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	s.error(w, r, herald.Errorf(herald.ENOTFOUND, "no API endpoint at %s %s", r.Method, r.URL.Path))
}
