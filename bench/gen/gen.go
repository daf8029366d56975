package main

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// config is the validated command line.
type config struct {
	n       int       // articles to write
	seed    int64     // random seed; same seed, same output
	outlets int       // number of outlets
	stories int       // number of stories (>= 1, <= n)
	days    int       // length of the publication window
	end     time.Time // end of the window (exclusive), UTC
}

const maxN = 1_000_000_000 // URL ids are a bijection on [0, 1e9)

func (c config) validate() error {
	switch {
	case c.n < 1:
		return errors.New("-n must be at least 1 (got " + strconv.Itoa(c.n) + ")")
	case c.n > maxN:
		return errors.New("-n must be at most 1000000000 (got " + strconv.Itoa(c.n) + ")")
	case c.outlets < 1 || c.outlets > 1000:
		return errors.New("-outlets must be between 1 and 1000 (got " + strconv.Itoa(c.outlets) + ")")
	case c.stories < 1:
		return errors.New("-stories must be at least 1 (got " + strconv.Itoa(c.stories) + ")")
	case c.stories > c.n:
		return errors.New("-stories (" + strconv.Itoa(c.stories) + ") must not exceed -n (" + strconv.Itoa(c.n) + ")")
	case c.days < 1 || c.days > 3650:
		return errors.New("-days must be between 1 and 3650 (got " + strconv.Itoa(c.days) + ")")
	case c.end.IsZero():
		return errors.New("-end is not set")
	case c.end.AddDate(0, 0, -c.days).Year() < 1:
		return errors.New("-end minus -days falls before year 1")
	}
	return nil
}

type person struct {
	full, surname, role string
}

// story is one news story: a time span, a topic, key entities and key terms
// that all its articles share. Only stories that are currently "live" are
// held in memory.
type story struct {
	id         int
	topic      int
	people     []person // [0] is the main figure
	place      string
	place2     string
	org        string
	terms      []string // key terms, possibly with a coined proper noun
	event      string
	start, dur float64 // virtual time: fraction of the window
	ub         float64 // articles use u in [0,ub): the part before the window end
	k, emitted int     // articles in total / written so far
	u          float64 // last order statistic drawn in [0,1)
	next       float64 // virtual time of the next article
}

type generator struct {
	cfg       config
	pcg       *rand.PCG
	r         *rand.Rand
	v         *vocab
	outlets   []outlet
	outletCum [][]float64 // per topic, cumulative over outlets
	hourCum   []float64   // virtual time -> hour of the window
	startUnix int64
	winSecs   int64
	idOff     uint64

	heap []*story
	free []*story

	// per-article scratch
	line      []byte
	title     []byte
	words     int
	mentioned uint8 // people of the story already introduced in full
}

// storyShape draws a story's size weight, start and duration from the
// story stream. The weight is log-normal, so a few stories are very big and
// most are small; bigger stories tend to last longer (1 to 20 days, 15% are
// one-day stories). Stories start uniformly over the window (story j at
// virtual time (j+u)/S, so in story order). A story that would run past the
// end of the window is cut short and its weight scaled by the share of its
// coverage that still fits, so the end of the window is not over-crowded.
func storyShape(r *rand.Rand, j, S, windowDays int) (w, start, dur, ub float64) {
	w = math.Exp(1.3 * r.NormFloat64())
	start = (float64(j) + r.Float64()) / float64(S)
	z := r.NormFloat64()
	days := 1.0
	if r.Float64() >= 0.15 {
		days = math.Exp(1.0+0.7*z) * math.Pow(w/math.Exp(0.845), 0.25)
		days = min(max(days, 1), 20)
	}
	dur = days / float64(windowDays)
	// Article offsets are dur*u*u for u uniform in [0,1); only u < ub fits.
	ub = min(1, math.Sqrt((1-start)/dur))
	return w * ub, start, dur, ub
}

// Hour-of-day (UTC) publishing intensity.
var diurnal = [24]float64{0.25, 0.2, 0.18, 0.18, 0.22, 0.35, 0.6, 0.9, 1.1, 1.2,
	1.2, 1.15, 1.1, 1.1, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.75, 0.6, 0.45, 0.35}

func newGenerator(cfg config) *generator {
	seed := uint64(cfg.seed)
	pcg := rand.NewPCG(seed, 0x6e657773) // "news"
	g := &generator{cfg: cfg, pcg: pcg, r: rand.New(pcg)}
	g.v = newVocab(g.r)
	g.outlets, g.outletCum = newOutlets(g.r, g.v, cfg.outlets)

	g.winSecs = int64(cfg.days) * 86400
	g.startUnix = cfg.end.Unix() - g.winSecs
	hours := cfg.days * 24
	g.hourCum = make([]float64, hours+1)
	total := 0.0
	dayFactor := 1.0
	for h := range hours {
		t := time.Unix(g.startUnix+int64(h)*3600, 0).UTC()
		if h == 0 || t.Hour() == 0 {
			dayFactor = math.Exp(0.15 * g.r.NormFloat64()) // news cycle noise
			if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
				dayFactor *= 0.6
			}
		}
		total += diurnal[t.Hour()] * dayFactor
		g.hourCum[h+1] = total
	}
	for h := range g.hourCum {
		g.hourCum[h] /= total
	}
	g.idOff = g.r.Uint64N(maxN)
	return g
}

