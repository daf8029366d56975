package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Kind says what sort of failure an Error is, for metrics and for deciding
// what to do next. Its values are stable short words.
type Kind string

// The kinds of failure.
const (
	KindDNS            Kind = "dns"             // the host name did not resolve
	KindConnect        Kind = "connect"         // no connection, or it broke
	KindTLS            Kind = "tls"             // the TLS handshake failed
	KindTimeout        Kind = "timeout"         // Config.ConnectTimeout or Config.Timeout ran out
	KindStatus         Kind = "status"          // an HTTP status other than 2xx or 304
	KindRobots         Kind = "robots"          // robots.txt does not let Herald in
	KindTooLarge       Kind = "too_large"       // the body is larger than Config.MaxBody (or Request.MaxBody)
	KindBlockedAddress Kind = "blocked_address" // the SSRF guard refused the address
	KindRedirects      Kind = "redirects"       // too many redirects, or a broken one
	KindInvalidURL     Kind = "invalid_url"     // not an http(s) URL Herald may fetch
	KindBadResponse    Kind = "bad_response"    // a body that cannot be decoded
	KindCanceled       Kind = "canceled"        // the caller's context ended
)

// Error is how every failed Get reports itself. Reason is written for an
// editor looking at a source's status ("HTTP 404 Not Found", "robots.txt
// disallows /feed for Herald"); Err is the underlying cause, for logs and
// errors.Is.
type Error struct {
	URL        string        // the URL being fetched when it failed (after redirects)
	Kind       Kind          // what sort of failure
	Reason     string        // one sentence for an editor
	Status     int           // the HTTP status, for KindStatus
	RetryAfter time.Duration // how long the server or robots.txt asked us to wait, 0 if it did not say
	Err        error         // the cause, if there is one
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("fetch %s: %s", e.URL, e.Reason)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may succeed: timeouts,
// broken or refused connections, temporary DNS failures, HTTP 5xx, 408 and
// 429, and a robots.txt that is unavailable for now.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindTimeout, KindConnect:
		return true
	case KindStatus:
		return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
	case KindRobots:
		return e.RetryAfter > 0
	case KindDNS:
		var d *net.DNSError
		return errors.As(e.Err, &d) && (d.IsTimeout || d.IsTemporary) && !d.IsNotFound
	}
	return false
}

// errTimeout is the cause set on an exchange's context when Config.Timeout
// runs out, to tell it apart from the caller's own cancellation.
var errTimeout = errors.New("fetch timeout")

// transportError turns what net/http returned for a request to u into an
// *Error. ctx is the exchange's context (see errTimeout).
func transportError(ctx context.Context, u *url.URL, err error, c *Client) *Error {
	e := &Error{URL: u.String(), Err: err}
	host := u.Hostname()
	var (
		blocked *blockedError
		dnsErr  *net.DNSError
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		uerr    *url.Error
	)
	if errors.As(err, &uerr) {
		// net/http names the URL it failed on: for robots.txt that may be
		// the target of a redirect.
		if fu, perr := url.Parse(uerr.URL); perr == nil && fu.Hostname() != "" {
			host = fu.Hostname()
		}
	}
	switch {
	case errors.As(err, &blocked):
		e.Kind = KindBlockedAddress
		if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap() == blocked.addr.Unmap() {
			e.Reason = fmt.Sprintf("refused: %s is %s", host, blocked.class)
		} else {
			e.Reason = fmt.Sprintf("refused: %s resolves to %s, %s", host, blocked.addr, blocked.class)
		}
	case context.Cause(ctx) == errTimeout:
		e.Kind = KindTimeout
		e.Reason = fmt.Sprintf("timed out after %s", c.cfg.Timeout)
	case ctx.Err() != nil:
		e.Kind = KindCanceled
		e.Reason = "canceled: " + ctx.Err().Error()
		e.Err = ctx.Err()
	case errors.As(err, &dnsErr):
		e.Kind = KindDNS
		e.Reason = fmt.Sprintf("DNS lookup failed for %s: %s", host, dnsErr.Err)
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alert):
		e.Kind = KindTLS
		e.Reason = "TLS error: " + tlsReason(err, host)
	case isTimeout(err):
		e.Kind = KindTimeout
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			e.Reason = fmt.Sprintf("connecting to %s timed out after %s", host, c.cfg.ConnectTimeout)
		} else {
			e.Reason = fmt.Sprintf("%s timed out", host)
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = KindConnect
		e.Reason = fmt.Sprintf("connection refused by %s", host)
	case errors.Is(err, syscall.ECONNRESET):
		e.Kind = KindConnect
		e.Reason = fmt.Sprintf("connection reset by %s", host)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		e.Kind = KindConnect
		e.Reason = fmt.Sprintf("%s is unreachable from here", host)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.Kind = KindConnect
		e.Reason = fmt.Sprintf("%s closed the connection before the response was complete", host)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		e.Kind = KindConnect
		e.Reason = fmt.Sprintf("could not connect to %s: %s", host, opErr.Err)
	default:
		e.Kind = KindConnect
		e.Reason = fmt.Sprintf("request to %s failed: %s", host, innermost(err))
	}
	return e
}

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// innermost is the message of the deepest error in err's chain, which is
// where the useful words are once url.Error and net.OpError are peeled off.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// tlsReason says in plain words why a TLS handshake with host failed.
func tlsReason(err error, host string) string {
	var (
		invalid  x509.CertificateInvalidError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		recErr   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		if invalid.Cert != nil && time.Now().Before(invalid.Cert.NotBefore) {
			return "certificate not valid yet"
		}
		return "certificate expired"
	case errors.As(err, &invalid):
		return "invalid certificate: " + invalid.Error()
	case errors.As(err, &unknown):
		return "certificate signed by an unknown authority"
	case errors.As(err, &hostname):
		return fmt.Sprintf("certificate is not valid for %s", host)
	case errors.As(err, &recErr):
		return fmt.Sprintf("%s did not answer in TLS", host)
	case errors.As(err, &alert):
		return fmt.Sprintf("%s ended the handshake: %s", host, alert.Error())
	}
	return innermost(err)
}

// statusError is the Error for an HTTP status Herald cannot use.
func statusError(u *url.URL, resp *http.Response, now time.Time) *Error {
	e := &Error{URL: u.String(), Kind: KindStatus, Status: resp.StatusCode}
	e.Reason = fmt.Sprintf("HTTP %d", resp.StatusCode)
	if text := http.StatusText(resp.StatusCode); text != "" {
		e.Reason += " " + text
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), now)
		if e.RetryAfter > 0 {
			e.Reason += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
		}
	}
	return e
}

// tooLargeError is the Error for a body over limit bytes; decoded says
// whether the limit was passed only after decompression.
func tooLargeError(u *url.URL, limit int64, decoded bool) *Error {
	e := &Error{URL: u.String(), Kind: KindTooLarge, Reason: "response larger than " + formatSize(limit)}
	if decoded {
		e.Reason += " after decompression"
	}
	return e
}

// formatSize writes n bytes the way an editor would say it.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
