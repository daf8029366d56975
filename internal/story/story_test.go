package story

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// corpusDir holds the shared story corpora (see /work/shared/corpus/README.md).
const corpusDir = "../../../shared/corpus/stories"

func TestTerms(t *testing.T) {
	toks := Terms(Doc{
		Title: "Ferry aground off Port Ellery; dozens rescued",
		Text: "Rescue crews said on Tuesday that the ferry Sea Lark ran aground near Port Ellery. " +
			"Harbour master Ruth Pennock said 42 passengers were taken ashore.\n\n" +
			"Officials said the earthquakes of 2019 had moved the sandbanks. Pennock's team is investigating.",
	})
	got := map[string]Token{}
	for _, tk := range toks {
		got[tk.Term] = tk
	}
	if !slices.IsSortedFunc(toks, func(a, b Token) int { return strings.Compare(a.Term, b.Term) }) {
		t.Error("tokens not sorted by term")
	}
	t.Run("NamesKept", func(t *testing.T) {
		for _, name := range []string{"port ellery", "ruth pennock", "sea lark", "pennock", "ellery"} {
			if tk, ok := got[name]; !ok || !tk.Name {
				t.Errorf("%q: got %+v, want a name", name, tk)
			}
		}
		if tk := got["port ellery"]; tk.Title != 1 || tk.Lead != 1 {
			t.Errorf("port ellery counts: %+v, want 1 in title, 1 in lead", tk)
		}
		if tk := got["pennock"]; tk.Lead+tk.Body != 2 {
			t.Errorf("pennock (with possessive): %+v, want 2 in the text", tk)
		}
	})
	t.Run("StopWordsDropped", func(t *testing.T) {
		for _, w := range []string{"the", "said", "on", "tuesday", "of", "is", "42"} {
			if _, ok := got[w]; ok {
				t.Errorf("%q kept", w)
			}
		}
	})
	t.Run("Stemmed", func(t *testing.T) {
		for _, w := range []string{"earthquak", "passenger", "crew", "sandbank", "investigat"} {
			if _, ok := got[w]; !ok {
				t.Errorf("%q missing", w)
			}
		}
		if _, ok := got["2019"]; !ok {
			t.Error("year 2019 dropped")
		}
	})
	t.Run("SentenceStartIsNotAName", func(t *testing.T) {
		for _, w := range []string{"rescu", "official", "harbour"} {
			if tk, ok := got[w]; !ok || tk.Name {
				t.Errorf("%q: got %+v, want a plain word", w, tk)
			}
		}
	})
	t.Run("TitleCaseHeadline", func(t *testing.T) {
		toks := Terms(Doc{Title: "Storm Floods Homes In Port Ellery", Text: "A storm flooded homes in Port Ellery overnight."})
		got := map[string]Token{}
		for _, tk := range toks {
			got[tk.Term] = tk
		}
		if tk := got["port ellery"]; tk.Title != 1 || !tk.Name {
			t.Errorf("port ellery: %+v, want a name in the title", tk)
		}
		for _, w := range []string{"storm", "flood", "home"} {
			if tk, ok := got[w]; !ok || tk.Title != 1 || tk.Name {
				t.Errorf("%q: %+v, want a plain word in the title", w, tk)
			}
		}
	})
	t.Run("Stem", func(t *testing.T) {
		for in, want := range map[string]string{
			"earthquakes": "earthquak", "earthquake": "earthquak", "injuries": "injury",
			"stopped": "stop", "announced": "announc", "announcing": "announc",
			"meeting": "meet", "rules": "rule", "ruling": "rule", "business": "business",
			"williams": "william", "hoped": "hope", "agreed": "agre", "news": "new",
		} {
			if got := stem(in); got != want {
				t.Errorf("stem(%q) = %q, want %q", in, got, want)
			}
		}
	})
	t.Run("RoleIsNotPartOfName", func(t *testing.T) {
		toks := Terms(Doc{Text: "The statement by President Ana Morel was brief."})
		if !slices.ContainsFunc(toks, func(tk Token) bool { return tk.Term == "ana morel" }) {
			t.Errorf("no phrase ana morel in %v", toks)
		}
		if slices.ContainsFunc(toks, func(tk Token) bool { return tk.Term == "president ana" }) {
			t.Errorf("role joined to the name: %v", toks)
		}
	})
}

// background returns statistics over a few unrelated articles, so that
// idf separates common from rare words in the unit tests.
func background() *MemStats {
	s := NewMemStats()
	for _, d := range []Doc{
		{Title: "Council approves budget", Text: "The city council approved the budget on Monday after a long debate about schools and roads."},
		{Title: "Storm closes schools", Text: "A storm closed schools and roads across the region, officials said."},
		{Title: "Team wins final", Text: "The home team won the final in extra time before a record crowd."},
		{Title: "Prices rise", Text: "Prices rose for the third month as fuel and food became more expensive, the statistics office said."},
	} {
		s.Observe(Terms(d))
	}
	return s
}

