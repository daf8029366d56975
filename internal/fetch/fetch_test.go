package fetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGet(t *testing.T) {
	t.Parallel()

	t.Run("SendsUserAgent", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(text("text/plain", "ok")))
		mustGet(t, New(testConfig()), Request{URL: s.URL + "/a"})
		cfg := testConfig()
		cfg.UserAgent = "HeraldTest/9.9"
		mustGet(t, New(cfg), Request{URL: s.URL + "/b"})

		var got []string
		for _, r := range s.requests() {
			got = append(got, r.URL.Path+" "+r.UserAgent())
		}
		want := []string{
			"/robots.txt " + DefaultUserAgent, "/a " + DefaultUserAgent,
			"/robots.txt HeraldTest/9.9", "/b HeraldTest/9.9",
		}
		if !slices.Equal(got, want) {
			t.Errorf("requests = %q, want %q", got, want)
		}
	})

	t.Run("SendsAcceptAndConditionalHeaders", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(text("text/plain", "ok")))
		mustGet(t, New(testConfig()), Request{
			URL: s.URL + "/feed", Accept: "application/rss+xml",
			ETag: `"v1"`, LastModified: "Mon, 02 Jan 2006 15:04:05 GMT",
		})
		r := s.requests()[1]
		for h, want := range map[string]string{
			"Accept":            "application/rss+xml",
			"Accept-Encoding":   "gzip, deflate",
			"If-None-Match":     `"v1"`,
			"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
	})

	t.Run("Response", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "Application/RSS+XML; charset=utf-8")
			w.Header().Set("ETag", `"abc"`)
			w.Header().Set("Last-Modified", "Tue, 03 Jan 2006 15:04:05 GMT")
			fmt.Fprint(w, "<rss>Café</rss>")
		}))
		resp := mustGet(t, New(testConfig()), Request{URL: s.URL + "/feed#frag"})
		if resp.URL != s.URL+"/feed" || resp.Status != 200 || resp.ContentType != "application/rss+xml" ||
			resp.Charset != "utf-8" || string(resp.Body) != "<rss>Café</rss>" ||
			resp.ETag != `"abc"` || resp.LastModified != "Tue, 03 Jan 2006 15:04:05 GMT" || resp.NotModified {
			t.Errorf("response = %+v", resp)
		}
	})

	t.Run("SniffsMissingContentType", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil // stop net/http adding one
			fmt.Fprint(w, "<!DOCTYPE html><html><head><meta charset=windows-1251></head><body>\xcf\xf0\xe8\xe2\xe5\xf2</body></html>")
		}))
		resp := mustGet(t, New(testConfig()), Request{URL: s.URL + "/"})
		if resp.ContentType != "text/html" || resp.Charset != "windows-1251" || !strings.Contains(string(resp.Body), "Привет") {
			t.Errorf("got %q, %q, %q", resp.ContentType, resp.Charset, resp.Body)
		}
	})

	t.Run("SniffsOctetStream", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(text("application/octet-stream", `<?xml version="1.0" encoding="windows-1251"?><rss>`+"\xcf\xf0\xe8\xe2\xe5\xf2</rss>")))
		resp := mustGet(t, New(testConfig()), Request{URL: s.URL + "/feed"})
		if resp.ContentType != "text/xml" || resp.Charset != "windows-1251" || !strings.Contains(string(resp.Body), "<rss>Привет</rss>") {
			t.Errorf("got %q, %q, %q", resp.ContentType, resp.Charset, resp.Body)
		}
	})

	t.Run("BinaryBodyUntouched", func(t *testing.T) {
		t.Parallel()
		png := []byte("\x89PNG\r\n\x1a\n\xff\xfe\x00\x01")
		s := newServer(t, noRobots(text("image/png", string(png))))
		resp := mustGet(t, New(testConfig()), Request{URL: s.URL + "/i.png"})
		if !bytes.Equal(resp.Body, png) || resp.Charset != "" {
			t.Errorf("body = %q, charset %q", resp.Body, resp.Charset)
		}
	})
}

