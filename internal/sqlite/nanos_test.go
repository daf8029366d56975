package sqlite

import (
	"math"
	"testing"
	"time"
)

func TestNanosHoldsAtTheEnds(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		want int64
	}{
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), math.MaxInt64},
		{time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{time.Time{}, math.MinInt64},
		{time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), math.MinInt64},
		{time.Date(2026, 3, 10, 18, 0, 0, 5, time.FixedZone("X", 3600)), time.Date(2026, 3, 10, 17, 0, 0, 5, time.UTC).UnixNano()},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()},
	} {
		if got := nanos(tt.t); got != tt.want {
			t.Errorf("nanos(%v) = %d (%v), want %d", tt.t, got, fromNanos(got), tt.want)
		}
	}
}
