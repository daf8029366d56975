// Command ingest measures Herald's ingestion end to end against a local
// origin: articles per second from feed to store, the peak resident memory,
// and the proof, from the origin's own log, that Herald was polite.
//
// Usage:
//
//	go run ./bench/ingest [-feeds 1000] [-hosts 50] [-items 20] [-latency 20ms] \
//		[-host-delay 50ms] [-workers 16] [-fulltext-share 0.5] [-private-every 10] \
//		[-db /tmp/bench-ingest.db | -db 'postgres://…'] [-origin-log origin.tsv] \
//		[-cpuprofile cpu.out] [-seed 1] [-timeout 30m] [-v]
//
// The defaults are the full run: 1,000 feeds of 20 items on 50 hosts,
// 20,000 articles, a few minutes on two cores.
//
// One http.Server on 127.0.0.1 answers for every host
// (outlet-NN.bench.example, told apart by the Host header; Herald's fetch
// client is pointed at it with fetch.Config.HostAddrs), and every request
// waits -latency before it is answered. Each host serves robots.txt
// (disallowing /private/), its feeds at /feeds/K.xml (RSS 2.0) and article
// pages at /articles/K/J-slug.html, with navigation, share buttons,
// comments and a footer around the article; some pages link under /private/.
// A share of the feeds (-fulltext-share) carries each article's full text
// in content:encoded; the others carry a one-sentence summary, so Herald
// fetches and extracts each article's page. In every -private-every'th
// summary-only feed the oldest item links under /private/: Herald must
// refuse it by robots.txt, never request it, and keep the feed's summary.
// All text is generated, the same for the same -seed.
//
// The command adds one followed source per feed to a fresh store (-db: a
// SQLite file that must not exist yet, default a temporary one, or a
// postgres:// DSN whose schema is empty), then runs ingest.Follower.RunOnce
// until no source is due, timing from the first claim to the end. It prints
// a Markdown report: the figures, the origin log's proof (no host ever had
// two requests in flight; no disallowed path was requested; every /private/
// item was refused), the store's count of articles, a sample of stored
// text checked against what was generated, and, to tell where the time
// went, the store calls timed, the process's CPU time and the time it spent
// waiting for a CPU (the machine may be shared), and Herald's log lines
// counted. It exits 1 if any check fails. -origin-log writes the origin's
// log as tab-separated lines; -cpuprofile profiles the ingestion.
//
// The origin runs in the same process, generating every answer on the fly,
// so the peak RSS (VmHWM) includes it; it holds nothing but its log.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/bench/internal/newstext"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/prometheus/client_golang/prometheus"
)

// config is what the flags set.
type config struct {
	Feeds, Hosts, Items int
	Latency, HostDelay  time.Duration
	Workers             int
	FulltextShare       float64
	PrivateEvery        int
	DB                  string
	OriginLog           string
	CPUProfile          string
	Seed                uint64
	Timeout             time.Duration
	Verbose             bool
	Args                []string // as given, for the report
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.IntVar(&cfg.Feeds, "feeds", 1000, "feeds to follow")
	fs.IntVar(&cfg.Hosts, "hosts", 50, "hosts the feeds are spread over")
	fs.IntVar(&cfg.Items, "items", 20, "items per feed")
	fs.DurationVar(&cfg.Latency, "latency", 20*time.Millisecond, "how long the origin waits before answering each request")
	fs.DurationVar(&cfg.HostDelay, "host-delay", 50*time.Millisecond, "Herald's pause between requests to one host (fetch.Config.HostDelay; 0: none)")
	fs.IntVar(&cfg.Workers, "workers", 16, "sources checked at once (ingest.Follower.Workers)")
	fs.Float64Var(&cfg.FulltextShare, "fulltext-share", 0.5, "share of feeds carrying full content; the rest carry a summary")
	fs.IntVar(&cfg.PrivateEvery, "private-every", 10, "every n-th summary-only feed has an item linking under /private/ (0: none)")
	fs.StringVar(&cfg.DB, "db", "", "a new SQLite file, or a postgres:// DSN with an empty schema (default: a temporary SQLite file)")
	fs.StringVar(&cfg.OriginLog, "origin-log", "", "write the origin's request log to this file (TSV)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the generated text")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Minute, "give up after this long")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the ingestion (origin included) to this file")
	fs.BoolVar(&cfg.Verbose, "v", false, "write Herald's warnings to stderr as they happen")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case cfg.Feeds < 1 || cfg.Hosts < 1 || cfg.Items < 1:
		return cfg, errors.New("-feeds, -hosts and -items must be at least 1")
	case cfg.Items >= 1<<20:
		return cfg, errors.New("-items must be below 1,048,576")
	case cfg.Items > 50:
		// Follower.MaxNewItems: a first check takes the newest 50.
		return cfg, errors.New("-items above 50 would leave items for a second check")
	case cfg.FulltextShare < 0 || cfg.FulltextShare > 1:
		return cfg, errors.New("-fulltext-share must be between 0 and 1")
	case cfg.Workers < 1:
		return cfg, errors.New("-workers must be at least 1")
	case cfg.Latency < 0 || cfg.HostDelay < 0 || cfg.PrivateEvery < 0:
		return cfg, errors.New("-latency, -host-delay and -private-every cannot be negative")
	}
	cfg.Args = args
	return cfg, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
	res.writeMarkdown(os.Stdout)
	if failed := res.failed(); len(failed) > 0 {
		for _, c := range failed {
			fmt.Fprintf(os.Stderr, "ingest: check failed: %s: %s, want %s\n", c.Name, c.Seen, c.Want)
		}
		os.Exit(1)
	}
}

