package fetch

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff returns how long to wait before trying again after failures
// consecutive failures: a random duration between base and base·2^failures,
// capped at max. The randomness covers the whole range, as decorrelated
// jitter does, so that many sources that failed together (one host down)
// do not come back together; the floor means no retry comes sooner than
// base. It never exceeds max, and is 0 when failures, base or max is not
// positive.
func Backoff(failures int, base, max time.Duration) time.Duration {
	if failures <= 0 || base <= 0 || max <= 0 {
		return 0
	}
	if base >= max {
		return max
	}
	ceiling := base
	for i := 0; i < failures && ceiling < max; i++ {
		if ceiling > max/2 {
			ceiling = max
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, max)
	return base + time.Duration(rand.Int64N(int64(ceiling-base)+1))
}

// maxRetryAfter caps a Retry-After, so that one odd header cannot silence a
// source for longer than a day.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header, either delay-seconds or an HTTP
// date, as a duration from now; 0 if it is absent, unreadable or past.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if strings.Trim(v, "0123456789") == "" {
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil || n > int64(maxRetryAfter/time.Second):
			return maxRetryAfter // only digits, so too many of them
		case n == 0:
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now).Round(time.Second), 0), maxRetryAfter)
	}
	return 0
}
