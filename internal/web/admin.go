package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
	"github.com/herald-news/herald/internal/comment"
	"golang.org/x/time/rate"
)

const (
	sessionCookie   = "herald_session"
	sessionLifetime = 12 * time.Hour
	adminPageSize   = 50
)

// signInLimit slows down password guessing from one address, on top of
// the per-account lockout the store keeps.
var signInLimit = rate.Every(6 * time.Second)

// currentUser returns the signed-in user of r, or nil.
func (s *Server) currentUser(r *http.Request) *herald.User {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	sess, err := s.Store.FindSession(r.Context(), auth.HashToken(ck.Value))
	if err != nil {
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			s.Logger.Error("find session", "err", err)
		}
		return nil
	}
	return sess.User
}

// requireUser returns the signed-in user, or sends the browser to the
// sign-in page and returns nil.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) *herald.User {
	u := s.currentUser(r)
	switch {
	case u != nil:
	case r.Method == http.MethodPost:
		// The session ended while a form was open: what was typed goes
		// through the sign-in and back, not lost.
		s.signInAgain(w, r)
	default:
		http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
	}
	return u
}

type signInView struct {
	layout
	Email   string
	Message string
	// Carry is a form sent after the session ended: the sign-in form
	// carries its fields, and once signed in the user sends it again.
	Carry *carriedForm
}

// carriedForm is a form whose sending failed for want of a session.
type carriedForm struct {
	Action string
	Fields []carriedField
}

type carriedField struct{ Name, Value string }

// Fields never carried through a sign-in: passwords stay out of pages.
var uncarried = map[string]bool{"password": true, "current": true, "again": true}

// signInAgain answers a desk form sent without a session with the
// sign-in page, carrying the form's fields.
func (s *Server) signInAgain(w http.ResponseWriter, r *http.Request) {
	v := signInView{layout: s.adminLayout("Sign in"), Message: "Your session has ended. Sign in again: what you typed is kept."}
	r.Body = http.MaxBytesReader(w, r.Body, maxDeskForm)
	if err := r.ParseForm(); err == nil && strings.HasPrefix(r.URL.Path, "/admin/") {
		v.Carry = &carriedForm{Action: r.URL.Path}
		for name, values := range r.PostForm {
			if uncarried[name] {
				continue
			}
			for _, value := range values {
				v.Carry.Fields = append(v.Carry.Fields, carriedField{Name: name, Value: value})
			}
		}
		slices.SortStableFunc(v.Carry.Fields, func(a, b carriedField) int { return strings.Compare(a.Name, b.Name) })
	}
	s.renderPrivate(w, r, http.StatusUnauthorized, "admin_signin.html", v)
}

// carriedFrom reads the form a sign-in carried, if any.
func carriedFrom(r *http.Request) *carriedForm {
	action := r.PostFormValue("carry_to")
	if !strings.HasPrefix(action, "/admin/") || strings.HasPrefix(action, "/admin/signin") {
		return nil
	}
	c := &carriedForm{Action: action}
	for name, values := range r.PostForm {
		field, ok := strings.CutPrefix(name, "carry.")
		if !ok || uncarried[field] {
			continue
		}
		for _, value := range values {
			c.Fields = append(c.Fields, carriedField{Name: field, Value: value})
		}
	}
	slices.SortStableFunc(c.Fields, func(a, b carriedField) int { return strings.Compare(a.Name, b.Name) })
	return c
}

func (s *Server) adminLayout(title string) layout {
	l := s.newLayout(title, "")
	l.NoIndex = true
	return l
}