// store is what the benchmark needs of a Herald store.
type store interface {
	ingest.Store
	Close() error
}

// openStore opens the store dsn names, or a temporary SQLite file when it
// is empty. The returned function closes it and removes what it created.
func openStore(ctx context.Context, dsn string) (store, string, func(), error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, "", nil, err
		}
		return db, "PostgreSQL", func() { db.Close() }, nil
	}
	cleanup := func() {}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "bench-ingest-")
		if err != nil {
			return nil, "", nil, err
		}
		dsn = filepath.Join(dir, "herald.db")
		cleanup = func() { os.RemoveAll(dir) }
	} else if _, err := os.Stat(dsn); err == nil {
		return nil, "", nil, fmt.Errorf("-db %s exists: give the path of a new file", dsn)
	}
	db, err := sqlite.Open(ctx, dsn)
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return db, "SQLite", func() { db.Close(); cleanup() }, nil
}

// result is everything one run measured.
type result struct {
	cfg   config
	store string

	FullFeeds, Expected, PagesExpected, PrivateItems int

	AddTime, Wall  time.Duration
	Rounds         int
	Checked        int // sources checked, over all rounds
	SourcesOK      int
	SourceErrors   map[string]int // LastError → sources
	Stored         int            // sum of ArticleCount
	MissingURLs    []string       // expected articles not found in the store
	Gets           fetchStats
	Origin         originStats
	Extracts       int
	ExtractTime    time.Duration
	Logs           []*logCount
	PeakRSS        int64 // bytes
	Load0, Load1   string
	Sample         sampleStats
	Floor          time.Duration // what politeness alone costs
	MaxHostRequest int           // the most requests any one host got
	CPU            sched         // the process's, during ingestion
	IO             ioStats       // the process's, during ingestion
	StoreOps       []opStats     // the Follower's store calls, timed
	Utilisation    float64       // of the workers, over the wall time
}