// generate writes cfg.n articles as JSON lines to w, in non-decreasing
// published_at order. Memory use is independent of cfg.n: stories are
// created when their start time is reached and dropped after their last
// article.
func generate(w io.Writer, cfg config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	g := newGenerator(cfg)

	// Story sizes: story j gets 1 + its share of the remaining n-S articles,
	// in proportion to its weight. The total weight is needed up front, so
	// the story stream is drawn twice from the same seed rather than stored.
	S, R := cfg.stories, cfg.n-cfg.stories
	wseed := uint64(cfg.seed) ^ 0x9e3779b97f4a7c15
	wr := rand.New(rand.NewPCG(wseed, 0x73746f72)) // "stor"
	W := 0.0
	for j := range S {
		w, _, _, _ := storyShape(wr, j, S, cfg.days)
		W += w
	}
	wr = rand.New(rand.NewPCG(wseed, 0x73746f72))
	cum, alloc, j := 0.0, 0, 0
	nextStory := func() *story {
		if j >= S {
			return nil
		}
		s := g.newStory()
		var w float64
		w, s.start, s.dur, s.ub = storyShape(wr, j, S, cfg.days)
		cum += w
		a := R
		if j < S-1 {
			a = min(int(float64(R)*cum/W), R)
		}
		s.id = j + 1
		s.k = 1 + a - alloc
		alloc = a
		j++
		return s
	}

	pending := nextStory()
	for i := range cfg.n {
		for pending != nil && (len(g.heap) == 0 || pending.start <= g.heap[0].next) {
			g.initStory(pending)
			g.advance(pending)
			g.push(pending)
			pending = nextStory()
		}
		s := g.heap[0]
		g.article(i, s)
		if _, err := w.Write(g.line); err != nil {
			return err
		}
		s.emitted++
		if s.emitted == s.k {
			g.pop()
			g.free = append(g.free, s)
		} else {
			g.advance(s)
			g.down(0)
		}
	}
	return nil
}

func (g *generator) newStory() *story {
	if n := len(g.free); n > 0 {
		s := g.free[n-1]
		g.free = g.free[:n-1]
		*s = story{people: s.people[:0], terms: s.terms[:0]}
		return s
	}
	return &story{}
}

// initStory fills in a story's topic, entities, terms and duration.
func (g *generator) initStory(s *story) {
	r, v := g.r, g.v
	s.topic = pickCum(v.topicCum, r.Float64())
	td := &topicData[s.topic]
	main := ""
	if r.Float64() < 0.55 {
		main = v.notable[v.notZip[r.Uint64()>>48]]
	} else {
		main = v.person(r)
	}
	s.people = append(s.people, newPerson(main, td.roles[r.IntN(len(td.roles))]))
	for range 1 + r.IntN(2) {
		s.people = append(s.people, newPerson(v.person(r), td.roles[r.IntN(len(td.roles))]))
	}
	s.place = v.places[v.placeZip[r.Uint64()>>48]]
	s.place2 = v.places[r.IntN(len(v.places))]
	s.org = v.orgs[s.topic][v.orgZip[r.Uint64()>>48]]
	nt := 3 + r.IntN(3)
	for len(s.terms) < nt {
		t := td.terms[r.IntN(len(td.terms))]
		dup := false
		for _, x := range s.terms {
			dup = dup || x == t
		}
		if !dup {
			s.terms = append(s.terms, t)
		}
	}
	if r.Float64() < 0.35 {
		s.terms = append(s.terms, strings.Replace(td.coined, "%", v.coinBases[r.IntN(len(v.coinBases))], 1))
	}
	s.event = td.events[r.IntN(len(td.events))]
}

func newPerson(full, role string) person {
	sur := full[strings.LastIndexByte(full, ' ')+1:]
	return person{full: full, surname: sur, role: role}
}

// advance draws the story's next article time. The i-th of k article times
// is the i-th order statistic of k uniforms, drawn sequentially, scaled to
// [0,ub) and squared so that coverage is front-loaded (most articles early
// in a story's life).
func (g *generator) advance(s *story) {
	m := float64(s.k - s.emitted)
	s.u = 1 - (1-s.u)*math.Pow(1-g.r.Float64(), 1/m)
	x := s.ub * s.u
	s.next = min(s.start+s.dur*x*x, 1)
}

// ---- min-heap of live stories keyed by next article time ----

func (g *generator) less(i, j int) bool {
	a, b := g.heap[i], g.heap[j]
	return a.next < b.next || (a.next == b.next && a.id < b.id)
}

func (g *generator) push(s *story) {
	g.heap = append(g.heap, s)
	i := len(g.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !g.less(i, p) {
			break
		}
		g.heap[i], g.heap[p] = g.heap[p], g.heap[i]
		i = p
	}
}

func (g *generator) pop() {
	n := len(g.heap) - 1
	g.heap[0] = g.heap[n]
	g.heap[n] = nil
	g.heap = g.heap[:n]
	if n > 0 {
		g.down(0)
	}
}

func (g *generator) down(i int) {
	n := len(g.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && g.less(r, l) {
			c = r
		}
		if !g.less(c, i) {
			return
		}
		g.heap[i], g.heap[c] = g.heap[c], g.heap[i]
		i = c
	}
}

// secondsAt maps virtual time v in [0,1] to seconds since the window start,
// following the hourly publishing intensity. It is monotone in v.
func (g *generator) secondsAt(v float64) int64 {
	c := g.hourCum
	lo, hi := 0, len(c)-2 // find the last h with c[h] <= v
	for lo < hi {
		m := (lo + hi + 1) / 2
		if c[m] <= v {
			lo = m
		} else {
			hi = m - 1
		}
	}
	frac := (v - c[lo]) / (c[lo+1] - c[lo])
	frac = min(max(frac, 0), 1)
	secs := int64((float64(lo) + frac) * 3600)
	return min(max(secs, 0), g.winSecs-1)
}
