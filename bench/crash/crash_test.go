package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestCrash runs short crash trials against the real binary: its first
// start, three imports and two comment servers killed with SIGKILL, on
// SQLite, and on PostgreSQL when HERALD_TEST_POSTGRES names a server. It
// fails on any violation the trials find, whatever the timings were.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the crash trials build herald and run it for some seconds")
	}
	ctx := context.Background()
	root, err := moduleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bins, err := build(ctx, root, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			cfg := config{
				// Seed 10 kills the first start after 0.55 s, and the
				// imports 1.1, 1.1 and 1.3 s after a start's time.
				stores: []string{kind}, trials: 3, commentTrials: 2, articles: 100, seed: 10,
				importKill: 2500 * time.Millisecond, commentKill: time.Second,
				posters: 4, searchSample: 5,
			}
			if kind == "postgres" {
				cfg.pgAdmin = os.Getenv("HERALD_TEST_POSTGRES")
				if cfg.pgAdmin == "" {
					t.Skip("HERALD_TEST_POSTGRES is not set; set it to a PostgreSQL DSN such as " + defaultPostgres + " (a role that may CREATE DATABASE) to run the crash trials on PostgreSQL")
				}
			}
			if err := cfg.validate(); err != nil {
				t.Fatal(err)
			}
			rep, err := runTrials(ctx, cfg, bins, t.TempDir(), testLog{t})
			if rep != nil {
				var b strings.Builder
				rep.print(&b)
				t.Log("\n" + b.String())
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.rows {
				for _, b := range r.broken {
					t.Errorf("%s trial %s: %s", r.phase, r.trial, b)
				}
			}
			if len(rep.rows) != cfg.trials+cfg.commentTrials+3 {
				t.Errorf("%d trials reported, want %d", len(rep.rows), cfg.trials+cfg.commentTrials+3)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	t.Setenv("HERALD_TEST_POSTGRES", "")
	cfg, err := parseFlags([]string{"-trials", "4", "-store", "both"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.trials != 4 || cfg.commentTrials != 4 || len(cfg.stores) != 2 || cfg.pgAdmin != defaultPostgres {
		t.Errorf("parsed %+v", cfg)
	}
	for _, args := range [][]string{
		{"-store", "mysql"},
		{"-articles", "5"},
		{"-posters", "0"},
		{"-store", "postgres", "-postgres", "host=db"},
		{"extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// testLog writes the trials' progress lines to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}
