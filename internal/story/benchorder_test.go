package story

import (
	"hash/fnv"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/internal/baseline"
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

// tfidfBaseline is bench/stories' baseline (package baseline) over one
// set of articles: each text's TF-IDF vector under the whole set's
// statistics, and its event.
type tfidfBaseline struct {
	vecs []baseline.Vector
	gold []string
}

func newTFIDFBaseline(arts []article) *tfidfBaseline {
	docs := make([]string, len(arts))
	b := &tfidfBaseline{gold: make([]string, len(arts))}
	for i, a := range arts {
		docs[i] = a.Title + "\n" + a.Text
		b.gold[i] = a.event
	}
	b.vecs = baseline.TFIDF(docs)
	return b
}

// at clusters the set in one pass at threshold th and scores it.
func (b *tfidfBaseline) at(th float64) result {
	assign := baseline.SinglePass(b.vecs, th)
	pred := make([]int64, len(assign))
	for i, c := range assign {
		pred[i] = int64(c)
	}
	return bcubed(pred, b.gold)
}

// best returns the best result of a threshold sweep and its threshold:
// the baseline tuned on the very labels it is scored against.
func (b *tfidfBaseline) best() (result, float64) {
	_, p := baseline.Sweep(b.at, func(r result) float64 { return r.F1 })
	return p.Score, p.Threshold
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

// TestBenchOrderSplits compares Herald and the baseline on many random
// halvings of each corpus, each method with its threshold chosen on the
// A half and scored on the B half, so that both get the same treatment
// and one halving's luck does not decide. Herald's other parameters stay
// at DefaultParams, which were chosen on the halving of half (seed 0), so
// for seeds above 0 they have seen part of B: a bias in Herald's favour.
// HERALD_STORY_BENCH=1 HERALD_STORY_SPLITS=20 go test -run BenchOrderSplits -v ./internal/story
func TestBenchOrderSplits(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("HERALD_STORY_SPLITS"))
	if os.Getenv("HERALD_STORY_BENCH") == "" || n <= 0 {
		t.Skip("set HERALD_STORY_BENCH=1 and HERALD_STORY_SPLITS=N to run it")
	}
	names := strings.Split(os.Getenv("HERALD_STORY_CORPORA"), ",")
	if names[0] == "" {
		names = []string{"ecbplus", "neus-trainval"}
	}
	for _, name := range names {
		arts := loadCorpus(t, name)
		var mine, base, diff, clean []float64
		for seed := range n {
			a, b := benchOrder(halfSeeded(arts, 0, seed)), benchOrder(halfSeeded(arts, 1, seed))
			p := heraldThreshold(a)
			m := online(b, p).F1
			_, th := newTFIDFBaseline(a).best()
			bl := newTFIDFBaseline(b).at(th).F1
			t.Logf("%-14s seed %2d  Herald %.3f (threshold %.2f)  baseline %.3f (%.2f)  Δ %+.3f", name, seed, m, p.Threshold, bl, th, m-bl)
			mine, base, diff = append(mine, m), append(base, bl), append(diff, m-bl)
			if seed > 0 {
				// The part of B that half's B also holds out: no
				// parameter was chosen on it.
				q := benchOrder(half(halfSeeded(arts, 1, seed), 1))
				qm, qb := online(q, p).F1, newTFIDFBaseline(q).at(th).F1
				clean = append(clean, qm-qb)
			}
		}
		t.Logf("%-14s %d halvings, B halves: Herald %.3f ± %.3f, baseline %.3f ± %.3f, Δ %+.3f ± %.3f, Herald ahead in %d",
			name, n, mean(mine), stddev(mine), mean(base), stddev(base), mean(diff), stddev(diff), countAbove(diff, 0))
		if len(clean) > 0 {
			t.Logf("%-14s the same on the part of each B half that half(…, 1) holds out: Δ %+.3f ± %.3f, Herald ahead in %d of %d",
				name, mean(clean), stddev(clean), countAbove(clean, 0), len(clean))
		}
	}
}

// halfSeeded is half under another hash seed; seed 0 is half itself.
func halfSeeded(arts []article, h, seed int) []article {
	if seed == 0 {
		return half(arts, h)
	}
	return split(arts, h, func(key string) int {
		// FNV-1a's lowest bit is the parity of the bytes' lowest bits,
		// which a seed prefix only flips: mix the bits first.
		f := fnv.New64a()
		f.Write([]byte(strconv.Itoa(seed) + "/" + key))
		x := f.Sum64()
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 33
		return int(x & 1)
	})
}

// heraldThreshold returns DefaultParams with the threshold (and the long
// articles' threshold, kept 0.03 under it) that scores best on arts.
func heraldThreshold(arts []article) Params {
	d := DefaultParams()
	offset := d.Threshold - d.LongThreshold
	best, bestF1 := d, -1.0
	for th := 0.24; th < 0.365; th += 0.02 {
		p := d
		p.Threshold, p.LongThreshold = th, th-offset
		if f := online(arts, p).F1; f > bestF1 {
			best, bestF1 = p, f
		}
	}
	return best
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

func countAbove(xs []float64, v float64) int {
	n := 0
	for _, x := range xs {
		if x > v {
			n++
		}
	}
	return n
}
