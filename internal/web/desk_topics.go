package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/digest"
)

// deskTopicsView lists the topics and the suggested ones.
type deskTopicsView struct {
	deskView
	Topics      []*herald.Topic
	Suggestions []digest.Suggestion
}

func (s *Server) handleDeskTopics(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "topic")
	if u == nil {
		return
	}
	v := deskTopicsView{deskView: s.deskView(u, "Topics", "/admin/topics", r)}
	var err error
	if v.Topics, err = s.Store.FindTopics(r.Context()); err != nil {
		s.error(w, r, err)
		return
	}
	if v.Suggestions, _, err = s.desk().SuggestTopics(r.Context(), 5, 1000, 12); err != nil {
		s.error(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_topics.html", v)
}

// topicFormView adds or edits a topic, with the preview of its rules and,
// when editing, its digest.
type topicFormView struct {
	deskView
	Form    desk.TopicForm
	Editing bool
	Preview *desk.TopicPreview
	Digest  []*herald.DigestPoint
}

func (s *Server) handleNewTopicForm(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "topic")
	if u == nil {
		return
	}
	q := r.URL.Query()
	v := topicFormView{deskView: s.deskView(u, "New topic", "/admin/topics", r),
		Form: desk.TopicForm{Name: q.Get("name"), Match: q.Get("match")}}
	if v.Form.Match != "" {
		if t, err := v.Form.Topic(); err == nil {
			v.Preview, _ = s.desk().PreviewTopic(r.Context(), t)
		}
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_topic.html", v)
}

func (s *Server) handleEditTopicForm(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "topic")
	if u == nil {
		return
	}
	t, err := s.Store.FindTopicBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := topicFormView{deskView: s.deskView(u, t.Name, "/admin/topics", r), Editing: true,
		Form: desk.TopicForm{Name: t.Name, Slug: t.Slug, Match: strings.Join(t.Rules.Match, "\n"),
			Exclude: strings.Join(t.Rules.Exclude, "\n"), Outlets: strings.Join(t.Rules.Outlets, "\n")}}
	if v.Preview, err = s.desk().PreviewTopic(r.Context(), t); err != nil {
		s.error(w, r, err)
		return
	}
	if v.Digest, err = s.Store.FindDigest(r.Context(), t.ID, true); err != nil {
		s.error(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_topic.html", v)
}

// handleSaveTopic previews the rules typed (do=preview) or saves the
// topic; a new or edited topic's stored articles are tagged by the
// server's background re-tagging.
func (s *Server) handleSaveTopic(w http.ResponseWriter, r *http.Request) {
	u, actor, ok := s.deskForm(w, r, "topic")
	if !ok {
		return
	}
	editing := r.PathValue("slug") != ""
	v := topicFormView{deskView: s.deskView(u, "Topic", "/admin/topics", nil), Editing: editing,
		Form: desk.TopicForm{Name: r.PostFormValue("name"), Slug: r.PostFormValue("slug"), Match: r.PostFormValue("match"),
			Exclude: r.PostFormValue("exclude"), Outlets: r.PostFormValue("outlets")}}
	if editing {
		v.Form.Slug = r.PathValue("slug")
	}
	ctx, d := r.Context(), s.desk()
	t, err := v.Form.Topic()
	if err == nil {
		v.Preview, err = d.PreviewTopic(ctx, t)
	}
	if err == nil && r.PostFormValue("do") != "preview" {
		if err = desk.CheckTopicReach(v.Preview); err == nil || r.PostFormValue("anyway") == "yes" {
			if editing {
				err = d.EditTopic(ctx, actor, t)
			} else {
				err = d.AddTopic(ctx, actor, t)
			}
			if err == nil || desk.AlreadyDone(err, actor) {
				s.done(w, r, "/admin/topics/"+t.Slug, "Saved. The stored articles are being tagged under the new rules.")
				return
			}
		}
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusBadRequest
		if !s.failed(w, r, &v.deskView, err) {
			return
		}
	}
	s.renderPrivate(w, r, status, "desk_topic.html", v)
}

// handleDigestAction pins, hides, rewrites or undoes one point of a
// topic's digest.
func (s *Server) handleDigestAction(w http.ResponseWriter, r *http.Request) {
	_, actor, ok := s.deskForm(w, r, "digest")
	if !ok {
		return
	}
	slug := r.PathValue("slug")
	id, err := strconv.ParseInt(r.PostFormValue("point"), 10, 64)
	if err != nil || id <= 0 {
		s.error(w, r, herald.Errorf(herald.EINVALID, "point %q is not a number", r.PostFormValue("point")))
		return
	}
	var e herald.DigestEdit
	yes, no := true, false
	switch r.PostFormValue("do") {
	case "pin":
		e.Pinned = &yes
	case "unpin":
		e.Pinned = &no
	case "hide":
		e.Hidden = &yes
	case "unhide":
		e.Hidden = &no
	case "edit":
		text := strings.TrimSpace(r.PostFormValue("text"))
		e.Text = &text
	default:
		s.error(w, r, herald.Errorf(herald.EINVALID, "unknown action %q", r.PostFormValue("do")))
		return
	}
	err = s.desk().EditDigestPoint(r.Context(), actor, id, e)
	switch {
	case err == nil || desk.AlreadyDone(err, actor):
		s.done(w, r, "/admin/topics/"+slug, "Point changed.")
	case herald.ErrorCode(err) == herald.EINVALID:
		s.done(w, r, "/admin/topics/"+slug, herald.ErrorMessage(err))
	default:
		s.error(w, r, err)
	}
}
