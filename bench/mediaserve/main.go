// Command mediaserve measures how fast Herald serves pictures at
// /media/{hash}/{file}, beside a bare net/http server sending the same
// bytes with the same headers, in the same run, and prints Markdown for
// docs/BENCHMARKS.md.
//
// It stores one picture, a generated 1600×1067 photograph processed by
// internal/media, in a fresh SQLite store, serves the site (web.Server,
// every middleware included) and the bare server on loopback, and runs
// wrk against each in turn, -rounds times, for the variants named by
// -files. The target is a ratio of at least 0.8.
//
// Usage, from the project root (wrk must be installed):
//
//	go run ./bench/mediaserve [-d 10s] [-rounds 2] [-files 640.jpg,1024.jpg]
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/media/mediatest"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
	"github.com/herald-news/herald/internal/web"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mediaserve:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("mediaserve", flag.ContinueOnError)
	duration := fs.Duration("d", 10*time.Second, "how long each wrk run lasts")
	rounds := fs.Int("rounds", 2, "runs of each server for each file, alternating")
	files := fs.String("files", "640.jpg,1024.jpg", "the variants to fetch, comma-separated")
	conns := fs.Int("c", 32, "wrk's connections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "herald-mediaserve")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "herald.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	m, err := storePicture(ctx, store)
	if err != nil {
		return err
	}

	site, err := web.New(store, slog.New(slog.DiscardHandler), web.Config{BaseURL: "http://127.0.0.1"})
	if err != nil {
		return err
	}
	heraldURL, err := serve(site.Handler())
	if err != nil {
		return err
	}
	bare, err := serve(bareHandler(m))
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "Machine: %s, %d cores, %s; load average %s before the runs.\n\n",
		machine.CPUModel(), runtime.NumCPU(), runtime.Version(), machine.LoadAvg())
	fmt.Fprintf(out, "| file | bytes | server | requests/s (each run) | median |\n| --- | ---: | --- | --- | ---: |\n")
	var ratios []string
	for _, file := range strings.Split(*files, ",") {
		path := "/media/" + m.Hash + "/" + file
		size, err := check(heraldURL+path, bare+path)
		if err != nil {
			return err
		}
		results := map[string][]float64{}
		for range *rounds {
			for _, s := range []struct{ name, base string }{{"herald", heraldURL}, {"bare", bare}} {
				rps, err := wrk(s.base+path, *duration, *conns)
				if err != nil {
					return err
				}
				results[s.name] = append(results[s.name], rps)
			}
		}
		for _, name := range []string{"herald", "bare"} {
			fmt.Fprintf(out, "| %s | %d | %s | %s | %.0f |\n", file, size, name, joinFloats(results[name]), median(results[name]))
		}
		ratios = append(ratios, fmt.Sprintf("%s %.2f", file, median(results["herald"])/median(results["bare"])))
	}
	fmt.Fprintf(out, "\nRatio herald/bare (medians): %s. Load average after: %s.\n", strings.Join(ratios, ", "), machine.LoadAvg())
	return nil
}

// storePicture processes a generated photograph and stores it as an
// article's lead picture, returning its media.
func storePicture(ctx context.Context, store *sqlite.DB) (*herald.Media, error) {
	original := mediatest.JPEG(mediatest.Photo(1600, 1067, 7), 85)
	res, err := (&media.Processor{}).Process(ctx, original, media.Options{})
	if err != nil {
		return nil, err
	}
	m := &herald.Media{Hash: res.Hash, Width: res.Width, Height: res.Height,
		ContentType: res.Format.ContentType(), OriginalBytes: int64(len(original))}
	for _, v := range res.Variants {
		m.Variants = append(m.Variants, herald.MediaVariant{Width: v.Width, Height: v.Height,
			ContentType: v.ContentType, Card: v.Card, Data: v.Bytes})
	}
	a := storetest.NewArticle(1, "Outlet")
	if _, err := store.AddArticle(ctx, a); err != nil {
		return nil, err
	}
	const addr = "https://img.example/photo.jpg"
	if err := store.SetArticleImages(ctx, a.ID, []herald.ArticleImage{{Role: herald.RoleLead, SourceURL: addr}}); err != nil {
		return nil, err
	}
	return m, store.RecordImageResult(ctx, herald.ImageResult{SourceURL: addr, Status: herald.ImageStored, Media: m})
}

// bareHandler serves the width variants of m from memory with the
// headers Herald sends, and nothing else: the most a Go server can do.
func bareHandler(m *herald.Media) http.Handler {
	mux := http.NewServeMux()
	for _, v := range m.Variants {
		if v.Card {
			continue
		}
		file := strconv.Itoa(v.Width) + ".jpg"
		if v.ContentType == herald.VariantPNG {
			file = strconv.Itoa(v.Width) + ".png"
		}
		etag := `"` + m.Hash + "-" + strconv.Itoa(v.Width) + `"`
		mux.HandleFunc("GET /media/"+m.Hash+"/"+file, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", v.ContentType)
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			h.Set("ETag", etag)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Content-Length", strconv.Itoa(len(v.Data)))
			w.Write(v.Data)
		})
	}
	return mux
}

// serve serves h on a free loopback port and returns its base URL.
func serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go (&http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// check fetches url from both servers and returns the body's size,
// failing unless both answer 200 with the same bytes.
func check(heraldURL, bare string) (int, error) {
	var bodies [][]byte
	for _, u := range []string{heraldURL, bare} {
		resp, err := http.Get(u)
		if err != nil {
			return 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %s", u, resp.Status)
		}
		bodies = append(bodies, b)
	}
	if !bytes.Equal(bodies[0], bodies[1]) {
		return 0, fmt.Errorf("the servers send different bytes for %s", heraldURL)
	}
	return len(bodies[0]), nil
}

// wrk runs wrk against url and returns its requests a second.
func wrk(url string, d time.Duration, conns int) (float64, error) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s", url).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Requests/sec:"); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		if strings.Contains(sc.Text(), "Non-2xx") {
			return 0, fmt.Errorf("wrk %s: %s", url, sc.Text())
		}
	}
	return 0, fmt.Errorf("wrk %s: no Requests/sec in\n%s", url, out)
}

func joinFloats(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strings.Join(parts, ", ")
}

func median(vs []float64) float64 {
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
