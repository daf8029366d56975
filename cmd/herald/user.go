package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"golang.org/x/term"
)

const userUsage = `Usage:
  herald user add EMAIL --role admin|editor|moderator [--db PATH|postgres://…]

The password is asked for twice on a terminal, or read from the first line
of standard input (echo "$PASSWORD" | herald user add …).
`

func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(e.stderr, userUsage)
		return errUsage
	}
	c := newCommand("user add", userUsage).audited()
	role := c.String("role", "moderator", "what the user may do: admin, editor or moderator")
	if err := c.parse(moveFlagsFirst(args[1:]), e, 1); err != nil {
		return err
	}
	email := c.Arg(0)
	if _, err := herald.ParseRole(*role); err != nil {
		return err
	}
	if !strings.Contains(email, "@") {
		return herald.Errorf(herald.EINVALID, "%q is not an email address", email)
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		u, err := d.AddUser(ctx, a, email, *role, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s (%s)\n", u.Email, u.Role)
		return nil
	})
}

// readPassword asks for the password twice on a terminal, without echo,
// and otherwise reads the first line of standard input.
func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(second) {
			return "", herald.Errorf(herald.EINVALID, "the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
