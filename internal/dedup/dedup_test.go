package dedup

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// wire is a made-up agency report, as the agency sent it.
const wire = `PORT ELLERY (CWS) — The harbour authority in Port Ellery closed the main shipping channel on Tuesday after a dredging barge sank near the northern breakwater, stranding at least fourteen cargo vessels in the outer anchorage.

Harbour master Ines Caldwell said divers had found no fuel leak, but that the wreck lay across the deepest part of the channel and would have to be lifted before larger ships could pass. "We are not going to take chances with a hull full of diesel sitting in forty feet of water," she told reporters at the port office.

The barge, owned by the contractor Halvorsen Marine, had been deepening the approach to the container terminal since March. Its crew of six were picked up by a pilot boat within minutes, and one man was treated for a cut to his hand.

Shipping agents said the closure could cost the port more than two million dollars a day. Grain exporters, who load most of their cargo at the northern quay, warned that contracts with buyers overseas could be lost if the channel stayed shut for more than a week.

A salvage crane is due to arrive from Marlow Bay on Thursday. Caldwell said smaller fishing boats and the island ferry would be allowed through a narrow passage on the eastern side, under escort, from Wednesday morning.

The regional transport ministry has ordered an inquiry into the sinking, the third accident involving dredging equipment at the port in two years.

Reporting by Tomas Reyes; Editing by Anna Fell
Read more: Port Ellery expansion faces new delays
Copyright 2025 CWS. All rights reserved.`

// paragraphs returns the paragraphs of wire without the dateline and the
// closing credits, for building edited copies.
func paragraphs() []string {
	ps := strings.Split(wire, "\n\n")
	ps[0] = strings.TrimPrefix(ps[0], "PORT ELLERY (CWS) — ")
	return ps[:len(ps)-1]
}

func join(ps ...string) string { return strings.Join(ps, "\n\n") }

