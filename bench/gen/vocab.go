package main

import (
	"math"
	"math/rand/v2"
	"strings"
)

// vocab holds the combinatorially built names plus sampling tables. It is
// built once per run from the run's random source, so it differs between
// seeds but is identical for the same seed.
type vocab struct {
	common    []string // deduplicated commonWords, frequency order
	commonPad []padWord
	commonZip []uint16 // 1<<16 entries: uniform 16 bits -> Zipf-distributed index
	given     []string
	surnames  []string
	places    []string
	placeZip  []uint16 // Zipf over places: a few places are in the news a lot
	notable   []string // recurring public figures, "Given Surname"
	notZip    []uint16
	orgs      [][]string // per topic
	orgZip    []uint16   // shared Zipf table; indexes are reduced modulo len
	coinBases []string   // capitalised pseudo-words for coined terms
	topicCum  []float64
}

const zipTableBits = 16

// padWord is " word" padded to 15 bytes, with its length in the last byte,
// so that the hot loop can copy a word with one fixed-size move.
type padWord [16]byte

func newPadWord(w string) padWord {
	var p padWord
	if len(w) > 14 {
		panic("gen: common word too long for padWord: " + w)
	}
	p[0] = ' '
	copy(p[1:], w)
	p[15] = byte(1 + len(w))
	return p
}

// zipfTable returns a lookup table mapping a uniform 16-bit value to an
// index in [0,n) with P(i) proportional to 1/(i+1)^s.
func zipfTable(n int, s float64) []uint16 {
	if n > 1<<16 {
		n = 1 << 16
	}
	cum := make([]float64, n)
	total := 0.0
	for i := range n {
		total += 1 / math.Pow(float64(i+1), s)
		cum[i] = total
	}
	t := make([]uint16, 1<<zipTableBits)
	j := 0
	for k := range t {
		x := (float64(k) + 0.5) / float64(len(t)) * total
		for j < n-1 && cum[j] < x {
			j++
		}
		t[k] = uint16(j)
	}
	return t
}

