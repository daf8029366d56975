// Package fetch is how Herald reads the web: every feed, sitemap, robots.txt
// and article page comes through a *Client, which is polite and safe by
// default.
//
// Polite: requests name Herald in their User-Agent, obey robots.txt (cached
// per origin), go one at a time to each host with a pause between them, and
// are conditional when the caller knows the previous ETag or Last-Modified.
//
// Safe: only http and https URLs without credentials; no connection to
// loopback, private, link-local or other non-public addresses (checked on
// the resolved address at connect time, so redirects and DNS changes cannot
// get round it), save the exact addresses the caller maps host names to in
// Config.HostAddrs; at most five redirects; time and size limits, the size
// limit applied after decompression too.
//
// The package also turns text bodies into UTF-8 from whatever charset the
// server or the document declares, and reports every failure as an *Error
// whose Reason an editor can read.
package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Config sets up a Client. The zero value of each field means its default.
type Config struct {
	// UserAgent is sent with every request; robots.txt rules are matched
	// against its first word ("Herald"). Default: DefaultUserAgent.
	UserAgent string
	// HostDelay is the pause between the end of one request to a host and
	// the start of the next. Default 1 s; negative means no pause.
	HostDelay time.Duration
	// ConnectTimeout bounds connecting, including the TLS handshake.
	// Default 10 s.
	ConnectTimeout time.Duration
	// Timeout bounds one HTTP exchange: connecting, sending, waiting and
	// reading the whole body. Time spent waiting for the host's turn is not
	// counted; the caller's context bounds that. Default 30 s.
	Timeout time.Duration
	// MaxBody is the largest body accepted, before and after
	// decompression. Default 10 MB.
	MaxBody int64
	// MaxRedirects is how many redirects one Get follows. Default 5;
	// negative means none.
	MaxRedirects int
	// AllowPrivateNetworks turns off the guard against non-public
	// addresses, for intranet sources, tests and the demo.
	AllowPrivateNetworks bool
	// RobotsTTL is how long a robots.txt is trusted before it is read
	// again. Default 6 h.
	RobotsTTL time.Duration
	// Observe, if set, is called once at the end of every Get, from the
	// caller's goroutine: it should be quick.
	Observe func(Observation)
	// HostAddrs maps host names to the address to connect to instead of
	// looking them up ("127.0.0.1:8080", or an IP without a port to keep
	// the URL's), like curl --resolve: for the demo world and tests. An
	// entry with an IP and a port is trusted: connecting to exactly that
	// address, for exactly that host name, passes the guard even though
	// it is loopback, so the demo's own outlets can be followed while
	// every other host, and a redirect from a mapped host to any address
	// not mapped, stays guarded. An entry without a port, or naming a
	// host rather than an IP, is still checked by the guard.
	HostAddrs map[string]string
	// MappedHostDelay, if not zero, is the pause used instead of
	// HostDelay for the hosts in HostAddrs, so that outlets served by this
	// process can be read quickly while real sites get the usual pause.
	// Negative means no pause.
	MappedHostDelay time.Duration
}

// DefaultUserAgent is the User-Agent sent when Config.UserAgent is empty.
const DefaultUserAgent = "Herald/0.1 (+https://github.com/herald-news/herald)"

// withDefaults fills in the zero fields of cfg.
func (cfg Config) withDefaults() Config {
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	switch {
	case cfg.HostDelay == 0:
		cfg.HostDelay = time.Second
	case cfg.HostDelay < 0:
		cfg.HostDelay = 0
	}
	switch {
	case cfg.MappedHostDelay == 0:
		cfg.MappedHostDelay = cfg.HostDelay
	case cfg.MappedHostDelay < 0:
		cfg.MappedHostDelay = 0
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 10 << 20
	}
	switch {
	case cfg.MaxRedirects == 0:
		cfg.MaxRedirects = 5
	case cfg.MaxRedirects < 0:
		cfg.MaxRedirects = 0
	}
	if cfg.RobotsTTL <= 0 {
		cfg.RobotsTTL = 6 * time.Hour
	}
	return cfg
}

