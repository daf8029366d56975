// Command searchscale times full-text search on a large store of
// generated articles, on SQLite or PostgreSQL.
//
// Usage, from the project root:
//
//	go run ./bench/searchscale -db /tmp/search-1m.db -n 1000000 -fill-only
//	go run ./bench/searchscale -db /tmp/search-1m.db -n 1000000 [-samples 300]
//	go run ./bench/searchscale -db 'postgres://postgres@127.0.0.1:5432/herald_search_bench?sslmode=disable' -n 100000
//
// Fill: the store at -db (a SQLite file, or a postgres:// DSN of an
// existing database) is filled with the first -n articles that
// `go run ./bench/gen -n N -seed S` writes, through ingest.Importer with a
// pipeline that has only its Articles stage: the copy look-up and
// AddArticle, the store's own write, which keeps the search index. So the
// rows and the index are the ones ingestion makes; stories, topics and
// related lists are left out, as search does not read them. A store that
// already holds some of the articles is filled from where it stopped
// (the generator gives the same lines for the same flags), so one fill
// serves many runs, and an interrupted one can be resumed.
//
// Measure: -samples articles are picked at random (fixed seed) and a
// query made from a run of their title's words: one, two and three words,
// and two words as a quoted phrase. Titles mix common words ("in",
// "says") with rare names, in the proportions the generator writes them,
// so common and rare words are asked for about as often as they occur in
// headlines. The one-word queries are also run sorted by date, limited to
// the article's outlet, and limited to the 30 days before the article.
// Two words in a row from the article's text are asked for as a phrase
// too, by relevance and by date: few titles hold such a phrase, so the
// titles that rank first do not settle it.
// Every query is run once untimed (so the figures are for a warm cache)
// and then timed: the first page of 20, snippets included. It prints
// Markdown tables of p50, p99 and max per kind, and the index's size.
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/indexsize"
	"github.com/herald-news/herald/bench/internal/lines"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/bench/internal/stats"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/related"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sys/unix"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchscale:", err)
		os.Exit(1)
	}
}