func TestGetConditional(t *testing.T) {
	t.Parallel()
	s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v2"` || r.Header.Get("If-Modified-Since") == "Wed, 04 Jan 2006 00:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v2"`)
		w.Header().Set("Last-Modified", "Wed, 04 Jan 2006 00:00:00 GMT")
		fmt.Fprint(w, "fresh")
	}))
	c := New(testConfig())
	first := mustGet(t, c, Request{URL: s.URL + "/feed"})
	if first.NotModified || string(first.Body) != "fresh" {
		t.Fatalf("first = %+v", first)
	}
	tests := []struct {
		name string
		req  Request
	}{
		{"ETag", Request{URL: s.URL + "/feed", ETag: first.ETag}},
		{"LastModified", Request{URL: s.URL + "/feed", LastModified: first.LastModified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := mustGet(t, c, tt.req)
			if !resp.NotModified || resp.Status != 304 || resp.Body != nil {
				t.Errorf("response = %+v, want NotModified", resp)
			}
			if resp.ETag != tt.req.ETag || resp.LastModified != tt.req.LastModified {
				t.Errorf("validators = %q %q, want the request's own", resp.ETag, resp.LastModified)
			}
		})
	}
}

func TestGetRobots(t *testing.T) {
	t.Parallel()

	t.Run("DisallowedPathNeverRequested", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				fmt.Fprint(w, "User-agent: *\nDisallow: /private\n\nUser-agent: Herald\nDisallow: /feed\n")
				return
			}
			fmt.Fprint(w, "page")
		})
		c := New(testConfig())
		for _, path := range []string{"/feed", "/feed/rss?x=1"} {
			fe := getError(t, c, Request{URL: s.URL + path})
			if fe.Kind != KindRobots || fe.Temporary() {
				t.Errorf("%s: kind %s temporary %v, want permanent robots", path, fe.Kind, fe.Temporary())
			}
			if want := "robots.txt disallows " + path + " for Herald"; fe.Reason != want {
				t.Errorf("reason = %q, want %q", fe.Reason, want)
			}
		}
		// Herald has its own group, so the * group's rule does not apply.
		mustGet(t, c, Request{URL: s.URL + "/private"})
		if got, want := s.paths(), []string{"/robots.txt", "/private"}; !slices.Equal(got, want) {
			t.Errorf("server saw %q, want %q (robots.txt once, no disallowed path)", got, want)
		}
	})

	t.Run("NotFoundAllowsAll", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(text("text/plain", "ok")))
		c := New(testConfig())
		mustGet(t, c, Request{URL: s.URL + "/anything"})
		mustGet(t, c, Request{URL: s.URL + "/else"})
		if got, want := s.paths(), []string{"/robots.txt", "/anything", "/else"}; !slices.Equal(got, want) {
			t.Errorf("server saw %q, want %q", got, want)
		}
	})

	t.Run("ServerErrorDisallowsForNow", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "page")
		})
		c := New(testConfig())
		for range 2 {
			fe := getError(t, c, Request{URL: s.URL + "/feed"})
			if fe.Kind != KindRobots || !fe.Temporary() || fe.RetryAfter <= 0 {
				t.Errorf("error = %+v, want temporary robots error with RetryAfter", fe)
			}
			if !strings.Contains(fe.Reason, "robots.txt answered HTTP 503") {
				t.Errorf("reason = %q", fe.Reason)
			}
		}
		if got, want := s.paths(), []string{"/robots.txt"}; !slices.Equal(got, want) {
			t.Errorf("server saw %q, want %q", got, want)
		}
	})

	t.Run("StaleCopyUsedWhileServerErrs", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		broken := false
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.URL.Path != "/robots.txt":
				fmt.Fprint(w, "page")
			case broken:
				http.Error(w, "oops", http.StatusInternalServerError)
			default:
				fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			}
		})
		cfg := testConfig()
		cfg.RobotsTTL = 50 * time.Millisecond
		c := New(cfg)
		mustGet(t, c, Request{URL: s.URL + "/public"})
		mu.Lock()
		broken = true
		mu.Unlock()
		time.Sleep(60 * time.Millisecond)
		if fe := getError(t, c, Request{URL: s.URL + "/private"}); fe.Kind != KindRobots || fe.Temporary() {
			t.Errorf("error = %+v, want the stale copy's disallow", fe)
		}
		mustGet(t, c, Request{URL: s.URL + "/public"})
		if got, want := s.paths(), []string{"/robots.txt", "/public", "/robots.txt", "/public"}; !slices.Equal(got, want) {
			t.Errorf("server saw %q, want %q", got, want)
		}
	})

	t.Run("RefetchedAfterTTL", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(text("text/plain", "ok")))
		cfg := testConfig()
		cfg.RobotsTTL = 30 * time.Millisecond
		c := New(cfg)
		mustGet(t, c, Request{URL: s.URL + "/a"})
		time.Sleep(40 * time.Millisecond)
		mustGet(t, c, Request{URL: s.URL + "/b"})
		if got, want := s.paths(), []string{"/robots.txt", "/a", "/robots.txt", "/b"}; !slices.Equal(got, want) {
			t.Errorf("server saw %q, want %q", got, want)
		}
	})

	t.Run("MisplacedLinesSkipped", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				// The first Disallow has no User-agent; temoto/robotstxt
				// rejects the whole file for it.
				fmt.Fprint(w, "Disallow: /everything\nUser-agent: *\nCrawl-delay: soon\nDisallow: /admin\n")
				return
			}
			fmt.Fprint(w, "page")
		})
		c := New(testConfig())
		mustGet(t, c, Request{URL: s.URL + "/everything"})
		if fe := getError(t, c, Request{URL: s.URL + "/admin/x"}); fe.Kind != KindRobots {
			t.Errorf("kind = %s, want robots", fe.Kind)
		}
	})

	t.Run("RedirectLoopMeansNoRobots", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.Redirect(w, r, "/robots.txt", http.StatusFound)
				return
			}
			fmt.Fprint(w, "page")
		})
		// RFC 9309: past five redirects robots.txt is unavailable, as if 404.
		mustGet(t, New(testConfig()), Request{URL: s.URL + "/page"})
		if got := s.paths(); len(got) != 7 || got[6] != "/page" {
			t.Errorf("server saw %q, want robots.txt six times then /page", got)
		}
	})

	t.Run("RedirectTargetChecked", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/robots.txt":
				fmt.Fprint(w, "User-agent: *\nDisallow: /secret\n")
			case "/go":
				http.Redirect(w, r, "/secret/page", http.StatusFound)
			default:
				fmt.Fprint(w, "page")
			}
		})
		fe := getError(t, New(testConfig()), Request{URL: s.URL + "/go"})
		if fe.Kind != KindRobots || fe.URL != s.URL+"/secret/page" {
			t.Errorf("error = %+v, want robots error on the redirect target", fe)
		}
		if got, want := s.paths(), []string{"/robots.txt", "/go"}; !slices.Equal(got, want) {
			t.Errorf("server saw %q, want %q", got, want)
		}
	})
}

