package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/comment"
	"golang.org/x/time/rate"
)

// CommentConfig is how a site takes comments.
type CommentConfig struct {
	// Policy decides which comments are held and which are spam.
	Policy comment.Policy
	// CloseAfter closes an article's comments this long after it was
	// published; 0 leaves them open. A source's own setting wins (see
	// CloseAfterBySource).
	CloseAfter time.Duration
	// CloseAfterBySource overrides CloseAfter for the sources named by
	// slug; a negative value keeps that source's articles open.
	CloseAfterBySource map[string]time.Duration
	// RealIPHeader names the header a reverse proxy in front of Herald
	// sets to the reader's address (X-Real-IP, or X-Forwarded-For, whose
	// last address is taken). Empty: the connection's address is used,
	// which behind a proxy would put every reader in one rate limit.
	RealIPHeader string
	// MinFillTime is how long a reader must have had the form before
	// sending it; 0 means comment.MinFillTime.
	MinFillTime time.Duration
	// PerMinute is how many comments one network (/24 or /48) may post
	// in a minute before it is answered 429; 0 means 2.
	PerMinute int
}

// Cookie names. Both are set only after a reader posted a comment.
const (
	heldCookie   = "herald_held"   // signed ids of the reader's comments awaiting moderation
	authorCookie = "herald_author" // name, email and website, when the reader asked to be remembered
	heldKept     = 20              // how many held comments one cookie remembers
	threadPage   = 50              // comments per page of a thread
	maxFormBytes = 64 << 10
)

// comments is the per-process state of commenting: the signer, made
// from the store's secret on first use, and the rate limits.
type comments struct {
	mu     sync.Mutex // mu guards signer and limits
	signer *comment.Signer
	limits map[string]*rate.Limiter
	swept  time.Time
}

// signer returns the signer of forms and cookies, shared by every process
// on the store through its secret.
func (s *Server) signer(ctx context.Context) (*comment.Signer, error) {
	s.comments.mu.Lock()
	defer s.comments.mu.Unlock()
	if s.comments.signer == nil {
		key, err := s.Store.Secret(ctx, "comments")
		if err != nil {
			return nil, err
		}
		s.comments.signer = &comment.Signer{Key: key, MinFill: s.Config.Comments.MinFillTime}
	}
	return s.comments.signer, nil
}

// allowPost reports whether the network of addr may post another comment
// now. Idle limiters are dropped now and then so the map stays small.
func (s *Server) allowPost(addr string) bool {
	perMinute := s.perMinute()
	now := s.now()
	c := &s.comments
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limits == nil || now.Sub(c.swept) > 10*time.Minute {
		c.limits, c.swept = map[string]*rate.Limiter{}, now
	}
	key := comment.Network(addr)
	l := c.limits[key]
	if l == nil {
		l = rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), perMinute)
		c.limits[key] = l
	}
	return l.AllowN(now, 1)
}

// networkBusy reports whether the network of addr has had its share of
// comments stored in the last minute, by this process or any other on
// the same database. allowPost counts attempts in this process alone; this
// counts what every process stored. A store that cannot say lets the
// comment through: the limit is a defence, not a reason to lose comments.
func (s *Server) networkBusy(ctx context.Context, addr string) bool {
	n, err := s.Store.CountNetworkComments(ctx, comment.Network(addr), s.now().Add(-time.Minute))
	if err != nil {
		s.Logger.Error("count comments from a network", "err", err)
		return false
	}
	return n >= s.perMinute()
}

// perMinute is how many comments a network may post in a minute.
func (s *Server) perMinute() int {
	if s.Config.Comments.PerMinute > 0 {
		return s.Config.Comments.PerMinute
	}
	return 2
}

