package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
)

const articleUsage = `Usage:
  herald article takedown SLUG --reason TEXT   unpublish: its address answers 410 Gone with the reason
  herald article restore SLUG                  publish a taken-down or withdrawn article again
  herald article edit SLUG [--title TEXT] [--excerpt TEXT]
                                               change how it is shown; --excerpt "" returns to its first words

Every subcommand takes --db and --as EMAIL (who the audit log names).
`

func runArticle(ctx context.Context, args []string, e env) error {
	return runSubcommand(ctx, "article", articleUsage, map[string]subcommand{
		"takedown": runArticleTakedown,
		"restore":  runArticleRestore,
		"edit":     runArticleEdit,
	}, args, e)
}

func runArticleTakedown(ctx context.Context, args []string, e env) error {
	c := newCommand("article takedown", articleUsage).audited()
	reason := c.String("reason", "", "why, shown on the article's page (required)")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		t, err := d.TakeDown(ctx, a, c.Arg(0), *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s unpublished: /articles/%s answers 410 Gone (%s)\n", t.Title, t.Slug, t.Reason)
		return nil
	})
}

func runArticleRestore(ctx context.Context, args []string, e env) error {
	c := newCommand("article restore", articleUsage).audited()
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		art, err := d.Restore(ctx, a, c.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is published again at /articles/%s\n", art.Title, art.Slug)
		return nil
	})
}

func runArticleEdit(ctx context.Context, args []string, e env) error {
	c := newCommand("article edit", articleUsage).audited()
	title := c.String("title", "", "the title to show")
	excerpt := c.String("excerpt", "", "the excerpt lists show; empty returns to the first words of the text")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	// Only the flags given change anything.
	var edit herald.ArticleEdit
	c.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "title":
			edit.Title = title
		case "excerpt":
			edit.Excerpt = excerpt
		}
	})
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		art, err := d.EditArticle(ctx, a, c.Arg(0), edit)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s now shows %q: %s\n", art.Slug, art.Title, art.Lead)
		return nil
	})
}
