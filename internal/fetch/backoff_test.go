package fetch

import (
	"math"
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	const base, ceiling = time.Minute, 24 * time.Hour
	for failures := 1; failures <= 40; failures++ {
		limit := ceiling
		if failures < 20 { // base<<20 is already past the ceiling; shifting further overflows
			limit = min(base<<failures, ceiling)
		}
		var seenHigh bool
		for range 200 {
			d := Backoff(failures, base, ceiling)
			if d < base || d > limit {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", failures, d, base, limit)
			}
			seenHigh = seenHigh || d > base+(limit-base)/2
		}
		if !seenHigh {
			t.Errorf("Backoff(%d) never reached the upper half of [%v, %v] in 200 tries: not jittered over the range", failures, base, limit)
		}
	}
	edge := []struct {
		failures      int
		base, max     time.Duration
		atLeast, most time.Duration
	}{
		{0, base, ceiling, 0, 0},
		{-3, base, ceiling, 0, 0},
		{1, 0, ceiling, 0, 0},
		{1, base, 0, 0, 0},
		{math.MaxInt, base, ceiling, base, ceiling},
		{1, time.Hour, time.Minute, time.Minute, time.Minute}, // base above max
		{100, math.MaxInt64 / 3, math.MaxInt64, math.MaxInt64 / 3, math.MaxInt64},
		{1, 1, math.MaxInt64, 1, 2},
	}
	for _, e := range edge {
		if d := Backoff(e.failures, e.base, e.max); d < e.atLeast || d > e.most {
			t.Errorf("Backoff(%d, %v, %v) = %v, want within [%v, %v]", e.failures, e.base, e.max, d, e.atLeast, e.most)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"1.5", 0},
		{"99999999999999999999999", maxRetryAfter},
		{"864000", maxRetryAfter},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"Sunday, 01-Mar-26 12:10:00 GMT", 10 * time.Minute}, // RFC 850, still accepted
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(72 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
		{"tomorrow", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.header, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}
