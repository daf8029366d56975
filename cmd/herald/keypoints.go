package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/digest"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sanitize"
)

// runKeypoints prints the sentences that best say what happened in the
// articles read: one article, or several forming one story.
func runKeypoints(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("keypoints", flag.ContinueOnError)
	n := fs.Int("n", 5, "how many sentences to print")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: herald keypoints [-n N] FILE.jsonl|-")
		fmt.Fprintln(fs.Output(), "Reads articles in the import format (one article, or several telling one story)")
		fmt.Fprintln(fs.Output(), `and prints the N sentences that best say what happened, best first: {"sentence": …, "url": …}.`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	if *n < 1 || *n > 100 {
		return herald.Errorf(herald.EINVALID, "-n %d: give a number from 1 to 100", *n)
	}
	in, _, err := openInput(fs.Arg(0), e.stdin)
	if err != nil {
		return err
	}
	defer in.Close()

	docs, err := readDocs(in)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, p := range digest.Select(docs, *n, digest.DefaultParams()) {
		if err := enc.Encode(struct {
			Sentence string `json:"sentence"`
			URL      string `json:"url"`
		}{p.Sentence, p.URL}); err != nil {
			return fmt.Errorf("write key points: %w", err)
		}
	}
	return ctx.Err()
}

// readDocs reads import lines into the digest's documents. A bad line stops
// the command with its number: the articles are meant to be read together.
func readDocs(r io.Reader) ([]digest.Doc, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), ingest.MaxLineLen)
	var docs []digest.Doc
	for no := 1; sc.Scan(); no++ {
		raw := sc.Bytes()
		if len(strings.TrimSpace(string(raw))) == 0 {
			continue
		}
		it, err := ingest.ParseLine(raw)
		if err != nil {
			return nil, herald.Errorf(herald.EINVALID, "line %d: %s", no, message(err))
		}
		text := it.Text
		if strings.TrimSpace(it.HTML) != "" {
			text = sanitize.Text(sanitize.Article(it.HTML))
		}
		if strings.TrimSpace(text) == "" {
			return nil, herald.Errorf(herald.EINVALID, "line %d: a body (html or text) is required", no)
		}
		docs = append(docs, digest.Doc{Title: it.Title, Text: text, URL: it.URL, Published: it.PublishedAt})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	if len(docs) == 0 {
		return nil, herald.Errorf(herald.EINVALID, "no articles to read")
	}
	return docs, nil
}
