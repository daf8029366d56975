package main

import (
	"context"
	"flag"
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
	fs := flag.NewFlagSet("story list", flag.ContinueOnError)
	db := dbFlag(fs)
	limit := fs.Int("limit", 20, "how many stories to list, the latest first (at most 100)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
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
}

func runStorySplit(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("story split", flag.ContinueOnError)
	db := dbFlag(fs)
	as := asFlag(fs)
	args = moveFlagsFirst(args)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(e.stderr, storyUsage)
		return errUsage
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	s, err := (&desk.Desk{Store: store}).SplitArticle(ctx, desk.System(*as), fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s is now story %d, on its own; it will not be placed again\n", fs.Arg(0), s.ID)
	return nil
}

func runStoryMerge(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("story merge", flag.ContinueOnError)
	db := dbFlag(fs)
	as := asFlag(fs)
	args = moveFlagsFirst(args)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fmt.Fprint(e.stderr, storyUsage)
		return errUsage
	}
	var ids [2]int64
	for i := range ids {
		n, err := strconv.ParseInt(strings.TrimSpace(fs.Arg(i)), 10, 64)
		if err != nil || n <= 0 {
			return herald.Errorf(herald.EINVALID, "story id %q is not a positive number; see herald story list", fs.Arg(i))
		}
		ids[i] = n
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := (&desk.Desk{Store: store}).MergeStories(ctx, desk.System(*as), ids[0], ids[1]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "story %d merged into story %d\n", ids[0], ids[1])
	return nil
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
