// Command digest measures Herald's key-point selection against people's key
// points, beside the lead-sentence baseline, and tunes the redundancy
// threshold on labelled paraphrase pairs. It prints Markdown for
// docs/BENCHMARKS.md.
//
// Usage, from the project root:
//
//	go run ./bench/digest [-herald PATH] [-data ../shared/corpus/keypoints]
//
// For each article of realsumm.jsonl the command writes the article as one
// line of the `herald import` format and runs `herald keypoints -n N -` as
// a subprocess (a herald built from ./cmd/herald unless -herald names one),
// with N the number of the article's reference highlights. The lead
// baseline is the article's first N sentences, split by the same splitter
// (internal/digest.Split). Both are scored the same way:
//
//   - ROUGE-1 and ROUGE-2 F1 against the highlights joined: tokens are the
//     lower-cased runs of letters and digits ([a-z0-9]+ after lower-casing;
//     other characters separate tokens), no stemming, no stop words
//     removed; n-grams counted as multisets; the mean over articles.
//   - key-point recall: a human key point ("BLANK" entries dropped) is
//     recalled when one chosen sentence holds at least three quarters of
//     its content tokens (the same tokens, without a short list of function
//     words); the mean over articles of the share recalled.
//   - redundancy: the share of pairs of chosen sentences whose
//     digest.Similarity reaches digest.RedundantThreshold.
//
// The paraphrase section computes digest.Similarity for every pair of
// paraphrase-pairs.tsv and prints accuracy and F1 (label 1 = paraphrase)
// for thresholds 0.05 to 0.95, marking the best accuracy: the value
// digest.RedundantThreshold holds.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/herald-news/herald/bench/internal/machine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "digest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	data := fs.String("data", "../shared/corpus/keypoints", "the keypoints corpus folder")
	herald := fs.String("herald", "", "the herald binary; built from ./cmd/herald when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bin := *herald
	if bin == "" {
		dir, err := os.MkdirTemp("", "bench-digest")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "herald")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/herald")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build herald: %w", err)
		}
	}

	fmt.Printf("Machine: %d cores (%s), load average %s, %s.\n\n",
		runtime.NumCPU(), machine.CPUModel(), machine.LoadAvg(), time.Now().UTC().Format(time.DateOnly))

	pairs, err := readPairs(filepath.Join(*data, "paraphrase-pairs.tsv"))
	if err != nil {
		return err
	}
	reportParaphrase(pairs)

	arts, err := readRealSumm(filepath.Join(*data, "realsumm.jsonl"))
	if err != nil {
		return err
	}
	var picked, lead []result
	for _, a := range arts {
		n := len(a.Highlights)
		chosen, err := keypoints(ctx, bin, a, n)
		if err != nil {
			return fmt.Errorf("%s: %w", a.ID, err)
		}
		picked = append(picked, scoreOne(a, chosen))
		lead = append(lead, scoreOne(a, leadSentences(a.Text, n)))
	}
	reportRealSumm(arts, picked, lead)
	return nil
}

// keypoints runs the real command on one article and returns its sentences.
func keypoints(ctx context.Context, bin string, a article, n int) ([]string, error) {
	line, err := json.Marshal(map[string]string{
		"url":    "https://realsumm.corpus.invalid/" + a.ID,
		"title":  "",
		"text":   a.Text,
		"source": "CNN / Daily Mail",
	})
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "keypoints", "-n", fmt.Sprint(n), "-")
	cmd.Stdin = bytes.NewReader(append(line, '\n'))
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("herald keypoints: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var sentences []string
	dec := json.NewDecoder(&out)
	for {
		var p struct{ Sentence, URL string }
		if err := dec.Decode(&p); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("read herald keypoints output: %w", err)
		}
		sentences = append(sentences, p.Sentence)
	}
	return sentences, nil
}
