// Package web serves Herald's news site, its feeds and its JSON API from a
// herald.Store. Pages are rendered once, kept compressed in memory, and
// dropped when the store reports a change.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what a Server needs besides its store.
type Config struct {
	// BaseURL is the site's public address, without a trailing slash;
	// feeds, sitemaps and canonical links are absolute from it.
	BaseURL  string
	SiteName string
	// CacheBytes bounds the memory used by rendered pages.
	CacheBytes int
	// PollEvery is how often the store's version is checked, so pages
	// changed by another process are dropped from the cache.
	PollEvery time.Duration
	// Comments is how the site takes readers' comments.
	Comments CommentConfig
	// MetricsAllow lists the networks, besides loopback, whose clients may
	// read /metrics; everyone else gets 404.
	MetricsAllow []netip.Prefix
}

// Server serves the site. Create it with New.
type Server struct {
	Store  herald.Store
	Logger *slog.Logger
	Config Config
	// Metrics serves /metrics when set (Prometheus' text format).
	Metrics http.Handler
	// Desk takes the desk's actions; without it the desk can do all but
	// fetch addresses (adding a source and its preview).
	Desk *desk.Desk
	// Backups reports the scheduled backups for the dashboard; nil when
	// none are scheduled.
	Backups func() BackupStatus

	templates map[string]*template.Template
	static    map[string]*page
	cache     *pageCache
	now       func() time.Time
	comments  comments
}

// New parses every template (failing fast on a broken one) and loads the
// static files.
func New(store herald.Store, logger *slog.Logger, cfg Config) (*Server, error) {
	if cfg.SiteName == "" {
		cfg.SiteName = "Herald"
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 256 << 20
	}
	if cfg.PollEvery <= 0 {
		cfg.PollEvery = time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{Store: store, Logger: logger, Config: cfg, cache: newPageCache(cfg.CacheBytes), now: time.Now}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.loadStatic(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) parseTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	// Files named _*.html are parts that any page may include.
	parts, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return err
	}
	s.templates = map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		files := append([]string{"templates/layout.html", name}, parts...)
		t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFS, files...)
		if err != nil {
			return fmt.Errorf("parse template %s: %w", base, err)
		}
		s.templates[base] = t
	}
	return nil
}

func (s *Server) loadStatic() error {
	s.static = map[string]*page{}
	return fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(staticFS, path)
		if err != nil {
			return err
		}
		s.static["/"+path] = newPage(http.StatusOK, contentTypeOf(path), body)
		return nil
	})
}

func contentTypeOf(path string) string {
	switch {
	case strings.HasSuffix(path, ".css"):
		return "text/css; charset=utf-8"
	case strings.HasSuffix(path, ".svg"):
		return "image/svg+xml"
	case strings.HasSuffix(path, ".xml"):
		return "application/xml; charset=utf-8"
	default:
		return "application/octet-stream"
	}
}

// render executes a page template into a buffer, so nothing reaches the
// client from a template that fails half-way.
func (s *Server) render(name string, data any) ([]byte, error) {
	t, ok := s.templates[name]
	if !ok {
		return nil, fmt.Errorf("render: no template %s", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// WatchChanges polls the store's version until ctx ends, dropping cached
// pages whenever it moves. Changes made by this process and by others
// sharing the database are seen alike.
func (s *Server) WatchChanges(ctx context.Context) {
	s.refreshVersion(ctx)
	t := time.NewTicker(s.Config.PollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.refreshVersion(ctx)
		}
	}
}

func (s *Server) refreshVersion(ctx context.Context) {
	v, err := s.Store.Version(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Warn("poll store version", "err", err)
		}
		return
	}
	s.cache.setVersion(v)
}

// renderFunc produces a page afresh; serveCached calls it on a miss.
type renderFunc func() (*page, error)

// serveCached answers from the cache, rendering and storing the page on a
// miss. Only successful pages are kept, so a flood of bad addresses cannot
// fill the cache.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, render renderFunc) {
	key := r.URL.RequestURI()
	p, version := s.cache.get(key, s.now())
	if p == nil {
		var err error
		if p, err = render(); err != nil {
			s.error(w, r, err)
			return
		}
		if p.status == http.StatusOK || p.status == http.StatusMovedPermanently {
			s.cache.put(key, p, version)
		}
	}
	s.writePage(w, r, p, "public, max-age=60")
}

// writePage sends p, compressed when the client accepts gzip, or a 304
// when the client already has it.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, p *page, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", p.contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", p.etag)
	if p.location != "" {
		h.Set("Location", p.location)
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := p.body
	if p.gzipped != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = p.gzipped
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		_, q, found := strings.Cut(strings.ReplaceAll(params, " ", ""), "q=")
		if !found {
			return true
		}
		weight, err := strconv.ParseFloat(q, 64)
		return err == nil && weight > 0
	}
	return false
}

// absURL returns the absolute address of a path on this site.
func (s *Server) absURL(path string) string { return s.Config.BaseURL + path }
