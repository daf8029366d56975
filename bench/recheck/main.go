// Command recheck measures how many re-checks of stored articles one
// Herald node sustains while it follows 1,000 sources, and what share of
// the fetch capacity they take from new items, with the proof from the
// origin's own log that no host ever had two requests in flight.
//
// Usage:
//
//	go run ./bench/recheck [-feeds 1000] [-hosts 50] [-duration 3m] [-speed 60] \
//		[-gap 1h] [-pre 3] [-latency 20ms] [-host-delay 50ms] [-workers 16] \
//		[-recheck-workers 0] [-no-recheck] [-fulltext-share 0.5] \
//		[-change 0.1] [-cosmetic 0.15] [-gone 0.05] [-db new.db] [-seed 1]
//
// The origin is bench/ingest's, made to change with time: one
// http.Server on 127.0.0.1 answers for every host (outlet-NN.bench.example,
// Herald's fetch client pointed at it with fetch.Config.HostAddrs), every
// request waits -latency, and each of -feeds RSS feeds publishes an item
// every -gap (-pre of them before the run begins). Half the feeds
// (-fulltext-share) carry the full text; Herald fetches the page of the
// others' items. Every page has an ETag (a hash of its bytes) and answers
// a matching If-None-Match with 304. The articles are of four kinds: static
// (the same bytes each load); changing (-change: a paragraph added 30
// minutes after publication, a figure corrected at 2 hours); cosmetic
// (-cosmetic: a new "Updated" time, view and comment counters, a rotating
// ad and a session token in a link on every load); gone (-gone: 404 from
// 20 minutes on).
//
// The world runs on a clock -speed times faster than the wall clock, and
// Herald's store (sqlite.DB.SetNow), Follower and Rechecker read it: the
// schedule of herald.RecheckSteps (15 min, 1 h, 3 h, …) and the feeds'
// polling (at least herald.MinCheckInterval, 5 min) are compressed
// together, while the fetch client's politeness (-host-delay between
// requests to a host) and the origin's latency stay on the wall clock. So
// the fetching and the CPU work are real, and "re-checks per hour" is per
// hour of the wall clock.
//
// The command adds one followed source per feed to a new SQLite file, then
// runs the real ingest.Follower (ingest.NewPipeline, -workers) and
// ingest.Rechecker (-recheck-workers; 0 is herald serve's default, one
// worker, batches of 20), sharing one fetch.Client as herald serve does,
// for -duration. Their poll intervals and leases are herald serve's,
// scaled by -speed. It prints a Markdown report: re-checks recorded per
// hour of wall time (from the first re-check on) and those still due at
// the end (a backlog says the figure is the Rechecker's capacity, none
// that it is the demand); the origin's requests split into feeds, new
// items' pages and re-checks, with their statuses; the share of
// requests (and of the origin's busy time) that re-checks took; how late
// new items were stored after publication; the revisions and withdrawals
// Herald recorded, against what the origin's log says it served; and the
// proof of politeness. It exits 1 if a check fails: two requests in
// flight to one host, a revision of an article whose words never
// changed, or a withdrawal of one that never went.
//
// -no-recheck runs the Follower alone, for the new items' lag without
// re-checks beside it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/bench/internal/stats"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
)

