package main

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/herald-news/herald/internal/baseline"
)

// maxExamples bounds each list of pairs printed for a human to check.
const maxExamples = 10

// dupScore scores the copy groups against labelled duplicate pairs.
type dupScore struct {
	// Labelled scores against the labelled pairs alone; Equal also counts
	// as correct a merged pair whose texts are equal once white space is
	// folded, labelled or not.
	Labelled, Equal pairScore
	// ByKind counts the labelled pairs of each kind, and the merged ones.
	ByKind map[pairKind][2]int
	// Absent counts the labelled pairs with an article the store does not
	// hold; they count as missed.
	Absent int
	// Wrong lists merged pairs that are neither labelled nor equal.
	Wrong      []pair
	WrongCount int
}

// scoreDuplicates scores the store's copy groups against c's labelled
// duplicate pairs.
func scoreDuplicates(c *corpus, groups map[string]int64) dupScore {
	texts := foldedTexts(c)
	predicted := groupPairs(groups)
	labelled := make(map[pair]bool, len(c.Duplicates))
	s := dupScore{ByKind: make(map[pairKind][2]int)}
	for p, k := range c.Duplicates {
		labelled[p] = true
		_, okA := groups[p.A]
		_, okB := groups[p.B]
		if !okA || !okB {
			s.Absent++
		}
		n := s.ByKind[k]
		n[0]++
		if predicted[p] {
			n[1]++
		}
		s.ByKind[k] = n
	}
	s.Labelled = scorePairs(predicted, labelled)
	truth := maps.Clone(labelled)
	for p := range predicted {
		switch {
		case labelled[p]:
		case texts[p.A] == texts[p.B]:
			truth[p] = true
		default:
			s.Wrong = append(s.Wrong, p)
		}
	}
	s.Equal = scorePairs(predicted, truth)
	s.WrongCount = len(s.Wrong)
	s.Wrong = firstPairs(s.Wrong)
	return s
}

// mergeScore counts merges against story labels: two different texts of
// one story are a story, not a copy, and must not be merged.
type mergeScore struct {
	SameStoryDiff, SameStoryDiffMerged   int // same story, texts differ
	SameStoryEqual, SameStoryEqualMerged int // same story, equal texts
	// FalseMergeRate is SameStoryDiffMerged / SameStoryDiff.
	FalseMergeRate float64
	// Independent counts the same-story pairs of different texts that
	// share less than half of the shorter text's word 5-shingles
	// (containment < independentBelow): texts written apart, which the
	// issue means by "two articles about the same event written
	// independently". A pair above it is one text retold (a wire report
	// with another dateline, an agency credit, a paragraph cut), which
	// dedup exists to merge. IndependentRate is IndependentMerged /
	// Independent.
	Independent, IndependentMerged int
	IndependentRate                float64
	Merged                         int // merged pairs
	MergedEqual                    int // of which the texts are equal
	MergedAcross                   int // of which the two have different stories
	// Different lists merged pairs whose texts differ; Containment holds
	// the containment of every such pair (see similarity), in order.
	Different   []pair
	Containment []float64
}

// scoreMerges scores the copy groups of a corpus with story labels. Pairs
// with an article the store does not hold (a line herald rejected) are
// left out.
func scoreMerges(c *corpus, groups map[string]int64) mergeScore {
	texts := foldedTexts(c)
	predicted := groupPairs(groups)
	sets := shingleSets{texts: texts, sets: map[string]map[string]bool{}}
	var s mergeScore
	members := make(map[string][]string)
	for _, a := range c.Articles {
		if _, stored := groups[a.URL]; stored && c.Story[a.URL] != "" {
			members[c.Story[a.URL]] = append(members[c.Story[a.URL]], a.URL)
		}
	}
	for _, list := range members {
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				p := newPair(list[i], list[j])
				if texts[p.A] == texts[p.B] {
					s.SameStoryEqual++
					if predicted[p] {
						s.SameStoryEqualMerged++
					}
					continue
				}
				s.SameStoryDiff++
				if predicted[p] {
					s.SameStoryDiffMerged++
				}
				if containment(sets.of(p.A), sets.of(p.B)) < independentBelow {
					s.Independent++
					if predicted[p] {
						s.IndependentMerged++
					}
				}
			}
		}
	}
	s.FalseMergeRate = ratio(s.SameStoryDiffMerged, s.SameStoryDiff)
	s.IndependentRate = ratio(s.IndependentMerged, s.Independent)
	s.Merged = len(predicted)
	for p := range predicted {
		if texts[p.A] == texts[p.B] {
			s.MergedEqual++
		} else {
			s.Different = append(s.Different, p)
			_, cont := similarity(texts[p.A], texts[p.B])
			s.Containment = append(s.Containment, cont)
		}
		if a, b := c.Story[p.A], c.Story[p.B]; a != "" && b != "" && a != b {
			s.MergedAcross++
		}
	}
	s.Different = firstPairs(s.Different)
	slices.Sort(s.Containment)
	return s
}

// foldedTexts maps each URL to its text with white space folded.
func foldedTexts(c *corpus) map[string]string {
	texts := make(map[string]string, len(c.Articles))
	for _, a := range c.Articles {
		texts[a.URL] = fold(a.Text)
	}
	return texts
}

// firstPairs returns the first maxExamples pairs in order, so that runs
// list the same ones.
func firstPairs(list []pair) []pair {
	slices.SortFunc(list, func(a, b pair) int {
		return cmp.Or(strings.Compare(a.A, b.A), strings.Compare(a.B, b.B))
	})
	return list[:min(len(list), maxExamples)]
}

// shingleSize is the number of words in a shingle for similarity.
const shingleSize = 5

// similarity returns the Jaccard index and the containment (the shared
// share of the smaller set) of the two texts' sets of word 5-shingles: how
// much of their wording two texts share, for a human reading a merged pair.
// It is this command's own measure, not internal/dedup's.
func similarity(a, b string) (jaccard, containment float64) {
	return overlap(shingles(a), shingles(b))
}

// overlap returns the Jaccard index and the containment of two shingle
// sets.
func overlap(sa, sb map[string]bool) (jaccard, containment float64) {
	if len(sa) == 0 || len(sb) == 0 {
		return 0, 0
	}
	shared := 0
	for k := range sa {
		if sb[k] {
			shared++
		}
	}
	return float64(shared) / float64(len(sa)+len(sb)-shared), float64(shared) / float64(min(len(sa), len(sb)))
}

func containment(sa, sb map[string]bool) float64 {
	_, c := overlap(sa, sb)
	return c
}

// independentBelow is the containment under which two texts count as
// written independently (see mergeScore.Independent).
const independentBelow = 0.5

// shingleSets computes each URL's shingle set once.
type shingleSets struct {
	texts map[string]string
	sets  map[string]map[string]bool
}

func (s shingleSets) of(url string) map[string]bool {
	set, ok := s.sets[url]
	if !ok {
		set = shingles(s.texts[url])
		s.sets[url] = set
	}
	return set
}

func shingles(s string) map[string]bool {
	w := baseline.Tokens(s)
	set := make(map[string]bool)
	for i := 0; i+shingleSize <= len(w); i++ {
		set[strings.Join(w[i:i+shingleSize], " ")] = true
	}
	if len(set) == 0 && len(w) > 0 {
		set[strings.Join(w, " ")] = true // a text shorter than a shingle
	}
	return set
}
