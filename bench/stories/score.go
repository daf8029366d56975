package main

import (
	"math"
	"slices"
)

// pair is an unordered pair of article URLs, the smaller first.
type pair struct{ A, B string }

func newPair(a, b string) pair {
	if b < a {
		a, b = b, a
	}
	return pair{a, b}
}

// groupPairs returns every pair of items that share a group: the pairs a
// clustering merges. Items mapped to no group (absent from groups) are in
// no pair.
func groupPairs[G comparable](groups map[string]G) map[pair]bool {
	members := make(map[G][]string)
	for item, g := range groups {
		members[g] = append(members[g], item)
	}
	pairs := make(map[pair]bool)
	for _, list := range members {
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				pairs[newPair(list[i], list[j])] = true
			}
		}
	}
	return pairs
}

// pairScore is pairwise precision and recall of predicted pairs against
// labelled ones.
type pairScore struct {
	Predicted, Labelled, Correct int
	Precision, Recall            float64 // NaN when the denominator is 0
}

// scorePairs scores predicted against labelled: precision = |labelled ∩
// predicted| / |predicted|, recall = |labelled ∩ predicted| / |labelled|.
func scorePairs(predicted, labelled map[pair]bool) pairScore {
	s := pairScore{Predicted: len(predicted), Labelled: len(labelled)}
	for p := range predicted {
		if labelled[p] {
			s.Correct++
		}
	}
	s.Precision = ratio(s.Correct, s.Predicted)
	s.Recall = ratio(s.Correct, s.Labelled)
	return s
}

// clusterScore is a clustering scored against labelled stories.
type clusterScore struct {
	Items, Stories, Clusters int
	Precision, Recall, F1    float64 // B-cubed
	// OverMerged counts the labelled stories that share a cluster with
	// another story; UnderMerged those split over more than one cluster.
	OverMerged, UnderMerged int
}

// bcubed scores the clustering pred (item → cluster) against gold (item →
// story) over the items that have a story (a non-empty label) and a
// cluster. For each item, precision is the share of its cluster that has
// its story and recall the share of its story that is in its cluster; the
// scores are their means over items, and F1 their harmonic mean (Amigó et
// al. 2009). Only scored items count towards cluster sizes.
func bcubed[C comparable](pred map[string]C, gold map[string]string) clusterScore {
	type cell struct {
		c C
		s string
	}
	clusterSize := make(map[C]int)
	storySize := make(map[string]int)
	both := make(map[cell]int)
	storyClusters := make(map[string]map[C]bool)
	clusterStories := make(map[C]map[string]bool)
	var items []string
	for item, s := range gold {
		c, ok := pred[item]
		if s == "" || !ok {
			continue
		}
		items = append(items, item)
		clusterSize[c]++
		storySize[s]++
		both[cell{c, s}]++
		if storyClusters[s] == nil {
			storyClusters[s] = make(map[C]bool)
		}
		storyClusters[s][c] = true
		if clusterStories[c] == nil {
			clusterStories[c] = make(map[string]bool)
		}
		clusterStories[c][s] = true
	}
	r := clusterScore{Items: len(items), Stories: len(storySize), Clusters: len(clusterSize)}
	if len(items) == 0 {
		r.Precision, r.Recall, r.F1 = math.NaN(), math.NaN(), math.NaN()
		return r
	}
	slices.Sort(items) // a fixed order of summation: the same input gives the same bits
	var p, rc float64
	for _, item := range items {
		c, s := pred[item], gold[item]
		n := float64(both[cell{c, s}])
		p += n / float64(clusterSize[c])
		rc += n / float64(storySize[s])
	}
	r.Precision = p / float64(len(items))
	r.Recall = rc / float64(len(items))
	r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	for _, cs := range storyClusters {
		if len(cs) > 1 {
			r.UnderMerged++
		}
		for c := range cs {
			if len(clusterStories[c]) > 1 {
				r.OverMerged++
				break
			}
		}
	}
	return r
}

func ratio(n, d int) float64 {
	if d == 0 {
		return math.NaN()
	}
	return float64(n) / float64(d)
}