func TestAssign(t *testing.T) {
	p := DefaultParams()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	first := Doc{
		Title:     "Ferry runs aground off Port Ellery",
		Text:      "The ferry Sea Lark ran aground on a sandbank off Port Ellery early on Tuesday. Harbour master Ruth Pennock said all 212 passengers were taken ashore by lifeboat crews and no one was hurt.",
		Published: t0,
	}
	stats := background()
	v1 := Vectorize(first, stats, p)
	stats.Observe(Terms(first))
	s := Story{ID: 7}
	s.Add(v1, first.Published, p)

	t.Run("OneSharedNameNotMerged", func(t *testing.T) {
		other := Doc{
			Title:     "Port Ellery council approves new school",
			Text:      "The council of Port Ellery approved the budget for a new primary school on Mill Lane, to open next year.",
			Published: t0.Add(3 * time.Hour),
		}
		v := Vectorize(other, stats, p)
		ev := Compare(v, s.Centroid, p.MinContribution)
		if ev.Cosine < p.Threshold {
			t.Fatalf("cosine %.3f below the threshold: the case does not test the shared-term rules", ev.Cosine)
		}
		if d := Assign(v, other.Published, []Story{s}, p); !d.New {
			t.Fatalf("merged on one shared name: %+v (%+v)", d, ev)
		}
	})
	t.Run("OneSharedNameStrongCosineNotMerged", func(t *testing.T) {
		// Even when the one shared name dominates both vectors.
		v := Vector{{"port ellery", 0.9}, {"parade", 0.43589}}
		c := Story{ID: 1, Centroid: Vector{{"port ellery", 0.9}, {"ferry", 0.43589}}, Size: 1, First: t0, Last: t0}
		if d := Assign(v, t0, []Story{c}, p); !d.New {
			t.Fatalf("merged on one name with cosine %.2f: %+v", Dot(v, c.Centroid), d)
		}
	})
	t.Run("FollowUpMerged", func(t *testing.T) {
		follow := Doc{
			Title:     "Inquiry opens into Sea Lark grounding at Port Ellery",
			Text:      "Investigators boarded the ferry Sea Lark on Wednesday, a day after it ran aground off Port Ellery with 212 passengers aboard. Ruth Pennock, the harbour master, said the sandbank had shifted.",
			Published: t0.Add(26 * time.Hour),
		}
		v := Vectorize(follow, stats, p)
		d := Assign(v, follow.Published, []Story{{ID: 3, Centroid: Vector{{"budget", 1}}, Size: 1, First: t0, Last: t0}, s}, p)
		if d.New || d.StoryID != 7 {
			t.Fatalf("follow-up not merged: %+v (cosine %.3f, shared %d)", d, Dot(v, s.Centroid), Compare(v, s.Centroid, p.MinContribution).Groups)
		}
	})
	t.Run("ClosedAfterWindow", func(t *testing.T) {
		if !Open(s, t0.Add(p.OpenBase), p) {
			t.Error("closed within its window")
		}
		late := t0.Add(p.OpenBase + time.Hour)
		if Open(s, late, p) {
			t.Error("still open after its window")
		}
		if d := Assign(v1, late, []Story{s}, p); !d.New {
			t.Errorf("joined a closed story: %+v", d)
		}
	})
	t.Run("WindowGrowsWithSize", func(t *testing.T) {
		big := s
		big.Size = 64
		if !Open(big, t0.Add(10*24*time.Hour), p) {
			t.Error("a 64-article story closed after 10 idle days")
		}
		big.Size = 1 << 20
		if Open(big, t0.Add(p.OpenMax+time.Hour), p) {
			t.Error("open past OpenMax")
		}
	})
	t.Run("Decay", func(t *testing.T) {
		now := Assign(v1, t0, []Story{s}, p)
		later := Assign(v1, t0.Add(p.HalfLife), []Story{{ID: 7, Centroid: s.Centroid, Size: 64, First: t0, Last: t0}}, p)
		if math.Abs(later.Score-now.Score/2) > 1e-6 {
			t.Errorf("score after one half-life %.4f, want %.4f", later.Score, now.Score/2)
		}
	})
}

func TestCompare(t *testing.T) {
	a := Vector{{"ferry", 0.5}, {"pennock", 0.5}, {"ruth", 0.5}, {"ruth pennock", 0.5}}
	b := Vector{{"ferry", 0.4}, {"pennock", 0.4}, {"ruth", 0.4}, {"ruth pennock", 0.4}, {"tide", 0.6}}
	ev := Compare(a, b, 0.01)
	if ev.Groups != 2 {
		t.Errorf("groups %d, want 2 (ferry; ruth pennock with its words)", ev.Groups)
	}
	if math.Abs(ev.Cosine-0.8) > 1e-6 || math.Abs(ev.Rest-0.2) > 1e-6 {
		t.Errorf("cosine %.3f rest %.3f, want 0.8 and 0.2 (ferry alone)", ev.Cosine, ev.Rest)
	}
	if got := Dot(a, b); math.Abs(got-ev.Cosine) > 1e-9 {
		t.Errorf("Dot %.4f, Compare %.4f", got, ev.Cosine)
	}
	if ev := Compare(a, b, 0.3); ev.Groups != 1 {
		t.Errorf("groups above 0.3: %d, want 1 (the name brings 0.6)", ev.Groups)
	}
}

func TestIndexTerms(t *testing.T) {
	v := Vector{{"a", 0.1}, {"b", 0.7}, {"c", 0.3}, {"d", 0.7}}
	if got := IndexTerms(v, 3); !slices.Equal(got, []string{"b", "d", "c"}) {
		t.Errorf("IndexTerms = %v, want [b d c]", got)
	}
	if got := IndexTerms(v, 0); len(got) != 0 {
		t.Errorf("IndexTerms(v, 0) = %v", got)
	}
}

