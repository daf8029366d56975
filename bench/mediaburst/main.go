// Command mediaburst measures the peak resident memory of herald serve
// while it fetches and processes a burst of large pictures: it serves n
// distinct JPEGs of w×h pixels on loopback, imports n articles naming
// them, starts the real herald serve on that store and samples its
// VmHWM (the kernel's peak resident set) until every picture is settled,
// read from herald's own /metrics.
//
// Usage, from the project root:
//
//	go run ./bench/mediaburst [-n 200] [-w 6000] [-h 4000] [-bases 8]
//
// The n pictures are made from -bases drawn photographs, each copy made
// distinct by a JPEG comment segment holding its number: they decode to
// the same pixels but hash, and so are fetched and processed, apart.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/internal/media/mediatest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mediaburst:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("mediaburst", flag.ContinueOnError)
	n := fs.Int("n", 200, "pictures in the burst, one article each")
	w := fs.Int("w", 6000, "width of each picture")
	h := fs.Int("h", 4000, "height of each picture")
	bases := fs.Int("bases", 8, "distinct photographs drawn; the n pictures are copies of them made distinct")
	timeout := fs.Duration("timeout", 20*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *bases < 1 || *w < 100 || *h < 100 {
		return errors.New("-n and -bases must be at least 1, -w and -h at least 100")
	}
	dir, err := os.MkdirTemp("", "herald-mediaburst-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	herald := filepath.Join(dir, "herald")
	build := exec.Command("go", "build", "-o", herald, "./cmd/herald")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build herald: %w", err)
	}

	pics := drawPictures(*n, *bases, *w, *h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: pictureServer(pics), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	origin := "http://" + ln.Addr().String()

	db := filepath.Join(dir, "herald.db")
	articles := filepath.Join(dir, "articles.jsonl")
	if err := writeArticles(articles, origin, *n); err != nil {
		return err
	}
	if out, err := exec.Command(herald, "import", "--db", db, articles).CombinedOutput(); err != nil {
		return fmt.Errorf("import: %w: %s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := watchServe(ctx, herald, db, *n)
	if err != nil {
		return err
	}
	var originals int64
	for _, p := range pics {
		originals += int64(len(p))
	}
	fmt.Fprintf(out, "Machine: %s, %d cores, %s; load average %s at the end.\n\n", machine.CPUModel(), runtime.NumCPU(), runtime.Version(), machine.LoadAvg())
	fmt.Fprintln(out, "| pictures | size | originals | settled (stored / refused / failed) | time | herald serve peak RSS (VmHWM) | RSS before the burst |")
	fmt.Fprintln(out, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	fmt.Fprintf(out, "| %d | %d×%d (%.1f MP) | %.1f MB | %d / %d / %d | %s | **%.0f MB** | %.0f MB |\n",
		*n, *w, *h, float64(*w**h)/1e6, float64(originals)/1e6,
		res.stored, res.refused, res.failed, res.took.Round(time.Second), float64(res.peak)/1e6, float64(res.idle)/1e6)
	return nil
}

// drawPictures returns n JPEGs made from bases photographs, each made
// distinct by a comment segment after its start-of-image marker.
func drawPictures(n, bases, w, h int) [][]byte {
	drawn := make([][]byte, bases)
	for i := range drawn {
		drawn[i] = mediatest.JPEG(mediatest.PhotoYCbCr(w, h, uint64(i+1)), 85)
	}
	pics := make([][]byte, n)
	for i := range pics {
		base := drawn[i%bases]
		note := []byte("herald burst picture " + strconv.Itoa(i))
		var b bytes.Buffer
		b.Write(base[:2]) // SOI
		b.Write([]byte{0xFF, 0xFE, byte((len(note) + 2) >> 8), byte(len(note) + 2)})
		b.Write(note)
		b.Write(base[2:])
		pics[i] = b.Bytes()
	}
	return pics
}

func pictureServer(pics [][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/p/")
		i, err := strconv.Atoi(strings.TrimSuffix(name, ".jpg"))
		if !ok || err != nil || i < 0 || i >= len(pics) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(pics[i])
	})
}

func writeArticles(path, origin string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for i := range n {
		err := enc.Encode(map[string]string{
			"url":          fmt.Sprintf("%s/articles/%d", origin, i),
			"title":        fmt.Sprintf("Burst article number %d", i),
			"text":         fmt.Sprintf("Article %d of the burst names one large picture. It has a paragraph of its own words, number %d.", i, i*7),
			"source":       "Burst Outlet",
			"source_url":   origin + "/",
			"licence":      "excerpt",
			"image":        fmt.Sprintf("%s/p/%d.jpg", origin, i),
			"published_at": time.Now().UTC().Add(-time.Duration(n-i) * time.Minute).Format(time.RFC3339),
		})
		if err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

type result struct {
	stored, refused, failed int
	peak, idle              int64
	took                    time.Duration
}

// watchServe starts herald serve on db, waits until n pictures are settled
// and returns what it saw. The pictures are pending from the import, so
// the burst starts as soon as serve's picture worker does.
func watchServe(ctx context.Context, herald, db string, n int) (result, error) {
	cmd := exec.CommandContext(ctx, herald, "serve", "--db", db, "--addr", "127.0.0.1:0", "--allow-private-networks", "--fetch-workers", "1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return result{}, err
	}
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return result{}, fmt.Errorf("read serve's address: %w", err)
	}
	addr = strings.TrimSpace(addr)
	var res result
	res.idle = status(cmd.Process.Pid, "VmRSS")
	for {
		res.peak = max(res.peak, status(cmd.Process.Pid, "VmHWM"))
		c, err := settled(addr)
		if err == nil {
			res.stored, res.refused, res.failed = c["stored"], c["refused"], c["failed"]
			if res.stored+res.refused+res.failed >= n {
				res.took = time.Since(start)
				return res, nil
			}
		}
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("%d of %d pictures settled when time ran out", res.stored+res.refused+res.failed, n)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// settled reads herald_pictures_total by status from serve's /metrics.
func settled(addr string) (map[string]int, error) {
	resp, err := http.Get(addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	counts := map[string]int{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, `herald_pictures_total{status="`)
		if !ok {
			continue
		}
		status, value, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err == nil {
			counts[status] = int(v)
		}
	}
	return counts, sc.Err()
}

// status returns a size field of /proc/PID/status, in bytes (0 if unread).
func status(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
