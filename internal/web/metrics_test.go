package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/web"
)

// newMetricsSite is a site on store whose /metrics answers "figures".
func newMetricsSite(t *testing.T, store *sqlite.DB, cfg web.Config) http.Handler {
	t.Helper()
	w, err := web.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Metrics = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "figures") })
	return w.Handler()
}

// TestMetricsAccess proves that /metrics is served to loopback and to the
// networks in MetricsAllow only, judging the client by the same address
// comments are counted by (the RealIPHeader behind a proxy), and that
// everyone else gets the site's ordinary 404 page.
func TestMetricsAccess(t *testing.T) {
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lan := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	tests := []struct {
		name    string
		allow   []netip.Prefix
		realIP  string // Comments.RealIPHeader
		remote  string
		header  http.Header
		allowed bool
	}{
		{name: "LoopbackV4", remote: "127.0.0.1:5000", allowed: true},
		{name: "LoopbackElsewhereIn127", remote: "127.3.2.1:5000", allowed: true},
		{name: "LoopbackV6", remote: "[::1]:5000", allowed: true},
		{name: "PublicRefused", remote: "203.0.113.9:5000"},
		{name: "PrivateNotListedRefused", remote: "10.1.2.3:5000"},
		{name: "ListedNetworkV4", allow: lan, remote: "10.1.2.3:5000", allowed: true},
		{name: "ListedNetworkMappedV4", allow: lan, remote: "[::ffff:10.1.2.3]:5000", allowed: true},
		{name: "ListedNetworkV6", allow: lan, remote: "[2001:db8::5]:5000", allowed: true},
		{name: "OutsideListedNetworks", allow: lan, remote: "192.168.1.1:5000"},
		{name: "LoopbackStillAllowedWithAList", allow: lan, remote: "127.0.0.1:5000", allowed: true},

		// Behind a proxy Herald was told about, the client is the one the
		// proxy names, not the proxy's loopback connection.
		{name: "ProxyNamesPublicClient", realIP: "X-Real-IP", remote: "127.0.0.1:5000",
			header: http.Header{"X-Real-Ip": {"203.0.113.9"}}},
		{name: "ProxyNamesLoopbackClient", realIP: "X-Real-IP", remote: "127.0.0.1:5000",
			header: http.Header{"X-Real-Ip": {"127.0.0.1"}}, allowed: true},
		{name: "ProxyNamesListedClient", allow: lan, realIP: "X-Forwarded-For", remote: "127.0.0.1:5000",
			header: http.Header{"X-Forwarded-For": {"127.0.0.1, 10.9.9.9"}}, allowed: true},
		{name: "ForwardedForTakesTheLastAddress", realIP: "X-Forwarded-For", remote: "127.0.0.1:5000",
			header: http.Header{"X-Forwarded-For": {"127.0.0.1, 203.0.113.9"}}},
		{name: "ProxyHeaderWithoutItUsesConnection", realIP: "X-Real-IP", remote: "127.0.0.1:5000", allowed: true},

		// Through a proxy Herald was not told about, the connection's
		// loopback address is the proxy's: refused.
		{name: "UndeclaredProxyForwardedFor", remote: "127.0.0.1:5000",
			header: http.Header{"X-Forwarded-For": {"203.0.113.9"}}},
		{name: "UndeclaredProxyRealIP", remote: "127.0.0.1:5000",
			header: http.Header{"X-Real-Ip": {"127.0.0.1"}}},
		{name: "UndeclaredProxyForwarded", remote: "127.0.0.1:5000",
			header: http.Header{"Forwarded": {"for=203.0.113.9"}}},
	}
	notFound := func(h http.Handler) string {
		req := httptest.NewRequest("GET", "/no-such-page", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newMetricsSite(t, store, web.Config{MetricsAllow: tt.allow, Comments: web.CommentConfig{RealIPHeader: tt.realIP}})
			req := httptest.NewRequest("GET", "/metrics", nil)
			req.RemoteAddr = tt.remote
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			switch {
			case tt.allowed && (rec.Code != http.StatusOK || rec.Body.String() != "figures"):
				t.Errorf("status %d %q, want the figures", rec.Code, rec.Body.String())
			case !tt.allowed && rec.Code != http.StatusNotFound:
				t.Errorf("status %d, want 404", rec.Code)
			case !tt.allowed && (strings.Contains(rec.Body.String(), "figures") || rec.Body.String() != notFound(h)):
				t.Errorf("body is not the ordinary 404 page:\n%s", rec.Body.String())
			}
		})
	}
}
