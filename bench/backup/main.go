// Command backup measures backups of a large SQLite store: how long
// "herald backup" takes and what it writes, and the article page's
// throughput and p99 under wrk while backups run, beside the same without
// one, in the same run.
//
// Usage, from the project root (wrk must be installed):
//
//	go run ./bench/searchscale -db /tmp/s100k.db -n 100000 -fill-only
//	go run ./bench/backup -db /tmp/s100k.db [-d 20s] [-rounds 2] [-c 64]
//
// It builds herald, times one "herald backup" of -db on a quiet machine,
// then runs "herald serve" on -db and, -rounds times, wrk against one
// article's page quiet, then again while "herald backup" runs back to back
// for the whole wrk run (a separate process, as an operator's cron job or
// the scheduler's work would add). The backups are written into a
// temporary folder beside -db and removed. It prints Markdown rows for
// docs/BENCHMARKS.md.
//
// bench/searchscale fills the articles alone and leaves their related
// lists queued; herald serve would compute them in the background for an
// hour, on the cores wrk measures. The queue is emptied first (the lists
// are not on the article page's path), so both runs see a settled site.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald/bench/internal/machine"
	_ "modernc.org/sqlite"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "backup:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := fs.String("db", "", "a filled Herald SQLite store (required)")
	d := fs.Duration("d", 20*time.Second, "how long each wrk run lasts")
	rounds := fs.Int("rounds", 2, "quiet and busy wrk runs, alternated")
	conns := fs.Int("c", 64, "wrk's connections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		return errors.New("-db is required: a store filled by bench/searchscale -fill-only")
	}
	work, err := os.MkdirTemp(filepath.Dir(*db), "backup-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "herald")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/herald").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	fmt.Printf("machine: %s, %d cores; load %s\n\n", machine.CPUModel(), runtime.NumCPU(), machine.LoadAvg())

	if err := settle(*db); err != nil {
		return err
	}
	solo, err := timeBackup(context.Background(), bin, *db, filepath.Join(work, "solo.db"))
	if err != nil {
		return err
	}
	size, _ := os.Stat(*db)
	fmt.Printf("| store | on disk | backup | took | rows | load |\n| --- | ---: | ---: | ---: | --- | --- |\n")
	fmt.Printf("| %s | %s | %s | %.1f s | %s | %s |\n\n", filepath.Base(*db), mb(size.Size()), mb(solo.bytes),
		solo.took.Seconds(), solo.rows, machine.LoadAvg())
	os.Remove(filepath.Join(work, "solo.db"))

	page, stop, err := serve(bin, *db)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("article page %s, wrk -t2 -c%d -d%s\n\n", page, *conns, *d)
	fmt.Printf("| round | quiet req/s | quiet p99 | during backups req/s | during p99 | ratio req/s | backups written | load |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	var quiets, busies []wrkResult
	for r := 1; r <= *rounds; r++ {
		quiet, err := wrk(page, *d, *conns)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		var written int
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := timeBackup(ctx, bin, *db, filepath.Join(work, "busy.db")); err == nil {
					written++
				}
			}
		}()
		time.Sleep(500 * time.Millisecond) // the backup is under way before wrk starts
		busy, err := wrk(page, *d, *conns)
		cancel()
		wg.Wait()
		if err != nil {
			return err
		}
		fmt.Printf("| %d | %.0f | %s | %.0f | %s | %.2f | %d | %s |\n", r, quiet.rps, quiet.p99, busy.rps, busy.p99,
			busy.rps/quiet.rps, written, machine.LoadAvg())
		quiets, busies = append(quiets, quiet), append(busies, busy)
	}
	q, b := median(quiets), median(busies)
	fmt.Printf("| median | %.0f | %s | %.0f | %s | %.2f | | |\n", q.rps, q.p99, b.rps, b.p99, b.rps/q.rps)
	return nil
}

// median returns the median throughput and the median p99 of runs,
// each on its own.
func median(runs []wrkResult) wrkResult {
	rps := make([]float64, 0, len(runs))
	p99 := make([]time.Duration, 0, len(runs))
	for _, r := range runs {
		rps = append(rps, r.rps)
		d, _ := time.ParseDuration(r.p99)
		p99 = append(p99, d)
	}
	slices.Sort(rps)
	slices.Sort(p99)
	return wrkResult{rps: rps[len(rps)/2], p99: p99[len(p99)/2].String()}
}

type backupRun struct {
	took  time.Duration
	bytes int64
	rows  string
}

// timeBackup runs "herald backup" of db into out; when ctx ends it is
// interrupted as Ctrl-C would, so it removes what it had written.
func timeBackup(ctx context.Context, bin, db, out string) (backupRun, error) {
	cmd := exec.CommandContext(ctx, bin, "backup", "--db", db, out)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	start := time.Now()
	stdout, err := cmd.Output()
	took := time.Since(start)
	if err != nil {
		return backupRun{}, fmt.Errorf("herald backup: %v\n%s", err, stdout)
	}
	info, err := os.Stat(out)
	if err != nil {
		return backupRun{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	return backupRun{took: took, bytes: info.Size(), rows: lines[len(lines)-1]}, nil
}

// serve runs herald serve on db and returns the address of one article's
// page, warmed.
func serve(bin, db string) (string, func(), error) {
	slug, err := anArticle(db)
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--follow=false")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("herald serve: %v", err)
	}
	page := strings.TrimSpace(first) + "/articles/" + slug
	resp, err := http.Get(page)
	if err != nil || resp.StatusCode != 200 {
		stop()
		return "", nil, fmt.Errorf("GET %s: %v %v", page, resp, err)
	}
	resp.Body.Close()
	return page, stop, nil
}

// settle empties the related lists' queue of db (see the package doc).
func settle(db string) error {
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	res, err := conn.Exec(`DELETE FROM related_queue`)
	if err != nil {
		return fmt.Errorf("empty the related queue: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		fmt.Printf("emptied the related lists' queue: %d articles\n\n", n)
	}
	return nil
}

// anArticle returns the slug of a shown article in the middle of db.
func anArticle(db string) (string, error) {
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var slug string
	err = conn.QueryRow(`SELECT slug FROM articles WHERE duplicate_of IS NULL AND id >= (SELECT max(id) / 2 FROM articles) ORDER BY id LIMIT 1`).Scan(&slug)
	return slug, err
}

type wrkResult struct {
	rps float64
	p99 string
}

// wrk runs wrk against url and returns its requests a second and p99.
func wrk(url string, d time.Duration, conns int) (wrkResult, error) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency", url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	var r wrkResult
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			r.rps, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "99%":
			r.p99 = f[1]
		case strings.Contains(line, "Non-2xx"):
			return r, fmt.Errorf("wrk: %s", strings.TrimSpace(line))
		}
	}
	if r.rps == 0 || r.p99 == "" {
		return r, fmt.Errorf("wrk: no figures in\n%s", out)
	}
	return r, nil
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }
