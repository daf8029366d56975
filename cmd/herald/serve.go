package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/demo"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func runServe(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	db := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on; port 0 picks a free one")
	baseURL := fs.String("base-url", "", "the site's public address (default: the address it listens on)")
	siteName := fs.String("site-name", "Herald", "the site's name, shown in every page's header")
	withDemo := fs.Bool("demo", false, "serve the bundled demo news world: its outlets run on loopback and are followed like real ones")
	follow := fs.Bool("follow", true, "fetch followed sources in this process (turn off on web-only nodes)")
	workers := fs.Int("fetch-workers", 4, "sources checked at once")
	recheckWorkers := fs.Int("recheck-workers", 1, "stored articles fetched again at once, to follow their changes (0 turns re-checks off)")
	retention := fs.Duration("takedown-retention", herald.DefaultTakedownRetention,
		"how long a takedown can be undone; after it the article's text is deleted for good (0 keeps it forever)")
	var metricsAllow []netip.Prefix
	fs.Func("metrics-allow", "a `CIDR` network (or one address) allowed to read /metrics besides loopback; repeatable or comma-separated",
		func(v string) error {
			nets, err := parseNetworks(v)
			metricsAllow = append(metricsAllow, nets...)
			return err
		})
	fetchFlags := addFetchFlags(fs)
	commentFlags := addCommentFlags(fs)
	backupFlags := addBackupFlags(fs)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	comments, err := commentFlags.config()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "herald serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *workers < 1 || *workers > 64 {
		return herald.Errorf(herald.EINVALID, "--fetch-workers %d is outside 1 to 64", *workers)
	}
	if *recheckWorkers < 0 || *recheckWorkers > 64 {
		return herald.Errorf(herald.EINVALID, "--recheck-workers %d is outside 0 to 64", *recheckWorkers)
	}
	if err := backupFlags.validate(); err != nil {
		return err
	}
	if *retention < 0 {
		return herald.Errorf(herald.EINVALID, "--takedown-retention %s is negative", *retention)
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	if *withDemo {
		// The demo world changes within minutes of starting; its articles
		// are checked again as quickly, before anything else runs.
		herald.RecheckSteps = demoRecheckSteps
	}

	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String()
	if *baseURL == "" {
		*baseURL = url
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := ingest.NewMetrics(reg)

	site, err := web.New(store, logger, web.Config{BaseURL: *baseURL, SiteName: *siteName, Comments: comments, MetricsAllow: metricsAllow})
	if err != nil {
		return err
	}
	site.Metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	backups, err := backupFlags.schedule(store, reg, logger)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, url)

	// The work in the background writes to the store: it is stopped and
	// waited for before the store is closed.
	var running sync.WaitGroup
	defer waitWithin(&running, stopWithin)
	background, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	if backups != nil {
		site.Backups = backups.Status
		running.Go(func() { backups.Run(background) })
	}
	running.Go(func() { site.WatchChanges(background) })
	running.Go(func() { backfill(background, store, logger) })
	running.Go(func() { retagInBackground(background, store, logger) })
	running.Go(func() { keepPurgingTakedowns(background, store, *retention, logger) })
	running.Go(func() { ingest.NewPipeline(store).KeepRelating(background, 2*time.Second, logger) })

	fetcher := fetchFlags.client(metrics)
	if *withDemo {
		if fetcher, err = startDemo(background, store, logger, fetchFlags.config(metrics)); err != nil {
			return err
		}
	}
	// The desk adds and previews sources through the same client, so
	// the demo's outlets and the SSRF guard hold there too.
	site.Desk = &desk.Desk{Store: store, Client: fetcher, Logger: logger}
	if *follow {
		pipe := ingest.NewPipeline(store)
		if err := placeUnplaced(ctx, pipe, e.stderr); err != nil {
			return err
		}
		f := &ingest.Follower{
			Store: store, Pipeline: pipe, Fetcher: fetcher,
			Logger: logger, Metrics: metrics, Owner: followerName(), Workers: *workers,
		}
		if *withDemo {
			f.PollEvery = time.Second
		}
		running.Go(func() { f.Run(background) })
		// Stored articles are fetched again through the same client, on
		// the schedule the store keeps, by fewer workers than new items.
		rc := &ingest.Rechecker{Store: store, Topics: store, Fetcher: fetcher, Logger: logger, Owner: followerName(),
			Workers: *recheckWorkers}
		if *withDemo {
			rc.PollEvery = 5 * time.Second
		}
		if *recheckWorkers > 0 {
			running.Go(func() { rc.Run(background) })
		}

		// Articles' pictures, through the same client: politeness to a
		// host holds across its pages and its pictures. One Limiter
		// bounds the memory of the pictures in flight in this process.
		limiter := media.NewLimiter(pictureMemory)
		// The Limiter bounds what the pictures keep live; the collector
		// would still let the heap grow to twice that between cycles, so
		// the process gets a soft limit a little above it, unless the
		// operator set one with GOMEMLIMIT.
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(pictureMemory + 256<<20)
		}
		pictures := &ingest.Pictures{Store: store, Fetcher: fetcher, Logger: logger, Metrics: ingest.NewPictureMetrics(reg),
			Processor: &media.Processor{Limiter: limiter, Logger: logger, Metrics: media.NewMetrics(reg, limiter)}}
		running.Go(func() { pictures.Keep(background, 2*time.Second) })
	}

	srv := &http.Server{
		Handler:           site.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	start := time.Now()
	logger.Info("shutting down: letting requests in flight and the article being stored finish", "within", stopWithin)
	stopBackground()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), stopWithin)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	if !waitWithin(&running, time.Until(start.Add(stopWithin))) {
		logger.Warn("background work still running at the stop bound; closing the store")
	}
	return nil
}

