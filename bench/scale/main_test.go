package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		sizes   []int
	}{
		{args: nil, sizes: []int{10000, 100000}},
		{args: []string{"-sizes", "5, 50"}, sizes: []int{5, 50}},
		{args: []string{"-sizes", "50,5"}, wantErr: "ascending"},
		{args: []string{"-sizes", "ten"}, wantErr: "not a count"},
		{args: []string{"-probe", "0"}, wantErr: "-probe"},
		{args: []string{"-chunk", "0"}, wantErr: "-chunk"},
		{args: []string{"-fill-workers", "0"}, wantErr: "-fill-workers"},
		{args: []string{"-fill-workers", "65"}, wantErr: "-fill-workers"},
	}
	for _, tt := range tests {
		cfg, err := parseFlags(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseFlags(%q) = %v; want an error about %s", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(cfg.sizes) != fmt.Sprint(tt.sizes) {
			t.Errorf("parseFlags(%q) = %v, %v; want sizes %v", tt.args, cfg.sizes, err, tt.sizes)
		}
	}
}

// TestRun fills a temporary SQLite store through the real pipeline and
// checks that each size gets its row and every article was placed.
func TestRun(t *testing.T) {
	var in strings.Builder
	for i := range 40 {
		fmt.Fprintf(&in, `{"url":"https://a.example/%d","title":"Title %d","text":"Body of article %d about the harbour wall and the council vote.","source":"Outlet %d","published_at":"2026-03-01T10:%02d:00Z"}`+"\n",
			i, i, i, i%3, i)
	}
	var out bytes.Buffer
	cfg := config{sizes: []int{10, 25}, probe: 5, chunk: 4}
	if err := run(context.Background(), cfg, strings.NewReader(in.String()), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 10 | 5 |", "| 25 | 5 |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks the row %q:\n%s", want, out.String())
		}
	}

	// Three workers fill a new store: each size still gets its row.
	cfg.fillWorkers = 3
	out.Reset()
	if err := run(context.Background(), cfg, strings.NewReader(in.String()), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| 25 | 5 |") {
		t.Errorf("a fill by three workers lacks the row of size 25:\n%s", out.String())
	}

	cfg.sizes = []int{10, 100}
	err := run(context.Background(), cfg, strings.NewReader(in.String()), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "input ended") {
		t.Errorf("run with too little input = %v; want an error saying the input ended", err)
	}
}

// TestRunKeptStore fills a kept SQLite file with related lists for the
// last articles only, then measures again on it, skipping what it holds.
func TestRunKeptStore(t *testing.T) {
	var in strings.Builder
	for i := range 40 {
		fmt.Fprintf(&in, `{"url":"https://a.example/%d","title":"Title %d","text":"Body of article %d about the harbour wall and the council vote.","source":"Outlet %d","published_at":"2026-03-01T10:%02d:00Z"}`+"\n",
			i, i, i, i%3, i)
	}
	file := filepath.Join(t.TempDir(), "kept.db")
	cfg := config{dsn: file, sizes: []int{20}, probe: 5, chunk: 4, relatedWindow: 8}
	if err := run(context.Background(), cfg, strings.NewReader(in.String()), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg = config{dsn: file, stored: 25, sizes: []int{30}, probe: 5, chunk: 4}
	var out bytes.Buffer
	if err := run(context.Background(), cfg, strings.NewReader(in.String()), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| 30 | 5 |") {
		t.Errorf("the second run lacks its row:\n%s", out.String())
	}
	cfg = config{dsn: file, sizes: []int{30}, probe: 5, chunk: 4}
	if err := run(context.Background(), cfg, strings.NewReader(in.String()), io.Discard, io.Discard); err == nil {
		t.Error("an existing file was accepted without -stored")
	}
}

// TestFillWorkers fills a kept SQLite file from four workers at once: every
// good line becomes an article and the bad one is reported, not fatal.
func TestFillWorkers(t *testing.T) {
	var in strings.Builder
	for i := range 30 {
		if i == 7 {
			in.WriteString(`{"title":"No address","text":"A line without a url.","published_at":"2026-03-01T10:00:00Z"}` + "\n")
			continue
		}
		fmt.Fprintf(&in, `{"url":"https://a.example/%d","title":"Title %d","text":"Body of article %d about the harbour wall and the council vote.","source":"Outlet %d","published_at":"2026-03-01T10:%02d:00Z"}`+"\n",
			i, i, i, i%3, i)
	}
	file := filepath.Join(t.TempDir(), "workers.db")
	var logw bytes.Buffer
	cfg := config{dsn: file, sizes: []int{20}, probe: 5, chunk: 6, fillWorkers: 4}
	if err := run(context.Background(), cfg, strings.NewReader(in.String()), io.Discard, &logw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logw.String(), "rejected") || !strings.Contains(logw.String(), "url") {
		t.Errorf("the line without a url was not reported:\n%s", logw.String())
	}
	db, err := sqlite.Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, _, err := db.FindArticles(context.Background(), herald.ArticleFilter{Limit: herald.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 24 { // 19 good lines filled, 5 probed
		t.Errorf("the store holds %d articles; want 24", len(list))
	}
}