func TestGetPoliteness(t *testing.T) {
	t.Parallel()

	t.Run("OneInFlightPerHostWithDelay", func(t *testing.T) {
		t.Parallel()
		const delay = 50 * time.Millisecond
		var (
			mu       sync.Mutex
			inFlight int
			maxSeen  int
			starts   []time.Time
		)
		s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inFlight++
			maxSeen = max(maxSeen, inFlight)
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(5 * time.Millisecond) // long enough for overlapping requests to show
			mu.Lock()
			inFlight--
			mu.Unlock()
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, "ok")
		})
		cfg := testConfig()
		cfg.HostDelay = delay
		c := New(cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for i := range 10 {
			wg.Go(func() {
				if _, err := c.Get(ctx, Request{URL: fmt.Sprintf("%s/item/%d", s.URL, i)}); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if maxSeen != 1 {
			t.Errorf("max concurrent requests = %d, want 1", maxSeen)
		}
		if len(starts) != 11 {
			t.Fatalf("server saw %d requests, want 11 (robots.txt and 10 pages)", len(starts))
		}
		for i := 1; i < len(starts); i++ {
			if gap := starts[i].Sub(starts[i-1]); gap < delay {
				t.Errorf("gap between request %d and %d = %v, want >= %v", i-1, i, gap, delay)
			}
		}
	})

	t.Run("OtherHostsDoNotWait", func(t *testing.T) {
		t.Parallel()
		const delay = 500 * time.Millisecond
		var (
			mu         sync.Mutex
			pageStarts []time.Time
		)
		s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			pageStarts = append(pageStarts, time.Now())
			mu.Unlock()
			fmt.Fprint(w, "ok")
		}))
		_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
		cfg := testConfig()
		cfg.HostDelay = delay
		c := New(cfg)
		// Each Get is robots.txt, a pause, the page. Two host names for one
		// server are two hosts, so the pauses overlap and the pages start
		// together; waiting for each other, they would start a pause apart.
		var wg sync.WaitGroup
		for _, host := range []string{"127.0.0.1", "localhost"} {
			wg.Go(func() { mustGet(t, c, Request{URL: "http://" + net.JoinHostPort(host, port) + "/x"}) })
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(pageStarts) != 2 {
			t.Fatalf("%d page requests, want 2", len(pageStarts))
		}
		if gap := pageStarts[1].Sub(pageStarts[0]); gap >= delay {
			t.Errorf("pages for two hosts started %v apart, want less than one pause (%v)", gap, delay)
		}
	})
}

