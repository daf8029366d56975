// Command crash kills herald with SIGKILL in the middle of its writes and
// checks what each store kept (issue 19, "Also keep running").
//
//	go run ./bench/crash -trials 10 -store both
//
// It builds the real herald command (and bench/gen) once into a temporary
// folder, and on each store asked for (a temporary SQLite file, or a
// scratch PostgreSQL database it creates and drops) runs two kinds of
// trial against the binary, as separate processes.
//
// Import: bench/gen writes -articles articles as JSON lines, to which one
// repeated line and two bad lines are added. First herald's first start
// on the empty store is killed, most likely in its migrations, and the
// next start, on an empty file, finishes them; one more such start is
// timed. Then "herald import" is started on the file and killed with
// SIGKILL after that start's time plus a random delay, -trials times, each
// run resuming what the last one left; then one more run goes to the end.
// After every kill the store is checked (SQLite's integrity_check,
// foreign_key_check and FTS5 integrity-check; on PostgreSQL amcheck where
// it is installed, and on both a set of consistency queries: no duplicate
// URL, each article in a story that exists and counts it, related lists
// whole and naming existing articles, a search entry for each article).
// After the last run it also checks what the run said it read, that
// every good line's URL is stored exactly once with its headline, that
// every article is in a story, and that a sample of headlines is found
// through the search API of a running "herald serve".
//
// Comments: "herald serve --follow=false" is started on the same store,
// and -posters goroutines send comments concurrently through the real
// form: the signed token from the article page (used once it is three
// seconds old, as the form requires), the empty honeypot, a distinct
// X-Real-IP for each post (--real-ip-header, --comment-rate raised), and
// about one in four a reply. Every post that is answered with the redirect
// to the new comment is recorded as accepted. The server is killed after
// a random delay, -comment-trials times; after each kill the store is
// checked as above, and then every accepted comment must be stored exactly
// once, under the id it was given, with the text, author and article that
// were sent; no comment may be stored twice or half written, and none that
// was refused may be stored. A post whose answer was lost in the kill is
// sent again once the server is back, as its reader would send it: it
// must then be either accepted or refused as already posted.
//
// The delays come from -seed and are printed with the results: a Markdown
// table with, for each trial, the delay, the rows stored before and after
// and what the checks found, then every violation in full. It exits 1 on
// any violation, and 2 when the trials could not be run (herald did not
// build or start, the scratch database could not be made).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/herald-news/herald/bench/internal/machine"
)

// config is the validated command line.
type config struct {
	stores        []string // "sqlite", "postgres"
	trials        int      // import runs killed
	commentTrials int      // comment servers killed
	articles      int      // articles bench/gen writes
	seed          int64    // seeds the kill delays, the sample and the posts
	pgAdmin       string   // a PostgreSQL DSN allowed to create databases
	importKill    time.Duration
	commentKill   time.Duration
	posters       int // comments sent at once
	searchSample  int // headlines looked for through the search API
	keep          bool
}

// defaultPostgres is the DSN used when neither -postgres nor
// HERALD_TEST_POSTGRES names one.
const defaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func parseFlags(args []string, help io.Writer) (config, error) {
	fs := flag.NewFlagSet("crash", flag.ContinueOnError)
	fs.SetOutput(help)
	trials := fs.Int("trials", 10, "import runs killed, and comment servers killed unless -comment-trials is set (0-1000)")
	commentTrials := fs.Int("comment-trials", -1, "comment servers killed (default: -trials)")
	articles := fs.Int("articles", 1000, "articles bench/gen writes for the import (10-1000000)")
	seed := fs.Int64("seed", 1, "seed of the kill delays, the generated articles, the search sample and the posts")
	storeFlag := fs.String("store", "sqlite", "sqlite, postgres or both")
	pg := fs.String("postgres", "", "a PostgreSQL DSN (postgres://…) allowed to CREATE DATABASE; the scratch database is made beside it (default: $HERALD_TEST_POSTGRES, else "+defaultPostgres+")")
	importKill := fs.Duration("import-kill-max", 4*time.Second, "an import is killed after the time an import of nothing takes, plus a delay drawn uniformly between 0.1 s and this")
	commentKill := fs.Duration("comment-kill-max", 2*time.Second, "a comment server is killed after a delay drawn uniformly between 0.2 s and this, counted from its first post")
	posters := fs.Int("posters", 8, "comments posted at once (1-64)")
	sample := fs.Int("search-sample", 20, "headlines looked for through the search API after the import")
	keep := fs.Bool("keep", false, "keep the temporary folder (binaries, articles, SQLite file) and the scratch PostgreSQL database")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q (all options are flags; see -h)", fs.Arg(0))
	}
	cfg := config{trials: *trials, commentTrials: *commentTrials, articles: *articles, seed: *seed,
		pgAdmin: *pg, importKill: *importKill, commentKill: *commentKill, posters: *posters,
		searchSample: *sample, keep: *keep}
	if cfg.commentTrials < 0 {
		cfg.commentTrials = cfg.trials
	}
	switch *storeFlag {
	case "sqlite", "postgres":
		cfg.stores = []string{*storeFlag}
	case "both":
		cfg.stores = []string{"sqlite", "postgres"}
	default:
		return config{}, fmt.Errorf("-store %q: want sqlite, postgres or both", *storeFlag)
	}
	if cfg.pgAdmin == "" {
		cfg.pgAdmin = os.Getenv("HERALD_TEST_POSTGRES")
	}
	if cfg.pgAdmin == "" {
		cfg.pgAdmin = defaultPostgres
	}
	return cfg, cfg.validate()
}

