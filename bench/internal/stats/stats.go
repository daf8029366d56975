// Package stats holds the summaries the bench programs print.
package stats

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th percentile of ds (nearest rank); ds is not
// changed. It is 0 for no durations.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