// TestGetMappedHostDelay proves that MappedHostDelay paces only the hosts
// in HostAddrs: the demo's own outlets are read without a pause while
// every other host keeps HostDelay.
func TestGetMappedHostDelay(t *testing.T) {
	t.Parallel()
	s := newServer(t, text("text/plain", "ok"))
	cfg := testConfig()
	cfg.HostDelay = time.Hour
	cfg.MappedHostDelay = -1
	cfg.HostAddrs = map[string]string{"outlet.example": s.Listener.Addr().String()}
	c := New(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := c.Get(ctx, Request{URL: fmt.Sprintf("http://outlet.example/%d", i)}); err != nil {
			t.Fatalf("mapped host, Get %d: %v", i, err)
		}
	}
	// The unmapped host's robots.txt is read, then its hour-long pause
	// begins: the page is never asked for.
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, Request{URL: s.URL + "/page"})
	if fe := (*Error)(nil); !errors.As(err, &fe) || fe.Kind != KindCanceled {
		t.Errorf("unmapped host: %v, want canceled while waiting for HostDelay", err)
	}
	if got := s.paths(); slices.Contains(got, "/page") {
		t.Errorf("server saw %q: the unmapped host got no pause", got)
	}
}

func TestGetCanceledWhileWaiting(t *testing.T) {
	t.Parallel()
	s := newServer(t, noRobots(text("text/plain", "ok")))
	cfg := testConfig()
	cfg.HostDelay = time.Minute
	c := New(cfg)
	// The robots.txt fetch happens straight away; then the pause before the
	// page is a minute, which the context cuts short. Two seconds leave the
	// robots.txt fetch time enough on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Get(ctx, Request{URL: s.URL + "/page"})
	var fe *Error
	if !errors.As(err, &fe) || fe.Kind != KindCanceled || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want canceled wrapping context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Get returned after %v, want soon after its context ended", d)
	}
	// What matters is that the page was never asked for; robots.txt may
	// not have been either, if the machine was slow enough.
	if got := s.paths(); slices.Contains(got, "/page") {
		t.Errorf("server saw %q, want no /page", got)
	}
}

