// Package dedup decides whether two article texts are the same text, so that
// a wire report republished by many outlets is shown once, with every
// outlet that carried it.
//
// It is the pure part of the dedup stage; the caller stores and looks up.
// The layers, cheapest first, are:
//
//  1. the same canonical original URL (the caller's business);
//  2. the same normalised text: Fingerprint.Hash, looked up by equality;
//  3. a near-duplicate text: Fingerprint.Bands are LSH band keys over a
//     MinHash of the text's word shingles; an article's candidates are the
//     stored articles that share at least one band key with it, so the cost
//     of placing one article depends on how many articles share its keys,
//     not on the size of the store. Each candidate is then confirmed with
//     Same on the two texts.
//
// Identity is computed on Normalize(text): the body only (a changed
// headline does not make another text), with datelines, agency and photo
// credits, bylines and "Read more" lines removed.
//
// The thresholds are tuned for precision: two articles about the same event
// written independently are not duplicates (that is the story stage's job),
// and a false merge is worse than a missed one. Very short texts (fewer than
// MinWords words, such as headline-only items) match only by equal Hash.
package dedup

import (
	"slices"
	"strings"
)

// Parameters. Changing any of them, or the hashing below, changes stored
// fingerprints and band keys: bump encodingVersion and re-fingerprint.
const (
	// ShingleSize is the number of words in a shingle. Five words make
	// shingles that independent texts on one event rarely share (shared
	// phrasing is mostly short: "the prime minister said"), while one edited
	// word still leaves most shingles of its sentence intact.
	ShingleSize = 5

	// Bands × Rows = K MinHash values. Two texts become candidates when all
	// Rows values of one band agree; the probability for texts of Jaccard J
	// is 1−(1−J^Rows)^Bands: 0.87 at J=0.36 (the lowest Jaccard that Same
	// accepts: half the length, 0.8 contained), 0.97 at J=0.43, 0.996 at
	// J=0.5, but 0.04 at J=0.1 and 4e-5 at J=0.01, so unrelated articles
	// rarely cost a comparison.
	Bands = 42
	Rows  = 3
	K     = Bands * Rows

	// MinWords is the normalised length below which a text is matched only
	// by equal Hash: a few words say too little to call two texts one.
	MinWords = 30

	// Same accepts two texts whose shingle sets have a Jaccard of at least
	// MinJaccard, or in which the shorter text is contained in the longer
	// (|A∩B| / min(|A|,|B|)) for at least MinContainment, provided the
	// shorter has at least MinLengthRatio of the longer's shingles and they
	// share at least MinShared shingles. The length ratio keeps a brief from
	// being merged into the long article it summarises.
	MinJaccard     = 0.6
	MinContainment = 0.8
	MinLengthRatio = 0.5
	MinShared      = 25
)

// Fingerprint is what is stored of a text to find its duplicates.
type Fingerprint struct {
	// Hash is a hash of the normalised text: equal hashes are the same text.
	// It is zero when the normalised text is empty; such a text has no
	// identity and must not be matched by Hash.
	Hash uint64
	// MinHash holds K minimum hash values over the text's word shingles, nil
	// when the text has fewer than ShingleSize words.
	MinHash []uint32
	// Words is the normalised word count.
	Words int
}

// New returns the fingerprint of text.
func New(text string) Fingerprint {
	return fingerprint(Normalize(text))
}

// fingerprint is New on a normalised text.
func fingerprint(norm string) Fingerprint {
	if norm == "" {
		return Fingerprint{}
	}
	words := strings.Fields(norm)
	f := Fingerprint{Hash: hashString(norm), Words: len(words)}
	if f.Hash == 0 {
		f.Hash = 1 // zero means "no text"
	}
	if hs := shingleHashes(words, ShingleSize); len(hs) > 0 {
		f.MinHash = minHash(hs)
	}
	return f
}

// Bands returns the LSH band keys of f: Bands keys, each a hash of the band
// number and the band's Rows MinHash values. Two fingerprints sharing a key
// are candidates for Same. It returns nil for a text shorter than MinWords
// or with no MinHash of the current size, which is matched only by Hash.
func (f Fingerprint) Bands() []uint64 {
	if f.Words < MinWords || len(f.MinHash) != K {
		return nil
	}
	keys := make([]uint64, Bands)
	for band := range Bands {
		h := mix64(uint64(band+1) * 0x9e3779b97f4a7c15)
		for _, v := range f.MinHash[band*Rows : (band+1)*Rows] {
			h = mix64(h ^ uint64(v))
		}
		keys[band] = h
	}
	return keys
}

