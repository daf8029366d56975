package main

import (
	"bufio"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/bench/internal/lines"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		upto    int
	}{
		{args: []string{"-db", "x.db", "-n", "100"}, upto: 100},
		{args: []string{"-db", "x.db", "-n", "100", "-upto", "10"}, upto: 10},
		{args: []string{"-n", "100"}, wantErr: "-db"},
		{args: []string{"-db", "x.db"}, wantErr: "-n"},
		{args: []string{"-db", "x.db", "-n", "100", "-upto", "200"}, wantErr: "-upto"},
		{args: []string{"-db", "x.db", "-n", "100", "-samples", "0"}, wantErr: "-samples"},
		{args: []string{"-db", "x.db", "-n", "100", "-slowest", "-1"}, wantErr: "-slowest"},
	}
	for _, tt := range tests {
		cfg, err := parseFlags(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseFlags(%q) = %v; want an error about %s", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || cfg.upto != tt.upto {
			t.Errorf("parseFlags(%q) = %+v, %v; want upto %d", tt.args, cfg, err, tt.upto)
		}
	}
}

// TestWriteSlowest checks that the slowest queries of each kind are
// listed slowest first, kinds in their order, at most n of each.
func TestWriteSlowest(t *testing.T) {
	timed := map[string][]timedQuery{
		"one word": {{"ferry", 2 * time.Millisecond}, {"harbour", 9 * time.Millisecond}, {"quay", 5 * time.Millisecond}},
		"phrase":   {{`"report said"`, 30 * time.Millisecond}},
	}
	var b strings.Builder
	writeSlowest(&b, []string{"phrase", "one word"}, timed, 2)
	want := "\nThe 2 slowest of each kind:\n\n" +
		"- phrase: `\"report said\"` 30.00 ms\n" +
		"- one word: `harbour` 9.00 ms\n" +
		"- one word: `quay` 5.00 ms\n"
	if b.String() != want {
		t.Errorf("writeSlowest wrote\n%s\nwant\n%s", b.String(), want)
	}
}

// TestSkipAndLimit reads lines 3 to 4 of a stream, long lines included,
// as a resumed fill to -upto does.
func TestSkipAndLimit(t *testing.T) {
	long := strings.Repeat("x", 100)
	in := "1\n2\n" + long + "\n4\n5\n"
	r := bufio.NewReaderSize(strings.NewReader(in), 16)
	if _, err := lines.Skip(r, 2); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(&lineLimit{r: r, left: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := long + "\n4\n"; string(got) != want {
		t.Errorf("read %q, want %q", got, want)
	}
}

// TestThreadCPUCountsNanoseconds spins for a millisecond and checks that
// the thread's CPU time moved by about that much: a clock that moves in
// scheduler ticks gives 0 or 4 ms, and made a related list's read look
// free or slow.
func TestThreadCPUCountsNanoseconds(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0, t0 := threadCPU(), time.Now()
	for time.Since(t0) < time.Millisecond {
	}
	if d := threadCPU() - c0; d <= 0 || d > 2*time.Millisecond+time.Since(t0) {
		t.Errorf("a 1 ms spin took %v of CPU", d)
	}
}