func TestGetCompression(t *testing.T) {
	t.Parallel()
	const page = "<p>The quick brown fox — jumps over the lazy dog.</p>"
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	zl := func(s string) []byte {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	raw := func(s string) []byte {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.BestCompression) // cannot fail for a valid level
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	tests := []struct {
		name     string
		encoding string
		body     []byte
		wantKind Kind // "" for success
	}{
		{"Gzip", "gzip", gz(page), ""},
		{"XGzip", "x-gzip", gz(page), ""},
		{"DeflateZlib", "deflate", zl(page), ""},
		{"DeflateRaw", "deflate", raw(page), ""},
		{"Identity", "identity", []byte(page), ""},
		{"GzipTwice", "gzip, gzip", gz(string(gz(page))), ""},
		{"CorruptGzip", "gzip", append(gz(page)[:20:20], "garbage"...), KindBadResponse},
		{"NotGzipAtAll", "gzip", []byte(page), KindBadResponse},
		{"Unsupported", "br", []byte(page), KindBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Content-Encoding", tt.encoding)
				w.Write(tt.body)
			}))
			c := New(testConfig())
			if tt.wantKind != "" {
				if fe := getError(t, c, Request{URL: s.URL + "/"}); fe.Kind != tt.wantKind {
					t.Errorf("kind = %s (%s), want %s", fe.Kind, fe.Reason, tt.wantKind)
				}
				return
			}
			resp := mustGet(t, c, Request{URL: s.URL + "/"})
			if string(resp.Body) != page {
				t.Errorf("body = %q, want %q", resp.Body, page)
			}
			if resp.Header.Get("Content-Encoding") != "" {
				t.Errorf("Content-Encoding %q left on a decoded response", resp.Header.Get("Content-Encoding"))
			}
		})
	}
}

func TestGetBodyCap(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	bomb := func() []byte { // 64 KB + 1 of zeros compresses to about 100 bytes
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(make([]byte, limit+1))
		w.Close()
		return b.Bytes()
	}()
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantReason string // "" for success
	}{
		{"AtLimit", text("text/plain", strings.Repeat("a", limit)), ""},
		{"ContentLengthOver", text("text/plain", strings.Repeat("a", limit+1)), "response larger than 64 KB"},
		{"ChunkedOver", func(w http.ResponseWriter, r *http.Request) {
			for range limit/1024 + 1 {
				w.Write(bytes.Repeat([]byte("a"), 1024))
				w.(http.Flusher).Flush() // no Content-Length: the limit is found while reading
			}
		}, "response larger than 64 KB"},
		{"GzipBomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}, "response larger than 64 KB after decompression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, noRobots(tt.handler))
			cfg := testConfig()
			cfg.MaxBody = limit
			c := New(cfg)
			if tt.wantReason == "" {
				if resp := mustGet(t, c, Request{URL: s.URL + "/"}); len(resp.Body) != limit {
					t.Errorf("body length = %d, want %d", len(resp.Body), limit)
				}
				return
			}
			fe := getError(t, c, Request{URL: s.URL + "/"})
			if fe.Kind != KindTooLarge || fe.Reason != tt.wantReason || fe.Temporary() {
				t.Errorf("error = %s %q (temporary %v), want too_large %q", fe.Kind, fe.Reason, fe.Temporary(), tt.wantReason)
			}
		})
	}
	if len(bomb) > 1024 {
		t.Fatalf("the bomb is %d bytes compressed; it should be tiny", len(bomb))
	}
}

// TestGetRequestCap checks a request's own cap replaces the client's, both
// ways: pictures are allowed more than pages.
func TestGetRequestCap(t *testing.T) {
	t.Parallel()
	const clientCap = 64 << 10
	s := newServer(t, noRobots(text("image/jpeg", strings.Repeat("a", 96<<10))))
	cfg := testConfig()
	cfg.MaxBody = clientCap
	c := New(cfg)
	if fe := getError(t, c, Request{URL: s.URL + "/"}); fe.Kind != KindTooLarge || fe.Reason != "response larger than 64 KB" {
		t.Errorf("under the client's cap: %s %q, want too_large", fe.Kind, fe.Reason)
	}
	if resp := mustGet(t, c, Request{URL: s.URL + "/", MaxBody: 128 << 10}); len(resp.Body) != 96<<10 {
		t.Errorf("under a cap of 128 KB: %d bytes, want all 96 KB", len(resp.Body))
	}
	if fe := getError(t, c, Request{URL: s.URL + "/", MaxBody: 32 << 10}); fe.Kind != KindTooLarge || fe.Reason != "response larger than 32 KB" {
		t.Errorf("under a cap of 32 KB: %s %q, want too_large", fe.Kind, fe.Reason)
	}
}

