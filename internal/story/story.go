// Package story groups articles that tell the same event into stories:
// online, incremental clustering, one article at a time in publication
// order.
//
// It is the pure part of the story stage; the caller stores and looks up.
// For each article the caller:
//
//  1. tokenises it (Terms) and weighs the terms (Weigh, or Vectorize for
//     both): TF-IDF over title, lead and body, with the title, the lead and
//     names weighted up, against the document frequencies it keeps (Stats);
//     then it counts the article's terms into those frequencies;
//  2. looks up candidate stories in its inverted index, term → open story
//     ids, under IndexTerms(v, p.QueryTerms), ranks them by the number of
//     terms they matched and keeps the first p.MaxCandidates: the cost of
//     placing an article depends on how many open stories share its key
//     terms, never on the size of the store;
//  3. calls Assign, which picks the most similar open candidate and joins
//     it when the similarity is high enough and does not rest on one shared
//     word or name, or decides on a new story;
//  4. calls Add on the chosen (or new) story, stores it (Encode gives the
//     centroid's bytes) and refiles it in the index under
//     IndexTerms(s.Centroid, p.IndexTerms), replacing its previous terms.
//
// A story stays open (Open) while it keeps receiving articles: its idle
// window grows with its size, so a long-running story can continue for
// weeks; a closed story leaves the index. The state per story is small: a
// centroid of p.CentroidTerms terms, a size and two times.
//
// A false merge is worse than a missed one (it claims that two newsrooms
// corroborated each other when they did not), so the rules lean to
// precision. The similarity is a cosine between the article and the story's
// centroid, decayed with the time since the story's last article, after
// two corrections that the corpora showed to matter:
//
//   - a merge never rests on one shared word or name: what remains of the
//     score without its largest shared term (a name counts once, with its
//     words) must itself reach p.MinRest;
//   - an article and a story must agree on their subject: the heaviest
//     term of one must occur in the other (p.SubjectTerms). Two events of
//     one kind (two title defences of one boxer, two DUI arrests of one
//     team's players) share most words and differ in what each is
//     mainly about;
//   - an article's terms that many candidate stories share are weighed
//     down (p.Local, from p.LocalFrom stories): among stories on one
//     subject ("Sanders", "campaign", "Democratic"), the words they all
//     use do not tell which event an article belongs to, and the more
//     stories are open the more such chance matches there are;
//   - a long article (p.LongTerms distinct terms) joins from a lower
//     threshold, p.LongThreshold: obituaries and features of one event
//     each add many words of their own, which lowers their cosine.
//
// On ECB+ and NeuS (see TestCorpusStories) this reaches a B-cubed F1 of
// 0.86 and 0.73, against 0.83 and 0.70 for plain TF-IDF cosine clustering
// at its best threshold, with higher precision on both.
package story

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Params are the tunable constants of the stage. DefaultParams gives the
// values measured on the corpora (see TestCorpusStories).
type Params struct {
	// Weighting of a document's terms (Weigh).
	TitleBoost  float64 // a title occurrence counts as this many
	LeadBoost   float64 // a lead occurrence counts as this many
	NameBoost   float64 // names and places weigh this many times more
	PhraseBoost float64 // a two-word name weighs this many times more again; 0 drops phrases

	// Stories.
	CentroidTerms int // a story's centroid keeps its heaviest terms
	// Memory caps the weight of a story's past in its running mean, so
	// that the centroid of a long-running story follows its developments.
	Memory int

	// Candidate look-up (the caller's index).
	IndexTerms    int // terms a story is filed under
	QueryTerms    int // terms an article looks candidates up by
	MaxCandidates int // candidates passed to Assign, best-matched first

	// Assignment.
	Threshold float64 // least score (cosine × decay) to join a story
	// LongTerms and LongThreshold lower the threshold for long articles:
	// an article of at least LongTerms distinct terms joins a story from
	// LongThreshold, and from LongTerms/2 terms up the threshold falls
	// linearly from Threshold to it; LongTerms 0 keeps Threshold for all.
	// Two texts of one event share its words whatever their length, but
	// each long one adds many of its own (quotes, background, a life
	// story), which lowers their cosine: obituaries and features of one
	// event stay under a threshold that short reports of it clear.
	LongTerms     int
	LongThreshold float64
	// MinShared is the least number of distinct significant shared terms
	// (see Evidence) to join a story: a merge is never made on one word or
	// name alone.
	MinShared int
	// MinContribution is the least part of the cosine a shared term (or
	// name) must bring, the product of its two weights, to be significant.
	MinContribution float64
	// MinRest is the least score left without the largest shared term or
	// name: the similarity must not rest on one of them, however heavy.
	MinRest float64
	// SubjectTerms is how many of its heaviest terms make a vector's
	// subject: an article and a story whose subjects share nothing, each
	// missing from the other's vector, are never merged, however much
	// else they share; 0 turns the rule off. See sameSubject.
	SubjectTerms int
	// Local weighs down an article's terms that many open candidates
	// share: a term's weight is divided by 1 + Local × (candidates sharing
	// it − 1) before scoring, when at least LocalFrom candidates share it
	// (0 or 2: any two). Words that many open stories share are a
	// subject's common words ("Sanders", "campaign"); a word that only two
	// to five share is as often the key term of one event whose articles
	// were split over several stories, which weighing it down keeps
	// apart.
	Local     float64
	LocalFrom int
	// HalfLife is the gap between an article and a story's last article
	// over which the score halves; 0 turns decay off. A developing story
	// has follow-ups one to three days apart, which must lose little.
	HalfLife time.Duration

	// Open stories: a story is open while its last article is at most
	// OpenBase × (1 + log₂ Size) old, and never more than OpenMax. A
	// story of one article must still take a follow-up a few days later.
	OpenBase, OpenMax time.Duration
}

