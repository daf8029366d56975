package main

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/herald-news/herald/internal/digest"
)

// result is one article's scores for one system.
type result struct {
	r1, r2     float64 // ROUGE F1
	recall     float64 // key-point recall
	pairs, red int     // sentence pairs, and how many are redundant
	sentences  int
}

func leadSentences(text string, n int) []string {
	return digest.Lead(digest.Doc{Text: text}, n)
}

func scoreOne(a article, chosen []string) result {
	cand := tokens(strings.Join(chosen, " "))
	ref := tokens(strings.Join(a.Highlights, " "))
	r := result{r1: rougeF(cand, ref, 1), r2: rougeF(cand, ref, 2), sentences: len(chosen)}
	r.recall = keyPointRecall(a.KeyPoints, chosen)
	for i := range chosen {
		for j := i + 1; j < len(chosen); j++ {
			r.pairs++
			if digest.Similarity(chosen[i], chosen[j]) >= digest.RedundantThreshold {
				r.red++
			}
		}
	}
	return r
}

// tokens lower-cases s and returns its runs of letters and digits.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	})
}

func ngrams(toks []string, n int) map[string]int {
	m := map[string]int{}
	for i := 0; i+n <= len(toks); i++ {
		m[strings.Join(toks[i:i+n], " ")]++
	}
	return m
}

// rougeF is ROUGE-n F1 of cand against ref.
func rougeF(cand, ref []string, n int) float64 {
	c, r := ngrams(cand, n), ngrams(ref, n)
	overlap, nc, nr := 0, 0, 0
	for g, k := range c {
		overlap += min(k, r[g])
		nc += k
	}
	for _, k := range r {
		nr += k
	}
	if overlap == 0 {
		return 0
	}
	p, rec := float64(overlap)/float64(nc), float64(overlap)/float64(nr)
	return 2 * p * rec / (p + rec)
}

// function words left out of a key point's content tokens.
var function = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an the of to in on at by for from with and or but is are was were be been has have had it its his her their he she they this that as s") {
		function[w] = true
	}
}

// keyPointRecall is the share of key points that one chosen sentence
// states: it holds at least three quarters of the point's content tokens.
func keyPointRecall(points, chosen []string) float64 {
	if len(points) == 0 {
		return 0
	}
	sets := make([]map[string]bool, len(chosen))
	for i, s := range chosen {
		sets[i] = map[string]bool{}
		for _, t := range tokens(s) {
			sets[i][t] = true
		}
	}
	hit := 0
	for _, p := range points {
		var content []string
		for _, t := range tokens(p) {
			if !function[t] {
				content = append(content, t)
			}
		}
		if len(content) == 0 {
			continue
		}
		for _, set := range sets {
			in := 0
			for _, t := range content {
				if set[t] {
					in++
				}
			}
			if in*4 >= len(content)*3 {
				hit++
				break
			}
		}
	}
	return float64(hit) / float64(len(points))
}

type mean struct {
	r1, r2, recall        float64
	pairs, red, sentences int
}

func average(rs []result) mean {
	var m mean
	for _, r := range rs {
		m.r1 += r.r1
		m.r2 += r.r2
		m.recall += r.recall
		m.pairs += r.pairs
		m.red += r.red
		m.sentences += r.sentences
	}
	n := float64(max(len(rs), 1))
	m.r1, m.r2, m.recall = m.r1/n, m.r2/n, m.recall/n
	return m
}

func reportRealSumm(arts []article, picked, lead []result) {
	fmt.Printf("### Key points on REALSumm (%d CNN/Daily Mail articles)\n\n", len(arts))
	fmt.Println("| articles | system | sentences | ROUGE-1 F | ROUGE-2 F | key-point recall | redundant pairs |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	half := len(arts) / 2
	for _, part := range []struct {
		name   string
		lo, hi int
	}{{"all", 0, len(arts)}, {"first half", 0, half}, {"second half", half, len(arts)}} {
		for _, sys := range []struct {
			name string
			rs   []result
		}{{"`herald keypoints`", picked}, {"lead baseline", lead}} {
			m := average(sys.rs[part.lo:part.hi])
			fmt.Printf("| %s (%d) | %s | %d | %.4f | %.4f | %.4f | %d of %d |\n",
				part.name, part.hi-part.lo, sys.name, m.sentences, m.r1, m.r2, m.recall, m.red, m.pairs)
		}
	}
	fmt.Println()
	wins := 0
	for i := range picked {
		if picked[i].r1 > lead[i].r1 {
			wins++
		}
	}
	fmt.Printf("Herald's ROUGE-1 is higher than the lead's on %d of %d articles.\n\n", wins, len(picked))
}

func reportParaphrase(pairs []pair) {
	sims := make([]float64, len(pairs))
	for i, p := range pairs {
		sims[i] = digest.Similarity(p.a, p.b)
	}
	fmt.Printf("### Redundancy threshold on %d paraphrase pairs (MSRP)\n\n", len(pairs))
	fmt.Println("| threshold | accuracy | precision | recall | F1 |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: |")
	bestT, bestAcc := 0.0, 0.0
	for k := 1; k <= 19; k++ {
		t := float64(k) / 20
		tp, fp, fn, tn := 0, 0, 0, 0
		for i, p := range pairs {
			switch said := sims[i] >= t; {
			case said && p.same:
				tp++
			case said:
				fp++
			case p.same:
				fn++
			default:
				tn++
			}
		}
		acc := float64(tp+tn) / float64(len(pairs))
		prec := float64(tp) / float64(max(tp+fp, 1))
		rec := float64(tp) / float64(max(tp+fn, 1))
		f1 := 0.0
		if prec+rec > 0 {
			f1 = 2 * prec * rec / (prec + rec)
		}
		mark := ""
		if t == digest.RedundantThreshold {
			mark = " ← RedundantThreshold"
		}
		fmt.Printf("| %.2f%s | %.4f | %.4f | %.4f | %.4f |\n", t, mark, acc, prec, rec, f1)
		if acc > bestAcc {
			bestT, bestAcc = t, acc
		}
	}
	fmt.Printf("\nBest accuracy %.4f at %.2f; the share labelled paraphrase is %.4f.\n\n", bestAcc, bestT, share(pairs))
}

func share(pairs []pair) float64 {
	n := 0
	for _, p := range pairs {
		if p.same {
			n++
		}
	}
	return float64(n) / float64(max(len(pairs), 1))
}
