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
	var reason *string
	return withArticle(ctx, "takedown", args, e, func(fs *flag.FlagSet) {
		reason = fs.String("reason", "", "why, shown on the article's page (required)")
	}, func(d *desk.Desk, a desk.Actor, slug string) error {
		t, err := d.TakeDown(ctx, a, slug, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s unpublished: /articles/%s answers 410 Gone (%s)\n", t.Title, t.Slug, t.Reason)
		return nil
	})
}

func runArticleRestore(ctx context.Context, args []string, e env) error {
	return withArticle(ctx, "restore", args, e, nil, func(d *desk.Desk, a desk.Actor, slug string) error {
		art, err := d.Restore(ctx, a, slug)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is published again at /articles/%s\n", art.Title, art.Slug)
		return nil
	})
}

func runArticleEdit(ctx context.Context, args []string, e env) error {
	var fs *flag.FlagSet
	var title, excerpt *string
	return withArticle(ctx, "edit", args, e, func(f *flag.FlagSet) {
		fs = f
		title = fs.String("title", "", "the title to show")
		excerpt = fs.String("excerpt", "", "the excerpt lists show; empty returns to the first words of the text")
	}, func(d *desk.Desk, a desk.Actor, slug string) error {
		// Only the flags given change anything.
		var edit herald.ArticleEdit
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "title":
				edit.Title = title
			case "excerpt":
				edit.Excerpt = excerpt
			}
		})
		art, err := d.EditArticle(ctx, a, slug, edit)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s now shows %q: %s\n", art.Slug, art.Title, art.Lead)
		return nil
	})
}

// withArticle runs an article subcommand: it reads the flags (those
// flags adds, --db and --as) and the one slug, opens the store, and calls
// act with the desk.
func withArticle(ctx context.Context, name string, args []string, e env, flags func(*flag.FlagSet),
	act func(*desk.Desk, desk.Actor, string) error) error {
	return withDesk(ctx, "article "+name, articleUsage, args, e, flags, act)
}