// Observation describes one finished Get, for metrics.
type Observation struct {
	Host      string        // host name of the requested URL
	Status    int           // HTTP status of the last response, 0 if there was none
	ErrorKind string        // the Error's Kind, "" on success
	Duration  time.Duration // the whole Get, including Wait
	Wait      time.Duration // time spent waiting for hosts' turns and pauses
	Bytes     int64         // body bytes received, before decompression, over all requests
}

// Request is one thing to fetch.
type Request struct {
	URL string
	// ETag and LastModified come from the previous successful fetch of URL
	// (Response.ETag and Response.LastModified); when set, the request is
	// conditional and an unchanged resource gives NotModified.
	ETag, LastModified string
	// Accept is sent as the Accept header; default "*/*".
	Accept string
	// MaxBody, when positive, is the largest body accepted for this
	// request, in place of Config.MaxBody: pictures have a cap of their
	// own, above that of pages and feeds.
	MaxBody int64
	// Raw keeps the body as received (decompressed), whatever its
	// Content-Type: a text type is not decoded to UTF-8. For pictures,
	// whose bytes, not the server's word, decide what they are: a JPEG
	// served as text/plain would be mangled by the decoding.
	Raw bool
}

// Response is a successful fetch.
type Response struct {
	URL         string      // the final URL, after redirects
	Status      int         // 2xx, or 304 with NotModified
	Header      http.Header // the final response's header, less Content-Encoding and Content-Length
	ContentType string      // media type only, lower case ("text/html"); sniffed if the server sent none or application/octet-stream
	Charset     string      // the charset Body was decoded from ("windows-1251"), "" for non-text types and Raw
	Body        []byte      // UTF-8 for text types, as received (decompressed) otherwise; nil if NotModified
	// ETag and LastModified are the validators to send next time. On 304
	// they are the request's own unless the server sent new ones.
	ETag, LastModified string
	NotModified        bool // the server answered 304: nothing changed since ETag/LastModified
}

// Client fetches URLs for Herald. It is safe for concurrent use, and its
// politeness (one request at a time per host, HostDelay between them) holds
// across every goroutine using it, so one Client should serve the whole
// process.
type Client struct {
	cfg        Config
	agent      string       // the User-Agent's product token, for robots.txt
	http       *http.Client // follows no redirects: Get does, checking each
	robotsHTTP *http.Client // follows up to MaxRedirects for robots.txt
	hosts      *hostGate
	robots     *robotsCache

	// checkAddr is the guard the dialer applies to every address; tests
	// replace it to let one loopback address stand in for the internet.
	checkAddr func(netip.Addr) error
}

