package dedup

import (
	"slices"
	"testing"
	"time"
)

func TestFileBands(t *testing.T) {
	day := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	raw := []uint64{0xffff_ffff_ffff_ffff, 0x0123_4567_89ab_cdef, 0}
	tests := []struct {
		name          string
		a, b          time.Time
		sameKeys      bool // filed under the same keys
		findEachOther bool
	}{
		{"same day", day, day.Add(3 * time.Hour), true, true},
		{"six days apart", day, day.Add(6 * 24 * time.Hour), false, true},
		{"four weeks apart", day, day.Add(28 * 24 * time.Hour), false, false},
		{"before 1970", time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC), true, true},
		{"far future", time.Date(99999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(99998, 1, 1, 0, 0, 0, 0, time.UTC), true, true},
	}
	for _, tt := range tests {
		fa, fb := FileBands(raw, tt.a), FileBands(raw, tt.b)
		if len(fa) != len(raw) {
			t.Fatalf("%s: %d keys; want %d", tt.name, len(fa), len(raw))
		}
		for i, k := range fa {
			if int64(k) < 0 {
				t.Errorf("%s: key %x is negative as an int64", tt.name, k)
			}
			if k&lowMask != raw[i]&lowMask || k%(1<<16) != raw[i]%(1<<16) {
				t.Errorf("%s: key %x lost the band's low bits %x", tt.name, k, raw[i])
			}
		}
		if got := slices.Equal(fa, fb); got != tt.sameKeys {
			t.Errorf("%s: same keys = %v; want %v", tt.name, got, tt.sameKeys)
		}
		found := false
		for _, k := range NearbyBands(fb) {
			found = found || slices.Contains(fa, k)
		}
		if found != tt.findEachOther {
			t.Errorf("%s: look-up finds the other = %v; want %v", tt.name, found, tt.findEachOther)
		}
	}
	// Whatever the day of the week: seven days apart always find each
	// other, fifteen never.
	for h := range 7 * 24 {
		a := day.Add(time.Duration(h) * time.Hour)
		near, far := FileBands(raw, a.Add(7*24*time.Hour)), FileBands(raw, a.Add(15*24*time.Hour))
		fa := FileBands(raw, a)
		if !slices.Contains(NearbyBands(near), fa[0]) {
			t.Errorf("from %s: a copy seven days later is not looked up", a)
		}
		if slices.Contains(NearbyBands(far), fa[0]) {
			t.Errorf("from %s: an article fifteen days later is looked up", a)
		}
	}
	if FileBands(nil, day) != nil {
		t.Error("FileBands(nil) is not nil")
	}
}

// TestFiledKeysOfOneWeekAreAdjacent checks the property the stores rely
// on: every key filed in one week sorts between the keys of the week
// before and those of the week after.
func TestFiledKeysOfOneWeekAreAdjacent(t *testing.T) {
	day := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	before := FileBands([]uint64{lowMask}, day.Add(-7*24*time.Hour))[0]
	after := FileBands([]uint64{0}, day.Add(7*24*time.Hour))[0]
	for _, k := range FileBands([]uint64{0, 1, lowMask, 0xdead_beef_dead_beef}, day) {
		if !(int64(before) < int64(k) && int64(k) < int64(after)) {
			t.Errorf("key %x is not between the week before (%x) and after (%x)", k, before, after)
		}
	}
}
