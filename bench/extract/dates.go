package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"time"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/herald-news/herald/internal/extract/extracttest"
)

// trafilaturaFallback is go-trafilatura at its strongest for dates: with
// its fallback extractors on, which also switches its date search
// (go-htmldate) to the extensive mode.
func trafilaturaFallback(u *url.URL) trafilatura.Options {
	return trafilatura.Options{OriginalURL: u, EnableFallback: true, ExcludeComments: true}
}

// dated is one page with a labelled publication date.
type dated struct {
	want string
	html []byte
	url  *url.URL
}

// dateRun compares the publication dates Herald and go-trafilatura (with
// fallback) find on the WCXB pages and the readability pages that label
// one, and shows the noise in the WCXB comparison by scoring both on
// random halves of its pages.
func dateRun(out io.Writer, root string, pages []*extracttest.WCXBPage, halvings int) error {
	systems := []system{
		{"Herald `extract.Extract`", herald},
		{"go-trafilatura, fallback on (extensive date search)", trafilaturaWith(trafilaturaFallback)},
	}
	var wcxb []dated
	for _, p := range pages {
		if p.Date != "" {
			wcxb = append(wcxb, dated{want: p.Date, html: p.HTML, url: wcxbURL(p)})
		}
	}
	rd, err := readabilityDated(root)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "extract: dates of %d systems on %d WCXB and %d readability pages\n", len(systems), len(wcxb), len(rd))
	gotW, gotR := datesOf(systems, wcxb), datesOf(systems, rd)

	fmt.Fprintf(out, "### Publication date: the day shown (WCXB dev %d dated pages, readability %d)\n\n", len(wcxb), len(rd))
	fmt.Fprintln(out, "\"shown day\": the calendar day at the offset each date carries, the day the page shows its readers")
	fmt.Fprintln(out, "(extracttest.SameShownDay); \"UTC day\": the day in UTC (extracttest.SameDay). Misses: no date, a later day, an")
	fmt.Fprintln(out, "earlier day (shown day).")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| system | WCXB shown day | WCXB UTC day | misses: none / later / earlier | readability shown day | readability UTC day |")
	fmt.Fprintln(out, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for i, s := range systems {
		none, later, earlier := misses(wcxb, gotW[i])
		fmt.Fprintf(out, "| %s | %s | %s | %d / %d / %d | %s | %s |\n", s.name,
			tally(wcxb, gotW[i], extracttest.SameShownDay), tally(wcxb, gotW[i], extracttest.SameDay), none, later, earlier,
			tally(rd, gotR[i], extracttest.SameShownDay), tally(rd, gotR[i], extracttest.SameDay))
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "Both halves of %d random halvings of the WCXB dated pages (seeds 0–%d):\n\n", halvings, halvings-1)
	fmt.Fprintln(out, "| day | halves | Herald, mean ± sd | go-trafilatura, fallback on | Δ mean ± sd (min, median, max) | Herald ahead |")
	fmt.Fprintln(out, "| --- | ---: | --- | --- | --- | ---: |")
	halvingRow(out, "shown", wcxb, gotW, halvings, extracttest.SameShownDay)
	halvingRow(out, "UTC", wcxb, gotW, halvings, extracttest.SameDay)
	fmt.Fprintln(out)
	return nil
}

// wcxbURL is a WCXB page's address, or a made-up one for the few pages
// that lack it.
func wcxbURL(p *extracttest.WCXBPage) *url.URL {
	u, err := url.Parse(p.URL)
	if err != nil || u.Host == "" {
		u = &url.URL{Scheme: "https", Host: "wcxb.corpus.invalid", Path: "/" + p.ID}
	}
	return u
}

func readabilityDated(root string) ([]dated, error) {
	names, err := extracttest.ReadabilityNames(root)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(extracttest.PageURL)
	if err != nil {
		return nil, err
	}
	var ds []dated
	for _, name := range names {
		p, err := extracttest.ReadReadability(root, name)
		if err != nil {
			return nil, err
		}
		if p.Published != "" {
			ds = append(ds, dated{want: p.Published, html: p.HTML, url: u})
		}
	}
	return ds, nil
}

// datesOf runs each system on each page; got[i][j] is system i's date
// for page j.
func datesOf(systems []system, pages []dated) [][]time.Time {
	got := make([][]time.Time, len(systems))
	for i, s := range systems {
		got[i] = make([]time.Time, len(pages))
		for j, p := range pages {
			got[i][j] = s.run(p.html, p.url).published
		}
	}
	return got
}

func tally(pages []dated, got []time.Time, same func(time.Time, string) bool) extracttest.Tally {
	var t extracttest.Tally
	for j, p := range pages {
		t.Add(p.want, same(got[j], p.want))
	}
	return t
}

// misses counts the wrong dates by kind, on the shown day.
func misses(pages []dated, got []time.Time) (none, later, earlier int) {
	for j, p := range pages {
		switch w, err := extracttest.ParseDate(p.want); {
		case got[j].IsZero():
			none++
		case extracttest.SameShownDay(got[j], p.want), err != nil:
		case got[j].Format(time.DateOnly) > w.Format(time.DateOnly):
			later++
		default:
			earlier++
		}
	}
	return none, later, earlier
}

// halvingRow scores the first two systems on both halves of n random
// halvings of the pages, so that the difference between them can be set
// beside its noise: one page is 0.3% of a half.
func halvingRow(out io.Writer, day string, pages []dated, got [][]time.Time, n int, same func(time.Time, string) bool) {
	var a, b, diff []float64
	for seed := range n {
		r := rand.New(rand.NewPCG(uint64(seed), 23))
		order := r.Perm(len(pages))
		for _, half := range [][]int{order[:len(order)/2], order[len(order)/2:]} {
			sa, sb := halfShare(pages, got[0], half, same), halfShare(pages, got[1], half, same)
			a, b, diff = append(a, sa), append(b, sb), append(diff, sa-sb)
		}
	}
	if len(diff) == 0 {
		return
	}
	ahead := 0
	for _, d := range diff {
		if d > 0 {
			ahead++
		}
	}
	sorted := slices.Sorted(slices.Values(diff))
	fmt.Fprintf(out, "| %s | %d | %.3f ± %.3f | %.3f ± %.3f | **%+.3f** ± %.3f (%+.3f, %+.3f, %+.3f) | %d of %d |\n",
		day, len(diff), mean(a), sd(a), mean(b), sd(b), mean(diff), sd(diff), sorted[0], sorted[len(sorted)/2], sorted[len(sorted)-1], ahead, len(diff))
}

func halfShare(pages []dated, got []time.Time, half []int, same func(time.Time, string) bool) float64 {
	right := 0
	for _, j := range half {
		if same(got[j], pages[j].want) {
			right++
		}
	}
	return float64(right) / float64(len(half))
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func sd(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)))
}
