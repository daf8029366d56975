package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// storyItem is a story as the home page shows it: its lead article, then
// a line leading to the rest of its coverage.
type storyItem struct {
	articleItem
	StoryHref string
	More      int    // articles besides the lead
	MoreFrom  string // the outlets of the others, for "N more from …"
}

// maxOutletsNamed bounds the outlets named in "N more from …".
const maxOutletsNamed = 3

func newStoryItem(st *herald.Story) storyItem {
	it := storyItem{articleItem: newArticleItem(st.Lead), StoryHref: storyPath(st.ID), More: st.Articles - 1}
	var names []string
	for _, o := range st.Outlets {
		if o.ID != st.Lead.Source.ID {
			names = append(names, o.Name)
		}
	}
	if len(names) == 0 {
		names = []string{st.Lead.Source.Name}
	}
	if len(names) > maxOutletsNamed {
		names = append(names[:maxOutletsNamed], "others")
	}
	it.MoreFrom = strings.Join(names, ", ")
	return it
}

func storyPath(id int64) string { return "/stories/" + strconv.FormatInt(id, 10) }

// homeView is the home page: the latest stories, each led by its most
// central article.
type homeView struct {
	layout
	Heading string
	Stories []storyItem
	Next    string // link to the next page; empty on the last
	IsFirst bool
}

// handleHome lists the latest stories, a page at a time, the story with
// the newest article first.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		v := homeView{layout: s.newLayout("", "/"), Heading: "Latest news"}
		v.Canonical = s.absURL("/")
		v.Nav = "home"
		v.Description = "The latest news from " + s.Config.SiteName + "."
		f := herald.StoryFilter{Cursor: r.URL.Query().Get("after"), Limit: herald.DefaultPageSize}
		v.IsFirst = f.Cursor == ""
		v.NoIndex = !v.IsFirst
		list, next, err := s.Store.FindStories(r.Context(), f)
		if err != nil {
			return nil, err
		}
		for _, st := range list {
			v.Stories = append(v.Stories, newStoryItem(st))
		}
		if next != "" {
			v.Next = "/?after=" + url.QueryEscape(next)
		}
		items := make([]*articleItem, len(v.Stories))
		for i := range v.Stories {
			items[i] = &v.Stories[i].articleItem
		}
		if err := s.fillThumbs(r.Context(), items...); err != nil {
			return nil, err
		}
		return s.htmlPage("home.html", v)
	})
}

// storyView is a story's page: its headline, the outlets that covered
// it, and every article on a timeline.
type storyView struct {
	layout
	Story    *herald.Story
	Lead     articleItem
	Timeline []timelineItem
	DeskHref string // for a signed-in editor: where the story is merged
}

// timelineItem is one article of a story's timeline, with the other
// outlets that carried its text.
type timelineItem struct {
	articleItem
	AlsoBy []herald.Copy
}

func (s *Server) handleStory(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		s.handleNotFound(w, r)
		return
	}
	// An editor signed in gets the page with a link to the desk, uncached.
	if u := s.signedInEditor(r, "story"); u != nil {
		p, err := s.storyPage(r, id, fmt.Sprintf("/admin/stories?from=%d", id))
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.writePage(w, r, p, "private, no-store")
		return
	}
	s.serveCached(w, r, func() (*page, error) { return s.storyPage(r, id, "") })
}

// storyPage renders the page of story id; deskHref, for a signed-in
// editor, links to where the story is merged.
func (s *Server) storyPage(r *http.Request, id int64, deskHref string) (*page, error) {
	st, list, err := s.Store.FindStoryByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if st.ID != id {
		// An editor merged this story into another.
		return redirectPage(storyPath(st.ID)), nil
	}
	path := storyPath(st.ID)
	v := storyView{layout: s.newLayout(st.Headline(), path), Story: st, Lead: newArticleItem(st.Lead), DeskHref: deskHref}
	v.Canonical = s.absURL(path)
	v.Description = storyDescription(st)
	for _, a := range list {
		it := timelineItem{articleItem: newArticleItem(a)}
		for _, c := range a.Copies {
			if c.ArticleID != a.ID {
				it.AlsoBy = append(it.AlsoBy, c)
			}
		}
		v.Timeline = append(v.Timeline, it)
	}
	items := make([]*articleItem, len(v.Timeline))
	for i := range v.Timeline {
		items[i] = &v.Timeline[i].articleItem
	}
	if err := s.fillThumbs(r.Context(), items...); err != nil {
		return nil, err
	}
	return s.htmlPage("story.html", v)
}