// run sets up the origin and the store, ingests, and checks.
func run(ctx context.Context, cfg config, logw io.Writer) (*result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	res := &result{cfg: cfg, Load0: loadAverage()}
	w := newWorld(cfg)
	res.FullFeeds, res.PrivateItems, res.PagesExpected = w.fullFeeds(), w.privateItems(), w.pagesExpected()
	res.Expected = cfg.Feeds * cfg.Items

	o := newOrigin(w, cfg.Latency)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: o, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) // returns http.ErrServerClosed when Close below ends it
	defer srv.Close()

	db, kind, closeDB, err := openStore(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	res.store = kind

	start := time.Now()
	for i := range cfg.Feeds {
		licence := herald.LicenceFull
		if i%3 == 2 {
			licence = herald.LicenceExcerpt
		}
		src := &herald.Source{Name: w.sourceName(i), Homepage: w.homepage(i), FeedURL: w.feedURL(i),
			Kind: herald.KindFeed, Licence: licence, Fulltext: herald.FulltextAuto}
		if err := db.AddSource(ctx, src); err != nil {
			return nil, fmt.Errorf("add source %s: %w (is the store empty?)", src.FeedURL, err)
		}
	}
	res.AddTime = time.Since(start)

	hosts := map[string]string{}
	for h := range cfg.Hosts {
		hosts[w.hostName(h)] = ln.Addr().String()
	}
	delay := cfg.HostDelay
	if delay == 0 {
		delay = -1 // fetch.Config: 0 means the 1 s default, negative none
	}
	reg := prometheus.NewRegistry()
	metrics := ingest.NewMetrics(reg)
	gets := &fetchCounter{errors: map[string]int{}}
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostAddrs: hosts, HostDelay: delay,
		Observe: func(ob fetch.Observation) { gets.add(ob); metrics.ObserveFetch(ob) }})
	logs := &logCounter{counts: map[string]*logCount{}}
	if cfg.Verbose {
		logs.w = logw
	}
	timed := &timedStore{Store: db, times: map[string][]time.Duration{}}
	f := &ingest.Follower{Store: timed, Pipeline: &ingest.Pipeline{Articles: timed}, Fetcher: client,
		Logger: slog.New(logs), Metrics: metrics, Owner: "bench-ingest", Workers: cfg.Workers}

	if cfg.CPUProfile != "" {
		pf, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile() // stopped below; a second stop does nothing
	}
	cpu0, io0 := schedStats(), procIO()
	start = time.Now()
	lastNote := start
	for {
		n := f.RunOnce(ctx)
		if n == 0 {
			break
		}
		res.Rounds++
		res.Checked += n
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ingest: %w", ctx.Err())
		}
		if time.Since(lastNote) > 10*time.Second {
			lastNote = time.Now()
			fmt.Fprintf(logw, "ingest: %s: %d of %d sources checked, %d requests\n",
				time.Since(start).Round(time.Second), res.Checked, cfg.Feeds, gets.stats().N)
		}
	}
	end := time.Now()
	pprof.StopCPUProfile()
	res.Wall = end.Sub(start)
	res.Utilisation = timed.utilisation(cfg.Workers, start, end)
	res.CPU = schedStats().minus(cpu0)
	res.IO = procIO().minus(io0)
	res.StoreOps = timed.stats()
	res.PeakRSS = peakRSS() // before the checks below, which hold every URL
	res.Load1 = loadAverage()
	res.Gets = gets.stats()
	res.Origin = o.stats()
	res.Logs = logs.list()
	res.Extracts, res.ExtractTime = extractTime(reg)
	res.Floor, res.MaxHostRequest = politenessFloor(o, cfg)

	if err := res.checkStore(ctx, db, w); err != nil {
		return nil, err
	}
	if cfg.OriginLog != "" {
		if err := writeFile(cfg.OriginLog, o.writeLog); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkStore counts what the store holds: articles per source, the sources'
// fetch states, the expected URLs, and a sample of the stored text.
func (res *result) checkStore(ctx context.Context, db store, w *world) error {
	sources, err := db.FindSources(ctx)
	if err != nil {
		return err
	}
	res.SourceErrors = map[string]int{}
	for _, s := range sources {
		res.Stored += s.ArticleCount
		switch {
		case s.Fetch.Status == herald.FetchOK:
			res.SourcesOK++
		default:
			res.SourceErrors[s.Fetch.Status+": "+s.Fetch.LastError]++
		}
	}

	stored := map[string]int64{} // original URL → ID
	for cursor := ""; ; {
		list, next, err := db.FindArticles(ctx, herald.ArticleFilter{Limit: herald.MaxPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, a := range list {
			stored[a.OriginalURL] = a.ID
		}
		if next == "" {
			break
		}
		cursor = next
	}
	// Every article is read back for a sample of feeds: its text must be
	// the body without the page's furniture, or the summary for /private/.
	sampleEvery := max(1, res.cfg.Feeds/50)
	for i := range res.cfg.Feeds {
		for j := range res.cfg.Items {
			u := w.articleURL(i, j, w.head(i, j))
			id, ok := stored[u]
			if !ok {
				res.MissingURLs = append(res.MissingURLs, u)
				continue
			}
			if i%sampleEvery != 0 {
				continue
			}
			a := w.article(i, j)
			got, err := db.FindArticleByID(ctx, id)
			if err != nil {
				return err
			}
			res.Sample.check(got, a, w.private(i, j))
		}
	}
	return nil
}

// sampleStats is what reading stored articles back showed.
type sampleStats struct {
	Articles  int
	Furniture map[string]int // page furniture found in stored text, by phrase
	Short     []string       // text with under 90% of the body's words
	Long      []string       // text with over 110% of the body's words
	Titles    int            // titles that differ from the feed's
	WordRatio float64        // stored words over generated words, summed, for the mean
}

var furniture = []string{"Share on Facebook", "Advertisement", "Most read", "All rights reserved", "morning newsletter",
	"Post comment", "Cookie settings", "Skip to content", "Photograph:", "Topics:", "Newsroom", "Copy link"}

func (s *sampleStats) check(got *herald.Article, want *newstext.Article, private bool) {
	if s.Furniture == nil {
		s.Furniture = map[string]int{}
	}
	s.Articles++
	for _, f := range furniture {
		if strings.Contains(got.Text, f) {
			s.Furniture[f]++
		}
	}
	for _, c := range newstext.CommentLines {
		if strings.Contains(got.Text, c) {
			s.Furniture["a reader's comment"]++
			break
		}
	}
	if got.Title != want.Title {
		s.Titles++
	}
	words := want.Words
	if private {
		words = herald.CountWords(want.Summary)
	}
	n := herald.CountWords(got.Text)
	ratio := float64(n) / float64(words)
	s.WordRatio += ratio
	switch {
	case ratio < 0.9:
		s.Short = append(s.Short, fmt.Sprintf("%s: %d of %d words", got.OriginalURL, n, words))
	case ratio > 1.1:
		s.Long = append(s.Long, fmt.Sprintf("%s: %d of %d words", got.OriginalURL, n, words))
	}
}

// fetchCounter adds up the fetch client's observations.
type fetchCounter struct {
	mu     sync.Mutex // mu guards the fields below
	n      int
	errors map[string]int // by fetch.Error kind
	wait   time.Duration
	total  time.Duration
	bytes  int64
}

type fetchStats struct {
	N           int
	Errors      map[string]int
	Wait, Total time.Duration
	Bytes       int64
}

func (c *fetchCounter) add(o fetch.Observation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if o.ErrorKind != "" {
		c.errors[o.ErrorKind]++
	}
	c.wait += o.Wait
	c.total += o.Duration
	c.bytes += o.Bytes
}

func (c *fetchCounter) stats() fetchStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := make(map[string]int, len(c.errors))
	for k, v := range c.errors {
		errs[k] = v
	}
	return fetchStats{N: c.n, Errors: errs, Wait: c.wait, Total: c.total, Bytes: c.bytes}
}

// logCounter is the Follower's slog.Handler: it counts records by level
// and message and keeps the first of each as an example.
type logCounter struct {
	w io.Writer // if set, warnings and errors are also written here

	mu     sync.Mutex // mu guards counts and writes to w
	counts map[string]*logCount
}

type logCount struct {
	Level   slog.Level
	Msg     string
	N       int
	Example string
}

func (c *logCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%q", a.Key, a.Value.String())
		return true
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	key := r.Level.String() + " " + r.Message
	lc := c.counts[key]
	if lc == nil {
		lc = &logCount{Level: r.Level, Msg: r.Message, Example: strings.TrimSpace(b.String())}
		c.counts[key] = lc
	}
	lc.N++
	if c.w != nil && r.Level >= slog.LevelWarn {
		fmt.Fprintf(c.w, "%s %s%s\n", r.Level, r.Message, b.String())
	}
	return nil
}

// WithAttrs and WithGroup return c itself: the Follower uses neither.
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCounter) WithGroup(string) slog.Handler      { return c }

func (c *logCounter) list() []*logCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	var list []*logCount
	for _, lc := range c.counts {
		list = append(list, lc)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Level != list[j].Level {
			return list[i].Level > list[j].Level
		}
		return list[i].Msg < list[j].Msg
	})
	return list
}

