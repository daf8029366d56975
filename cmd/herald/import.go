package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/herald-news/herald/internal/ingest"
	"golang.org/x/term"
)

func runImport(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: herald import [--db PATH|postgres://…] FILE.jsonl|-")
		fmt.Fprintln(fs.Output(), "Loads articles, one JSON object a line; - reads standard input.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	in, size, err := openInput(fs.Arg(0), e.stdin)
	if err != nil {
		return err
	}
	defer in.Close()

	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()

	pipe := ingest.NewPipeline(store)
	if err := placeUnplaced(ctx, pipe, e.stderr); err != nil {
		return err
	}
	show := newProgressShow(e.stderr, size)
	im := &ingest.Importer{
		Pipeline: pipe,
		// A source's --images setting applies to its imported articles
		// as to those followed.
		Sources:    store,
		OnProgress: show.update,
		OnReject: func(line int, err error) {
			show.clear()
			fmt.Fprintf(e.stderr, "line %d: %s\n", line, message(err))
		},
		OnWarn: func(line int, msg string) {
			show.clear()
			fmt.Fprintf(e.stderr, "line %d: warning: %s\n", line, msg)
		},
	}
	start := time.Now()
	relating := relateWhile(ctx, pipe)
	prog, err := im.Import(ctx, in)
	show.clear()
	elapsed := time.Since(start)
	fmt.Fprintf(e.stderr, "imported %d, skipped %d (already present), rejected %d — %d lines in %s (%.0f lines/s)\n",
		prog.Imported, prog.Skipped, prog.Rejected, prog.Lines, elapsed.Round(time.Millisecond),
		float64(prog.Lines)/max(elapsed.Seconds(), 1e-9))
	if err != nil {
		relating()
		return err
	}
	fmt.Fprintln(e.stderr, "computing the remaining related lists…")
	if err := relating(); err != nil {
		return fmt.Errorf("related lists: %w", err)
	}
	return nil
}

// relateWhile computes related lists in the background, beside the
// import, which stores articles one at a time and so leaves a core free.
// The function it returns stops that, computes the lists still queued,
// and reports the first error.
func relateWhile(ctx context.Context, pipe *ingest.Pipeline) (finish func() error) {
	stop := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		// An article whose list fails stays queued; the others go on, and
		// the first error is reported at the end.
		var firstErr error
		keep := func(err error) {
			if firstErr == nil {
				firstErr = err
			}
		}
		for {
			if _, err := pipe.RelateQueued(ctx); err != nil {
				keep(err)
			}
			select {
			case <-stop:
				if _, err := pipe.RelateQueued(ctx); err != nil {
					keep(err)
				}
				result <- firstErr
				return
			case <-ctx.Done():
				result <- errors.Join(firstErr, ctx.Err())
				return
			case <-time.After(time.Second):
			}
		}
	}()
	return func() error {
		close(stop)
		return <-result
	}
}

// openInput opens the named file, or standard input for "-", and returns
// its size when known (0 otherwise) for the progress display.
func openInput(name string, stdin io.Reader) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(stdin), 0, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("cannot read %s: it is a folder", name)
	}
	return f, st.Size(), nil
}

// unwrapPath drops the *PathError wrapper, whose text repeats the name.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// progressShow reports an import's progress: a bar redrawn in place on a
// terminal, a plain line every few seconds anywhere else.
type progressShow struct {
	w     io.Writer
	tty   bool
	total int64 // bytes; 0 when unknown
	start time.Time
	last  time.Time
	every time.Duration
	drawn bool
}

func newProgressShow(w io.Writer, total int64) *progressShow {
	p := &progressShow{w: w, total: total, start: time.Now(), every: 5 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty, p.every = true, 200*time.Millisecond
	}
	p.last = p.start
	return p
}

func (p *progressShow) update(prog ingest.Progress) {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(prog.Lines) / max(elapsed, 1e-9)
	counts := fmt.Sprintf("%d imported, %d skipped, %d rejected, %.0f lines/s",
		prog.Imported, prog.Skipped, prog.Rejected, rate)
	eta := ""
	frac := 0.0
	if p.total > 0 && prog.Bytes > 0 {
		frac = min(float64(prog.Bytes)/float64(p.total), 1)
		remaining := time.Duration(elapsed * (1 - frac) / frac * float64(time.Second)).Round(time.Second)
		eta = fmt.Sprintf(", ETA %s", remaining)
	}
	if !p.tty {
		if p.total > 0 {
			fmt.Fprintf(p.w, "progress: %.0f%% — %s%s\n", frac*100, counts, eta)
		} else {
			fmt.Fprintf(p.w, "progress: %s\n", counts)
		}
		return
	}
	bar := ""
	if p.total > 0 {
		const width = 24
		full := int(frac * width)
		bar = fmt.Sprintf("[%s%s] %3.0f%% ", strings.Repeat("#", full), strings.Repeat(".", width-full), frac*100)
	}
	fmt.Fprintf(p.w, "\r\033[K%s%s%s", bar, counts, eta)
	p.drawn = true
}

// clear removes the bar so that other lines print cleanly.
func (p *progressShow) clear() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
