package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// newMediaSite serves a real SQLite store holding one stored picture,
// storetest.NewMedia(1): a 320-pixel JPEG, a 640-pixel PNG and a JPEG
// card.
func newMediaSite(t *testing.T) (*Server, *httptest.Server, *herald.Media) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := storetest.NewArticle(1, "Outlet")
	if _, err := store.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	const addr = "https://img.example/1.jpg"
	if err := store.SetArticleImages(ctx, a.ID, []herald.ArticleImage{{Role: herald.RoleLead, SourceURL: addr}}); err != nil {
		t.Fatal(err)
	}
	m := storetest.NewMedia(1)
	if err := store.RecordImageResult(ctx, herald.ImageResult{SourceURL: addr, Status: herald.ImageStored, Media: m}); err != nil {
		t.Fatal(err)
	}
	s, err := New(store, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{BaseURL: "https://news.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv, m
}

func mediaRequest(t *testing.T, method, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	// The transport would ask for gzip and undo it unseen: ask for it
	// here so that a gzipped answer shows.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestMedia(t *testing.T) {
	s, srv, m := newMediaSite(t)
	base := srv.URL + "/media/" + m.Hash + "/"

	t.Run("Variants", func(t *testing.T) {
		for file, v := range map[string]herald.MediaVariant{"320.jpg": m.Variants[0], "640.png": m.Variants[1]} {
			resp, body := mediaRequest(t, http.MethodGet, base+file, nil)
			h := resp.Header
			want := map[string]string{
				"Content-Type":           v.ContentType,
				"Cache-Control":          "public, max-age=31536000, immutable",
				"ETag":                   `"` + m.Hash + "-" + strings.TrimSuffix(strings.TrimSuffix(file, ".jpg"), ".png") + `"`,
				"X-Content-Type-Options": "nosniff",
				"Content-Encoding":       "",
				"Set-Cookie":             "",
				"Vary":                   "",
			}
			for k, w := range want {
				if got := h.Get(k); got != w {
					t.Errorf("%s: %s = %q, want %q", file, k, got, w)
				}
			}
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, v.Data) {
				t.Errorf("%s: %d, %d bytes; want 200 and the %d bytes stored", file, resp.StatusCode, len(body), len(v.Data))
			}
		}
	})
	t.Run("Card", func(t *testing.T) {
		resp, body := mediaRequest(t, http.MethodGet, base+"card.jpg", nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, m.Variants[2].Data) || resp.Header.Get("ETag") != `"`+m.Hash+`-card"` {
			t.Errorf("card.jpg: %d, %d bytes, ETag %s", resp.StatusCode, len(body), resp.Header.Get("ETag"))
		}
	})
	t.Run("Head", func(t *testing.T) {
		resp, body := mediaRequest(t, http.MethodHead, base+"320.jpg", nil)
		if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != int64(len(m.Variants[0].Data)) {
			t.Errorf("HEAD: %d, %d bytes, length %d", resp.StatusCode, len(body), resp.ContentLength)
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		etag := `"` + m.Hash + `-320"`
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			resp, body := mediaRequest(t, http.MethodGet, base+"320.jpg", http.Header{"If-None-Match": {inm}})
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != etag {
				t.Errorf("If-None-Match %s: %d, %d bytes, ETag %s; want 304", inm, resp.StatusCode, len(body), resp.Header.Get("ETag"))
			}
		}
		resp, _ := mediaRequest(t, http.MethodGet, base+"320.jpg", http.Header{"If-None-Match": {`"` + m.Hash + `-640"`}})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("another variant's ETag: %d, want 200", resp.StatusCode)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		other := storetest.NewMedia(2).Hash
		for _, path := range []string{
			m.Hash + "/640.jpg",  // the 640 variant is a PNG
			m.Hash + "/320.png",  // and the 320 a JPEG
			m.Hash + "/card.png", // and the card a JPEG
			m.Hash + "/480.jpg",  // no such width
			m.Hash + "/0320.jpg", m.Hash + "/+320.jpg", m.Hash + "/-320.jpg", m.Hash + "/320.0.jpg",
			m.Hash + "/99999999999999999999.jpg", m.Hash + "/0.jpg",
			m.Hash + "/320.gif", m.Hash + "/320", m.Hash + "/320.JPG", m.Hash + "/card", m.Hash + "/.jpg",
			m.Hash + "/320.jpg/more", m.Hash, m.Hash + "/",
			strings.ToUpper(m.Hash) + "/320.jpg", m.Hash[:63] + "/320.jpg", m.Hash + "0/320.jpg",
			other + "/320.jpg",
		} {
			resp, body := mediaRequest(t, http.MethodGet, srv.URL+"/media/"+path, nil)
			if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
				!bytes.Contains(body, []byte("Page not found")) {
				t.Errorf("/media/%s: %d %s, want the site's 404 page", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
	})
	t.Run("OtherMethods", func(t *testing.T) {
		resp, _ := mediaRequest(t, http.MethodPost, base+"320.jpg", nil)
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST: %d, want 405", resp.StatusCode)
		}
	})
	t.Run("ServedFromMemory", func(t *testing.T) {
		// Served already, the 320 is kept: a bare server's speed needs it.
		ctx := context.Background()
		list, _, err := s.Store.FindArticles(ctx, herald.ArticleFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("FindArticles: %d, %v", len(list), err)
		}
		if err := s.Store.SetArticleImages(ctx, list[0].ID, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Store.PruneMedia(ctx); err != nil || n != 1 {
			t.Fatalf("PruneMedia = %d, %v", n, err)
		}
		resp, body := mediaRequest(t, http.MethodGet, base+"320.jpg", nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, m.Variants[0].Data) {
			t.Errorf("320.jpg again: %d, %d bytes", resp.StatusCode, len(body))
		}
	})
	t.Run("NotInThePageCache", func(t *testing.T) {
		s.cache.mu.RLock()
		defer s.cache.mu.RUnlock()
		if len(s.cache.pages) != 0 {
			t.Errorf("the page cache holds %d entries after serving pictures", len(s.cache.pages))
		}
	})
}

func TestMediaSrcset(t *testing.T) {
	hash := storetest.NewMedia(1).Hash
	im := herald.ArticleImage{Status: herald.ImageStored, Hash: hash, Variants: []herald.MediaVariant{
		{Width: 1024, ContentType: herald.VariantJPEG},
		{Width: 1200, ContentType: herald.VariantJPEG, Card: true},
		{Width: 320, ContentType: herald.VariantPNG},
		{Width: 640, ContentType: herald.VariantJPEG},
	}}
	want := "/media/" + hash + "/320.png 320w, /media/" + hash + "/640.jpg 640w, /media/" + hash + "/1024.jpg 1024w"
	if got := mediaSrcset(im); got != want {
		t.Errorf("mediaSrcset = %q\nwant %q", got, want)
	}
	if got := mediaURL(hash, im.Variants[1]); got != "/media/"+hash+"/card.jpg" {
		t.Errorf("card URL %q", got)
	}
	for _, st := range []herald.ImageStatus{herald.ImagePending, herald.ImageFailed, herald.ImageRefused} {
		im.Status = st
		if got := mediaSrcset(im); got != "" {
			t.Errorf("%s picture: srcset %q, want none", st, got)
		}
	}
}

func TestVariantCache(t *testing.T) {
	v := func(n int) *herald.MediaVariant { return &herald.MediaVariant{Data: make([]byte, n)} }
	size := variantSize("k0", v(1000))
	c := newVariantCache(8 * size) // room for 8 variants of 1000 bytes
	for i := range 8 {
		c.put("k"+string(rune('0'+i)), v(1000))
	}
	c.get("k0") // served last, so kept
	c.put("k8", v(1000))
	if c.get("k1") != nil || c.get("k0") == nil || c.get("k8") == nil || c.bytes > c.maxBytes {
		t.Errorf("after one eviction: k1 %v, k0 %v, k8 %v, %d of %d bytes; want k1 evicted",
			c.get("k1") != nil, c.get("k0") != nil, c.get("k8") != nil, c.bytes, c.maxBytes)
	}
	c.put("big", v(2*size))
	if c.get("big") != nil {
		t.Error("a variant over an eighth of the cache was kept")
	}
}
