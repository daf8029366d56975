// Command revisions measures how well Herald tells a new version of an
// article from a page that only looks different, on a labelled set of
// version pairs, and how many bytes the store keeps per old version.
//
// Usage:
//
//	go run ./bench/revisions [-corpus ../shared/corpus] [-wcxb 60] [-readability 130] [-v]
//
// The set is generated, not stored: each pair is two versions of one real
// page, the second made from the first by a scripted edit (edits.go), and
// labelled by the edit. The pages are the demo world's 75 articles
// (internal/demo/world.jsonl) set in a news page with its furniture, the
// readability-pages (Apache-2.0; pages © their publishers) and an even
// sample of the WCXB article pages (CC BY 4.0), read from -corpus; pages
// whose article extracts to fewer than 150 words are left out. The edits:
// true changes (a paragraph added, four words of a sentence rewritten, a
// figure corrected, the title changed); cosmetic ones (an "Updated" time,
// a comment or view counter, a rotated advert, whitespace reflowed, a
// session token in every link and in a "copy link" line, a "Most read"
// list reordered); and pages that no longer carry the article, served with
// 200 (a paywall keeping two paragraphs, an error page, a consent wall).
// Both versions are parsed and rendered by golang.org/x/net/html, so they
// differ only by the edit.
//
// Each pair goes through Herald's own path: the old version is extracted
// (internal/extract) and prepared as the Follower stores a page it read
// (ingest.Pipeline.Add, FromPage), then ingest.Rechecker.Check fetches the
// new version from an httptest origin, extracts and prepares it and
// decides; "new revision" is an outcome with a Revision. The store is a
// stand-in that holds the one article. ingest.Revised on the two prepared
// versions is reported beside it: it is the Rechecker's rule without the
// page-hash test in front of it.
//
// For the true changes it also reports the bytes the store keeps for the
// old version (store.PackVersion with the new version as the dictionary,
// as internal/sqlite and internal/postgres write it), beside the
// version's raw size and its size deflated alone.
package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/bench/internal/machine"
	"github.com/herald-news/herald/internal/extract"
	"github.com/herald-news/herald/internal/extract/extracttest"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/store"
	"golang.org/x/net/html"
)

// page is one real page the pairs are made from.
type page struct {
	set, name string
	html      []byte
}

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "the shared corpus directory")
	nWCXB := flag.Int("wcxb", 60, "WCXB pages, spread evenly over the corpus")
	nRead := flag.Int("readability", 130, "readability-pages (at most)")
	verbose := flag.Bool("v", false, "list every wrong decision on stderr")
	flag.Parse()
	if err := run(*corpus, *nWCXB, *nRead, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "revisions:", err)
		os.Exit(1)
	}
}

