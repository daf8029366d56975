package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/herald-news/herald"
)

// Handler returns the site with every route, wrapped in the protections
// every response gets.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /articles/{slug}", s.handleArticle)
	mux.HandleFunc("GET /articles/{slug}/changes", s.handleChanges)
	mux.HandleFunc("GET /sources/{slug}", s.handleSource)
	mux.HandleFunc("GET /stories/{id}", s.handleStory)
	mux.HandleFunc("GET /search", s.handleSearch)

	// Comments and their moderation
	mux.HandleFunc("POST /articles/{slug}/comments", s.handlePostComment)
	mux.HandleFunc("GET /articles/{slug}/comments.rss", s.handleCommentsRSS)
	mux.HandleFunc("GET /admin/signin", s.handleSignInForm)
	mux.HandleFunc("POST /admin/signin", s.handleSignIn)
	mux.HandleFunc("POST /admin/signout", s.handleSignOut)
	mux.HandleFunc("GET /admin/comments", s.handleAdminComments)
	mux.HandleFunc("POST /admin/comments", s.handleModerate)
	mux.HandleFunc("POST /admin/comments/{id}/reply", s.handleAdminReply)
	mux.HandleFunc("GET /admin", s.handleDashboard)
	mux.HandleFunc("GET /admin/sources", s.handleDeskSources)
	mux.HandleFunc("GET /admin/sources/new", s.handleNewSourceForm)
	mux.HandleFunc("POST /admin/sources", s.handleAddSource)
	mux.HandleFunc("GET /admin/sources/{slug}", s.handleEditSourceForm)
	mux.HandleFunc("POST /admin/sources/{slug}/do", s.handleSourceAction)
	mux.HandleFunc("GET /admin/opml", s.handleImportOPMLForm)
	mux.HandleFunc("POST /admin/opml", s.handleImportOPML)
	mux.HandleFunc("GET /admin/opml.xml", s.handleExportOPML)
	mux.HandleFunc("GET /admin/articles/{slug}", s.handleDeskArticle)
	mux.HandleFunc("POST /admin/articles/{slug}", s.handleDeskArticleAction)
	mux.HandleFunc("GET /admin/stories", s.handleDeskStories)
	mux.HandleFunc("POST /admin/stories/merge", s.handleDeskMerge)
	mux.HandleFunc("GET /admin/topics", s.handleDeskTopics)
	mux.HandleFunc("GET /admin/topics/new", s.handleNewTopicForm)
	mux.HandleFunc("POST /admin/topics", s.handleSaveTopic)
	mux.HandleFunc("GET /admin/topics/{slug}", s.handleEditTopicForm)
	mux.HandleFunc("POST /admin/topics/{slug}/save", s.handleSaveTopic)
	mux.HandleFunc("POST /admin/topics/{slug}/digest", s.handleDigestAction)
	mux.HandleFunc("GET /admin/users", s.handleDeskUsers)
	mux.HandleFunc("POST /admin/users", s.handleAddUser)
	mux.HandleFunc("POST /admin/users/{id}", s.handleUserAction)
	mux.HandleFunc("GET /admin/join/{token}", s.handleJoinForm)
	mux.HandleFunc("POST /admin/join/{token}", s.handleJoin)
	mux.HandleFunc("GET /admin/password", s.handlePasswordForm)
	mux.HandleFunc("POST /admin/password", s.handlePassword)
	mux.HandleFunc("GET /admin/log", s.handleAuditLog)
	mux.HandleFunc("GET /topics/{slug}", s.handleTopic)
	mux.HandleFunc("GET /topics/{slug}/rss.xml", s.handleTopicRSS)

	// Publishing outputs
	mux.HandleFunc("GET /corrections", s.handleCorrections)
	mux.HandleFunc("GET /corrections.rss", s.handleCorrectionsRSS)
	mux.HandleFunc("GET /rss.xml", s.handleRSS)
	mux.HandleFunc("GET /atom.xml", s.handleAtom)
	mux.HandleFunc("GET /sitemap.xml", s.handleSitemap)
	mux.HandleFunc("GET /news-sitemap.xml", s.handleNewsSitemap)
	mux.HandleFunc("GET /robots.txt", s.handleRobots)
	mux.HandleFunc("GET /opensearch.xml", s.handleOpenSearch)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /static/", s.handleStatic)
	mux.Handle("GET /media/{hash}/{file}", s.media())

	// JSON API
	mux.HandleFunc("GET /api/v1/articles", s.handleAPIArticles)
	mux.HandleFunc("GET /api/v1/articles/{id}", s.handleAPIArticle)
	mux.HandleFunc("GET /api/v1/articles/{id}/related", s.handleAPIRelated)
	mux.HandleFunc("GET /api/v1/articles/{id}/revisions", s.handleAPIRevisions)
	mux.HandleFunc("GET /api/v1/search", s.handleAPISearch)
	mux.HandleFunc("GET /api/v1/sources", s.handleAPISources)
	mux.HandleFunc("GET /api/v1/stories", s.handleAPIStories)
	mux.HandleFunc("GET /api/v1/stories/{id}", s.handleAPIStory)
	mux.HandleFunc("GET /api/v1/topics", s.handleAPITopics)
	mux.HandleFunc("GET /api/v1/topics/{slug}", s.handleAPITopic)
	mux.HandleFunc("GET /api/v1/topics/{slug}/digest", s.handleAPITopicDigest)
	mux.Handle("/api/", s.unrouted(mux, s.handleAPINotFound))

	mux.Handle("/", s.unrouted(mux, s.handleNotFound))
	// Posts from other sites are refused before any handler runs: forms
	// here are only ever sent from this site's own pages.
	return s.protect(http.NewCrossOriginProtection().Handler(s.checkQuery(mux)))
}

