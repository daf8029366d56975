package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/ingest"
)

const storyUsage = `Usage:
  herald story list [--limit N]
  herald story split ARTICLE-SLUG     the article leaves its story for one of its own, for good
  herald story merge ID INTO-ID       story ID joins story INTO-ID, now and for later articles

Every subcommand takes --db.
`

func runStory(ctx context.Context, args []string, e env) error {
	return runSubcommand(ctx, "story", storyUsage, map[string]subcommand{
		"list":  runStoryList,
		"split": runStorySplit,
		"merge": runStoryMerge,
	}, args, e)
}

func runStoryList(ctx context.Context, args []string, e env) error {
	c := newCommand("story list", storyUsage)
	limit := c.Int("limit", 20, "how many stories to list, the latest first (at most 100)")
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	return c.run(ctx, func(store herald.Store) error {
		stories, _, err := store.FindStories(ctx, herald.StoryFilter{Limit: *limit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tARTICLES\tOUTLETS\tLATEST\tHEADLINE")
		for _, s := range stories {
			fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\n", s.ID, s.Articles, len(s.Outlets), when(s.Last), s.Headline())
		}
		return tw.Flush()
	})
}

func runStorySplit(ctx context.Context, args []string, e env) error {
	c := newCommand("story split", storyUsage).audited()
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		s, err := d.SplitArticle(ctx, a, c.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now story %d, on its own; it will not be placed again\n", c.Arg(0), s.ID)
		return nil
	})
}

func runStoryMerge(ctx context.Context, args []string, e env) error {
	c := newCommand("story merge", storyUsage).audited()
	if err := c.parse(moveFlagsFirst(args), e, 2); err != nil {
		return err
	}
	var ids [2]int64
	for i := range ids {
		n, err := strconv.ParseInt(strings.TrimSpace(c.Arg(i)), 10, 64)
		if err != nil || n <= 0 {
			return herald.Errorf(herald.EINVALID, "story id %q is not a positive number; see herald story list", c.Arg(i))
		}
		ids[i] = n
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		if err := d.MergeStories(ctx, a, ids[0], ids[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "story %d merged into story %d\n", ids[0], ids[1])
		return nil
	})
}

// placeUnplaced runs the pipeline's repair pass before ingesting: articles
// a stopped process stored but did not place in a story are placed now.
func placeUnplaced(ctx context.Context, pipe *ingest.Pipeline, w io.Writer) error {
	n, err := pipe.PlaceUnplaced(ctx)
	if n > 0 {
		fmt.Fprintf(w, "placed %d articles left without a story\n", n)
	}
	if err != nil {
		return fmt.Errorf("place articles left without a story: %w", err)
	}
	return nil
}
