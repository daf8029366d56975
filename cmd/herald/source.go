package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
)

const sourceUsage = `Usage:
  herald source add URL [--name NAME] [--licence full|excerpt|headline] [--every DURATION] [--fulltext auto|always|never]
  herald source list
  herald source remove SLUG [--purge]

Every subcommand takes --db.
`

func runSource(ctx context.Context, args []string, e env) error {
	return runSubcommand(ctx, "source", sourceUsage, map[string]subcommand{
		"add":    runSourceAdd,
		"list":   runSourceList,
		"remove": runSourceRemove,
	}, args, e)
}

func runSourceAdd(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("source add", flag.ContinueOnError)
	db := dbFlag(fs)
	name := fs.String("name", "", "the outlet's name, shown in attributions (default: the feed's title)")
	licence := fs.String("licence", "excerpt", "how much of each article to republish: full, excerpt or headline")
	every := fs.Duration("every", 0, "check at this fixed interval, 5m to 24h (default: adapt to how often it publishes)")
	fulltext := fs.String("fulltext", "auto", "fetch each article's page: auto (when the feed has only a summary), always or never")
	fetchFlags := addFetchFlags(fs)
	args = moveFlagsFirst(args)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(e.stderr, sourceUsage)
		return errUsage
	}
	src := &herald.Source{Name: strings.TrimSpace(*name), Every: *every}
	var err error
	if src.Licence, err = herald.ParseLicence(*licence); err != nil {
		return err
	}
	if src.Fulltext, err = herald.ParseFulltext(*fulltext); err != nil {
		return err
	}
	if src.Every != 0 && (src.Every < herald.MinCheckInterval || src.Every > herald.MaxCheckInterval) {
		return herald.Errorf(herald.EINVALID, "--every %s is outside 5m to 24h", src.Every)
	}

	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()

	resolved, err := ingest.Resolve(ctx, fetchFlags.client(nil), fs.Arg(0))
	if err != nil {
		return fmt.Errorf("%s: %s", fs.Arg(0), describeErr(err))
	}
	fmt.Fprintln(e.stderr, resolved.Note)
	src.FeedURL, src.Kind, src.Homepage = resolved.FeedURL, resolved.Kind, resolved.Homepage
	if src.Name == "" {
		src.Name = resolved.Title
	}
	if src.Name == "" {
		return herald.Errorf(herald.EINVALID, "%s gives no name for the outlet; pass --name", fs.Arg(0))
	}
	if err := store.AddSource(ctx, src); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %s (%s): %s %s, licence %s; first check now\n", src.Name, src.Slug, src.Kind, src.FeedURL, src.Licence)
	return nil
}

func runSourceList(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("source list", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	sources, err := store.FindSources(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tKIND\tLICENCE\tLAST FETCH\tSTATUS\tNEXT CHECK\tARTICLES\tLAST ERROR")
	for _, s := range sources {
		kind, status, next := string(s.Kind), s.Fetch.Status, when(s.Fetch.NextCheckAt)
		switch {
		case s.FeedURL == "":
			kind, status, next = "import", "-", "-"
		case !s.RemovedAt.IsZero():
			status, next = "removed", "-"
		}
		licence := string(s.Licence)
		if licence == "" {
			licence = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.Slug, s.Name, kind, licence,
			when(s.Fetch.LastFetchAt), status, next, s.ArticleCount, orDash(s.Fetch.LastError))
	}
	return tw.Flush()
}

func runSourceRemove(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("source remove", flag.ContinueOnError)
	db := dbFlag(fs)
	purge := fs.Bool("purge", false, "also delete the source's articles")
	args = moveFlagsFirst(args)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(e.stderr, sourceUsage)
		return errUsage
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.RemoveSource(ctx, fs.Arg(0), *purge); err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return herald.Errorf(herald.ENOTFOUND, "no source %q; see herald source list", fs.Arg(0))
		}
		return err
	}
	if *purge {
		fmt.Fprintf(e.stdout, "removed %s and deleted its articles\n", fs.Arg(0))
	} else {
		fmt.Fprintf(e.stdout, "removed %s; its articles stay\n", fs.Arg(0))
	}
	return nil
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// moveFlagsFirst lets flags follow the positional argument, as in
// "herald source add URL --licence full": the flag package stops at the
// first non-flag.
func moveFlagsFirst(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && !isBoolFlag(a) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

func isBoolFlag(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "purge", "allow-private-networks", "demo", "h", "help":
		return true
	}
	return false
}
