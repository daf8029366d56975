package digest

import (
	"math"

	"github.com/herald-news/herald/internal/story"
)

// RedundantThreshold is the Similarity at and above which two sentences are
// taken to say the same thing. It is the threshold that best separates the
// 4,045 news sentence pairs of the Microsoft Research Paraphrase Corpus
// labelled as paraphrases from those labelled not (see bench/digest
// -paraphrase and docs/BENCHMARKS.md).
const RedundantThreshold = 0.6

// Similarity returns how much two sentences share, from 0 to 1: the cosine
// of their sets of terms (words lower-cased and lightly stemmed, stop
// words and most numbers left out, as internal/story reads them).
func Similarity(a, b string) float64 {
	return similar(termsOf(a), termsOf(b))
}

// termsOf returns the distinct single-word terms of text, in the order
// internal/story gives them (sorted).
func termsOf(text string) []string {
	toks := story.Terms(story.Doc{Text: text})
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if !t.Phrase() {
			out = append(out, t.Term)
		}
	}
	return out
}

// similar is Similarity on two sorted term lists.
func similar(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			shared++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(shared) / math.Sqrt(float64(len(a))*float64(len(b)))
}