// TestGetRaw checks a Raw request's text body comes as the server sent
// it, not decoded to UTF-8: the bytes of a picture served as text.
func TestGetRaw(t *testing.T) {
	t.Parallel()
	body := "\xff\xd8\xff\xe0 caf\xe9" // a JPEG's start, and Latin-1
	s := newServer(t, noRobots(text("text/plain", body)))
	c := New(testConfig())
	if resp := mustGet(t, c, Request{URL: s.URL + "/", Raw: true}); string(resp.Body) != body || resp.Charset != "" || resp.ContentType != "text/plain" {
		t.Errorf("raw: body %q, charset %q, type %q; want the bytes sent, no charset, text/plain", resp.Body, resp.Charset, resp.ContentType)
	}
	if resp := mustGet(t, c, Request{URL: s.URL + "/"}); string(resp.Body) == body {
		t.Errorf("not raw: body %q left as sent, want it decoded to UTF-8", resp.Body)
	}
}

func TestGetRedirects(t *testing.T) {
	t.Parallel()
	// /hop/N redirects to /hop/N-1, and /hop/0 is the page.
	s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
			if n == 0 {
				fmt.Fprint(w, "arrived")
				return
			}
			codes := []int{301, 302, 303, 307, 308}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), codes[n%len(codes)])
		case r.URL.Path == "/relative/start":
			w.Header().Set("Location", "../page?q=1")
			w.WriteHeader(http.StatusMovedPermanently)
		case r.URL.Path == "/page":
			fmt.Fprint(w, "relative ok")
		case r.URL.Path == "/to-ftp":
			http.Redirect(w, r, "ftp://example.com/file", http.StatusFound)
		case r.URL.Path == "/no-location":
			w.WriteHeader(http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))

	t.Run("FiveFollowed", func(t *testing.T) {
		resp := mustGet(t, New(testConfig()), Request{URL: s.URL + "/hop/5"})
		if string(resp.Body) != "arrived" || resp.URL != s.URL+"/hop/0" {
			t.Errorf("got %q at %s", resp.Body, resp.URL)
		}
	})
	t.Run("SixRefused", func(t *testing.T) {
		fe := getError(t, New(testConfig()), Request{URL: s.URL + "/hop/6"})
		if fe.Kind != KindRedirects || fe.Reason != "too many redirects (more than 5)" {
			t.Errorf("error = %s %q", fe.Kind, fe.Reason)
		}
	})
	t.Run("ConfiguredLimit", func(t *testing.T) {
		cfg := testConfig()
		cfg.MaxRedirects = -1
		if fe := getError(t, New(cfg), Request{URL: s.URL + "/hop/1"}); fe.Kind != KindRedirects {
			t.Errorf("kind = %s, want redirects", fe.Kind)
		}
	})
	t.Run("Relative", func(t *testing.T) {
		resp := mustGet(t, New(testConfig()), Request{URL: s.URL + "/relative/start"})
		if string(resp.Body) != "relative ok" || resp.URL != s.URL+"/page?q=1" {
			t.Errorf("got %q at %s", resp.Body, resp.URL)
		}
	})
	t.Run("ToOtherScheme", func(t *testing.T) {
		fe := getError(t, New(testConfig()), Request{URL: s.URL + "/to-ftp"})
		if fe.Kind != KindInvalidURL || !strings.Contains(fe.Reason, "only http and https") {
			t.Errorf("error = %s %q", fe.Kind, fe.Reason)
		}
	})
	t.Run("NoLocation", func(t *testing.T) {
		if fe := getError(t, New(testConfig()), Request{URL: s.URL + "/no-location"}); fe.Kind != KindRedirects {
			t.Errorf("error = %s %q", fe.Kind, fe.Reason)
		}
	})
}