// timedStore times the store calls the Follower and the Pipeline make.
type timedStore struct {
	ingest.Store

	mu     sync.Mutex // mu guards times and events
	times  map[string][]time.Duration
	events []busyEvent
}

// busyEvent is a change in the number of claimed sources not yet recorded.
type busyEvent struct {
	at time.Time
	n  int
}

func (s *timedStore) took(op string, start time.Time) {
	d := time.Since(start)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times[op] = append(s.times[op], d)
}

func (s *timedStore) AddArticle(ctx context.Context, a *herald.Article) (bool, error) {
	defer s.took("AddArticle", time.Now())
	return s.Store.AddArticle(ctx, a)
}

// FindCopyCandidates is the Pipeline's look-up for copies of a text,
// made with AddArticle as one step for texts that could be copies.
func (s *timedStore) FindCopyCandidates(ctx context.Context, hash uint64, bands []uint64, limit int) ([]*herald.Article, error) {
	defer s.took("FindCopyCandidates", time.Now())
	return s.Store.FindCopyCandidates(ctx, hash, bands, limit)
}

func (s *timedStore) SeenItems(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error) {
	defer s.took("SeenItems", time.Now())
	return s.Store.SeenItems(ctx, sourceID, keys)
}

func (s *timedStore) ClaimDueSources(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Source, error) {
	defer s.took("ClaimDueSources", time.Now())
	list, err := s.Store.ClaimDueSources(ctx, owner, lease, limit)
	s.mu.Lock()
	s.events = append(s.events, busyEvent{time.Now(), len(list)})
	s.mu.Unlock()
	return list, err
}