func TestAdd(t *testing.T) {
	p := DefaultParams()
	p.CentroidTerms = 3
	var s Story
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Add(Vector{{"a", 0.6}, {"b", 0.8}}, t0.Add(time.Hour), p)
	s.Add(Vector{{"b", 0.6}, {"c", 0.48}, {"d", 0.64}}, t0, p)
	if s.Size != 2 || !s.First.Equal(t0) || !s.Last.Equal(t0.Add(time.Hour)) {
		t.Errorf("size/first/last: %d %v %v", s.Size, s.First, s.Last)
	}
	if len(s.Centroid) != 3 || s.Centroid[0].Term != "a" || s.Centroid[1].Term != "b" || s.Centroid[2].Term != "d" {
		t.Errorf("centroid %v, want a, b, d", s.Centroid)
	}
	if n := Dot(s.Centroid, s.Centroid); math.Abs(n-1) > 1e-6 {
		t.Errorf("centroid norm² %.6f", n)
	}
}

func TestEncodeDecode(t *testing.T) {
	stats := background()
	v := Vectorize(Doc{Title: "Ferry aground off Port Ellery", Text: "Ruth Pennock said the Sea Lark's 212 passengers, including children, were safe."}, stats, DefaultParams())
	for _, v := range []Vector{v, {}, {{"é", 1}}, {{"port", 0.6}, {"port ellery", 0.8}}} {
		b := Encode(v)
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(%v)): %v", v, err)
		}
		if !slices.Equal(got, v) {
			t.Errorf("round trip: got %v, want %v", got, v)
		}
	}
	good := Encode(Vector{{"ab", 0.5}, {"ac", 0.5}})
	for name, b := range map[string][]byte{
		"Empty":      nil,
		"Version":    append([]byte{9}, good[1:]...),
		"Truncated":  good[:len(good)-1],
		"Trailing":   append(slices.Clone(good), 0),
		"OutOfOrder": Encode(Vector{{"b", 0.5}, {"a", 0.5}}),
		"Duplicate":  Encode(Vector{{"a", 0.5}, {"a", 0.5}}),
		"NaN":        Encode(Vector{{"a", float32(math.NaN())}}),
		"Huge":       {1, 0xff, 0xff, 0xff, 0xff, 0x0f},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode(b); err == nil {
				t.Errorf("Decode(%x) accepted", b)
			}
		})
	}
	t.Logf("encoded %d terms in %d bytes", len(v), len(Encode(v)))
}

// article is one corpus article with its labels.
type article struct {
	Doc
	event, topic string
	dated        bool      // the corpus gives its publication date
	date         time.Time // that date, zero when not dated
}

// loadCorpus reads NAME.jsonl and NAME.labels.tsv, keeping the articles
// with an event label, in file order.
func loadCorpus(tb testing.TB, name string) []article {
	tb.Helper()
	path := filepath.Join(corpusDir, name+".jsonl")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		tb.Skipf("corpus %s missing: %v", path, err)
	} else if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	labels := map[string][2]string{}
	lb, err := os.ReadFile(filepath.Join(corpusDir, name+".labels.tsv"))
	if err != nil {
		tb.Skipf("labels for %s missing: %v", name, err)
	}
	for i, line := range strings.Split(strings.TrimRight(string(lb), "\n"), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) != 3 {
			continue
		}
		labels[cols[0]] = [2]string{cols[1], cols[2]}
	}
	var arts []article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var j struct {
			URL, Title, Text string
			PublishedAt      string `json:"published_at"`
		}
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		l, ok := labels[j.URL]
		if !ok || l[0] == "" {
			continue
		}
		a := article{Doc: Doc{Title: j.Title, Text: j.Text}, event: l[0], topic: l[1], dated: j.PublishedAt != ""}
		a.date, _ = time.Parse(time.RFC3339Nano, j.PublishedAt) // zero when absent or unreadable
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	// Neither corpus dates all its articles (ECB+ dates 158 of 982, NeuS
	// none), so articles are processed in file order on a synthetic clock,
	// one a minute: time decay and story windows play no part in the
	// corpus figures, and are tested in TestAssign.
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range arts {
		arts[i].Published = t0.Add(time.Duration(i) * time.Minute)
	}
	return arts
}

// half returns the articles of the events in half h (0 or 1), split by
// topic when there is one (so that ECB+'s paired events stay together),
// else by event.
func half(arts []article, h int) []article {
	return split(arts, h, func(key string) int {
		f := fnv.New32a()
		f.Write([]byte(key))
		return int(f.Sum32() % 2)
	})
}

// split returns the articles whose key (topic, else event) side puts in
// half h.
func split(arts []article, h int, side func(key string) int) []article {
	var out []article
	for _, a := range arts {
		key := a.topic
		if key == "" {
			key = a.event
		}
		if side(key) == h {
			out = append(out, a)
		}
	}
	return out
}

// index is the caller's inverted index, kept in memory: term → open story
// ids, refreshed when a story changes, pruned of closed stories.
type index struct {
	postings map[string]map[int64]bool
	filed    map[int64][]string
	stories  map[int64]*Story
	examined int // candidates passed to Assign
	touched  int // postings read
}

func newIndex() *index {
	return &index{postings: map[string]map[int64]bool{}, filed: map[int64][]string{}, stories: map[int64]*Story{}}
}

func (x *index) file(s *Story, terms []string) {
	x.unfile(s.ID)
	x.stories[s.ID] = s
	x.filed[s.ID] = terms
	for _, t := range terms {
		if x.postings[t] == nil {
			x.postings[t] = map[int64]bool{}
		}
		x.postings[t][s.ID] = true
	}
}

func (x *index) unfile(id int64) {
	for _, t := range x.filed[id] {
		delete(x.postings[t], id)
		if len(x.postings[t]) == 0 {
			delete(x.postings, t)
		}
	}
	delete(x.filed, id)
}