func run(corpus string, nWCXB, nRead int, verbose bool) error {
	load0 := machine.LoadAvg()
	pages, err := demoPages()
	if err != nil {
		return err
	}
	root, err := extracttest.FindCorpus(corpus)
	if err != nil {
		return err
	}
	names, err := extracttest.ReadabilityNames(root)
	if err != nil {
		return err
	}
	for _, name := range names[:min(nRead, len(names))] {
		b, err := os.ReadFile(filepath.Join(root, "readability-pages", "test", "test-pages", name, "source.html"))
		if err != nil {
			return err
		}
		pages = append(pages, page{"readability-pages", name, b})
	}
	ids, err := extracttest.WCXBIDs(root)
	if err != nil {
		return err
	}
	for _, id := range extracttest.Sample(ids, nWCXB) {
		b, err := readGzip(filepath.Join(root, "extraction", "wcxb-dev-articles", "html", id+".html.gz"))
		if err != nil {
			return err
		}
		pages = append(pages, page{"WCXB", id, b})
	}

	o := &originPage{}
	srv := httptest.NewServer(o)
	defer srv.Close()
	client := fetch.New(fetch.Config{AllowPrivateNetworks: true, HostDelay: -1})

	res := newResults()
	start := time.Now()
	for pi, pg := range pages {
		base, err := html.Parse(bytes.NewReader(pg.html))
		if err != nil {
			return fmt.Errorf("%s %s: %w", pg.set, pg.name, err)
		}
		pageURL := srv.URL + "/" + pg.set + "/" + pg.name
		first, err := extract.Options{Pictures: true}.Extract(render(base), pageURL)
		if err != nil || herald.CountWords(first.Text) < 150 {
			res.skippedPages[pg.set]++
			continue
		}
		res.pages[pg.set]++
		for ei, e := range edits {
			p := &pair{a: reparse(base), b: reparse(base), title: first.Title}
			r := rand.New(rand.NewPCG(uint64(pi), uint64(ei)))
			if !e.apply(p, r) {
				res.skipped[e.name]++
				continue
			}
			d, err := decide(context.Background(), client, o, pageURL, render(p.a), render(p.b))
			if err != nil {
				// The old version could not be stored (a page with no
				// title, say): the pair says nothing.
				res.skipped[e.name]++
				fmt.Fprintf(os.Stderr, "revisions: %s %s, %s: %v\n", pg.set, pg.name, e.name, err)
				continue
			}
			res.add(pg.set, e, d)
			if verbose && d.rechecker != (e.label == trueChange) {
				fmt.Fprintf(os.Stderr, "wrong: %s %s, %s: revision %v (Revised alone %v: %s)\n", pg.set, pg.name, e.name, d.rechecker, d.revised, d.why)
			}
		}
	}
	res.wall = time.Since(start)
	res.load0, res.load1 = load0, machine.LoadAvg()
	res.write(os.Stdout)
	return nil
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func render(n *html.Node) []byte {
	var b bytes.Buffer
	html.Render(&b, n) // writes to a bytes.Buffer do not fail
	return b.Bytes()
}

func reparse(n *html.Node) *html.Node {
	doc, err := html.Parse(bytes.NewReader(render(n)))
	if err != nil { // html.Parse fails only on a reader's error
		panic(err)
	}
	return doc
}

// demoPages sets the demo world's articles in a news page.
func demoPages() ([]page, error) {
	f, err := os.Open("internal/demo/world.jsonl")
	if err != nil {
		return nil, fmt.Errorf("%w (run from the repository's root)", err)
	}
	defer f.Close()
	var pages []page
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var a struct {
			URL, Title, Byline, HTML string
			Published                string `json:"published_at"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("world.jsonl: %w", err)
		}
		var b bytes.Buffer
		if err := demoTemplate.Execute(&b, struct {
			URL, Title, Byline, Published string
			Body                          template.HTML
		}{a.URL, a.Title, a.Byline, a.Published, template.HTML(a.HTML)}); err != nil {
			return nil, err
		}
		pages = append(pages, page{"demo world", a.URL, b.Bytes()})
	}
	return pages, sc.Err()
}

var demoTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} | Harbour Gazette</title>
<meta property="og:title" content="{{.Title}}"><meta property="article:published_time" content="{{.Published}}">
<link rel="canonical" href="{{.URL}}"></head><body>
<header class="masthead"><a href="/">Harbour Gazette</a><nav><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/account">Sign in</a></nav></header>
<main><article><h1>{{.Title}}</h1><p class="byline">{{.Byline}}</p>
<div class="article-body">{{.Body}}</div>
<div class="share"><a href="/share?to=x">Share</a></div></article></main>
<footer><p>© Harbour Gazette. All rights reserved.</p><nav><a href="/about">About us</a> <a href="/privacy">Privacy</a></nav></footer>
</body></html>`))

// originPage serves one page at every path: the new version of the pair
// being decided.
type originPage struct {
	mu   sync.Mutex // mu guards body
	body []byte
}

func (o *originPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	o.mu.Lock()
	body := o.body
	o.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(body)
}

// decision is what Herald made of one pair.
type decision struct {
	rechecker bool // the Rechecker stored a new revision
	revised   bool // ingest.Revised alone says it is one
	failed    bool // the re-check failed (the page gave no text): tried again later
	why       string
	stored    *herald.Article // the old version, as stored
	fresh     *herald.Article // the new version, prepared
}

// decide stores the old version as the Follower stores a page it read,
// then has the Rechecker read the new one.
func decide(ctx context.Context, client *fetch.Client, o *originPage, pageURL string, a, b []byte) (*decision, error) {
	arts := &oneArticle{}
	pipe := &ingest.Pipeline{Articles: arts}
	prep := func(body []byte) (*herald.Article, error) {
		pg, err := extract.Options{Pictures: true}.Extract(body, pageURL)
		if err != nil {
			return nil, err
		}
		art, _, err := pipe.Add(ctx, ingest.Item{URL: pageURL, Title: pg.Title, Byline: pg.Byline, HTML: pg.HTML,
			Source: "Bench Outlet", Licence: "full", PublishedAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), FromPage: true})
		return art, err
	}
	stored, err := prep(a)
	if err != nil {
		return nil, fmt.Errorf("old version: %w", err)
	}
	d := &decision{stored: stored}
	if d.fresh, err = prep(b); err != nil {
		// A page with no text at all: no revision, by any rule.
		d.why = err.Error()
	} else {
		d.revised, d.why = ingest.Revised(stored, d.fresh)
	}
	o.mu.Lock()
	o.body = b
	o.mu.Unlock()
	st := &recheckStore{article: stored}
	rc := &ingest.Rechecker{Store: st, Fetcher: client}
	rc.Check(ctx, &herald.Recheck{ArticleID: stored.ID, Slug: stored.Slug, URL: pageURL, PageHash: stored.PageHash})
	if st.out == nil {
		return nil, errors.New("the Rechecker recorded nothing")
	}
	// A failed check (no article text on the page) stores nothing and
	// is tried again later: no revision.
	d.failed = st.out.Failed
	d.rechecker = st.out.Revision != nil
	return d, nil
}

