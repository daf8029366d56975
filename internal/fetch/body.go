package fetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// exchangeResult is one HTTP request and its answer.
type exchangeResult struct {
	resp *http.Response // its Body is closed; read body instead
	body []byte         // the decoded body of a 2xx answer, nil otherwise
	raw  int64          // body bytes received, before decompression
}

// exchange sends one GET for u with hc and reads a 2xx body of at most
// limit bytes (before and after decompression). Past the limit it fails
// with KindTooLarge, or, if truncate, keeps the first limit bytes. Other
// statuses are returned with no body for the caller to judge.
func (c *Client) exchange(ctx context.Context, hc *http.Client, u *url.URL, r Request, limit int64, truncate bool) (*exchangeResult, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{URL: u.String(), Kind: KindInvalidURL, Err: err, Reason: "not a valid URL: " + innermost(err)}
	}
	accept := r.Accept
	if accept == "" {
		accept = "*/*"
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}

	resp, err := hc.Do(req)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) { // from CheckRedirect
			return nil, fe
		}
		return nil, transportError(ctx, u, err, c)
	}
	defer resp.Body.Close()
	ex := &exchangeResult{resp: resp}
	final := resp.Request.URL // differs from u only after robotsHTTP's redirects
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Read a little so the connection can be reused; the rest is
		// dropped with it.
		n, _ := io.CopyN(io.Discard, resp.Body, 4<<10) // a failed drain only costs the connection
		ex.raw = n
		return ex, nil
	}
	if resp.ContentLength > limit && !truncate {
		return ex, tooLargeError(final, limit, false)
	}
	body, raw, err := readBody(resp.Body, resp.Header.Get("Content-Encoding"), limit)
	ex.raw = raw
	var tooLarge *sizeError
	switch {
	case errors.As(err, &tooLarge) && truncate:
		ex.body = body[:min(int64(len(body)), limit)]
	case errors.As(err, &tooLarge):
		return ex, tooLargeError(final, limit, tooLarge.decoded)
	case err != nil:
		var netErr *networkError
		if errors.As(err, &netErr) {
			return ex, transportError(ctx, final, netErr.err, c)
		}
		return ex, &Error{URL: final.String(), Kind: KindBadResponse, Err: err,
			Reason: fmt.Sprintf("the response body could not be decoded: %s", innermost(err))}
	default:
		ex.body = body
	}
	return ex, nil
}

// sizeError says a body passed its limit, before or after decoding.
type sizeError struct{ decoded bool }

func (e *sizeError) Error() string {
	if e.decoded {
		return "body too large after decompression"
	}
	return "body too large"
}

// networkError marks a failure reading from the connection, as opposed to
// decoding what was read.
type networkError struct{ err error }

func (e *networkError) Error() string { return e.err.Error() }
func (e *networkError) Unwrap() error { return e.err }

// countingReader counts the bytes read through it and remembers a read
// error, so that a decoder's failure can be told from the network's.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (cr *countingReader) Read(p []byte) (int, error) {
	n, err := cr.r.Read(p)
	cr.n += int64(n)
	if err != nil && err != io.EOF {
		cr.err = err
	}
	return n, err
}

// maxCodings bounds the Content-Encoding layers undone, so a header listing
// gzip a thousand times cannot pile up a thousand decompressors.
const maxCodings = 3

// readBody reads body, undoing contentEncoding (gzip, deflate, or a list of
// them), and fails with *sizeError if either the received or the decoded
// bytes pass limit; the decoded bytes read so far (up to limit+1) are
// returned with it. raw is the number of bytes received.
func readBody(body io.Reader, contentEncoding string, limit int64) (data []byte, raw int64, err error) {
	cr := &countingReader{r: io.LimitReader(body, limit+1)}
	var r io.Reader = cr
	var codings []string
	for _, c := range strings.Split(contentEncoding, ",") {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
			codings = append(codings, c)
		}
	}
	if len(codings) > maxCodings {
		return nil, 0, fmt.Errorf("content encoded %d times", len(codings))
	}
	for i := len(codings) - 1; i >= 0 && err == nil; i-- {
		r, err = decoder(codings[i], r)
	}
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(r, limit+1))
	}
	switch {
	case cr.n > limit:
		return data, cr.n, &sizeError{decoded: false}
	case cr.err != nil:
		return data, cr.n, &networkError{err: cr.err}
	case err != nil:
		return data, cr.n, err
	case int64(len(data)) > limit:
		return data, cr.n, &sizeError{decoded: len(codings) > 0}
	}
	return data, cr.n, nil
}

// decoder undoes one content coding. A coding Herald did not ask for
// (br, zstd) is an error rather than garbage passed on.
func decoder(coding string, r io.Reader) (io.Reader, error) {
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	case "deflate":
		// "deflate" is meant to be zlib-wrapped (RFC 9110), but many
		// servers send raw deflate; the zlib header tells them apart.
		br := bufio.NewReader(r)
		if head, _ := br.Peek(2); isZlibHeader(head) { // a short peek is judged as raw deflate
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("deflate: %w", err)
			}
			return zr, nil
		}
		return flate.NewReader(br), nil
	}
	return nil, fmt.Errorf("unsupported Content-Encoding %q", coding)
}

// isZlibHeader reports whether b starts a zlib stream (RFC 1950): method 8
// (deflate), window at most 32 KB, and a header checksum divisible by 31.
func isZlibHeader(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	return b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}