func TestGetStatusErrors(t *testing.T) {
	t.Parallel()
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		status        int
		retryAfter    string
		wantReason    string
		wantTemporary bool
		wantRetry     time.Duration // checked to the nearest few seconds
	}{
		{404, "", "HTTP 404 Not Found", false, 0},
		{410, "", "HTTP 410 Gone", false, 0},
		{403, "", "HTTP 403 Forbidden", false, 0},
		{500, "", "HTTP 500 Internal Server Error", true, 0},
		{502, "", "HTTP 502 Bad Gateway", true, 0},
		{429, "120", "HTTP 429 Too Many Requests (retry after 2m0s)", true, 2 * time.Minute},
		{503, date, "HTTP 503 Service Unavailable (retry after ", true, 90 * time.Second},
		{503, "soon", "HTTP 503 Service Unavailable", true, 0},
		{599, "", "HTTP 599", true, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d%s", tt.status, tt.retryAfter), func(t *testing.T) {
			t.Parallel()
			s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
			}))
			fe := getError(t, New(testConfig()), Request{URL: s.URL + "/feed"})
			if fe.Kind != KindStatus || fe.Status != tt.status || !strings.HasPrefix(fe.Reason, tt.wantReason) {
				t.Errorf("error = %s %d %q, want status %d %q", fe.Kind, fe.Status, fe.Reason, tt.status, tt.wantReason)
			}
			if fe.Temporary() != tt.wantTemporary {
				t.Errorf("Temporary() = %v, want %v", fe.Temporary(), tt.wantTemporary)
			}
			if d := fe.RetryAfter - tt.wantRetry; d < -3*time.Second || d > 3*time.Second {
				t.Errorf("RetryAfter = %v, want about %v", fe.RetryAfter, tt.wantRetry)
			}
			if fe.URL != s.URL+"/feed" {
				t.Errorf("URL = %q", fe.URL)
			}
		})
	}
}

func TestGetTimeouts(t *testing.T) {
	t.Parallel()
	s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.Write([]byte("start of the body"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done(): // the client gave up
		case <-time.After(5 * time.Second):
		}
	}))
	for _, path := range []string{"/slow-headers", "/slow-body"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig()
			cfg.Timeout = 100 * time.Millisecond
			start := time.Now()
			fe := getError(t, New(cfg), Request{URL: s.URL + path})
			if fe.Kind != KindTimeout || fe.Reason != "timed out after 100ms" || !fe.Temporary() {
				t.Errorf("error = %s %q (temporary %v), want timeout", fe.Kind, fe.Reason, fe.Temporary())
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestGetConnectFailures(t *testing.T) {
	t.Parallel()

	t.Run("Refused", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		fe := getError(t, New(testConfig()), Request{URL: "http://" + addr + "/"})
		if fe.Kind != KindConnect || fe.Reason != "connection refused by 127.0.0.1" || !fe.Temporary() {
			t.Errorf("error = %s %q (temporary %v)", fe.Kind, fe.Reason, fe.Temporary())
		}
	})

	t.Run("UntrustedCertificate", func(t *testing.T) {
		t.Parallel()
		s := httptest.NewUnstartedServer(noRobots(text("text/plain", "ok")))
		s.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake error is the point
		s.StartTLS()
		defer s.Close()
		fe := getError(t, New(testConfig()), Request{URL: s.URL + "/"})
		if fe.Kind != KindTLS || fe.Reason != "TLS error: certificate signed by an unknown authority" || fe.Temporary() {
			t.Errorf("error = %s %q (temporary %v)", fe.Kind, fe.Reason, fe.Temporary())
		}
	})

	t.Run("NotTLS", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return // closed at the end of the test
				}
				conn.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
				conn.Close()
			}
		}()
		fe := getError(t, New(testConfig()), Request{URL: "https://" + l.Addr().String() + "/"})
		if fe.Kind != KindTLS || fe.Reason != "TLS error: 127.0.0.1 did not answer in TLS" {
			t.Errorf("error = %s %q", fe.Kind, fe.Reason)
		}
	})

	t.Run("PlainHTTPOnTLSPort", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, noRobots(text("text/plain", "ok")))
		fe := getError(t, New(testConfig()), Request{URL: strings.Replace(s.URL, "http:", "https:", 1) + "/"})
		// net/http reports this one in words only, so it is a connect
		// failure whose Reason carries those words.
		if fe.Kind != KindConnect || !strings.HasSuffix(fe.Reason, "server gave HTTP response to HTTPS client") {
			t.Errorf("error = %s %q", fe.Kind, fe.Reason)
		}
	})
}

