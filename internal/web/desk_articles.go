package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/search"
)

// deskArticleView is the desk's page for one article: unpublish or
// restore it, split it out of its story.
type deskArticleView struct {
	deskView
	Slug     string
	Article  *herald.Article  // nil when taken down
	Takedown *herald.Takedown // nil when published
	Reason   string
	Original *herald.ArticleOriginal // nil when never edited
	// What the edit form shows: the article's, or what was typed.
	EditTitle, EditExcerpt string
}

func (s *Server) handleDeskArticle(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "article")
	if u == nil {
		return
	}
	v, err := s.deskArticle(r, u, r.PathValue("slug"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_article.html", v)
}

func (s *Server) deskArticle(r *http.Request, u *herald.User, slug string) (deskArticleView, error) {
	v := deskArticleView{deskView: s.deskView(u, "Article", "", r), Slug: slug}
	a, err := s.Store.FindArticleBySlug(r.Context(), slug)
	if err == nil {
		v.Article, v.Title, v.EditTitle, v.EditExcerpt = a, a.Title, a.Title, a.Lead
		if v.Original, err = s.Store.FindArticleOriginal(r.Context(), a.ID); herald.ErrorCode(err) == herald.ENOTFOUND {
			err = nil
		}
		return v, err
	}
	if herald.ErrorCode(err) != herald.ENOTFOUND {
		return v, err
	}
	if v.Takedown, err = s.Store.FindTakedown(r.Context(), slug); err != nil {
		return v, err
	}
	v.Title = v.Takedown.Title
	return v, nil
}

// handleDeskArticleAction unpublishes (do=takedown), restores or splits
// the article.
func (s *Server) handleDeskArticleAction(w http.ResponseWriter, r *http.Request) {
	u, actor, ok := s.deskForm(w, r, "article")
	if !ok {
		return
	}
	ctx, d, slug := r.Context(), s.desk(), r.PathValue("slug")
	var err error
	var message string
	switch r.PostFormValue("do") {
	case "takedown":
		reason := r.PostFormValue("reason")
		if _, err = d.TakeDown(ctx, actor, slug, reason); err != nil && !desk.AlreadyDone(err, actor) &&
			herald.ErrorCode(err) == herald.EINVALID {
			v, verr := s.deskArticle(r, u, slug)
			if verr != nil {
				s.error(w, r, verr)
				return
			}
			v.Reason = reason
			v.Errors["reason"] = herald.ErrorMessage(err)
			s.renderPrivate(w, r, http.StatusBadRequest, "desk_article.html", v)
			return
		}
		message = "Unpublished: its address now answers 410 Gone with your reason."
	case "edit":
		title, excerpt := r.PostFormValue("title"), r.PostFormValue("excerpt")
		_, err = d.EditArticle(ctx, actor, slug, herald.ArticleEdit{Title: &title, Excerpt: &excerpt})
		if err != nil && !desk.AlreadyDone(err, actor) && herald.ErrorCode(err) == herald.EINVALID {
			v, verr := s.deskArticle(r, u, slug)
			if verr != nil {
				s.error(w, r, verr)
				return
			}
			v.EditTitle, v.EditExcerpt = title, excerpt
			s.failed(w, r, &v.deskView, err)
			s.renderPrivate(w, r, http.StatusBadRequest, "desk_article.html", v)
			return
		}
		message = "Saved: lists, feeds and search show the new wording."
	case "restore":
		_, err = d.Restore(ctx, actor, slug)
		message = "Restored: the article is published again."
	case "split":
		var st *herald.Story
		if st, err = d.SplitArticle(ctx, actor, slug); err == nil {
			message = fmt.Sprintf("Split out into story %d, on its own.", st.ID)
		}
	default:
		err = herald.Errorf(herald.EINVALID, "unknown action %q", r.PostFormValue("do"))
	}
	if err != nil && !desk.AlreadyDone(err, actor) {
		s.error(w, r, err)
		return
	}
	s.done(w, r, "/admin/articles/"+slug, message)
}

// deskStoriesView merges stories: a search for the story to merge into.
type deskStoriesView struct {
	deskView
	From, Into string
	Query      string
	Found      []*herald.Story
	Recent     []*herald.Story
}

func (s *Server) handleDeskStories(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "story")
	if u == nil {
		return
	}
	q := r.URL.Query()
	v := deskStoriesView{deskView: s.deskView(u, "Stories", "/admin/stories", r), From: q.Get("from"), Into: q.Get("into"),
		Query: strings.TrimSpace(q.Get("q"))}
	var err error
	if v.Recent, _, err = s.Store.FindStories(r.Context(), herald.StoryFilter{Limit: 20}); err != nil {
		s.error(w, r, err)
		return
	}
	if v.Query != "" {
		if v.Found, err = s.findStories(r, v.Query); err != nil {
			s.error(w, r, err)
			return
		}
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_stories.html", v)
}

// findStories returns the stories of the articles a search finds.
func (s *Server) findStories(r *http.Request, query string) ([]*herald.Story, error) {
	q, err := search.Parse(query)
	if err != nil {
		return nil, nil // a search that cannot be read finds nothing
	}
	res, err := s.Store.Search(r.Context(), herald.SearchFilter{Query: q, Limit: 20})
	if err != nil {
		return nil, err
	}
	var stories []*herald.Story
	seen := map[int64]bool{}
	for _, h := range res.Hits {
		if h.Article.StoryID == 0 || seen[h.Article.StoryID] {
			continue
		}
		seen[h.Article.StoryID] = true
		st, _, err := s.Store.FindStoryByID(r.Context(), h.Article.StoryID)
		if err != nil {
			continue
		}
		stories = append(stories, st)
	}
	return stories, nil
}

func (s *Server) handleDeskMerge(w http.ResponseWriter, r *http.Request) {
	u, actor, ok := s.deskForm(w, r, "story")
	if !ok {
		return
	}
	v := deskStoriesView{deskView: s.deskView(u, "Stories", "/admin/stories", nil), From: r.PostFormValue("from"), Into: r.PostFormValue("into")}
	id, err := desk.ParseStoryID("from", v.From)
	var into int64
	if err == nil {
		into, err = desk.ParseStoryID("into", v.Into)
	}
	if err == nil {
		err = s.desk().MergeStories(r.Context(), actor, id, into)
	}
	if err != nil && !desk.AlreadyDone(err, actor) {
		if !s.failed(w, r, &v.deskView, err) {
			return
		}
		if v.Recent, _, err = s.Store.FindStories(r.Context(), herald.StoryFilter{Limit: 20}); err != nil {
			s.error(w, r, err)
			return
		}
		s.renderPrivate(w, r, http.StatusBadRequest, "desk_stories.html", v)
		return
	}
	s.done(w, r, fmt.Sprintf("/stories/%d", into), fmt.Sprintf("Story %d merged into story %d.", id, into))
}
