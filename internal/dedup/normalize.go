package dedup

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a boilerplate line may be: a real paragraph that happens to
// start like one ("Sign up rates rose…") is usually longer.
const (
	maxBoilerplateWords = 40 // a line recognised by how it starts
	maxCreditWords      = 12 // a line recognised by what it contains
	maxBylineWords      = 9  // "By Jane Doe and John Roe, Associated Press"
	datelineLines       = 3  // datelines are looked for in the first lines only
)

// dateline matches a dateline at the start of a paragraph:
//
//	LONDON (Reuters) -
//	WASHINGTON, March 3 (AP) —
//	PORT ELLERY (CWS) —
//	Port Ellery (CWS) —
//	(CNN) --
//	NEW YORK —
//
// A dateline without an agency must be in capitals, so that "Apple — the
// company…" keeps its first word.
var dateline = regexp.MustCompile(`^(?:` +
	// CITY[, extra] [(Agency)]
	`\p{Lu}[\p{Lu}\p{M}.'’\-]+(?:\s+\p{Lu}[\p{Lu}\p{M}.'’\-]*){0,4}(?:,\s*[\p{L}\p{N}.\- ]{2,30}?)?(?:\s*\([^()]{1,40}\))?` +
	// City Name[, extra] (Agency)
	`|\p{Lu}[\p{L}\p{M}.'’\-]*(?:\s+\p{Lu}[\p{L}\p{M}.'’\-]*){0,4}(?:,\s*[\p{L}\p{N}.\- ]{2,30}?)?\s*\([^()]{1,40}\)` +
	// (Agency)
	`|\([^()]{1,40}\)` +
	`)\s*(?:[—–]\s*|-{1,2}\s+|:\s+)`)

// readMoreTail matches a "Read more" link glued to the end of a paragraph
// after its last sentence.
var readMoreTail = regexp.MustCompile(`(?:^|[.!?…"”’)]\s+)((?:Read more|READ MORE|Read More|Continue reading|Continue Reading|Click here|Read the full (?:story|article))\b.{0,160})$`)

// boilerplatePrefixes start a line (lower-cased, leading marks removed)
// that is not part of the article's text.
var boilerplatePrefixes = []string{
	// links and calls to action
	"read more", "continue reading", "read the full", "click here", "tap here",
	"sign up", "subscribe to", "subscribe for", "follow us", "follow @", "follow our",
	"like us on", "share this", "share on", "story continues below",
	"related:", "related articles", "related stories", "related coverage", "see also:", "more:",
	"this article originally", "this article was originally", "this story originally",
	"this story was originally", "originally published", "this article first appeared",
	"this story first appeared",
	// photo credits and captions
	"photo:", "photo by", "photos:", "photo credit", "photograph:", "photograph by",
	"photographs:", "image:", "image copyright", "image caption", "image source", "images:",
	"media caption", "picture:", "pictured:", "pictures:", "credit:", "caption:", "file photo",
	"ap photo",
	// agency credits
	"reporting by", "additional reporting", "writing by", "editing by", "edited by",
	"compiled by", "with reporting by", "with additional reporting",
	// copyright
	"©", "all rights reserved",
}

// creditFragments mark a short line as a credit wherever they occur.
var creditFragments = []string{
	"contributed to this report", "contributed reporting", "all rights reserved",
	"may not be published, broadcast, rewritten", "getty images", "ap photo",
	"shutterstock", "photo credit",
}

// creditSuffixes end a short photo credit: "Jane Roe/Reuters".
var creditSuffixes = []string{"/reuters", "/afp", "/ap", "/epa", "/pa", "/xinhua", "/bloomberg"}

// exactLines are whole lines of boilerplate: an agency's name, an
// advertisement marker.
var exactLines = map[string]bool{
	"advertisement": true, "ad": true, "sponsored": true, "sponsored content": true,
	"reuters": true, "ap": true, "afp": true, "ansa": true, "dpa": true, "upi": true,
	"associated press": true, "the associated press": true, "agence france-presse": true,
	"agence france presse": true, "press association": true, "pa": true, "cws": true,
	"bloomberg": true, "xinhua": true, "ians": true, "pti": true, "efe": true,
}

// bylineWords may appear in a byline besides capitalised names.
var bylineWords = map[string]bool{
	"and": true, "de": true, "del": true, "da": true, "di": true, "van": true, "von": true,
	"der": true, "den": true, "la": true, "le": true, "du": true, "in": true, "for": true,
	"of": true, "the": true, "&": true,
}

