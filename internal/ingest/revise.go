package ingest

import (
	"regexp"
	"strings"

	"github.com/herald-news/herald"
)

// A re-check's page is a new version of its article only when its words
// changed: outlets rewrite timestamps, counters and widgets on every
// load, and a page that now extracts to little is a paywall or an error
// served as 200, not the article rewritten.

// boilerplateLine matches the lines of a page's text that change without
// the article changing: times of update, "Advertisement", share and
// comment counters, reading times.
var boilerplateLine = regexp.MustCompile(`(?i)^(` +
	`(updated|last updated|last modified|published|posted|modified)\b.{0,60}` +
	`|advertisement|advert|sponsored( content)?|share( this)?( article| story)?` +
	`|` + counter + ` (comments?|shares?|views?|reads?|reactions?|likes?)` +
	`|(comments?|shares?|views?|reactions?|likes?):? \(?` + counter + `\)?` +
	`|\d+ min(ute)?s? read` +
	`|(read more|related|most read|trending)( stories| articles)?:?` +
	`)$`)

// counter is a count as pages print it: 7, 1,234, 1 234, 1.2K, 3M.
const counter = `\d[\d,. ]*[kKmM]?`

// volatileToken matches words that differ between loads of one page:
// long hexadecimal or base64-like ids, session tokens, cache busters.
var volatileToken = regexp.MustCompile(`\b[0-9a-fA-F]{16,}\b|\b[A-Za-z0-9_-]{32,}\b`)

// normalised is a text reduced to what makes it the article: lines of
// boilerplate dropped, volatile tokens removed, spaces folded.
func normalised(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" || boilerplateLine.MatchString(line) {
			continue
		}
		line = volatileToken.ReplaceAllString(line, "")
		b.WriteString(strings.Join(strings.Fields(line), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// minRevisionShare is how much of the current text a new version must
// keep, in words, to count: less is a paywall, a consent wall or an
// error page, not a rewrite.
const minRevisionShare = 0.5

// minWordsToJudge is the length below which a text is too short for
// minRevisionShare to say anything.
const minWordsToJudge = 80

// Revised reports whether fresh, the article as a re-check read it, is a
// new version of current, and why not when it is not.
func Revised(current, fresh *herald.Article) (bool, string) {
	if why := cutShort(current, fresh); why != "" {
		return false, why
	}
	if normalised(current.Title) != normalised(fresh.Title) || normalised(current.Byline) != normalised(fresh.Byline) {
		return true, ""
	}
	if normalised(current.Text) != normalised(fresh.Text) {
		return true, ""
	}
	return false, "only whitespace or boilerplate changed"
}

// cutShort says why fresh is current cut short, a paywall or an error
// page rather than a rewrite, or "" when it is not.
func cutShort(current, fresh *herald.Article) string {
	cur, now := herald.CountWords(current.Text), herald.CountWords(fresh.Text)
	switch {
	case cur >= minWordsToJudge && float64(now) < minRevisionShare*float64(cur):
		return "the page now gives far less text (a paywall or an error page?)"
	case truncated(current.Text, fresh.Text):
		return "the page now gives only the start of the text (a paywall?)"
	}
	return ""
}

// truncated reports whether fresh is the start of current cut short,
// perhaps with a last line of its own ("Subscribe to read on"): a
// paywall that shows the first paragraphs, not a rewrite. An outlet that
// really cuts its last paragraphs keeps its older, longer version.
func truncated(current, fresh string) bool {
	c, f := normalised(current), normalised(fresh)
	if len(f) >= len(c) || f == "" {
		return false
	}
	if strings.HasPrefix(c, f) {
		return true
	}
	lines := strings.Split(strings.TrimSuffix(f, "\n"), "\n")
	head := strings.Join(lines[:len(lines)-1], "\n")
	return len(lines) > 1 && len(head) < len(c)*7/10 && strings.HasPrefix(c, head+"\n")
}
