package extracttest

import (
	"math"
	"testing"
	"time"
)

func TestWordScore(t *testing.T) {
	tests := []struct {
		name, got, want string
		p, r            float64
	}{
		{"Same", "The cat sat.", "the  CAT sat", 1, 1},
		{"Multiset", "the the the cat", "the cat", 0.5, 1},
		{"Half", "a b", "a c", 0.5, 0.5},
		{"Unicode", "Café naïve_x 2024", "café naïve_x 2024", 1, 1},
		{"NoOverlap", "x", "y", 0, 0},
		{"Empty", "", "y", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := WordScore(tt.got, tt.want)
			f1 := 0.0
			if tt.p+tt.r > 0 {
				f1 = 2 * tt.p * tt.r / (tt.p + tt.r)
			}
			if math.Abs(s.Precision-tt.p) > 1e-9 || math.Abs(s.Recall-tt.r) > 1e-9 || math.Abs(s.F1-f1) > 1e-9 {
				t.Errorf("WordScore = %+v, want precision %v recall %v F1 %v", s, tt.p, tt.r, f1)
			}
		})
	}
}

func TestContains(t *testing.T) {
	text := "Home\n\nProtein continues to dominate — the wellness conversation. Homework"
	for _, tt := range []struct {
		snippet string
		want    bool
	}{
		{"protein continues to dominate the wellness", true},
		{"Home", true},
		{"homew", false},
		{"dominate wellness", false},
		{"", false},
	} {
		if got := Contains(text, tt.snippet); got != tt.want {
			t.Errorf("Contains(%q) = %v, want %v", tt.snippet, got, tt.want)
		}
	}
}

func TestSameDay(t *testing.T) {
	got := time.Date(2021, 11, 1, 9, 52, 50, 0, time.UTC)
	for _, tt := range []struct {
		want string
		same bool
	}{
		{"2021-11-01T10:52:50+0100", true},
		{"2021-11-01", true},
		{"2021-11", true},
		{"2021-11-02", false},
		{"not a date", false},
	} {
		if s := SameDay(got, tt.want); s != tt.same {
			t.Errorf("SameDay(%v, %q) = %v, want %v", got, tt.want, s, tt.same)
		}
	}
	if SameDay(time.Time{}, "2021-11-01") {
		t.Error("a zero time matched a date")
	}
}

func TestSameShownDay(t *testing.T) {
	pacific := time.FixedZone("", -7*3600)
	for _, tt := range []struct {
		name string
		got  time.Time
		want string
		same bool
	}{
		{"OffsetKept", time.Date(2020, 4, 12, 18, 0, 0, 0, pacific), "2020-04-12", true},
		{"UTCDayDiffers", time.Date(2020, 4, 12, 18, 0, 0, 0, pacific).UTC(), "2020-04-12", false},
		{"MidnightUTC", time.Date(2020, 4, 12, 0, 0, 0, 0, time.UTC), "2020-04-12T18:00:00-07:00", true},
		{"WantOffset", time.Date(2020, 4, 13, 1, 0, 0, 0, time.UTC), "2020-04-12T18:00:00-07:00", false},
		{"Month", time.Date(2020, 4, 30, 18, 0, 0, 0, pacific), "2020-04", true},
		{"Zero", time.Time{}, "2020-04-12", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if s := SameShownDay(tt.got, tt.want); s != tt.same {
				t.Errorf("SameShownDay(%v, %q) = %v, want %v", tt.got, tt.want, s, tt.same)
			}
		})
	}
}

func TestSameTitleAndByline(t *testing.T) {
	if !SameTitle("How to Build a Terrarium", "How to Build a Terrarium | eHow", "eHow") {
		t.Error("SameTitle does not ignore a trailing site name")
	}
	if SameTitle("How to Build", "How to Build a Terrarium | eHow", "eHow") {
		t.Error("SameTitle matched a different title")
	}
	if !SameByline("Ana Sandoiu", "By Ana Sandoiu") || !SameByline("Jo O’Neil", "jo o'neil") {
		t.Error("SameByline does not ignore \"By\", case and quotes")
	}
}

func TestSample(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f"}
	if got := Sample(ids, 3); len(got) != 3 || got[0] != "a" || got[1] != "c" || got[2] != "e" {
		t.Errorf("Sample = %v", got)
	}
	if got := Sample(ids, 0); len(got) != len(ids) {
		t.Errorf("Sample(0) = %v, want all", got)
	}
}
