package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/herald-news/herald"
)

const checkUsage = `Usage: herald check [--db PATH|postgres://…] [--repair]
Checks the database's integrity and Herald's own invariants, one line each;
exits with status 1 when something is wrong.
`

// runCheck checks the store's integrity and Herald's invariants, repairs
// what can be rebuilt when asked, and fails when anything is still wrong.
func runCheck(ctx context.Context, args []string, e env) error {
	c := newCommand("check", checkUsage)
	repair := c.Bool("repair", false, "rebuild what can be rebuilt (search rows, related lists, story order), then check again")
	c.Usage = func() {
		fmt.Fprint(c.Output(), checkUsage)
		c.PrintDefaults()
	}
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	if c.NArg() != 0 {
		c.Usage()
		return errUsage
	}
	if err := mustExist(*c.db); err != nil {
		return err
	}
	return c.run(ctx, func(store herald.Store) error {
		report, err := checkAndPrint(ctx, store, e.stdout)
		if err != nil {
			return err
		}
		if *repair && !report.OK() {
			if report, err = repairAndCheck(ctx, store, report, e.stdout); err != nil {
				return err
			}
		}
		return verdict(report, *repair)
	})
}

// mustExist refuses a SQLite path with no file: opening it would create
// an empty store, and report it sound.
func mustExist(db string) error {
	if isPostgres(db) {
		return nil
	}
	if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
		return herald.Errorf(herald.EINVALID, "no database at %s: give its path with --db", db)
	}
	return nil
}

// checkAndPrint runs the checks and prints one line for each.
func checkAndPrint(ctx context.Context, s herald.Store, w io.Writer) (*herald.CheckReport, error) {
	report, err := s.Check(ctx)
	if err != nil {
		return nil, err
	}
	for _, res := range report.Results {
		fmt.Fprintln(w, res)
	}
	return report, nil
}

// repairAndCheck runs the repairs that would fix what report found, then
// checks again.
func repairAndCheck(ctx context.Context, s herald.Store, report *herald.CheckReport, w io.Writer) (*herald.CheckReport, error) {
	kinds := report.Repairs()
	if len(kinds) == 0 {
		return report, nil
	}
	fmt.Fprintln(w)
	for _, k := range kinds {
		done, err := s.Repair(ctx, k)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(w, done)
	}
	fmt.Fprintln(w, "\nafter the repair:")
	return checkAndPrint(ctx, s, w)
}

// verdict is nil for a sound store, and otherwise the error that says
// what is wrong and whether --repair can help.
func verdict(report *herald.CheckReport, repaired bool) error {
	if report.OK() {
		return nil
	}
	var wrong []string
	for _, res := range report.Results {
		if !res.OK() {
			wrong = append(wrong, res.Name)
		}
	}
	msg := fmt.Sprintf("%d of %d checks did not pass: %s", len(wrong), len(report.Results), strings.Join(wrong, ", "))
	if kinds := report.Repairs(); len(kinds) > 0 && !repaired {
		msg += "; herald check --repair rebuilds what it can"
	}
	return errors.New(msg)
}
