package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
	"github.com/herald-news/herald/internal/desk"
)

// The newsroom desk: /admin pages where editors run the site. Every
// action is one of internal/desk's, which the CLI calls too; this file
// only reads forms and renders pages.

const maxDeskForm = 64 << 10

// deskView is what every desk page has: who is signed in, the desk's
// menu, a one-time request id for its forms, and the outcome of the last
// action.
type deskView struct {
	layout
	User    *herald.User
	Menu    []deskLink
	Request string
	Message string            // what the last action did
	Problem string            // why the last action failed, when no field says
	Errors  map[string]string // field name → what is wrong with it
}

type deskLink struct {
	Href, Label string
	Current     bool
}

// deskMenu lists the desk's pages the user may open.
func deskMenu(u *herald.User, current string) []deskLink {
	all := []struct{ href, label, kind string }{
		{"/admin", "Dashboard", "source"},
		{"/admin/sources", "Sources", "source"},
		{"/admin/topics", "Topics", "topic"},
		{"/admin/stories", "Stories", "story"},
		{"/admin/comments", "Comments", "comment"},
		{"/admin/users", "Users", "user"},
		{"/admin/log", "Log", "source"},
		{"/admin/password", "Password", "comment"},
	}
	var links []deskLink
	for _, l := range all {
		if u.Role.Can(l.kind) {
			links = append(links, deskLink{Href: l.href, Label: l.label, Current: l.href == current})
		}
	}
	return links
}

// newRequestID is a form's one-time id: the store refuses a second action
// carrying it, so a form submitted twice acts once.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) deskView(u *herald.User, title, current string, r *http.Request) deskView {
	v := deskView{layout: s.adminLayout(title), User: u, Menu: deskMenu(u, current), Request: newRequestID(),
		Errors: map[string]string{}}
	v.Nav = "desk"
	if r != nil {
		v.Message = r.URL.Query().Get("done")
	}
	return v
}

// deskUser returns the signed-in user if their role may act on kind. A
// visitor is sent to sign in; a user whose role does not allow it gets
// 403.
func (s *Server) deskUser(w http.ResponseWriter, r *http.Request, kind string) *herald.User {
	u := s.requireUser(w, r)
	if u == nil {
		return nil
	}
	if !u.Role.Can(kind) {
		s.error(w, r, herald.Errorf(herald.EFORBIDDEN, "Your role (%s) does not let you open this page.", u.Role))
		return nil
	}
	return u
}

// deskForm reads a desk form and returns the actor taking its action.
func (s *Server) deskForm(w http.ResponseWriter, r *http.Request, kind string) (*herald.User, desk.Actor, bool) {
	u := s.deskUser(w, r, kind)
	if u == nil {
		return nil, desk.Actor{}, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxDeskForm)
	if err := r.ParseForm(); err != nil {
		s.error(w, r, herald.Errorf(herald.EINVALID, "The form could not be read."))
		return nil, desk.Actor{}, false
	}
	return u, desk.Actor{Email: u.Email, Role: u.Role, Request: strings.TrimSpace(r.PostFormValue("request"))}, true
}

// done sends the browser to page with a message, after an action: a
// reload then shows the page, and does not act again.
func (s *Server) done(w http.ResponseWriter, r *http.Request, page, message string) {
	s.refreshVersion(r.Context())
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	http.Redirect(w, r, page+sep+"done="+url.QueryEscape(message), http.StatusSeeOther)
}

// failed shows err on v: beside its field, or above the form. It reports
// false for an error that is not the user's to fix, which it has answered.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, v *deskView, err error) bool {
	switch herald.ErrorCode(err) {
	case herald.EINVALID, herald.ECONFLICT:
	default:
		s.error(w, r, err)
		return false
	}
	if f := desk.FieldOf(err); f != "" {
		v.Errors[f] = herald.ErrorMessage(err)
	} else {
		v.Problem = herald.ErrorMessage(err)
	}
	return true
}

// desk returns the desk actions the server takes.
func (s *Server) desk() *desk.Desk {
	if s.Desk != nil {
		return s.Desk
	}
	return &desk.Desk{Store: s.Store, Logger: s.Logger, Now: s.now}
}

