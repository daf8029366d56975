package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

func printImports(w io.Writer, results []*result) {
	fmt.Fprintln(w, "### Import through `herald import`, in publication order")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| corpus | articles (dated) | imported | skipped | rejected | herald's time | articles/s | in the store | Copies agree with DuplicateOf |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		c, im, g := r.Corpus, r.Import, r.Groups
		fmt.Fprintf(w, "| %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n",
			c.Name, num(len(c.Articles)), num(c.Dated), num(im.Imported), num(im.Skipped), num(im.Rejected),
			im.Elapsed.Round(time.Millisecond), num(int(math.Round(im.ArticlesPerSecond()))),
			num(len(g.Group)), agree(g.Inconsistent))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Each ran as `herald import --db $TMP/NAME.db $TMP/NAME.jsonl`; its summary lines:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```")
	for _, r := range results {
		fmt.Fprintf(w, "%s: %s\n", r.Corpus.Name, r.Import.Summary)
		for i, l := range r.Import.Rejects {
			if i == maxExamples {
				fmt.Fprintf(w, "%s: … %d more rejected lines\n", r.Corpus.Name, len(r.Import.Rejects)-i)
				break
			}
			fmt.Fprintf(w, "%s: %s\n", r.Corpus.Name, l)
		}
	}
	fmt.Fprintln(w, "```")
	fmt.Fprintln(w)
}

func agree(bad int) string {
	if bad == 0 {
		return "all"
	}
	return fmt.Sprintf("%d disagree", bad)
}

func printDuplicates(w io.Writer, results []*result) {
	var found bool
	for _, r := range results {
		found = found || r.Dup != nil
	}
	if !found {
		return
	}
	fmt.Fprintln(w, "### Dedup: labelled duplicate pairs")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| corpus | counted as correct | merged pairs | true pairs | correct | precision | recall |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		if r.Dup == nil {
			continue
		}
		for _, row := range []struct {
			what string
			s    pairScore
		}{
			{"labelled pairs", r.Dup.Labelled},
			{"labelled pairs, and merged pairs of equal text", r.Dup.Equal},
		} {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Corpus.Name, row.what,
				num(row.s.Predicted), num(row.s.Labelled), num(row.s.Correct), prec(row.s.Precision), prec(row.s.Recall))
		}
	}
	fmt.Fprintln(w)
	for _, r := range results {
		d := r.Dup
		if d == nil {
			continue
		}
		var kinds []string
		for _, k := range []pairKind{kindExact, kindRevision} {
			n := d.ByKind[k]
			kinds = append(kinds, fmt.Sprintf("%s %d of %d", k, n[1], n[0]))
		}
		absent := ""
		if d.Absent > 0 {
			absent = fmt.Sprintf(" %d labelled pairs have an article herald rejected; they count as missed.", d.Absent)
		}
		fmt.Fprintf(w, "%s: labelled pairs merged, by kind: %s. The file has %d rows, %d distinct pairs (a pair listed as both kinds counts as exact).%s \"Equal text\": the same after white space is folded.\n\n",
			r.Corpus.Name, strings.Join(kinds, ", "), r.Corpus.DupRows, len(r.Corpus.Duplicates), absent)
		if d.WrongCount > 0 {
			fmt.Fprintf(w, "%s: merged pairs neither labelled nor of equal text (%d, up to %d shown), for a human to check:\n\n", r.Corpus.Name, d.WrongCount, maxExamples)
			printPairs(w, r.Corpus, d.Wrong)
		}
	}
}

func printMerges(w io.Writer, results []*result) {
	var found bool
	for _, r := range results {
		found = found || r.Merge != nil
	}
	if !found {
		return
	}
	fmt.Fprintln(w, "### Dedup: false merges of one story's different texts")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| corpus | same-story pairs, different text | merged | false-merge rate (target ≤ 0.5%) | of them written independently (5-shingle containment < 0.5) | merged | rate | same-story pairs, equal text: merged | merged pairs | of equal text | across stories |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		m := r.Merge
		if m == nil {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s of %s | %s | %s | %s |\n", r.Corpus.Name,
			num(m.SameStoryDiff), num(m.SameStoryDiffMerged), pct(m.FalseMergeRate),
			num(m.Independent), num(m.IndependentMerged), pct(m.IndependentRate),
			num(m.SameStoryEqualMerged), num(m.SameStoryEqual), num(m.Merged), num(m.MergedEqual), num(m.MergedAcross))
	}
	fmt.Fprintln(w)
	for _, r := range results {
		m := r.Merge
		if m == nil || len(m.Different) == 0 {
			continue
		}
		cs := m.Containment
		fmt.Fprintf(w, "%s: merged pairs whose texts differ (%d, up to %d shown), for a human to check; the share of the shorter text's word 5-shingles found in the other: lowest %.2f, median %.2f, %d under 0.5:\n\n",
			r.Corpus.Name, m.Merged-m.MergedEqual, maxExamples, cs[0], cs[len(cs)/2], countBelow(cs, 0.5))
		printPairs(w, r.Corpus, m.Different)
	}
}

