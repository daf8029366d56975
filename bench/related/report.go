package main

import (
	"github.com/herald-news/herald/bench/internal/stats"

	"fmt"
	"io"
	"time"
)

func printResults(out io.Writer, results []*result) {
	fmt.Fprintln(out, "\n| corpus | pages | scored | list | precision@k | nDCG@5 | lists with a near-duplicate | empty lists | outlet twice in a row | import (herald import, related lists on) |")
	fmt.Fprintln(out, "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range results {
		name := r.Corpus.Name
		if r.Corpus.ByTopic {
			name += " (topics)"
		}
		for _, row := range []struct {
			label string
			s     score
			imp   string
		}{{"Herald", r.Herald, fmt.Sprintf("%s; wall %s", r.ImportLine, r.ImportWall.Round(time.Second))}, {"TF-IDF cosine baseline", r.Base, ""}} {
			s := row.s
			fmt.Fprintf(out, "| %s | %d | %d | %s | %.3f | %.3f | %d (%.2f%%) | %d | %d | %s |\n", name, r.Pages, s.Scored, row.label,
				s.PrecisionSum/float64(max(s.Scored, 1)), s.NDCGSum/float64(max(s.Scored, 1)),
				s.NearDup, 100*float64(s.NearDup)/float64(max(s.Lists, 1)), s.Empty, s.Repeats, row.imp)
		}
	}
	fmt.Fprintln(out, "\n| corpus | title queries | found first | first, or behind only the same title | in the first 10 | search p50 / p99 (API, SQLite) | related list read p50 / p99 (API) |")
	fmt.Fprintln(out, "| --- | ---: | ---: | ---: | ---: | --- | --- |")
	for _, r := range results {
		fmt.Fprintf(out, "| %s | %d | %d (%.1f%%) | %d (%.1f%%) | %d (%.1f%%) | %s / %s | %s / %s |\n", r.Corpus.Name, r.KnownAsked,
			r.KnownFirst, 100*float64(r.KnownFirst)/float64(max(r.KnownAsked, 1)),
			r.KnownTied, 100*float64(r.KnownTied)/float64(max(r.KnownAsked, 1)),
			r.KnownTop10, 100*float64(r.KnownTop10)/float64(max(r.KnownAsked, 1)),
			ms(stats.Percentile(r.Search, 50)), ms(stats.Percentile(r.Search, 99)),
			ms(stats.Percentile(r.RelatedRead, 50)), ms(stats.Percentile(r.RelatedRead, 99)))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
