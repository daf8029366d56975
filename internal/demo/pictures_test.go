package demo

import (
	"bytes"
	"crypto/sha256"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/syndication"
)

// get asks o for rawURL as a client of the outlet's site would.
func get(t *testing.T, o http.Handler, rawURL string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest("GET", rawURL, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	o.ServeHTTP(w, r)
	return w.Result()
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pictureRE finds the picture addresses a feed or page names, in
// attributes, srcsets, JSON and text alike.
var pictureRE = regexp.MustCompile(`http://www\.[a-z]+\.example/[^"'\s<>,\\]+\.(?:jpg|png)`)

// named is what the outlets' feeds and pages name: each picture's
// address and the hosts of the outlets whose articles name it.
func named(t *testing.T, o *Origin) map[string]map[string]bool {
	t.Helper()
	found := map[string]map[string]bool{}
	note := func(host string, body []byte) {
		for _, u := range pictureRE.FindAll(body, -1) {
			if found[string(u)] == nil {
				found[string(u)] = map[string]bool{}
			}
			found[string(u)][host] = true
		}
	}
	for _, info := range o.Outlets() {
		host := strings.TrimSuffix(strings.TrimPrefix(info.Homepage, "http://"), "/")
		resp := get(t, o, info.FeedURL)
		feed := readAll(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", info.FeedURL, resp.Status)
		}
		note(host, feed)
		// Herald's own feed reader finds a lead picture in every item.
		f, err := syndication.Parse(feed, info.FeedURL)
		if err != nil {
			t.Fatalf("%s: %v", info.FeedURL, err)
		}
		for _, it := range f.Items {
			if !pictureRE.MatchString(it.Image) {
				t.Errorf("%s: item %s has no picture (%q)", info.FeedURL, it.URL, it.Image)
			}
		}
		for _, a := range o.outlets[host].Articles {
			resp := get(t, o, o.outlets[host].localURL(a))
			page := readAll(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %s", a.path, resp.Status)
			}
			note(host, page)
		}
	}
	return found
}

func mustOrigin(t *testing.T) *Origin {
	t.Helper()
	o, err := NewOrigin(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// shrink draws o's pictures at a third of their size: drawing, encoding
// and decoding every one at full size takes minutes under the race
// detector. TestPictureFullSize checks the sizes the demo serves.
func shrink(o *Origin) {
	for _, p := range o.pictures {
		p.w, p.h = p.w/3, p.h/3
	}
}

func TestPictures(t *testing.T) {
	o := mustOrigin(t)
	shrink(o)
	found := named(t, o)
	if len(found) < 40 {
		t.Errorf("the outlets name %d pictures, want 40 or more", len(found))
	}
	var urls []string
	for u := range found {
		urls = append(urls, u)
	}
	sort.Strings(urls)

	decoded := map[[32]byte]bool{}
	servedAt := map[[32]byte]map[string]bool{} // hosts serving the same bytes
	var oversized, missing int
	for _, raw := range urls {
		u, _ := url.Parse(raw)
		resp := get(t, o, raw)
		body := readAll(t, resp)
		switch {
		case u.Host == missingHost && u.Path == missingPath:
			missing++
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %s, want 404", raw, resp.Status)
			}
			continue
		case resp.StatusCode != 200:
			t.Errorf("%s: %s", raw, resp.Status)
			continue
		}
		ct := resp.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, "image/") {
			t.Errorf("%s: Content-Type %q", raw, ct)
		}
		if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
			t.Errorf("%s: no ETag or Last-Modified", raw)
		}
		info, err := media.Probe(body)
		if err != nil {
			t.Errorf("%s: probe: %v", raw, err)
			continue
		}
		if string(info.Format.ContentType()) != ct {
			t.Errorf("%s: served as %s, is %s", raw, ct, info.Format)
		}
		if u.Host == oversizedHost && u.Path == oversizedPath {
			oversized++
			err := media.Config{}.Check(info)
			if media.ReasonOf(err) != media.ReasonTooLarge {
				t.Errorf("%s (%d×%d, %d bytes): check = %v, want %s", raw, info.Width, info.Height, len(body), err, media.ReasonTooLarge)
			}
			if len(body) > 1024 {
				t.Errorf("%s: %d bytes; the header is enough", raw, len(body))
			}
			continue
		}
		if err := (media.Config{}).Check(info); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
		sum := sha256.Sum256(body)
		if servedAt[sum] == nil {
			servedAt[sum] = map[string]bool{}
		}
		servedAt[sum][u.Host] = true
		if decoded[sum] {
			continue
		}
		decoded[sum] = true
		m, _, err := image.Decode(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if b := m.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height || b.Dx() < 200 {
			t.Errorf("%s: %v, header says %d×%d", raw, b, info.Width, info.Height)
		}
	}
	if oversized != 1 || missing != 1 {
		t.Errorf("named %d oversized and %d missing pictures, want one of each", oversized, missing)
	}

	t.Run("WireShared", func(t *testing.T) {
		sameURL, sameBytes := 0, 0
		for _, hosts := range found {
			if len(hosts) >= 2 {
				sameURL++
			}
		}
		for _, hosts := range servedAt {
			if len(hosts) >= 2 {
				sameBytes++
			}
		}
		if sameURL == 0 || sameBytes == 0 {
			t.Errorf("%d pictures named by two outlets or more, %d served by two or more; want a wire photo of each kind", sameURL, sameBytes)
		}
	})
}

// TestPictureBodyFigures checks that full-licence outlets carry pictures
// within the text, with a caption and a credit, in their feeds.
func TestPictureBodyFigures(t *testing.T) {
	o := mustOrigin(t)
	n := 0
	for _, out := range o.outlets {
		for _, a := range out.Articles {
			if len(a.figures) == 0 {
				continue
			}
			n++
			if out.Licence != "full" {
				t.Errorf("%s: figures in an outlet whose feed has no bodies", a.URL)
			}
			if !strings.Contains(a.body, "<figcaption>") || !strings.Contains(a.body, `class="credit">Photo: `) {
				t.Errorf("%s: figure without caption or credit:\n%s", a.URL, a.body)
			}
			var feed bytes.Buffer
			resp := get(t, o, out.Homepage+out.feedPath())
			feed.ReadFrom(resp.Body)
			if !strings.Contains(feed.String(), a.figures[0].URL()) {
				t.Errorf("%s: the feed does not carry the figure %s", a.URL, a.figures[0].URL())
			}
		}
	}
	if n < 2 {
		t.Errorf("%d articles with figures, want 2 or more", n)
	}
}

// TestPictureFullSize draws the wire photo shared by several outlets at
// the size the demo serves it.
func TestPictureFullSize(t *testing.T) {
	o := mustOrigin(t)
	var shared []*picture
	for _, p := range o.pictures {
		if p.same != nil {
			shared = append(shared, p, p.same)
			break
		}
	}
	if len(shared) == 0 {
		t.Fatal("no outlet carries a copy of a wire photo")
	}
	var first []byte
	for _, p := range shared {
		resp := get(t, o, p.URL())
		body := readAll(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("%s: %s, %s", p.URL(), resp.Status, resp.Header.Get("Content-Type"))
		}
		if first == nil {
			first = body
			cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
			if err != nil || format != "jpeg" || cfg.Width != 1600 || cfg.Height != 900 {
				t.Errorf("%s: %s %d×%d, %v; want a 1600×900 JPEG", p.URL(), format, cfg.Width, cfg.Height, err)
			}
			if len(body) < 100<<10 {
				t.Errorf("%s: %d bytes, want a photograph's hundreds of KB", p.URL(), len(body))
			}
			if _, _, err := image.Decode(bytes.NewReader(body)); err != nil {
				t.Error(err)
			}
		} else if !bytes.Equal(body, first) {
			t.Errorf("%s and %s differ; the outlet copied the wire's photo", shared[0].URL(), p.URL())
		}
	}
}

func TestPictureConditional(t *testing.T) {
	o := mustOrigin(t)
	var p *picture
	for _, q := range o.pictures {
		if !q.bomb && (p == nil || q.path < p.path) && q.small != nil {
			p = q
		}
	}
	p = p.small // the smallest to draw
	first := get(t, o, p.URL())
	if first.StatusCode != 200 {
		t.Fatal(first.Status)
	}
	etag := first.Header.Get("ETag")
	if resp := get(t, o, p.URL(), "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %s, want 304", etag, resp.Status)
	}
	// The same world draws the same bytes.
	again := get(t, mustOrigin(t), p.URL())
	if again.Header.Get("ETag") != etag {
		t.Errorf("a second origin's ETag is %s, want %s", again.Header.Get("ETag"), etag)
	}
}