// oneArticle is the article store of one pair: it stores what it is given.
type oneArticle struct {
	herald.ArticleService
}

func (s *oneArticle) FindCopyCandidates(context.Context, uint64, []uint64, int) ([]*herald.Article, error) {
	return nil, nil
}

func (s *oneArticle) AddArticle(_ context.Context, a *herald.Article) (bool, error) {
	a.ID, a.Slug, a.Revisions = 1, "bench", 1
	return true, nil
}

// recheckStore is the Rechecker's store for one pair: it holds the old
// version and keeps the outcome.
type recheckStore struct {
	ingest.RecheckStore
	article *herald.Article
	out     *herald.RecheckOutcome
}

func (s *recheckStore) FindArticleByID(context.Context, int64) (*herald.Article, error) {
	return s.article, nil
}

func (s *recheckStore) RecordRecheck(_ context.Context, _ int64, _ string, out herald.RecheckOutcome) error {
	s.out = &out
	return nil
}

func (s *recheckStore) AddCorrections(context.Context, int64, []string) error { return nil }

// results counts decisions by category and page set, and the sizes of
// kept versions.
type results struct {
	pages, skippedPages map[string]int
	skipped             map[string]int
	byEdit              map[string]*counts
	bySet               map[string]*counts
	sizes               map[string][]sizes // by page set
	wall                time.Duration
	load0, load1        string
}

type counts struct {
	label                                label
	pairs, revisions, revisedAlo, failed int
}

type sizes struct{ raw, alone, packed int }

func newResults() *results {
	return &results{pages: map[string]int{}, skippedPages: map[string]int{}, skipped: map[string]int{},
		byEdit: map[string]*counts{}, bySet: map[string]*counts{}, sizes: map[string][]sizes{}}
}

func (res *results) add(set string, e edit, d *decision) {
	c := res.byEdit[e.name]
	if c == nil {
		c = &counts{label: e.label}
		res.byEdit[e.name] = c
	}
	key := set + "\x00" + labelNames[e.label]
	s := res.bySet[key]
	if s == nil {
		s = &counts{label: e.label}
		res.bySet[key] = s
	}
	for _, c := range []*counts{c, s} {
		c.pairs++
		if d.rechecker {
			c.revisions++
		}
		if d.revised {
			c.revisedAlo++
		}
		if d.failed {
			c.failed++
		}
	}
	if e.name == "paragraph added" && d.fresh != nil {
		v := store.Version(d.stored.HTML, d.stored.Text)
		res.sizes[set] = append(res.sizes[set], sizes{raw: len(v), alone: deflated(v),
			packed: len(store.PackVersion(v, store.Version(d.fresh.HTML, d.fresh.Text)))})
	}
}

func deflated(b []byte) int {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression) // the level is valid
	w.Write(b)
	w.Close()
	return buf.Len()
}

