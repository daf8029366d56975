// Command scale measures whether the cost of placing one article grows with
// the size of the store. It reads generated articles (bench/gen) from
// standard input, fills a store through the real import pipeline up to each
// of the given sizes, and at each size times the next -probe articles one
// at a time through ingest.Pipeline.Add: parsing, cleaning, fingerprinting,
// the copy look-up, the story placement, topics, and the store's
// transactions. After each, it times apart the related-list worker
// (Pipeline.RelateQueued), which herald serve runs off the ingest path.
//
//	go run ./bench/gen -n 1002000 | go run ./bench/scale -sizes 10000,100000,1000000
//	go run ./bench/gen -n 102000 | go run ./bench/scale -db postgres://…/scale -sizes 10000,100000
//
// It prints one Markdown table row per size: articles placed per second,
// p50 and p99 time per article, p50 and p99 of the related lists' time
// per article and of reading one list, the process's resident memory and the database's size on
// disk (SQLite only).
//
// A fill to a million takes hours through one worker on PostgreSQL; with
// -fill-workers several add at once, as herald serve's fetch workers do,
// and with -stored a later run measures on what an earlier one stored.
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
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/lines"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/bench/internal/stats"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/sqlite"
)

type config struct {
	dsn    string
	stored int // input articles the kept store already holds
	// relatedWindow bounds the fill's related lists (see fill); 0: all
	relatedWindow int
	dedupOnly     bool
	sizes         []int
	probe         int
	chunk         int
	fillWorkers   int
	profile       string
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	dsn := fs.String("db", "", "a new SQLite file, or an empty PostgreSQL database (postgres://…); a temporary SQLite file when empty")
	relatedWindow := fs.Int("related-window", 0, "while filling, compute related lists only for the last N articles before each size (0: all)")
	stored := fs.Int("stored", 0, "the -db store is kept from an earlier run and holds the first N input articles: skip them")
	sizes := fs.String("sizes", "10000,100000", "store sizes at which to measure, ascending, comma-separated")
	probe := fs.Int("probe", 2000, "articles timed one by one at each size (1-100000)")
	chunk := fs.Int("chunk", 10000, "articles per import batch while filling")
	fillWorkers := fs.Int("fill-workers", 1, "articles stored at once while filling, as herald serve's fetch workers store them (1-64); 1 keeps the input's order exactly")
	dedupOnly := fs.Bool("dedup-only", false, "run only the copy look-up and the add, without stories, topics and related lists")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the last size's probe to this file")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{dsn: *dsn, stored: *stored, relatedWindow: *relatedWindow, probe: *probe, chunk: *chunk, fillWorkers: *fillWorkers, dedupOnly: *dedupOnly, profile: *profile}
	if cfg.stored < 0 || (cfg.stored > 0 && cfg.dsn == "") {
		return config{}, fmt.Errorf("-stored needs a kept -db and a count of at least 0, not %d", cfg.stored)
	}
	if cfg.probe < 1 || cfg.probe > 100000 {
		return config{}, fmt.Errorf("-probe must be between 1 and 100000, not %d", cfg.probe)
	}
	if cfg.fillWorkers < 1 || cfg.fillWorkers > 64 {
		return config{}, fmt.Errorf("-fill-workers must be between 1 and 64, not %d", cfg.fillWorkers)
	}
	if cfg.chunk < 1 {
		return config{}, fmt.Errorf("-chunk must be at least 1, not %d", cfg.chunk)
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return config{}, fmt.Errorf("-sizes: %q is not a count of articles", s)
		}
		if len(cfg.sizes) > 0 && n <= cfg.sizes[len(cfg.sizes)-1] {
			return config{}, fmt.Errorf("-sizes must be ascending: %d after %d", n, cfg.sizes[len(cfg.sizes)-1])
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	return cfg, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// openStore opens the store dsn names, or a temporary SQLite file when it
// is empty; file is the SQLite file, "" for PostgreSQL.
func openStore(ctx context.Context, dsn string, kept bool) (db herald.Store, name, file string, cleanup func(), err error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		pg, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, "", "", nil, err
		}
		return pg, "PostgreSQL", "", func() { pg.Close() }, nil
	}
	removeDir := func() {}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "bench-scale-")
		if err != nil {
			return nil, "", "", nil, err
		}
		dsn = filepath.Join(dir, "herald.db")
		removeDir = func() { os.RemoveAll(dir) }
	} else if _, err := os.Stat(dsn); err == nil && !kept {
		return nil, "", "", nil, fmt.Errorf("-db %s exists: give the path of a new file", dsn)
	}
	lite, err := sqlite.Open(ctx, dsn)
	if err != nil {
		removeDir()
		return nil, "", "", nil, err
	}
	return lite, "SQLite", dsn, func() { lite.Close(); removeDir() }, nil
}

