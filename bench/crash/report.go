package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// row is one trial: one process started, and killed or run to its end.
type row struct {
	store  string
	phase  string // "import" or "comments"
	trial  string // 1, 2, …, or "end"
	delay  time.Duration
	killed bool // false: it exited by itself, or was stopped with SIGTERM
	before int  // articles or comments stored before it started
	after  int  // … and once it had ended
	notes  []string
	broken []string // violations: each one line
}

func (r *row) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *row) fail(format string, args ...any) {
	r.broken = append(r.broken, fmt.Sprintf(format, args...))
}

// report is every trial's row, in the order run.
type report struct {
	cfg  config
	rows []*row
}

func (rep *report) add(r *row) { rep.rows = append(rep.rows, r) }

// violations counts the rules broken over all trials.
func (rep *report) violations() int {
	n := 0
	for _, r := range rep.rows {
		n += len(r.broken)
	}
	return n
}

// print writes the table, then every violation in full.
func (rep *report) print(w io.Writer) {
	c := rep.cfg
	fmt.Fprintf(w, "crash trials: -seed %d, -articles %d, %d import kills (a start's time + 0.1 s to %s), %d comment-server kills (0.2 s to %s after the first post), %d posters\n\n",
		c.seed, c.articles, c.trials, c.importKill, c.commentTrials, c.commentKill, c.posters)
	fmt.Fprintln(w, "| store | phase | trial | killed after | stored before | stored after | what happened | checks |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
	for _, r := range rep.rows {
		killed := "–"
		switch {
		case r.killed:
			killed = fmt.Sprintf("%.2f s", r.delay.Seconds())
		case r.delay > 0:
			killed = fmt.Sprintf("(%.2f s)", r.delay.Seconds())
		}
		checks := "ok"
		if len(r.broken) > 0 {
			checks = fmt.Sprintf("**%d broken**", len(r.broken))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %d | %s | %s |\n",
			r.store, r.phase, r.trial, killed, r.before, r.after, strings.Join(r.notes, "; "), checks)
	}
	if n := rep.violations(); n > 0 {
		fmt.Fprintf(w, "\n%d violations:\n", n)
		for _, r := range rep.rows {
			for _, b := range r.broken {
				fmt.Fprintf(w, "- %s %s trial %s: %s\n", r.store, r.phase, r.trial, b)
			}
		}
	} else {
		fmt.Fprintln(w, "\nno violations")
	}
}