// candidates returns the open stories filed under any of terms, the most
// terms matched first, at most max.
func (x *index) candidates(terms []string, now time.Time, p Params, max int) []Story {
	hits := map[int64]int{}
	var closed []int64
	for _, t := range terms {
		for id := range x.postings[t] {
			x.touched++
			if !Open(*x.stories[id], now, p) {
				closed = append(closed, id)
				continue
			}
			hits[id]++
		}
	}
	for _, id := range closed {
		x.unfile(id)
	}
	type hit struct {
		id int64
		n  int
	}
	ids := make([]hit, 0, len(hits))
	for id, n := range hits {
		ids = append(ids, hit{id, n})
	}
	slices.SortFunc(ids, func(a, b hit) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return int(b.id - a.id) // the more recent story first
	})
	if len(ids) > max {
		ids = ids[:max]
	}
	out := make([]Story, len(ids))
	for i, h := range ids {
		out[i] = *x.stories[h.id]
	}
	x.examined += len(out)
	return out
}

// result is one clustering run scored against the event labels.
type result struct {
	P, R, F1        float64
	Over, Under     int // predicted stories mixing events; events split
	Stories, Events int
	Cost            float64 // candidates examined per article
	Touched         float64 // postings read per article
}

func (r result) String() string {
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f  over %3d under %3d  stories %4d/%4d  cand/art %.1f",
		r.P, r.R, r.F1, r.Over, r.Under, r.Stories, r.Events, r.Cost)
}

// bcubed scores predicted story ids against event labels.
func bcubed(pred []int64, gold []string) result {
	type pair struct {
		s int64
		e string
	}
	both, ps, gs := map[pair]int{}, map[int64]int{}, map[string]int{}
	for i := range pred {
		both[pair{pred[i], gold[i]}]++
		ps[pred[i]]++
		gs[gold[i]]++
	}
	var r result
	for i := range pred {
		n := float64(both[pair{pred[i], gold[i]}])
		r.P += n / float64(ps[pred[i]])
		r.R += n / float64(gs[gold[i]])
	}
	r.P /= float64(len(pred))
	r.R /= float64(len(pred))
	if r.P+r.R > 0 {
		r.F1 = 2 * r.P * r.R / (r.P + r.R)
	}
	events, stories := map[int64]int{}, map[string]int{}
	for k := range both {
		events[k.s]++
		stories[k.e]++
	}
	for _, n := range events {
		if n >= 2 {
			r.Over++
		}
	}
	for _, n := range stories {
		if n >= 2 {
			r.Under++
		}
	}
	r.Stories, r.Events = len(ps), len(gs)
	return r
}

// online runs the caller's pipeline over arts in order, exactly as ingest
// will: vectorize against the statistics so far, then observe; look the
// candidates up in the index only; assign; add; refile the story.
func online(arts []article, p Params) result {
	stats := NewMemStats()
	x := newIndex()
	pred := make([]int64, len(arts))
	gold := make([]string, len(arts))
	var next int64
	for i, a := range arts {
		toks := Terms(a.Doc)
		v := Weigh(toks, stats, p)
		stats.Observe(toks)
		cands := x.candidates(IndexTerms(v, p.QueryTerms), a.Published, p, p.MaxCandidates)
		d := Assign(v, a.Published, cands, p)
		var s *Story
		if d.New {
			next++
			s = &Story{ID: next}
		} else {
			s = x.stories[d.StoryID]
		}
		s.Add(v, a.Published, p)
		x.file(s, IndexTerms(s.Centroid, p.IndexTerms))
		pred[i], gold[i] = s.ID, a.event
	}
	r := bcubed(pred, gold)
	r.Cost = float64(x.examined) / float64(len(arts))
	r.Touched = float64(x.touched) / float64(len(arts))
	return r
}

// baselineParams make the plain TF-IDF baseline: the same words (stop
// words removed, light stemming), damped tf and smoothed idf, but no title,
// lead or name boost, no phrases, all terms kept, a plain mean centroid,
// no decay, no shared-term rules. The index and story windows are the
// same; the threshold is swept.
func baselineParams() Params {
	d := DefaultParams()
	return Params{
		TitleBoost: 1, LeadBoost: 1, NameBoost: 1, PhraseBoost: 0,
		Memory:     math.MaxInt32,
		IndexTerms: d.IndexTerms, QueryTerms: d.QueryTerms, MaxCandidates: d.MaxCandidates,
		OpenBase: d.OpenBase, OpenMax: d.OpenMax,
	}
}

// vectors returns the articles' vectors as the online pipeline computes
// them (statistics grow in article order, whatever the clustering).
func vectors(arts []article, p Params) []Vector {
	stats := NewMemStats()
	vs := make([]Vector, len(arts))
	for i, a := range arts {
		toks := Terms(a.Doc)
		vs[i] = Weigh(toks, stats, p)
		stats.Observe(toks)
	}
	return vs
}

// cluster is online with the vectors computed beforehand (for sweeps).
func cluster(arts []article, vs []Vector, p Params) result {
	x := newIndex()
	pred := make([]int64, len(arts))
	gold := make([]string, len(arts))
	var next int64
	for i, a := range arts {
		cands := x.candidates(IndexTerms(vs[i], p.QueryTerms), a.Published, p, p.MaxCandidates)
		d := Assign(vs[i], a.Published, cands, p)
		var s *Story
		if d.New {
			next++
			s = &Story{ID: next}
		} else {
			s = x.stories[d.StoryID]
		}
		s.Add(vs[i], a.Published, p)
		x.file(s, IndexTerms(s.Centroid, p.IndexTerms))
		pred[i], gold[i] = s.ID, a.event
	}
	r := bcubed(pred, gold)
	r.Cost = float64(x.examined) / float64(len(arts))
	r.Touched = float64(x.touched) / float64(len(arts))
	return r
}