// independent is an article on the same event written by another outlet: it
// shares the facts and the harbour master's quote, not the text.
const independent = `Fourteen cargo ships were stuck outside Port Ellery on Tuesday night after a sunken dredger blocked the harbour's main channel, leaving grain exporters fearing for their contracts.

The vessel, operated by Halvorsen Marine, went down close to the northern breakwater early in the afternoon. All six crew members were rescued by a pilot boat; one was treated for a minor injury.

Harbour master Ines Caldwell told a press conference that no diesel had escaped. "We are not going to take chances with a hull full of diesel sitting in forty feet of water," she said, adding that a crane would be brought in from Marlow Bay to lift the wreck.

Agents estimate that every day of closure costs the port upwards of two million dollars. The ferry to the island will keep running through a narrow eastern passage, escorted by port launches.

It is the third time in two years that dredging equipment has been involved in an accident at Port Ellery, and the transport ministry has opened an inquiry.`

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"DatelineReuters", "LONDON (Reuters) - Shares rose on Monday.", "shares rose on monday"},
		{"DatelineEmDash", "PORT ELLERY (CWS) — The port closed.", "the port closed"},
		{"DatelineWithDate", "WASHINGTON, March 3 (AP) — Lawmakers met.", "lawmakers met"},
		{"DatelineMixedCase", "Port Ellery (CWS) — The port closed.", "the port closed"},
		{"DatelineAgencyOnly", "(CNN) -- The storm passed.", "the storm passed"},
		{"DatelineCityOnly", "NEW YORK — Stocks fell.", "stocks fell"},
		{"DatelineAfterByline", "By Jane Doe\nLONDON (Reuters) - Shares rose.", "shares rose"},
		{"NoDatelineInName", "Apple — the company said — rose.", "apple the company said rose"},
		{"NoDatelineLater", "First.\nSecond.\nThird.\nLONDON (Reuters) - Fourth.", "first second third london reuters fourth"},
		{"DatelineOnlyLineKept", "LONDON (Reuters) -", "london reuters"},
		{"AgencyCredit", "Shares rose.\nReporting by Tomas Reyes; Editing by Anna Fell", "shares rose"},
		{"AdditionalReporting", "Shares rose.\n(Additional reporting by Jane Roe in Paris)", "shares rose"},
		{"ContributedCredit", "Shares rose.\nAssociated Press writer Jane Roe contributed to this report.", "shares rose"},
		{"AgencyLine", "Shares rose.\n— Reuters", "shares rose"},
		{"ReadMoreLine", "Shares rose.\nRead more: Why markets are nervous", "shares rose"},
		{"ReadMoreEllipsis", "Shares rose.\nRead more…", "shares rose"},
		{"ReadMoreTail", "Shares rose, he said. Read more: https://example.com/a.html", "shares rose he said"},
		{"ReadMoreInSentence", "He wants children to read more books.", "he wants children to read more books"},
		{"ContinueReading", "Shares rose.\nContinue reading at The Herald", "shares rose"},
		{"Copyright", "Shares rose.\nCopyright 2025 Reuters. All rights reserved.", "shares rose"},
		{"CopyrightSign", "Shares rose.\n© 2025 CWS", "shares rose"},
		{"CopyrightSentenceKept", "Copyright law is changing.", "copyright law is changing"},
		{"SignUp", "Shares rose.\nSign up for our daily business newsletter here.", "shares rose"},
		{"FollowUs", "Shares rose.\nFollow us on Twitter @herald and Facebook", "shares rose"},
		{"PhotoCredit", "Photo: Jane Roe/Reuters\nShares rose.", "shares rose"},
		{"APPhoto", "(AP Photo/Evan Vucci)\nShares rose.", "shares rose"},
		{"AgencyPhotoSuffix", "Traders in Frankfurt. Jane Roe/Reuters\nShares rose.", "shares rose"},
		{"SlashInTextKept", "See example.com/apps for the list.", "see example com apps for the list"},
		{"ImageCopyright", "Image copyright Getty Images\nImage caption The trading floor\nShares rose.", "shares rose"},
		{"GettyCredit", "Traders on the floor. Photograph by Jane Roe / Getty Images\nShares rose.", "shares rose"},
		{"Byline", "By Jane Doe and John Roe, Associated Press\nShares rose.", "shares rose"},
		{"BylineLikeSentenceKept", "By Tuesday, the flood had receded.", "by tuesday the flood had receded"},
		{"Advertisement", "Shares rose.\nAdvertisement\nThey fell later.", "shares rose they fell later"},
		{"FoldPunctuation", "Hello,   World!\n\n“Quoted” — 5.30pm; it's\tdone", "hello world quoted 5 30pm its done"},
		{"FoldAccents", "Café SEÑOR Zoë", "cafe senor zoe"},
		{"CombiningMarks", "Cafe\u0301", "cafe"},
		{"DigitsKept", "In 2024, 1,500 people", "in 2024 1 500 people"},
		{"Empty", "", ""},
		{"OnlyBoilerplate", "Read more\n© CWS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSame(t *testing.T) {
	ps := paragraphs()
	brief := ps[0] // the opening paragraph alone: about 35 words
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"Identical", wire, wire, true},
		{"DatelineAndCreditsRemoved", wire, join(ps...), true},
		{"LastParagraphTrimmed", wire, join(ps[:len(ps)-1]...), true},
		{"TwoParagraphsTrimmed", wire, join(ps[:len(ps)-2]...), true},
		{"HalfKept", wire, join(ps[:3]...), true},
		{"LocalSentenceAdded", wire, join(slices.Insert(slices.Clone(ps), 2,
			"In Grey Harbour, fishermen said they had not been told about the closure and feared for their catch.")...), true},
		{"ParagraphAdded", wire, join(append(slices.Clone(ps),
			"Port Ellery handled a record 41 million tonnes of cargo last year, most of it grain bound for markets across the region, and the council hopes to double that by the end of the decade.")...), true},
		{"SmallWordingChanges", wire, strings.NewReplacer(
			"harbour", "harbor", "Harbour", "Harbor", "on Tuesday", "Tuesday",
			"more than two million dollars", "over $2 million", "warned", "cautioned",
		).Replace(wire), true},
		{"EditedTrimmedAndAdded", wire, strings.NewReplacer("harbour", "harbor", "Harbour", "Harbor").Replace(
			join(append(slices.Clone(ps[:len(ps)-1]), "Local fishermen said they had not been warned.")...)), true},
		{"IndependentArticleSameEvent", wire, independent, false},
		{"BriefInsideArticle", wire, brief, false},
		{"BriefPlusSentenceInsideArticle", wire, brief + " Salvage could take a week.", false},
		{"ShortExact", "Channel closed after barge sinks.", "CHANNEL CLOSED after barge sinks!", true},
		{"ShortDifferent", "Channel closed after barge sinks.", "Channel reopened after barge lifted.", false},
		{"Empty", "", "", false},
		{"OnlyBoilerplate", "Read more\nCopyright 2025 CWS.", "Read more\nCopyright 2025 CWS.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Same(tt.a, tt.b); got != tt.want {
				o := overlap(shingleSet(tt.a), shingleSet(tt.b))
				t.Errorf("Same = %v, want %v (Jaccard %.3f, containment %.3f, length ratio %.2f, shared %d)",
					got, tt.want, o.jaccard(), o.containment(), o.lengthRatio(), o.shared)
			}
			if got := Same(tt.b, tt.a); got != tt.want {
				t.Errorf("Same reversed = %v, want %v", got, tt.want)
			}
			// The LSH index must propose every pair that Same accepts,
			// unless the hash layer already matched it.
			fa, fb := New(tt.a), New(tt.b)
			if tt.want && fa.Hash != fb.Hash && !shareBand(fa, fb) {
				t.Errorf("no common band key (estimated Jaccard %.2f)", Similarity(fa, fb))
			}
		})
	}
}