func (s *timedStore) RecordFetch(ctx context.Context, sourceID int64, owner string, state herald.FetchState) error {
	defer s.took("RecordFetch", time.Now())
	s.mu.Lock()
	s.events = append(s.events, busyEvent{time.Now(), -1})
	s.mu.Unlock()
	return s.Store.RecordFetch(ctx, sourceID, owner, state)
}

// utilisation is the share of workers×(end-start) the workers spent
// checking sources: a Follower runs min(workers, claimed sources not yet
// done) checks at once, and claims again only when a whole batch is done.
func (s *timedStore) utilisation(workers int, start, end time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var busy float64 // worker-seconds
	pending, last := 0, start
	for _, e := range s.events {
		busy += float64(min(pending, workers)) * e.at.Sub(last).Seconds()
		pending += e.n
		last = e.at
	}
	busy += float64(min(pending, workers)) * end.Sub(last).Seconds()
	return busy / (float64(workers) * end.Sub(start).Seconds())
}

// opStats sums up one store method's calls; First and Last are the mean
// of the first and the last tenth of the calls, to show a slowdown as the
// store grows.
type opStats struct {
	Op                                      string
	N                                       int
	Total, Mean, P50, P99, Max, First, Last time.Duration
}

func (s *timedStore) stats() []opStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	mean := func(ds []time.Duration) time.Duration {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return sum / time.Duration(max(1, len(ds)))
	}
	var list []opStats
	for op, ds := range s.times {
		tenth := max(1, len(ds)/10)
		st := opStats{Op: op, N: len(ds), Mean: mean(ds), First: mean(ds[:tenth]), Last: mean(ds[len(ds)-tenth:])}
		sorted := append([]time.Duration(nil), ds...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		for _, d := range sorted {
			st.Total += d
		}
		st.P50, st.P99, st.Max = sorted[len(sorted)/2], sorted[len(sorted)*99/100], sorted[len(sorted)-1]
		list = append(list, st)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Total > list[j].Total })
	return list
}

// sched is time from the scheduler's statistics, summed over the process's
// threads (/proc/self/task/*/schedstat): on a CPU, and runnable but
// waiting for one. Threads that end are lost from the sum, but the Go
// runtime seldom ends one.
type sched struct{ OnCPU, Waiting time.Duration }

func (a sched) minus(b sched) sched { return sched{a.OnCPU - b.OnCPU, a.Waiting - b.Waiting} }

