package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr  string
		class string // "" means allowed
	}{
		// Public addresses pass.
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.216.34", ""},
		{"100.63.255.255", ""},  // just below CGNAT
		{"100.128.0.0", ""},     // just above CGNAT
		{"172.15.255.255", ""},  // just below 172.16/12
		{"172.32.0.0", ""},      // just above it
		{"223.255.255.255", ""}, // just below multicast
		{"2606:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"2a00:1450:4001:81c::200e", ""},
		{"::ffff:8.8.8.8", ""},   // IPv4-mapped public
		{"64:ff9b::808:808", ""}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", ""},  // 6to4 of 8.8.8.8

		// IPv4 that is not the internet.
		{"0.0.0.0", "an unspecified address"},
		{"0.1.2.3", `a "this network" address`},
		{"10.0.0.5", "a private address"},
		{"10.255.255.255", "a private address"},
		{"100.64.0.1", "a shared (carrier-grade NAT) address"},
		{"100.127.255.254", "a shared (carrier-grade NAT) address"},
		{"127.0.0.1", "a loopback address"},
		{"127.255.255.254", "a loopback address"},
		{"169.254.169.254", "a link-local address (cloud metadata)"},
		{"169.254.1.1", "a link-local address"},
		{"172.16.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"192.0.0.8", "a reserved address"},
		{"192.0.2.1", "a documentation address"},
		{"192.88.99.1", "a reserved address"},
		{"192.168.1.1", "a private address"},
		{"198.18.0.1", "a benchmarking address"},
		{"198.51.100.7", "a documentation address"},
		{"203.0.113.9", "a documentation address"},
		{"224.0.0.1", "a multicast address"},
		{"239.255.255.250", "a multicast address"},
		{"240.0.0.1", "a reserved address"},
		{"255.255.255.255", "a broadcast address"},

		// IPv6 that is not the internet.
		{"::", "an unspecified address"},
		{"::1", "a loopback address"},
		{"fc00::1", "a private (unique local) address"},
		{"fd12:3456:789a::1", "a private (unique local) address"},
		{"fe80::1", "a link-local address"},
		{"fe80::1%eth0", "a link-local address"},
		{"febf::1", "a link-local address"},
		{"ff02::1", "a multicast address"},
		{"ff05::2", "a multicast address"},
		{"2001:db8::1", "a documentation address"},
		{"3fff::1", "a documentation address"},
		{"2001::1", "a reserved address (Teredo)"},
		{"2001:2::1", "a benchmarking address"},
		{"100::1", "a reserved address"},       // discard-only
		{"fec0::1", "a reserved address"},      // old site-local
		{"::7f00:1", "a reserved address"},     // IPv4-compatible 127.0.0.1
		{"5f00::1", "a reserved address"},      // SRv6
		{"64:ff9b:1::1", "a reserved address"}, // local-use NAT64

		// IPv4 addresses dressed as IPv6.
		{"::ffff:127.0.0.1", "a loopback address"},
		{"::ffff:10.0.0.1", "a private address"},
		{"::ffff:169.254.169.254", "a link-local address (cloud metadata)"},
		{"::ffff:0.0.0.0", "an unspecified address"},
		{"64:ff9b::7f00:1", "a loopback address"}, // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", "a link-local address (cloud metadata)"},
		{"2002:7f00:1::", "a loopback address"},   // 6to4 of 127.0.0.1
		{"2002:c0a8:101::1", "a private address"}, // 6to4 of 192.168.1.1
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.addr)
		err := CheckAddr(ip)
		switch {
		case tt.class == "" && err != nil:
			t.Errorf("CheckAddr(%s) = %v, want allowed", tt.addr, err)
		case tt.class != "" && err == nil:
			t.Errorf("CheckAddr(%s) allowed, want %s", tt.addr, tt.class)
		case tt.class != "":
			var be *blockedError
			if !errors.As(err, &be) || be.class != tt.class {
				t.Errorf("CheckAddr(%s) = %v, want %s", tt.addr, err, tt.class)
			}
		}
	}
	if err := CheckAddr(netip.Addr{}); err == nil {
		t.Error("CheckAddr(zero Addr) allowed")
	}
}

