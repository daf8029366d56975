package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// TestServeDemoGuardsOtherSources runs "herald serve --demo" on a database
// that also follows a source on loopback, added with
// --allow-private-networks. The demo's own outlets are fetched, while the
// other source is refused by the SSRF guard and never reached: --demo
// opens loopback to its outlets only. Given --allow-private-networks as
// well, serve fetches the other source too: the demo adds its outlets to
// the client the flags configure.
func TestServeDemoGuardsOtherSources(t *testing.T) {
	t.Run("Refused", func(t *testing.T) {
		other, reached := serveDemoWithLoopbackSource(t)
		if want := "refused: 127.0.0.1 is a loopback address"; other.Fetch.Status != herald.FetchFailed || other.Fetch.LastError != want {
			t.Errorf("loopback source: status %q, last error %q; want %q, %q", other.Fetch.Status, other.Fetch.LastError, herald.FetchFailed, want)
		}
		if reached != 0 {
			t.Errorf("the loopback source's server was reached %d times under serve --demo", reached)
		}
	})
	t.Run("AllowPrivateNetworksHonoured", func(t *testing.T) {
		other, reached := serveDemoWithLoopbackSource(t, "--allow-private-networks")
		if other.Fetch.Status != herald.FetchOK || other.ArticleCount != 1 || reached == 0 {
			t.Errorf("loopback source: status %q (%q), %d articles, server reached %d times; want it fetched",
				other.Fetch.Status, other.Fetch.LastError, other.ArticleCount, reached)
		}
	})
}

// serveDemoWithLoopbackSource follows a feed on an httptest server, then
// runs "herald serve --demo" with extra flags until the demo outlets have
// articles and the loopback source has been checked. It returns that
// source and how many requests its server received under serve.
func serveDemoWithLoopbackSource(t *testing.T, extra ...string) (*herald.Source, int64) {
	t.Helper()
	var reached atomic.Int64
	outlet := newFeedServer(t, &reached)
	db := filepath.Join(t.TempDir(), "herald.db")
	if _, stderr, err := runHerald(t, "", "source", "add", outlet.URL+"/feed.xml", "--db", db, "--allow-private-networks"); err != nil {
		t.Fatalf("source add: %v\n%s", err, stderr)
	}
	reached.Store(0)

	_, stop := startServe(t, append([]string{"--demo", "--addr", "127.0.0.1:0", "--db", db}, extra...)...)

	store, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var other *herald.Source
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		sources, err := store.FindSources(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		other = nil
		demoArticles := 0
		for _, s := range sources {
			if s.Slug == "test-outlet" {
				other = s
			} else {
				demoArticles += s.ArticleCount
			}
		}
		if other == nil {
			t.Fatal("the loopback source is missing")
		}
		if other.Fetch.Status != herald.FetchNew && demoArticles > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: loopback source %q (%q), %d demo articles", other.Fetch.Status, other.Fetch.LastError, demoArticles)
		}
	}

	stop()
	return other, reached.Load()
}

func TestParseNetworks(t *testing.T) {
	got, err := parseNetworks("10.0.0.0/8, 192.168.1.7/24,2001:db8::/32 ,203.0.113.9,::1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32", "203.0.113.9/32", "::1/128"}
	if len(got) != len(want) {
		t.Fatalf("parseNetworks = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("network %d = %s, want %s", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"", "10.0.0.0/33", "example.org", "10.0.0.0/8,", "fe80::1%eth0"} {
		if _, err := parseNetworks(bad); err == nil {
			t.Errorf("parseNetworks(%q) accepted it", bad)
		}
	}
	_, stderr, err := runHerald(t, "", "serve", "--metrics-allow", "example.org", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "h.db"))
	if err != errUsage || !strings.Contains(stderr, `"example.org" is not a CIDR network`) {
		t.Errorf("serve --metrics-allow example.org: %v, stderr %q", err, stderr)
	}
}