// Normalize returns the text that identity is computed on: boilerplate
// lines removed (datelines such as "PORT ELLERY (CWS) —" or "LONDON
// (Reuters) -" at the start, agency credits, "Read more…", "Copyright …",
// "Sign up for …", "Follow us on …", bylines, photo credits), lower-cased,
// punctuation and white space folded to single spaces, common Latin accents
// removed, digits kept. Apostrophes inside words are dropped ("don't" and
// "dont" are one word). The result has no leading or trailing space.
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	leading := 0
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || isBoilerplate(line) {
			continue
		}
		if leading < datelineLines {
			leading++
			line = stripDateline(line)
		}
		if mayHaveReadMore(line) {
			if m := readMoreTail.FindStringSubmatchIndex(line); m != nil {
				line = line[:m[2]]
			}
		}
		fold(&b, line)
	}
	return strings.TrimSuffix(b.String(), " ")
}

// mayHaveReadMore reports whether line holds a word that starts
// readMoreTail, which is slow to search for.
func mayHaveReadMore(line string) bool {
	return strings.Contains(line, "Read") || strings.Contains(line, "READ") ||
		strings.Contains(line, "Continue") || strings.Contains(line, "Click")
}

// stripDateline removes a dateline from the start of line, leaving line as
// it is when what follows would be empty (the line was only a name).
func stripDateline(line string) string {
	loc := dateline.FindStringIndex(line)
	if loc == nil || loc[1] >= len(line) {
		return line
	}
	return line[loc[1]:]
}

// isBoilerplate reports whether the whole line is boilerplate rather than
// article text.
func isBoilerplate(line string) bool {
	words := strings.Fields(line)
	n := len(words)
	if n > maxBoilerplateWords {
		return false
	}
	if isByline(words) {
		return true
	}
	l := strings.ToLower(strings.TrimLeft(line, "([*•·—–-_|> \t"))
	l = strings.TrimSpace(l)
	if exactLines[strings.Trim(l, ".()[]—–- ")] {
		return true
	}
	for _, p := range boilerplatePrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	if isCopyright(l) {
		return true
	}
	if n <= maxCreditWords {
		for _, f := range creditFragments {
			if strings.Contains(l, f) {
				return true
			}
		}
		end := strings.TrimRight(l, ").] ")
		for _, f := range creditSuffixes {
			if strings.HasSuffix(end, f) {
				return true
			}
		}
	}
	return false
}

// isCopyright reports whether the lower-cased line l is a copyright notice
// ("Copyright 2024 Reuters", "Copyright © …"), and not a sentence about
// copyright ("Copyright law has…").
func isCopyright(l string) bool {
	rest, ok := strings.CutPrefix(l, "copyright")
	if !ok {
		return false
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "©") || strings.HasPrefix(rest, "(c)") ||
		strings.Contains(rest, "rights reserved") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsDigit(r)
}

// isByline reports whether the words are a byline: "By" followed by
// capitalised names ("By Jane Doe, Associated Press"), which "By Tuesday,
// the flood had receded." is not.
func isByline(words []string) bool {
	if len(words) < 2 || len(words) > maxBylineWords || words[0] != "By" && words[0] != "BY" {
		return false
	}
	for _, w := range words[1:] {
		w = strings.Trim(w, ",;:.")
		if w == "" || bylineWords[w] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// fold appends the words of s to b, lower-cased, each followed by one
// space: letters and digits are kept, apostrophes inside a word are
// dropped, combining marks and Latin accents are removed, and everything
// else separates words.
func fold(b *strings.Builder, s string) {
	inWord := false
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			b.WriteByte(byte(r))
			inWord = true
		case 'A' <= r && r <= 'Z':
			b.WriteByte(byte(r) + 'a' - 'A')
			inWord = true
		case r < 0x80 && r != '\'':
			if inWord {
				b.WriteByte(' ')
				inWord = false
			}
		case r == '\'' || r == '’' || r == 'ʼ' || r == '‘':
			// Inside a word, an apostrophe joins; elsewhere it is a quote.
			continue
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r >= 0xC0 && r <= 0xFF {
				if f := latinFold[r-0xC0]; f != 0 {
					r = rune(f)
				}
			}
			b.WriteRune(r)
			inWord = true
		default:
			if inWord {
				b.WriteByte(' ')
				inWord = false
			}
		}
	}
	if inWord {
		b.WriteByte(' ')
	}
}

// latinFold maps the lower-case letters U+00C0–U+00FF to the ASCII letter
// outlets write when they drop the accent; zero keeps the letter.
var latinFold = [64]byte{
	// À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï (upper case: already lowered)
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	// Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	// à á â ã ä å æ ç è é ê ë ì í î ï
	'a', 'a', 'a', 'a', 'a', 'a', 0, 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
	// ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
	0, 'n', 'o', 'o', 'o', 'o', 'o', 0, 'o', 'u', 'u', 'u', 'u', 'y', 0, 'y',
}