func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	if s.currentUser(r) != nil {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "admin_signin.html", signInView{layout: s.adminLayout("Sign in"),
		Email: r.URL.Query().Get("email")})
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.commentRefused(w, r, http.StatusBadRequest, "Sign-in not accepted", "The sign-in form could not be read.")
		return
	}
	v := signInView{layout: s.adminLayout("Sign in"), Email: strings.TrimSpace(r.PostFormValue("email")), Carry: carriedFrom(r)}
	if !s.allowSignIn(s.clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		v.Message = "Too many sign-in attempts from your address. Please wait a minute."
		s.renderPrivate(w, r, http.StatusTooManyRequests, "admin_signin.html", v)
		return
	}
	u, err := s.checkSignIn(r.Context(), v.Email, r.PostFormValue("password"))
	if err != nil {
		if herald.ErrorCode(err) == herald.EINTERNAL {
			s.error(w, r, err)
			return
		}
		v.Message = herald.ErrorMessage(err)
		s.renderPrivate(w, r, http.StatusUnauthorized, "admin_signin.html", v)
		return
	}
	token, hash := auth.NewToken()
	sess := &herald.Session{TokenHash: hash, User: u, ExpiresAt: s.now().Add(sessionLifetime)}
	if err := s.Store.CreateSession(r.Context(), sess); err != nil {
		s.error(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: sess.ExpiresAt,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	if v.Carry != nil {
		// One click sends the carried form again, now with the session.
		v.Message = "You are signed in. Check what you typed, then send it."
		s.renderPrivate(w, r, http.StatusOK, "admin_resume.html", v)
		return
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// checkSignIn returns the user whose email and password these are. Every
// failure reads the same, so that it does not tell which accounts exist.
func (s *Server) checkSignIn(ctx context.Context, email, password string) (*herald.User, error) {
	wrong := herald.Errorf(herald.EINVALID, "The email or password is not right.")
	u, err := s.Store.FindUserByEmail(ctx, email)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, wrong
	}
	if err != nil {
		return nil, err
	}
	if u.LockedUntil.After(s.now()) {
		return nil, herald.Errorf(herald.EINVALID, "This account is locked after too many wrong passwords. Try again after %s.",
			u.LockedUntil.UTC().Format("15:04 MST"))
	}
	ok := auth.CheckPassword(u.PasswordHash, password)
	if err := s.Store.RecordSignIn(ctx, u.ID, ok); err != nil {
		return nil, err
	}
	if !ok {
		return nil, wrong
	}
	if u.Disabled { // said only to whoever knows the password
		return nil, herald.Errorf(herald.EINVALID, "This account is disabled. Ask an admin to enable it.")
	}
	return u, nil
}

func (s *Server) allowSignIn(addr string) bool {
	c := &s.comments
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limits == nil {
		c.limits = map[string]*rate.Limiter{}
	}
	key := "signin " + addr
	l := c.limits[key]
	if l == nil {
		l = rate.NewLimiter(signInLimit, 5)
		c.limits[key] = l
	}
	return l.AllowN(s.now(), 1)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.Store.DeleteSession(r.Context(), auth.HashToken(ck.Value)); err != nil {
			s.error(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/admin/signin", http.StatusSeeOther)
}

// adminCommentsView is a moderation queue.
type adminCommentsView struct {
	layout
	User    *herald.User
	Status  herald.CommentStatus
	Tabs    []adminTab
	Items   []adminComment
	Total   int
	Prev    string
	Next    string
	Message string
}

type adminTab struct {
	Status  herald.CommentStatus
	Label   string
	Count   int
	Current bool
}

// adminComment is a comment as moderators see it: with its private fields.
type adminComment struct {
	*herald.Comment
	Body      template.HTML // the text as Render made it: every character escaped
	Website   string
	ScoreText string
	History   []herald.CommentActionRecord
}

func (s *Server) handleAdminComments(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	status := herald.CommentPending
	if q := r.URL.Query().Get("status"); q != "" {
		st, err := herald.ParseCommentStatus(q)
		if err != nil {
			s.error(w, r, err)
			return
		}
		status = st
	}
	s.renderQueue(w, r, u, status, r.URL.Query().Get("done"))
}

func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, u *herald.User, status herald.CommentStatus, message string) {
	ctx := r.Context()
	pageNo := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		pageNo = n
	}
	counts, err := s.Store.CountComments(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, total, err := s.Store.FindComments(ctx, herald.CommentFilter{Status: status, NewestFirst: true,
		Offset: (pageNo - 1) * adminPageSize, Limit: adminPageSize})
	if err != nil {
		s.error(w, r, err)
		return
	}
	v := adminCommentsView{layout: s.adminLayout("Comments"), User: u, Status: status, Total: total, Message: message}
	labels := map[herald.CommentStatus]string{herald.CommentPending: "Pending", herald.CommentSpam: "Spam",
		herald.CommentApproved: "Approved", herald.CommentTrash: "Trash"}
	for _, st := range herald.CommentStatuses {
		v.Tabs = append(v.Tabs, adminTab{Status: st, Label: labels[st], Count: counts[st], Current: st == status})
	}
	for _, c := range list {
		ac := adminComment{Comment: c, Body: template.HTML(comment.Render(c.Text)), Website: comment.SafeWebsite(c.AuthorURL), ScoreText: "—"}
		if c.Score >= 0 {
			ac.ScoreText = fmt.Sprintf("%.2f", c.Score)
		}
		if ac.History, err = s.Store.FindCommentActions(ctx, c.ID); err != nil {
			s.error(w, r, err)
			return
		}
		v.Items = append(v.Items, ac)
	}
	if pageNo > 1 {
		v.Prev = fmt.Sprintf("/admin/comments?status=%s&page=%d", status, pageNo-1)
	}
	if pageNo*adminPageSize < total {
		v.Next = fmt.Sprintf("/admin/comments?status=%s&page=%d", status, pageNo+1)
	}
	s.renderPrivate(w, r, http.StatusOK, "admin_comments.html", v)
}

// handleModerate applies one action to the comments chosen: the button
// pressed is "approve", "spam" or "trash" for the ticked comments, or
// "approve:ID" and the like for one comment.
func (s *Server) handleModerate(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		s.error(w, r, herald.Errorf(herald.EINVALID, "the moderation form could not be read"))
		return
	}
	back := herald.CommentStatus(r.PostFormValue("status"))
	if _, err := herald.ParseCommentStatus(string(back)); err != nil {
		back = herald.CommentPending
	}
	action, one, single := strings.Cut(r.PostFormValue("do"), ":")
	status, err := herald.ParseCommentStatus(map[string]string{"approve": "approved", "spam": "spam", "trash": "trash", "unapprove": "pending"}[action])
	if err != nil {
		s.error(w, r, herald.Errorf(herald.EINVALID, "unknown action %q", action))
		return
	}
	var ids []int64
	fields := r.PostForm["id"]
	if single {
		fields = []string{one}
	}
	for _, f := range fields {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			s.error(w, r, herald.Errorf(herald.EINVALID, "comment id %q is not a number", f))
			return
		}
		if !slices.Contains(ids, id) { // a comment ticked twice is moderated, and learnt from, once
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		http.Redirect(w, r, "/admin/comments?status="+string(back)+"&done="+"No+comments+were+ticked.", http.StatusSeeOther)
		return
	}
	// Moderation is an editorial action like any other: logged with it.
	ctx := herald.WithAudit(r.Context(), &herald.AuditEntry{Actor: u.Email, Action: "comment." + action,
		Subject: commentIDs(ids), After: herald.AuditJSON(map[string]any{"status": status, "comments": ids})})
	before, err := s.Store.ModerateComments(ctx, herald.CommentAction{IDs: ids, Status: status, UserID: u.ID})
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, c := range before {
		if ham, spam := comment.Training(c.Status, status); ham != 0 || spam != 0 {
			if err := s.Store.TrainClassifier(r.Context(), comment.Tokens(c), ham, spam); err != nil {
				s.Logger.Error("train classifier", "comment", c.ID, "err", err) // the decision itself is recorded
			}
		}
	}
	s.refreshVersion(r.Context())
	done := fmt.Sprintf("%d comment(s) moved to %s.", len(ids), status)
	http.Redirect(w, r, "/admin/comments?status="+string(back)+"&done="+strings.ReplaceAll(done, " ", "+"), http.StatusSeeOther)
}

// handleAdminReply posts a moderator's reply as the site, approved at once.
func (s *Server) handleAdminReply(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.error(w, r, herald.Errorf(herald.EINVALID, "the reply could not be read"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.error(w, r, herald.Errorf(herald.ENOTFOUND, "no comment %q", r.PathValue("id")))
		return
	}
	parent, err := s.Store.FindCommentByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	c := &herald.Comment{ArticleID: parent.ArticleID, ParentID: parent.ID, UserID: u.ID,
		AuthorName: s.Config.SiteName, AuthorEmail: u.Email, AuthorURL: s.Config.BaseURL,
		Text: strings.TrimSpace(r.PostFormValue("comment")), Status: herald.CommentApproved, Score: -1}
	if c.AuthorURL != "" && !strings.HasPrefix(c.AuthorURL, "http") {
		c.AuthorURL = ""
	}
	if err := s.Store.AddComment(r.Context(), c); err != nil {
		s.error(w, r, err)
		return
	}
	s.refreshVersion(r.Context())
	http.Redirect(w, r, fmt.Sprintf("/articles/%s#comment-%d", parent.ArticleSlug, c.ID), http.StatusSeeOther)
}

// renderPrivate renders a page for the signed-in user (or the one signing
// in): never cached, never indexed.
func (s *Server) renderPrivate(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	body, err := s.render(name, data)
	if err != nil {
		s.error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Robots-Tag", "noindex")
	w.WriteHeader(status)
	w.Write(body)
}

// commentIDs names the comments of an action for the audit log.
func commentIDs(ids []int64) string {
	parts := make([]string, 0, min(len(ids), 10))
	for _, id := range ids[:min(len(ids), 10)] {
		parts = append(parts, "#"+strconv.FormatInt(id, 10))
	}
	if len(ids) > 10 {
		parts = append(parts, fmt.Sprintf("and %d more", len(ids)-10))
	}
	return strings.Join(parts, ", ")
}
