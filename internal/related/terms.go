package related

import (
	"math"
	"slices"
	"strings"

	"github.com/herald-news/herald/internal/search"
)

// maxTextTokens bounds the body tokens counted: the start of a news
// article says what it is about.
const maxTextTokens = 500

// termCounts counts the index tokens of an article, a title token
// titleBoost times. Stop words, lone letters and plain numbers are left
// out: they say nothing about the subject.
func termCounts(title, text string, titleBoost float64) map[string]float64 {
	counts := map[string]float64{}
	add := func(s string, weight float64, limit int) {
		for i, t := range search.Tokens(s) {
			if i >= limit {
				break
			}
			if useful(t) {
				counts[t] += weight
			}
		}
	}
	add(title, titleBoost, maxTextTokens)
	add(text, 1, maxTextTokens)
	return counts
}

func useful(t string) bool {
	if len(t) < 2 || stopWords[t] {
		return false
	}
	return strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' }) >= 0
}

// heaviest returns the n most frequent terms, ties in alphabetical order
// so that the choice does not depend on map order.
func heaviest(counts map[string]float64, n int) []string {
	terms := make([]string, 0, len(counts))
	for t := range counts {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b string) int {
		if c := cmpDesc(counts[a], counts[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return terms[:min(n, len(terms))]
}

// weights are inverse document frequencies: exact for the terms looked
// up, and for any other term the idf of a rare one, which is what a term
// outside an article's most frequent ones usually is.
type weights struct {
	idf    map[string]float64
	common map[string]bool // in more than commonShare of the articles
	other  float64
}

// commonShare is the share of articles past which a term is too common to
// ask the index for: it says little, and its list of articles is long.
const commonShare = 0.1

// minQueryTerms is how many terms a query keeps, common or not.
const minQueryTerms = 4

func newWeights(terms []string, df []int, docs int) weights {
	w := weights{idf: make(map[string]float64, len(terms)), common: map[string]bool{}}
	n := float64(max(docs, 1))
	for i, t := range terms {
		w.idf[t] = math.Log((n+1)/(float64(df[i])+1)) + 1
		if float64(df[i]) > commonShare*n {
			w.common[t] = true
		}
	}
	w.other = math.Log((n+1)/2) + 1
	return w
}

func (w weights) of(t string) float64 {
	if v, ok := w.idf[t]; ok {
		return v
	}
	return w.other
}

// query returns the n terms of counts with the largest TF-IDF weight
// among those looked up and found in another article (df > 1), leaving
// out common terms unless fewer than minQueryTerms would remain.
func (w weights) query(counts map[string]float64, n int) []string {
	var terms []string
	for t := range w.idf {
		if w.idf[t] < w.other { // found in more than this article
			terms = append(terms, t)
		}
	}
	weight := func(t string) float64 { return (1 + math.Log(counts[t])) * w.idf[t] }
	slices.SortFunc(terms, func(a, b string) int {
		if c := cmpDesc(weight(a), weight(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	rare := slices.DeleteFunc(slices.Clone(terms), func(t string) bool { return w.common[t] })
	if len(rare) >= minQueryTerms {
		terms = rare
	}
	return terms[:min(n, len(terms))]
}

// vector is a TF-IDF vector: damped term frequency times idf.
func (w weights) vector(counts map[string]float64) map[string]float64 {
	v := make(map[string]float64, len(counts))
	for t, c := range counts {
		v[t] = (1 + math.Log(c)) * w.of(t)
	}
	return v
}

func cosine(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var dot, na, nb float64
	for t, x := range a {
		dot += x * b[t]
		na += x * x
	}
	for _, y := range b {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// stopWords are English function words, too common to say what an article
// is about. Other languages rely on their low idf alone.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at be
		because been before being below between both but by can could did do does doing down during each
		few for from further had has have having he her here hers herself him himself his how however i if
		in into is it its itself just last like made make many may me more most much must my myself new no
		nor not now of off on once one only or other our ours ourselves out over own per said same say says
		she should since so some still such than that the their theirs them themselves then there these they
		this those through to too two under until up upon us very was we were what when where which while who
		whom whose why will with would year years yet you your yours yourself yourselves`) {
		stopWords[w] = true
	}
}
