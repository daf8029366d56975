// Command storyscale measures what placing one article in a story costs as
// the store grows: the candidate look-up reads an index over open stories,
// so the cost should follow the number of open stories, not the number of
// articles stored.
//
// Usage, from the project root:
//
//	go run ./bench/gen -n 110000 > /tmp/gen.jsonl
//	go run ./bench/storyscale -db /tmp/scale.db -in /tmp/gen.jsonl -at 10000,100000 -window 1000
//
// The command reads the generated articles in order. Up to each point of
// -at it imports them through the real pipeline (ingest.Importer, with
// the story step), then adds the next -window articles one at a time with
// Pipeline.Add and times each: the whole add, and the placement alone
// (Store.PlaceArticle). It prints one Markdown row per point: articles
// stored, articles/s over the window, median and p99 of each time, and
// the process's resident memory. -db is a SQLite path or a postgres://
// DSN; the store should start empty.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storyscale:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("storyscale", flag.ContinueOnError)
	dsn := fs.String("db", "", "the store: a SQLite file path or a postgres:// DSN (empty at start)")
	in := fs.String("in", "", "generated articles (go run ./bench/gen), in import format")
	at := fs.String("at", "10000,100000", "comma-separated store sizes at which to measure")
	window := fs.Int("window", 1000, "articles added one at a time and timed at each point")
	if err := fs.Parse(args); err != nil {
		return err
	}
	points, err := parsePoints(*at)
	if err != nil {
		return err
	}
	if *dsn == "" || *in == "" {
		return errors.New("-db and -in are required")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	lines.Buffer(nil, 16<<20)

	store, err := openStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	timed := &timedStories{StoryService: store}
	pipe := &ingest.Pipeline{Articles: store, Stories: timed}

	fmt.Fprintf(out, "Command: `go run ./bench/storyscale %s`  \n", strings.Join(args, " "))
	fmt.Fprintf(out, "Machine: %s, %d cores, %s; load average before %s\n\n", machine.CPUModel(), runtime.NumCPU(), runtime.Version(), machine.LoadAvg())
	fmt.Fprintln(out, "| articles stored | window | articles/s | add p50 | add p99 | placement p50 | placement p99 | RSS |")
	fmt.Fprintln(out, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	stored := 0
	for _, p := range points {
		if err := fill(ctx, pipe, lines, p-stored); err != nil {
			return err
		}
		stored = p
		fmt.Fprintf(os.Stderr, "storyscale: %d stored, timing %d more\n", stored, *window)
		timed.reset()
		var adds []time.Duration
		start := time.Now()
		for range *window {
			it, ok, err := next(lines)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%s ran out of articles at %d", *in, stored)
			}
			t0 := time.Now()
			if _, _, err := pipe.Add(ctx, it); err != nil && herald.ErrorCode(err) != herald.EINVALID {
				return err
			}
			adds = append(adds, time.Since(t0))
			stored++
		}
		elapsed := time.Since(start)
		places := timed.durations()
		fmt.Fprintf(out, "| %d | %d | %.0f | %s | %s | %s | %s | %s |\n", p, *window, float64(*window)/elapsed.Seconds(),
			ms(quantile(adds, 0.5)), ms(quantile(adds, 0.99)), ms(quantile(places, 0.5)), ms(quantile(places, 0.99)), rss())
	}
	fmt.Fprintf(out, "\nLoad average after: %s\n", machine.LoadAvg())
	return nil
}

func parsePoints(s string) ([]int, error) {
	var points []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || (len(points) > 0 && n <= points[len(points)-1]) {
			return nil, fmt.Errorf("-at %q: want growing whole numbers", s)
		}
		points = append(points, n)
	}
	return points, nil
}

func openStore(ctx context.Context, dsn string) (herald.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// fill imports the next n articles through the importer.
func fill(ctx context.Context, pipe *ingest.Pipeline, lines *bufio.Scanner, n int) error {
	if n <= 0 {
		return nil
	}
	var buf bytes.Buffer
	for i := 0; i < n && lines.Scan(); i++ {
		buf.Write(lines.Bytes())
		buf.WriteByte('\n')
	}
	if err := lines.Err(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "storyscale: importing %d articles\n", n)
	_, err := (&ingest.Importer{Pipeline: pipe}).Import(ctx, &buf)
	return err
}

func next(lines *bufio.Scanner) (ingest.Item, bool, error) {
	if !lines.Scan() {
		return ingest.Item{}, false, lines.Err()
	}
	it, err := ingest.ParseLine(lines.Bytes())
	return it, err == nil, err
}

// timedStories times each placement.
type timedStories struct {
	herald.StoryService
	mu    sync.Mutex
	times []time.Duration
}

func (t *timedStories) PlaceArticle(ctx context.Context, id int64, place herald.StoryPlacer) error {
	start := time.Now()
	err := t.StoryService.PlaceArticle(ctx, id, place)
	t.mu.Lock()
	t.times = append(t.times, time.Since(start))
	t.mu.Unlock()
	return err
}

func (t *timedStories) reset() {
	t.mu.Lock()
	t.times = nil
	t.mu.Unlock()
}

func (t *timedStories) durations() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.times)
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// rss returns the process's resident memory, from /proc.
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