type config struct {
	db       string
	n        int
	upto     int
	seed     int64
	samples  int
	related  int
	queries  []string
	slowest  int
	fillOnly bool
	profile  string
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("searchscale", flag.ContinueOnError)
	db := fs.String("db", "", "the store: a SQLite file path or a postgres:// DSN of an existing database (required)")
	n := fs.Int("n", 0, "articles the store holds once filled: the first n that bench/gen -n n writes (required)")
	upto := fs.Int("upto", 0, "fill only the first upto of the n articles (default n): measure at a smaller size, fill on later")
	seed := fs.Int64("seed", 1, "bench/gen's seed, and the seed of the query sample")
	samples := fs.Int("samples", 300, "queries of each kind")
	relatedN := fs.Int("related", 100, "articles whose related list is computed (Refresh) and read (FindRelated); 0 for none")
	queries := fs.String("queries", "", "more queries to time, each 10 times, separated by commas (say, phrases of common words)")
	slowest := fs.Int("slowest", 0, "also list the slowest queries of each kind, this many")
	fillOnly := fs.Bool("fill-only", false, "fill the store and stop")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{db: *db, n: *n, upto: *upto, seed: *seed, samples: *samples, related: *relatedN, slowest: *slowest, fillOnly: *fillOnly, profile: *profile}
	switch {
	case cfg.db == "":
		return config{}, errors.New("-db is required: a SQLite file or a postgres:// DSN")
	case cfg.n < 1:
		return config{}, errors.New("-n is required: the number of articles to fill the store with")
	case cfg.upto < 0 || cfg.upto > cfg.n:
		return config{}, fmt.Errorf("-upto must be from 1 to -n, not %d", cfg.upto)
	case cfg.samples < 1:
		return config{}, fmt.Errorf("-samples must be at least 1, not %d", cfg.samples)
	case cfg.related < 0:
		return config{}, fmt.Errorf("-related must be 0 or more, not %d", cfg.related)
	case cfg.slowest < 0:
		return config{}, fmt.Errorf("-slowest must be 0 or more, not %d", cfg.slowest)
	}
	if cfg.upto == 0 {
		cfg.upto = cfg.n
	}
	if *queries != "" {
		cfg.queries = strings.Split(*queries, ",")
	}
	return cfg, nil
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	if cfg.profile != "" {
		f, err := os.Create(cfg.profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var store herald.Store
	if isPostgres(cfg.db) {
		store, err = postgres.Open(ctx, oneBackend(cfg.db))
	} else {
		store, err = sqlite.Open(ctx, cfg.db)
	}
	if err != nil {
		return err
	}
	defer store.Close()

	if err := fill(ctx, store, cfg); err != nil {
		return err
	}
	if cfg.fillOnly {
		return nil
	}
	loadBefore := machine.LoadAvg()
	fmt.Fprintf(out, "Command: `go run ./bench/searchscale %s`  \n", strings.Join(args, " "))
	if err := measure(ctx, out, store, cfg); err != nil {
		return err
	}
	if err := measureRelated(ctx, out, store, cfg); err != nil {
		return err
	}
	size, err := indexsize.Describe(ctx, store, cfg.db)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nIndex: %s  \n", size)
	fmt.Fprintf(out, "Machine: %s, %d cores (shared with other work), %s; load average before %s, after %s\n",
		machine.CPUModel(), runtime.NumCPU(), runtime.Version(), loadBefore, machine.LoadAvg())
	return nil
}

// stored returns how many articles the store holds, by its highest id:
// the fill never deletes.
func stored(ctx context.Context, store herald.Store) (int, error) {
	docs, _, err := store.TermDocs(ctx, nil)
	return docs, err
}

// fill imports the generated articles the store lacks, skipping the lines
// it already holds.
func fill(ctx context.Context, store herald.Store, cfg config) error {
	have, err := stored(ctx, store)
	if err != nil {
		return err
	}
	if have >= cfg.upto {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gen := exec.CommandContext(ctx, "go", "run", "./bench/gen", "-n", fmt.Sprint(cfg.n), "-seed", fmt.Sprint(cfg.seed))
	gen.Stderr = os.Stderr
	pipe, err := gen.StdoutPipe()
	if err != nil {
		return err
	}
	if err := gen.Start(); err != nil {
		return fmt.Errorf("bench/gen (run from the project root): %w", err)
	}
	// When the fill stops before the generator's end, closing the pipe
	// stops the generator (its writes fail).
	defer func() {
		pipe.Close()
		cancel()
		gen.Wait()
	}()
	input := bufio.NewReaderSize(pipe, 1<<20)
	if k, err := lines.Skip(input, have); err != nil || k < have {
		return fmt.Errorf("skip the %d articles stored: the generator gave %d (%v)", have, k, err)
	}
	fmt.Fprintf(os.Stderr, "searchscale: %d articles stored, filling to %d\n", have, cfg.upto)
	in := io.Reader(input)
	if cfg.upto < cfg.n {
		in = &lineLimit{r: input, left: cfg.upto - have}
	}
	start := time.Now()
	batch := &batcher{ArticleService: store, store: store.(batchAdder)}
	im := &ingest.Importer{
		Pipeline: &ingest.Pipeline{Articles: batch},
		OnReject: func(no int, err error) {
			fmt.Fprintf(os.Stderr, "searchscale: line %d refused: %v\n", have+no, err)
		},
		OnProgress: func(p ingest.Progress) {
			if p.Lines%10000 == 0 {
				fmt.Fprintf(os.Stderr, "searchscale: %d of %d (%.0f articles/s), load %s\n",
					have+p.Lines, cfg.upto, float64(p.Lines)/time.Since(start).Seconds(), machine.LoadAvg())
			}
		},
	}
	prog, err := im.Import(ctx, in)
	if err == nil {
		err = batch.flush(ctx)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "searchscale: filled %d articles in %s (%.0f articles/s)\n",
		prog.Imported, time.Since(start).Round(time.Second), float64(prog.Imported)/time.Since(start).Seconds())
	return nil
}

// batchAdder is a store's AddArticles: AddArticle's work for many
// articles in one transaction.
type batchAdder interface {
	AddArticles(ctx context.Context, as []*herald.Article) (int, error)
}

// fillBatch is how many articles the fill stores in one transaction.
const fillBatch = 1000

// batcher is the fill's article store: it keeps the articles the pipeline
// adds and stores them fillBatch at a time with the store's AddArticles,
// which writes each article's rows and search index as AddArticle does;
// one commit per batch is what makes a million articles fit in an hour.
// The pipeline's look-up for copies finds none: bench/gen writes no two
// articles with the same text (each text is drawn afresh), and a copy in the
// same batch could not be
// found anyway.
type batcher struct {
	herald.ArticleService
	store   batchAdder
	pending []*herald.Article
}

func (b *batcher) FindCopyCandidates(context.Context, uint64, []uint64, int) ([]*herald.Article, error) {
	return nil, nil
}

func (b *batcher) AddArticle(ctx context.Context, a *herald.Article) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, err
	}
	// The band keys serve the look-up for copies alone, which neither
	// search nor related lists make; writing them would double the fill's
	// time (a random insert into a large index for each band).
	a.Dedup.Bands = nil
	b.pending = append(b.pending, a)
	if len(b.pending) >= fillBatch {
		return true, b.flush(ctx)
	}
	return true, nil
}

func (b *batcher) flush(ctx context.Context) error {
	if len(b.pending) == 0 {
		return nil
	}
	_, err := b.store.AddArticles(ctx, b.pending)
	b.pending = b.pending[:0]
	return err
}

// lineLimit reads the first left lines of r.
type lineLimit struct {
	r       *bufio.Reader
	left    int
	pending []byte // read from r, not yet returned
}

func (l *lineLimit) Read(p []byte) (int, error) {
	if len(l.pending) == 0 {
		if l.left <= 0 {
			return 0, io.EOF
		}
		b, err := l.r.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) && len(b) == 0 {
			return 0, err
		}
		if len(b) > 0 && b[len(b)-1] == '\n' || err == io.EOF {
			l.left--
		}
		l.pending = append(l.pending[:0], b...)
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// probe is one timed query.
type probe struct {
	kind   string
	text   string
	filter herald.SearchFilter
}

// probes draws the queries from the titles of randomly chosen articles.
func probes(ctx context.Context, store herald.Store, cfg config, n int) ([]probe, error) {
	rng := rand.New(rand.NewPCG(uint64(cfg.seed), 2))
	// Where in the text a phrase is taken from is drawn apart, so that
	// the titles' queries stay those of earlier runs.
	inText := rand.New(rand.NewPCG(uint64(cfg.seed), 3))
	var out []probe
	add := func(kind, text string, f herald.SearchFilter) error {
		q, err := search.Parse(text)
		if err != nil {
			return fmt.Errorf("query %q: %w", text, err)
		}
		f.Query = q
		out = append(out, probe{kind: kind, text: text, filter: f})
		return nil
	}
	for found := 0; found < cfg.samples; {
		a, err := store.FindArticleByID(ctx, 1+rng.Int64N(int64(n)))
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		toks := search.Tokens(a.Title)
		if len(toks) < 3 {
			continue
		}
		found++
		i := rng.IntN(len(toks) - 2)
		one, two, three := toks[i], strings.Join(toks[i:i+2], " "), strings.Join(toks[i:i+3], " ")
		month := herald.SearchFilter{From: a.PublishedAt.AddDate(0, 0, -30), To: a.PublishedAt.Add(time.Second)}
		body := search.Tokens(a.Text)
		j := inText.IntN(max(len(body)-1, 1))
		textPhrase := `"` + strings.Join(body[j:min(j+2, len(body))], " ") + `"`
		for _, err := range []error{
			add("one word", one, herald.SearchFilter{}),
			add("two words", two, herald.SearchFilter{}),
			add("three words", three, herald.SearchFilter{}),
			add("phrase", `"`+two+`"`, herald.SearchFilter{}),
			add("phrase from the text", textPhrase, herald.SearchFilter{}),
			add("phrase from the text, by date", textPhrase, herald.SearchFilter{Sort: herald.SortDate}),
			add("one word, by date", one, herald.SearchFilter{Sort: herald.SortDate}),
			add("one word, one outlet", one, herald.SearchFilter{SourceID: a.Source.ID}),
			add("one word, 30 days", one, month),
		} {
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func measure(ctx context.Context, out io.Writer, store herald.Store, cfg config) error {
	n, err := stored(ctx, store)
	if err != nil {
		return err
	}
	ps, err := probes(ctx, store, cfg, n)
	if err != nil {
		return err
	}
	for _, q := range cfg.queries {
		f := herald.SearchFilter{}
		if f.Query, err = search.Parse(q); err != nil {
			return fmt.Errorf("query %q: %w", q, err)
		}
		for range 10 {
			ps = append(ps, probe{kind: "`" + q + "`", text: q, filter: f})
		}
	}
	for _, p := range ps { // warm the cache
		if _, err := store.Search(ctx, p.filter); err != nil {
			return err
		}
	}
	// The CPU time of this thread, where SQLite does its work, and of the
	// PostgreSQL backend serving the store tell the cost of a query apart
	// from the waits of a loaded machine.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	backend, err := backendCPU(ctx, cfg.db)
	if err != nil {
		return err
	}
	times, cpu := map[string][]time.Duration{}, map[string][]time.Duration{}
	timed := map[string][]timedQuery{}
	hits := map[string]int{}
	var kinds []string
	for _, p := range ps {
		c0, t0 := threadCPU()+backend(), time.Now()
		res, err := store.Search(ctx, p.filter)
		if err != nil {
			return err
		}
		if _, ok := times[p.kind]; !ok {
			kinds = append(kinds, p.kind)
		}
		took := time.Since(t0)
		times[p.kind] = append(times[p.kind], took)
		timed[p.kind] = append(timed[p.kind], timedQuery{p.text, took})
		cpu[p.kind] = append(cpu[p.kind], threadCPU()+backend()-c0)
		hits[p.kind] += len(res.Hits)
	}
	name := storeName(cfg)
	fmt.Fprintf(out, "\n%s, %d articles stored:\n\n", name, n)
	fmt.Fprintln(out, "| store | articles | query | samples | p50 | p99 | max | CPU p50 | CPU p99 | mean hits on page 1 |")
	fmt.Fprintln(out, "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, k := range kinds {
		t, c := times[k], cpu[k]
		fmt.Fprintf(out, "| %s | %d | %s | %d | %s | %s | %s | %s | %s | %.1f |\n", name, n, k, len(t),
			ms(stats.Percentile(t, 50)), ms(stats.Percentile(t, 99)), ms(stats.Percentile(t, 100)),
			ms(stats.Percentile(c, 50)), ms(stats.Percentile(c, 99)), float64(hits[k])/float64(len(t)))
	}
	if isPostgres(cfg.db) {
		fmt.Fprintln(out, "\n(CPU: this process's thread and the PostgreSQL backend serving the store, by /proc/PID/schedstat.)")
	}
	if cfg.slowest > 0 {
		writeSlowest(out, kinds, timed, cfg.slowest)
	}
	return nil
}

// timedQuery is one query's text and wall time.
type timedQuery struct {
	text string
	took time.Duration
}

// writeSlowest lists the n slowest queries of each kind, to be looked at
// with EXPLAIN.
func writeSlowest(out io.Writer, kinds []string, timed map[string][]timedQuery, n int) {
	fmt.Fprintf(out, "\nThe %d slowest of each kind:\n\n", n)
	for _, k := range kinds {
		qs := slices.SortedFunc(slices.Values(timed[k]), func(a, b timedQuery) int { return cmp.Compare(b.took, a.took) })
		for _, q := range qs[:min(n, len(qs))] {
			fmt.Fprintf(out, "- %s: `%s` %s\n", k, q.text, ms(q.took))
		}
	}
}

// timedStore times the store calls a related list is computed with.
// The calls run on the measuring thread; cpu adds the time the store's
// PostgreSQL backend spent (see backendCPU).
type timedStore struct {
	herald.Store
	cpu                     func() time.Duration
	similar, termDocs       []time.Duration
	similarCPU, termDocsCPU []time.Duration
}

func (s *timedStore) FindSimilar(ctx context.Context, id int64, terms []string, within, limit int) ([]herald.Similar, error) {
	c0, t0 := s.cpu(), time.Now()
	found, err := s.Store.FindSimilar(ctx, id, terms, within, limit)
	s.similar, s.similarCPU = append(s.similar, time.Since(t0)), append(s.similarCPU, s.cpu()-c0)
	return found, err
}

func (s *timedStore) TermDocs(ctx context.Context, terms []string) (int, []int, error) {
	c0, t0 := s.cpu(), time.Now()
	docs, df, err := s.Store.TermDocs(ctx, terms)
	s.termDocs, s.termDocsCPU = append(s.termDocs, time.Since(t0)), append(s.termDocsCPU, s.cpu()-c0)
	return docs, df, err
}

// measureRelated computes the related lists of cfg.related articles
// chosen at random, as on their arrival (related.Recommender's Refresh:
// the list from FindSimilar's candidates, then offers to the lists of its
// closest articles; no stories or topics, which the fill does not keep),
// timing FindSimilar and TermDocs within it, then reads each list as a
// page does (FindRelated).
func measureRelated(ctx context.Context, out io.Writer, store herald.Store, cfg config) error {
	if cfg.related == 0 {
		return nil
	}
	n, err := stored(ctx, store)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.seed), 3))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	backend, err := backendCPU(ctx, cfg.db)
	if err != nil {
		return err
	}
	cpuNow := func() time.Duration { return threadCPU() + backend() }
	ts := &timedStore{Store: store, cpu: cpuNow}
	rec := &related.Recommender{Store: ts}
	var compute, read, computeCPU, readCPU []time.Duration
	var ids []int64
	for len(ids) < cfg.related {
		a, err := store.FindArticleByID(ctx, 1+rng.Int64N(int64(n)))
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		c0, t0 := cpuNow(), time.Now()
		if err := rec.Refresh(ctx, a); err != nil {
			return err
		}
		compute, computeCPU = append(compute, time.Since(t0)), append(computeCPU, cpuNow()-c0)
		ids = append(ids, a.ID)
	}
	for _, id := range ids { // once untimed, as the searches
		if _, err := store.FindRelated(ctx, id); err != nil {
			return err
		}
	}
	items := 0
	for _, id := range ids {
		c0, t0 := cpuNow(), time.Now()
		list, err := store.FindRelated(ctx, id)
		if err != nil {
			return err
		}
		read, readCPU = append(read, time.Since(t0)), append(readCPU, cpuNow()-c0)
		items += len(list)
	}
	name := storeName(cfg)
	fmt.Fprintf(out, "\n| store | articles | related lists | samples | p50 | p99 | max | CPU p50 | CPU p99 |\n| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	row := func(what string, t, c []time.Duration) {
		fmt.Fprintf(out, "| %s | %d | %s | %d | %s | %s | %s | %s | %s |\n", name, n, what, len(t),
			ms(stats.Percentile(t, 50)), ms(stats.Percentile(t, 99)), ms(stats.Percentile(t, 100)),
			ms(stats.Percentile(c, 50)), ms(stats.Percentile(c, 99)))
	}
	row("compute one (Refresh: its list, then offers to its closest)", compute, computeCPU)
	row("… FindSimilar, per call", ts.similar, ts.similarCPU)
	row("… TermDocs, per call", ts.termDocs, ts.termDocsCPU)
	row(fmt.Sprintf("read one (FindRelated; %.1f items a list)", float64(items)/float64(len(ids))), read, readCPU)
	return nil
}

func storeName(cfg config) string {
	if isPostgres(cfg.db) {
		return "PostgreSQL"
	}
	return "SQLite"
}

// storeApp names the store's connection to PostgreSQL, so that
// backendCPU can find its server process.
const storeApp = "searchscale-store"

// oneBackend returns dsn (a URL) with one connection in the store's pool,
// named storeApp: every query of the store then runs in one server
// process whose CPU time can be read. A key=value DSN is left as it is.
func oneBackend(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn
	}
	q := u.Query()
	q.Set("pool_max_conns", "1")
	q.Set("application_name", storeApp)
	u.RawQuery = q.Encode()
	return u.String()
}

// backendCPU returns a function that reads the CPU time of the PostgreSQL
// backend serving the store (the server runs on this machine); for SQLite,
// or when it cannot be found, one that returns 0.
func backendCPU(ctx context.Context, db string) (func() time.Duration, error) {
	none := func() time.Duration { return 0 }
	if !isPostgres(db) {
		return none, nil
	}
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	var pid int
	err = conn.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
		storeApp).Scan(&pid)
	if err != nil {
		fmt.Fprintf(os.Stderr, "searchscale: the store's PostgreSQL backend was not found (%v): CPU is this process's alone\n", err)
		return none, nil
	}
	path := fmt.Sprintf("/proc/%d/schedstat", pid)
	return func() time.Duration { return schedCPU(path) }, nil
}

// schedCPU returns the time on a CPU that the schedstat file at path
// gives, to the nanosecond; 0 if it cannot be read.
func schedCPU(path string) time.Duration {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	ns, _ := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns)
}

// threadCPU returns the calling OS thread's time on a CPU, to the
// nanosecond. getrusage's per-thread figure, and the thread's own
// schedstat read while it runs, move only at scheduler ticks (4 ms here):
// too coarse for a read of a related list.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