// shingleSet returns the shingles of text as Same computes them.
func shingleSet(text string) []uint64 {
	return shingles(strings.Fields(Normalize(text)), ShingleSize)
}

func shareBand(a, b Fingerprint) bool {
	bb := b.Bands()
	for _, k := range a.Bands() {
		if slices.Contains(bb, k) {
			return true
		}
	}
	return false
}

func TestNew(t *testing.T) {
	f := New(wire)
	t.Run("Words", func(t *testing.T) {
		if want := len(strings.Fields(Normalize(wire))); f.Words != want {
			t.Errorf("Words = %d, want %d", f.Words, want)
		}
	})
	t.Run("HashIgnoresBoilerplate", func(t *testing.T) {
		if g := New(join(paragraphs()...)); g.Hash != f.Hash {
			t.Errorf("hash differs once the dateline and credits are removed")
		}
	})
	t.Run("HashDiffers", func(t *testing.T) {
		if g := New(join(paragraphs()[1:]...)); g.Hash == f.Hash {
			t.Errorf("hash equal for different texts")
		}
	})
	t.Run("EmptyHasNoIdentity", func(t *testing.T) {
		for _, s := range []string{"", "  \n", "Read more…", "—"} {
			if g := New(s); !reflect.DeepEqual(g, Fingerprint{}) {
				t.Errorf("New(%q) = %+v, want zero", s, g)
			}
		}
	})
	t.Run("ShortHasNoBands", func(t *testing.T) {
		g := New("Channel closed after a barge sank near the northern breakwater on Tuesday.")
		if g.Hash == 0 || len(g.MinHash) != K {
			t.Errorf("short text: hash %x, %d MinHash values", g.Hash, len(g.MinHash))
		}
		if b := g.Bands(); b != nil {
			t.Errorf("short text has %d band keys, want none", len(b))
		}
	})
	t.Run("Bands", func(t *testing.T) {
		b := f.Bands()
		if len(b) != Bands {
			t.Fatalf("%d band keys, want %d", len(b), Bands)
		}
		if len(slices.Compact(slices.Sorted(slices.Values(b)))) != Bands {
			t.Errorf("band keys repeat")
		}
	})
	t.Run("Similarity", func(t *testing.T) {
		if s := Similarity(f, f); s != 1 {
			t.Errorf("Similarity(f, f) = %v", s)
		}
		trimmed := New(join(paragraphs()[:4]...))
		exact := overlap(shingleSet(wire), shingleSet(join(paragraphs()[:4]...))).jaccard()
		if s := Similarity(f, trimmed); s < exact-0.15 || s > exact+0.15 {
			t.Errorf("Similarity = %.2f, exact Jaccard %.2f", s, exact)
		}
		if s := Similarity(f, New(independent)); s > 0.1 {
			t.Errorf("Similarity to an independent article = %.2f", s)
		}
		if s := Similarity(f, Fingerprint{}); s != 0 {
			t.Errorf("Similarity to nothing = %v", s)
		}
	})
}

