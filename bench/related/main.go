// Command related measures "You may also like" and search against
// labelled corpora, through the real importer, store and API, and prints
// Markdown for docs/BENCHMARKS.md.
//
// Usage, from the project root:
//
//	go run ./bench/related [-corpus bbc,ecbplus,neus] [-herald PATH] [-keep]
//	go run ./bench/related -scale 50000 [-db postgres://…]
//
// Corpus mode: for each corpus in ../shared/corpus/stories (-data) the
// lines are written in publication order (dated lines sorted among the
// places they hold, undated ones where the file has them) and imported by
// a `herald import --db NAME.db FILE` subprocess, built from ./cmd/herald,
// which computes the related lists as articles arrive. The command then
// serves the SQLite file with internal/web on an httptest server and, for
// every article that has a page (the shown copy of its text), reads
// GET /api/v1/articles/{id}/related and scores it against the labels:
// precision@k, k being the number of other pages in the article's story
// capped at 6, and nDCG@5 with binary gains; the corpus without story
// labels (bbc) is scored on its topics. It also counts the lists holding a
// near-duplicate of the article: a labelled duplicate pair (bbc), the
// same text once white space is folded, or the same text by
// internal/dedup. Beside it, in the same run, the plain TF-IDF cosine
// baseline: the six pages whose word vectors are closest to the article
// over the whole corpus (future articles included), scored alike.
// Search: for each page, a query of its title's words
// (GET /api/v1/search?q=…) must return it first.
//
// Scale mode: see scale.go.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/herald-news/herald/bench/internal/machine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	var report bytes.Buffer
	err := run(ctx, os.Args[1:], &report)
	stop()
	os.Stdout.Write(report.Bytes())
	if err != nil {
		fmt.Fprintln(os.Stderr, "related:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("related", flag.ContinueOnError)
	names := fs.String("corpus", "bbc,ecbplus,neus", "comma-separated corpora: bbc, ecbplus, neus")
	heraldPath := fs.String("herald", "", "the herald binary to run (default: build ./cmd/herald)")
	data := fs.String("data", "../shared/corpus/stories", "the stories corpus folder")
	keep := fs.Bool("keep", false, "keep the temporary folder and print its path")
	scale := fs.Int("scale", 0, "scale mode: generate this many articles with bench/gen and time search and related lists")
	dsn := fs.String("db", "", "scale mode: a PostgreSQL DSN to use instead of a SQLite file (its schema is emptied first)")
	samples := fs.Int("samples", 300, "scale mode: queries of each kind, and related lists computed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "bench-related-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "related: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	loadBefore := machine.LoadAvg()
	fmt.Fprintf(out, "Command: `go run ./bench/related %s`  \n", strings.Join(args, " "))
	defer func() {
		fmt.Fprintf(out, "\nMachine: %s, %d cores (shared with other work), %s/%s, %s; load average before %s, after %s\n",
			machine.CPUModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), loadBefore, machine.LoadAvg())
	}()
	if *scale > 0 {
		return runScale(ctx, out, tmp, *scale, *dsn, *samples)
	}
	herald := *heraldPath
	if herald == "" {
		herald = filepath.Join(tmp, "herald")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", herald, "./cmd/herald")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/herald (run from the project root): %w", err)
		}
	}
	var results []*result
	for _, name := range strings.Split(*names, ",") {
		c, err := readCorpus(*data, strings.TrimSpace(name))
		if err != nil {
			return err
		}
		r, err := measure(ctx, herald, tmp, c)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, r)
	}
	printResults(out, results)
	return nil
}
