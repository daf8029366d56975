package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

var corpusBase = map[string]string{"bbc": "bbc", "ecbplus": "ecbplus", "neus": "neus-trainval"}

// doc is one corpus line: what scoring needs, and the line itself.
type doc struct {
	URL, Title, Text string
	Published        time.Time
	Line             []byte
	Group            string // the story label, or the topic where the corpus has no stories
}

type corpus struct {
	Name     string
	Docs     []*doc // in import order
	ByTopic  bool   // groups are topics, not stories
	DupPairs map[[2]string]bool
}

func readCorpus(dir, name string) (*corpus, error) {
	base, ok := corpusBase[name]
	if !ok {
		return nil, fmt.Errorf("unknown corpus %q: want bbc, ecbplus or neus", name)
	}
	c := &corpus{Name: name, DupPairs: map[[2]string]bool{}}
	f, err := os.Open(filepath.Join(dir, base+".jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l struct {
			URL         string `json:"url"`
			Title       string `json:"title"`
			Text        string `json:"text"`
			PublishedAt string `json:"published_at"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		d := &doc{URL: strings.TrimSpace(l.URL), Title: l.Title, Text: l.Text, Line: []byte(line)}
		d.Published, _ = time.Parse(time.RFC3339Nano, l.PublishedAt) // zero when absent: placed by file order
		c.Docs = append(c.Docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	c.Docs = inPublicationOrder(c.Docs)

	labels, err := readTSV(filepath.Join(dir, base+".labels.tsv"))
	if err != nil {
		return nil, err
	}
	stories := 0
	for _, r := range labels {
		if r["story"] != "" {
			stories++
		}
	}
	c.ByTopic = stories == 0
	group := map[string]string{}
	for _, r := range labels {
		if c.ByTopic {
			group[r["url"]] = r["topic"]
		} else {
			group[r["url"]] = r["story"]
		}
	}
	for _, d := range c.Docs {
		d.Group = group[d.URL]
	}
	if rows, err := readTSV(filepath.Join(dir, base+".duplicates.tsv")); err == nil {
		for _, r := range rows {
			c.DupPairs[[2]string{r["url_a"], r["url_b"]}] = true
			c.DupPairs[[2]string{r["url_b"], r["url_a"]}] = true
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return c, nil
}

// inPublicationOrder sorts the dated docs by time among the places they
// hold; undated ones keep their place.
func inPublicationOrder(list []*doc) []*doc {
	var at []int
	var dated []*doc
	for i, d := range list {
		if !d.Published.IsZero() {
			at, dated = append(at, i), append(dated, d)
		}
	}
	slices.SortStableFunc(dated, func(a, b *doc) int { return a.Published.Compare(b.Published) })
	out := slices.Clone(list)
	for k, i := range at {
		out[i] = dated[k]
	}
	return out
}

func readTSV(path string) ([]map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	head := strings.Split(strings.TrimRight(lines[0], "\r"), "\t")
	var rows []map[string]string
	for _, l := range lines[1:] {
		fields := strings.Split(strings.TrimRight(l, "\r"), "\t")
		r := map[string]string{}
		for i, h := range head {
			if i < len(fields) {
				r[h] = fields[i]
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func writeLines(path string, docs []*doc) error {
	var b strings.Builder
	for _, d := range docs {
		b.Write(d.Line)
		b.WriteByte('\n')
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
