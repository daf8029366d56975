package web

import (
	"cmp"
	"container/list"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/herald-news/herald"
)

// Pictures are served at /media/{hash}/{file}, where hash is the SHA-256
// of the original and file names a variant: "{width}.jpg" or
// "{width}.png" for a width variant, "card.jpg" (or "card.png") for the
// social card, the extension being the variant's own type. The bytes of an
// address never change, so they are cached for a year by anyone, and an
// address that names no variant is the site's ordinary 404.
//
// The bytes are compressed already, so they are sent as they are, never
// gzipped, and kept out of the page cache, whose memory is for pages.
// They have a small cache of their own (mediaCacheBytes, the variants
// served last), because reading a variant from SQLite for every request
// served a quarter of what a bare net/http server sends from memory
// (docs/BENCHMARKS.md). A variant's bytes never change, so the cache is
// never dropped; a variant pruned from the store meanwhile is served until
// it is evicted, which shows nobody anything new.

// mediaCacheControl lets browsers and proxies keep a variant for good.
const mediaCacheControl = "public, max-age=31536000, immutable"

// mediaCacheBytes bounds the memory of the variants kept in memory: at
// the 30 to 120 kB a variant holds, a few hundred of the pictures read
// most.
const mediaCacheBytes = 32 << 20

// mediaHandler serves the variants of pictures, through its cache.
type mediaHandler struct {
	s     *Server
	cache *variantCache
}

// media returns the handler of /media/{hash}/{file}, with a cache of its
// own.
func (s *Server) media() http.Handler {
	return &mediaHandler{s: s, cache: newVariantCache(mediaCacheBytes)}
}

// ServeHTTP serves one variant of a picture.
func (m *mediaHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hash, file := r.PathValue("hash"), r.PathValue("file")
	width, card, ext, ok := parseMediaFile(file)
	if !ok || !herald.ValidMediaHash(hash) {
		m.s.handleNotFound(w, r)
		return
	}
	key := hash + "/" + file
	v := m.cache.get(key)
	if v == nil {
		// The card is asked for with width 0: a picture has one card,
		// and its address does not say its width.
		var err error
		if v, err = m.s.Store.FindMediaVariant(r.Context(), hash, width, card); err != nil {
			m.s.error(w, r, err)
			return
		}
		if mediaExt(v.ContentType) != ext {
			m.s.handleNotFound(w, r) // one address per variant: its own type's
			return
		}
		m.cache.put(key, v)
	}
	etag := `"` + hash + "-" + strings.TrimSuffix(file, ext) + `"`
	h := w.Header()
	h.Set("Content-Type", v.ContentType)
	h.Set("Cache-Control", mediaCacheControl)
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(v.Data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(v.Data)
	}
}

// variantCache keeps the variants served last, up to a number of bytes,
// and drops the least recently served first.
type variantCache struct {
	mu       sync.Mutex
	order    *list.List               // of *variantEntry, the latest served first; mu guards order, byKey and bytes
	byKey    map[string]*list.Element // by hash/file
	bytes    int
	maxBytes int
}

type variantEntry struct {
	key string
	v   *herald.MediaVariant
}

func newVariantCache(maxBytes int) *variantCache {
	return &variantCache{order: list.New(), byKey: map[string]*list.Element{}, maxBytes: maxBytes}
}

// get returns the variant kept under key, or nil.
func (c *variantCache) get(key string) *herald.MediaVariant {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*variantEntry).v
}

// put keeps v under key, evicting the least recently served variants to
// make room. A variant over an eighth of the cache is not kept, so that
// one large picture cannot empty it.
func (c *variantCache) put(key string, v *herald.MediaVariant) {
	size := variantSize(key, v)
	if size > c.maxBytes/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&variantEntry{key: key, v: v})
	c.bytes += size
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		e := last.Value.(*variantEntry)
		c.order.Remove(last)
		delete(c.byKey, e.key)
		c.bytes -= variantSize(e.key, e.v)
	}
}

func variantSize(key string, v *herald.MediaVariant) int { return len(v.Data) + len(key) + 128 }

// parseMediaFile reads the file part of a media address: a width of 1
// to herald.MaxMediaSide written without leading zeros, or "card", then
// ".jpg" or ".png".
func parseMediaFile(file string) (width int, card bool, ext string, ok bool) {
	name, ext, found := strings.Cut(file, ".")
	if !found || (ext != "jpg" && ext != "png") {
		return 0, false, "", false
	}
	ext = "." + ext
	if name == "card" {
		return 0, true, ext, true
	}
	if name == "" || name[0] == '0' || len(name) > len(strconv.Itoa(herald.MaxMediaSide)) || strings.Trim(name, "0123456789") != "" {
		return 0, false, "", false
	}
	width, err := strconv.Atoi(name)
	if err != nil || width > herald.MaxMediaSide {
		return 0, false, "", false
	}
	return width, false, ext, true
}

// mediaExt is the extension of a variant of type contentType.
func mediaExt(contentType string) string {
	if contentType == herald.VariantPNG {
		return ".png"
	}
	return ".jpg"
}

// etagMatches reports whether an If-None-Match header names etag, by the
// weak comparison RFC 9110 asks for there ("*" matches anything).
func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

// mediaURL returns the address on this site of variant v of the picture
// hash: the src of an img element.
func mediaURL(hash string, v herald.MediaVariant) string {
	if v.Card {
		return "/media/" + hash + "/card" + mediaExt(v.ContentType)
	}
	return "/media/" + hash + "/" + strconv.Itoa(v.Width) + mediaExt(v.ContentType)
}

// mediaSrcset returns the srcset attribute of a stored picture: each
// width variant's address and width, narrowest first, the social card
// left out ("/media/…/320.jpg 320w, /media/…/640.jpg 640w"); "" for a
// picture that is not stored.
func mediaSrcset(im herald.ArticleImage) string {
	if im.Status != herald.ImageStored || im.Hash == "" {
		return ""
	}
	var widths []herald.MediaVariant
	for _, v := range im.Variants {
		if !v.Card {
			widths = append(widths, v)
		}
	}
	slices.SortFunc(widths, func(a, b herald.MediaVariant) int { return cmp.Compare(a.Width, b.Width) })
	parts := make([]string, len(widths))
	for i, v := range widths {
		parts[i] = mediaURL(im.Hash, v) + " " + strconv.Itoa(v.Width) + "w"
	}
	return strings.Join(parts, ", ")
}
