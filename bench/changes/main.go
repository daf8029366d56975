// Command changes writes a SQLite store holding one article with -n
// versions, stored as the re-check worker stores them, and prints the
// article's slug, so that herald serve can be measured with wrk on its
// "What changed" page beside the article page.
//
// Usage:
//
//	go run ./bench/changes -db /tmp/changes.db [-n 50]
//	herald serve --db /tmp/changes.db --follow=false --addr 127.0.0.1:8181
//	wrk -t2 -c64 -d10s http://127.0.0.1:8181/articles/$SLUG/changes   # and /articles/$SLUG
//
// The article is some 900 words in 24 paragraphs; each version adds a
// paragraph (odd versions) or corrects a figure (even ones): the same
// article internal/web's BenchmarkChangesPage renders uncached.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
)

func main() {
	path := flag.String("db", "", "a new SQLite file")
	n := flag.Int("n", 50, "versions of the article")
	flag.Parse()
	if err := run(*path, *n); err != nil {
		fmt.Fprintln(os.Stderr, "changes:", err)
		os.Exit(1)
	}
}

func run(path string, n int) error {
	if path == "" {
		return fmt.Errorf("-db is required")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("-db %s exists: give the path of a new file", path)
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer store.Close()
	src := &herald.Source{Name: "Harbour Gazette", FeedURL: "https://gazette.example/feed.xml", Kind: herald.KindFeed,
		Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto}
	if err := store.AddSource(ctx, src); err != nil {
		return err
	}
	var paras []string
	for i := range 24 {
		paras = append(paras, fmt.Sprintf("In the %s hour of the inquiry, witness %d told the panel that the harbour wall had been "+
			"inspected %d times since the storm, that the engineers' report of %d March was read by the council's "+
			"officers, and that the repairs were %d per cent complete when the water came over the top.",
			[]string{"first", "second", "third", "fourth"}[i%4], i+1, 3+i, 1+i%28, 40+i))
	}
	html := func() string { return "<p>" + strings.Join(paras, "</p>\n<p>") + "</p>" }
	a, _, err := ingest.NewPipeline(store).Add(ctx, ingest.Item{URL: "https://gazette.example/wall-inquiry",
		Title: "Harbour wall inquiry hears from engineers", Byline: "By Ann Reed", HTML: html(), Source: src.Name,
		Licence: "full", PublishedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	for v := 2; v <= n; v++ {
		if v%2 == 1 {
			paras = append(paras, fmt.Sprintf("Update %d: the panel adjourned until %d o'clock, when the council's chief engineer will give evidence.", v, v%12+1))
		} else {
			paras[v%len(paras)] = strings.Replace(paras[v%len(paras)], "per cent", fmt.Sprintf("per cent (corrected in version %d)", v), 1)
		}
		if err := store.RecheckSoon(ctx, a.ID); err != nil {
			return err
		}
		if _, err := store.ClaimDueRechecks(ctx, "bench-changes", time.Minute, 10); err != nil {
			return err
		}
		rev := &herald.Revision{Title: a.Title, Byline: a.Byline, HTML: html(), Text: strings.Join(paras, "\n\n")}
		if err := store.RecordRecheck(ctx, a.ID, "bench-changes", herald.RecheckOutcome{Revision: rev}); err != nil {
			return err
		}
	}
	fmt.Println(a.Slug)
	return nil
}
