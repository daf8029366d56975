package web

import (
	"bytes"
	"compress/gzip"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// page is a rendered response, kept ready to send: its bytes as they are
// and gzip-compressed, so no request pays for rendering or compression.
type page struct {
	status      int
	contentType string
	body        []byte
	gzipped     []byte // nil when compressing did not make it smaller
	etag        string
	expires     time.Time // zero: until the store changes
	location    string    // for a redirect
}

// newPage compresses body once and computes its ETag.
func newPage(status int, contentType string, body []byte) *page {
	p := &page{status: status, contentType: contentType, body: body}
	h := fnv.New64a()
	h.Write(body)
	p.etag = `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
	if len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			p.gzipped = buf.Bytes()
		}
	}
	return p
}

// redirectPage sends the client to another address on the site.
func redirectPage(location string) *page {
	p := newPage(http.StatusMovedPermanently, "text/plain; charset=utf-8", []byte("Moved to "+location+"\n"))
	p.location = location
	return p
}

func (p *page) size() int { return len(p.body) + len(p.gzipped) + 128 }

// pageCache holds rendered pages by request URI. Everything in it is
// dropped when the store's version moves on, which happens whenever
// anything a page might show has changed.
type pageCache struct {
	mu       sync.RWMutex
	pages    map[string]*page // mu guards pages, bytes and version
	bytes    int
	version  int64
	maxBytes int
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{pages: map[string]*page{}, maxBytes: maxBytes}
}

// get returns the cached page for key, if there is one still fresh, and
// the version of the store the cache currently reflects.
func (c *pageCache) get(key string, now time.Time) (*page, int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p := c.pages[key]
	if p != nil && !p.expires.IsZero() && now.After(p.expires) {
		p = nil
	}
	return p, c.version
}

// put stores p under key if the store has not changed since version, the
// version seen before p was rendered: a page rendered from older data
// must not outlive the change that made it old.
func (c *pageCache) put(key string, p *page, version int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return
	}
	if old := c.pages[key]; old != nil {
		c.bytes -= old.size()
	}
	if c.bytes+p.size() > c.maxBytes {
		// Rare on a news site, where readers crowd onto few pages:
		// starting afresh is simpler than tracking use, and as fast.
		clear(c.pages)
		c.bytes = 0
	}
	c.pages[key] = p
	c.bytes += p.size()
}

// setVersion records the store's version, dropping every page when it
// differs from the one the cache holds.
func (c *pageCache) setVersion(v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v == c.version {
		return
	}
	c.version = v
	clear(c.pages)
	c.bytes = 0
}