// TestGetGuard proves each refusal end to end: with the guard on, a Get to
// a non-public address fails with KindBlockedAddress, and the servers that
// really listen on loopback never see a request.
func TestGetGuard(t *testing.T) {
	t.Parallel()
	s4 := newServer(t, text("text/plain", "you should not see this"))
	_, port, _ := net.SplitHostPort(s4.Listener.Addr().String())
	c := New(Config{HostDelay: -1}) // the guard on, as in production

	tests := []struct {
		url    string
		reason string
	}{
		{"http://127.0.0.1:" + port + "/", "refused: 127.0.0.1 is a loopback address"},
		{"http://127.1.2.3:" + port + "/", "refused: 127.1.2.3 is a loopback address"},
		{"http://localhost:" + port + "/", "refused: localhost resolves to 127.0.0.1, a loopback address"},
		{"http://LocalHost.:" + port + "/", "refused: localhost resolves to 127.0.0.1, a loopback address"},
		{"http://0.0.0.0:" + port + "/", "refused: 0.0.0.0 is an unspecified address"},
		{"http://[::ffff:127.0.0.1]:" + port + "/", "refused: ::ffff:127.0.0.1 is a loopback address"},
		{"http://10.0.0.5/", "refused: 10.0.0.5 is a private address"},
		{"http://172.16.0.1/", "refused: 172.16.0.1 is a private address"},
		{"http://192.168.1.1/", "refused: 192.168.1.1 is a private address"},
		{"http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address (cloud metadata)"},
		{"http://100.64.0.1/", "refused: 100.64.0.1 is a shared (carrier-grade NAT) address"},
		{"https://[fd00::1]/", "refused: fd00::1 is a private (unique local) address"},
		{"http://[fe80::1]/", "refused: fe80::1 is a link-local address"},
		{"http://224.0.0.1/", "refused: 224.0.0.1 is a multicast address"},
		{"http://255.255.255.255/", "refused: 255.255.255.255 is a broadcast address"},
	}
	for _, tt := range tests {
		fe := getError(t, c, Request{URL: tt.url})
		if fe.Kind != KindBlockedAddress || fe.Reason != tt.reason || fe.Temporary() {
			t.Errorf("%s: error = %s %q, want blocked_address %q", tt.url, fe.Kind, fe.Reason, tt.reason)
		}
	}

	t.Run("IPv6Loopback", func(t *testing.T) {
		s6 := newServerOn(t, "[::1]:0", text("text/plain", "you should not see this"))
		fe := getError(t, c, Request{URL: s6.URL + "/"})
		if fe.Kind != KindBlockedAddress || fe.Reason != "refused: ::1 is a loopback address" {
			t.Errorf("error = %s %q", fe.Kind, fe.Reason)
		}
		if got := s6.paths(); len(got) != 0 {
			t.Errorf("[::1] server saw %q", got)
		}
	})

	if got := s4.paths(); len(got) != 0 {
		t.Errorf("127.0.0.1 server saw %q, want nothing", got)
	}
}