func schedStats() sched {
	var s sched
	paths, err := filepath.Glob("/proc/self/task/*/schedstat")
	if err != nil {
		return s
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue // the thread has ended
		}
		f := strings.Fields(string(data))
		if len(f) < 2 {
			continue
		}
		run, err1 := strconv.ParseInt(f[0], 10, 64)
		wait, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil {
			s.OnCPU += time.Duration(run)
			s.Waiting += time.Duration(wait)
		}
	}
	return s
}

// ioStats is what the process wrote (/proc/self/io): bytes passed to
// write calls (files and sockets alike), and bytes sent to the disk.
type ioStats struct{ WChar, WriteBytes int64 }

func (a ioStats) minus(b ioStats) ioStats {
	return ioStats{a.WChar - b.WChar, a.WriteBytes - b.WriteBytes}
}

func procIO() ioStats {
	var s ioStats
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return s
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(line, ":")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch {
		case err != nil:
		case k == "wchar":
			s.WChar = n
		case k == "write_bytes":
			s.WriteBytes = n
		}
	}
	return s
}

// extractTime reads the extraction histogram of Herald's own metrics.
func extractTime(reg *prometheus.Registry) (int, time.Duration) {
	families, err := reg.Gather()
	if err != nil {
		return 0, 0
	}
	for _, mf := range families {
		if mf.GetName() != "herald_extract_duration_seconds" || len(mf.GetMetric()) == 0 {
			continue
		}
		h := mf.GetMetric()[0].GetHistogram()
		return int(h.GetSampleCount()), time.Duration(h.GetSampleSum() * float64(time.Second))
	}
	return 0, 0
}

// politenessFloor is the least time politeness alone allows: the busiest
// host's requests one after another, each taking the latency and followed
// by the host delay; or, when there are fewer workers than hosts, every
// request's share of the workers, since a worker checks one source, on
// one host, at a time.
func politenessFloor(o *origin, cfg config) (time.Duration, int) {
	o.mu.Lock()
	perHost := map[string]int{}
	for _, e := range o.log {
		perHost[e.Host]++
	}
	total := len(o.log)
	o.mu.Unlock()
	busiest := 0
	for _, n := range perHost {
		busiest = max(busiest, n)
	}
	step := cfg.Latency + cfg.HostDelay
	floor := time.Duration(busiest) * step
	if cfg.Workers < cfg.Hosts {
		floor = max(floor, time.Duration(total)*step/time.Duration(cfg.Workers))
	}
	return floor, busiest
}

// peakRSS is the process's peak resident set (VmHWM), in bytes; 0 where
// /proc is missing.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// loadAverage is the 1-, 5- and 15-minute load averages, "" where /proc is
// missing.
func loadAverage() string { return machine.LoadAvg() }

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// check is one pass/fail line of the report.
type check struct {
	Name, Seen, Want string
	OK               bool
}

func (res *result) checks() []check {
	disallowed := strconv.Itoa(len(res.Origin.Disallowed))
	if len(res.Origin.Disallowed) > 0 {
		disallowed += " (" + strings.Join(res.Origin.Disallowed[:min(3, len(res.Origin.Disallowed))], ", ") + ")"
	}
	okSources := res.SourcesOK == res.cfg.Feeds
	return []check{
		{"most requests in flight at once to any one host (origin log)", num(res.Origin.MaxInFlight), "1",
			res.Origin.MaxInFlight == 1 && res.Origin.Overlaps == 0},
		{"requests for paths robots.txt disallows (origin log)", disallowed, "0", len(res.Origin.Disallowed) == 0},
		{"items linking under /private/ refused by robots.txt (Herald's fetch errors)", num(res.Gets.Errors[string(fetch.KindRobots)]),
			num(res.PrivateItems), res.Gets.Errors[string(fetch.KindRobots)] == res.PrivateItems},
		{"robots.txt requests (one per host)", num(res.Origin.Robots), num(res.cfg.Hosts), res.Origin.Robots == res.cfg.Hosts},
		{"feed requests", num(res.Origin.Feeds), num(res.cfg.Feeds), res.Origin.Feeds == res.cfg.Feeds},
		{"article pages requested (summary-only items, /private/ ones left out)", num(res.Origin.Pages), num(res.PagesExpected),
			res.Origin.Pages == res.PagesExpected},
		{"other requests", num(res.Origin.Other), "0", res.Origin.Other == 0},
		{"sources checked without error", num(res.SourcesOK), num(res.cfg.Feeds), okSources},
		{"articles stored (sum of FindSources' ArticleCount)", num(res.Stored), num(res.Expected), res.Stored == res.Expected},
		{"expected article URLs missing from the store", num(len(res.MissingURLs)), "0", len(res.MissingURLs) == 0},
	}
}