// DefaultParams returns the parameters measured on the ECB+ and NeuS
// corpora (see TestCorpusStories and TestTune).
func DefaultParams() Params {
	return Params{
		TitleBoost:  4,
		LeadBoost:   2,
		NameBoost:   1.5,
		PhraseBoost: 0.5,

		CentroidTerms: 100,
		Memory:        20,

		IndexTerms:    20,
		QueryTerms:    10,
		MaxCandidates: 30,

		Threshold:       0.3,
		LongTerms:       240,
		LongThreshold:   0.27,
		MinShared:       2,
		MinContribution: 0.005,
		MinRest:         0.1,
		SubjectTerms:    1,
		Local:           0.1,
		LocalFrom:       6,
		HalfLife:        7 * 24 * time.Hour,

		OpenBase: 4 * 24 * time.Hour,
		OpenMax:  21 * 24 * time.Hour,
	}
}

// Story is the clustering state of one story: what the caller stores.
type Story struct {
	ID       int64
	Centroid Vector // the mean of its articles' vectors, heaviest CentroidTerms terms
	Size     int    // articles
	First    time.Time
	Last     time.Time
}

// Decision is the outcome of Assign: join StoryID, or start a new story.
type Decision struct {
	StoryID int64   // the chosen story; 0 when New
	Score   float64 // the best score of any open candidate, even when New
	New     bool
}