// printPairs lists pairs with each article's URL, story and the first 80
// characters of its text, and how much wording the two share.
func printPairs(w io.Writer, c *corpus, pairs []pair) {
	texts := foldedTexts(c)
	for _, p := range pairs {
		j, cont := similarity(texts[p.A], texts[p.B])
		fmt.Fprintf(w, "- 5-shingle Jaccard %.2f, containment %.2f  \n  %s%s: \"%s\"  \n  %s%s: \"%s\"\n",
			j, cont, p.A, storyNote(c, p.A), first(texts[p.A], 80), p.B, storyNote(c, p.B), first(texts[p.B], 80))
	}
	fmt.Fprintln(w)
}

// countBelow counts the values of sorted under x.
func countBelow(sorted []float64, x float64) int {
	n, _ := slices.BinarySearch(sorted, x)
	return n
}

func storyNote(c *corpus, url string) string {
	if s := c.Story[url]; s != "" {
		return " (story " + s + ")"
	}
	return ""
}

func printStories(w io.Writer, results []*result) {
	fmt.Fprintln(w, "### Stories")
	fmt.Fprintln(w)
	for _, r := range results {
		if !r.hasStories() {
			continue
		}
		if r.StoreStoriesErr != nil {
			fmt.Fprintf(w, "Herald's store, %s: %s.  \n", r.Corpus.Name, r.StoreStoriesErr)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| corpus | system | threshold | B-cubed precision | recall | F1 | stories | clusters | over-merged stories | under-merged stories |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		if !r.hasStories() {
			continue
		}
		if r.StoreStoriesErr == nil {
			printStoryRow(w, r.Corpus.Name, "Herald's store", "", r.StoreStories)
		}
		if r.Baseline != nil {
			printStoryRow(w, r.Corpus.Name, "TF-IDF cosine, single pass (best threshold)",
				fmt.Sprintf("%.2f", r.Best.Threshold), r.Best.Score)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Over-merged: a labelled story sharing a cluster with another story; under-merged: a labelled story split over two or more clusters.")
	fmt.Fprintln(w, "The baseline reads title and text, weighs terms by tf·ln(N/df) over the whole corpus, and puts each article,")
	fmt.Fprintln(w, "in the import order, into the cluster with the nearest centroid when the cosine reaches the threshold;")
	fmt.Fprintln(w, "the threshold is the best by F1 over 0.05…0.95 in steps of 0.05, then 0.01 around the best, chosen on the labels.")
	fmt.Fprintln(w)
	for _, r := range results {
		if r.Baseline == nil {
			continue
		}
		var pts []string
		for _, p := range r.Baseline {
			if math.Mod(math.Round(p.Threshold*100), 10) == 0 {
				pts = append(pts, fmt.Sprintf("%.1f: %s", p.Threshold, prec(p.Score.F1)))
			}
		}
		fmt.Fprintf(w, "%s baseline F1 by threshold (%d thresholds in %s): %s  \n",
			r.Corpus.Name, len(r.Baseline), r.BaselineTime.Round(100*time.Millisecond), strings.Join(pts, ", "))
	}
	fmt.Fprintln(w)
}

func printStoryRow(w io.Writer, corpus, system, threshold string, s clusterScore) {
	fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", corpus, system, threshold,
		prec(s.Precision), prec(s.Recall), prec(s.F1), num(s.Stories), num(s.Clusters),
		num(s.OverMerged), num(s.UnderMerged))
}

// prec formats a score in [0, 1]; NaN (nothing to score) prints as a dash.
func prec(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.3f", x)
}

// pct formats a rate as a percentage.
func pct(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", 100*x)
}

// num formats n with thousands separators.
func num(n int) string {
	if n < 0 {
		return "-" + num(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// first returns the first n characters of s.
func first(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