type config struct {
	Feeds, Hosts, Pre       int
	Gap                     time.Duration
	Speed                   float64
	Duration                time.Duration
	Latency, HostDelay      time.Duration
	Workers, RecheckWorkers int
	NoRecheck               bool
	FulltextShare           float64
	Change, Cosmetic, Gone  float64
	DB                      string
	Seed                    uint64
	Args                    []string
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("recheck", flag.ContinueOnError)
	fs.IntVar(&cfg.Feeds, "feeds", 1000, "feeds to follow")
	fs.IntVar(&cfg.Hosts, "hosts", 50, "hosts the feeds are spread over")
	fs.IntVar(&cfg.Pre, "pre", 3, "items each feed has published before the run begins")
	fs.DurationVar(&cfg.Gap, "gap", time.Hour, "time between a feed's items, on the world's clock")
	fs.Float64Var(&cfg.Speed, "speed", 60, "how many times faster than the wall clock the world's clock runs")
	fs.DurationVar(&cfg.Duration, "duration", 3*time.Minute, "how long to run, wall clock")
	fs.DurationVar(&cfg.Latency, "latency", 20*time.Millisecond, "how long the origin waits before answering each request")
	fs.DurationVar(&cfg.HostDelay, "host-delay", 50*time.Millisecond, "Herald's pause between requests to one host")
	fs.IntVar(&cfg.Workers, "workers", 16, "sources checked at once (ingest.Follower.Workers)")
	fs.IntVar(&cfg.RecheckWorkers, "recheck-workers", 0, "articles re-checked at once (ingest.Rechecker.Workers; 0: herald serve's default)")
	fs.BoolVar(&cfg.NoRecheck, "no-recheck", false, "run the Follower alone")
	fs.Float64Var(&cfg.FulltextShare, "fulltext-share", 0.5, "share of feeds carrying full content")
	fs.Float64Var(&cfg.Change, "change", 0.10, "share of articles that change twice")
	fs.Float64Var(&cfg.Cosmetic, "cosmetic", 0.15, "share of articles whose page changes cosmetically on every load")
	fs.Float64Var(&cfg.Gone, "gone", 0.05, "share of articles that go 404")
	fs.StringVar(&cfg.DB, "db", "", "a new SQLite file (default: a temporary one)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "seed of the generated text")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.Feeds < 1 || cfg.Hosts < 1 || cfg.Pre < 0 || cfg.Pre > 20:
		return cfg, errors.New("-feeds and -hosts must be at least 1, -pre between 0 and 20")
	case cfg.Speed < 1 || cfg.Gap <= 0 || cfg.Duration <= 0:
		return cfg, errors.New("-speed must be at least 1, -gap and -duration positive")
	case cfg.Change < 0 || cfg.Cosmetic < 0 || cfg.Gone < 0 || cfg.Change+cfg.Cosmetic+cfg.Gone > 1:
		return cfg, errors.New("-change, -cosmetic and -gone must be shares adding to at most 1")
	case cfg.Workers < 1 || cfg.RecheckWorkers < 0:
		return cfg, errors.New("-workers must be at least 1, -recheck-workers at least 0")
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
		fmt.Fprintln(os.Stderr, "recheck:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "recheck:", err)
		os.Exit(1)
	}
	res.writeMarkdown(os.Stdout)
	failed := false
	for _, c := range res.checks() {
		if !c.OK {
			fmt.Fprintf(os.Stderr, "recheck: check failed: %s: %s, want %s\n", c.Name, c.Seen, c.Want)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// tally is what the Rechecker recorded of one article.
type tally struct {
	url                                  string
	checks, revisions, gone, failed, wdr int
}

// countingStore passes the Rechecker's calls to the store and counts
// what it recorded.
type countingStore struct {
	ingest.RecheckStore
	start time.Time

	mu       sync.Mutex // mu guards the fields below
	byID     map[int64]*tally
	recorded []time.Duration // since start, when each re-check was recorded
	errors   map[string]int
}

func (s *countingStore) ClaimDueRechecks(ctx context.Context, owner string, lease time.Duration, limit int) ([]*herald.Recheck, error) {
	list, err := s.RecheckStore.ClaimDueRechecks(ctx, owner, lease, limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range list {
		if s.byID[r.ArticleID] == nil {
			s.byID[r.ArticleID] = &tally{url: r.URL}
		}
	}
	return list, err
}

func (s *countingStore) RecordRecheck(ctx context.Context, id int64, owner string, out herald.RecheckOutcome) error {
	err := s.RecheckStore.RecordRecheck(ctx, id, owner, out)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errors[herald.ErrorCode(err)]++
		return err
	}
	s.recorded = append(s.recorded, time.Since(s.start))
	t := s.byID[id]
	t.checks++
	switch {
	case out.Revision != nil:
		t.revisions++
	case out.Gone:
		t.gone++
	case out.Failed:
		t.failed++
	}
	return nil
}

func (s *countingStore) TakeDownArticle(ctx context.Context, slug string, status herald.ArticleStatus, reason string) (*herald.Takedown, error) {
	a, err := s.RecheckStore.TakeDownArticle(ctx, slug, status, reason)
	if err == nil {
		s.mu.Lock()
		if t := s.byID[a.ArticleID]; t != nil {
			t.wdr++
		}
		s.mu.Unlock()
	}
	return a, err
}

// result is what one run measured.
type result struct {
	cfg         config
	Load0       string
	Load1       string
	CPU         string
	Wall        time.Duration
	Origin      []logEntry
	MaxInFlight int
	Tallies     map[string]*tally // by URL
	Recorded    []time.Duration
	StoreErrors map[string]int
	Backlog     int // re-checks due at the end
	Stored      int
	Lags        []time.Duration // new items: stored minus published, world's clock
	world       *world
}

func run(ctx context.Context, cfg config, logw io.Writer) (*result, error) {
	res := &result{cfg: cfg, Load0: machine.LoadAvg(), CPU: machine.CPUModel()}
	clk := &clock{start: time.Now(), base: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC), speed: cfg.Speed}
	w := newWorld(cfg, clk)
	res.world = w
	o := newOrigin(w, cfg.Latency)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: o, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) // returns http.ErrServerClosed when Close ends it
	defer srv.Close()

	path := cfg.DB
	if path == "" {
		dir, err := os.MkdirTemp("", "bench-recheck-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "herald.db")
	} else if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("-db %s exists: give the path of a new file", path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetNow(clk.Now)

	for i := range cfg.Feeds {
		licence := herald.LicenceFull
		if i%3 == 2 {
			licence = herald.LicenceExcerpt
		}
		src := &herald.Source{Name: w.sourceName(i), Homepage: w.homepage(i), FeedURL: w.feedURL(i),
			Kind: herald.KindFeed, Licence: licence, Fulltext: herald.FulltextAuto}
		if err := db.AddSource(ctx, src); err != nil {
			return nil, fmt.Errorf("add source %s: %w", src.FeedURL, err)
		}
	}

	hosts := map[string]string{}
	for h := range cfg.Hosts {
		hosts[w.hostName(h)] = ln.Addr().String()
	}
	delay := cfg.HostDelay
	if delay == 0 {
		delay = -1
	}
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostAddrs: hosts, HostDelay: delay})
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelError}))
	scale := func(d time.Duration) time.Duration { return max(clk.wall(d), 50*time.Millisecond) }
	pipe := ingest.NewPipeline(db)
	pipe.Now = clk.Now
	// herald serve's settings, on the world's clock: leases of 10
	// minutes, polls every 5 s (sources) and 30 s (re-checks).
	f := &ingest.Follower{Store: db, Pipeline: pipe, Fetcher: client, Logger: logger, Owner: "bench-recheck",
		Workers: cfg.Workers, Now: clk.Now, Lease: 10 * time.Minute, PollEvery: scale(5 * time.Second)}
	counting := &countingStore{RecheckStore: db, start: clk.start, byID: map[int64]*tally{}, errors: map[string]int{}}
	rc := &ingest.Rechecker{Store: counting, Fetcher: client, Logger: logger, Owner: "bench-recheck",
		Workers: cfg.RecheckWorkers, Now: clk.Now, Lease: 10 * time.Minute, PollEvery: scale(30 * time.Second)}

	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { f.Run(runCtx) })
	if !cfg.NoRecheck {
		wg.Go(func() { rc.Run(runCtx) })
	}
	start := time.Now()
	for t := time.NewTicker(30 * time.Second); runCtx.Err() == nil; {
		select {
		case <-t.C:
			counting.mu.Lock()
			n := len(counting.recorded)
			counting.mu.Unlock()
			fmt.Fprintf(logw, "recheck: %s: %d requests, %d re-checks recorded\n",
				time.Since(start).Round(time.Second), len(o.entries()), n)
		case <-runCtx.Done():
		}
	}
	wg.Wait()
	res.Wall = time.Since(start)
	res.Load1 = machine.LoadAvg()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	// What is due now and was not done: claimed once more, by a name
	// no worker has, for the count.
	due, err := db.ClaimDueRechecks(ctx, "bench-recheck-count", time.Minute, 1<<30)
	if err != nil {
		return nil, err
	}
	res.Backlog = len(due)
	res.Origin = o.entries()
	res.MaxInFlight = o.maxInFlight()
	counting.mu.Lock()
	res.Tallies = map[string]*tally{}
	for _, t := range counting.byID {
		res.Tallies[t.url] = t
	}
	res.Recorded = counting.recorded
	res.StoreErrors = counting.errors
	counting.mu.Unlock()

	for cursor := ""; ; {
		list, next, err := db.FindArticles(ctx, herald.ArticleFilter{Limit: herald.MaxPageSize, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			res.Stored++
			if a.PublishedAt.After(clk.base) { // published during the run
				res.Lags = append(res.Lags, a.CreatedAt.Sub(a.PublishedAt))
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return res, nil
}

// requests is the origin's log, split by what each request was for.
type requests struct {
	Robots, Feeds, Feed304           int
	NewPages                         int // the first request for a summary-only item's page: the Follower's
	Rechecks, R200, R304, R404, Rerr int
	RecheckBusy, AllBusy             time.Duration
	Other                            int
}

func (res *result) requests() requests {
	var q requests
	for _, e := range res.Origin {
		q.AllBusy += e.Took
		switch {
		case e.Path == "/robots.txt":
			q.Robots++
		case strings.HasPrefix(e.Path, "/feeds/"):
			q.Feeds++
			if e.Status == http.StatusNotModified {
				q.Feed304++
			}
		case strings.HasPrefix(e.Path, "/articles/"):
			i, _, _ := res.world.parseArticle(e.Host, e.Path)
			if e.Load == 1 && !res.world.full(i) {
				q.NewPages++
				continue
			}
			q.Rechecks++
			q.RecheckBusy += e.Took
			switch e.Status {
			case http.StatusOK:
				q.R200++
			case http.StatusNotModified:
				q.R304++
			case http.StatusNotFound:
				q.R404++
			default:
				q.Rerr++
			}
		default:
			q.Other++
		}
	}
	return q
}

// byKind compares what the origin served each article with what the
// Rechecker recorded.
type kindStats struct {
	Articles, Rechecked      int
	Changes                  int // version changes between two reads, after the first read of the page
	Revisions                int // recorded
	Gone2                    int // articles answered 404 to two re-checks in a row
	Withdrawn                int
	FirstReadChanged         int // changes before the first re-check of a full-text item's page (its baseline)
	ArticlesWithRevision     int
	ArticlesChangedDetected  int
	ArticlesChangedSomewhere int
}

func (res *result) byKind() map[kind]*kindStats {
	type read struct {
		at      time.Duration
		load    int
		status  int
		version int
	}
	pages := map[string][]read{}
	kinds := map[string]kind{}
	for _, e := range res.Origin {
		if !strings.HasPrefix(e.Path, "/articles/") {
			continue
		}
		u := "http://" + e.Host + e.Path
		pages[u] = append(pages[u], read{e.At, e.Load, e.Status, e.Version})
		kinds[u] = e.Kind
	}
	out := map[kind]*kindStats{}
	for k := range kindNames {
		out[kind(k)] = &kindStats{}
	}
	for u, reads := range pages {
		sort.Slice(reads, func(a, b int) bool { return reads[a].at < reads[b].at })
		ks := out[kinds[u]]
		ks.Articles++
		t := res.Tallies[u]
		if t != nil && t.checks > 0 {
			ks.Rechecked++
			ks.Revisions += t.revisions
			ks.Withdrawn += t.wdr
			if t.revisions > 0 {
				ks.ArticlesWithRevision++
			}
		}
		// Version changes Herald could see: between consecutive reads
		// with a body (a 304 is the version before). The page read when
		// the item was stored is the first read of a summary-only feed's
		// item; a full-text item's first re-check is its baseline.
		i, _, _ := res.world.parseArticle(hostOf(u), pathOf(u))
		first := true
		prev, misses, changed := 0, 0, false
		for _, r := range reads {
			if r.load == 1 && !res.world.full(i) {
				// The Follower's read, when it stored the item.
				if r.status == http.StatusOK {
					prev, first = r.version, false
				}
				continue
			}
			switch r.status {
			case http.StatusNotFound:
				misses++
				if misses == 2 {
					ks.Gone2++
				}
				continue
			case http.StatusOK:
				if !first && r.version != prev {
					ks.Changes++
					changed = true
				}
				if first && res.world.full(i) && r.version > 0 {
					ks.FirstReadChanged++
				}
				prev, first = r.version, false
			}
			misses = 0
		}
		if changed {
			ks.ArticlesChangedSomewhere++
			if t != nil && t.revisions > 0 {
				ks.ArticlesChangedDetected++
			}
		}
	}
	return out
}

func hostOf(u string) string {
	h, _, _ := strings.Cut(strings.TrimPrefix(u, "http://"), "/")
	return h
}

func pathOf(u string) string {
	_, p, _ := strings.Cut(strings.TrimPrefix(u, "http://"), "/")
	return "/" + p
}

// rate is the re-checks recorded per hour of wall time from the first.
func (res *result) rate() (float64, time.Duration) {
	if len(res.Recorded) < 2 {
		return 0, 0
	}
	span := res.Wall - res.Recorded[0]
	return float64(len(res.Recorded)) / span.Hours(), span
}

type check struct {
	Name, Seen, Want string
	OK               bool
}

func (res *result) checks() []check {
	k := res.byKind()
	return []check{
		{"most requests in flight at once to one host", fmt.Sprint(res.MaxInFlight), "1", res.MaxInFlight == 1},
		{"revisions of static articles", fmt.Sprint(k[static].Revisions), "0", k[static].Revisions == 0},
		{"revisions of cosmetically changing articles", fmt.Sprint(k[cosmetic].Revisions), "0", k[cosmetic].Revisions == 0},
		{"revisions of changing articles", fmt.Sprintf("%d of %d changes seen", k[changing].Revisions, k[changing].Changes),
			"no more than the changes", k[changing].Revisions <= k[changing].Changes},
		{"withdrawn articles that never went", fmt.Sprint(k[static].Withdrawn + k[cosmetic].Withdrawn + k[changing].Withdrawn), "0",
			k[static].Withdrawn+k[cosmetic].Withdrawn+k[changing].Withdrawn == 0},
		{"gone articles withdrawn", fmt.Sprintf("%d of %d answered 404 twice", k[gone].Withdrawn, k[gone].Gone2),
			"all", k[gone].Withdrawn == k[gone].Gone2},
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

func (res *result) writeMarkdown(w io.Writer) {
	cfg := res.cfg
	q := res.requests()
	rate, span := res.rate()
	fmt.Fprintf(w, "## Re-checks while following %d feeds (`bench/recheck %s`)\n\n", cfg.Feeds, strings.Join(cfg.Args, " "))
	fmt.Fprintf(w, "Machine: %s; load %s → %s. World clock ×%g; %s wall.\n\n", res.CPU, res.Load0, res.Load1, cfg.Speed, res.Wall.Round(time.Second))
	fmt.Fprintf(w, "| measure | value |\n| --- | ---: |\n")
	fmt.Fprintf(w, "| re-checks recorded | %d over %s from the first |\n", len(res.Recorded), span.Round(time.Second))
	fmt.Fprintf(w, "| **re-checks per hour (wall)** | **%.0f** |\n", rate)
	fmt.Fprintf(w, "| re-checks due and not done at the end | %d |\n", res.Backlog)
	fmt.Fprintf(w, "| store errors recording re-checks | %v |\n", res.StoreErrors)
	fmt.Fprintf(w, "| articles stored | %d |\n", res.Stored)
	if len(res.Lags) > 0 {
		fmt.Fprintf(w, "| new items: stored after publication, p50 / p95 / max (world clock) | %s / %s / %s |\n",
			stats.Percentile(res.Lags, 50).Round(time.Second), stats.Percentile(res.Lags, 95).Round(time.Second),
			stats.Percentile(res.Lags, 100).Round(time.Second))
	}
	fmt.Fprintf(w, "\n| requests at the origin | count | share |\n| --- | ---: | ---: |\n")
	total := len(res.Origin)
	fmt.Fprintf(w, "| robots.txt | %d | %s |\n", q.Robots, pct(q.Robots, total))
	fmt.Fprintf(w, "| feeds (304) | %d (%d) | %s |\n", q.Feeds, q.Feed304, pct(q.Feeds, total))
	fmt.Fprintf(w, "| new items' pages | %d | %s |\n", q.NewPages, pct(q.NewPages, total))
	fmt.Fprintf(w, "| **re-checks** (200 / 304 / 404 / other) | %d (%d / %d / %d / %d) | **%s** |\n", q.Rechecks, q.R200, q.R304, q.R404, q.Rerr, pct(q.Rechecks, total))
	fmt.Fprintf(w, "| other | %d | %s |\n", q.Other, pct(q.Other, total))
	fmt.Fprintf(w, "| all | %d | |\n", total)
	fmt.Fprintf(w, "| re-checks' share of the origin's time answering | | %.1f%% |\n", 100*q.RecheckBusy.Seconds()/q.AllBusy.Seconds())
	fmt.Fprintf(w, "| re-checks' share of page requests | | %s |\n", pct(q.Rechecks, q.Rechecks+q.NewPages))

	k := res.byKind()
	fmt.Fprintf(w, "\n| articles | served | re-checked | versions changed between reads | revisions recorded | articles with a change / detected | changed before a full-text item's baseline | 404 twice | withdrawn |\n")
	fmt.Fprintf(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for i := range kindNames {
		s := k[kind(i)]
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d / %d | %d | %d | %d |\n", kind(i), s.Articles, s.Rechecked, s.Changes, s.Revisions,
			s.ArticlesChangedSomewhere, s.ArticlesChangedDetected, s.FirstReadChanged, s.Gone2, s.Withdrawn)
	}
	fmt.Fprintf(w, "\n| check | seen | required |\n| --- | ---: | ---: |\n")
	for _, c := range res.checks() {
		mark := ""
		if !c.OK {
			mark = " **(failed)**"
		}
		fmt.Fprintf(w, "| %s | %s%s | %s |\n", c.Name, c.Seen, mark, c.Want)
	}
}