// New returns a Client configured by cfg.
func New(cfg Config) *Client {
	cfg = cfg.withDefaults()
	addrs := make(map[string]string, len(cfg.HostAddrs)) // a copy: the caller's map may change
	exact := make(map[string]netip.AddrPort)             // the entries the guard lets through
	delays := make(map[string]time.Duration, len(cfg.HostAddrs))
	for h, a := range cfg.HostAddrs {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		addrs[h] = a
		if ap, err := netip.ParseAddrPort(a); err == nil {
			exact[h] = ap
		}
		delays[h] = cfg.MappedHostDelay
	}
	cfg.HostAddrs = addrs
	c := &Client{
		cfg:       cfg,
		agent:     productToken(cfg.UserAgent),
		hosts:     newHostGate(cfg.HostDelay, delays),
		robots:    newRobotsCache(cfg.RobotsTTL),
		checkAddr: CheckAddr,
	}
	// dialer returns a dialer that lets through trusted, the one address a
	// HostAddrs entry names, and applies the guard to every other.
	dialer := func(trusted netip.AddrPort) *net.Dialer {
		d := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
		if !cfg.AllowPrivateNetworks {
			d.Control = control(trusted, func(ip netip.Addr) error { return c.checkAddr(ip) })
		}
		return d
	}
	guarded := dialer(netip.AddrPort{})
	dial := guarded.DialContext
	if len(addrs) > 0 {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			to, host := mapAddr(addrs, addr)
			if trusted, ok := exact[host]; ok {
				return dialer(trusted).DialContext(ctx, network, to)
			}
			return guarded.DialContext(ctx, network, to)
		}
	}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would make the guard check the proxy's address, not the origin's
		DialContext:            dial,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.ConnectTimeout,
		DisableCompression:     true, // Accept-Encoding is ours, so the size cap sees decoded bytes
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	c.http = &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.robotsHTTP = &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > cfg.MaxRedirects {
				return &Error{URL: req.URL.String(), Kind: KindRedirects,
					Reason: fmt.Sprintf("redirected more than %d times", cfg.MaxRedirects)}
			}
			if _, err := checkURL(req.URL); err != nil {
				return &Error{URL: req.URL.String(), Kind: KindRedirects, Reason: "redirected to a URL Herald cannot fetch"}
			}
			return nil
		},
	}
	return c
}

// mapAddr is where to connect for addr ("host:port") under Config.HostAddrs,
// and the mapped host name, "" if addr's host is not mapped.
func mapAddr(addrs map[string]string, addr string) (to, mapped string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, ""
	}
	to, ok := addrs[host]
	if !ok {
		return addr, ""
	}
	if _, _, err := net.SplitHostPort(to); err == nil {
		return to, host
	}
	return net.JoinHostPort(strings.Trim(to, "[]"), port), host
}

// productToken is the first word of a User-Agent, the name robots.txt
// groups are matched against.
func productToken(ua string) string {
	if i := strings.IndexAny(ua, "/ "); i >= 0 {
		ua = ua[:i]
	}
	if ua == "" {
		return "Herald"
	}
	return ua
}

