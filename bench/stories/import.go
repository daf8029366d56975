package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// buildHerald builds the herald command from the project root (the
// current directory) into dir.
func buildHerald(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "herald")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", path, "./cmd/herald")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/herald (run from the project root, or pass -herald): %w", err)
	}
	return path, nil
}

// importRun is what one `herald import` reported.
type importRun struct {
	Command                     string // as run, with the temporary paths
	Summary                     string // herald's summary line
	Imported, Skipped, Rejected int
	Lines                       int
	Elapsed                     time.Duration // herald's own figure
	Wall                        time.Duration // the subprocess, start to exit
	Rejects                     []string      // "line N: why", as herald printed them
}

// ArticlesPerSecond is the import rate from herald's summary line:
// articles imported over the time herald reports.
func (r *importRun) ArticlesPerSecond() float64 {
	return float64(r.Imported) / max(r.Elapsed.Seconds(), 1e-9)
}

// summaryRE matches the line `herald import` ends with.
var summaryRE = regexp.MustCompile(`imported (\d+), skipped (\d+) \(already present\), rejected (\d+) — (\d+) lines in (\S+) \(`)

// runImport runs `herald import --db db file` as a subprocess and parses
// what it printed.
func runImport(ctx context.Context, herald, db, file string) (*importRun, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, herald, "import", "--db", db, file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := &importRun{Command: strings.Join(cmd.Args, " "), Wall: time.Since(start)}
	if err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", r.Command, err, tail(stderr.String(), 2000))
	}
	if err := r.parse(stdout.String() + stderr.String()); err != nil {
		return nil, fmt.Errorf("%s: %w", r.Command, err)
	}
	return r, nil
}

// parse reads herald's output: the summary line and the rejected lines.
func (r *importRun) parse(out string) error {
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "line "):
			r.Rejects = append(r.Rejects, l)
		case summaryRE.MatchString(l):
			m := summaryRE.FindStringSubmatch(l)
			r.Summary = l
			r.Imported, _ = strconv.Atoi(m[1]) // the pattern admits digits only
			r.Skipped, _ = strconv.Atoi(m[2])
			r.Rejected, _ = strconv.Atoi(m[3])
			r.Lines, _ = strconv.Atoi(m[4])
			d, err := time.ParseDuration(m[5])
			if err != nil {
				return fmt.Errorf("summary line %q: %w", l, err)
			}
			r.Elapsed = d
		}
	}
	if r.Summary == "" {
		return fmt.Errorf("no summary line in its output:\n%s", tail(out, 2000))
	}
	return nil
}

// tail returns the last n bytes of s, for error messages.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
