package ingest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/media/mediatest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/postgres/pgtest"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/prometheus/client_golang/prometheus"
)

// pictureOrigin is an outlet's picture server on loopback, reached by the
// host names img.example and other.example through the fetch client's
// host map, as the demo's outlets are. It counts the requests for each
// path.
type pictureOrigin struct {
	*httptest.Server
	photo []byte
	mu    sync.Mutex
	hits  map[string]int // guarded by mu
}

func newPictureOrigin(t *testing.T) *pictureOrigin {
	t.Helper()
	huge, err := os.ReadFile(filepath.Join("..", "media", "testdata", "huge-header.png"))
	if err != nil {
		t.Fatal(err)
	}
	o := &pictureOrigin{photo: mediatest.JPEG(mediatest.Photo(800, 600, 3), 85), hits: map[string]int{}}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hits[r.URL.Path]++
		o.mu.Unlock()
		switch r.URL.Path {
		case "/photo.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(o.photo)
		case "/error-page.jpg": // an HTML page served as a picture
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>"))
		case "/huge.png": // a decompression bomb's header
			w.Header().Set("Content-Type", "image/png")
			w.Write(huge)
		case "/busy.jpg":
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case "/to-private.jpg": // the picture's server itself, by its loopback address
			http.Redirect(w, r, "http://"+r.Context().Value(http.LocalAddrContextKey).(net.Addr).String()+"/photo.jpg", http.StatusFound)
		default: // robots.txt and /gone.jpg
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *pictureOrigin) hitsOf(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path]
}

// client is a fetch client with its guard on, which lets through the
// origin's one address for its host names only.
func (o *pictureOrigin) client() *fetch.Client {
	addr := o.Listener.Addr().String()
	return fetch.New(fetch.Config{HostDelay: -1, HostAddrs: map[string]string{"img.example": addr, "other.example": addr}})
}

func TestPictures(t *testing.T) {
	for name, open := range map[string]func(testing.TB) herald.Store{
		"SQLite":     func(tb testing.TB) herald.Store { return mustOpen(tb) },
		"PostgreSQL": openPostgres,
	} {
		t.Run(name, func(t *testing.T) { testPictures(t, open(t)) })
	}
}

