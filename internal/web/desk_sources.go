package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/ingest"
)

// sourcesView is the desk's list of sources.
type sourcesView struct {
	deskView
	Sources []*herald.Source
	Query   string
	Status  string
	Counts  map[string]int
}

// sourceStatus is how the desk sums up a source: removed, paused, error,
// ok, new, or imported (an outlet known only from imports).
func sourceStatus(s *herald.Source) string {
	switch {
	case !s.RemovedAt.IsZero():
		return "removed"
	case s.FeedURL == "":
		return "imported"
	case s.Paused():
		return "paused"
	}
	return s.Fetch.Status
}

var sourceStatuses = []string{"error", "ok", "new", "paused", "imported", "removed"}

func (s *Server) handleDeskSources(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "source")
	if u == nil {
		return
	}
	q := r.URL.Query()
	v := sourcesView{deskView: s.deskView(u, "Sources", "/admin/sources", r), Query: strings.TrimSpace(q.Get("q")),
		Status: q.Get("status"), Counts: map[string]int{}}
	if v.Status != "" && !slices.Contains(sourceStatuses, v.Status) {
		s.error(w, r, herald.Errorf(herald.EINVALID, "status %q is not one of %s", v.Status, strings.Join(sourceStatuses, ", ")))
		return
	}
	all, err := s.Store.FindSources(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	needle := strings.ToLower(v.Query)
	for _, src := range all {
		st := sourceStatus(src)
		v.Counts[st]++
		if v.Status != "" && st != v.Status {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(src.Name+" "+src.Slug+" "+src.FeedURL), needle) {
			continue
		}
		v.Sources = append(v.Sources, src)
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_sources.html", v)
}

// sourceFormView is the form that adds a source, with its preview, or
// edits one.
type sourceFormView struct {
	deskView
	Form    desk.SourceForm
	Source  *herald.Source // being edited; nil when adding
	Preview *desk.SourcePreview
}

func sourceFormOf(r *http.Request) desk.SourceForm {
	return desk.SourceForm{URL: strings.TrimSpace(r.PostFormValue("url")), Name: r.PostFormValue("name"),
		Licence: r.PostFormValue("licence"), Fulltext: r.PostFormValue("fulltext"), Images: r.PostFormValue("images"),
		Every: r.PostFormValue("every")}
}

func (s *Server) handleNewSourceForm(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "source")
	if u == nil {
		return
	}
	v := sourceFormView{deskView: s.deskView(u, "Add a source", "/admin/sources", r),
		Form: desk.SourceForm{URL: r.URL.Query().Get("url"), Licence: string(herald.DefaultLicence), Fulltext: string(herald.FulltextAuto)}}
	s.renderPrivate(w, r, http.StatusOK, "desk_source.html", v)
}

// handleAddSource previews the address typed (do=preview) or adds it.
func (s *Server) handleAddSource(w http.ResponseWriter, r *http.Request) {
	u, actor, ok := s.deskForm(w, r, "source")
	if !ok {
		return
	}
	d := s.desk()
	v := sourceFormView{deskView: s.deskView(u, "Add a source", "/admin/sources", nil), Form: sourceFormOf(r)}
	if r.PostFormValue("do") == "preview" {
		p, err := d.PreviewSource(r.Context(), actor, v.Form)
		if err != nil {
			if s.failed(w, r, &v.deskView, err) {
				s.renderPrivate(w, r, http.StatusBadRequest, "desk_source.html", v)
			}
			return
		}
		v.Preview = p
		if v.Form.Name == "" {
			v.Form.Name = p.Source.Name
		}
		s.renderPrivate(w, r, http.StatusOK, "desk_source.html", v)
		return
	}
	src, note, err := d.AddSource(r.Context(), actor, v.Form)
	if desk.AlreadyDone(err, actor) {
		s.done(w, r, "/admin/sources", "That source was already added.")
		return
	}
	if err != nil {
		if s.failed(w, r, &v.deskView, err) {
			s.renderPrivate(w, r, http.StatusBadRequest, "desk_source.html", v)
		}
		return
	}
	s.done(w, r, "/admin/sources/"+src.Slug, fmt.Sprintf("Added %s. %s; its first check is due now.", src.Name, note))
}

func (s *Server) handleEditSourceForm(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "source")
	if u == nil {
		return
	}
	src, err := s.Store.FindSourceBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := sourceFormView{deskView: s.deskView(u, src.Name, "/admin/sources", r), Source: src, Form: formOfSource(src)}
	s.renderPrivate(w, r, http.StatusOK, "desk_source.html", v)
}

func formOfSource(src *herald.Source) desk.SourceForm {
	f := desk.SourceForm{URL: src.FeedURL, Name: src.Name, Licence: string(src.Licence), Fulltext: string(src.Fulltext),
		Images: string(src.Images)}
	if src.Every != 0 {
		f.Every = src.Every.String()
	}
	return f
}