func storyDescription(st *herald.Story) string {
	n := strconv.Itoa(st.Articles) + " articles"
	if st.Articles == 1 {
		n = "1 article"
	}
	outlets := strconv.Itoa(len(st.Outlets)) + " outlets"
	if len(st.Outlets) == 1 {
		outlets = "1 outlet"
	}
	return st.Headline() + ": " + n + " from " + outlets + "."
}

// storyLink is what an article page shows of the article's story: a link,
// when the story holds more than the article.
type storyLink struct {
	Href   string
	Others int
}

// findStoryLink returns the link to a's story, nil when it has none or
// when a is its only article.
func (s *Server) findStoryLink(ctx context.Context, a *herald.Article) (*storyLink, error) {
	if a.StoryID == 0 {
		return nil, nil
	}
	st, _, err := s.Store.FindStoryByID(ctx, a.StoryID)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, nil // removed since the article was read
	}
	if err != nil || st.Articles < 2 {
		return nil, err
	}
	return &storyLink{Href: storyPath(st.ID), Others: st.Articles - 1}, nil
}

// apiStory is a story in the JSON API.
type apiStory struct {
	ID               int64        `json:"id"`
	URL              string       `json:"url"`
	Headline         string       `json:"headline"`
	ArticleCount     int          `json:"article_count"`
	FirstPublishedAt time.Time    `json:"first_published_at"`
	LastPublishedAt  time.Time    `json:"last_published_at"`
	Outlets          []apiSource  `json:"outlets"`
	Lead             apiArticle   `json:"lead"`
	Articles         []apiArticle `json:"articles,omitempty"` // on a single story, earliest first
}

// apiStory returns st in the API, with lead, its lead article as
// apiArticles made it.
func (s *Server) apiStory(st *herald.Story, lead apiArticle) apiStory {
	v := apiStory{
		ID: st.ID, URL: s.absURL(storyPath(st.ID)), Headline: st.Headline(), ArticleCount: st.Articles,
		FirstPublishedAt: st.First.UTC(), LastPublishedAt: st.Last.UTC(), Outlets: []apiSource{},
		Lead: lead,
	}
	for _, o := range st.Outlets {
		v.Outlets = append(v.Outlets, apiSource{Name: o.Name, Slug: o.Slug, Homepage: o.Homepage, URL: s.absURL("/sources/" + o.Slug)})
	}
	return v
}

func (s *Server) handleAPIStories(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		q := r.URL.Query()
		f := herald.StoryFilter{Cursor: q.Get("cursor")}
		if l := q.Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err != nil || n < 1 || n > herald.MaxPageSize {
				return nil, herald.Errorf(herald.EINVALID, "limit must be a whole number from 1 to %d", herald.MaxPageSize)
			}
			f.Limit = n
		}
		list, next, err := s.Store.FindStories(r.Context(), f)
		if err != nil {
			return nil, err
		}
		leads := make([]*herald.Article, len(list))
		for i, st := range list {
			leads[i] = st.Lead
		}
		vs, err := s.apiArticles(r.Context(), leads)
		if err != nil {
			return nil, err
		}
		out := apiList[apiStory]{Items: []apiStory{}, NextCursor: next}
		for i, st := range list {
			out.Items = append(out.Items, s.apiStory(st, vs[i]))
		}
		return jsonPage(out)
	})
}

func (s *Server) handleAPIStory(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id < 1 {
			return nil, herald.Errorf(herald.EINVALID, "story id must be a positive whole number")
		}
		st, list, err := s.Store.FindStoryByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		// The lead and the articles in one call: one query for their
		// pictures.
		vs, err := s.apiArticles(r.Context(), append([]*herald.Article{st.Lead}, list...))
		if err != nil {
			return nil, err
		}
		v := s.apiStory(st, vs[0])
		if len(list) > 0 {
			v.Articles = vs[1:]
		}
		return jsonPage(v)
	})
}
