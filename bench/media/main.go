// Command media measures internal/media, the processing of the pictures
// Herald serves, and prints Markdown for docs/BENCHMARKS.md:
//
//   - peak resident memory (VmHWM) of a fresh process that reads one
//     40-megapixel JPEG and processes it, for a baseline JPEG and, where
//     Debian's jpegtran is installed, the same picture as a progressive
//     JPEG; then of a burst of eight such JPEGs processed at once under a
//     Limiter;
//   - speed on one core (GOMAXPROCS=1, CPU time of the process) over a
//     set of generated photographs of the sizes news sites publish, with
//     the bytes of the originals and of the variants made of them;
//   - the same over real photographs encoded by other software than Go:
//     the photographs of Debian's plasma-workspace-wallpapers (see
//     README.md for their source and licence).
//
// Usage, from the project root:
//
//	sudo apt-get install plasma-workspace-wallpapers   # the real photographs
//	go run ./bench/media [-dir /tmp/herald-media] [-rounds 3] [-sets memory,generated,photos]
//
// The originals are generated into -dir once (the 40-megapixel ones take
// a minute) and reused.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/media/mediatest"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "media:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("media", flag.ContinueOnError)
	dir := fs.String("dir", filepath.Join(os.TempDir(), "herald-media"), "where the generated originals are kept")
	rounds := fs.Int("rounds", 3, "times each picture of the speed set is processed")
	child := fs.String("child", "", "internal: process these files (comma-separated) at once and report VmHWM")
	limit := fs.Int64("limit", media.DefaultMaxMemory, "internal: the Limiter's size in the child")
	sets := fs.String("sets", "memory,generated,photos", "what to measure: memory (40-megapixel peaks), generated, photos (real photographs)")
	photoDir := fs.String("photos", "/usr/share/wallpapers", "where plasma-workspace-wallpapers put its pictures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *child != "" {
		return measureChild(strings.Split(*child, ","), *limit, out)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(out, "Machine: %s, %d cores (GOMAXPROCS), %s; load average %s at the start.\n\n",
		machine.CPUModel(), runtime.NumCPU(), runtime.Version(), machine.LoadAvg())
	want := make(map[string]bool)
	for _, s := range strings.Split(*sets, ",") {
		want[strings.TrimSpace(s)] = true
	}
	if want["memory"] {
		if err := peakMemory(*dir, out); err != nil {
			return err
		}
	}
	runtime.GOMAXPROCS(1) // the speed sets: one core
	if want["generated"] {
		set, err := generatedSet(*dir)
		if err != nil {
			return err
		}
		if err := speed("Generated photographs", set, *rounds, out); err != nil {
			return err
		}
	}
	if want["photos"] {
		set, err := photoSet(*photoDir)
		if err != nil {
			return err
		}
		return speed("Real photographs (plasma-workspace-wallpapers, 2560×1600 JPEGs)", set, *rounds, out)
	}
	return nil
}

// The 40-megapixel picture: 7728×5152 (39.8 megapixels, 3:2), the size
// of a 40-megapixel camera's pictures.
const bigW, bigH = 7728, 5152

func peakMemory(dir string, out io.Writer) error {
	base := filepath.Join(dir, "40mp.jpg")
	if err := generate(base, func() []byte { return mediatest.JPEG(mediatest.PhotoYCbCr(bigW, bigH, 40), 85) }); err != nil {
		return err
	}
	files := []struct{ label, path string }{{"baseline JPEG, 4:2:0", base}}
	prog := filepath.Join(dir, "40mp-progressive.jpg")
	if _, err := os.Stat(prog); err != nil {
		if path, err := exec.LookPath("jpegtran"); err == nil {
			cmd := exec.Command(path, "-progressive", "-outfile", prog, base)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("jpegtran: %w", err)
			}
		}
	}
	if _, err := os.Stat(prog); err == nil {
		files = append(files, struct{ label, path string }{"progressive JPEG, 4:2:0", prog})
	}
	fmt.Fprintf(out, "### Peak memory, one 40-megapixel picture (%d×%d)\n\n", bigW, bigH)
	fmt.Fprintln(out, "| original | bytes | estimate (Config.Memory) | VmHWM after reading the file | VmHWM after processing | wall | CPU |")
	fmt.Fprintln(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, f := range files {
		r, err := runChild([]string{f.path}, media.DefaultMaxMemory)
		if err != nil {
			return err
		}
		st, err := os.Stat(f.path)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | **%s** | %s | %s |\n", f.label, mb(st.Size()), mb(r.estimate), mb(r.before), mb(r.after), r.wall, r.cpu)
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "### A burst of eight 40-megapixel baseline JPEGs at once")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| Limiter size | VmHWM after reading the files | VmHWM after processing | wall | CPU |")
	fmt.Fprintln(out, "| ---: | ---: | ---: | ---: | ---: |")
	burst := make([]string, 8)
	for i := range burst {
		burst[i] = base
	}
	for _, limit := range []int64{media.DefaultMaxMemory, 1 << 30} {
		r, err := runChild(burst, limit)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "| %s | %s | **%s** | %s | %s |\n", mb(limit), mb(r.before), mb(r.after), r.wall, r.cpu)
	}
	fmt.Fprintln(out)
	return nil
}

func generate(path string, make func() []byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	return os.WriteFile(path, make(), 0o644)
}

type childResult struct {
	before, after, estimate int64
	wall, cpu               time.Duration
}