// stopWithin bounds a graceful stop. Requests in flight and the work in
// the background (the article being stored, bounded by
// ingest.StoreGrace; a backup being written is cut and its temporary file
// removed) finish within it, side by side; closing the store then takes
// at most sqlite's closeTimeout (10 s) more. contrib/herald.service gives
// systemd a TimeoutStopSec above the sum.
const stopWithin = 15 * time.Second

// waitWithin waits for wg at most d, and reports whether it finished.
func waitWithin(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// parseNetworks reads a comma-separated list of CIDR networks
// ("10.0.0.0/8, 2001:db8::/32"); a bare address stands for itself alone.
func parseNetworks(list string) ([]netip.Prefix, error) {
	var nets []netip.Prefix
	for _, v := range strings.Split(list, ",") {
		v = strings.TrimSpace(v)
		p, err := netip.ParsePrefix(v)
		if err != nil {
			ip, ipErr := netip.ParseAddr(v)
			if ipErr != nil || ip.Zone() != "" {
				return nil, fmt.Errorf("%q is not a CIDR network such as 10.0.0.0/8 or an IP address", v)
			}
			p = netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen())
		}
		nets = append(nets, p.Masked())
	}
	return nets, nil
}

// pictureMemory bounds the estimated memory of the pictures processed at
// once: enough for two 12-megapixel JPEGs (134 MiB each), as two cores
// process no more than two pictures at a time to any gain. With the media
// package's default of 512 MiB and no soft limit, a burst of 200 such
// pictures took herald serve to 986 MB resident (bench/mediaburst). A
// picture estimated above it is processed alone.
const pictureMemory = 320 << 20

// followerName tells this process's leases apart from other processes'.
func followerName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "herald"
	}
	return fmt.Sprintf("%s-%d-%d", host, os.Getpid(), time.Now().UnixNano()%1e6)
}

// demoRecheckSteps replace herald.RecheckSteps under --demo, so that a
// newcomer sees articles updated, corrected and withdrawn within minutes.
var demoRecheckSteps = []time.Duration{30 * time.Second, 30 * time.Second, time.Minute, time.Minute, time.Minute,
	time.Minute, 2 * time.Minute, 5 * time.Minute}

// startDemo serves the demo world's outlets on loopback, follows each of
// them from its homepage as an editor would, and returns the fetch client
// for every source: cfg, the client the flags configure, plus the demo's
// host names mapped to its one listener. The guard lets exactly that
// address through for those names and nothing else, so the demo opens
// loopback to its own outlets only. Outlets followed already are left as
// they are, so a restart changes nothing.
func startDemo(ctx context.Context, store herald.Store, logger *slog.Logger, cfg fetch.Config) (*fetch.Client, error) {
	origin, err := demo.NewOrigin(time.Now().Truncate(time.Second))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the demo outlets: %w", err)
	}
	for _, c := range origin.Live(time.Now) {
		logger.Info("the demo world will change an article", "change", c.Kind, "url", c.URL, "after", c.After)
	}
	srv := &http.Server{Handler: origin, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	cfg.HostAddrs = map[string]string{}
	for _, h := range origin.Hosts() {
		cfg.HostAddrs[h] = ln.Addr().String()
	}
	// The outlets are ours and on this machine: a short pause between
	// requests to them is polite enough and fills the site in seconds.
	// Other sources keep the usual pause.
	cfg.MappedHostDelay = 20 * time.Millisecond
	client := fetch.New(cfg)
	for _, t := range demo.Topics() {
		// Added before the outlets are followed, so articles are tagged as
		// they arrive; a topic kept from an earlier run is left as it is.
		if err := store.AddTopic(ctx, t); err != nil && herald.ErrorCode(err) != herald.ECONFLICT {
			return nil, fmt.Errorf("demo topic %s: %w", t.Name, err)
		}
	}
	for _, out := range origin.Outlets() {
		if existing, err := store.FindSourceBySlug(ctx, herald.Slugify(out.Name)); err == nil && existing.Following() {
			continue
		}
		r, err := ingest.Resolve(ctx, client, out.Homepage)
		if err != nil {
			return nil, fmt.Errorf("demo outlet %s: %w", out.Name, err)
		}
		licence, err := herald.ParseLicence(out.Licence)
		if err != nil {
			return nil, err
		}
		src := &herald.Source{Name: out.Name, Homepage: r.Homepage, FeedURL: r.FeedURL, Kind: r.Kind,
			Licence: licence, Fulltext: herald.FulltextAuto}
		if err := store.AddSource(ctx, src); err != nil && herald.ErrorCode(err) != herald.ECONFLICT {
			return nil, fmt.Errorf("demo outlet %s: %w", out.Name, err)
		}
		logger.Info("demo outlet followed", "source", src.Slug, "how", strings.TrimSpace(r.Note))
	}
	return client, nil
}

// backfill fingerprints articles stored before near-duplicate detection,
// in the background, so the site is up at once.
func backfill(ctx context.Context, store herald.Store, logger *slog.Logger) {
	n, err := ingest.Backfill(ctx, store)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Error("fingerprinting older articles", "err", err, "done", n)
	case n > 0:
		logger.Info("fingerprinted older articles", "articles", n)
	}
}
