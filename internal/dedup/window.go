package dedup

import "time"

// Band keys are filed by week. Copies of a wire report appear within days
// of each other, so an article need only be compared with the articles
// published near it; and a store's index over the band keys then grows at
// its recent end only. A filed key is the publication week in its top
// WeekBits bits and the band key's low bits below: the keys of one week
// sit side by side in a sorted index, so adding an article touches the
// small, recently written part of it however large the store has grown,
// and the look-up reads three weeks of it, never the whole.
const (
	WeekBits = 20
	lowBits  = 64 - WeekBits
	lowMask  = 1<<lowBits - 1
	maxWeek  = 1<<(WeekBits-1) - 1 // keeps filed keys positive as int64
	week     = 7 * 24 * time.Hour
)

// FileBands returns the band keys as filed for an article published at t:
// each key's low bits under t's week number. Keys filed for one band in
// different weeks differ only in the week, so their low 44 bits still
// tell which band of which text they are.
func FileBands(bands []uint64, t time.Time) []uint64 {
	if len(bands) == 0 {
		return nil
	}
	w := weekOf(t)
	filed := make([]uint64, len(bands))
	for i, b := range bands {
		filed[i] = w<<lowBits | b&lowMask
	}
	return filed
}

// NearbyBands returns the keys to look up for an article whose filed keys
// are filed: the same band keys in its own week and in the weeks before
// and after, so that copies published up to a week apart (and often up to
// two) find each other.
func NearbyBands(filed []uint64) []uint64 {
	out := make([]uint64, 0, 3*len(filed))
	for _, k := range filed {
		w, low := k>>lowBits, k&lowMask
		out = append(out, k)
		if w > 0 {
			out = append(out, (w-1)<<lowBits|low)
		}
		if w < maxWeek {
			out = append(out, (w+1)<<lowBits|low)
		}
	}
	return out
}

// weekOf returns the number of whole weeks from the Unix epoch to t,
// clamped to what a filed key holds.
func weekOf(t time.Time) uint64 {
	w := t.Unix() / int64(week/time.Second)
	return uint64(min(max(w, 0), maxWeek))
}
