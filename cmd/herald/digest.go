package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
)

const digestUsage = `Usage:
  herald digest show TOPIC          every point kept, with its id
  herald digest pin ID [--off]      keep a point shown whatever its age
  herald digest edit ID "TEXT"      replace a point's wording ("" restores it)
  herald digest hide ID [--off]     never show a point

Every subcommand takes --db. Editors' decisions survive every refresh.
`

func runDigest(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, digestUsage)
		return errUsage
	}
	c := newCommand("digest "+args[0], digestUsage).audited()
	off := c.Bool("off", false, "undo: unpin or unhide")
	if err := c.parse(moveFlagsFirst(args[1:]), e, anyArgs); err != nil {
		return err
	}
	want := map[string]int{"show": 1, "pin": 1, "hide": 1, "edit": 2}[args[0]]
	if want == 0 || c.NArg() != want {
		return c.fail()
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		if args[0] == "show" {
			return showDigest(ctx, d.Store, c.Arg(0), e)
		}
		id, err := strconv.ParseInt(c.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return herald.Errorf(herald.EINVALID, "%q is not a point id: \"herald digest show TOPIC\" lists them", c.Arg(0))
		}
		var edit herald.DigestEdit
		on := !*off
		switch args[0] {
		case "pin":
			edit.Pinned = &on
		case "hide":
			edit.Hidden = &on
		case "edit":
			text := c.Arg(1)
			edit.Text = &text
		}
		if err := d.EditDigestPoint(ctx, a, id, edit); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "point %d changed\n", id)
		return nil
	})
}

func showDigest(ctx context.Context, store herald.Store, slug string, e env) error {
	t, err := store.FindTopicBySlug(ctx, slug)
	if err != nil {
		return err
	}
	points, err := store.FindDigest(ctx, t.ID, true)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tPUBLISHED\tOUTLET\tPOINT")
	for _, p := range points {
		state := ""
		switch {
		case p.Hidden:
			state = "hidden"
		case p.Pinned:
			state = "pinned"
		}
		if p.EditedText != "" {
			state += " edited"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", p.ID, state, p.PublishedAt.Format("2006-01-02 15:04"), p.Source.Name, p.Text())
	}
	return w.Flush()
}