// row is what one size measured.
type row struct {
	stored    int // articles offered to the store before the probe
	probed    int
	perSecond float64
	p50, p99  time.Duration // placing one article: Pipeline.Add
	// computing the related lists one arrival changes: RelateQueued
	relatedP50, relatedP99 time.Duration
	readP50, readP99       time.Duration // reading one related list
	rss, hwm               int64         // bytes
	disk                   int64         // bytes; 0 when unknown
	written                int64         // bytes the process wrote to storage per probed article; 0 when unknown
	fillRate               float64
}

func run(ctx context.Context, cfg config, in io.Reader, out, logw io.Writer) error {
	db, name, file, cleanup, err := openStore(ctx, cfg.dsn, cfg.stored > 0)
	if err != nil {
		return err
	}
	defer cleanup()
	pipe := newPipeline(db, cfg.dedupOnly)
	input := bufio.NewReaderSize(in, 1<<20)

	stages := "the whole pipeline, as herald import runs it"
	if cfg.dedupOnly {
		stages = "copy look-up and add only"
	}
	fmt.Fprintf(out, "Store: %s; %s. CPU: %s, %d cores seen by Go. Load before: %s.\n\n",
		name, stages, machine.CPUModel(), runtime.NumCPU(), machine.LoadAvg())
	fmt.Fprintln(out, "| stored | probe | articles/s | p50 | p99 | related p50 | related p99 | list read p50 | list read p99 | written per article | RSS | peak RSS | on disk | fill rate |")
	fmt.Fprintln(out, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	if k, err := lines.Skip(input, cfg.stored); err != nil || k < cfg.stored {
		return fmt.Errorf("skip the %d articles stored already: input has %d (%v)", cfg.stored, k, err)
	}
	stored := cfg.stored
	for i, size := range cfg.sizes {
		start, want := time.Now(), max(size-stored, 0)
		filled, err := fill(ctx, pipe, db, input, want, cfg, logw)
		if err != nil {
			return err
		}
		fillRate := float64(filled) / max(time.Since(start).Seconds(), 1e-9)
		stored += filled
		if filled < want {
			return fmt.Errorf("input ended after %d articles, before size %d", stored, size)
		}
		before := writtenBytes()
		profile := ""
		if i == len(cfg.sizes)-1 {
			profile = cfg.profile
		}
		r, err := profiled(profile, func() (row, error) { return probe(ctx, pipe, db, input, cfg.probe) })
		if err != nil {
			return err
		}
		if after := writtenBytes(); before > 0 && after > before {
			r.written = (after - before) / int64(r.probed)
		}
		r.stored, r.fillRate = stored, fillRate
		stored += r.probed
		r.rss, r.hwm = memory()
		if file != "" {
			r.disk = fileSize(file) + fileSize(file+"-wal")
		}
		fmt.Fprintf(out, "| %d | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f/s |\n",
			r.stored, r.probed, r.perSecond, ms(r.p50), ms(r.p99), ms(r.relatedP50), ms(r.relatedP99), ms(r.readP50), ms(r.readP99),
			kb(r.written), mb(r.rss), mb(r.hwm), mb(r.disk), r.fillRate)
	}
	fmt.Fprintf(out, "\nLoad after: %s.\n", machine.LoadAvg())
	return nil
}

// newPipeline wires the pipeline as herald import does, or with only its
// copy look-up and add when dedupOnly.
func newPipeline(db herald.Store, dedupOnly bool) *ingest.Pipeline {
	if dedupOnly {
		return &ingest.Pipeline{Articles: db}
	}
	return ingest.NewPipeline(db)
}

// fill imports n articles from lines through the import pipeline, in
// batches of cfg.chunk, and returns how many lines it consumed. The
// related lists are computed for the last cfg.relatedWindow of them only
// (all when it is 0): candidates for a new list come from that many
// articles stored last, so older lists would change nothing measured but
// the size of their table, and they cost most of a fill's time.
func fill(ctx context.Context, pipe *ingest.Pipeline, db herald.Store, lines *bufio.Reader, n int, cfg config, logw io.Writer) (int, error) {
	chunk := cfg.chunk
	im := &ingest.Importer{Pipeline: pipe, OnReject: func(no int, err error) {
		fmt.Fprintf(logw, "rejected line %d: %v\n", no, err)
	}}
	done := 0
	for done < n {
		batch, k, err := readLines(lines, min(chunk, n-done))
		if err != nil {
			return done, err
		}
		if k == 0 {
			break
		}
		if cfg.fillWorkers > 1 {
			err = addAtOnce(ctx, pipe, batch, cfg.fillWorkers, logw)
		} else {
			_, err = im.Import(ctx, bytes.NewReader(batch))
		}
		if err != nil {
			return done, fmt.Errorf("fill: %w", err)
		}
		if cfg.relatedWindow > 0 && n-done-k >= cfg.relatedWindow {
			if err := skipRelated(ctx, db); err != nil {
				return done, err
			}
		} else if _, err := pipe.RelateQueued(ctx); err != nil {
			return done, fmt.Errorf("fill: related lists: %w", err)
		}
		done += k
		fmt.Fprintf(logw, "filled %d of %d\n", done, n)
	}
	return done, nil
}

// addAtOnce adds the lines of batch through the pipeline from workers
// goroutines at once, the way herald serve's fetch workers add what they
// find. Articles then reach the store nearly, not exactly, in the input's
// order. A bad line is reported and skipped.
func addAtOnce(ctx context.Context, pipe *ingest.Pipeline, batch []byte, workers int, logw io.Writer) error {
	g, ctx := errgroup.WithContext(ctx)
	todo := make(chan []byte)
	g.Go(func() error {
		defer close(todo)
		for line := range bytes.Lines(batch) {
			select {
			case todo <- line:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	var logMu sync.Mutex
	for range workers {
		g.Go(func() error {
			for line := range todo {
				it, err := ingest.ParseLine(line)
				if err == nil {
					_, _, err = pipe.Add(ctx, it)
				}
				if herald.ErrorCode(err) == herald.EINVALID {
					logMu.Lock()
					fmt.Fprintf(logw, "rejected %q: %v\n", it.URL, err)
					logMu.Unlock()
				} else if err != nil {
					return fmt.Errorf("add %s: %w", it.URL, err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// profiled runs measure under the CPU profiler, writing the profile to
// file, when file is set.
func profiled(file string, measure func() (row, error)) (row, error) {
	if file == "" {
		return measure()
	}
	f, err := os.Create(file)
	if err != nil {
		return row{}, fmt.Errorf("cpu profile: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return row{}, fmt.Errorf("cpu profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	return measure()
}

// skipRelated empties the store's related-list queue without computing
// the lists.
func skipRelated(ctx context.Context, db herald.Store) error {
	for {
		list, err := db.ClaimRelatedWork(ctx, 1000, time.Hour)
		if err != nil || len(list) == 0 {
			return err
		}
		ids := make([]int64, len(list))
		for i, a := range list {
			ids[i] = a.ID
		}
		if err := db.FinishRelatedWork(ctx, ids); err != nil {
			return err
		}
	}
}

// probe adds the next n articles one at a time and times each.
func probe(ctx context.Context, pipe *ingest.Pipeline, db herald.Store, lines *bufio.Reader, n int) (row, error) {
	times := make([]time.Duration, 0, n)
	relating := make([]time.Duration, 0, n)
	reading := make([]time.Duration, 0, n)
	for len(times) < n {
		b, err := lines.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) == 0 {
			if err != nil {
				break
			}
			continue
		}
		t0 := time.Now()
		it, perr := ingest.ParseLine(b)
		if perr != nil {
			return row{}, fmt.Errorf("probe: %w", perr)
		}
		a, _, err := pipe.Add(ctx, it)
		if err != nil {
			return row{}, fmt.Errorf("probe: add %s: %w", it.URL, err)
		}
		times = append(times, time.Since(t0))
		// The related lists are computed off the ingest path, by the
		// worker that empties the store's queue: timed apart.
		t1 := time.Now()
		if _, err := pipe.RelateQueued(ctx); err != nil {
			return row{}, fmt.Errorf("probe: related lists of %s: %w", it.URL, err)
		}
		relating = append(relating, time.Since(t1))
		// What an article page does to show the list: one query.
		t2 := time.Now()
		if _, err := db.FindRelated(ctx, a.ID); err != nil {
			return row{}, fmt.Errorf("probe: read the related list of %s: %w", it.URL, err)
		}
		reading = append(reading, time.Since(t2))
	}
	if len(times) == 0 {
		return row{}, errors.New("probe: input ended")
	}
	var placing time.Duration
	for _, d := range times {
		placing += d
	}
	return row{
		probed:     len(times),
		perSecond:  float64(len(times)) / placing.Seconds(),
		p50:        stats.Percentile(times, 50),
		p99:        stats.Percentile(times, 99),
		relatedP50: stats.Percentile(relating, 50),
		relatedP99: stats.Percentile(relating, 99),
		readP50:    stats.Percentile(reading, 50),
		readP99:    stats.Percentile(reading, 99),
	}, nil
}

// readLines reads up to n non-blank lines.
func readLines(r *bufio.Reader, n int) ([]byte, int, error) {
	var buf bytes.Buffer
	k := 0
	for k < n {
		b, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			buf.Write(b)
			if b[len(b)-1] != '\n' {
				buf.WriteByte('\n')
			}
			k++
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, k, fmt.Errorf("read input: %w", err)
		}
	}
	return buf.Bytes(), k, nil
}

// memory returns the process's resident set size and its peak, from
// /proc/self/status; zeros where it cannot be read.
func memory() (rss, peak int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			rss = kb * 1024
		case "VmHWM":
			peak = kb * 1024
		}
	}
	return rss, peak
}

// writtenBytes returns the bytes this process has caused to be written to
// storage (write_bytes in /proc/self/io), or 0 where it cannot be read.
// For PostgreSQL the server writes, not this process, so it stays 0.
func writtenBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

func kb(n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f KB", float64(n)/1024)
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mb(n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}
