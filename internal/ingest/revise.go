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
	`|\d+ (comments?|shares?|views?|reactions?)` +
	`|\d+ min(ute)?s? read` +
	`|(read more|related|most read|trending)( stories| articles)?:?` +
	`)$`)

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
	cur, now := herald.CountWords(current.Text), herald.CountWords(fresh.Text)
	if cur >= minWordsToJudge && float64(now) < minRevisionShare*float64(cur) {
		return false, "the page now gives far less text (a paywall or an error page?)"
	}
	if normalised(current.Title) != normalised(fresh.Title) || normalised(current.Byline) != normalised(fresh.Byline) {
		return true, ""
	}
	if normalised(current.Text) != normalised(fresh.Text) {
		return true, ""
	}
	return false, "only whitespace or boilerplate changed"
}
