// Command stories imports labelled corpora through the real pipeline and
// scores what Herald's store then holds, printing Markdown tables for
// docs/BENCHMARKS.md.
//
// Usage, from the project root:
//
//	go run ./bench/stories [-corpus bbc,ecbplus,neus] [-herald PATH] [-stories=false] [-clock 1m] [-keep]
//
// For each corpus in ../shared/corpus/stories (-data), the command writes
// the corpus's lines in publication order to a temporary file (the dated
// lines sorted by published_at among the places they hold, the undated
// ones where the file has them) and runs `herald import --db NAME.db FILE`
// as a subprocess, with a herald built from ./cmd/herald unless -herald
// names one. The importer sees only the JSON Lines; the labels are read
// here. The command then opens the SQLite file with internal/sqlite and
// looks each corpus URL up with FindArticles: two articles are merged when
// they are in one copy group (the same shown copy).
//
// Dedup is scored two ways. On bbc, against the labelled duplicate pairs
// (bbc.duplicates.tsv: url_a, url_b, kind exact|revision): pairwise
// precision and recall, and again counting a merged pair whose texts are
// equal once white space is folded as correct even when unlabelled. On the
// corpora with story labels (ecbplus, neus): the false-merge rate, the
// share of same-story pairs with different texts that the store merged
// (target ≤ 0.5%), and the same rate over the pairs written
// independently (sharing under half of the shorter text's word
// 5-shingles: a wire report under another dateline is one text retold,
// which dedup must merge), with up to ten merged pairs of different texts
// listed for a human to check.
//
// Stories: each corpus URL's story as the store assigned it during the
// import (a copy is in its shown copy's story), scored against the event
// labels by B-cubed precision, recall and F1 and the counts of over- and
// under-merged stories. Beside it the yardstick is measured in the same
// run: TF-IDF cosine single-pass clustering of the corpus in the same
// order, at the threshold best for it on each corpus.
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/internal/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// The report is printed once run has returned and removed its
	// temporary folder, so that a closed pipe cannot leave it behind.
	var report bytes.Buffer
	err := run(ctx, os.Args[1:], &report)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stories:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(report.Bytes()); err != nil {
		fmt.Fprintln(os.Stderr, "stories:", err)
		os.Exit(1)
	}
}

// result is everything measured on one corpus.
type result struct {
	Corpus *corpus
	Import *importRun
	Groups *copyGroups
	Dup    *dupScore   // for a corpus with labelled duplicate pairs
	Merge  *mergeScore // for a corpus with story labels

	// StoreStories is the store's story clustering scored, or why not.
	StoreStories    clusterScore
	StoreStoriesErr error
	Baseline        []sweepPoint // the baseline at every threshold tried
	Best            sweepPoint
	BaselineTime    time.Duration // the whole sweep
}

func (r *result) hasStories() bool {
	for _, s := range r.Corpus.Story {
		if s != "" {
			return true
		}
	}
	return false
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("stories", flag.ContinueOnError)
	names := fs.String("corpus", "bbc,ecbplus,neus", "comma-separated corpora: bbc, ecbplus, neus")
	heraldPath := fs.String("herald", "", "the herald binary to run (default: build ./cmd/herald)")
	data := fs.String("data", "../shared/corpus/stories", "the stories corpus folder")
	stories := fs.Bool("stories", true, "score stories: the store's, and the TF-IDF baseline")
	clock := fs.Duration("clock", 0, "give every article a synthetic publication time, one every this long in import order (0: keep the corpus's dates; undated articles get the import's time)")
	keep := fs.Bool("keep", false, "keep the temporary folder (import files, databases) and print its path")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	var corpora []*corpus
	for _, name := range strings.Split(*names, ",") {
		c, err := readCorpus(*data, strings.TrimSpace(name))
		if err != nil {
			return err
		}
		corpora = append(corpora, c)
	}

	tmp, err := os.MkdirTemp("", "bench-stories-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "stories: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	herald := *heraldPath
	if herald == "" {
		fmt.Fprintln(os.Stderr, "stories: go build ./cmd/herald")
		if herald, err = buildHerald(ctx, tmp); err != nil {
			return err
		}
	}

	loadBefore := loadAvg()
	var results []*result
	for _, c := range corpora {
		r, err := measure(ctx, herald, tmp, c, *stories, *clock)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		results = append(results, r)
	}

	fmt.Fprintf(out, "Command: `%s`  \n", command(fs))
	fmt.Fprintf(out, "Machine: %s, %d cores, %s/%s, %s; load average before %s, after %s\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), loadBefore, loadAvg())
	printImports(out, results)
	printDuplicates(out, results)
	printMerges(out, results)
	if *stories {
		printStories(out, results)
	}
	return nil
}

// measure imports one corpus through herald and scores it.
func measure(ctx context.Context, herald, tmp string, c *corpus, stories bool, clock time.Duration) (*result, error) {
	r := &result{Corpus: c}
	file := filepath.Join(tmp, c.Name+".jsonl")
	if err := writeImportFile(file, c.Articles, clock); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "stories: herald import %s (%d articles)\n", c.Name, len(c.Articles))
	dbPath := filepath.Join(tmp, c.Name+".db")
	var err error
	if r.Import, err = runImport(ctx, herald, dbPath, file); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "stories: %s\n", r.Import.Summary)

	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	urls := make([]string, len(c.Articles))
	for i, a := range c.Articles {
		urls[i] = a.URL
	}
	r.Groups, err = readCopyGroups(ctx, db, urls)
	if err == nil && stories {
		var assigned map[string]int64
		assigned, r.StoreStoriesErr = readStories(ctx, db, urls)
		if r.StoreStoriesErr == nil {
			r.StoreStories = bcubed(assigned, c.Story)
		}
	}
	if err := errors.Join(err, db.Close()); err != nil {
		return nil, err
	}

	if c.Duplicates != nil {
		s := scoreDuplicates(c, r.Groups.Group)
		r.Dup = &s
	}
	if r.hasStories() {
		s := scoreMerges(c, r.Groups.Group)
		r.Merge = &s
		if stories {
			fmt.Fprintf(os.Stderr, "stories: TF-IDF baseline on %s\n", c.Name)
			start := time.Now()
			r.Baseline, r.Best = baselineSweep(c)
			r.BaselineTime = time.Since(start)
		}
	}
	return r, nil
}

// command returns the command line that reproduces the run.
func command(fs *flag.FlagSet) string {
	s := "go run ./bench/stories"
	fs.Visit(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			s += fmt.Sprintf(" -%s=%s", f.Name, f.Value)
		} else {
			s += fmt.Sprintf(" -%s %s", f.Name, f.Value)
		}
	})
	return s
}

func loadAvg() string { return cmp.Or(machine.LoadAvg(), "unknown") }

func cpuModel() string { return cmp.Or(machine.CPUModel(), runtime.GOARCH) }