// bestBaseline sweeps the baseline's threshold and returns its best run,
// so that the baseline is compared at its best on every set.
func bestBaseline(arts []article) (result, float64) {
	p := baselineParams()
	vs := vectors(arts, p)
	sweep := func(ths []float64) (result, float64) {
		rs := make([]result, len(ths))
		var wg sync.WaitGroup
		for i, th := range ths {
			wg.Go(func() {
				q := p
				q.Threshold = th
				rs[i] = cluster(arts, vs, q)
			})
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
	best, th := sweep([]float64{0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50})
	if r, t := sweep([]float64{th - 0.025, th + 0.025}); r.F1 > best.F1 {
		best, th = r, t
	}
	return best, th
}

// corpusSets returns the sets the corpus tests score: each corpus whole,
// and split into halves A and B by event (by topic for ECB+, so that its
// paired events stay together). Params are tuned on the A halves only.
func corpusSets(t *testing.T) []corpusSet {
	var sets []corpusSet
	for _, name := range []string{"ecbplus", "neus-trainval"} {
		arts := loadCorpus(t, name)
		sets = append(sets, corpusSet{name, arts}, corpusSet{name + " A", half(arts, 0)}, corpusSet{name + " B", half(arts, 1)})
	}
	return sets
}

type corpusSet struct {
	name string
	arts []article
}

// floors are the B-cubed F1 that DefaultParams must keep on each set,
// slightly below what they reach, and margin the least lead over the
// baseline at its best threshold.
var floors = map[string]float64{
	"ecbplus": 0.85, "ecbplus A": 0.84, "ecbplus B": 0.83,
	"neus-trainval": 0.73, "neus-trainval A": 0.77, "neus-trainval B": 0.76,
}

const margin = 0.015

// TestCorpusStories runs the online pipeline over the labelled corpora and
// scores the stories against the events with B-cubed precision, recall and
// F1, beside the plain TF-IDF baseline at its best threshold.
func TestCorpusStories(t *testing.T) {
	p := DefaultParams()
	sets := corpusSets(t)
	type row struct {
		mine, base result
		th         float64
	}
	rows := make([]row, len(sets))
	var wg sync.WaitGroup
	for i, s := range sets {
		wg.Go(func() {
			rows[i].mine = online(s.arts, p)
			rows[i].base, rows[i].th = bestBaseline(s.arts)
		})
	}
	wg.Wait()
	for _, s := range sets {
		if strings.Contains(s.name, " ") {
			continue
		}
		dated := 0
		for _, a := range s.arts {
			if a.dated {
				dated++
			}
		}
		t.Logf("%s: %d articles, %d of them dated", s.name, len(s.arts), dated)
	}
	t.Logf("so articles are processed in file order on a synthetic clock, one a minute: time decay")
	t.Logf("and story windows play no part in these figures (they are tested in TestAssign)")
	t.Logf("%-16s %-6s %-5s %-5s %-5s %5s %5s %9s %9s %8s", "set", "method", "P", "R", "F1", "over", "under", "stories", "cand/art", "post/art")
	for i, s := range sets {
		for _, x := range []struct {
			name string
			r    result
			note string
		}{
			{"story", rows[i].mine, ""},
			{"tfidf", rows[i].base, fmt.Sprintf("threshold %.3f", rows[i].th)},
		} {
			r := x.r
			t.Log(strings.TrimSpace(fmt.Sprintf("%-16s %-6s %.3f %.3f %.3f %5d %5d %4d/%-4d %9.1f %8.1f  %s", s.name, x.name, r.P, r.R, r.F1, r.Over, r.Under, r.Stories, r.Events, r.Cost, r.Touched, x.note)))
		}
		mine, base := rows[i].mine, rows[i].base
		if mine.F1 < floors[s.name] {
			t.Errorf("%s: F1 %.3f below its floor %.2f", s.name, mine.F1, floors[s.name])
		}
		if mine.F1 < base.F1+margin {
			t.Errorf("%s: F1 %.3f not %.3f above the baseline's %.3f", s.name, mine.F1, margin, base.F1)
		}
		if mine.P < base.P {
			t.Errorf("%s: precision %.3f below the baseline's %.3f", s.name, mine.P, base.P)
		}
		if mine.Cost > float64(p.MaxCandidates) {
			t.Errorf("%s: %.1f candidates per article", s.name, mine.Cost)
		}
	}
}

// TestCorpusAblation measures what each part of the method brings, on the
// whole corpora (skipped with -short and under the race detector).
func TestCorpusAblation(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("ablation: slow; run without -short and -race")
	}
	var corpora []corpusSet
	for _, name := range []string{"ecbplus", "neus-trainval"} {
		corpora = append(corpora, corpusSet{name, loadCorpus(t, name)})
	}
	variants := []struct {
		name string
		set  func(*Params)
	}{
		{"defaults", func(*Params) {}},
		{"no evidence rules (MinShared 0, MinRest 0)", func(p *Params) { p.MinShared, p.MinRest = 0, 0 }},
		{"one name + strong cosine (MinShared 1, MinRest 0)", func(p *Params) { p.MinShared, p.MinRest = 1, 0 }},
		{"MinShared 2 without MinRest", func(p *Params) { p.MinRest = 0 }},
		{"MinRest without MinShared", func(p *Params) { p.MinShared = 0 }},
		{"no subject rule (SubjectTerms 0)", func(p *Params) { p.SubjectTerms = 0 }},
		{"no local weighting (Local 0)", func(p *Params) { p.Local = 0 }},
		{"no local weighting, threshold 0.35", func(p *Params) { p.Local, p.Threshold = 0, 0.35 }},
		{"no names (NameBoost 1, PhraseBoost 0)", func(p *Params) { p.NameBoost, p.PhraseBoost = 1, 0 }},
		{"no title or lead boost", func(p *Params) { p.TitleBoost, p.LeadBoost = 1, 1 }},
		{"centroid of 50 terms", func(p *Params) { p.CentroidTerms = 50 }},
		{"candidates: 10 query terms → 5, max 30 → 10", func(p *Params) { p.QueryTerms, p.MaxCandidates = 5, 10 }},
	}
	res := make([][]result, len(variants))
	var wg sync.WaitGroup
	for i, v := range variants {
		res[i] = make([]result, len(corpora))
		for j, c := range corpora {
			wg.Go(func() {
				p := DefaultParams()
				v.set(&p)
				res[i][j] = online(c.arts, p)
			})
		}
	}
	wg.Wait()
	for i, v := range variants {
		line := fmt.Sprintf("%-50s", v.name)
		for j, c := range corpora {
			r := res[i][j]
			line += fmt.Sprintf("  %s P %.3f R %.3f F1 %.3f over %3d cand %4.1f", c.name, r.P, r.R, r.F1, r.Over, r.Cost)
		}
		t.Log(line)
	}
}

// TestTune searches the parameters by coordinate descent on half A of both
// corpora (the mean of their F1), retuning the threshold with every knob,
// and reports each step on both halves (HERALD_STORY_TUNE=1 go test -run
// Tune -v). From DefaultParams it still climbs on A, by about 0.015, but
// every such step loses on B: the ECB+ half has only 46 events, and the
// climb fits them.
func TestTune(t *testing.T) {
	if os.Getenv("HERALD_STORY_TUNE") == "" {
		t.Skip("parameter search: set HERALD_STORY_TUNE=1 to run it")
	}
	var setA, setB [][]article
	for _, name := range []string{"ecbplus", "neus-trainval"} {
		arts := loadCorpus(t, name)
		setA = append(setA, half(arts, 0))
		setB = append(setB, half(arts, 1))
	}
	type wkey struct {
		tag            string
		tb, lb, nb, pb float64
	}
	cache := map[wkey][][]Vector{}
	eval := func(sets [][]article, p Params, tag string) (float64, []result) {
		k := wkey{tag, p.TitleBoost, p.LeadBoost, p.NameBoost, p.PhraseBoost}
		vs, ok := cache[k]
		if !ok {
			for _, arts := range sets {
				vs = append(vs, vectors(arts, p))
			}
			cache[k] = vs
		}
		var f float64
		var rs []result
		for i, arts := range sets {
			r := cluster(arts, vs[i], p)
			rs = append(rs, r)
			f += r.F1 / float64(len(sets))
		}
		return f, rs
	}
	type knob struct {
		name string
		vals []float64
		set  func(*Params, float64)
	}
	knobs := []knob{
		{"Threshold", []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5}, func(p *Params, v float64) { p.Threshold = v }},
		{"MinRest", []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25}, func(p *Params, v float64) { p.MinRest = v }},
		{"Local", []float64{0, 0.05, 0.1, 0.2, 0.3}, func(p *Params, v float64) { p.Local = v }},
		{"MinShared", []float64{1, 2, 3, 4}, func(p *Params, v float64) { p.MinShared = int(v) }},
		{"MinContribution", []float64{0.001, 0.003, 0.005, 0.01, 0.02}, func(p *Params, v float64) { p.MinContribution = v }},
		{"TitleBoost", []float64{1, 2, 3, 4}, func(p *Params, v float64) { p.TitleBoost = v }},
		{"LeadBoost", []float64{1, 1.5, 2, 3}, func(p *Params, v float64) { p.LeadBoost = v }},
		{"NameBoost", []float64{1, 1.25, 1.5, 2}, func(p *Params, v float64) { p.NameBoost = v }},
		{"PhraseBoost", []float64{0, 0.5, 1, 1.5}, func(p *Params, v float64) { p.PhraseBoost = v }},
		{"CentroidTerms", []float64{50, 100, 200}, func(p *Params, v float64) { p.CentroidTerms = int(v) }},
		{"Memory", []float64{5, 20, 1000}, func(p *Params, v float64) { p.Memory = int(v) }},
	}
	p := DefaultParams()
	best, _ := eval(setA, p, "A")
	for round := 0; round < 3; round++ {
		improved := false
		for _, k := range knobs {
			for _, v := range k.vals {
				q := p
				k.set(&q, v)
				// The threshold interacts with every knob: retune it.
				for _, th := range []float64{0.2, 0.25, 0.3, 0.35, 0.4, 0.45} {
					if k.name == "Threshold" {
						th = q.Threshold
					}
					q.Threshold = th
					if f, _ := eval(setA, q, "A"); f > best+1e-4 {
						best, p, improved = f, q, true
					}
				}
			}
			fa, ra := eval(setA, p, "A")
			fb, rb := eval(setB, p, "B")
			t.Logf("round %d %-15s A %.4f B %.4f  %+v\n  A: %v | %v\n  B: %v | %v", round, k.name, fa, fb, p, ra[0], ra[1], rb[0], rb[1])
		}
		if !improved {
			break
		}
	}
}