// handleSourceAction saves a source's settings (do=save), pauses,
// resumes, checks or removes it.
func (s *Server) handleSourceAction(w http.ResponseWriter, r *http.Request) {
	u, actor, ok := s.deskForm(w, r, "source")
	if !ok {
		return
	}
	ctx, d, slug := r.Context(), s.desk(), r.PathValue("slug")
	page := "/admin/sources/" + slug
	var message string
	var err error
	switch r.PostFormValue("do") {
	case "save":
		form := sourceFormOf(r)
		old, ferr := s.Store.FindSourceBySlug(ctx, slug)
		if ferr != nil {
			s.error(w, r, ferr)
			return
		}
		var src *herald.Source
		if src, err = d.EditSource(ctx, actor, slug, form); err == nil && desk.Repicture(old, src) {
			s.repicture(slug)
		}
		if err != nil && !desk.AlreadyDone(err, actor) {
			src, ferr := s.Store.FindSourceBySlug(ctx, slug)
			if ferr != nil {
				s.error(w, r, ferr)
				return
			}
			form.URL = src.FeedURL
			v := sourceFormView{deskView: s.deskView(u, src.Name, "/admin/sources", nil), Source: src, Form: form}
			if s.failed(w, r, &v.deskView, err) {
				s.renderPrivate(w, r, http.StatusBadRequest, "desk_source.html", v)
			}
			return
		}
		message = "Settings saved."
	case "pause":
		_, err = d.PauseSource(ctx, actor, slug, true)
		message = "Paused: it will not be checked until resumed."
	case "resume":
		_, err = d.PauseSource(ctx, actor, slug, false)
		message = "Resumed: its next check is due now."
	case "check":
		_, err = d.CheckSourceNow(ctx, actor, slug)
		message = "Its next check is due now."
	case "takedown":
		message, err = s.takeDownSource(ctx, actor, slug, r.PostFormValue("reason"), r.PostFormValue("confirm"))
	case "restore":
		message, err = s.restoreSource(ctx, actor, slug)
	case "remove", "purge":
		purge := r.PostFormValue("do") == "purge"
		if r.PostFormValue("confirm") != slug {
			err = herald.Errorf(herald.EINVALID, "Type the source's slug, %s, to confirm.", slug)
			break
		}
		err = d.RemoveSource(ctx, actor, slug, purge)
		message = "Removed: no longer followed; its articles stay."
		if purge {
			message = "Removed, and its articles deleted."
		}
		page = "/admin/sources"
	default:
		err = herald.Errorf(herald.EINVALID, "unknown action %q", r.PostFormValue("do"))
	}
	if err != nil && !desk.AlreadyDone(err, actor) {
		if herald.ErrorCode(err) == herald.EINVALID {
			s.done(w, r, page, herald.ErrorMessage(err))
			return
		}
		s.error(w, r, err)
		return
	}
	s.done(w, r, page, message)
}

// repicture applies a source's new image setting to its stored articles,
// in the background: a large source takes a while, and the setting is
// saved. A failure is logged; `herald source set` applies it again.
func (s *Server) repicture(slug string) {
	s.background("apply image policy", slug, func(ctx context.Context) error {
		_, err := ingest.ApplyImagePolicy(ctx, s.Store, slug, nil)
		return err
	})
}

// background runs what on the source with the slug after the request
// ends, for up to an hour, logs its failure, and then lets the caches
// see what it changed.
func (s *Server) background(what, slug string, fn func(ctx context.Context) error) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if err := fn(ctx); err != nil {
			s.Logger.Error(what, "source", slug, "err", err)
		}
		s.refreshVersion(ctx)
	}()
}

// takeDownSource checks the form of "Take down everything from this
// outlet", then takes the articles down in the background: a source may
// have 100,000, more than a request should wait for. The articles answer
// 410 as they go; `herald source takedown` finishes what a restart
// interrupts.
func (s *Server) takeDownSource(ctx context.Context, actor desk.Actor, slug, reason, confirm string) (string, error) {
	if confirm != slug {
		return "", herald.Errorf(herald.EINVALID, "Type the source's slug, %s, to confirm the takedown.", slug)
	}
	if err := desk.CheckSourceTakedown(actor, reason); err != nil {
		return "", err
	}
	src, err := s.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return "", err
	}
	s.background("take down source", slug, func(ctx context.Context) error {
		r, err := s.desk().TakeDownSource(ctx, actor, slug, reason)
		if err == nil {
			s.Logger.Info("source taken down", "source", slug, "articles", r.Done, "by", actor.Email)
		}
		return err
	})
	return fmt.Sprintf("Taking down its %d articles: each answers 410 Gone with the reason as it goes, and the source is paused.",
		src.ArticleCount), nil
}

// restoreSource publishes again what a source's takedown took down, in
// the background as takeDownSource does.
func (s *Server) restoreSource(ctx context.Context, actor desk.Actor, slug string) (string, error) {
	if err := desk.CheckSourceTakedown(actor, "restore"); err != nil {
		return "", err
	}
	src, err := s.Store.FindSourceBySlug(ctx, slug)
	if err != nil {
		return "", err
	}
	if !src.TakenDown() {
		return "", herald.Errorf(herald.EINVALID, "%s is not taken down: there is nothing to restore.", src.Name)
	}
	s.background("restore source", slug, func(ctx context.Context) error {
		r, err := s.desk().RestoreSource(ctx, actor, slug)
		if err == nil {
			s.Logger.Info("source restored", "source", slug, "articles", r.Done, "kept down", r.Kept, "by", actor.Email)
		}
		return err
	})
	return "Restoring its articles: each is published again as it goes, and the source is followed again at the end.", nil
}
