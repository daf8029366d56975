// Package correction finds the corrections, clarifications and editor's
// notes an outlet adds to an article, so that Herald can show them at the
// top of its copy and list them on the corrections page.
package correction

import (
	"regexp"
	"strings"
)

// note matches a paragraph that is a correction or an editor's note, in
// the forms outlets use: a label ("Correction:", "Clarification:",
// "Editor's note:"), a dated label ("Correction, 3 March:"), or a sentence
// saying the article was changed ("This article has been updated to…",
// "An earlier version of this story misstated…").
var note = regexp.MustCompile(`(?i)^(` +
	`(correction|clarification|editor['’]?s note|editors['’] note|update|amendment)s?\b[^:.]{0,40}:` +
	`|\[?(correction|clarification)\]?\s*[-–—]` +
	`|this (article|story|report|piece|post) (has been|was) (updated|amended|corrected|changed|edited)\b` +
	`|(an|the) (earlier|previous|original) version of this (article|story|report|piece|post)\b` +
	`|we (have )?(corrected|amended|updated) this (article|story|report|piece)\b` +
	`)`)

// MaxLen bounds one note: a longer paragraph is the article going on,
// not a note about it.
const MaxLen = 600

// Max bounds the notes taken from one article.
const Max = 5

// Find returns the paragraphs of text (paragraphs separated by blank
// lines) that are corrections or editor's notes, in order, at most Max.
func Find(text string) []string {
	var found []string
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || len(p) > MaxLen || !note.MatchString(p) {
			continue
		}
		if isUpdateOnlyTime(p) {
			continue
		}
		found = append(found, p)
		if len(found) == Max {
			break
		}
	}
	return found
}

// updateTime matches "Update: 10:42 GMT" and the like: a time stamp, not a
// note about what changed.
var updateTime = regexp.MustCompile(`(?i)^update[ds]?\b[^:]{0,40}:\s*[\d:.apm ]*(gmt|utc|bst|cet|est|edt|pst|pdt)?\.?$`)

func isUpdateOnlyTime(p string) bool { return updateTime.MatchString(p) }
