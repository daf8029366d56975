package web

import (
	"net/http"
	"runtime/debug"
)

// Handler returns the site with every route, wrapped in the protections
// every response gets.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Pages
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /articles/{slug}", s.handleArticle)
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
	mux.HandleFunc("GET /topics/{slug}", s.handleTopic)
	mux.HandleFunc("GET /topics/{slug}/rss.xml", s.handleTopicRSS)

	// Publishing outputs
	mux.HandleFunc("GET /rss.xml", s.handleRSS)
	mux.HandleFunc("GET /atom.xml", s.handleAtom)
	mux.HandleFunc("GET /sitemap.xml", s.handleSitemap)
	mux.HandleFunc("GET /news-sitemap.xml", s.handleNewsSitemap)
	mux.HandleFunc("GET /robots.txt", s.handleRobots)
	mux.HandleFunc("GET /opensearch.xml", s.handleOpenSearch)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /static/", s.handleStatic)

	// JSON API
	mux.HandleFunc("GET /api/v1/articles", s.handleAPIArticles)
	mux.HandleFunc("GET /api/v1/articles/{id}", s.handleAPIArticle)
	mux.HandleFunc("GET /api/v1/articles/{id}/related", s.handleAPIRelated)
	mux.HandleFunc("GET /api/v1/search", s.handleAPISearch)
	mux.HandleFunc("GET /api/v1/sources", s.handleAPISources)
	mux.HandleFunc("GET /api/v1/stories", s.handleAPIStories)
	mux.HandleFunc("GET /api/v1/stories/{id}", s.handleAPIStory)
	mux.HandleFunc("GET /api/v1/topics", s.handleAPITopics)
	mux.HandleFunc("GET /api/v1/topics/{slug}", s.handleAPITopic)
	mux.HandleFunc("GET /api/v1/topics/{slug}/digest", s.handleAPITopicDigest)
	mux.HandleFunc("/api/", s.handleAPINotFound)

	mux.HandleFunc("/", s.handleNotFound)
	// Posts from other sites are refused before any handler runs: forms
	// here are only ever sent from this site's own pages.
	return s.protect(http.NewCrossOriginProtection().Handler(mux))
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

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if s.Metrics == nil {
		s.handleNotFound(w, r)
		return
	}
	s.Metrics.ServeHTTP(w, r)
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	p, ok := s.static[r.URL.Path]
	if !ok {
		s.handleNotFound(w, r)
		return
	}
	s.writePage(w, r, p, "public, max-age=86400")
}
