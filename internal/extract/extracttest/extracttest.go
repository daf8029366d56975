// Package extracttest reads the shared corpora of real pages that package
// extract is measured against, and scores results with each corpus's own
// metric. The tests of package extract and the bench/extract command both
// use it, so that a figure in a test log and one in docs/BENCHMARKS.md mean
// the same thing.
//
// Two corpora are read (see corpus/README.md):
//
//   - WCXB (extraction/wcxb-dev-articles): pages with their human-reviewed
//     main text, scored by word-level precision, recall and F1.
//   - readability-pages (readability-pages/test/test-pages): pages with the
//     title, byline, site name and date that Readability.js found.
package extracttest

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
)

// WCXBDir and ReadabilityDir are where the corpora sit, relative to the
// corpus root.
const (
	WCXBDir        = "extraction/wcxb-dev-articles"
	ReadabilityDir = "readability-pages/test/test-pages"
)

// FindCorpus returns the first of dirs that holds the shared corpus, or an
// error naming the places it looked.
func FindCorpus(dirs ...string) (string, error) {
	for _, d := range dirs {
		if st, err := os.Stat(filepath.Join(d, WCXBDir)); err == nil && st.IsDir() {
			return d, nil
		}
	}
	return "", fmt.Errorf("shared corpus not found (looked in %s)", strings.Join(dirs, ", "))
}

// WCXBPage is one page of the WCXB corpus with its ground truth.
type WCXBPage struct {
	ID      string // the file's number, "0001"
	URL     string // where the page was fetched
	HTML    []byte // the page as fetched, decompressed
	Truth   string // the main text, paragraphs separated by blank lines
	Title   string
	Author  string
	Date    string   // publication date as the corpus writes it, often "2006-01-02"
	With    []string // snippets a correct extraction contains
	Without []string // snippets a correct extraction leaves out
}

// WCXBIDs returns the IDs of the WCXB pages under root, sorted.
func WCXBIDs(root string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(root, WCXBDir, "html", "*.html.gz"))
	if err != nil {
		return nil, fmt.Errorf("list wcxb pages: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("list wcxb pages: none in %s: %w", filepath.Join(root, WCXBDir), fs.ErrNotExist)
	}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = strings.TrimSuffix(filepath.Base(n), ".html.gz")
	}
	sort.Strings(ids)
	return ids, nil
}

