package digest

import (
	"slices"
	"strings"
	"unicode"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/story"
)

// Suggestion is a name or phrase many recent articles share that no topic
// covers: a candidate topic.
type Suggestion struct {
	Phrase   string // as the articles spell it, lower-cased
	Articles int    // how many of the articles read use it
}

// Suggest returns up to n names and phrases (as internal/story marks them:
// capitalised names and places, and two-word names) that at least min of
// the articles use in their title or lead and that none of topics matches,
// the most used first. A single word is left out when a suggested phrase
// holds it.
func Suggest(articles []*herald.Article, topics []*herald.Topic, min, n int) []Suggestion {
	count := map[string]int{}
	surface := surfaceForms{}
	for _, a := range articles {
		surface.add(a.Title + " " + a.Lead)
		for _, t := range story.Terms(story.Doc{Title: a.Title, Text: a.Lead}) {
			if t.Name {
				count[t.Term]++
			}
		}
	}
	var out []Suggestion
	for term, c := range count {
		if c < min {
			continue
		}
		phrase := surface.spell(term)
		if covered(phrase, topics) {
			continue
		}
		out = append(out, Suggestion{Phrase: phrase, Articles: c})
	}
	slices.SortFunc(out, func(a, b Suggestion) int {
		if a.Articles != b.Articles {
			return b.Articles - a.Articles
		}
		if pa, pb := strings.Count(a.Phrase, " "), strings.Count(b.Phrase, " "); pa != pb {
			return pb - pa // phrases before single words
		}
		return strings.Compare(a.Phrase, b.Phrase)
	})
	var kept []Suggestion
	for _, s := range out {
		if len(kept) == n {
			break
		}
		if !strings.Contains(s.Phrase, " ") && slices.ContainsFunc(kept, func(k Suggestion) bool {
			return slices.Contains(strings.Fields(k.Phrase), s.Phrase)
		}) {
			continue
		}
		kept = append(kept, s)
	}
	return kept
}

// covered reports whether a topic's rules already match phrase, or hold it.
func covered(phrase string, topics []*herald.Topic) bool {
	for _, t := range topics {
		if (herald.TopicRules{Match: t.Rules.Match}).Matches(phrase, "", "") {
			return true
		}
		for _, m := range t.Rules.Match {
			if strings.Contains(" "+strings.ToLower(m)+" ", " "+phrase+" ") {
				return true
			}
		}
	}
	return false
}

// surfaceForms remembers how words are written, so that a stemmed term
// ("william", "announc") is shown as the articles spell it.
type surfaceForms map[string]int

func (s surfaceForms) add(text string) {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		s[w]++
	}
}

// spell returns the most frequent written word starting with each word of
// term, or the word itself.
func (s surfaceForms) spell(term string) string {
	words := strings.Fields(term)
	for i, w := range words {
		best, n := w, s[w]
		for cand, c := range s {
			if strings.HasPrefix(cand, w) && len(cand) <= len(w)+3 && (c > n || c == n && cand < best) {
				best, n = cand, c
			}
		}
		words[i] = best
	}
	return strings.Join(words, " ")
}