// TestGetGuardRedirect proves that a redirect from a public site to an
// internal address is refused when the connection is made. news.example,
// mapped to 127.0.0.2 by HostAddrs, stands in for the public site: the
// mapping lets exactly that address through for that name, and the
// redirect targets meet the real rule at connect time.
func TestGetGuardRedirect(t *testing.T) {
	t.Parallel()
	internal := newServer(t, text("text/plain", "secret"))
	_, internalPort, _ := net.SplitHostPort(internal.Listener.Addr().String())
	targets := map[string]string{
		"/to-ip":        "http://127.0.0.1:" + internalPort + "/admin",
		"/to-localhost": "http://localhost:" + internalPort + "/admin",
		"/to-mapped":    "http://[::ffff:127.0.0.1]:" + internalPort + "/admin",
		"/to-metadata":  "http://169.254.169.254/latest/meta-data/",
	}
	public := newServerOn(t, "127.0.0.2:0", noRobots(func(w http.ResponseWriter, r *http.Request) {
		if target, ok := targets[r.URL.Path]; ok {
			http.Redirect(w, r, target, http.StatusFound)
			return
		}
		w.Write([]byte("public page"))
	}))
	c := New(Config{HostDelay: -1, HostAddrs: map[string]string{"news.example": public.Listener.Addr().String()}})

	if resp := mustGet(t, c, Request{URL: "http://news.example/"}); string(resp.Body) != "public page" {
		t.Fatalf("the stand-in public site answered %q", resp.Body)
	}
	for path, target := range targets {
		fe := getError(t, c, Request{URL: "http://news.example" + path})
		if fe.Kind != KindBlockedAddress || !strings.HasPrefix(fe.Reason, "refused: ") {
			t.Errorf("%s: error = %s %q, want blocked_address", path, fe.Kind, fe.Reason)
		}
		if fe.URL != target {
			t.Errorf("%s: error URL = %q, want the redirect target %q", path, fe.URL, target)
		}
	}
	if got := internal.paths(); len(got) != 0 {
		t.Errorf("internal server saw %q, want nothing", got)
	}
	if got, want := public.paths(), []string{"/robots.txt", "/", "/to-ip", "/to-localhost", "/to-mapped", "/to-metadata"}; len(got) != len(want) {
		t.Errorf("public server saw %q, want each path once after robots.txt", got)
	}
}

func TestGetHostAddrs(t *testing.T) {
	t.Parallel()
	s := newServer(t, noRobots(text("text/plain", "mapped")))
	hosts := map[string]string{"News.Example": s.Listener.Addr().String(), "ip-only.example": "127.0.0.1"}

	t.Run("Mapped", func(t *testing.T) {
		cfg := testConfig()
		cfg.HostAddrs = hosts
		resp := mustGet(t, New(cfg), Request{URL: "http://news.example/feed"})
		if string(resp.Body) != "mapped" {
			t.Errorf("body = %q", resp.Body)
		}
		if r := s.requests(); r[len(r)-1].Host != "news.example" {
			t.Errorf("Host header = %q, want news.example", r[len(r)-1].Host)
		}
	})
	t.Run("MappedIPKeepsURLPort", func(t *testing.T) {
		cfg := testConfig()
		cfg.HostAddrs = hosts
		_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
		mustGet(t, New(cfg), Request{URL: "http://ip-only.example:" + port + "/feed"})
	})
}

