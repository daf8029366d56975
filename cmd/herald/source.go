package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/ingest"
)

const sourceUsage = `Usage:
  herald source add URL [--name NAME] [--licence full|excerpt|headline] [--every DURATION] [--fulltext auto|always|never] [--images all|lead|none]
  herald source set SLUG [--licence full|excerpt|headline] [--images all|lead|none|licence]
  herald source list
  herald source remove SLUG [--purge]
  herald source takedown SLUG --reason TEXT [--as EMAIL]
                          take down everything from the outlet (a licence ended): every article answers
                          410 Gone with the reason, and the source is paused until restored
  herald source restore SLUG [--as EMAIL]
                          publish again what takedown took down (within the retention period) and follow it
  herald source import FILE.opml|- [--licence full|excerpt|headline] [--dry-run]
  herald source export [-o FILE.opml]

Every subcommand takes --db.
`

func runSource(ctx context.Context, args []string, e env) error {
	return runSubcommand(ctx, "source", sourceUsage, map[string]subcommand{
		"add":      runSourceAdd,
		"export":   runSourceExport,
		"import":   runSourceImport,
		"list":     runSourceList,
		"remove":   runSourceRemove,
		"set":      runSourceSet,
		"takedown": runSourceTakedown,
		"restore":  runSourceRestore,
	}, args, e)
}

func runSourceAdd(ctx context.Context, args []string, e env) error {
	c := newCommand("source add", sourceUsage).audited()
	name := c.String("name", "", "the outlet's name, shown in attributions (default: the feed's title)")
	licence := c.String("licence", "excerpt", "how much of each article to republish: full, excerpt or headline")
	every := c.Duration("every", 0, "check at this fixed interval, 5m to 24h (default: adapt to how often it publishes)")
	fulltext := c.String("fulltext", "auto", "fetch each article's page: auto (when the feed has only a summary), always or never")
	images := c.String("images", "", "which pictures to show: all, lead or none (default: from the licence), never more than the licence allows")
	fetchFlags := addFetchFlags(c.FlagSet)
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	if *every != 0 && (*every < herald.MinCheckInterval || *every > herald.MaxCheckInterval) {
		return herald.Errorf(herald.EINVALID, "--every %s is outside 5m to 24h", *every)
	}
	form := desk.SourceForm{URL: c.Arg(0), Name: *name, Licence: *licence, Fulltext: *fulltext, Images: *images}
	if *every != 0 {
		form.Every = every.String()
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		d.Client = fetchFlags.client(nil)
		src, note, err := d.AddSource(ctx, a, form)
		if note != "" {
			fmt.Fprintln(e.stderr, note)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s (%s): %s %s, licence %s, %s; first check now\n", src.Name, src.Slug, src.Kind, src.FeedURL, src.Licence, describeImages(src))
		return nil
	})
}

// describeImages says which pictures s's articles show, and why when its
// setting asks for more than its licence allows.
func describeImages(s *herald.Source) string {
	if s.Licence == "" { // known from imports only: each article's licence bounds it
		if s.Images == "" {
			return "pictures by each article's licence"
		}
		return fmt.Sprintf("images %s within each article's licence", s.Images)
	}
	eff := s.EffectiveImages()
	var what string
	switch eff {
	case herald.ImagesAll:
		what = "all pictures"
	case herald.ImagesLead:
		what = "the lead picture"
	default:
		what = "no pictures"
	}
	if s.Images != "" && s.Images != eff {
		what += fmt.Sprintf(" (--images %s, but licence %s allows no more)", s.Images, s.Licence)
	}
	return what
}

func runSourceSet(ctx context.Context, args []string, e env) error {
	c := newCommand("source set", sourceUsage).audited()
	licence := c.String("licence", "", "how much of each article added from now on to republish: full, excerpt or headline")
	images := c.String("images", "", "which pictures to show, stored articles included: all, lead, none, or licence (follow the licence)")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	// Only the flags given change anything; an empty value is a mistake,
	// not "leave it" (--images licence returns to the licence's).
	given := map[string]bool{}
	c.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var upd herald.SourceUpdate
	var err error
	if given["licence"] {
		if upd.Licence, err = setting("licence", "full, excerpt or headline", *licence, herald.ParseLicence); err != nil {
			return err
		}
	}
	if given["images"] {
		if upd.Images, err = setting("images", "all, lead, none or licence", *images, herald.ParseImagePolicy); err != nil {
			return err
		}
	}
	if upd.Licence == nil && upd.Images == nil {
		fmt.Fprintln(e.stderr, "source set: nothing to change; pass --licence or --images")
		return c.fail()
	}
	slug := c.Arg(0)
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		src, err := d.UpdateSource(ctx, a, slug, upd)
		if err != nil {
			return noSource(err, slug)
		}
		fmt.Fprintf(e.stdout, "%s: licence %s for new articles, %s\n", src.Slug, orDash(string(src.Licence)), describeImages(src))
		if upd.Images == nil {
			// Stored articles keep their own licence, so their pictures stay.
			return nil
		}
		res, err := ingest.ApplyImagePolicy(ctx, d.Store, slug, func(done int) {
			if done > 0 && done%1000 == 0 {
				fmt.Fprintf(e.stderr, "%d articles done\n", done)
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "pictures named again for %d stored articles; %d pictures no article shows deleted\n", res.Articles, res.Pruned)
		return nil
	})
}