func syllable(r *rand.Rand, coda bool) string {
	s := onsets[r.IntN(len(onsets))] + vowels[r.IntN(len(vowels))]
	if coda {
		s += codas[r.IntN(len(codas))]
	}
	return s
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// pronounceable reports whether a built name avoids the worst syllable
// collisions: doubled vowels other than "ee"/"oo", three vowels or three
// consonants in a row (th, ch, sh, ck, ll count as one consonant).
func pronounceable(s string) bool {
	s = strings.ToLower(s)
	for _, d := range []string{"th", "ch", "sh", "ck", "ll"} {
		s = strings.ReplaceAll(s, d, "t")
	}
	isV := func(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
	runV, runC := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isV(c) {
			runV, runC = runV+1, 0
			if i > 0 && s[i-1] == c && c != 'e' && c != 'o' {
				return false
			}
		} else {
			runV, runC = 0, runC+1
		}
		if runV > 2 || runC > 2 {
			return false
		}
	}
	return true
}

// uniqueNames builds n distinct, pronounceable names of 3 to 14 bytes with
// build. If the combinatorial space runs dry it appends a syllable.
func uniqueNames(r *rand.Rand, n int, seen map[string]bool, build func() string) []string {
	out := make([]string, 0, n)
	for len(out) < n {
		ok := func(s string, tries int) bool {
			return !seen[s] && pronounceable(s) && (tries >= 200 || len(s) >= 3 && len(s) <= 14)
		}
		s := build()
		for tries := 0; !ok(s, tries); tries++ {
			if tries < 200 || !pronounceable(s) {
				s = build()
			} else {
				s += syllable(r, false)
			}
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

func newVocab(r *rand.Rand) *vocab {
	v := &vocab{}
	dup := map[string]bool{}
	for _, w := range commonWords {
		if !dup[w] {
			dup[w] = true
			v.common = append(v.common, w)
		}
	}
	v.commonZip = zipfTable(len(v.common), 1.0)
	v.commonPad = make([]padWord, len(v.common))
	for i, w := range v.common {
		v.commonPad[i] = newPadWord(w)
	}

	seen := map[string]bool{}
	v.given = uniqueNames(r, 400, seen, func() string {
		return capitalise(syllable(r, false) + syllable(r, r.IntN(3) == 0) + givenEndings[r.IntN(len(givenEndings))])
	})
	v.surnames = uniqueNames(r, 1600, seen, func() string {
		s := syllable(r, r.IntN(2) == 0)
		if r.IntN(3) > 0 {
			s += syllable(r, r.IntN(2) == 0)
		}
		return capitalise(s + surnameEndings[r.IntN(len(surnameEndings))])
	})
	v.places = uniqueNames(r, 900, seen, func() string {
		s := syllable(r, r.IntN(2) == 0)
		if r.IntN(2) == 0 {
			s += syllable(r, false)
		}
		return capitalise(s + placeEndings[r.IntN(len(placeEndings))])
	})
	v.placeZip = zipfTable(len(v.places), 0.9)
	v.coinBases = uniqueNames(r, 300, seen, func() string {
		return capitalise(syllable(r, false) + syllable(r, true))
	})

	nseen := map[string]bool{}
	for len(v.notable) < 3000 {
		s := v.given[r.IntN(len(v.given))] + " " + v.surnames[r.IntN(len(v.surnames))]
		if !nseen[s] {
			nseen[s] = true
			v.notable = append(v.notable, s)
		}
	}
	v.notZip = zipfTable(len(v.notable), 0.8)

	const orgsPerTopic = 160
	v.orgs = make([][]string, len(topicData))
	oseen := map[string]bool{}
	for t, td := range topicData {
		for len(v.orgs[t]) < orgsPerTopic {
			var prefix string
			switch r.IntN(4) {
			case 0, 1:
				prefix = v.places[v.placeZip[r.Uint64()>>48]]
			case 2:
				prefix = v.surnames[r.IntN(len(v.surnames))]
			default:
				prefix = v.coinBases[r.IntN(len(v.coinBases))]
			}
			s := prefix + " " + td.orgs[r.IntN(len(td.orgs))]
			if !oseen[s] {
				oseen[s] = true
				v.orgs[t] = append(v.orgs[t], s)
			}
		}
	}
	v.orgZip = zipfTable(orgsPerTopic, 0.9)

	total := 0.0
	for _, w := range topicWeights {
		total += w
		v.topicCum = append(v.topicCum, total)
	}
	for i := range v.topicCum {
		v.topicCum[i] /= total
	}
	return v
}

func (v *vocab) person(r *rand.Rand) string {
	return v.given[r.IntN(len(v.given))] + " " + v.surnames[r.IntN(len(v.surnames))]
}

// pickCum returns the first index whose cumulative weight exceeds x.
func pickCum(cum []float64, x float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

type outlet struct {
	name     string
	short    string // for "Norvale Courier staff" bylines
	homepage string // https://www.domain/
	host     string // www.domain
	licCum   [3]float64
	staff    []string
	urlStyle int
	wire     bool
}

var licences = [3]string{"full", "excerpt", "headline"}

// licence profiles: each outlet starts from one and perturbs it.
var licenceProfiles = [][3]float64{
	{0.80, 0.15, 0.05}, // open
	{0.40, 0.45, 0.15}, // mixed
	{0.10, 0.75, 0.15}, // excerpts
	{0.05, 0.25, 0.70}, // headlines only, mostly
}

func domainOf(name string) string {
	name = strings.TrimPrefix(name, "The ")
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-") + ".example"
}

// newOutlets builds n outlets with unique names and domains, and per-topic
// cumulative selection tables (volume x topic affinity).
func newOutlets(r *rand.Rand, v *vocab, n int) ([]outlet, [][]float64) {
	outs := make([]outlet, 0, n)
	aff := make([][]float64, 0, n)
	seen := map[string]bool{}
	for len(outs) < n {
		place := v.places[r.IntN(len(v.places))]
		var o outlet
		a := make([]float64, len(topicNames))
		switch x := r.Float64(); {
		case x < 0.25: // specialist
			t := r.IntN(len(topicData))
			o.name = strings.Replace(topicData[t].outlet, "%", place, 1)
			for i := range a {
				a[i] = 0.01 + 0.03*r.Float64()
			}
			a[t] = 6
		case x < 0.45:
			f := outletForms[r.IntN(len(outletForms))]
			if strings.HasSuffix(f, "Wire") {
				o.name = strings.Replace(f, "%", v.coinBases[r.IntN(len(v.coinBases))], 1)
				o.wire = true
			} else {
				o.name = strings.Replace(f, "%", place, 1)
			}
			for i := range a {
				a[i] = 0.5 + r.Float64()
			}
		default:
			o.name = "The " + place + " " + outletNouns[r.IntN(len(outletNouns))]
			for i := range a {
				a[i] = 0.5 + r.Float64()
			}
		}
		dom := domainOf(o.name)
		if seen[o.name] || seen[dom] {
			continue
		}
		seen[o.name], seen[dom] = true, true
		o.host = "www." + dom
		o.homepage = "https://" + o.host + "/"
		o.short = strings.TrimPrefix(o.name, "The ")
		p := licenceProfiles[r.IntN(len(licenceProfiles))]
		if o.wire {
			p = licenceProfiles[0]
		}
		sum := 0.0
		for i := range p {
			sum += p[i] * (0.7 + 0.6*r.Float64())
			o.licCum[i] = sum
		}
		for i := range o.licCum {
			o.licCum[i] /= sum
		}
		o.urlStyle = r.IntN(4)
		rank := len(outs)
		vol := 1 / math.Pow(float64(rank+1), 0.6)
		nstaff := 3 + int(30*vol) + r.IntN(5)
		for range nstaff {
			o.staff = append(o.staff, v.person(r))
		}
		for i := range a {
			a[i] *= vol
		}
		outs = append(outs, o)
		aff = append(aff, a)
	}
	cum := make([][]float64, len(topicNames))
	for t := range cum {
		total := 0.0
		cum[t] = make([]float64, n)
		for i := range n {
			total += aff[i][t]
			cum[t][i] = total
		}
		for i := range cum[t] {
			cum[t][i] /= total
		}
	}
	return outs, cum
}