// BenchmarkAssign measures placing one ECB+ article: vectorize it, then
// assign it among 20 candidate stories of several articles each.
func BenchmarkAssign(b *testing.B) {
	arts := loadCorpus(b, "ecbplus")
	p := DefaultParams()
	stats := NewMemStats()
	cands := make([]Story, 20)
	for i, a := range arts {
		toks := Terms(a.Doc)
		v := Weigh(toks, stats, p)
		stats.Observe(toks)
		c := &cands[i%len(cands)]
		c.ID = int64(i % len(cands))
		c.Add(v, a.Published, p)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := arts[i%len(arts)]
		i++
		v := Vectorize(a.Doc, stats, p)
		Assign(v, a.Published, cands, p)
	}
}

// BenchmarkPipeline measures the whole online step per article, as the
// caller runs it, with the in-memory index of the tests: vectorize,
// observe, look up, assign, add, refile. One op is one article.
func BenchmarkPipeline(b *testing.B) {
	for _, name := range []string{"ecbplus", "neus-trainval"} {
		arts := loadCorpus(b, name)
		b.Run(name, func(b *testing.B) {
			p := DefaultParams()
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; {
				m := min(len(arts), b.N-n)
				online(arts[:m], p)
				n += m
			}
		})
	}
}

func FuzzTerms(f *testing.F) {
	f.Add("Ferry aground off Port Ellery", "Harbour master Ruth Pennock said 42 passengers were safe.\n\nO'Brien's U.S. team — \"Yes.\"")
	f.Add("", "")
	f.Add("ALL CAPS HEADLINE HERE", "x\r\n\r\ny- -z ’s ' ` . . Á\u0301")
	stats := background()
	p := DefaultParams()
	f.Fuzz(func(t *testing.T, title, text string) {
		d := Doc{Title: title, Text: text}
		a, b := Terms(d), Terms(d)
		if !slices.Equal(a, b) {
			t.Fatalf("Terms not deterministic")
		}
		v := Vectorize(d, stats, p)
		if !slices.Equal(v, Vectorize(d, stats, p)) {
			t.Fatalf("Vectorize not deterministic")
		}
		got, err := Decode(Encode(v))
		if err != nil {
			t.Fatalf("Decode(Encode(v)): %v", err)
		}
		if !slices.Equal(got, v) {
			t.Fatalf("round trip: got %v, want %v", got, v)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(Vector{{"port", 0.6}, {"port ellery", 0.8}}))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err != nil {
			return
		}
		// Decode accepts only what Encode could have written, though
		// perhaps with longer varints or shorter shared prefixes.
		got, err := Decode(Encode(v))
		if err != nil || !slices.Equal(got, v) {
			t.Fatalf("Decode(Encode(Decode(%x))) = %v, %v; want %v", b, got, err, v)
		}
	})
}

