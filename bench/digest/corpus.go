package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// article is one line of realsumm.jsonl.
type article struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	Highlights []string `json:"highlights"`
	KeyPoints  []string `json:"key_points"`
}

func readRealSumm(path string) ([]article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []article
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for no := 1; sc.Scan(); no++ {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, no, err)
		}
		kept := a.KeyPoints[:0]
		for _, k := range a.KeyPoints {
			if k != "BLANK" && strings.TrimSpace(k) != "" {
				kept = append(kept, k)
			}
		}
		a.KeyPoints = kept
		out = append(out, a)
	}
	return out, sc.Err()
}

// pair is one labelled sentence pair of paraphrase-pairs.tsv.
type pair struct {
	same bool
	a, b string
}

func readPairs(path string) ([]pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []pair
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for no := 1; sc.Scan(); no++ {
		if no == 1 {
			continue // the header
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 5 || (f[0] != "0" && f[0] != "1") {
			return nil, fmt.Errorf("%s line %d: want 5 tab-separated fields with a 0/1 label", path, no)
		}
		out = append(out, pair{same: f[0] == "1", a: unquote(f[3]), b: unquote(f[4])})
	}
	return out, sc.Err()
}

// unquote undoes the TSV quoting of a field ("…""…""…").
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}