func (res *result) failed() []check {
	var failed []check
	for _, c := range res.checks() {
		if !c.OK {
			failed = append(failed, c)
		}
	}
	return failed
}

// writeMarkdown writes the report, ready for docs/BENCHMARKS.md.
func (res *result) writeMarkdown(w io.Writer) {
	cfg := res.cfg
	perSec := float64(res.Stored) / res.Wall.Seconds()
	fmt.Fprintf(w, "### Ingestion end to end: %s feeds on %d hosts, %s\n\n", num(cfg.Feeds), cfg.Hosts, res.store)
	fmt.Fprintf(w, "```sh\ngo run ./bench/ingest %s\n```\n\n", shellJoin(cfg.Args))
	fmt.Fprintln(w, "| figure | value |")
	fmt.Fprintln(w, "| --- | ---: |")
	row := func(name, format string, args ...any) {
		fmt.Fprintf(w, "| %s | %s |\n", name, fmt.Sprintf(format, args...))
	}
	row("feeds (full content / summary only)", "%s (%s / %s)", num(cfg.Feeds), num(res.FullFeeds), num(cfg.Feeds-res.FullFeeds))
	row("hosts · items per feed", "%d · %d", cfg.Hosts, cfg.Items)
	row("origin latency · host delay · workers", "%s · %s · %d", cfg.Latency, cfg.HostDelay, cfg.Workers)
	row("articles ingested", "%s", num(res.Stored))
	row("wall time, first claim to last source recorded", "%.1f s", res.Wall.Seconds())
	row("**articles/s**", "**%s**", num(int(math.Round(perSec))))
	row("sources checked · RunOnce rounds · workers busy", "%s · %d · %.0f%%", num(res.Checked), res.Rounds, 100*res.Utilisation)
	row("requests: feeds / pages / robots.txt / other", "%s / %s / %s / %s",
		num(res.Origin.Feeds), num(res.Origin.Pages), num(res.Origin.Robots), num(res.Origin.Other))
	row("requests/s", "%.0f", float64(res.Origin.Requests)/res.Wall.Seconds())
	row("politeness floor: (latency + host delay) × the busiest host's requests, or × requests per worker",
		"%.1f s (%.0f%% of wall; busiest host %s requests)",
		res.Floor.Seconds(), 100*res.Floor.Seconds()/res.Wall.Seconds(), num(res.MaxHostRequest))
	if res.Gets.N > 0 {
		row("fetch: Gets · mean time · of which waiting for the host", "%s · %.0f ms · %.0f ms", num(res.Gets.N),
			ms(res.Gets.Total)/float64(res.Gets.N), ms(res.Gets.Wait)/float64(res.Gets.N))
	}
	if res.Extracts > 0 {
		row("pages extracted · mean extraction time", "%s · %.1f ms", num(res.Extracts), ms(res.ExtractTime)/float64(res.Extracts))
	}
	row("bytes received", "%.1f MB", float64(res.Gets.Bytes)/1e6)
	row("origin time generating answers (same process, wall clock)", "%.1f s", res.Origin.Busy.Seconds())
	if res.CPU.OnCPU > 0 {
		row("process CPU time · time runnable but waiting for a CPU (summed over threads)", "%.1f s (%.2f cores) · %.1f s",
			res.CPU.OnCPU.Seconds(), res.CPU.OnCPU.Seconds()/res.Wall.Seconds(), res.CPU.Waiting.Seconds())
	}
	if res.IO.WChar > 0 {
		row("written by the process: write calls (files and sockets) · to disk", "%.0f MB · %.0f MB",
			float64(res.IO.WChar)/1e6, float64(res.IO.WriteBytes)/1e6)
	}
	row("adding the sources (before timing)", "%.1f s", res.AddTime.Seconds())
	row("**peak RSS** (VmHWM, origin included)", "**%.0f MB**", float64(res.PeakRSS)/(1<<20))
	row("load average (1, 5, 15 min) before · after", "%s · %s", res.Load0, res.Load1)
	row("Go · GOMAXPROCS", "%s · %d", runtime.Version(), runtime.GOMAXPROCS(0))

	fmt.Fprintln(w, "\nChecks, from the origin's own log and the store:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| check | seen | required | |")
	fmt.Fprintln(w, "| --- | ---: | ---: | --- |")
	for _, c := range res.checks() {
		mark := "ok"
		if !c.OK {
			mark = "**FAILED**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", c.Name, c.Seen, c.Want, mark)
	}

	s := res.Sample
	fmt.Fprintf(w, "\nStored text, read back for %s articles (every %s feed): mean %.2f of the generated words; "+
		"%d short (< 90%%), %d long (> 110%%), %d titles changed",
		num(s.Articles), ordinal(max(1, cfg.Feeds/50)), s.WordRatio/math.Max(1, float64(s.Articles)), len(s.Short), len(s.Long), s.Titles)
	if len(s.Furniture) == 0 {
		fmt.Fprintln(w, "; no page furniture.")
	} else {
		fmt.Fprintf(w, "; page furniture kept: %s.\n", countList(s.Furniture))
	}
	for _, l := range append(s.Short[:min(3, len(s.Short))], s.Long[:min(3, len(s.Long))]...) {
		fmt.Fprintf(w, "- %s\n", l)
	}

	if len(res.StoreOps) > 0 {
		var locked time.Duration
		copies := false
		for _, op := range res.StoreOps {
			if op.Op == "AddArticle" || op.Op == "FindCopyCandidates" {
				locked += op.Total
			}
			copies = copies || op.Op == "FindCopyCandidates"
		}
		if copies {
			fmt.Fprintf(w, "\nFindCopyCandidates and AddArticle (one step for texts that could be copies): "+
				"%.1f s together, %.0f%% of the wall time summed over workers.\n", locked.Seconds(), 100*locked.Seconds()/res.Wall.Seconds())
		}
		fmt.Fprintln(w, "\nStore calls made by the Follower and the Pipeline (time includes waiting for a connection;")
		fmt.Fprintln(w, "first and last are the means of the first and last tenth of the calls):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| call | calls | total | mean | p50 | p99 | max | first · last |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, op := range res.StoreOps {
			fmt.Fprintf(w, "| %s | %s | %.1f s | %.1f ms | %.1f ms | %.1f ms | %.0f ms | %.1f · %.1f ms |\n", op.Op, num(op.N),
				op.Total.Seconds(), ms(op.Mean), ms(op.P50), ms(op.P99), ms(op.Max), ms(op.First), ms(op.Last))
		}
	}
	if len(res.SourceErrors) > 0 {
		fmt.Fprintf(w, "\nSources not OK: %s.\n", countList(res.SourceErrors))
	}
	if len(res.Gets.Errors) > 0 {
		fmt.Fprintf(w, "\nFetch errors by kind: %s.\n", countList(res.Gets.Errors))
	}
	if len(res.Logs) > 0 {
		fmt.Fprintln(w, "\nHerald's log during the run (\"source checked\" is one line per source with new articles):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| level | message | count | first |")
		fmt.Fprintln(w, "| --- | --- | ---: | --- |")
		for _, lc := range res.Logs {
			fmt.Fprintf(w, "| %s | %s | %s | `%s` |\n", lc.Level, lc.Msg, num(lc.N), truncate(lc.Example, 160))
		}
	}
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

// num writes n with thousands separators.
func num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func ordinal(n int) string {
	switch {
	case n == 1:
		return "single"
	case n%10 == 2 && n%100 != 12:
		return strconv.Itoa(n) + "nd"
	case n%10 == 3 && n%100 != 13:
		return strconv.Itoa(n) + "rd"
	default:
		return strconv.Itoa(n) + "th"
	}
}

func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s × %s", num(m[k]), k))
	}
	return strings.Join(parts, ", ")
}

func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "`", "'")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// shellJoin quotes args for the report's command line; a DSN's password,
// if any, is hidden.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if u, err := url.Parse(a); err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "xxx")
				a = u.String()
			}
		}
		if strings.ContainsAny(a, " &?*'\"$;|<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
