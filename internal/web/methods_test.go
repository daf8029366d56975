package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// routePattern finds the routes registered in routes.go: a method, a space
// and a path.
var routePattern = regexp.MustCompile(`mux\.HandleFunc\("([A-Z]+) (/[^"]*)"`)

// routes reads every route in routes.go and returns, for one concrete
// path standing for each registered path, the Allow header it should
// answer with: GET (and so HEAD) and POST as registered.
func routes(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string][]string{} // by concrete path
	for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
		path := strings.ReplaceAll(m[2], "{$}", "")
		path = regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllString(path, "1")
		if strings.HasSuffix(path, "/") && path != "/" {
			path += "x" // a path under a subtree pattern such as /static/
		}
		methods[path] = append(methods[path], m[1])
		if m[1] == http.MethodGet {
			methods[path] = append(methods[path], http.MethodHead)
		}
	}
	if len(methods) < 20 {
		t.Fatalf("found %d routes in routes.go; has the way routes are registered changed?", len(methods))
	}
	allow := map[string]string{}
	for path, ms := range methods {
		order := []string{http.MethodGet, http.MethodHead, http.MethodPost}
		slices.SortFunc(ms, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
		allow[path] = strings.Join(ms, ", ")
	}
	return allow
}

// apiError is the shape of every API error.
type apiError struct {
	Error struct{ Code, Message string }
}

// TestMethodNotAllowed sends every method a route does not take to every
// route in routes.go and expects 405 with an Allow header naming the
// methods it does take, as a JSON error under /api/ and a page elsewhere.
// OPTIONS gets the 405 too: the site answers no cross-origin preflight.
// TRACE must not echo the request.
func TestMethodNotAllowed(t *testing.T) {
	s := newSite(t)
	const secret = "trace-must-not-echo-this"
	for path, allow := range routes(t) {
		for _, method := range []string{"OPTIONS", "PUT", "DELETE", "TRACE", "PATCH", "GET", "POST"} {
			if strings.Contains(allow, method) {
				continue
			}
			t.Run(method+path, func(t *testing.T) {
				resp, body := s.do(t, method, path, http.Header{"X-Secret": {secret}})
				if resp.StatusCode != http.StatusMethodNotAllowed {
					t.Fatalf("status %d, want 405", resp.StatusCode)
				}
				if got := resp.Header.Get("Allow"); got != allow {
					t.Errorf("Allow: %q, want %q", got, allow)
				}
				if strings.Contains(body, secret) {
					t.Errorf("the request was echoed: %s", body)
				}
				wantType := "text/html; charset=utf-8"
				if strings.HasPrefix(path, "/api/") {
					wantType = "application/json"
					var e apiError
					if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "method_not_allowed" {
						t.Errorf("body %s: %v, want a JSON method_not_allowed error", body, err)
					}
				}
				if got := resp.Header.Get("Content-Type"); got != wantType {
					t.Errorf("Content-Type %q, want %q", got, wantType)
				}
			})
		}
	}

	t.Run("UnknownPathsAreNotFound", func(t *testing.T) {
		for _, path := range []string{"/no-such-page", "/articles/1/nothing", "/api/v1/nothing"} {
			for _, method := range []string{"GET", "PUT", "OPTIONS", "TRACE"} {
				resp, _ := s.do(t, method, path, nil)
				if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Allow") != "" {
					t.Errorf("%s %s: status %d, Allow %q; want 404 without Allow", method, path, resp.StatusCode, resp.Header.Get("Allow"))
				}
			}
		}
	})
	t.Run("AllowedMethodsStillServed", func(t *testing.T) {
		for _, method := range []string{"GET", "HEAD"} {
			if resp, _ := s.do(t, method, "/", nil); resp.StatusCode != http.StatusOK {
				t.Errorf("%s /: status %d", method, resp.StatusCode)
			}
		}
	})
}

// TestBadQueryString proves that a query string url.ParseQuery cannot read
// is answered 400, with a JSON error under /api/ and the error page
// elsewhere, instead of being taken for no query.
func TestBadQueryString(t *testing.T) {
	s := newSite(t)
	tests := []struct {
		path string
		api  bool
	}{
		{"/api/v1/articles?cursor=%%%bad", true},
		{"/api/v1/search?q=%zz", true},
		{"/api/v1/nothing?x=%", true},
		{"/?after=%%%bad", false},
		{"/search?q=%zz", false},
		{"/articles/1?cpage=%G1", false},
		{"/rss.xml?x=%", false},
		{"/admin/comments?status=%%", false},
		{"/search?q=a;b", false}, // url.ParseQuery refuses semicolons as separators
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			if tt.api {
				var e apiError
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "invalid" ||
					!strings.HasPrefix(e.Error.Message, "the address's query string cannot be read: ") {
					t.Errorf("body %s: %v, want a JSON invalid error about the query string", body, err)
				}
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" ||
				!strings.Contains(body, "That request did not make sense") || !strings.Contains(body, "query string cannot be read") {
				t.Errorf("Content-Type %q, body:\n%s\nwant the error page about the query string", ct, body)
			}
		})
	}
	t.Run("GoodQueryStillServed", func(t *testing.T) {
		for _, path := range []string{"/search?q=harbour%20wall", "/api/v1/articles?limit=1"} {
			if resp, _ := s.get(t, path); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", path, resp.StatusCode)
			}
		}
	})
}
