// Command gen writes synthetic news articles as JSON lines, in the format
// read by "herald import", for benchmarks and load tests.
//
// Usage:
//
//	go run ./bench/gen -n 1000000 [-seed 1] [-outlets 40] [-stories N] \
//		[-days 180] [-end 2026-11-01T00:00:00Z] > articles.jsonl
//
// Each line is one object with the fields url, title, byline, published_at
// (RFC 3339, UTC), html, source, source_url, licence ("full", "excerpt" or
// "headline"), lang ("en"), and two fields the importer ignores but
// benchmarks can score against: story (integer story id) and topic.
//
// The articles are made up but varied: names of people, places and
// organisations are built from syllables, body text mixes Zipf-distributed
// common English words with each story's key entities and terms (so that
// articles about the same story can be clustered), lengths are roughly
// log-normal between 80 and 1,500 words, and each outlet has its own mix of
// licences. Stories last from 1 to about 20 days, with coverage
// front-loaded. Output is in non-decreasing published_at order over the
// -days window ending at -end, as a real import stream would be.
//
// The output depends only on the flags: the same -seed gives the same bytes.
// Articles are generated on the fly, so memory use does not grow with -n.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

const usageText = `usage: gen -n N [-seed 1] [-outlets 40] [-stories N/8] [-days 180] [-end 2026-11-01T00:00:00Z] > articles.jsonl

Writes N synthetic news articles as JSON lines (herald import format) to stdout.

`

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	bw := bufio.NewWriterSize(os.Stdout, 1<<20)
	err = generate(bw, cfg)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// parseConfig parses and validates the command line. Errors are single
// lines; on -h the usage is written to help and flag.ErrHelp returned.
func parseConfig(args []string, help io.Writer) (config, error) {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("n", 0, "number of articles to write (required, >= 1)")
	seed := fs.Int64("seed", 1, "random seed")
	outlets := fs.Int("outlets", 40, "number of news outlets (1-1000)")
	stories := fs.Int("stories", 0, "number of stories (default n/8, at least 1)")
	days := fs.Int("days", 180, "length of the publication window in days (1-3650)")
	end := fs.String("end", "2026-11-01T00:00:00Z", "end of the publication window, RFC 3339")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(help, usageText)
			fs.SetOutput(help)
			fs.PrintDefaults()
			return config{}, err
		}
		// The flag package's messages are already one line.
		return config{}, errors.New(strings.TrimSpace(err.Error()))
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q (all options are flags; see -h)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["n"] {
		return config{}, errors.New("-n is required (number of articles to write)")
	}
	t, err := time.Parse(time.RFC3339, *end)
	if err != nil {
		return config{}, fmt.Errorf("bad -end %q: want an RFC 3339 time such as 2026-11-01T00:00:00Z", *end)
	}
	cfg := config{n: *n, seed: *seed, outlets: *outlets, stories: *stories, days: *days, end: t.UTC()}
	if !set["stories"] {
		cfg.stories = max(cfg.n/8, 1)
	}
	return cfg, cfg.validate()
}
