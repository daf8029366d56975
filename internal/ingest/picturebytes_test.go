package ingest_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/media/mediatest"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/prometheus/client_golang/prometheus"
)

// TestPictureBytes fetches pictures whose bytes test the fetch itself:
// the 15 MB cap of pictures (above the 10 MB of pages), and bodies served
// as text. Each picture is refused with its reason, counted among the
// media refusals and logged, or stored; nothing of a refused one is kept.
func TestPictureBytes(t *testing.T) {
	ctx := context.Background()
	photo := mediatest.JPEG(mediatest.Photo(640, 480, 7), 85)
	// A JPEG decoder stops at the picture's end, so a padded photo is a
	// large picture that decodes as quickly as a small one.
	padded := func(n int) []byte { return append(bytes.Clone(photo), make([]byte, n-len(photo))...) }
	bodies := map[string]struct {
		contentType string
		body        []byte
	}{
		"/16mb.jpg":       {"image/jpeg", padded(16 << 20)},
		"/14mb.jpg":       {"image/jpeg", padded(14 << 20)},
		"/error-page.jpg": {"text/html; charset=utf-8", []byte("<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Sorry, this page is gone</h1></body></html>")},
		"/as-text.jpg":    {"text/plain; charset=iso-8859-1", photo},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", b.contentType)
		w.Write(b.body)
	}))
	defer srv.Close()

	s := mustOpen(t)
	reg := prometheus.NewRegistry()
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))
	p := &ingest.Pictures{
		Store: s, Logger: logger, Metrics: ingest.NewPictureMetrics(reg),
		Fetcher:   fetch.New(fetch.Config{HostDelay: -1, HostAddrs: map[string]string{"img.example": srv.Listener.Addr().String()}}),
		Processor: &media.Processor{Logger: logger, Metrics: media.NewMetrics(reg, nil)},
	}
	a := storetest.NewArticle(1, "Gazette")
	if _, err := s.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	var list []herald.ArticleImage
	for _, path := range []string{"/14mb.jpg", "/16mb.jpg", "/error-page.jpg", "/as-text.jpg"} {
		list = append(list, herald.ArticleImage{Role: herald.RoleBody, SourceURL: "http://img.example" + path})
	}
	list[0].Role = herald.RoleLead
	if err := s.SetArticleImages(ctx, a.ID, list); err != nil {
		t.Fatal(err)
	}
	if n, err := p.FetchDue(ctx); err != nil || n != len(list) {
		t.Fatalf("FetchDue = %d, %v; want %d settled", n, err, len(list))
	}
	found, err := s.FindArticleImages(ctx, []int64{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	logMu.Lock()
	log := logs.String()
	logMu.Unlock()
	tests := []struct {
		name, path string
		status     herald.ImageStatus
		reason     string
		logged     string // in the log line of a refusal
	}{
		{"Under15MB", "/14mb.jpg", herald.ImageStored, "", ""},
		{"Over15MB", "/16mb.jpg", herald.ImageRefused, media.ReasonTooLarge, "response larger than 15 MB"},
		{"HTMLServedAsText", "/error-page.jpg", herald.ImageRefused, media.ReasonNotAnImage, "an HTML page (an error or login page, probably), not an image (served as text/html; charset=utf-8)"},
		{"PictureServedAsText", "/as-text.jpg", herald.ImageStored, "", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im := found[a.ID][i]
			if im.SourceURL != "http://img.example"+tt.path || im.Status != tt.status || im.Reason != tt.reason {
				t.Fatalf("%s: %s %q; want %s %q", im.SourceURL, im.Status, im.Reason, tt.status, tt.reason)
			}
			if tt.status == herald.ImageStored {
				if im.Hash == "" || im.Width != 640 || len(im.Variants) == 0 {
					t.Errorf("stored: hash %q, %d×%d, %d variants", im.Hash, im.Width, im.Height, len(im.Variants))
				}
				return
			}
			if im.Hash != "" || len(im.Variants) != 0 || !im.NextTry.IsZero() {
				t.Errorf("refused, yet media %q with %d variants, next try %v", im.Hash, len(im.Variants), im.NextTry)
			}
			if !strings.Contains(log, "image="+im.SourceURL+" reason="+tt.reason) || !strings.Contains(log, tt.logged) {
				t.Errorf("the refusal is not logged with %q:\n%s", tt.logged, log)
			}
		})
	}
	// The two refusals are counted among the media refusals; only the
	// two pictures stored were decoded.
	for reason, want := range map[string]float64{media.ReasonTooLarge: 1, media.ReasonNotAnImage: 1} {
		if got := counter(t, reg, "herald_media_refused_total", reason); got != want {
			t.Errorf("herald_media_refused_total{reason=%q} = %v, want %v", reason, got, want)
		}
	}
	if got := counter(t, reg, "herald_media_processed_total", "jpeg"); got != 2 {
		t.Errorf("herald_media_processed_total{format=jpeg} = %v, want 2", got)
	}
}