// Get fetches r.URL, following redirects, and returns the response if its
// status is 2xx or 304. Any other outcome is an *Error. Get waits its turn
// for the host, which ctx can cut short.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	start := time.Now()
	var o Observation
	resp, err := c.get(ctx, r, &o)
	if c.cfg.Observe != nil {
		o.Duration = time.Since(start)
		var fe *Error
		if errors.As(err, &fe) {
			o.ErrorKind = string(fe.Kind)
		}
		c.cfg.Observe(o)
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// get is Get without the observation; it fills in o as it goes.
func (c *Client) get(ctx context.Context, r Request, o *Observation) (*Response, error) {
	u, err := parseURL(r.URL)
	if err != nil {
		return nil, err
	}
	o.Host = u.Hostname()

	var l *lease
	release := func() {
		o.Wait += l.waited
		l.release()
		l = nil
	}
	defer func() {
		if l != nil {
			release()
		}
	}()
	for redirects := 0; ; redirects++ {
		if l == nil || l.host != u.Hostname() {
			// One lease at a time: holding one host while waiting for
			// another could deadlock two Gets redirecting across them.
			if l != nil {
				release()
			}
			t := time.Now()
			l, err = c.hosts.acquire(ctx, u.Hostname())
			o.Wait += time.Since(t)
			if err != nil {
				return nil, canceledError(u, err)
			}
		}
		if err := c.checkRobots(ctx, l, u); err != nil {
			return nil, err
		}
		if err := l.wait(ctx); err != nil {
			return nil, canceledError(u, err)
		}
		ex, err := c.exchange(ctx, c.http, u, r, c.maxBody(r), false)
		l.done()
		if ex != nil {
			o.Status = ex.resp.StatusCode
			o.Bytes += ex.raw
		}
		if err != nil {
			return nil, err
		}

		switch status := ex.resp.StatusCode; {
		case status == http.StatusNotModified:
			return notModified(u, ex.resp, r), nil
		case status >= 200 && status < 300:
			return response(u, ex, r.Raw), nil
		case isRedirect(status):
			next, err := c.redirect(u, ex.resp, redirects)
			if err != nil {
				return nil, err
			}
			u = next
		default:
			return nil, statusError(u, ex.resp, time.Now())
		}
	}
}

// maxBody is the size cap of r's body.
func (c *Client) maxBody(r Request) int64 {
	if r.MaxBody > 0 {
		return r.MaxBody
	}
	return c.cfg.MaxBody
}

// isRedirect reports whether status is a redirect Get follows.
func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirect returns where resp, the answer to u, redirects to, having
// already followed done redirects.
func (c *Client) redirect(u *url.URL, resp *http.Response, done int) (*url.URL, error) {
	if done >= c.cfg.MaxRedirects {
		return nil, &Error{URL: u.String(), Kind: KindRedirects, Status: resp.StatusCode,
			Reason: fmt.Sprintf("too many redirects (more than %d)", c.cfg.MaxRedirects)}
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, &Error{URL: u.String(), Kind: KindRedirects, Status: resp.StatusCode,
			Reason: fmt.Sprintf("HTTP %d redirect without a Location", resp.StatusCode)}
	}
	next, err := u.Parse(loc)
	if err != nil {
		return nil, &Error{URL: u.String(), Kind: KindRedirects, Status: resp.StatusCode, Err: err,
			Reason: fmt.Sprintf("redirect to an invalid URL %q", loc)}
	}
	next, ferr := checkURL(next)
	if ferr != nil {
		ferr.Reason = fmt.Sprintf("redirect to %s refused: %s", next, ferr.Reason)
		return nil, ferr
	}
	return next, nil
}

// notModified is the Response for a 304.
func notModified(u *url.URL, resp *http.Response, r Request) *Response {
	out := &Response{
		URL:          u.String(),
		Status:       resp.StatusCode,
		Header:       resp.Header,
		ETag:         r.ETag,
		LastModified: r.LastModified,
		NotModified:  true,
	}
	if v := resp.Header.Get("ETag"); v != "" {
		out.ETag = v
	}
	if v := resp.Header.Get("Last-Modified"); v != "" {
		out.LastModified = v
	}
	return out
}

// response is the Response for a 2xx exchange; raw keeps a text body as
// received (see Request.Raw).
func response(u *url.URL, ex *exchangeResult, raw bool) *Response {
	h := ex.resp.Header.Clone()
	h.Del("Content-Encoding") // Body is decoded
	h.Del("Content-Length")
	out := &Response{
		URL:          u.String(),
		Status:       ex.resp.StatusCode,
		Header:       h,
		Body:         ex.body,
		ETag:         h.Get("ETag"),
		LastModified: h.Get("Last-Modified"),
	}
	contentType := h.Get("Content-Type")
	out.ContentType, _, _ = mime.ParseMediaType(contentType) // a media type even when a parameter is bad
	if out.ContentType == "" || out.ContentType == "application/octet-stream" {
		contentType = http.DetectContentType(ex.body)
		out.ContentType, _, _ = mime.ParseMediaType(contentType)
		contentType = out.ContentType // the sniffer's charset is a guess; decodeText makes its own
	}
	if isText(out.ContentType) && !raw {
		out.Body, out.Charset = decodeText(ex.body, contentType)
	}
	return out
}

// isText reports whether bodies of mediaType are text to decode to UTF-8.
func isText(mediaType string) bool {
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "+xml"),
		strings.HasSuffix(mediaType, "+json"),
		strings.HasSuffix(mediaType, "/xml"),
		strings.HasSuffix(mediaType, "/json"),
		mediaType == "application/javascript":
		return true
	}
	return false
}

// canceledError is the Error for a Get whose context ended while it waited.
func canceledError(u *url.URL, err error) *Error {
	return &Error{URL: u.String(), Kind: KindCanceled, Reason: "canceled: " + err.Error(), Err: err}
}