// Assign places an article (its vector and publication time) among the
// candidate stories. Each open candidate is scored by the cosine between
// the article, its terms shared by several candidates weighed down (see
// Params.Local), and the story's centroid, times the time decay since the
// story's last article. The best-scoring candidate is chosen when its score
// reaches p.Threshold (lower for a long article: see Params.LongTerms),
// the score without its largest shared term or name reaches p.MinRest,
// they share at least p.MinShared distinct significant terms and their
// subjects agree (see sameSubject); otherwise the decision is New. Ties
// go to the earlier candidate; closed candidates are ignored.
func Assign(v Vector, published time.Time, candidates []Story, p Params) Decision {
	// Intersect once: the matches serve both the local weights and the
	// scores.
	type match struct{ i, j int32 }
	var (
		matches []match
		ends    = make([]int, len(candidates)) // candidate k's matches end at ends[k]; -1: closed
		counts  = make([]int32, len(v))
	)
	for k := range candidates {
		if !Open(candidates[k], published, p) {
			ends[k] = -1
			continue
		}
		intersect(v, candidates[k].Centroid, func(i, j int) {
			matches = append(matches, match{int32(i), int32(j)})
			counts[i]++
		})
		ends[k] = len(matches)
	}
	weights := make([]float64, len(v))
	var norm float64
	for i, t := range v {
		w := float64(t.Weight)
		if p.Local > 0 && counts[i] > 1 && int(counts[i]) >= p.LocalFrom {
			w /= 1 + p.Local*float64(counts[i]-1)
		}
		weights[i] = w
		norm += w * w
	}
	if norm > 0 {
		norm = 1 / math.Sqrt(norm)
	}

	threshold := p.threshold(len(v))
	d := Decision{New: true}
	best, start := -1.0, 0
	var shared []sharedTerm
	for k := range candidates {
		if ends[k] < 0 {
			continue
		}
		c := &candidates[k]
		shared = shared[:0]
		for _, m := range matches[start:ends[k]] {
			shared = append(shared, sharedTerm{term: v[m.i].Term, w: weights[m.i] * norm * float64(c.Centroid[m.j].Weight)})
		}
		start = ends[k]
		ev := evidence(shared, p.MinContribution)
		f := decay(published.Sub(c.Last), p.HalfLife)
		score := ev.Cosine * f
		d.Score = max(d.Score, score)
		if score < threshold || score <= best || ev.Rest*f < p.MinRest || ev.Groups < p.MinShared {
			continue
		}
		if !sameSubject(v, c.Centroid, p.SubjectTerms) {
			continue
		}
		best = score
		d.StoryID, d.New = c.ID, false
	}
	return d
}

// threshold returns the least score at which an article of n distinct
// terms joins a story: Threshold, lowered for long articles (see
// Params.LongTerms).
func (p Params) threshold(n int) float64 {
	if p.LongTerms <= 0 || 2*n <= p.LongTerms {
		return p.Threshold
	}
	if n >= p.LongTerms {
		return p.LongThreshold
	}
	f := float64(2*n-p.LongTerms) / float64(p.LongTerms) // 0 at LongTerms/2, 1 at LongTerms
	return p.Threshold + f*(p.LongThreshold-p.Threshold)
}

// sameSubject reports whether a and b share a subject: one of the n
// heaviest terms of either occurs in the other. Two events of one kind
// share most of their words ("Klitschko", "heavyweight", "title",
// "round") and differ in what each is mainly about (the opponent); when
// the article's heaviest term is absent from the story and the story's
// from the article, they tell different events, however close the rest.
// A follow-up keeps the story's main name, or is about it under its own.
func sameSubject(a, b Vector, n int) bool {
	if n <= 0 {
		return true
	}
	return containsAny(b, IndexTerms(a, n)) || containsAny(a, IndexTerms(b, n))
}

// containsAny reports whether v has any of terms.
func containsAny(v Vector, terms []string) bool {
	for _, t := range terms {
		if _, ok := slices.BinarySearchFunc(v, t, cmpTerm); ok {
			return true
		}
	}
	return false
}

// decay returns the factor by which similarity fades over gap: a half per
// halfLife. An article older than the story's last is not penalised.
func decay(gap, halfLife time.Duration) float64 {
	if halfLife <= 0 || gap <= 0 {
		return 1
	}
	return math.Exp2(-float64(gap) / float64(halfLife))
}

// Evidence is what two vectors have in common: their cosine, made of
// groups of shared terms that are one piece of evidence each: a word, or a
// name with its words ("ruth pennock", "ruth" and "pennock" are one).
type Evidence struct {
	Cosine float64
	// Rest is the cosine without its largest group: what remains when the
	// strongest shared word or name is taken away.
	Rest float64
	// Groups counts the significant groups: those that bring at least the
	// minimum contribution to the cosine.
	Groups int
}

// Compare returns the evidence that a and b share, counting as significant
// the groups that bring at least minContribution to the cosine.
func Compare(a, b Vector, minContribution float64) Evidence {
	var buf [64]sharedTerm
	shared := buf[:0]
	intersect(a, b, func(i, j int) {
		shared = append(shared, sharedTerm{term: a[i].Term, w: float64(a[i].Weight) * float64(b[j].Weight)})
	})
	return evidence(shared, minContribution)
}