func runSourceList(ctx context.Context, args []string, e env) error {
	c := newCommand("source list", sourceUsage)
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	return c.run(ctx, func(store herald.Store) error {
		return listSources(ctx, store, e)
	})
}

// listSources prints a table of every source and how its fetching goes.
func listSources(ctx context.Context, store herald.Store, e env) error {
	sources, err := store.FindSources(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tKIND\tLICENCE\tPICTURES\tLAST FETCH\tSTATUS\tNEXT CHECK\tARTICLES\tLAST ERROR")
	for _, s := range sources {
		kind, status, next := string(s.Kind), s.Fetch.Status, when(s.Fetch.NextCheckAt)
		switch {
		case s.FeedURL == "":
			kind, status, next = "import", "-", "-"
		case !s.RemovedAt.IsZero():
			status, next = "removed", "-"
		case s.Paused():
			status, next = "paused", "-"
		}
		pictures := "-"
		if s.Licence != "" {
			pictures = string(s.EffectiveImages())
		}
		licence := string(s.Licence)
		if licence == "" {
			licence = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.Slug, s.Name, kind, licence, pictures,
			when(s.Fetch.LastFetchAt), status, next, s.ArticleCount, orDash(s.Fetch.LastError))
	}
	return tw.Flush()
}

func runSourceRemove(ctx context.Context, args []string, e env) error {
	c := newCommand("source remove", sourceUsage).audited()
	purge := c.Bool("purge", false, "also delete the source's articles")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	slug := c.Arg(0)
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		if err := d.RemoveSource(ctx, a, slug, *purge); err != nil {
			return noSource(err, slug)
		}
		if *purge {
			fmt.Fprintf(e.stdout, "removed %s and deleted its articles\n", slug)
		} else {
			fmt.Fprintf(e.stdout, "removed %s; its articles stay\n", slug)
		}
		return nil
	})
}

func runSourceTakedown(ctx context.Context, args []string, e env) error {
	c := newCommand("source takedown", sourceUsage).audited()
	reason := c.String("reason", "", "why, shown on every article's page (required)")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		r, err := d.TakeDownSource(ctx, a, c.Arg(0), *reason)
		if err != nil {
			return noSource(err, c.Arg(0))
		}
		fmt.Fprintf(e.stdout, "%s taken down: %d articles answer 410 Gone (%s); the source is paused\n",
			r.Source.Name, r.Done, r.Source.TakedownReason)
		return nil
	})
}

func runSourceRestore(ctx context.Context, args []string, e env) error {
	c := newCommand("source restore", sourceUsage).audited()
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		r, err := d.RestoreSource(ctx, a, c.Arg(0))
		if err != nil {
			return noSource(err, c.Arg(0))
		}
		fmt.Fprintf(e.stdout, "%s restored: %d articles published again, and the source followed again\n", r.Source.Name, r.Done)
		if r.Kept > 0 {
			fmt.Fprintf(e.stdout, "%d stay taken down: past the retention period, or their address taken by another article\n", r.Kept)
		}
		return nil
	})
}

// setting parses the value of a flag given to source set: an empty one is
// refused, where the parsers would take it for the default.
func setting[T any](name, choices, value string, parse func(string) (T, error)) (*T, error) {
	if strings.TrimSpace(value) == "" {
		return nil, herald.Errorf(herald.EINVALID, "--%s needs one of %s", name, choices)
	}
	v, err := parse(value)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// noSource says which source an ENOTFOUND error is about, and where to
// find the others; any other error is returned as it is.
func noSource(err error, slug string) error {
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return herald.Errorf(herald.ENOTFOUND, "no source %q; see herald source list", slug)
	}
	return err
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
	case "purge", "allow-private-networks", "demo", "force", "h", "help":
		return true
	}
	return false
}