// ReadWCXB reads one WCXB page and its ground truth.
func ReadWCXB(root, id string) (*WCXBPage, error) {
	dir := filepath.Join(root, WCXBDir)
	f, err := os.Open(filepath.Join(dir, "html", id+".html.gz"))
	if err != nil {
		return nil, fmt.Errorf("read wcxb page %s: %w", id, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read wcxb page %s: %w", id, err)
	}
	page, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read wcxb page %s: %w", id, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "ground-truth", id+".json"))
	if err != nil {
		return nil, fmt.Errorf("read wcxb truth %s: %w", id, err)
	}
	var gt struct {
		URL         string `json:"url"`
		GroundTruth struct {
			Title       string   `json:"title"`
			Author      string   `json:"author"`
			PublishDate string   `json:"publish_date"`
			MainContent string   `json:"main_content"`
			With        []string `json:"with"`
			Without     []string `json:"without"`
		} `json:"ground_truth"`
	}
	if err := json.Unmarshal(b, &gt); err != nil {
		return nil, fmt.Errorf("read wcxb truth %s: %w", id, err)
	}
	return &WCXBPage{
		ID: id, URL: gt.URL, HTML: page,
		Truth: gt.GroundTruth.MainContent, Title: gt.GroundTruth.Title,
		Author: gt.GroundTruth.Author, Date: gt.GroundTruth.PublishDate,
		With: gt.GroundTruth.With, Without: gt.GroundTruth.Without,
	}, nil
}

// Sample returns n of ids spread evenly over the list, always the same ones
// for the same list, so a test can run a small, stable slice of a corpus.
func Sample(ids []string, n int) []string {
	if n <= 0 || n >= len(ids) {
		return ids
	}
	out := make([]string, n)
	for i := range out {
		out[i] = ids[i*len(ids)/n]
	}
	return out
}

// word is the corpus's word: a run of letters, digits and underscores (the
// Unicode meaning of Python's \w, which the benchmark's scorer uses).
var word = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// Words returns the lower-cased words of s, in order.
func Words(s string) []string {
	return word.FindAllString(strings.ToLower(s), -1)
}

// Score is word-level precision, recall and F1 of one extraction.
type Score struct {
	Precision, Recall, F1 float64
}

// WordScore scores got against want with the WCXB metric: both texts are
// lower-cased and split into words, the words are counted as multisets, and
// overlap is the size of their intersection; precision = overlap / words
// got, recall = overlap / words wanted. An empty side scores zero.
func WordScore(got, want string) Score {
	g, w := Words(got), Words(want)
	if len(g) == 0 || len(w) == 0 {
		return Score{}
	}
	counts := make(map[string]int, len(w))
	for _, x := range w {
		counts[x]++
	}
	overlap := 0
	for _, x := range g {
		if counts[x] > 0 {
			counts[x]--
			overlap++
		}
	}
	p := float64(overlap) / float64(len(g))
	r := float64(overlap) / float64(len(w))
	if overlap == 0 {
		return Score{}
	}
	return Score{Precision: p, Recall: r, F1: 2 * p * r / (p + r)}
}

// Contains reports whether the words of snippet appear in text in a row.
// Comparing word sequences rather than raw strings makes the test blind
// to case, punctuation and spacing, which extractors render differently.
func Contains(text, snippet string) bool {
	s := Words(snippet)
	if len(s) == 0 {
		return false
	}
	t := " " + strings.Join(Words(text), " ") + " "
	return strings.Contains(t, " "+strings.Join(s, " ")+" ")
}

// ReadabilityPage is one page of the readability-pages corpus with the
// metadata Readability.js found in it. Empty fields were not found.
type ReadabilityPage struct {
	Name      string
	HTML      []byte
	Title     string
	Byline    string
	SiteName  string
	Published string // as the corpus writes it
	Lang      string
}

// ReadabilityNames returns the names of the readability pages under root,
// sorted.
func ReadabilityNames(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, ReadabilityDir))
	if err != nil {
		return nil, fmt.Errorf("list readability pages: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// ReadReadability reads one readability page and its expected metadata.
func ReadReadability(root, name string) (*ReadabilityPage, error) {
	dir := filepath.Join(root, ReadabilityDir, name)
	page, err := os.ReadFile(filepath.Join(dir, "source.html"))
	if err != nil {
		return nil, fmt.Errorf("read readability page %s: %w", name, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "expected-metadata.json"))
	if err != nil {
		return nil, fmt.Errorf("read readability metadata %s: %w", name, err)
	}
	var m struct {
		Title         *string `json:"title"`
		Byline        *string `json:"byline"`
		SiteName      *string `json:"siteName"`
		PublishedTime *string `json:"publishedTime"`
		Lang          *string `json:"lang"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read readability metadata %s: %w", name, err)
	}
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return &ReadabilityPage{
		Name: name, HTML: page, Title: s(m.Title), Byline: s(m.Byline),
		SiteName: s(m.SiteName), Published: s(m.PublishedTime), Lang: s(m.Lang),
	}, nil
}

// PageURL is the address the readability pages are extracted as: the
// upstream test suite uses it for every page.
const PageURL = "http://fakehost/test/page.html"

// SameText reports whether two titles, bylines or site names say the same,
// ignoring case, spacing and typographic quotes and dashes.
func SameText(a, b string) bool {
	return normText(a) == normText(b)
}

// SameTitle is SameText for titles, also ignoring a trailing " | Site"
// that names one of siteNames: Herald removes it on purpose, and
// Readability.js keeps it.
func SameTitle(got, want string, siteNames ...string) bool {
	return SameText(got, want) || SameText(stripSite(got, siteNames), stripSite(want, siteNames))
}

func stripSite(title string, siteNames []string) string {
	t := normText(title)
	for _, name := range siteNames {
		name = normText(name)
		if name == "" {
			continue
		}
		for _, sep := range []string{" | ", " - ", " · ", " :: ", " / ", ": ", " _"} {
			if s, ok := strings.CutSuffix(t, sep+name); ok {
				return strings.TrimSpace(s)
			}
		}
	}
	return t
}

var byPrefix = regexp.MustCompile(`^by\b\s*:?\s*`)

// SameByline is SameText for bylines, also ignoring a leading "By", which
// Herald removes on purpose, and Readability.js keeps.
func SameByline(got, want string) bool {
	return byPrefix.ReplaceAllString(normText(got), "") == byPrefix.ReplaceAllString(normText(want), "")
}

var typographic = strings.NewReplacer("‘", "'", "’", "'", "“", `"`, "”", `"`, "–", "-", "—", "-", "\u00a0", " ")

func normText(s string) string {
	s = typographic.Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// dateLayouts are the ways the corpora write dates.
var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02",
}

// ParseDate reads a date the way the corpora write one; times without a
// zone are taken as UTC.
func ParseDate(s string) (time.Time, error) {
	t, err := parseWritten(s)
	return t.UTC(), err
}

// parseWritten is ParseDate keeping the offset the date was written with.
func parseWritten(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("unreadable date " + s)
}

// SameDay reports whether got falls on the UTC calendar day that want (a
// corpus date) names. The corpora give some dates without a time or zone,
// so the day is the finest grain every entry supports; a want of only a
// year and month ("2006-01") asks for the month.
func SameDay(got time.Time, want string) bool {
	return sameDay(got.UTC(), want, ParseDate)
}

// SameShownDay is SameDay with each date's calendar day taken at the
// offset it carries: the day a page shows its readers. A page's
// "2020-04-12T18:00:00-07:00" is labelled 2020-04-12 by people reading it,
// though it falls on the 13th in UTC; an extractor that keeps the offset
// gets it right, one that reports midnight UTC of the written day too.
func SameShownDay(got time.Time, want string) bool {
	return sameDay(got, want, parseWritten)
}

func sameDay(got time.Time, want string, parse func(string) (time.Time, error)) bool {
	if m, err := time.Parse("2006-01", strings.TrimSpace(want)); err == nil {
		return !got.IsZero() && got.Format("2006-01") == m.Format("2006-01")
	}
	w, err := parse(want)
	if err != nil || got.IsZero() {
		return false
	}
	return got.Format(time.DateOnly) == w.Format(time.DateOnly)
}

// Tally counts how many of the pages that have an expected value an
// extractor got right.
type Tally struct {
	Right, Total int
}

// Add counts one page; pages without an expected value do not count.
func (t *Tally) Add(expected string, right bool) {
	if strings.TrimSpace(expected) == "" {
		return
	}
	t.Total++
	if right {
		t.Right++
	}
}

// Share is the fraction right, 0 when nothing was counted.
func (t Tally) Share() float64 {
	if t.Total == 0 {
		return 0
	}
	return float64(t.Right) / float64(t.Total)
}

// String formats the tally as "0.87 (57/65)".
func (t Tally) String() string {
	return fmt.Sprintf("%.2f (%d/%d)", t.Share(), t.Right, t.Total)
}