func (res *results) write(w io.Writer) {
	fmt.Fprintf(w, "## Revision detection on a labelled set (`go run ./bench/revisions`)\n\n")
	fmt.Fprintf(w, "Machine: %s; load %s → %s; %s.\n\n", machine.CPUModel(), res.load0, res.load1, res.wall.Round(time.Second))
	fmt.Fprintf(w, "Pages used (left out: under 150 words or not extracted): ")
	var sets []string
	for s := range res.pages {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	for i, s := range sets {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%s %d (%d left out)", s, res.pages[s], res.skippedPages[s])
	}
	fmt.Fprint(w, ".\n\n")

	fmt.Fprintf(w, "| edit | label | pairs | new revision (Rechecker) | Revised alone | check failed (no text; retried) | pages the edit could not apply to |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	var tp, fp, fn, tpR, fpR, fnR int
	for _, e := range edits {
		c := res.byEdit[e.name]
		if c == nil {
			c = &counts{}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %d |\n", e.name, labelNames[e.label], c.pairs, c.revisions, c.revisedAlo, c.failed, res.skipped[e.name])
		if e.label == trueChange {
			tp, fn = tp+c.revisions, fn+c.pairs-c.revisions
			tpR, fnR = tpR+c.revisedAlo, fnR+c.pairs-c.revisedAlo
		} else {
			fp, fpR = fp+c.revisions, fpR+c.revisedAlo
		}
	}
	fmt.Fprintf(w, "\n| decision | TP | FP | FN | precision | recall |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(w, "| **Rechecker (the system)** | %d | %d | %d | **%.3f** | **%.3f** |\n", tp, fp, fn, ratio(tp, tp+fp), ratio(tp, tp+fn))
	fmt.Fprintf(w, "| ingest.Revised alone | %d | %d | %d | %.3f | %.3f |\n", tpR, fpR, fnR, ratio(tpR, tpR+fpR), ratio(tpR, tpR+fnR))

	fmt.Fprintf(w, "\n| page set | label | pairs | new revision (Rechecker) |\n| --- | --- | ---: | ---: |\n")
	var keys []string
	for k := range res.bySet {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, lab, _ := strings.Cut(k, "\x00")
		c := res.bySet[k]
		fmt.Fprintf(w, "| %s | %s | %d | %d |\n", set, lab, c.pairs, c.revisions)
	}

	fmt.Fprintf(w, "\n### Bytes kept per old version: a paragraph added\n\n")
	fmt.Fprintf(w, "| page set | versions | raw, median | deflated alone, median | **kept** (packed against the next), median / p90 / max | kept over deflated alone |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range sets {
		list := res.sizes[s]
		if len(list) == 0 {
			continue
		}
		raw, alone, packed := col(list, func(x sizes) int { return x.raw }), col(list, func(x sizes) int { return x.alone }),
			col(list, func(x sizes) int { return x.packed })
		fmt.Fprintf(w, "| %s | %d | %d | %d | **%d** / %d / %d | %.3f |\n", s, len(list), q(raw, 50), q(alone, 50),
			q(packed, 50), q(packed, 90), q(packed, 100), float64(sum(packed))/float64(sum(alone)))
	}
	fmt.Fprintf(w, "\nBy the version's raw size (HTML and text), all sets:\n\n| raw size | versions | kept, median | deflated alone, median |\n| --- | ---: | ---: | ---: |\n")
	bands := []int{0, 8 << 10, 16 << 10, 32 << 10, 64 << 10, 1 << 30}
	var all []sizes
	for _, s := range sets {
		all = append(all, res.sizes[s]...)
	}
	for i := 0; i+1 < len(bands); i++ {
		var in []sizes
		for _, x := range all {
			if x.raw >= bands[i] && x.raw < bands[i+1] {
				in = append(in, x)
			}
		}
		if len(in) == 0 {
			continue
		}
		fmt.Fprintf(w, "| %d–%d KiB | %d | %d | %d |\n", bands[i]>>10, min(bands[i+1], 1<<20)>>10, len(in),
			q(col(in, func(x sizes) int { return x.packed }), 50), q(col(in, func(x sizes) int { return x.alone }), 50))
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func col(list []sizes, f func(sizes) int) []int {
	out := make([]int, len(list))
	for i, x := range list {
		out[i] = f(x)
	}
	sort.Ints(out)
	return out
}

func q(sorted []int, p int) int { return sorted[min(len(sorted)-1, len(sorted)*p/100)] }

func sum(list []int) int {
	n := 0
	for _, x := range list {
		n += x
	}
	return n
}
