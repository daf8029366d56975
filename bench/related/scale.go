package main

import (
	"github.com/herald-news/herald/bench/internal/indexsize"
	"github.com/herald-news/herald/bench/internal/stats"

	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/postgres"
	"github.com/herald-news/herald/internal/related"
	"github.com/herald-news/herald/internal/search"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/jackc/pgx/v5"
)

// scaleSchema is the PostgreSQL schema scale mode empties and fills.
const scaleSchema = "bench_related"

// runScale generates n articles with bench/gen, imports them with the
// pipeline in this process (related lists off, so that the build takes
// minutes, not hours), and then times, on the store itself:
//   - searches of one, two and three title words and of a two-word phrase
//     (samples of each, relevance order, first page of 20);
//   - Refresh of samples articles: their related list computed and
//     offered to their closest articles' lists, as on arrival;
//   - reading those lists (FindRelated, what a page does);
//   - the size of the full-text index.
func runScale(ctx context.Context, out io.Writer, tmp string, n int, dsn string, samples int) error {
	file := filepath.Join(tmp, "gen.jsonl")
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	gen := exec.CommandContext(ctx, "go", "run", "./bench/gen", "-n", fmt.Sprint(n))
	gen.Stdout, gen.Stderr = f, os.Stderr
	if err := gen.Run(); err != nil {
		return fmt.Errorf("bench/gen: %w", err)
	}
	f.Close()

	var store interface {
		herald.Store
	}
	kind := "SQLite"
	if dsn == "" {
		db, err := sqlite.Open(ctx, filepath.Join(tmp, "scale.db"))
		if err != nil {
			return err
		}
		store = db
	} else {
		kind = "PostgreSQL"
		if dsn, err = freshSchema(ctx, dsn); err != nil {
			return err
		}
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return err
		}
		store = db
	}
	defer store.Close()

	in, err := os.Open(file)
	if err != nil {
		return err
	}
	start := time.Now()
	prog, err := (&ingest.Importer{Pipeline: &ingest.Pipeline{Articles: store}}).Import(ctx, in)
	in.Close()
	if err != nil {
		return err
	}
	build := time.Since(start)
	fmt.Fprintf(out, "\n%s, %d generated articles imported in %s (%.0f articles/s, related lists off during the build)\n\n",
		kind, prog.Imported, build.Round(time.Second), float64(prog.Imported)/build.Seconds())

	titles, err := sampleTitles(file, samples, n)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	queries := map[string][]string{}
	for _, t := range titles {
		toks := search.Tokens(t)
		if len(toks) < 3 {
			continue
		}
		i := rng.IntN(len(toks) - 2)
		queries["one word"] = append(queries["one word"], toks[i])
		queries["two words"] = append(queries["two words"], toks[i]+" "+toks[i+1])
		queries["three words"] = append(queries["three words"], strings.Join(toks[i:i+3], " "))
		queries["phrase"] = append(queries["phrase"], `"`+toks[i]+" "+toks[i+1]+`"`)
	}
	fmt.Fprintln(out, "| store | query | samples | p50 | p99 | max | mean hits on page 1 |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	for _, kindQ := range []string{"one word", "two words", "three words", "phrase"} {
		var times []time.Duration
		hits := 0
		for _, q := range queries[kindQ] {
			parsed, err := search.Parse(q)
			if err != nil {
				return err
			}
			t0 := time.Now()
			res, err := store.Search(ctx, herald.SearchFilter{Query: parsed})
			if err != nil {
				return fmt.Errorf("search %q: %w", q, err)
			}
			times = append(times, time.Since(t0))
			hits += len(res.Hits)
		}
		fmt.Fprintf(out, "| %s | %s | %d | %s | %s | %s | %.1f |\n", kind, kindQ, len(times),
			ms(stats.Percentile(times, 50)), ms(stats.Percentile(times, 99)), ms(stats.Percentile(times, 100)), float64(hits)/float64(max(len(times), 1)))
	}

	// Related lists: computed for a sample, as on arrival, then read.
	rec := &related.Recommender{Store: store}
	var computeT, readT []time.Duration
	ids := make([]int64, 0, samples)
	for len(ids) < samples {
		ids = append(ids, 1+rng.Int64N(int64(prog.Imported)))
	}
	for _, id := range ids {
		a, err := store.FindArticleByID(ctx, id)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		t0 := time.Now()
		if err := rec.Refresh(ctx, a); err != nil {
			return err
		}
		computeT = append(computeT, time.Since(t0))
	}
	for _, id := range ids {
		t0 := time.Now()
		if _, err := store.FindRelated(ctx, id); err != nil {
			return err
		}
		readT = append(readT, time.Since(t0))
	}
	fmt.Fprintln(out, "\n| store | related lists | samples | p50 | p99 |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: |")
	fmt.Fprintf(out, "| %s | compute one (Refresh: list + offers to its closest) | %d | %s | %s |\n", kind, len(computeT), ms(stats.Percentile(computeT, 50)), ms(stats.Percentile(computeT, 99)))
	fmt.Fprintf(out, "| %s | read one (FindRelated, one indexed query) | %d | %s | %s |\n", kind, len(readT), ms(stats.Percentile(readT, 50)), ms(stats.Percentile(readT, 99)))

	size, err := indexsize.Describe(ctx, store, dsn)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%s full-text index: %s\n", kind, size)
	return nil
}

// sampleTitles returns up to k titles spread over the file's n lines.
func sampleTitles(file string, k, n int) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	every := max(1, n/k)
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for i := 0; sc.Scan(); i++ {
		if i%every != 0 {
			continue
		}
		var l struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, err
		}
		out = append(out, l.Title)
	}
	return out, sc.Err()
}

// freshSchema empties scaleSchema and returns dsn pointing at it.
func freshSchema(ctx context.Context, dsn string) (string, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+scaleSchema+` CASCADE; CREATE SCHEMA `+scaleSchema); err != nil {
		return "", err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("scale mode takes a postgres:// URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", scaleSchema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
