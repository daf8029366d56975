package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/digest"
	"github.com/herald-news/herald/internal/ingest"
)

const topicUsage = `Usage:
  herald topic add NAME --match "WORD OR PHRASE" [--match …] [--exclude "…"] [--outlet SLUG] [--slug SLUG]
  herald topic edit SLUG [--name NAME] [--match …] [--exclude …] [--outlet …]
  herald topic list
  herald topic suggest [--min N] [--recent N]

Every subcommand takes --db. --match, --exclude and --outlet may be repeated.
`

func runTopic(ctx context.Context, args []string, e env) error {
	return runSubcommand(ctx, "topic", topicUsage, map[string]subcommand{
		"add":     func(ctx context.Context, args []string, e env) error { return runTopicAdd(ctx, args, e, false) },
		"edit":    func(ctx context.Context, args []string, e env) error { return runTopicAdd(ctx, args, e, true) },
		"list":    runTopicList,
		"suggest": runTopicSuggest,
	}, args, e)
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// runTopicAdd adds a topic, or with edit changes one, then tags the stored
// articles under the new rules, showing progress.
func runTopicAdd(ctx context.Context, args []string, e env, edit bool) error {
	c := newCommand("topic add", topicUsage).audited()
	var match, exclude, outlets listFlag
	c.Var(&match, "match", "a word or phrase that puts an article in the topic when its title or lead has it")
	c.Var(&exclude, "exclude", "a word or phrase that keeps an article out")
	c.Var(&outlets, "outlet", "only articles from this outlet (its name or slug)")
	slug := c.String("slug", "", "the topic page's address, /topics/SLUG (default: from the name)")
	name := c.String("name", "", "the new name (topic edit)")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	return c.runDesk(ctx, func(d *desk.Desk, a desk.Actor) error {
		store := d.Store
		t := &herald.Topic{Name: c.Arg(0), Slug: *slug, Rules: herald.TopicRules{Match: match, Exclude: exclude, Outlets: outlets}}
		var err error
		if edit {
			if t, err = store.FindTopicBySlug(ctx, c.Arg(0)); err != nil {
				return err
			}
			if *name != "" {
				t.Name = *name
			}
			if len(match) > 0 {
				t.Rules.Match = match
			}
			if len(exclude) > 0 {
				t.Rules.Exclude = exclude
			}
			if len(outlets) > 0 {
				t.Rules.Outlets = outlets
			}
			err = d.EditTopic(ctx, a, t)
		} else {
			err = d.AddTopic(ctx, a, t)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "topic %q: /topics/%s; tagging the stored articles…\n", t.Name, t.Slug)
		var shown time.Time
		printed := int64(-1)
		err = ingest.Retag(ctx, store, store, t, func(done, last int64) {
			// A line a second at most, and the last one always, once.
			if now := time.Now(); done != printed && (now.Sub(shown) >= time.Second || done >= last) {
				shown, printed = now, done
				fmt.Fprintf(e.stderr, "tagged through article %d of %d (%.0f%%)\n", done, last, percent(done, last))
			}
		})
		if err != nil {
			return fmt.Errorf("%w (herald serve finishes the tagging)", err)
		}
		if t, err = store.FindTopicBySlug(ctx, t.Slug); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\t%d articles\n", t.Slug, t.ArticleCount)
		return nil
	})
}

func percent(done, last int64) float64 {
	if last <= 0 {
		return 100
	}
	return 100 * float64(done) / float64(last)
}

func runTopicList(ctx context.Context, args []string, e env) error {
	c := newCommand("topic list", topicUsage)
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	return c.run(ctx, func(store herald.Store) error {
		return listTopics(ctx, store, e)
	})
}

// listTopics prints a table of the topics, their rules, and how far their
// tagging has come.
func listTopics(ctx context.Context, store herald.Store, e env) error {
	topics, err := store.FindTopics(ctx)
	if err != nil {
		return err
	}
	_, last, err := store.FindArticlesToTag(ctx, 1<<62, 1)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tNAME\tARTICLES\tTAGGED\tMATCH\tEXCLUDE\tOUTLETS")
	for _, t := range topics {
		tagged := "yes"
		if t.TaggedThrough < last {
			tagged = fmt.Sprintf("%.0f%%", percent(t.TaggedThrough, last))
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.ArticleCount, tagged,
			quoteAll(t.Rules.Match), quoteAll(t.Rules.Exclude), strings.Join(t.Rules.Outlets, ", "))
	}
	return w.Flush()
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func runTopicSuggest(ctx context.Context, args []string, e env) error {
	c := newCommand("topic suggest", topicUsage)
	minArticles := c.Int("min", 5, "suggest only names and phrases at least this many articles share")
	recent := c.Int("recent", 1000, "how many of the newest articles to read")
	if err := c.parse(args, e, anyArgs); err != nil {
		return err
	}
	if *minArticles < 2 || *recent < 1 || *recent > 100000 {
		return herald.Errorf(herald.EINVALID, "--min must be at least 2 and --recent from 1 to 100000")
	}
	return c.run(ctx, func(store herald.Store) error {
		return suggestTopics(ctx, store, *minArticles, *recent, e)
	})
}

// suggestTopics prints the names and phrases that at least minArticles of
// the recent newest articles without a topic share, with the command
// that would add each as a topic.
func suggestTopics(ctx context.Context, store herald.Store, minArticles, recent int, e env) error {
	var articles []*herald.Article
	f := herald.ArticleFilter{Limit: herald.MaxPageSize}
	for len(articles) < recent {
		page, next, err := store.FindArticles(ctx, f)
		if err != nil {
			return err
		}
		articles = append(articles, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	topics, err := store.FindTopics(ctx)
	if err != nil {
		return err
	}
	suggestions := digest.Suggest(articles, topics, minArticles, 20)
	if len(suggestions) == 0 {
		fmt.Fprintf(e.stderr, "no name or phrase is shared by %d of the %d newest articles without a topic\n", minArticles, len(articles))
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PHRASE\tARTICLES\tTO ADD IT")
	for _, s := range suggestions {
		fmt.Fprintf(w, "%s\t%d\therald topic add %q --match %q\n", s.Phrase, s.Articles, titleCase(s.Phrase), s.Phrase)
	}
	return w.Flush()
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		r := []rune(w)
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// retagEvery is how often `herald serve` looks for topics whose tagging is
// behind: one changed by another process, or a re-tagging interrupted.
const retagEvery = time.Minute

// retagInBackground re-tags, until ctx ends, every topic whose tagging
// is behind, logging progress.
func retagInBackground(ctx context.Context, store herald.Store, logger *slog.Logger) {
	for {
		err := ingest.RetagPending(ctx, store, store, func(t *herald.Topic, done, last int64) {
			logger.Info("tagging articles", "topic", t.Slug, "through", done, "of", last)
		})
		if err != nil && ctx.Err() == nil {
			logger.Error("tagging articles", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retagEvery):
		}
	}
}
