// Package digest chooses the sentences that best say what happened in an
// article or a story: the key points of Herald's "Latest developments" box
// and of `herald keypoints`. It also suggests topics (Suggest): the names
// and phrases many recent articles share that no topic covers.
//
// It is pure: the caller passes the articles' text and gets sentences back.
// Selection runs in three steps:
//
//  1. Split each article into sentences (Split).
//  2. Keep only sentences that can stand alone as a point: complete (ending
//     with a full stop, of a readable length), not the headline, not direct
//     speech, not a caption or a call to click, and not leaning on the
//     sentence before ("He added that…", "But…", "This…").
//  3. Score the rest by how central their words are to the article or
//     story (how many of its sentences and articles share them, with the
//     headline's words counting double) and by position (news puts what
//     happened first), then take them best first, dropping any sentence
//     that says what a chosen one already says (Similarity at
//     RedundantThreshold, tuned on news paraphrase pairs).
package digest

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Doc is one article as the digest sees it.
type Doc struct {
	Title     string
	Text      string // the plain body, paragraphs separated by blank lines
	URL       string
	Published time.Time
}

// Point is one chosen sentence and the article it comes from.
type Point struct {
	Sentence string
	URL      string
	Doc      int // index of the article in the slice passed to Select
	Score    float64
}

// Params are the tunable constants of the selection. DefaultParams gives
// the values measured with bench/digest.
type Params struct {
	MinWords, MaxWords int // a point's length in words
	// PositionWeight is the share of the score given to position: a
	// sentence's position prior is 1/(1+pos/PositionScale).
	PositionWeight float64
	PositionScale  float64
	TitleBoost     float64 // a headline word counts this many times
	// Redundant is the similarity (see Similarity) at and above which two
	// sentences say the same thing.
	Redundant float64
}

// DefaultParams returns the measured defaults.
func DefaultParams() Params {
	return Params{
		MinWords:       6,
		MaxWords:       55,
		PositionWeight: 0.85,
		PositionScale:  1,
		TitleBoost:     2,
		Redundant:      RedundantThreshold,
	}
}

// candidate is a sentence that may become a point.
type candidate struct {
	sentence
	doc   int
	terms []string
	score float64
}

