package comment

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/herald-news/herald"
)

// The classifier watches, scoring comments without acting on the score,
// until it has learnt from MinTrainingDocs approved and as many spam
// comments; then it holds comments scoring SpamThreshold or more.
const (
	MinTrainingDocs = 50
	SpamThreshold   = 0.9
	maxTokens       = 200
)

// Tokens returns the distinct features of a comment the classifier learns
// from: lower-cased words of its text and name, and the host of its
// website and of each link.
func Tokens(c *herald.Comment) []string {
	seen := map[string]bool{}
	add := func(t string) {
		if len(t) >= 2 && len(t) <= 40 && len(seen) < maxTokens {
			seen[t] = true
		}
	}
	words := func(prefix, s string) {
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '\''
		}) {
			add(prefix + w)
		}
	}
	words("", c.Text)
	words("name:", c.AuthorName)
	for _, link := range append(bareLink.FindAllString(c.Text, -1), c.AuthorURL) {
		if _, rest, ok := strings.Cut(link, "://"); ok {
			host, _, _ := strings.Cut(rest, "/")
			add("host:" + strings.ToLower(host))
		}
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Active reports whether the model has learnt enough to act.
func Active(m herald.ClassifierCounts) bool {
	return m.HamDocs >= MinTrainingDocs && m.SpamDocs >= MinTrainingDocs
}

// SpamScore is the naive Bayes probability that a comment with tokens is
// spam, from 0 to 1, with add-one smoothing; -1 when the model has never
// seen a comment of either class.
func SpamScore(m herald.ClassifierCounts, tokens []string) float64 {
	if m.HamDocs == 0 || m.SpamDocs == 0 {
		return -1
	}
	total := float64(m.HamDocs + m.SpamDocs)
	logHam := math.Log(float64(m.HamDocs) / total)
	logSpam := math.Log(float64(m.SpamDocs) / total)
	for _, t := range tokens {
		c := m.Tokens[t]
		logHam += math.Log((float64(c[0]) + 1) / (float64(m.HamDocs) + 2))
		logSpam += math.Log((float64(c[1]) + 1) / (float64(m.SpamDocs) + 2))
	}
	// P(spam) = 1 / (1 + e^(logHam - logSpam)), computed without overflow.
	d := logHam - logSpam
	if d > 700 {
		return 0
	}
	return 1 / (1 + math.Exp(d))
}

// Training is how a moderator's decision moves the model: the change to
// the ham and spam counts when a comment goes from one state to another.
// Only approved (ham) and spam teach it; moving out of either unlearns.
func Training(from, to herald.CommentStatus) (ham, spam int) {
	class := func(s herald.CommentStatus) (int, int) {
		switch s {
		case herald.CommentApproved:
			return 1, 0
		case herald.CommentSpam:
			return 0, 1
		}
		return 0, 0
	}
	h1, s1 := class(from)
	h2, s2 := class(to)
	return h2 - h1, s2 - s1
}
