package store

import (
	"slices"
	"testing"
	"time"
)

func TestDocFreqBufferKeepsLaterCounts(t *testing.T) {
	var b DocFreqBuffer
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.Count([]string{"quake", "city", "quake"}, t0)
	b.Count([]string{"city"}, t0)
	d := b.Pending()
	if d.Docs != 2 || !slices.Equal(d.Terms, []string{"city", "quake"}) || !slices.Equal(d.Counts, []int{2, 1}) {
		t.Fatalf("Pending = %+v, want 2 articles: city 2, quake 1", d)
	}
	// Counted while d was being written: must survive Written(d).
	b.Count([]string{"city", "flood"}, t0.Add(time.Second))
	b.Written(d, t0.Add(2*time.Second))
	df := map[string]int{"city": 10}
	docs := b.AddPending(100, df, []string{"city", "flood", "quake", "city"})
	if docs != 101 || df["city"] != 11 || df["flood"] != 1 || df["quake"] != 0 {
		t.Errorf("after Written: docs %d, df %v; want 101, city 11, flood 1, no quake", docs, df)
	}
}

func TestDocFreqBufferDue(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		count int
		after time.Duration
		want  bool
	}{
		{"empty", 0, time.Hour, false},
		{"few and recent", 3, time.Second, false},
		{"few but old", 3, DocFreqFlushAge, true},
		{"many", DocFreqFlushDocs, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b DocFreqBuffer
			for range tt.count {
				b.Count([]string{"a"}, t0)
			}
			if got := b.Due(t0.Add(tt.after)); got != tt.want {
				t.Errorf("Due = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTermsDiff(t *testing.T) {
	tests := []struct {
		name             string
		filed, want      []string
		wantAdd, wantDel []string
	}{
		{"new story", nil, []string{"quake", "city", "quake"}, []string{"quake", "city"}, nil},
		{"unchanged", []string{"a", "b"}, []string{"b", "a"}, nil, nil},
		{"one replaced", []string{"a", "b", "c"}, []string{"a", "d", "c"}, []string{"d"}, []string{"b"}},
		{"emptied", []string{"a"}, nil, nil, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			add, del := TermsDiff(tt.filed, tt.want)
			if !slices.Equal(add, tt.wantAdd) || !slices.Equal(del, tt.wantDel) {
				t.Errorf("TermsDiff(%v, %v) = %v, %v; want %v, %v", tt.filed, tt.want, add, del, tt.wantAdd, tt.wantDel)
			}
		})
	}
}