// TestDevelopingStory follows one event whose articles come one to three
// days apart, as developing news does (the demo world's stories), and a
// later event of the same kind elsewhere. With a one-article story open
// for two days and a seven-day half-life, the demo world split its 16
// events into 38 stories: the follow-ups must join, the other event not.
func TestDevelopingStory(t *testing.T) {
	p := DefaultParams()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	docs := []struct {
		event string
		at    time.Duration
		Doc
	}{
		{"brannock", 0, Doc{Title: "Brannock paper mill to close with loss of 340 jobs",
			Text: "Holdenfield said on Monday it would close the Brannock paper mill in Ashby Vale, ending 340 jobs. The company blamed energy costs for the closure of the mill, which has made paper since 1868."}},
		{"brannock", 3 * day, Doc{Title: "Minister promises task force for Brannock mill",
			Text: "The industry minister promised a task force to help the 340 Brannock mill workers in Ashby Vale find new jobs after Holdenfield announced the closure of the paper mill."}},
		{"brannock", 5 * day, Doc{Title: "Buyer in talks for Brannock paper mill site",
			Text: "Corrin Packaging is in talks with Holdenfield to buy the Brannock paper mill in Ashby Vale, the union said, raising hopes that some of the 340 jobs at the mill could be saved."}},
		{"brannock", 7 * day, Doc{Title: "Brannock mill buyer would keep 180 jobs",
			Text: "Corrin Packaging would keep 180 of the 340 jobs at the Brannock paper mill in Ashby Vale if its purchase from Holdenfield goes ahead, union officials were told."}},
		{"brannock", 10 * day, Doc{Title: "Holdenfield agrees sale of Brannock mill",
			Text: "Holdenfield agreed to sell the Brannock paper mill in Ashby Vale to Corrin Packaging, saving 180 jobs at the mill that it had planned to close."}},
		{"tarrow", 11 * day, Doc{Title: "Tarrow steelworks to close with loss of 600 jobs",
			Text: "Vennor Steel said it would close its Tarrow steelworks in Millbrook, ending 600 jobs. The company blamed falling demand for the closure of the works, open since 1921."}},
	}
	stats := background()
	var open []Story
	story := map[string]map[int64]bool{}
	for _, d := range docs {
		d.Published = t0.Add(d.at)
		v := Vectorize(d.Doc, stats, p)
		stats.Observe(Terms(d.Doc))
		dec := Assign(v, d.Published, open, p)
		k := slices.IndexFunc(open, func(s Story) bool { return s.ID == dec.StoryID })
		if dec.New {
			open = append(open, Story{ID: int64(len(open) + 1)})
			k = len(open) - 1
		}
		open[k].Add(v, d.Published, p)
		if story[d.event] == nil {
			story[d.event] = map[int64]bool{}
		}
		story[d.event][open[k].ID] = true
		t.Logf("%s +%v: story %d (best score %.3f)", d.event, d.at, open[k].ID, dec.Score)
	}
	if n := len(story["brannock"]); n != 1 {
		t.Errorf("the developing story was split into %d stories", n)
	}
	for id := range story["tarrow"] {
		if story["brannock"][id] {
			t.Errorf("another closure of the same kind joined story %d", id)
		}
	}
}