// runChild processes files at once in a fresh process, so that its
// VmHWM is theirs alone.
func runChild(files []string, limit int64) (childResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return childResult{}, err
	}
	cmd := exec.Command(exe, "-child", strings.Join(files, ","), "-limit", strconv.FormatInt(limit, 10))
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return childResult{}, fmt.Errorf("child: %w", err)
	}
	var r childResult
	var wall, cpu string
	if _, err := fmt.Sscan(string(b), &r.before, &r.after, &r.estimate, &wall, &cpu); err != nil {
		return childResult{}, fmt.Errorf("child said %q: %w", b, err)
	}
	r.wall, _ = time.ParseDuration(wall) // printed by the child from a Duration
	r.cpu, _ = time.ParseDuration(cpu)
	return r, nil
}

func measureChild(files []string, limit int64, out io.Writer) error {
	data := make([][]byte, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		data[i] = b
	}
	before, err := vmHWM()
	if err != nil {
		return err
	}
	p := media.Processor{Limiter: media.NewLimiter(limit)}
	info, err := media.Probe(data[0])
	if err != nil {
		return err
	}
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	errs := make([]error, len(data))
	for i := range data {
		wg.Go(func() {
			_, errs[i] = p.Process(context.Background(), data[i], media.Options{Name: files[i]})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	after, err := vmHWM()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, before, after, p.Config.Memory(info), wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
	return nil
}

// vmHWM returns the process's peak resident memory so far, in bytes.
func vmHWM() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// cpuTime returns the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }

// speedSet is the set of pictures timed on one core: the sizes news
// sites publish and cameras make.
var speedSet = []struct {
	name string
	w, h int
	png  bool
}{
	{"web 1200×800", 1200, 800, false},
	{"web 1600×900", 1600, 900, false},
	{"web 2048×1365", 2048, 1365, false},
	{"portrait 1080×1350", 1080, 1350, false},
	{"agency 3000×2000", 3000, 2000, false},
	{"phone 4032×3024", 4032, 3024, false},
	{"camera 6000×4000", 6000, 4000, false},
	{"graphic PNG 1200×675", 1200, 675, true},
}

// picture is one original of a speed set.
type picture struct {
	name string
	data []byte
}

// generatedSet returns speedSet, generated into dir once.
func generatedSet(dir string) ([]picture, error) {
	var set []picture
	for i, s := range speedSet {
		ext := ".jpg"
		if s.png {
			ext = ".png"
		}
		path := filepath.Join(dir, fmt.Sprintf("set-%dx%d%s", s.w, s.h, ext))
		if err := generate(path, func() []byte {
			m := mediatest.Photo(s.w, s.h, uint64(100+i))
			if s.png {
				return mediatest.PNG(m)
			}
			return mediatest.JPEG(m, 85)
		}); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		set = append(set, picture{s.name, data})
	}
	return set, nil
}

// photos are the wallpapers of plasma-workspace-wallpapers (Debian
// bookworm, 4:5.27.5-2) that are photographs: landscapes, water, leaves,
// a forest, a building, the sky. The package's other wallpapers are
// paintings and renders, and Autumn, a painting, is left out.
var photos = []string{"BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf",
	"Grey", "Kite", "OneStandsOut", "Path", "summer_1am"}

// photoSet reads the photographs from dir, each at the largest size the
// package has (2560×1600; its smaller names link to it).
func photoSet(dir string) ([]picture, error) {
	var set []picture
	for _, name := range photos {
		path := filepath.Join(dir, name, "contents", "images", "2560x1600.jpg")
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w (apt-get install plasma-workspace-wallpapers, or -sets memory,generated)", err)
		}
		set = append(set, picture{name, data})
	}
	return set, nil
}

// speed processes each picture of set rounds times on one core and
// prints its CPU time and the bytes of its variants beside its own.
func speed(title string, set []picture, rounds int, out io.Writer) error {
	var p media.Processor
	fmt.Fprintf(out, "### %s: speed on one core (GOMAXPROCS=1), %d rounds\n\n", title, rounds)
	fmt.Fprintln(out, "| picture | size | original | variants (3 widths + card) | CPU a picture | pictures/s a core |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: | ---: |")
	var totalIn, totalOut int64
	var totalCPU time.Duration
	for _, pic := range set {
		var outBytes int64
		var size string
		runtime.GC()
		cpu0 := cpuTime()
		for r := 0; r < rounds; r++ {
			res, err := p.Process(context.Background(), pic.data, media.Options{})
			if err != nil {
				return fmt.Errorf("%s: %w", pic.name, err)
			}
			outBytes = 0
			for _, v := range res.Variants {
				outBytes += int64(len(v.Bytes))
			}
			size = fmt.Sprintf("%d×%d", res.Width, res.Height)
		}
		cpu := (cpuTime() - cpu0) / time.Duration(rounds)
		totalIn += int64(len(pic.data))
		totalOut += outBytes
		totalCPU += cpu
		fmt.Fprintf(out, "| %s | %s | %s | %s | %d ms | %.1f |\n", pic.name, size, kb(int64(len(pic.data))), kb(outBytes), cpu.Milliseconds(), 1/cpu.Seconds())
	}
	n := float64(len(set))
	fmt.Fprintf(out, "| **all %d** | | %s | %s (%.0f%%; %.0f%% saved) | %d ms | **%.1f** |\n\n", len(set), kb(totalIn), kb(totalOut),
		100*float64(totalOut)/float64(totalIn), 100-100*float64(totalOut)/float64(totalIn),
		(totalCPU / time.Duration(len(set))).Milliseconds(), n/totalCPU.Seconds())
	return nil
}

func kb(n int64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f kB", float64(n)/1e3)
}
