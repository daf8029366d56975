package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/herald-news/herald"
)

const mediaUsage = `Usage:
  herald media stats                      pictures stored, their bytes, addresses by status, failures by reason
  herald media refetch [--source SLUG]    fetch the refused and failed pictures again (of one source's articles)

Every subcommand takes --db.
`

func runMedia(ctx context.Context, args []string, e env) error {
	return runSubcommand(ctx, "media", mediaUsage, map[string]subcommand{
		"stats":   runMediaStats,
		"refetch": runMediaRefetch,
	}, args, e)
}

func runMediaStats(ctx context.Context, args []string, e env) error {
	c := newCommand("media stats", mediaUsage)
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	return c.run(ctx, func(store herald.Store) error {
		return showMediaStats(ctx, store, e)
	})
}

// showMediaStats prints what the pictures take, their addresses by
// status, and why the failed ones failed.
func showMediaStats(ctx context.Context, store herald.Store, e env) error {
	st, err := store.MediaStats(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "pictures stored\t%d\n", st.Media)
	fmt.Fprintf(tw, "originals\t%s\t(as fetched; not kept)\n", byteSize(st.OriginalBytes))
	fmt.Fprintf(tw, "variants\t%s\t(%d, what the pictures take in the database)\n", byteSize(st.VariantBytes), st.Variants)
	fmt.Fprintln(tw, "\nSTATUS\tADDRESSES")
	for _, s := range []herald.ImageStatus{herald.ImagePending, herald.ImageStored, herald.ImageRefused, herald.ImageFailed} {
		fmt.Fprintf(tw, "%s\t%d\n", s, st.Addresses[s])
	}
	if len(st.Reasons) > 0 {
		fmt.Fprintln(tw, "\nREASON\tADDRESSES")
		reasons := make([]string, 0, len(st.Reasons))
		for r := range st.Reasons {
			reasons = append(reasons, r)
		}
		// The commonest first, then by name, so the output is stable.
		slices.SortFunc(reasons, func(a, b string) int {
			if d := st.Reasons[b] - st.Reasons[a]; d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
		for _, r := range reasons {
			fmt.Fprintf(tw, "%s\t%d\n", r, st.Reasons[r])
		}
	}
	return tw.Flush()
}

func runMediaRefetch(ctx context.Context, args []string, e env) error {
	c := newCommand("media refetch", mediaUsage)
	source := c.String("source", "", "only the pictures of this source's articles (its `SLUG`, as herald source list shows it)")
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	if c.NArg() > 0 {
		fmt.Fprintf(e.stderr, "herald media refetch: unexpected argument %q\n\n", c.Arg(0))
		return c.fail()
	}
	return c.run(ctx, func(store herald.Store) error {
		n, err := store.RequeueImages(ctx, *source)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return herald.Errorf(herald.ENOTFOUND, "no source %q (herald source list shows the slugs)", *source)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d pictures to fetch again; herald serve fetches them within seconds\n", n)
		return nil
	})
}

// byteSize writes n bytes as an editor would say it, with the exact count.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB (%d bytes)", float64(n)/(1<<30), n)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}