// Select returns up to n points from docs, best first. Articles of one
// story are passed together; a sentence repeated by several of them counts
// once, and its terms weigh more for being shared. Select never fails: a
// text with no sentence fit to stand alone gives no points.
func Select(docs []Doc, n int, p Params) []Point {
	if n <= 0 {
		return nil
	}
	cands := candidates(docs, p)
	score(cands, docs, p)
	slices.SortStableFunc(cands, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var out []Point
	var chosen [][]string
	for _, c := range cands {
		if len(out) == n {
			break
		}
		if redundant(c.terms, chosen, p.Redundant) {
			continue
		}
		chosen = append(chosen, c.terms)
		out = append(out, Point{Sentence: c.text, URL: docs[c.doc].URL, Doc: c.doc, Score: c.score})
	}
	return out
}

// Lead returns the first n sentences of the first article: the baseline a
// selection is measured against.
func Lead(d Doc, n int) []string {
	ss := Split(d.Text)
	return ss[:min(n, len(ss))]
}

// candidates splits docs and keeps the sentences fit to stand alone.
func candidates(docs []Doc, p Params) []candidate {
	var out []candidate
	for i, d := range docs {
		title := termsOf(d.Title)
		for _, s := range split(d.Text) {
			s.text = trimDateline(s.text)
			if !standsAlone(s, p) {
				continue
			}
			terms := termsOf(s.text)
			if len(terms) < 3 {
				continue // nothing to say
			}
			if len(title) > 0 && similar(terms, title) >= headlineSimilarity {
				continue // the headline again, or nearly
			}
			out = append(out, candidate{sentence: s, doc: i, terms: terms})
		}
	}
	return out
}

// Datelines open a report with where it was filed and who filed it:
// "PORT ELLERY — ", "LONDON (Reuters) - ", "(CNN) ". They are not part of
// what happened.
var (
	capsDateline   = regexp.MustCompile(`^[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+)*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)*)? ?(?:\( ?[A-Za-z][A-Za-z .]* ?\) ?)?(?:—|–|--?) `)
	agencyDateline = regexp.MustCompile(`^\( ?[A-Za-z][A-Za-z .]* ?\) ?(?:(?:—|–|--?) )?`)
)

// trimDateline removes a dateline from the start of a sentence.
func trimDateline(text string) string {
	for _, re := range []*regexp.Regexp{capsDateline, agencyDateline} {
		if loc := re.FindStringIndex(text); loc != nil && loc[1] < len(text) {
			return text[loc[1]:]
		}
	}
	return text
}

// headlineSimilarity is how close to the headline a sentence may come
// before it is taken for the headline repeated.
const headlineSimilarity = 0.8

// standsAlone reports whether s can be a point on its own.
func standsAlone(s sentence, p Params) bool {
	switch {
	case !s.closed, s.quoted, s.words < p.MinWords, s.words > p.MaxWords:
		return false
	case s.pos > 0 && dependent(s.text), boilerplate(s.text):
		return false
	}
	return true
}

// dependent reports whether a sentence leans on the one before it (the
// first sentence of an article has none to lean on): it
// opens with a pronoun or a connective ("He added…", "But…", "This
// means…"), or in lower case where the text has capitals.
func dependent(text string) bool {
	words := strings.Fields(strings.ToLower(text))
	if len(words) == 0 {
		return true
	}
	first := strings.Trim(words[0], `"'“‘(,;:—–-`)
	if leaning[first] {
		return true
	}
	if len(words) > 1 {
		two := first + " " + strings.Trim(words[1], ",;:")
		if leaningPairs[two] {
			return true
		}
	}
	return hasUpper(text) && startsLower(text)
}

var leaning = set(`he she they it its his her their them him we i you this these those that such there here
also but and or so yet still however meanwhile moreover furthermore besides nevertheless nonetheless instead thus therefore hence then
although though while whereas because since otherwise likewise similarly additionally again anyway indeed later earlier afterwards
both neither either another others`)

var leaningPairs = set2([]string{
	"in addition", "as a", "as well", "on the", "at the same", "for his", "for her", "for their",
	"the latter", "the former", "the move", "the decision", "the comments", "the statement", "the remarks",
	"in response", "after that", "before that", "by contrast", "in contrast", "even so", "not only",
})

func set2(phrases []string) map[string]bool {
	m := map[string]bool{}
	for _, ph := range phrases {
		m[ph] = true
	}
	return m
}

// boilerplate reports a caption, a credit or a call to the reader rather
// than reporting.
func boilerplate(text string) bool {
	t := strings.ToLower(text)
	for _, b := range []string{
		"click here", "scroll down", "pictured", "picture:", "photo:", "photograph:", "image:",
		"(file photo", "(file picture", "video:", "sign up", "subscribe", "follow us", "follow him on",
		"follow her on", "read more", "watch the video", "for confidential support", "@", "http://", "https://",
		"copyright", "all rights reserved", "contributed to this report",
	} {
		if strings.Contains(t, b) {
			return true
		}
	}
	return false
}

// score sets each candidate's score: the centrality of its terms in the
// documents, mixed with its position prior.
func score(cands []candidate, docs []Doc, p Params) {
	weight := termWeights(cands, docs, p)
	best := 0.0
	for i := range cands {
		c := &cands[i]
		sum := 0.0
		for _, t := range c.terms {
			sum += weight[t]
		}
		// Dividing by the square root of the length favours neither a
		// long sentence that lists everything nor a short one.
		c.score = sum / math.Sqrt(float64(len(c.terms)))
		best = max(best, c.score)
	}
	for i := range cands {
		c := &cands[i]
		central := 0.0
		if best > 0 {
			central = c.score / best
		}
		prior := 1 / (1 + float64(c.pos)/p.PositionScale)
		c.score = (1-p.PositionWeight)*central + p.PositionWeight*prior
	}
}

// termWeights weighs each term by how many candidate sentences hold it,
// times the share of articles that use it (a term every outlet uses is the
// story's), with headline terms counted TitleBoost times.
func termWeights(cands []candidate, docs []Doc, p Params) map[string]float64 {
	count := map[string]float64{}
	inDocs := map[string]map[int]bool{}
	for _, c := range cands {
		for _, t := range c.terms {
			count[t]++
			if inDocs[t] == nil {
				inDocs[t] = map[int]bool{}
			}
			inDocs[t][c.doc] = true
		}
	}
	for _, d := range docs {
		for _, t := range termsOf(d.Title) {
			count[t] += p.TitleBoost
		}
	}
	w := make(map[string]float64, len(count))
	for t, n := range count {
		share := 1.0
		if len(docs) > 1 {
			share = float64(len(inDocs[t])) / float64(len(docs))
		}
		// A term met once is no evidence of centrality.
		w[t] = (n - 1) * (0.5 + share)
	}
	return w
}

// redundant reports whether terms say what one of chosen says.
func redundant(terms []string, chosen [][]string, threshold float64) bool {
	for _, c := range chosen {
		if similar(terms, c) >= threshold {
			return true
		}
	}
	return false
}