// Similarity returns the estimated Jaccard similarity of the shingle sets of
// the texts a and b were made from: the share of their MinHash values that
// agree. It is 0 when either has no MinHash or they differ in size.
func Similarity(a, b Fingerprint) float64 {
	if len(a.MinHash) == 0 || len(a.MinHash) != len(b.MinHash) {
		return 0
	}
	same := 0
	for i, v := range a.MinHash {
		if v == b.MinHash[i] {
			same++
		}
	}
	return float64(same) / float64(len(a.MinHash))
}

// Same reports whether a and b are the same text, possibly edited: a
// headline changed, a paragraph trimmed or added, small wording changes, a
// dateline or credit removed. It is the final decision on a candidate pair,
// made on the texts themselves (exact shingle Jaccard and containment on the
// normalised texts), and tuned for precision. Texts shorter than MinWords
// are the same only when their normalised texts are equal.
func Same(a, b string) bool {
	return same(Normalize(a), Normalize(b))
}

// same is Same on normalised texts.
func same(na, nb string) bool {
	if na == "" || nb == "" {
		return false
	}
	if na == nb {
		return true
	}
	wa, wb := strings.Fields(na), strings.Fields(nb)
	if len(wa) < MinWords || len(wb) < MinWords {
		return false
	}
	return overlap(shingles(wa, ShingleSize), shingles(wb, ShingleSize)).same()
}

// overlapStats describes how two shingle sets overlap.
type overlapStats struct {
	a, b, shared int
}

// overlap counts the shingles that the sorted sets a and b share.
func overlap(a, b []uint64) overlapStats {
	o := overlapStats{a: len(a), b: len(b)}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			o.shared++
			i++
			j++
		}
	}
	return o
}

func (o overlapStats) jaccard() float64 {
	if u := o.a + o.b - o.shared; u > 0 {
		return float64(o.shared) / float64(u)
	}
	return 0
}

func (o overlapStats) containment() float64 {
	if m := min(o.a, o.b); m > 0 {
		return float64(o.shared) / float64(m)
	}
	return 0
}

func (o overlapStats) lengthRatio() float64 {
	if m := max(o.a, o.b); m > 0 {
		return float64(min(o.a, o.b)) / float64(m)
	}
	return 0
}

// same applies Same's thresholds.
func (o overlapStats) same() bool {
	if o.shared < MinShared {
		return false
	}
	if o.jaccard() >= MinJaccard {
		return true
	}
	return o.containment() >= MinContainment && o.lengthRatio() >= MinLengthRatio
}

// shingles returns the sorted, distinct hashes of the k-word shingles of
// words; none when there are fewer than k words.
func shingles(words []string, k int) []uint64 {
	set := shingleHashes(words, k)
	slices.Sort(set)
	return slices.Compact(set)
}

// shingleHashes returns the hashes of the k-word shingles of words in text
// order, repeats included: enough for minHash, which only takes minima.
func shingleHashes(words []string, k int) []uint64 {
	if len(words) < k {
		return nil
	}
	wh := make([]uint64, len(words))
	for i, w := range words {
		wh[i] = hashString(w)
	}
	hs := make([]uint64, 0, len(words)-k+1)
	for i := 0; i+k <= len(wh); i++ {
		h := uint64(k)
		for _, w := range wh[i : i+k] {
			h = mix64(h ^ w)
		}
		hs = append(hs, h)
	}
	return hs
}

// minHash returns the K minimum values of the shingle hashes under K hash
// functions of the multiply-add-shift family (x·a + b) >> 32; the shingle
// hashes are already well mixed, so these behave as independent
// permutations for MinHash.
func minHash(set []uint64) []uint32 {
	var mins [K]uint32
	for i := range mins {
		mins[i] = ^uint32(0)
	}
	for _, x := range set {
		for i := range mins {
			mins[i] = min(mins[i], uint32((x*hashMul[i]+hashAdd[i])>>32))
		}
	}
	return mins[:]
}

// hashMul and hashAdd are the fixed coefficients of the K MinHash
// functions, drawn from a SplitMix64 sequence; multipliers are odd.
var hashMul, hashAdd = coefficients()

func coefficients() (mul, add [K]uint64) {
	s := uint64(0x68657261_6c646564) // "heraldded"
	next := func() uint64 {
		s += 0x9e3779b97f4a7c15
		return mix64(s)
	}
	for i := range K {
		mul[i] = next() | 1
		add[i] = next()
	}
	return mul, add
}

// hashString is 64-bit FNV-1a of s, finished with mix64 so that every bit
// depends on every byte.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