// sharedTerm is a term two vectors share, with the product of its
// weights, and its group while groups are formed.
type sharedTerm struct {
	term string
	w    float64
	root int
}

// evidence groups shared terms, sorted by term, and sums them up.
func evidence(shared []sharedTerm, minContribution float64) Evidence {
	var ev Evidence
	phrases := false
	for i := range shared {
		ev.Cosine += shared[i].w
		shared[i].root = i
		phrases = phrases || strings.IndexByte(shared[i].term, ' ') >= 0
	}
	if phrases {
		// Join each shared phrase and the shared words it is made of.
		find := func(x int) int {
			for shared[x].root != x {
				shared[x].root = shared[shared[x].root].root
				x = shared[x].root
			}
			return x
		}
		for i := range shared {
			if strings.IndexByte(shared[i].term, ' ') < 0 {
				continue
			}
			for w := range strings.SplitSeq(shared[i].term, " ") {
				if k, ok := slices.BinarySearchFunc(shared, w, func(t sharedTerm, w string) int { return strings.Compare(t.term, w) }); ok {
					shared[find(k)].root = find(i)
				}
			}
		}
		for i := range shared {
			if r := find(i); r != i {
				shared[r].w += shared[i].w
				shared[i].w = 0
			}
		}
	}
	largest := 0.0
	for _, t := range shared {
		if t.w > 0 && t.w >= minContribution {
			ev.Groups++
		}
		largest = max(largest, t.w)
	}
	ev.Rest = ev.Cosine - largest
	return ev
}

// intersect calls f(i, j) for each term a[i] == b[j], in term order. When
// one vector is much longer (a large centroid), the other's terms are
// looked up in it by binary search.
func intersect(a, b Vector, f func(i, j int)) {
	switch {
	case len(a) == 0 || len(b) == 0:
		return
	case len(b) > 8*len(a):
		lo := 0
		for i := range a {
			k, ok := slices.BinarySearchFunc(b[lo:], a[i].Term, cmpTerm)
			lo += k
			if ok {
				f(i, lo)
			}
		}
		return
	case len(a) > 8*len(b):
		lo := 0
		for j := range b {
			k, ok := slices.BinarySearchFunc(a[lo:], b[j].Term, cmpTerm)
			lo += k
			if ok {
				f(lo, j)
			}
		}
		return
	}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i].Term, b[j].Term); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			f(i, j)
			i++
			j++
		}
	}
}

func cmpTerm(t Term, s string) int { return strings.Compare(t.Term, s) }

// Add counts an article (its vector and publication time) into s: the
// centroid becomes the running mean of the articles' vectors, with the past
// weighing at most p.Memory articles, cut to its p.CentroidTerms heaviest
// terms and normalised.
func (s *Story) Add(v Vector, published time.Time, p Params) {
	past := float32(min(s.Size, max(p.Memory, 1)))
	sum := make(Vector, 0, len(s.Centroid)+len(v))
	a, b := s.Centroid, v
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].Term < b[0].Term:
			sum = append(sum, Term{a[0].Term, a[0].Weight * past})
			a = a[1:]
		case len(a) == 0 || b[0].Term < a[0].Term:
			sum = append(sum, b[0])
			b = b[1:]
		default:
			sum = append(sum, Term{a[0].Term, a[0].Weight*past + b[0].Weight})
			a, b = a[1:], b[1:]
		}
	}
	if p.CentroidTerms > 0 && len(sum) > p.CentroidTerms {
		sum = top(sum, p.CentroidTerms)
	}
	s.Centroid = slices.Clip(sum.normalize())
	s.Size++
	if s.First.IsZero() || published.Before(s.First) {
		s.First = published
	}
	if published.After(s.Last) {
		s.Last = published
	}
}

// Open reports whether s still takes articles at time now: its last
// article is at most OpenBase × (1 + log₂ Size) old, capped at OpenMax. A
// story whose last article is later than now is open.
func Open(s Story, now time.Time, p Params) bool {
	idle := now.Sub(s.Last)
	if idle <= 0 {
		return true
	}
	window := float64(p.OpenBase) * (1 + math.Log2(float64(max(s.Size, 1))))
	return idle <= time.Duration(min(window, float64(p.OpenMax)))
}