// TestGetHostAddrsGuard proves that, with the guard on, a host mapped to
// an IP and port by HostAddrs is an exact exception: that name reaches
// that address, and nothing else on loopback is reached, whether asked
// for directly, by another name, by a mapping without a port, or by a
// redirect from the mapped host. This is what lets "herald serve --demo"
// follow its own outlets without opening loopback to every source.
func TestGetHostAddrsGuard(t *testing.T) {
	t.Parallel()
	other := newServer(t, text("text/plain", "an internal service"))
	_, otherPort, _ := net.SplitHostPort(other.Listener.Addr().String())
	demo := newServer(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		demoAddr := r.Context().Value(http.LocalAddrContextKey).(net.Addr).String()
		_, demoPort, _ := net.SplitHostPort(demoAddr)
		targets := map[string]string{
			"/to-other":         "http://127.0.0.1:" + otherPort + "/admin",
			"/to-self-by-ip":    "http://" + demoAddr + "/feed",
			"/to-localhost":     "http://localhost:" + demoPort + "/feed",
			"/to-mapped-host":   "http://second.example/feed",
			"/to-unmapped-name": "http://ip-only.example:" + otherPort + "/admin",
		}
		if target, ok := targets[r.URL.Path]; ok {
			http.Redirect(w, r, target, http.StatusFound)
			return
		}
		fmt.Fprintf(w, "demo page for %s", r.Host)
	}))
	demoAddr := demo.Listener.Addr().String()
	_, demoPort, _ := net.SplitHostPort(demoAddr)
	c := New(Config{HostDelay: -1, HostAddrs: map[string]string{
		"outlet.example":  demoAddr,
		"second.example":  demoAddr,
		"ip-only.example": "127.0.0.1", // no port: not an exact address, so still guarded
	}})

	t.Run("MappedHostAllowed", func(t *testing.T) {
		resp := mustGet(t, c, Request{URL: "http://outlet.example/feed"})
		if string(resp.Body) != "demo page for outlet.example" {
			t.Errorf("body = %q", resp.Body)
		}
	})
	t.Run("RedirectToAnotherMappedHostFollowed", func(t *testing.T) {
		resp := mustGet(t, c, Request{URL: "http://outlet.example/to-mapped-host"})
		if string(resp.Body) != "demo page for second.example" || resp.URL != "http://second.example/feed" {
			t.Errorf("ended at %s with %q", resp.URL, resp.Body)
		}
	})
	t.Run("UnmappedLoopbackRefused", func(t *testing.T) {
		before := len(demo.paths())
		for url, reason := range map[string]string{
			"http://127.0.0.1:" + otherPort + "/":       "refused: 127.0.0.1 is a loopback address",
			"http://" + demoAddr + "/feed":              "refused: 127.0.0.1 is a loopback address",
			"http://localhost:" + demoPort + "/feed":    "refused: localhost resolves to 127.0.0.1, a loopback address",
			"http://ip-only.example:" + otherPort + "/": "refused: ip-only.example resolves to 127.0.0.1, a loopback address",
		} {
			fe := getError(t, c, Request{URL: url})
			if fe.Kind != KindBlockedAddress || fe.Reason != reason {
				t.Errorf("%s: error = %s %q, want blocked_address %q", url, fe.Kind, fe.Reason, reason)
			}
		}
		if got := demo.paths()[before:]; len(got) != 0 {
			t.Errorf("the mapped server was reached by an unmapped name: %q", got)
		}
	})
	t.Run("RedirectToUnmappedLoopbackRefused", func(t *testing.T) {
		paths := []string{"/to-other", "/to-self-by-ip", "/to-localhost", "/to-unmapped-name"}
		before := len(demo.paths())
		for _, path := range paths {
			fe := getError(t, c, Request{URL: "http://outlet.example" + path})
			if fe.Kind != KindBlockedAddress || !strings.HasPrefix(fe.Reason, "refused: ") {
				t.Errorf("%s: error = %s %q, want blocked_address", path, fe.Kind, fe.Reason)
			}
		}
		// The mapped server saw each redirecting request, and not the
		// redirect to itself under an unmapped name.
		if got := demo.paths()[before:]; !slices.Equal(got, paths) {
			t.Errorf("the mapped server saw %q, want only %q", got, paths)
		}
	})
	if got := other.paths(); len(got) != 0 {
		t.Errorf("the unmapped loopback server saw %q, want nothing", got)
	}
}

func FuzzCheckAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "::1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2002:c0a8:101::", "8.8.8.8", "2606:4700::1111", "fe80::1"} {
		b := netip.MustParseAddr(s).As16()
		f.Add(b[:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a16 [16]byte
		copy(a16[:], b)
		var a4 [4]byte
		copy(a4[:], b)
		for _, ip := range []netip.Addr{netip.AddrFrom16(a16), netip.AddrFrom4(a4), netip.AddrFrom16(a16).WithZone("eth0")} {
			err := CheckAddr(ip)
			u := ip.Unmap().WithZone("")
			notPublic := u.IsLoopback() || u.IsPrivate() || u.IsLinkLocalUnicast() || u.IsLinkLocalMulticast() ||
				u.IsInterfaceLocalMulticast() || u.IsMulticast() || u.IsUnspecified() || !u.IsGlobalUnicast()
			if notPublic && err == nil {
				t.Errorf("CheckAddr(%s) allowed an address netip says is not public", ip)
			}
			if err != nil && err.Error() == "" {
				t.Errorf("CheckAddr(%s) gave an empty error", ip)
			}
		}
	})
}
