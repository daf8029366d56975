package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// server is an httptest server on loopback that keeps a log of the
// requests it received, so tests can prove what never reached it.
type server struct {
	*httptest.Server
	mu  sync.Mutex
	log []*http.Request // guarded by mu
}

// newServer starts h on 127.0.0.1.
func newServer(tb testing.TB, h http.HandlerFunc) *server {
	tb.Helper()
	return newServerOn(tb, "127.0.0.1:0", h)
}

// newServerOn starts h on addr, skipping the test if addr cannot be
// listened on (an IPv6-less machine, for [::1]).
func newServerOn(tb testing.TB, addr string, h http.HandlerFunc) *server {
	tb.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := &server{}
	s.Server = &httptest.Server{
		Listener: l,
		Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.log = append(s.log, r.Clone(context.Background()))
			s.mu.Unlock()
			h(w, r)
		})},
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// paths returns the request URIs the server received, in order.
func (s *server) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.log))
	for _, r := range s.log {
		out = append(out, r.URL.RequestURI())
	}
	return out
}

// requests returns the requests the server received, in order.
func (s *server) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.log...)
}

// noRobots answers robots.txt with 404, and everything else with next.
func noRobots(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		next(w, r)
	}
}

// text answers with body as type.
func text(contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write([]byte(body)) // a test client gone away is the test's failure to report, not this
	}
}

// testConfig is a Config for loopback servers: the guard off, no pause
// between requests, short timeouts.
func testConfig() Config {
	return Config{
		AllowPrivateNetworks: true,
		HostDelay:            -1,
		ConnectTimeout:       20 * time.Second, // generous: a loaded machine with -race is slow to shake hands
		Timeout:              30 * time.Second,
	}
}

// mustGet fetches url and fails the test on error.
func mustGet(tb testing.TB, c *Client, r Request) *Response {
	tb.Helper()
	resp, err := c.Get(context.Background(), r)
	if err != nil {
		tb.Fatalf("Get(%s): %v", r.URL, err)
	}
	return resp
}

// getError fetches r and returns its *Error, failing the test if the Get
// succeeded or failed with some other type.
func getError(tb testing.TB, c *Client, r Request) *Error {
	tb.Helper()
	resp, err := c.Get(context.Background(), r)
	if err == nil {
		tb.Fatalf("Get(%s) = %d %q, want an error", r.URL, resp.Status, resp.Body)
	}
	var fe *Error
	if !errors.As(err, &fe) {
		tb.Fatalf("Get(%s) error %T %v, want *fetch.Error", r.URL, err, err)
	}
	if resp != nil {
		tb.Errorf("Get(%s) returned a response with its error", r.URL)
	}
	return fe
}
