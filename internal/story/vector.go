package story

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Term is one weighted term of a Vector.
type Term struct {
	Term   string
	Weight float32
}

// Vector is a sparse term vector: sorted by term, each term once, weights
// positive and L2-normalised (or empty).
type Vector []Term

// Stats are the corpus statistics the caller keeps: how many documents
// have been observed, and in how many of them a term occurs. A term never
// seen has DocFreq 0. The caller updates them with each article after
// vectorizing it (see MemStats.Observe).
type Stats interface {
	DocFreq(term string) int
	Docs() int
}

// Vectorize returns the TF-IDF vector of d (see Weigh).
func Vectorize(d Doc, s Stats, p Params) Vector {
	return Weigh(Terms(d), s, p)
}

// Weigh returns the TF-IDF vector of a document's tokens, as Terms
// returns them (sorted by term, each term once). The term
// frequency counts a title occurrence TitleBoost times and a lead
// occurrence LeadBoost times, and is damped (1 + ln tf); names are weighted
// NameBoost times up, phrase names PhraseBoost times more. The inverse
// document frequency is the smoothed ln((N+1)/(df+1)) + 1.
func Weigh(toks []Token, s Stats, p Params) Vector {
	n := float64(s.Docs())
	v := make(Vector, 0, len(toks))
	for _, t := range toks {
		if t.Phrase() && p.PhraseBoost <= 0 {
			continue
		}
		tf := p.TitleBoost*float64(t.Title) + p.LeadBoost*float64(t.Lead) + float64(t.Body)
		if tf <= 0 {
			continue
		}
		w := 1 + math.Log(math.Max(tf, 1))
		if t.Name {
			w *= p.NameBoost
		}
		if t.Phrase() {
			w *= p.PhraseBoost
		}
		df := float64(s.DocFreq(t.Term))
		w *= math.Log((n+1)/(df+1)) + 1
		v = append(v, Term{t.Term, float32(w)})
	}
	if !slices.IsSortedFunc(v, byTerm) {
		slices.SortFunc(v, byTerm)
	}
	return v.normalize()
}

// top returns the n heaviest terms of v, sorted by term.
func top(v Vector, n int) Vector {
	v = slices.Clone(v)
	slices.SortFunc(v, byWeight)
	v = v[:n]
	slices.SortFunc(v, byTerm)
	return v
}

// byWeight orders heaviest first, ties by term, so that truncation is
// deterministic.
func byWeight(a, b Term) int {
	if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
		return c
	}
	return strings.Compare(a.Term, b.Term)
}

func byTerm(a, b Term) int { return strings.Compare(a.Term, b.Term) }

// normalize scales v to unit length in place, dropping zero weights.
func (v Vector) normalize() Vector {
	var sum float64
	out := v[:0]
	for _, t := range v {
		if t.Weight > 0 && !math.IsInf(float64(t.Weight), 0) {
			out = append(out, t)
			sum += float64(t.Weight) * float64(t.Weight)
		}
	}
	if sum == 0 {
		return Vector{}
	}
	norm := math.Sqrt(sum)
	for i := range out {
		out[i].Weight = float32(float64(out[i].Weight) / norm)
	}
	return out
}

// Dot returns the dot product of two vectors: their cosine, since vectors
// are normalised.
func Dot(a, b Vector) float64 {
	var sum float64
	intersect(a, b, func(i, j int) { sum += float64(a[i].Weight) * float64(b[j].Weight) })
	return sum
}

// IndexTerms returns the n heaviest terms of v, heaviest first: the terms
// under which a story is filed in the caller's inverted index (term → open
// story ids), and under which an article looks its candidates up.
func IndexTerms(v Vector, n int) []string {
	if n <= 0 {
		return nil
	}
	w := slices.Clone(v)
	slices.SortFunc(w, byWeight)
	if len(w) > n {
		w = w[:n]
	}
	out := make([]string, len(w))
	for i, t := range w {
		out[i] = t.Term
	}
	return out
}

// Encoding of a Vector: a version byte, the number of terms, then for each
// term the length of the prefix it shares with the previous term, the
// length of the rest and the rest (all lengths uvarints), and the weight as
// the four little-endian bytes of its float32. Sorted terms share long
// prefixes, so a 100-term centroid takes about a kilobyte.
const encodingVersion = 1

// Limits that Decode enforces on stored bytes.
const (
	maxEncodedTerms = 1 << 16
	maxTermBytes    = 1 << 10
)

// Encode returns the compact encoding of v, which Decode reverses exactly.
func Encode(v Vector) []byte {
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(v)*12)
	b = append(b, encodingVersion)
	b = binary.AppendUvarint(b, uint64(len(v)))
	prev := ""
	for _, t := range v {
		k := 0
		for k < len(prev) && k < len(t.Term) && prev[k] == t.Term[k] {
			k++
		}
		b = binary.AppendUvarint(b, uint64(k))
		b = binary.AppendUvarint(b, uint64(len(t.Term)-k))
		b = append(b, t.Term[k:]...)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(t.Weight))
		prev = t.Term
	}
	return b
}

// ErrCorrupt is returned by Decode for bytes that Encode did not produce.
var ErrCorrupt = errors.New("story: corrupt vector encoding")

// Decode parses the output of Encode. It returns ErrCorrupt (wrapped, with
// the reason) for anything else, and never panics.
func Decode(b []byte) (Vector, error) {
	fail := func(format string, args ...any) (Vector, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
	}
	if len(b) == 0 {
		return fail("empty")
	}
	if b[0] != encodingVersion {
		return fail("version %d", b[0])
	}
	b = b[1:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > maxEncodedTerms || n > uint64(len(b)) {
		return fail("term count")
	}
	b = b[k:]
	v := make(Vector, 0, n)
	prev := ""
	for i := uint64(0); i < n; i++ {
		shared, k := binary.Uvarint(b)
		if k <= 0 || shared > uint64(len(prev)) {
			return fail("term %d: prefix length", i)
		}
		b = b[k:]
		rest, k := binary.Uvarint(b)
		if k <= 0 || rest > maxTermBytes || rest+4 > uint64(len(b)-k) {
			return fail("term %d: length", i)
		}
		b = b[k:]
		term := prev[:shared] + string(b[:rest])
		w := math.Float32frombits(binary.LittleEndian.Uint32(b[rest:]))
		b = b[rest+4:]
		switch {
		case term == "" || len(term) > maxTermBytes || !utf8.ValidString(term):
			return fail("term %d: bad term", i)
		case i > 0 && term <= prev:
			return fail("term %d: out of order", i)
		case !(w > 0) || math.IsInf(float64(w), 0):
			return fail("term %d: weight %v", i, w)
		}
		v = append(v, Term{term, w})
		prev = term
	}
	if len(b) != 0 {
		return fail("%d trailing bytes", len(b))
	}
	return v, nil
}