// dashboardView is what needs an editor's attention now.
type dashboardView struct {
	deskView
	Failing      []*herald.Source
	Misreading   []*herald.Source // extraction looks wrong
	Paused       []*herald.Source
	Pending      int
	LastHour     int
	LastDay      int
	Growing      []herald.StoryGrowth
	RecentAudit  []*herald.AuditEntry
	SourceCount  int
	Following    int
	NotYetTested []*herald.Source
	Backup       BackupStatus
}

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if !u.Role.Can("source") {
		http.Redirect(w, r, "/admin/comments", http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	v := dashboardView{deskView: s.deskView(u, "Dashboard", "/admin", r)}
	sources, err := s.Store.FindSources(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, src := range sources {
		if !src.Following() {
			continue
		}
		v.Following++
		switch {
		case src.Paused():
			v.Paused = append(v.Paused, src)
		case src.Fetch.Status == herald.FetchFailed:
			v.Failing = append(v.Failing, src)
		case src.Fetch.Status == herald.FetchNew:
			v.NotYetTested = append(v.NotYetTested, src)
		}
		if src.Fetch.ExtractWarning != "" && !src.Paused() {
			v.Misreading = append(v.Misreading, src)
		}
	}
	v.SourceCount = len(sources)
	counts, err := s.Store.CountComments(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Pending = counts[herald.CommentPending]
	now := s.now()
	if v.LastHour, err = s.Store.CountArticlesSince(ctx, now.Add(-time.Hour)); err != nil {
		s.error(w, r, err)
		return
	}
	if v.LastDay, err = s.Store.CountArticlesSince(ctx, now.Add(-24*time.Hour)); err != nil {
		s.error(w, r, err)
		return
	}
	if v.Growing, err = s.Store.FindGrowingStories(ctx, now.Add(-24*time.Hour), 5); err != nil {
		s.error(w, r, err)
		return
	}
	if v.RecentAudit, err = s.Store.FindAudit(ctx, herald.AuditFilter{Limit: 8}); err != nil {
		s.error(w, r, err)
		return
	}
	if s.Backups != nil {
		v.Backup = s.Backups()
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_dashboard.html", v)
}

// auditView is a page of the audit log.
type auditView struct {
	deskView
	Entries []*herald.AuditEntry
	Actor   string
	Kind    string
	Kinds   []string
	Next    string
}

func (s *Server) handleAuditLog(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "source")
	if u == nil {
		return
	}
	q := r.URL.Query()
	f := herald.AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Kind: q.Get("kind"), Limit: adminPageSize}
	if f.Kind != "" && !slices.Contains(herald.AuditKinds, f.Kind) {
		s.error(w, r, herald.Errorf(herald.EINVALID, "kind %q is not one of %s", f.Kind, strings.Join(herald.AuditKinds, ", ")))
		return
	}
	if b := q.Get("before"); b != "" {
		if _, err := fmt.Sscan(b, &f.Before); err != nil || f.Before <= 0 {
			s.error(w, r, herald.Errorf(herald.EINVALID, "before %q is not an entry number", b))
			return
		}
	}
	entries, err := s.Store.FindAudit(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := auditView{deskView: s.deskView(u, "Audit log", "/admin/log", r), Entries: entries, Actor: f.Actor, Kind: f.Kind,
		Kinds: herald.AuditKinds}
	if len(entries) == f.Limit {
		next := url.Values{"before": {fmt.Sprint(entries[len(entries)-1].ID)}}
		if f.Actor != "" {
			next.Set("actor", f.Actor)
		}
		if f.Kind != "" {
			next.Set("kind", f.Kind)
		}
		v.Next = "/admin/log?" + next.Encode()
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_log.html", v)
}

// passwordView is the form where a signed-in user changes their password.
type passwordView struct{ deskView }

func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_password.html", passwordView{s.deskView(u, "Change your password", "/admin/password", r)})
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) {
	u, _, ok := s.deskForm(w, r, "comment")
	if !ok {
		return
	}
	keep := ""
	if ck, err := r.Cookie(sessionCookie); err == nil {
		keep = auth.HashToken(ck.Value)
	}
	if r.PostFormValue("password") != r.PostFormValue("again") {
		v := passwordView{s.deskView(u, "Change your password", "/admin/password", nil)}
		v.Errors["again"] = "The two new passwords differ."
		s.renderPrivate(w, r, http.StatusBadRequest, "desk_password.html", v)
		return
	}
	err := s.desk().ChangePassword(r.Context(), u, r.PostFormValue("current"), r.PostFormValue("password"), keep)
	if err != nil {
		v := passwordView{s.deskView(u, "Change your password", "/admin/password", nil)}
		if s.failed(w, r, &v.deskView, err) {
			s.renderPrivate(w, r, http.StatusBadRequest, "desk_password.html", v)
		}
		return
	}
	s.done(w, r, "/admin/password", "Your password is changed; your other sessions have ended.")
}

// signedInEditor returns the signed-in user when their role may act on
// kind, for pages that show such a user a link to the desk; nil for
// everyone else, who get the shared cached page. Only a request with a
// session cookie costs a lookup.
func (s *Server) signedInEditor(r *http.Request, kind string) *herald.User {
	if ck, err := r.Cookie(sessionCookie); err != nil || ck.Value == "" {
		return nil
	}
	if u := s.currentUser(r); u != nil && u.Role.Can(kind) {
		return u
	}
	return nil
}