func TestEncode(t *testing.T) {
	for _, f := range []Fingerprint{New(wire), New("Channel closed."), New("two words"), {}} {
		b := f.Encode()
		g, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if !reflect.DeepEqual(f, g) {
			t.Errorf("Decode(Encode(f)) = %+v, want %+v", g, f)
		}
	}
	if n := len(New(wire).Encode()); n > 1+8+2+2+4*K {
		t.Errorf("encoded size %d bytes", n)
	}
	good := New(wire).Encode()
	bad := map[string][]byte{
		"Empty":     nil,
		"Version":   append([]byte{99}, good[1:]...),
		"Truncated": good[:len(good)-1],
		"Trailing":  append(slices.Clone(good), 0),
		"ShortHash": good[:5],
		"BadCount":  append(slices.Clone(good[:9]), 0x80),
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode(b); err == nil {
				t.Errorf("Decode(%x…) succeeded", b[:min(len(b), 12)])
			}
		})
	}
	if _, err := Decode(bad["Version"]); !errors.Is(err, ErrVersion) {
		t.Errorf("Decode of another version: %v, want ErrVersion", err)
	}
}

// Corpus tests.

// corpusDir is the shared corpus's stories, relative to this package.
const corpusDir = "../../../shared/corpus/stories"

type article struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// loadCorpus reads NAME.jsonl and NAME.labels.tsv (url → story), skipping
// the test when the corpus is missing.
func loadCorpus(tb testing.TB, name string) ([]article, map[string]string) {
	tb.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name+".jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("skipping: corpus %s missing (%v); it is described in corpus/README.md", name, err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var arts []article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			tb.Fatalf("%s.jsonl line %d: %v", name, len(arts)+1, err)
		}
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	story := make(map[string]string)
	for _, row := range readTSV(tb, filepath.Join(corpusDir, name+".labels.tsv")) {
		story[row["url"]] = row["story"]
	}
	return arts, story
}

