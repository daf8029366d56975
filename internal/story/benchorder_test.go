package story

import (
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// The tests in this file score the stories in the order bench/stories
// imports a corpus (the dated articles sorted by date among the places
// they hold, one article a minute) beside the bench's own TF-IDF baseline
// (raw term frequency times the whole set's ln(N/df), every token, single
// pass by cosine to the summed centroid, its threshold the best of a
// sweep). That is the comparison the issue states; TestCorpusStories
// keeps file order and its own baseline. On a held-out half the baseline
// is also scored at the threshold its A half chose, as Herald's
// parameters were chosen on the A halves.

// benchOrder returns arts with the dated ones sorted by date among the
// places they hold, on a clock of one article a minute, as bench/stories
// -clock 1m imports them.
func benchOrder(arts []article) []article {
	var slots []int
	var dated []article
	for i, a := range arts {
		if !a.date.IsZero() {
			slots = append(slots, i)
			dated = append(dated, a)
		}
	}
	slices.SortStableFunc(dated, func(a, b article) int { return a.date.Compare(b.date) })
	out := slices.Clone(arts)
	for k, i := range slots {
		out[i] = dated[k]
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i].Published = t0.Add(time.Duration(i) * time.Minute)
	}
	return out
}

// tfidfBaseline is bench/stories' baseline over one set of articles: each
// text's TF-IDF vector under the whole set's statistics, and its event.
type tfidfBaseline struct {
	vecs [][]weighted
	gold []string
}

type weighted struct {
	t int32
	w float64
}

func newTFIDFBaseline(arts []article) *tfidfBaseline {
	ids := map[string]int32{}
	counts := make([]map[int32]int, len(arts))
	var df []int
	for i, a := range arts {
		counts[i] = map[int32]int{}
		for _, t := range strings.FieldsFunc(strings.ToLower(a.Title+"\n"+a.Text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
				df = append(df, 0)
			}
			if counts[i][id] == 0 {
				df[id]++
			}
			counts[i][id]++
		}
	}
	n := float64(len(arts))
	b := &tfidfBaseline{vecs: make([][]weighted, len(arts)), gold: make([]string, len(arts))}
	for i, tf := range counts {
		var norm float64
		for id, c := range tf {
			if w := float64(c) * math.Log(n/float64(df[id])); w > 0 {
				b.vecs[i] = append(b.vecs[i], weighted{id, w})
				norm += w * w
			}
		}
		for k := range b.vecs[i] {
			b.vecs[i][k].w /= math.Sqrt(norm)
		}
		b.gold[i] = arts[i].event
	}
	return b
}

// at clusters the set in one pass: each text joins the cluster whose
// summed centroid is nearest by cosine, if that reaches th.
func (b *tfidfBaseline) at(th float64) result {
	type post struct {
		c int32
		w float64
	}
	postings := map[int32][]post{}
	var norm2, score []float64
	pred := make([]int64, len(b.vecs))
	for i, d := range b.vecs {
		var touched []int32
		for _, t := range d {
			for _, p := range postings[t.t] {
				if score[p.c] == 0 {
					touched = append(touched, p.c)
				}
				score[p.c] += t.w * p.w
			}
		}
		best, bestCos := int32(-1), 0.0
		for _, c := range touched {
			if cos := score[c] / math.Sqrt(norm2[c]); cos > bestCos {
				best, bestCos = c, cos
			}
		}
		if best >= 0 && bestCos >= th {
			norm2[best] += 2*score[best] + 1
		} else {
			best = int32(len(norm2))
			norm2 = append(norm2, 1)
			score = append(score, 0)
		}
		for _, c := range touched {
			score[c] = 0
		}
		pred[i] = int64(best)
		for _, t := range d {
			postings[t.t] = append(postings[t.t], post{best, t.w})
		}
	}
	return bcubed(pred, b.gold)
}

// best sweeps the threshold, 0.05 to 0.95 then by hundredths around the
// best, and returns the best result and its threshold: the baseline tuned
// on the very labels it is scored against.
func (b *tfidfBaseline) best() (result, float64) {
	sweep := func(ths []float64) (result, float64) {
		rs := make([]result, len(ths))
		var wg sync.WaitGroup
		for i, th := range ths {
			wg.Go(func() { rs[i] = b.at(th) })
		}
		wg.Wait()
		k := 0
		for i := range rs {
			if rs[i].F1 > rs[k].F1 {
				k = i
			}
		}
		return rs[k], ths[k]
	}
	var coarse []float64
	for k := 1; k <= 19; k++ {
		coarse = append(coarse, float64(k)*0.05)
	}
	best, th := sweep(coarse)
	var fine []float64
	for k := -4; k <= 4; k++ {
		if k != 0 {
			fine = append(fine, math.Round(th*100+float64(k))/100)
		}
	}
	if r, t := sweep(fine); r.F1 > best.F1 {
		best, th = r, t
	}
	return best, th
}

// TestBenchOrder prints the stories of DefaultParams in the bench's order
// beside the bench's baseline, whole and by halves (A for choosing, B held
// out). HERALD_STORY_BENCH=1 go test -run BenchOrder -v ./internal/story
func TestBenchOrder(t *testing.T) {
	if os.Getenv("HERALD_STORY_BENCH") == "" {
		t.Skip("set HERALD_STORY_BENCH=1 to run it")
	}
	names := strings.Split(os.Getenv("HERALD_STORY_CORPORA"), ",")
	if names[0] == "" {
		names = []string{"ecbplus", "neus-trainval"}
	}
	p := DefaultParams()
	for _, name := range names {
		arts := loadCorpus(t, name)
		var thA float64 // the baseline's best threshold on the A half
		for _, s := range []corpusSet{{name, benchOrder(arts)}, {name + " A", benchOrder(half(arts, 0))}, {name + " B", benchOrder(half(arts, 1))}} {
			mine := online(s.arts, p)
			tfidf := newTFIDFBaseline(s.arts)
			base, th := tfidf.best()
			t.Logf("%-16s story %v", s.name, mine)
			t.Logf("%-16s tfidf %v  threshold %.2f  Δ %+.3f", s.name, base, th, mine.F1-base.F1)
			switch {
			case strings.HasSuffix(s.name, " A"):
				thA = th
			case strings.HasSuffix(s.name, " B"):
				// Herald's parameters were chosen on the A halves; held
				// out, the baseline's threshold is chosen there too.
				heldOut := tfidf.at(thA)
				t.Logf("%-16s tfidf %v  A's threshold %.2f  Δ %+.3f", s.name, heldOut, thA, mine.F1-heldOut.F1)
			}
		}
	}
}
