package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// corpusFiles maps the names -corpus accepts to the files' base names in
// the stories folder.
var corpusFiles = map[string]string{
	"bbc":     "bbc",
	"ecbplus": "ecbplus",
	"neus":    "neus-trainval",
}

// article is one line of a corpus: what the scorer needs of it, and the
// line itself, which goes to the importer unchanged.
type article struct {
	URL       string
	Title     string
	Text      string
	Published time.Time // zero when the line has no usable published_at
	Raw       []byte
}

// pairKind is the label of a duplicate pair in bbc.duplicates.tsv.
type pairKind string

const (
	kindExact    pairKind = "exact"
	kindRevision pairKind = "revision"
)

// corpus is one labelled set: its articles in the order they are imported
// and the labels, which only the scorer reads.
type corpus struct {
	Name     string
	Base     string     // the files' base name
	Articles []*article // in publication order (see publicationOrder)
	Dated    int        // how many articles carry a published_at
	Story    map[string]string
	// Duplicates holds the labelled duplicate pairs, nil for a corpus
	// without a duplicates file. A pair listed twice with two kinds keeps
	// "exact".
	Duplicates map[pair]pairKind
	DupRows    int // rows in the duplicates file, repeats included
}

// readCorpus reads NAME.jsonl, NAME.labels.tsv and, when present,
// NAME.duplicates.tsv from dir.
func readCorpus(dir, name string) (*corpus, error) {
	base, ok := corpusFiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown corpus %q: want one of bbc, ecbplus, neus", name)
	}
	c := &corpus{Name: name, Base: base}
	var err error
	if c.Articles, err = readArticles(filepath.Join(dir, base+".jsonl")); err != nil {
		return nil, err
	}
	for _, a := range c.Articles {
		if !a.Published.IsZero() {
			c.Dated++
		}
	}
	c.Articles = publicationOrder(c.Articles)

	rows, err := readTSV(filepath.Join(dir, base+".labels.tsv"), "url", "story")
	if err != nil {
		return nil, err
	}
	c.Story = make(map[string]string, len(rows))
	for _, r := range rows {
		c.Story[r["url"]] = r["story"]
	}

	dupPath := filepath.Join(dir, base+".duplicates.tsv")
	if _, err := os.Stat(dupPath); err == nil {
		rows, err := readTSV(dupPath, "url_a", "url_b", "kind")
		if err != nil {
			return nil, err
		}
		c.DupRows = len(rows)
		c.Duplicates = make(map[pair]pairKind, len(rows))
		for _, r := range rows {
			p := newPair(r["url_a"], r["url_b"])
			if c.Duplicates[p] != kindExact {
				c.Duplicates[p] = pairKind(r["kind"])
			}
		}
	}
	return c, nil
}

// readArticles reads a file in herald import format, keeping each line.
func readArticles(path string) ([]*article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var list []*article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for no := 1; sc.Scan(); no++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var l struct {
			URL         string `json:"url"`
			Title       string `json:"title"`
			Text        string `json:"text"`
			PublishedAt string `json:"published_at"`
		}
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, no, err)
		}
		a := &article{URL: strings.TrimSpace(l.URL), Title: l.Title, Text: l.Text, Raw: slices.Clone(raw)}
		if s := strings.TrimSpace(l.PublishedAt); s != "" {
			// A date herald cannot read makes the line rejected; the
			// import summary says so, and the line keeps its place here.
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				a.Published = t
			}
		}
		list = append(list, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return list, nil
}

// publicationOrder returns list with the dated articles in order of
// publication (ties keep file order) and every undated article where the
// file has it: the dated ones are sorted among the places they hold.
// Herald gives an undated article the time of its import, so no place
// among the dated ones is truer than the file's.
func publicationOrder(list []*article) []*article {
	var slots []int
	var dated []*article
	for i, a := range list {
		if !a.Published.IsZero() {
			slots = append(slots, i)
			dated = append(dated, a)
		}
	}
	slices.SortStableFunc(dated, func(a, b *article) int { return a.Published.Compare(b.Published) })
	out := slices.Clone(list)
	for k, i := range slots {
		out[i] = dated[k]
	}
	return out
}

// readTSV reads a tab-separated file whose first line names the columns,
// checking that the wanted ones are there.
func readTSV(path string, want ...string) ([]map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	header := strings.Split(strings.TrimRight(lines[0], "\r"), "\t")
	for _, w := range want {
		if !slices.Contains(header, w) {
			return nil, fmt.Errorf("%s: no column %q (columns: %s)", path, w, strings.Join(header, ", "))
		}
	}
	rows := make([]map[string]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			continue
		}
		fields := strings.Split(l, "\t")
		r := make(map[string]string, len(header))
		for i, h := range header {
			if i < len(fields) {
				r[h] = fields[i]
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// writeImportFile writes the corpus's lines, in import order, to path.
// With every > 0 each line's published_at is replaced by a synthetic
// clock, one article every that long in import order: the corpora date
// few or none of their articles, and herald gives an undated article the
// time of its import, which puts a whole corpus in the same minute.
func writeImportFile(path string, list []*article, every time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, a := range list {
		line := a.Raw
		if every > 0 {
			var fields map[string]any
			if err := json.Unmarshal(line, &fields); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", a.URL, err)
			}
			fields["published_at"] = syntheticEpoch.Add(time.Duration(i) * every).Format(time.RFC3339)
			if line, err = json.Marshal(fields); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", a.URL, err)
			}
		}
		w.Write(line)
		w.WriteByte('\n')
	}
	return errors.Join(w.Flush(), f.Close())
}

// syntheticEpoch is when the synthetic clock of writeImportFile starts.
var syntheticEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fold folds white space, the comparison under which two texts are
// "exactly equal".
func fold(s string) string { return strings.Join(strings.Fields(s), " ") }
