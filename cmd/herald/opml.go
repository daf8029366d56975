package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/opml"
)

// runSourceImport follows every feed of an OPML list. The list says each
// address is a feed, so nothing is fetched: a wrong address shows in
// herald source list after its first check, as for source add.
func runSourceImport(ctx context.Context, args []string, e env) error {
	c := newCommand("source import", sourceUsage).audited()
	licence := c.String("licence", string(herald.DefaultLicence), "the licence of the feeds whose outline names none: full, excerpt or headline")
	dryRun := c.Bool("dry-run", false, "say what would be added, and add nothing")
	if err := c.parse(moveFlagsFirst(withBoolValues(args, "dry-run")), e, 1); err != nil {
		return err
	}
	defaultLicence, err := herald.ParseLicence(*licence)
	if err != nil {
		return err
	}
	outlines, err := readOPML(c.Arg(0), e.stdin)
	if err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		res, err := d.ImportOPML(ctx, a, outlines, defaultLicence, *dryRun)
		if res != nil {
			reportImport(res, *dryRun, e)
		}
		return err
	})
}

// withBoolValues writes each of the named boolean flags as --name=true:
// moveFlagsFirst would otherwise take the argument after one for its
// value, as it does for every flag but those it knows.
func withBoolValues(args []string, names ...string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if slices.Contains(names, strings.TrimLeft(a, "-")) && strings.HasPrefix(a, "-") {
			out[i] = a + "=true"
		}
	}
	return out
}

// readOPML reads the OPML list in the named file, or standard input for
// "-". A list that cannot be read is refused whole, before anything is
// added.
func readOPML(name string, stdin io.Reader) ([]opml.Outline, error) {
	in, _, err := openInput(name, stdin)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	outlines, err := opml.Parse(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return outlines, nil
}

// reportImport says what an import did, outline by outline, and sums it
// up.
func reportImport(res *desk.ImportResult, dryRun bool, e env) {
	for _, it := range res.Items {
		src := it.Source
		switch {
		case it.Err != nil:
			fmt.Fprintf(e.stderr, "%q %s: %s\n", it.Outline.Title, it.Outline.XMLURL, message(it.Err))
		case it.Skipped:
		case dryRun:
			fmt.Fprintf(e.stdout, "would add %s: %s %s, licence %s, %s\n", src.Name, src.Kind, src.FeedURL, src.Licence, describeImages(src))
		default:
			fmt.Fprintf(e.stdout, "added %s (%s): %s %s, licence %s, %s\n", src.Name, src.Slug, src.Kind, src.FeedURL, src.Licence, describeImages(src))
		}
	}
	if dryRun {
		fmt.Fprintf(e.stderr, "dry run, nothing written: would add %d, skip %d (already followed), fail %d\n", res.Added, res.Skipped, res.Failed)
		return
	}
	fmt.Fprintf(e.stderr, "added %d, skipped %d (already followed), failed %d\n", res.Added, res.Skipped, res.Failed)
}

// runSourceExport writes every followed source, with its settings, as an
// OPML list that feed readers and herald source import read.
func runSourceExport(ctx context.Context, args []string, e env) error {
	c := newCommand("source export", sourceUsage)
	out := c.String("o", "", "write the list to this file (default: standard output)")
	if err := c.parse(args, e, 0); err != nil {
		return err
	}
	return c.run(ctx, func(store herald.Store) error {
		outlines, err := (&desk.Desk{Store: store}).ExportOPML(ctx)
		if err != nil {
			return err
		}
		if *out == "" {
			return opml.Write(e.stdout, "Herald sources", outlines)
		}
		if err := writeFileWith(*out, func(w io.Writer) error { return opml.Write(w, "Herald sources", outlines) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "exported %d sources to %s\n", len(outlines), *out)
		return nil
	})
}

// writeFileWith writes the named file with write, through a temporary
// file renamed into place, so a failed export leaves no half-written
// list where an earlier one may have been.
func writeFileWith(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".herald-export-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", name, unwrapPath(err))
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644) // a list of public feeds; CreateTemp makes it 0600
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", name, err)
	}
	return nil
}