func (c config) validate() error {
	switch {
	case c.trials < 0 || c.trials > 1000 || c.commentTrials > 1000:
		return fmt.Errorf("-trials and -comment-trials must be between 0 and 1000")
	case c.articles < 10 || c.articles > 1_000_000:
		return fmt.Errorf("-articles must be between 10 and 1000000 (got %d)", c.articles)
	case c.importKill < 200*time.Millisecond || c.commentKill < 300*time.Millisecond:
		return fmt.Errorf("-import-kill-max must be at least 200ms and -comment-kill-max at least 300ms")
	case c.posters < 1 || c.posters > 64:
		return fmt.Errorf("-posters must be between 1 and 64 (got %d)", c.posters)
	case c.searchSample < 0:
		return fmt.Errorf("-search-sample must not be negative")
	}
	for _, s := range c.stores {
		if s == "postgres" && !strings.HasPrefix(c.pgAdmin, "postgres://") && !strings.HasPrefix(c.pgAdmin, "postgresql://") {
			return fmt.Errorf("-postgres must be a postgres:// URL")
		}
	}
	return nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg, os.Stderr)
	if rep != nil {
		fmt.Printf("load average %s, %s\n\n", machine.LoadAvg(), machine.CPUModel())
		rep.print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(2)
	}
	if n := rep.violations(); n > 0 {
		fmt.Fprintf(os.Stderr, "crash: %d violations\n", n)
		os.Exit(1)
	}
}

// run builds herald and runs every trial on each store, logging progress
// to logw. A violation is recorded in the report; an error means a trial
// could not be run at all (herald failed to build or start, a database
// could not be made).
func run(ctx context.Context, cfg config, logw io.Writer) (*report, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "herald-crash-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		fmt.Fprintf(logw, "keeping %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	logf(logw, "building herald and bench/gen")
	bins, err := build(ctx, root, dir)
	if err != nil {
		return nil, err
	}
	return runTrials(ctx, cfg, bins, dir, logw)
}

// runTrials runs the trials with the binaries built, in dir.
func runTrials(ctx context.Context, cfg config, bins binaries, dir string, logw io.Writer) (*report, error) {
	articles, err := writeArticles(ctx, bins.gen, dir, cfg.articles, cfg.seed)
	if err != nil {
		return nil, err
	}
	logf(logw, "%d articles in %s (%d good lines, of which one repeats another, and %d bad lines)",
		articles.distinct, articles.path, articles.good, articles.bad)

	rep := &report{cfg: cfg}
	for _, kind := range cfg.stores {
		st, err := newStore(ctx, kind, dir, cfg.pgAdmin)
		if err != nil {
			return rep, err
		}
		if cfg.keep {
			logf(logw, "%s store: %s", kind, st.dsn)
		}
		t := &trials{cfg: cfg, bin: bins.herald, st: st, file: articles, rep: rep,
			logf: func(format string, args ...any) { logf(logw, format, args...) },
			rng:  rand.New(rand.NewPCG(uint64(cfg.seed), 0))} // the same delays on each store
		err = t.run(ctx)
		if !cfg.keep {
			err = errors.Join(err, st.drop(context.WithoutCancel(ctx)))
		}
		if err != nil {
			return rep, fmt.Errorf("%s: %w", kind, err)
		}
	}
	return rep, nil
}

// logf writes one line of progress, with the time.
func logf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// trials runs both kinds of trial on one store.
type trials struct {
	cfg  config
	bin  string
	st   *store
	file *articleFile
	rep  *report
	logf func(format string, args ...any)
	rng  *rand.Rand // the delays and the sample; posters have their own
	// startup is how long herald import ran on an empty file: part of
	// each import trial's delay.
	startup time.Duration
}

func (t *trials) run(ctx context.Context) error {
	if err := t.imports(ctx); err != nil {
		return fmt.Errorf("import trials: %w", err)
	}
	if err := t.comments(ctx); err != nil {
		return fmt.Errorf("comment trials: %w", err)
	}
	return nil
}
