package ingest

import (
	"slices"
	"sync"
)

// textStripes is how many locks textLocks spreads texts over. With 43
// keys a text (42 bands and its hash), two unrelated texts share a stripe
// about 3% of the time: rarely enough that stores seldom wait on each other.
const textStripes = 1 << 16

// textLocks serialises the copy look-up and the add of texts that could be
// copies of one another, and only those. Two copies share at least one LSH
// band or their hash (that is how the look-up finds them), so locking the
// stripes of every band and the hash makes the second wait for the first
// and then find it, while unrelated texts are stored side by side. A
// band's keys filed in different weeks (see dedup.FileBands) differ only
// above the bits that pick the stripe, so copies a week apart still meet.
type textLocks struct {
	stripes [textStripes]sync.Mutex
}

// lock takes the stripes of keys, in ascending order so that two callers
// never wait on each other in a cycle, and returns the function that
// releases them.
func (l *textLocks) lock(keys []uint64) (unlock func()) {
	idx := make([]int, 0, len(keys))
	for _, k := range keys {
		idx = append(idx, int(k%textStripes))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		l.stripes[i].Lock()
	}
	return func() {
		for _, i := range idx {
			l.stripes[i].Unlock()
		}
	}
}