// clientIP is the address the request came from: the one the trusted
// proxy reports, if one is configured and it reports a valid address.
func (s *Server) clientIP(r *http.Request) string {
	if h := s.Config.Comments.RealIPHeader; h != "" {
		v := r.Header.Get(h)
		if i := strings.LastIndexByte(v, ','); i >= 0 {
			v = v[i+1:]
		}
		if ip := net.ParseIP(strings.TrimSpace(v)); ip != nil {
			return ip.String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// commentsView is the comment section of an article page.
type commentsView struct {
	Slug    string
	Count   int
	Entries []commentEntry
	Prev    string
	Next    string
	Closed  bool
	Form    commentForm
	RSS     string
}

// commentEntry is one comment as the thread shows it. It has no field
// for the email, so no template can show one.
type commentEntry struct {
	ID      int64
	Depth   int
	Name    string
	Website string
	BySite  bool
	Time    time.Time
	Body    template.HTML
	Held    bool
	Erased  bool
	Slug    string
}

// commentForm is the form as a reader filled it.
type commentForm struct {
	Name, Email, Website, Text string
	Remember                   bool
	ParentID                   int64
	ReplyTo                    string // name of the comment replied to
	Token                      string
	Errors                     map[string]string
	Message                    string // a problem with the comment as a whole
}

// commentState is what a request adds to the shared article page: the
// reader's held comments, the form as they left it, a reply target.
type commentState struct {
	held     []*herald.Comment
	form     *commentForm
	replyTo  int64
	personal bool // the page is this reader's alone
	editor   bool // a signed-in editor: the page links to the desk
}

// visitorState reads the cookies and query that make an article page the
// reader's own. Most readers have none, and get the shared cached page.
// The cookie of held comments is rewritten on w once some are decided.
func (s *Server) visitorState(w http.ResponseWriter, r *http.Request, a *herald.Article) (commentState, error) {
	var st commentState
	if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && id > 0 {
		st.replyTo, st.personal = id, true
	}
	if s.signedInEditor(r, "article") != nil {
		st.editor, st.personal = true, true
	}
	if ck, err := r.Cookie(authorCookie); err == nil {
		v, _ := url.ParseQuery(ck.Value) // a broken cookie just fills nothing
		st.form = &commentForm{Name: v.Get("name"), Email: v.Get("email"), Website: v.Get("url"), Remember: true}
		st.personal = true
	}
	ids := s.heldIDs(r)
	if len(ids) == 0 {
		return st, nil
	}
	// The reader's held comments on every article are read, so that the
	// cookie can forget those decided since: once none waits, the reader
	// gets the shared page again without this query.
	list, _, err := s.Store.FindComments(r.Context(), herald.CommentFilter{IDs: ids})
	if err != nil {
		return st, err
	}
	var waiting []int64
	for _, c := range list {
		if c.Status != herald.CommentPending && c.Status != herald.CommentSpam {
			continue
		}
		waiting = append(waiting, c.ID)
		if c.ArticleID == a.ID {
			st.held = append(st.held, c)
			st.personal = true
		}
	}
	if len(waiting) < len(ids) {
		if err := s.setHeld(w, r, waiting); err != nil {
			return st, err
		}
		st.personal = true // a response setting a cookie is never shared
	}
	return st, nil
}

// heldIDs returns the ids in the reader's signed cookie of held comments.
func (s *Server) heldIDs(r *http.Request) []int64 {
	ck, err := r.Cookie(heldCookie)
	if err != nil {
		return nil
	}
	signer, err := s.signer(r.Context())
	if err != nil {
		return nil
	}
	value, ok := signer.Verify("held", ck.Value)
	if !ok {
		return nil
	}
	var ids []int64
	for _, f := range strings.Split(value, "-") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// commentsClosed reports whether a's comments have closed: by the
// article's own setting, else its source's, else the site's.
func (s *Server) commentsClosed(ctx context.Context, a *herald.Article) (bool, error) {
	own, err := s.Store.FindCommentsClose(ctx, a.ID)
	switch herald.ErrorCode(err) {
	case "":
		return !own.IsZero() && !s.now().Before(own), nil
	case herald.ENOTFOUND:
	default:
		return false, err
	}
	after := s.Config.Comments.CloseAfter
	if d, ok := s.Config.Comments.CloseAfterBySource[a.Source.Slug]; ok {
		after = d
	}
	return after > 0 && s.now().Sub(a.PublishedAt) > after, nil
}

// buildComments makes the comment section of a's page for st.
func (s *Server) buildComments(r *http.Request, a *herald.Article, st commentState) (commentsView, error) {
	ctx := r.Context()
	closed, err := s.commentsClosed(ctx, a)
	if err != nil {
		return commentsView{}, err
	}
	v := commentsView{Slug: a.Slug, Closed: closed, RSS: "/articles/" + a.Slug + "/comments.rss"}
	list, _, err := s.Store.FindComments(ctx, herald.CommentFilter{ArticleID: a.ID, Status: herald.CommentApproved})
	if err != nil {
		return v, err
	}
	v.Count = len(list)
	held := map[int64]bool{}
	for _, c := range st.held {
		held[c.ID] = true
	}
	list = mergeByID(list, st.held)
	thread := comment.Thread(list)

	pageNo := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("cpage")); err == nil && n > 1 {
		pageNo = n
	}
	pages := max(1, (len(thread)+threadPage-1)/threadPage)
	pageNo = min(pageNo, pages)
	if pageNo > 1 {
		v.Prev = fmt.Sprintf("/articles/%s?cpage=%d#comments", a.Slug, pageNo-1)
	}
	if pageNo < pages {
		v.Next = fmt.Sprintf("/articles/%s?cpage=%d#comments", a.Slug, pageNo+1)
	}
	var replyName string
	for i, e := range thread {
		if e.ID == st.replyTo {
			replyName = displayName(e.Comment)
		}
		if i < (pageNo-1)*threadPage || i >= pageNo*threadPage {
			continue
		}
		v.Entries = append(v.Entries, newCommentEntry(e, held[e.ID], a.Slug))
	}

	if st.form != nil {
		v.Form = *st.form
	}
	if replyName != "" && v.Form.ParentID == 0 {
		v.Form.ParentID, v.Form.ReplyTo = st.replyTo, replyName
	}
	if !v.Closed {
		signer, err := s.signer(ctx)
		if err != nil {
			return v, err
		}
		v.Form.Token = signer.FormToken(a.ID, s.now())
	}
	return v, nil
}

// mergeByID adds extra to list, both in id order, skipping duplicates.
func mergeByID(list, extra []*herald.Comment) []*herald.Comment {
	if len(extra) == 0 {
		return list
	}
	out := make([]*herald.Comment, 0, len(list)+len(extra))
	i, j := 0, 0
	for i < len(list) || j < len(extra) {
		switch {
		case j == len(extra) || (i < len(list) && list[i].ID < extra[j].ID):
			out = append(out, list[i])
			i++
		case i == len(list) || extra[j].ID < list[i].ID:
			out = append(out, extra[j])
			j++
		default:
			out = append(out, list[i])
			i, j = i+1, j+1
		}
	}
	return out
}

func displayName(c *herald.Comment) string {
	if c.Erased {
		return "Deleted"
	}
	return c.AuthorName
}

func newCommentEntry(e comment.Entry, held bool, slug string) commentEntry {
	ce := commentEntry{ID: e.ID, Depth: e.Depth, Name: displayName(e.Comment), Time: e.CreatedAt,
		Held: held, Erased: e.Erased, BySite: e.UserID != 0, Slug: slug}
	if !e.Erased {
		ce.Website = comment.SafeWebsite(e.AuthorURL)
		ce.Body = template.HTML(comment.Render(e.Text)) // every character of the text is escaped by Render
	}
	return ce
}

// handlePostComment takes a comment from the form under an article.
func (s *Server) handlePostComment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.allowPost(s.clientIP(r)) || s.networkBusy(ctx, s.clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		s.commentRefused(w, r, http.StatusTooManyRequests, "Too many comments",
			"Too many comments have come from your network in the last minute. Please wait a minute, then go back and send yours again.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.commentRefused(w, r, http.StatusRequestEntityTooLarge, "Comment not accepted",
			"The comment was too large or could not be read. Comments may hold up to 10,000 characters.")
		return
	}
	a, err := s.Store.FindArticleBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	closed, err := s.commentsClosed(ctx, a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if a.DuplicateOf != 0 || closed {
		s.commentRefused(w, r, http.StatusForbidden, "Comments are closed", "Comments are closed on this article.")
		return
	}
	if r.PostFormValue("homepage") != "" { // the honeypot: people never see it
		s.commentRefused(w, r, http.StatusBadRequest, "Comment not accepted", "Your comment could not be accepted.")
		return
	}

	form := commentForm{
		Name:     strings.TrimSpace(r.PostFormValue("author")),
		Email:    strings.TrimSpace(r.PostFormValue("email")),
		Website:  strings.TrimSpace(r.PostFormValue("url")),
		Text:     strings.TrimSpace(r.PostFormValue("comment")),
		Remember: r.PostFormValue("remember") != "",
	}
	form.ParentID, _ = strconv.ParseInt(r.PostFormValue("parent"), 10, 64) // a bad one is 0: a comment on the article
	c := &herald.Comment{
		ArticleID: a.ID, ParentID: form.ParentID, AuthorName: form.Name, AuthorEmail: form.Email,
		AuthorURL: form.Website, AuthorIP: s.clientIP(r), AuthorNetwork: comment.Network(s.clientIP(r)), UserAgent: truncate(r.UserAgent(), 300), Text: form.Text,
	}
	form.Errors = c.Validate()
	signer, err := s.signer(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := signer.CheckFormToken(r.PostFormValue("token"), a.ID, s.now()); err != nil {
		form.Message = herald.ErrorMessage(err)
	}
	if form.Errors != nil || form.Message != "" {
		s.renderForm(w, r, a, form, http.StatusUnprocessableEntity)
		return
	}

	if err := s.moderate(ctx, c); err != nil {
		s.Logger.Error("moderate comment", "err", err)
		form.Message = "Your comment could not be saved just now. Your text is kept below: please send it again in a moment."
		s.renderForm(w, r, a, form, http.StatusServiceUnavailable)
		return
	}
	if err := s.Store.AddComment(ctx, c); err != nil {
		status := errorStatus(err)
		if status == http.StatusInternalServerError {
			s.Logger.Error("add comment", "err", err)
			form.Message = "Your comment could not be saved just now. Your text is kept below: please send it again in a moment."
			status = http.StatusServiceUnavailable
		} else {
			form.Message = herald.ErrorMessage(err)
		}
		s.renderForm(w, r, a, form, status)
		return
	}

	s.rememberAuthor(w, form)
	if c.Status == herald.CommentApproved {
		// Drop this process's cached pages now, so the redirect shows it.
		s.refreshVersion(ctx)
	} else {
		if err := s.addHeld(w, r, c.ID); err != nil {
			// The comment is stored; only the notice to its author is lost.
			s.Logger.Warn("remember a held comment", "comment", c.ID, "err", err)
		}
	}
	http.Redirect(w, r, fmt.Sprintf("/articles/%s#comment-%d", a.Slug, c.ID), http.StatusSeeOther)
}

// moderate sets c's status, reasons and classifier score.
func (s *Server) moderate(ctx context.Context, c *herald.Comment) error {
	h, err := s.Store.AuthorHistory(ctx, c.AuthorEmail)
	if err != nil {
		return err
	}
	tokens := comment.Tokens(c)
	model, err := s.Store.ClassifierCounts(ctx, tokens)
	if err != nil {
		return err
	}
	c.Score = comment.SpamScore(model, tokens)
	d := s.Config.Comments.Policy.Decide(c, h, c.Score, comment.Active(model))
	c.Status, c.Reasons = d.Status, d.Reasons
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// rememberAuthor sets, or clears, the cookie that fills the form next time.
func (s *Server) rememberAuthor(w http.ResponseWriter, f commentForm) {
	ck := &http.Cookie{Name: authorCookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()}
	if f.Remember {
		ck.Value = url.Values{"name": {f.Name}, "email": {f.Email}, "url": {f.Website}}.Encode()
		ck.MaxAge = 365 * 24 * 3600
	} else {
		ck.MaxAge = -1
	}
	http.SetCookie(w, ck)
}

// addHeld adds id to the reader's signed list of held comments.
func (s *Server) addHeld(w http.ResponseWriter, r *http.Request, id int64) error {
	ids := append(s.heldIDs(r), id)
	if len(ids) > heldKept {
		ids = ids[len(ids)-heldKept:]
	}
	return s.setHeld(w, r, ids)
}

// setHeld replaces the reader's signed list of held comments with ids,
// removing the cookie when there are none.
func (s *Server) setHeld(w http.ResponseWriter, r *http.Request, ids []int64) error {
	ck := &http.Cookie{Name: heldCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()}
	if len(ids) > 0 {
		signer, err := s.signer(r.Context())
		if err != nil {
			return err
		}
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = strconv.FormatInt(id, 10)
		}
		ck.Value, ck.MaxAge = signer.Sign("held", strings.Join(parts, "-")), 30*24*3600
	}
	http.SetCookie(w, ck)
	return nil
}

func (s *Server) secureCookies() bool { return strings.HasPrefix(s.Config.BaseURL, "https://") }

// renderForm shows the article again with the reader's form as they sent
// it and a message beside each problem. The page is theirs alone.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, a *herald.Article, f commentForm, status int) {
	st, err := s.visitorState(w, r, a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	st.form, st.replyTo = &f, 0
	s.servePersonalArticle(w, r, a, st, status)
}

// servePersonalArticle renders a's page for one reader, never cached.
func (s *Server) servePersonalArticle(w http.ResponseWriter, r *http.Request, a *herald.Article, st commentState, status int) {
	v, err := s.articlePageView(r.Context(), a)
	if err != nil {
		s.error(w, r, err)
		return
	}
	cv, err := s.buildComments(r, a, st)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if st.form != nil && st.form.ParentID != 0 && cv.Form.ReplyTo == "" {
		if p, err := s.Store.FindCommentByID(r.Context(), st.form.ParentID); err == nil && p.ArticleID == a.ID {
			cv.Form.ReplyTo = displayName(p)
		}
	}
	v.Comments = cv
	if st.editor {
		v.DeskHref = "/admin/articles/" + a.Slug
	}
	body, err := s.render("article.html", v)
	if err != nil {
		s.error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// commentRefused answers a post that cannot be taken at all.
func (s *Server) commentRefused(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	v := errorView{Status: status, Message: message}
	v.layout = s.newLayout(title, r.URL.Path)
	v.Title, v.NoIndex = title, true
	body, err := s.render("error.html", v)
	if err != nil {
		s.Logger.Error("render refusal", "err", err)
		http.Error(w, message, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// commentRSSItem is one comment in an article's comment feed: the name and
// the text, never the email.
type commentRSSItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Author      string  `xml:"dc:creator"`
	Description string  `xml:"description"`
}

type commentRSS struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Atom    string   `xml:"xmlns:atom,attr"`
	DC      string   `xml:"xmlns:dc,attr"`
	Channel struct {
		Title       string           `xml:"title"`
		Link        string           `xml:"link"`
		Description string           `xml:"description"`
		Self        atomLink         `xml:"atom:link"`
		Items       []commentRSSItem `xml:"item"`
	} `xml:"channel"`
}

// handleCommentsRSS serves the newest approved comments on an article.
func (s *Server) handleCommentsRSS(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveCached(w, r, func() (*page, error) {
		a, err := s.Store.FindArticleBySlug(r.Context(), slug)
		if err != nil {
			return nil, err
		}
		list, _, err := s.Store.FindComments(r.Context(), herald.CommentFilter{
			ArticleID: a.ID, Status: herald.CommentApproved, NewestFirst: true, Limit: feedSize})
		if err != nil {
			return nil, err
		}
		var feed commentRSS
		feed.Version, feed.Atom, feed.DC = "2.0", nsAtom, nsDC
		self := s.articleURL(a.Slug)
		feed.Channel.Title = "Comments on: " + a.Title
		feed.Channel.Link = self
		feed.Channel.Description = "Readers' comments on " + a.Title
		feed.Channel.Self = atomLink{Href: self + "/comments.rss", Rel: "self", Type: "application/rss+xml"}
		for _, c := range list {
			link := fmt.Sprintf("%s#comment-%d", self, c.ID)
			name := displayName(c)
			item := commentRSSItem{Title: "By: " + name, Link: link, GUID: rssGUID{Value: link, IsPermaLink: true},
				PubDate: rssDate(c.CreatedAt), Author: name}
			if !c.Erased {
				item.Description = comment.Render(c.Text)
			}
			feed.Channel.Items = append(feed.Channel.Items, item)
		}
		return xmlPage("application/rss+xml; charset=utf-8", feed)
	})
}

// personalRequest reports whether r may need a page of its own: only a
// reader who posted, asked to be remembered, or is replying has one.
func personalRequest(r *http.Request) bool {
	if r.URL.Query().Has("replytocom") {
		return true
	}
	for _, ck := range r.Cookies() {
		if ck.Name == heldCookie || ck.Name == authorCookie || ck.Name == sessionCookie {
			return true
		}
	}
	return false
}

// articleFormLifetime bounds how long a cached article page, and so the
// form token in it, is kept: tokens stay fresh enough to be checked.
const articleFormLifetime = 10 * time.Minute

// serveVisitorArticle serves a's page for a reader who has comments of
// their own awaiting moderation, a remembered name, or a reply under way.
// It reports false when the shared page will do.
func (s *Server) serveVisitorArticle(w http.ResponseWriter, r *http.Request, slug string) bool {
	a, err := s.Store.FindArticleBySlug(r.Context(), slug)
	if err != nil || a.DuplicateOf != 0 {
		return false // the shared path answers both
	}
	st, err := s.visitorState(w, r, a)
	if err != nil {
		s.error(w, r, err)
		return true
	}
	if !st.personal {
		return false
	}
	s.servePersonalArticle(w, r, a, st, http.StatusOK)
	return true
}