func TestGetInvalidURL(t *testing.T) {
	t.Parallel()
	c := New(Config{}) // the guard on: nothing here may reach a network anyway
	tests := []struct{ url, reason string }{
		{"ftp://example.com/feed", "only http and https URLs can be fetched, not ftp"},
		{"file:///etc/passwd", "only http and https URLs can be fetched, not file"},
		{"javascript:alert(1)", "only http and https URLs can be fetched, not javascript"},
		{"/relative/feed", "not an absolute URL (no http:// or https://)"},
		{"http://user:secret@example.com/", "refused: the URL contains a user name or password"},
		{"https://@example.com/", "refused: the URL contains a user name or password"},
		{"http:///path", "the URL has no host"},
		{"http:example.com", "not a valid URL: nothing after http: should start with //"},
		{"http://exa mple.com/", "not a valid URL: invalid character \" \" in host name"},
		{"http://example.com:99999/", `invalid port "99999"`},
		{"http://[fe80::1%25eth0]/", "refused: the URL's address has an interface zone"},
		{"http://a..b/", `invalid host name "a..b"`},
		{"http://2130706433/", `invalid host name "2130706433"`},
		{"http://0x7f.1/", `invalid host name "0x7f.1"`},
		{"http://127.1/", `invalid host name "127.1"`},
	}
	for _, tt := range tests {
		fe := getError(t, c, Request{URL: tt.url})
		if fe.Kind != KindInvalidURL || fe.Reason != tt.reason {
			t.Errorf("%s: error = %s %q, want invalid_url %q", tt.url, fe.Kind, fe.Reason, tt.reason)
		}
	}
}

func TestCheckURLNormalises(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"HTTP://News.Example/Feed#top", "http://news.example/Feed"},
		{"https://bücher.example/", "https://xn--bcher-kva.example/"},
		{"http://example.com./x", "http://example.com/x"},
		{"http://[::FFFF:127.0.0.1]:8080/", "http://[::ffff:127.0.0.1]:8080/"},
		{"http://my_site.example/", "http://my_site.example/"},
	}
	for _, tt := range tests {
		u, err := parseURL(tt.in)
		if err != nil {
			t.Errorf("parseURL(%q): %v", tt.in, err)
			continue
		}
		if u.String() != tt.want {
			t.Errorf("parseURL(%q) = %q, want %q", tt.in, u, tt.want)
		}
	}
}

func TestGetObserve(t *testing.T) {
	t.Parallel()
	s := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "twelve bytes")
	}))
	var (
		mu  sync.Mutex
		got []Observation
	)
	cfg := testConfig()
	cfg.Observe = func(o Observation) {
		mu.Lock()
		got = append(got, o)
		mu.Unlock()
	}
	c := New(cfg)
	mustGet(t, c, Request{URL: s.URL + "/ok"})
	getError(t, c, Request{URL: s.URL + "/missing"})
	getError(t, c, Request{URL: "gopher://x/"})

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("%d observations, want 3", len(got))
	}
	if o := got[0]; o.Host != "127.0.0.1" || o.Status != 200 || o.ErrorKind != "" || o.Bytes != 12 || o.Duration <= 0 {
		t.Errorf("success observed as %+v", o)
	}
	if o := got[1]; o.Status != 404 || o.ErrorKind != string(KindStatus) {
		t.Errorf("404 observed as %+v", o)
	}
	if o := got[2]; o.ErrorKind != string(KindInvalidURL) || o.Status != 0 {
		t.Errorf("invalid URL observed as %+v", o)
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"https://news.example/feed?x=1#top", "http://user:pw@host/", "HTTP://Bücher.example:8080/a/../b",
		"http://[::ffff:127.0.0.1]:80/", "javascript:alert(1)", "http://0x7f.1/", "//no-scheme/", "http://a..b/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseURL(raw)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Kind != KindInvalidURL || fe.Reason == "" {
				t.Fatalf("parseURL(%q) error %v, want an invalid_url *Error", raw, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.User != nil || u.Hostname() == "" || u.Fragment != "" {
			t.Fatalf("parseURL(%q) accepted %q", raw, u)
		}
		again, err := parseURL(u.String())
		if err != nil || again.String() != u.String() {
			t.Fatalf("parseURL(%q) = %q, which parses again as %v, %v", raw, u, again, err)
		}
	})
}
