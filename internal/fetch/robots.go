package fetch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

const (
	// robotsMaxBody is how much of a robots.txt is read; RFC 9309 asks
	// crawlers to parse at least 500 KiB and lets them ignore the rest.
	robotsMaxBody = 512 << 10

	// robotsErrorTTL is how long a robots.txt that answered 5xx or 429
	// keeps its site closed before it is asked again (RFC 9309 §2.3.1.4:
	// assume complete disallow while the server errs).
	robotsErrorTTL = 10 * time.Minute
)

// robotsCache holds each origin's parsed robots.txt for a while.
type robotsCache struct {
	ttl time.Duration

	mu      sync.Mutex              // mu guards entries and pruneAt
	entries map[string]*robotsEntry // by scheme://host[:port]
	pruneAt int
}

// robotsEntry is what one origin's robots.txt said, until expires.
type robotsEntry struct {
	data    *robotstxt.RobotsData // nil while the file is unavailable: disallow all
	why     string                // for an editor, when data is nil
	expires time.Time
}

func newRobotsCache(ttl time.Duration) *robotsCache {
	return &robotsCache{ttl: ttl, entries: make(map[string]*robotsEntry), pruneAt: minPrune}
}

// get returns the entry for origin if it has not expired, and the expired
// one as stale otherwise (nil if there never was one).
func (rc *robotsCache) get(origin string, now time.Time) (fresh, stale *robotsEntry) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e := rc.entries[origin]
	if e != nil && now.Before(e.expires) {
		return e, nil
	}
	return nil, e
}

func (rc *robotsCache) put(origin string, e *robotsEntry, now time.Time) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.entries) >= rc.pruneAt {
		for k, old := range rc.entries {
			if !now.Before(old.expires) {
				delete(rc.entries, k)
			}
		}
		rc.pruneAt = max(minPrune, 2*len(rc.entries))
	}
	rc.entries[origin] = e
}

// checkRobots returns a KindRobots *Error if u's robots.txt does not let
// Herald fetch it, fetching robots.txt first (under l, the lease on u's
// host) if it is not cached.
func (c *Client) checkRobots(ctx context.Context, l *lease, u *url.URL) error {
	if u.EscapedPath() == "/robots.txt" {
		return nil
	}
	origin := u.Scheme + "://" + u.Host
	now := time.Now()
	e, stale := c.robots.get(origin, now)
	if e == nil {
		var err error
		if e, err = c.fetchRobots(ctx, l, u, stale); err != nil {
			var fe *Error
			if errors.As(err, &fe) {
				fe.URL = u.String() // the page being fetched; the Reason says what failed
			}
			return err
		}
		c.robots.put(origin, e, now)
	}
	if e.data == nil {
		return &Error{
			URL:        u.String(),
			Kind:       KindRobots,
			Reason:     fmt.Sprintf("%s; not fetching from %s for now", e.why, u.Hostname()),
			RetryAfter: max(time.Until(e.expires), time.Second),
		}
	}
	target := u.EscapedPath()
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	if target == "" {
		target = "/"
	}
	if !e.data.TestAgent(target, c.agent) {
		return &Error{
			URL:    u.String(),
			Kind:   KindRobots,
			Reason: fmt.Sprintf("robots.txt disallows %s for %s", target, c.agent),
		}
	}
	return nil
}

// fetchRobots reads robots.txt for u's origin. A 4xx (but 429), or
// redirects that cannot be followed, mean no rules; 5xx and 429 mean "keep
// out for robotsErrorTTL", or keep using the stale copy if there is one.
// Network failures are returned as they are, and not cached: the page
// itself would fail the same way.
func (c *Client) fetchRobots(ctx context.Context, l *lease, u *url.URL, stale *robotsEntry) (*robotsEntry, error) {
	ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	if err := l.wait(ctx); err != nil {
		return nil, canceledError(ru, err)
	}
	ex, err := c.exchange(ctx, c.robotsHTTP, ru, Request{Accept: "text/plain, */*;q=0.5"}, robotsMaxBody, true)
	l.done()
	now := time.Now()
	if err != nil {
		var fe *Error
		switch {
		case errors.As(err, &fe) && fe.Kind == KindRedirects:
			// RFC 9309 §2.3.1.2: a robots.txt behind too many or broken
			// redirects is unavailable, like a 404.
			return &robotsEntry{data: allowAll(), expires: now.Add(c.robots.ttl)}, nil
		case errors.As(err, &fe) && fe.Kind == KindBadResponse:
			fe.Reason = "robots.txt: " + fe.Reason // a garbled file may hide rules: no guessing
		}
		return nil, err
	}
	status := ex.resp.StatusCode
	switch {
	case status >= 200 && status < 300:
		return &robotsEntry{data: parseRobots(ex.body), expires: now.Add(c.robots.ttl)}, nil
	case status == http.StatusTooManyRequests || status >= 500:
		return c.unavailableRobots(stale, fmt.Sprintf("robots.txt answered HTTP %d", status), now), nil
	default:
		// 4xx: there is no robots.txt, and so no rule (RFC 9309 §2.3.1.3).
		// Other statuses are treated the same; a 3xx still here had no
		// Location to follow.
		return &robotsEntry{data: allowAll(), expires: now.Add(c.robots.ttl)}, nil
	}
}

// unavailableRobots is the entry for an origin whose robots.txt cannot be
// read right now: the last good copy for a while longer, or none.
func (c *Client) unavailableRobots(stale *robotsEntry, why string, now time.Time) *robotsEntry {
	ttl := min(robotsErrorTTL, c.robots.ttl)
	if stale != nil && stale.data != nil {
		return &robotsEntry{data: stale.data, expires: now.Add(ttl)}
	}
	return &robotsEntry{why: why, expires: now.Add(ttl)}
}

// parseRobots parses a robots.txt body. temoto/robotstxt rejects a whole
// file for one misplaced line (a Disallow before any User-agent, a bad
// Crawl-delay) where RFC 9309 says to skip the line, so such lines are
// dropped and the rest parsed again; a file that still fails has no rules.
func parseRobots(body []byte) *robotstxt.RobotsData {
	if i := bytes.LastIndexByte(body, '\n'); len(body) == robotsMaxBody && i > 0 {
		body = body[:i] // the cap cut a line in two
	}
	data, err := robotstxt.FromBytes(body)
	if err == nil {
		return data
	}
	if data, err = robotstxt.FromBytes(dropBadRobotsLines(body)); err == nil {
		return data
	}
	return allowAll()
}

// allowAll is the robots.txt of a site that has none.
func allowAll() *robotstxt.RobotsData {
	data, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil) // cannot fail for a 4xx
	return data
}

// dropBadRobotsLines removes the lines temoto/robotstxt refuses: rules and
// crawl delays before the first User-agent, and crawl delays that are not
// numbers.
func dropBadRobotsLines(body []byte) []byte {
	var out bytes.Buffer
	seenAgent := false
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), robotsMaxBody+1)
	for sc.Scan() {
		line := sc.Text()
		content, _, _ := strings.Cut(line, "#")
		key, value, _ := strings.Cut(content, ":")
		key = strings.ToLower(strings.TrimSpace(key))
		switch key {
		case "user-agent":
			seenAgent = true
		case "allow", "disallow":
			if !seenAgent {
				continue
			}
		case "crawl-delay":
			if _, err := strconv.ParseFloat(strings.TrimSpace(value), 64); !seenAgent || err != nil {
				continue
			}
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}