// readTSV reads a tab-separated file with a header line into one map a row.
func readTSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	for l := range strings.Lines(string(b)) {
		if l = strings.TrimRight(l, "\r\n"); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		tb.Fatalf("%s: no header", path)
	}
	head := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, l := range lines[1:] {
		row := make(map[string]string)
		for i, c := range strings.Split(l, "\t") {
			if i < len(head) {
				row[head[i]] = c
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// pair is two article indexes, the smaller first.
type pair [2]int

func newPair(i, j int) pair {
	if i > j {
		i, j = j, i
	}
	return pair{i, j}
}

// placement is what placing every article of a corpus in turn found, the way
// the ingest pipeline does it: look up the article's hash and band keys
// among the articles already placed, confirm each candidate with Same, then
// add the article to the index.
type placement struct {
	candidates map[pair]bool // proposed by the hash or the band index
	merged     map[pair]bool // candidates that Same accepted
	maxCand    int           // most candidates of one article
}

func place(arts []article) placement {
	p := placement{
		candidates: make(map[pair]bool),
		merged:     make(map[pair]bool),
	}
	byHash := make(map[uint64][]int)
	byBand := make(map[uint64][]int)
	for i, a := range arts {
		f := New(a.Text)
		cand := make(map[int]bool)
		if f.Hash != 0 {
			for _, j := range byHash[f.Hash] {
				cand[j] = true
			}
			byHash[f.Hash] = append(byHash[f.Hash], i)
		}
		for _, k := range f.Bands() {
			for _, j := range byBand[k] {
				cand[j] = true
			}
			byBand[k] = append(byBand[k], i)
		}
		p.maxCand = max(p.maxCand, len(cand))
		for j := range cand {
			p.candidates[newPair(i, j)] = true
			if Same(arts[j].Text, a.Text) {
				p.merged[newPair(i, j)] = true
			}
		}
	}
	return p
}

// inspected returns the pairs judged by hand in testdata/inspected.tsv:
// url pair → true when the two are the same text.
func inspected(tb testing.TB) map[[2]string]bool {
	m := make(map[[2]string]bool)
	for _, row := range readTSV(tb, "testdata/inspected.tsv") {
		a, b := row["url_a"], row["url_b"]
		if a > b {
			a, b = b, a
		}
		m[[2]string{a, b}] = row["verdict"] == "same"
	}
	return m
}

func urlPair(arts []article, p pair) [2]string {
	a, b := arts[p[0]].URL, arts[p[1]].URL
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

func describe(arts []article, p pair) string {
	na, nb := Normalize(arts[p[0]].Text), Normalize(arts[p[1]].Text)
	o := overlap(shingles(strings.Fields(na), ShingleSize), shingles(strings.Fields(nb), ShingleSize))
	return fmt.Sprintf("%s\t%s\tJ=%.3f C=%.3f ratio=%.2f shared=%d", arts[p[0]].URL, arts[p[1]].URL,
		o.jaccard(), o.containment(), o.lengthRatio(), o.shared)
}

func TestCorpusDuplicates(t *testing.T) {
	arts, _ := loadCorpus(t, "bbc")
	index := make(map[string]int)
	for i, a := range arts {
		index[a.URL] = i
	}
	labelled := make(map[pair]string)
	for _, row := range readTSV(t, filepath.Join(corpusDir, "bbc.duplicates.tsv")) {
		i, ok1 := index[row["url_a"]]
		j, ok2 := index[row["url_b"]]
		if !ok1 || !ok2 {
			t.Fatalf("bbc.duplicates.tsv names an unknown article: %v", row)
		}
		labelled[newPair(i, j)] = row["kind"]
	}
	p := place(arts)
	judged := inspected(t)

	// Recall: labelled pairs found by the index and accepted by Same.
	found := make(map[string]int)
	total := make(map[string]int)
	for q, kind := range labelled {
		total[kind]++
		if p.merged[q] {
			found[kind]++
		} else {
			t.Logf("missed %s pair: %s (candidate: %v)", kind, describe(arts, q), p.candidates[q])
		}
	}
	hits := found["exact"] + found["revision"]
	recall := float64(hits) / float64(len(labelled))

	// Precision over every pair the index proposed and Same accepted.
	var tp, tpInspected, equalText, fp int
	for q := range p.merged {
		switch {
		case labelled[q] != "":
			tp++
		case Normalize(arts[q[0]].Text) == Normalize(arts[q[1]].Text):
			equalText++
		default:
			verdict, ok := judged[urlPair(arts, q)]
			switch {
			case !ok:
				t.Errorf("merged pair not labelled and not inspected: %s", describe(arts, q))
				fp++
			case verdict:
				tpInspected++
				t.Logf("unlabelled pair, inspected: same text: %s", describe(arts, q))
			default:
				fp++
				t.Logf("FALSE MERGE (inspected): %s", describe(arts, q))
			}
		}
	}
	strict := float64(tp+equalText) / float64(len(p.merged))
	inspectedPrecision := float64(tp+equalText+tpInspected) / float64(len(p.merged))
	t.Logf("bbc: %d articles, %d labelled pairs (%d exact, %d revision)", len(arts), len(labelled), total["exact"], total["revision"])
	t.Logf("recall (index candidate and Same): %.4f (%d/%d; exact %d/%d, revision %d/%d)",
		recall, hits, len(labelled), found["exact"], total["exact"], found["revision"], total["revision"])
	t.Logf("merged pairs: %d = %d labelled + %d equal text + %d unlabelled judged same by hand + %d false",
		len(p.merged), tp, equalText, tpInspected, fp)
	t.Logf("precision: %.4f counting only labels and equal texts; %.4f counting the pairs inspected by hand", strict, inspectedPrecision)
	t.Logf("cost: %d candidate pairs for %d articles: %.3f per article (at most %d for one)",
		len(p.candidates), len(arts), float64(len(p.candidates))/float64(len(arts)), p.maxCand)

	if recall < 0.99 {
		t.Errorf("recall %.4f, want ≥ 0.99", recall)
	}
	if strict < 0.92 {
		t.Errorf("precision on labels alone %.4f, want ≥ 0.92", strict)
	}
	if perArticle := float64(len(p.candidates)) / float64(len(arts)); perArticle > 0.25 {
		t.Errorf("%.3f candidate pairs per article, want ≤ 0.25", perArticle)
	}
	if inspectedPrecision < 0.99 {
		t.Errorf("precision %.4f, want ≥ 0.99", inspectedPrecision)
	}
}

func TestCorpusFalseMerges(t *testing.T) {
	judged := inspected(t)
	for _, name := range []string{"ecbplus", "neus-trainval"} {
		t.Run(name, func(t *testing.T) {
			arts, story := loadCorpus(t, name)
			norm := make([]string, len(arts))
			for i, a := range arts {
				norm[i] = Normalize(a.Text)
			}
			// The same-story pairs with different texts: the pairs that
			// must not be merged, unless they are copies of one text.
			byStory := make(map[string][]int)
			for i, a := range arts {
				if s := story[a.URL]; s != "" {
					byStory[s] = append(byStory[s], i)
				}
			}
			var pairs, equal int
			for _, ids := range byStory {
				for x, i := range ids {
					for _, j := range ids[x+1:] {
						if norm[i] == norm[j] && norm[i] != "" {
							equal++
						} else {
							pairs++
						}
					}
				}
			}
			p := place(arts)
			var merged, copies, falseMerges, otherStory int
			for q := range p.merged {
				si, sj := story[arts[q[0]].URL], story[arts[q[1]].URL]
				if norm[q[0]] == norm[q[1]] {
					continue
				}
				if si != sj || si == "" {
					otherStory++
					if !judged[urlPair(arts, q)] {
						t.Errorf("merged articles of different stories: %s", describe(arts, q))
					}
					continue
				}
				merged++
				verdict, ok := judged[urlPair(arts, q)]
				switch {
				case !ok:
					falseMerges++
					t.Errorf("merged same-story pair not inspected: %s", describe(arts, q))
				case verdict:
					copies++
				default:
					falseMerges++
					t.Logf("FALSE MERGE (inspected): %s", describe(arts, q))
				}
			}
			raw := float64(merged) / float64(pairs)
			rate := float64(falseMerges) / float64(pairs)
			t.Logf("%s: %d articles in %d stories; %d same-story pairs with different texts (and %d with equal normalised text)",
				name, len(arts), len(byStory), pairs, equal)
			t.Logf("merged same-story pairs with different texts: %d (%.3f%%), of which %d inspected copies of one text; false merges %d: rate %.3f%%; merges across stories: %d",
				merged, 100*raw, copies, falseMerges, 100*rate, otherStory)
			t.Logf("cost: %d candidate pairs for %d articles: %.3f per article (at most %d for one)",
				len(p.candidates), len(arts), float64(len(p.candidates))/float64(len(arts)), p.maxCand)
			if rate > 0.005 {
				t.Errorf("false-merge rate %.3f%%, want ≤ 0.5%%", 100*rate)
			}
			if raw > 0.006 {
				t.Errorf("%.3f%% of same-story pairs merged, want ≤ 0.6%%", 100*raw)
			}
			if perArticle := float64(len(p.candidates)) / float64(len(arts)); perArticle > 0.25 {
				t.Errorf("%.3f candidate pairs per article, want ≤ 0.25", perArticle)
			}
		})
	}
}

// TestCorpusEdits measures recall on edited copies made from the bbc
// articles: each copy gets the edits that republishing outlets make, and
// must be found by the index and accepted by Same.
func TestCorpusEdits(t *testing.T) {
	arts, _ := loadCorpus(t, "bbc")
	rng := rand.New(rand.NewPCG(1, 2))
	// floor is a little under the recall measured on the corpus. Random
	// word changes and trimming whole paragraphs weigh most on the short
	// articles (150 words in four paragraphs).
	edits := []struct {
		name  string
		floor float64
		edit  func([]string) []string
	}{
		{"dateline+credits", 0.99, func(ps []string) []string {
			ps = slices.Clone(ps)
			ps[0] = "LONDON (CWS) — " + ps[0]
			return append(ps, "Reporting by Jane Roe; Editing by John Doe", "Read more: other news", "Copyright 2025 CWS.")
		}},
		{"last paragraph trimmed", 0.99, func(ps []string) []string { return ps[:max(1, len(ps)-1)] }},
		{"first two-thirds kept", 0.99, func(ps []string) []string { return ps[:max(1, (2*len(ps)+2)/3)] }},
		{"local paragraph added", 0.99, func(ps []string) []string {
			return slices.Insert(slices.Clone(ps), min(2, len(ps)),
				"In Grey Harbour, the local council said it would discuss what the news meant for residents at its meeting next week.")
		}},
		{"1 word in 50 changed", 0.98, func(ps []string) []string { return changeWords(rng, ps, 50) }},
		{"1 word in 25 changed", 0.85, func(ps []string) []string { return changeWords(rng, ps, 25) }},
		{"trimmed+added+1 in 50", 0.92, func(ps []string) []string {
			ps = changeWords(rng, ps[:max(1, len(ps)-1)], 50)
			return append(ps, "A spokesman for the local council declined to comment on Tuesday.")
		}},
	}
	type original struct {
		paragraphs []string
		norm       string
		fp         Fingerprint
	}
	var originals []original
	for i, a := range arts {
		// Every fifth article keeps the test fast under -race.
		if i%5 != 0 {
			continue
		}
		if ps := wireParagraphs(a.Text); len(ps) >= 4 {
			norm := Normalize(a.Text)
			originals = append(originals, original{ps, norm, fingerprint(norm)})
		}
	}
	for _, e := range edits {
		var n, found, candidate int
		for _, o := range originals {
			// New and Same, with the original's normalisation done once.
			edited := Normalize(join(e.edit(o.paragraphs)...))
			fp := fingerprint(edited)
			n++
			isCand := o.fp.Hash == fp.Hash || shareBand(o.fp, fp)
			if isCand {
				candidate++
			}
			if isCand && same(o.norm, edited) {
				found++
			}
		}
		recall := float64(found) / float64(n)
		t.Logf("%-24s recall %.4f (%d/%d; index proposed %d)", e.name, recall, found, n, candidate)
		if recall < e.floor {
			t.Errorf("%s: recall %.4f, want ≥ %.2f", e.name, recall, e.floor)
		}
	}
}

// wireParagraphs splits text into paragraphs of two sentences, the length of
// a wire report's paragraphs (the bbc texts join many into one).
func wireParagraphs(text string) []string {
	var sentences []string
	for _, p := range strings.Split(text, "\n") {
		words := strings.Fields(p)
		start := 0
		for i, w := range words {
			end := strings.TrimRight(w, `"'”’)`)
			if strings.HasSuffix(end, ".") || strings.HasSuffix(end, "?") || strings.HasSuffix(end, "!") || i == len(words)-1 {
				sentences = append(sentences, strings.Join(words[start:i+1], " "))
				start = i + 1
			}
		}
	}
	var ps []string
	for i := 0; i < len(sentences); i += 2 {
		ps = append(ps, strings.Join(sentences[i:min(i+2, len(sentences))], " "))
	}
	return ps
}

// changeWords returns ps with one word in every n replaced by another.
func changeWords(rng *rand.Rand, ps []string, n int) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		words := strings.Fields(p)
		for j := range words {
			if rng.IntN(n) == 0 {
				words[j] = "changed"
			}
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

// benchText returns a made-up text of n words, drawn from the wire report.
func benchText(n int, seed uint64) string {
	vocab := strings.Fields(join(paragraphs()...))
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	for i := range n {
		if i > 0 {
			if i%60 == 0 {
				b.WriteString(".\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(vocab[rng.IntN(len(vocab))])
	}
	return b.String()
}

func BenchmarkNew(b *testing.B) {
	text := benchText(700, 1)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		New(text)
	}
}

func BenchmarkSame(b *testing.B) {
	a := benchText(700, 1)
	ps := strings.Split(a, "\n\n")
	edited := join(append(ps[:len(ps)-1], "A spokesman declined to comment.")...)
	b.SetBytes(int64(len(a) + len(edited)))
	for b.Loop() {
		Same(a, edited)
	}
}

func FuzzNew(f *testing.F) {
	f.Add(wire)
	f.Add(independent)
	f.Add("")
	f.Add("LONDON (Reuters) -")
	f.Add("By Jane Doe\n(CNN) -- a b c d e f")
	f.Add("Read more: x. Read more")
	f.Add("Cafe\u0301 \xff\xfe ’’ ©")
	f.Fuzz(func(t *testing.T, text string) {
		fp := New(text)
		if again := New(text); !reflect.DeepEqual(fp, again) {
			t.Fatalf("New is not deterministic: %+v, %+v", fp, again)
		}
		if len(fp.MinHash) > 0 {
			if s := Similarity(fp, fp); s != 1 {
				t.Fatalf("Similarity(x, x) = %v", s)
			}
		}
		if len(fp.MinHash) != 0 && len(fp.MinHash) != K {
			t.Fatalf("%d MinHash values", len(fp.MinHash))
		}
		if b := fp.Bands(); b != nil && len(b) != Bands {
			t.Fatalf("%d band keys", len(b))
		}
		g, err := Decode(fp.Encode())
		if err != nil {
			t.Fatalf("Decode(Encode(f)): %v", err)
		}
		if !reflect.DeepEqual(fp, g) {
			t.Fatalf("Decode(Encode(f)) = %+v, want %+v", g, fp)
		}
		if fp.Hash != 0 && !Same(text, text) {
			t.Fatalf("Same(x, x) is false for a text with identity")
		}
		Decode([]byte(text)) // must not panic
	})
}