// TestSameKindDifferentSubject: two events of one kind share most words
// but not what each is about; they are not merged, however high their
// cosine.
func TestSameKindDifferentSubject(t *testing.T) {
	p := DefaultParams()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	// A title fight of one champion against another challenger: the
	// champion, the belts and the knockout are shared; each opponent
	// is the heaviest term of its own side only.
	story := Vector{{"heavyweight", 0.3}, {"klitschko", 0.45}, {"knockout", 0.3}, {"rahman", 0.6}, {"round", 0.3}, {"title", 0.4}}.normalize()
	v := Vector{{"heavyweight", 0.3}, {"klitschko", 0.45}, {"knockout", 0.3}, {"round", 0.3}, {"thompson", 0.6}, {"title", 0.4}}.normalize()
	s := Story{ID: 1, Centroid: story, Size: 5, First: t0, Last: t0}
	if ev := Compare(v, story, p.MinContribution); ev.Cosine < p.Threshold || ev.Rest < p.MinRest || ev.Groups < p.MinShared {
		t.Fatalf("evidence %+v: the case does not reach the other rules", ev)
	}
	if d := Assign(v, t0, []Story{s}, p); !d.New {
		t.Errorf("merged two events whose subjects differ: %+v", d)
	}
	// The same article with the story's subject in it is a follow-up.
	v = Vector{{"heavyweight", 0.3}, {"klitschko", 0.45}, {"knockout", 0.3}, {"rahman", 0.3}, {"round", 0.3}, {"thompson", 0.6}, {"title", 0.4}}.normalize()
	if d := Assign(v, t0, []Story{s}, p); d.New {
		t.Errorf("an article naming the story's subject was not merged: %+v", d)
	}
}

// TestLocalFrom: the words of an article that two or three open stories
// share (fragments of one event, or a pair of events) keep their weight;
// those that many share (a subject's common words) are weighed down.
func TestLocalFrom(t *testing.T) {
	p := DefaultParams()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	vec := func(terms ...Term) Vector {
		v := Vector(terms)
		slices.SortFunc(v, byTerm)
		return v.normalize()
	}
	v := vec(Term{"betti", 0.5}, Term{"page", 0.6}, Term{"pinup", 0.4}, Term{"model", 0.3})
	stories := func(n int) []Story {
		out := make([]Story, n)
		for i := range out {
			c := vec(Term{"betti", 0.5}, Term{"page", 0.6}, Term{fmt.Sprintf("other%d", i), 0.5})
			out[i] = Story{ID: int64(i + 1), Centroid: c, Size: 2, First: t0, Last: t0}
		}
		return out
	}
	plain := Dot(v, stories(1)[0].Centroid)
	for _, tc := range []struct {
		name    string
		stories int
		lower   bool
	}{
		{"OneStory", 1, false},
		{"TwoFragments", 2, false},
		{"FiveStories", p.LocalFrom - 1, false},
		{"ManyStories", p.LocalFrom, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Assign(v, t0, stories(tc.stories), p)
			switch {
			case tc.lower && d.Score >= plain-1e-6:
				t.Errorf("score %.4f; want below the plain cosine %.4f", d.Score, plain)
			case !tc.lower && math.Abs(d.Score-plain) > 1e-6:
				t.Errorf("score %.4f; want the plain cosine %.4f", d.Score, plain)
			}
		})
	}
}

// TestLongThreshold checks that a long article joins a story from
// LongThreshold and a short one only from Threshold, at the same score.
func TestLongThreshold(t *testing.T) {
	p := DefaultParams()
	for _, c := range []struct {
		n    int
		want float64
	}{
		{0, p.Threshold},
		{p.LongTerms / 2, p.Threshold},
		{3 * p.LongTerms / 4, (p.Threshold + p.LongThreshold) / 2},
		{p.LongTerms, p.LongThreshold},
		{10 * p.LongTerms, p.LongThreshold},
	} {
		if got := p.threshold(c.n); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("threshold(%d) = %.4f, want %.4f", c.n, got, c.want)
		}
	}
	off := p
	off.LongTerms = 0
	if got := off.threshold(10 * p.LongTerms); got != p.Threshold {
		t.Errorf("LongTerms 0: threshold %.4f, want %.4f", got, p.Threshold)
	}

	// An article sharing three terms with the story, the rest of its
	// weight spread over n terms of its own: the same cosine whatever n.
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := Story{ID: 1, Centroid: Vector{{"s1", 0.5}, {"s2", 0.5}, {"s3", 0.5}, {"z", 0.5}}, Size: 1, First: t0, Last: t0}
	article := func(n int) Vector {
		const a = 0.19
		v := Vector{{"s1", a}, {"s2", a}, {"s3", a}}
		w := float32(math.Sqrt((1 - 3*a*a) / float64(n)))
		for i := range n {
			v = append(v, Term{fmt.Sprintf("w%04d", i), w})
		}
		slices.SortFunc(v, byTerm)
		return v
	}
	for _, c := range []struct {
		name string
		n    int
		join bool
	}{
		{"Short", 20, false},
		{"Long", p.LongTerms, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := article(c.n)
			cos := Dot(v, s.Centroid)
			if cos < p.LongThreshold || cos >= p.Threshold {
				t.Fatalf("cosine %.3f outside [%.2f, %.2f): the case does not test LongThreshold", cos, p.LongThreshold, p.Threshold)
			}
			if d := Assign(v, t0.Add(time.Minute), []Story{s}, p); d.New == c.join {
				t.Errorf("%d terms, cosine %.3f: %+v, want joined %v", len(v), cos, d, c.join)
			}
		})
	}
}
