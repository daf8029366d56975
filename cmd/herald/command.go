package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
)

// command is one herald command or subcommand: its flags, --db among
// them, and the usage printed when it is called wrongly. A command reads
// its own flags from the FlagSet, then parses and runs:
//
//	c := newCommand("story split", storyUsage).audited()
//	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
//		return err
//	}
//	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error { … })
type command struct {
	*flag.FlagSet
	usage string  // printed, as it is, when the arguments are wrong
	db    *string // --db
	as    *string // --as; nil unless audited
}

// newCommand is the command "herald name" with --db; usage is what fail
// prints.
func newCommand(name, usage string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &command{FlagSet: fs, usage: usage, db: dbFlag(fs)}
}

// audited adds --as, for a command whose actions the audit log records:
// runDesk acts as that user.
func (c *command) audited() *command {
	c.as = asFlag(c.FlagSet)
	return c
}

// anyArgs is the argument count of parse for a command that takes any
// number, or checks them itself.
const anyArgs = -1

// parse reads the flags in args and wants n arguments after them (any
// number for anyArgs). Flag mistakes and -h are as parseFlags makes them;
// a wrong count fails. A command whose flags may follow its arguments
// passes moveFlagsFirst(args); the others stop at the first argument, as
// the flag package does.
func (c *command) parse(args []string, e env, n int) error {
	if err := parseFlags(c.FlagSet, args, e); err != nil {
		return err
	}
	if n != anyArgs && c.NArg() != n {
		return c.fail()
	}
	return nil
}

// fail prints the usage where parse sent flag mistakes, and returns
// errUsage: for arguments a count cannot judge.
func (c *command) fail() error {
	fmt.Fprint(c.Output(), c.usage)
	return errUsage
}

// run opens the store --db names, calls f with it, and closes it.
func (c *command) run(ctx context.Context, f func(herald.Store) error) error {
	store, err := openStore(ctx, *c.db)
	if err != nil {
		return err
	}
	defer store.Close()
	return f(store)
}

// runDesk is run with a desk on the store, for an audited command: f acts
// as the user --as names, or the system.
func (c *command) runDesk(ctx context.Context, f func(*desk.Desk, desk.Actor) error) error {
	return c.run(ctx, func(store herald.Store) error {
		return f(&desk.Desk{Store: store}, desk.System(*c.as))
	})
}
