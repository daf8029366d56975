package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sanitize"
	"github.com/herald-news/herald/internal/textdiff"
)

// The "What changed" page of an article: every version the outlet
// published, newest first, each with the words it inserted and deleted.

// changesView is an article's versions.
type changesView struct {
	layout
	Article  *herald.Article
	Versions []versionView
	// FullText says the licence lets the page show the words changed;
	// under excerpt and headline it shows how many, and the titles.
	FullText bool
}

// versionView is one version and what it changed in the one before.
type versionView struct {
	N        int
	Rev      herald.Revision
	Title    []textdiff.Part // the title's change; nil when it stayed
	Text     []textdiff.Part // the text's change, when shown
	Inserted int
	Deleted  int
	First    bool
}

func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveCached(w, r, func() (*page, error) {
		a, err := s.Store.FindArticleBySlug(r.Context(), slug)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return s.gonePage(r, slug, err)
		}
		if err != nil {
			return nil, err
		}
		versions, err := s.Store.FindRevisions(r.Context(), a.ID)
		if err != nil {
			return nil, err
		}
		path := "/articles/" + a.Slug + "/changes"
		v := changesView{layout: s.newLayout("What changed: "+a.Title, path), Article: a, FullText: a.Licence == herald.LicenceFull}
		v.NoIndex = true
		v.Canonical = s.absURL(path)
		v.Description = fmt.Sprintf("The %d versions of %q as %s published them.", len(versions), a.Title, a.Source.Name)
		for i := len(versions) - 1; i >= 0; i-- {
			v.Versions = append(v.Versions, s.versionView(versions, i, v.FullText))
		}
		return s.htmlPage("changes.html", v)
	})
}

// changeContext is how many unchanged words the page shows on each side
// of a change.
const changeContext = 30

// versionView compares version i with the one before it.
func (s *Server) versionView(versions []*herald.Revision, i int, fullText bool) versionView {
	cur := versions[i]
	vv := versionView{N: cur.N, Rev: *cur, First: i == 0}
	if i == 0 {
		return vv
	}
	prev := versions[i-1]
	if prev.Title != cur.Title {
		vv.Title = textdiff.Words(prev.Title, cur.Title)
	}
	parts := textdiff.Words(prev.Text, cur.Text)
	vv.Inserted, vv.Deleted = textdiff.Stats(parts)
	if fullText {
		// The words around each change, not the whole text again: a page
		// of fifty versions of a long article stays readable, and small.
		vv.Text = textdiff.Context(parts, changeContext)
	}
	return vv
}

// apiRevision is one version of an article in the API: its words only
// under the full licence.
type apiRevision struct {
	N      int       `json:"n"`
	At     time.Time `json:"at"`
	Title  string    `json:"title"`
	Byline string    `json:"byline"`
	HTML   string    `json:"html,omitempty"`
	// Inserted and Deleted count the words this version added to and
	// removed from the one before; 0 for the first.
	Inserted int `json:"words_inserted"`
	Deleted  int `json:"words_deleted"`
}

func (s *Server) handleAPIRevisions(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, func() (*page, error) {
		id, err := articleID(r)
		if err != nil {
			return nil, err
		}
		a, err := s.Store.FindArticleByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		versions, err := s.Store.FindRevisions(r.Context(), a.ID)
		if err != nil {
			return nil, err
		}
		out := apiList[apiRevision]{Items: []apiRevision{}}
		for i, v := range versions {
			ar := apiRevision{N: v.N, At: v.At.UTC(), Title: v.Title, Byline: v.Byline}
			if a.Licence == herald.LicenceFull {
				ar.HTML = sanitize.Balance(v.HTML)
			}
			if i > 0 {
				ar.Inserted, ar.Deleted = textdiff.Stats(textdiff.Words(versions[i-1].Text, v.Text))
			}
			out.Items = append(out.Items, ar)
		}
		return jsonPage(out)
	})
}