func testPictures(t *testing.T, s herald.Store) {
	ctx := context.Background()
	origin := newPictureOrigin(t)
	reg := prometheus.NewRegistry()
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))
	limiter := media.NewLimiter(media.DefaultMaxMemory)
	p := &ingest.Pictures{
		Store: s, Fetcher: origin.client(), Logger: logger, Metrics: ingest.NewPictureMetrics(reg),
		Processor: &media.Processor{Limiter: limiter, Logger: logger, Metrics: media.NewMetrics(reg, limiter)},
	}

	const (
		photo    = "http://img.example/photo.jpg"
		errPage  = "http://img.example/error-page.jpg"
		gone     = "http://img.example/gone.jpg"
		huge     = "http://img.example/huge.png"
		busy     = "http://img.example/busy.jpg"
		redirect = "http://other.example/to-private.jpg"
	)
	a, b := storetest.NewArticle(1, "Gazette"), storetest.NewArticle(2, "Times")
	for _, art := range []*herald.Article{a, b} {
		if _, err := s.AddArticle(ctx, art); err != nil {
			t.Fatal(err)
		}
	}
	set := func(id int64, addrs ...string) {
		t.Helper()
		var list []herald.ArticleImage
		for i, u := range addrs {
			role := herald.RoleBody
			if i == 0 {
				role = herald.RoleLead
			}
			list = append(list, herald.ArticleImage{Role: role, SourceURL: u})
		}
		if err := s.SetArticleImages(ctx, id, list); err != nil {
			t.Fatal(err)
		}
	}
	// The wire photo is named by both articles.
	set(a.ID, photo, errPage, gone, huge)
	set(b.ID, photo, busy, redirect)

	n, err := p.FetchDue(ctx)
	if err != nil || n != 6 {
		t.Fatalf("FetchDue = %d, %v; want 6 addresses settled", n, err)
	}
	// Once, though two articles name it, and the redirect to the same
	// server by its loopback address did not reach it either.
	if h := origin.hitsOf("/photo.jpg"); h != 1 {
		t.Errorf("the photo was fetched %d times, want once", h)
	}

	found, err := s.FindArticleImages(ctx, []int64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]herald.ArticleImage{}
	for _, list := range found {
		for _, im := range list {
			state[im.SourceURL] = im
		}
	}
	sum := sha256.Sum256(origin.photo)
	tests := []struct {
		url    string
		status herald.ImageStatus
		reason string
		retry  bool
	}{
		{photo, herald.ImageStored, "", false},
		{errPage, herald.ImageRefused, media.ReasonNotAnImage, false},
		{gone, herald.ImageFailed, "http-404", false},
		{huge, herald.ImageRefused, media.ReasonTooLarge, false},
		{busy, herald.ImageFailed, "http-5xx", true},
		{redirect, herald.ImageFailed, "blocked", false},
	}
	for _, tt := range tests {
		im := state[tt.url]
		if im.Status != tt.status || im.Reason != tt.reason || im.NextTry.IsZero() == tt.retry {
			t.Errorf("%s: %s %q, next try %v; want %s %q, retried: %v", tt.url, im.Status, im.Reason, im.NextTry, tt.status, tt.reason, tt.retry)
		}
	}
	if im := state[busy]; im.NextTry.Before(time.Now().Add(9*time.Minute)) || im.NextTry.After(time.Now().Add(11*time.Minute)) {
		t.Errorf("the 503 is tried again at %v, want in 10 minutes", im.NextTry)
	}
	if im := state[photo]; im.Hash != hex.EncodeToString(sum[:]) || im.Width != 800 || im.Height != 600 || len(im.Variants) < 2 {
		t.Errorf("stored photo: hash %s, %d×%d, %d variants", im.Hash, im.Width, im.Height, len(im.Variants))
	}
	v, err := s.FindMediaVariant(ctx, hex.EncodeToString(sum[:]), 320, false)
	if err != nil || v.ContentType != herald.VariantJPEG || v.Width != 320 || len(v.Data) == 0 {
		t.Errorf("FindMediaVariant(320): %+v, %v", v, err)
	}

	// Every reason is counted, and each failure logged once with its address.
	for reason, want := range map[string]float64{"http-404": 1, "http-5xx": 1, "blocked": 1} {
		if got := counter(t, reg, "herald_picture_fetch_failures_total", reason); got != want {
			t.Errorf("fetch failures %q = %v, want %v", reason, got, want)
		}
	}
	logMu.Lock()
	log := logs.String()
	logMu.Unlock()
	for _, addr := range []string{gone, busy, redirect, errPage, huge} {
		if c := strings.Count(log, addr); c != 1 {
			t.Errorf("%s is logged %d times, want once:\n%s", addr, c, log)
		}
	}
	if !strings.Contains(log, "127.0.0.1 is a loopback address") {
		t.Errorf("the guard's refusal is not in the log:\n%s", log)
	}

	// Nothing is due now: the failure waits for its next try.
	if n, err := p.FetchDue(ctx); err != nil || n != 0 {
		t.Errorf("FetchDue again = %d, %v; want nothing due", n, err)
	}

	// The 503 is tried again later each time, then given up on. The
	// store's clock is set just past each next try, which the worker
	// reckons from the real time.
	c, ok := s.(storetest.Clock)
	if !ok {
		return
	}
	last := 10 * time.Minute
	for i, wait := range []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 0} {
		clock := time.Now().Add(last + time.Minute)
		c.SetNow(func() time.Time { return clock })
		if n, err := p.FetchDue(ctx); err != nil || n != 1 {
			t.Fatalf("retry %d: FetchDue = %d, %v; want the 503 alone", i+1, n, err)
		}
		found, err := s.FindArticleImages(ctx, []int64{b.ID})
		if err != nil {
			t.Fatal(err)
		}
		im := found[b.ID][1]
		switch {
		case im.SourceURL != busy || im.Attempts != i+2:
			t.Errorf("retry %d: %s after %d attempts", i+1, im.SourceURL, im.Attempts)
		case wait == 0 && !im.NextTry.IsZero():
			t.Errorf("retry %d: tried again at %v, want given up", i+1, im.NextTry)
		case wait != 0 && (im.NextTry.Before(time.Now().Add(wait-time.Minute)) || im.NextTry.After(time.Now().Add(wait))):
			t.Errorf("retry %d: tried again at %v, want in %v", i+1, im.NextTry, wait)
		}
		last = wait
	}
	if h := origin.hitsOf("/busy.jpg"); h != 5 {
		t.Errorf("the 503 was fetched %d times, want 5", h)
	}
}

// counter is the value of the counter name with the one label value, 0
// when it was never counted.
func counter(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// openPostgres opens a schema of its own on HERALD_TEST_POSTGRES, dropped
// at the end, or skips saying why.
func openPostgres(tb testing.TB) herald.Store {
	db, err := postgres.Open(context.Background(), pgtest.Schema(tb, "herald_pictures"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