// unrouted answers the requests no route took, through the catch-all
// patterns "/" and "/api/": 405 with an Allow header when the path has
// routes for other methods, notFound otherwise. ServeMux answers 405 by
// itself only when no pattern matches the request's method, and the
// catch-alls, which have no method, match every one; so the methods are
// found here by asking mux which pattern each would reach. Routes have a
// method in their pattern, the catch-alls none.
//
// Every method not served gets the 405, OPTIONS too: the site takes no
// cross-origin requests, so it has no preflight to answer, and Allow
// tells any other client what the address takes. TRACE is never echoed.
func (s *Server) unrouted(mux *http.ServeMux, notFound http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := &http.Request{Method: m, URL: r.URL, Host: r.Host}
			if _, pattern := mux.Handler(probe); strings.Contains(pattern, " ") {
				allow = append(allow, m)
				if m == http.MethodGet {
					allow = append(allow, http.MethodHead)
				}
			}
		}
		if len(allow) == 0 {
			notFound(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		msg := "This address takes only " + strings.Join(allow, ", ") + " requests."
		if isAPI(r) {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{
				"error": map[string]string{"code": "method_not_allowed", "message": msg},
			})
			return
		}
		s.errorPage(w, r, http.StatusMethodNotAllowed, msg)
	})
}

// checkQuery answers 400 to a request whose query string cannot be
// parsed, rather than letting handlers read it as no query at all.
func (s *Server) checkQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			s.error(w, r, herald.Errorf(herald.EINVALID, "the address's query string cannot be read: %v", err))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// protect sets the headers every response carries and turns a panic into
// a plain 500 page, logged with its stack but never shown.
func (s *Server) protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic serving request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.errorPage(w, r, http.StatusInternalServerError, "")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "")
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Store.Version(r.Context()); err != nil {
		s.Logger.Error("health check", "err", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// handleMetrics serves the Prometheus figures to loopback and to the
// networks in Config.MetricsAllow. Anyone else gets the same 404 as a
// site without metrics: nothing says the page exists.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if s.Metrics == nil || !s.metricsAllowed(r) {
		s.handleNotFound(w, r)
		return
	}
	s.Metrics.ServeHTTP(w, r)
}

// metricsAllowed reports whether r may read /metrics: whether its client
// address, as comments count it (clientIP, which reads
// Comments.RealIPHeader behind a proxy), is loopback or in MetricsAllow.
// A request that came through a proxy which Herald was not told how to
// read (a forwarding header, but no RealIPHeader) is refused, since the
// address it would judge is the proxy's, often loopback, not the client's.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.Config.Comments.RealIPHeader == "" {
		for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-IP"} {
			if r.Header.Get(h) != "" {
				return false
			}
		}
	}
	ip, err := netip.ParseAddr(s.clientIP(r))
	if err != nil {
		return false
	}
	ip = ip.Unmap().WithZone("")
	if ip.IsLoopback() {
		return true
	}
	for _, p := range s.Config.MetricsAllow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	p, ok := s.static[r.URL.Path]
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	s.writePage(w, r, p, "public, max-age=86400")
}
