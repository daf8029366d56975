package story

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Doc is one article as the story stage sees it.
type Doc struct {
	Title string
	// Text is the plain body, paragraphs separated by blank lines. The
	// lead is its first paragraph(s): see leadMinWords and leadMaxWords.
	Text string
	// Published is when the article was published, or first seen when
	// the source gives no date.
	Published time.Time
}

// Token is one distinct term of a document and where it occurred.
type Token struct {
	Term string
	// Title, Lead and Body count the occurrences in the title, in the lead
	// (the first paragraphs of the text) and in the rest of the text.
	Title, Lead, Body int32
	// Name is set when the term was seen as a name or place: a capitalised
	// word that is not merely starting a sentence, or a phrase of two such
	// words ("port ellery", "ruth pennock"). Phrase terms contain a space.
	Name bool
}

// Phrase reports whether the term is a two-word name ("port ellery").
func (t Token) Phrase() bool { return strings.IndexByte(t.Term, ' ') >= 0 }

// Lead boundaries, in words of the text: the lead runs to the end of the
// paragraph in which it reaches leadMinWords words, and never past
// leadMaxWords (many bodies arrive as one long paragraph).
const (
	leadMinWords = 20
	leadMaxWords = 60
)

// maxWordRunes is the longest word indexed: longer "words" are run-on
// identifiers, addresses or garbage, and would make oversized terms.
const maxWordRunes = 30

// maxTerms bounds the distinct terms taken from one document so that a
// pathological page cannot make a huge vector; ordinary articles have a few
// hundred.
const maxTerms = 2000

// Document parts.
const (
	partTitle = iota
	partLead
	partBody
)

// word is one word of a document, before names are resolved.
type word struct {
	lower string // lower-cased, possessive stripped, apostrophes removed
	part  uint8
	cap   bool // starts with an upper-case letter (or is an acronym)
	start bool // first word of a sentence, of a quotation or of the title
	join  bool // follows the previous word with nothing but a space or a hyphen between
	init  bool // a single letter followed by a full stop: "John F. Kennedy"
	upper bool // all in capitals, at least two letters: "NATO", "LONDON"
}

// Terms tokenises d: lower-cased words with stop words removed and a light
// stemming (see stem); capitalised names and places are detected from the
// original casing and kept as Name terms, and every two adjacent words of a
// name also as one phrase term ("Port Ellery" gives "port", "ellery" and
// "port ellery"). Numbers are dropped except years. The result is sorted by
// term. Terms is deterministic and never fails: any text gives a (possibly
// empty) list of at most a few thousand terms.
func Terms(d Doc) []Token {
	body := scan(d.Text, partLead)
	markLead(body)
	title := scan(d.Title, partTitle)
	if len(title) > 0 {
		title[0].start = true
	}

	// Casing is evidence only where the writer chose it: an all-capitals
	// text, or a headline in Title Case, says nothing about which words are
	// names. Such a headline borrows the names found in the body.
	if shouting(body) {
		uncap(body)
	}
	cs := make(casing, len(body)/2+len(title))
	cs.add(body)
	if shouting(title) || titleCase(title) {
		names := map[string]bool{}
		for i := range body {
			if cs.name(body, i) {
				names[body[i].lower] = true
			}
		}
		for i := range title {
			title[i].cap = names[title[i].lower]
			title[i].start = false
		}
	} else {
		cs.add(title)
	}

	out := make([]Token, 0, len(body)/2+len(title))
	at := make(map[string]int, cap(out))
	add := func(term string, part uint8, name bool) {
		k, ok := at[term]
		if !ok {
			if len(out) >= maxTerms {
				return
			}
			k = len(out)
			at[term] = k
			out = append(out, Token{Term: term})
		}
		t := &out[k]
		switch part {
		case partTitle:
			t.Title++
		case partLead:
			t.Lead++
		default:
			t.Body++
		}
		if name {
			t.Name = true
		}
	}
	for _, words := range [][]word{title, body} {
		emit(words, cs, add)
	}

	slices.SortFunc(out, func(a, b Token) int { return strings.Compare(a.Term, b.Term) })
	return out
}

// emit passes the terms of words to add: each content word, marked as a
// name where it is one, and each pair of adjacent name words as a phrase.
func emit(words []word, cs casing, add func(term string, part uint8, name bool)) {
	prevName := -1 // index of the previous name word in the current run
	prevTerm := ""
	for i := range words {
		w := &words[i]
		name := cs.name(words, i)
		if !name || !w.join || w.start {
			prevName = -1
		}
		if w.init {
			// An initial stays inside a name without being part of it.
			if !name {
				prevName = -1
			}
			continue
		}
		term, ok := normal(w.lower)
		if !ok {
			prevName = -1
			continue
		}
		if name && roles[w.lower] {
			// "President Trump": the role is not part of the name.
			add(term, w.part, false)
			prevName = -1
			continue
		}
		add(term, w.part, name)
		if name {
			if prevName >= 0 {
				add(prevTerm+" "+term, w.part, true)
			}
			prevName, prevTerm = i, term
		}
	}
}

// normal returns the indexed form of a lower-cased word, or false when the
// word is not indexed (a stop word, a number that is not a year, a single
// letter, a run-on word).
func normal(w string) (string, bool) {
	if n := utf8.RuneCountInString(w); n < 2 || n > maxWordRunes || stop[w] {
		return "", false
	}
	digits, letters := 0, 0
	for _, r := range w {
		if unicode.IsDigit(r) {
			digits++
		} else {
			letters++
		}
	}
	if letters == 0 {
		// Years are kept: the same kind of event recurs, in another year.
		if len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) {
			return w, true
		}
		return "", false
	}
	if digits > 0 && digits >= letters {
		return "", false // "3rd", "4pm", "2x2": mostly numbers
	}
	return stem(w), true
}

// stem applies steps 1a and 1b of Porter's stemmer (plurals, -ed and
// -ing), with -ies and -ied made -y, and step 5a (a final -e): "injuries"
// → "injury", "stopped" → "stop", "announce", "announced" and "announcing"
// → "announc". Names are stemmed like any word ("Williams" → "william"),
// so that a name read in a Title Case headline, where casing says nothing,
// still meets the same name in a body.
func stem(w string) string {
	if len(w) <= 2 || !ascii(w) {
		return w
	}
	// Step 1a.
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case len(w) >= 4 && (strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied")):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"):
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	// Step 1b.
	switch {
	case strings.HasSuffix(w, "eed"):
		if measure(w[:len(w)-3]) > 0 {
			w = w[:len(w)-1]
		}
	case strings.HasSuffix(w, "ed") && hasVowel(w[:len(w)-2]):
		w = step1b(w[:len(w)-2])
	case strings.HasSuffix(w, "ing") && hasVowel(w[:len(w)-3]):
		w = step1b(w[:len(w)-3])
	}
	// Step 5a: a final e goes, so that "announce" meets "announced".
	if n := len(w); n > 1 && w[n-1] == 'e' {
		if m := measure(w[:n-1]); m > 1 || m == 1 && !cvc(w[:n-1]) {
			w = w[:n-1]
		}
	}
	return w
}

// step1b tidies a stem after -ed or -ing is removed.
func step1b(w string) string {
	n := len(w)
	switch {
	case strings.HasSuffix(w, "at"), strings.HasSuffix(w, "bl"), strings.HasSuffix(w, "iz"):
		return w + "e"
	case n >= 2 && w[n-1] == w[n-2] && consonant(w, n-1) && !strings.ContainsRune("lsz", rune(w[n-1])):
		return w[:n-1]
	case measure(w) == 1 && cvc(w):
		return w + "e"
	}
	return w
}

func ascii(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// consonant reports whether w[i] is a consonant in Porter's sense.
func consonant(w string, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !consonant(w, i-1)
	}
	return true
}

func hasVowel(w string) bool {
	for i := range len(w) {
		if !consonant(w, i) {
			return true
		}
	}
	return false
}

// measure counts the vowel-consonant sequences of w.
func measure(w string) int {
	m, vowel := 0, false
	for i := range len(w) {
		if !consonant(w, i) {
			vowel = true
		} else if vowel {
			m++
			vowel = false
		}
	}
	return m
}

// cvc reports whether w ends consonant-vowel-consonant, the last not w, x
// or y ("hop", not "bow").
func cvc(w string) bool {
	n := len(w)
	return n >= 3 && consonant(w, n-1) && !consonant(w, n-2) && consonant(w, n-3) && !strings.ContainsRune("wxy", rune(w[n-1]))
}

// casing records how a document writes each word: capitalised inside a
// sentence somewhere, in lower case somewhere.
type casing map[string]uint8

const (
	capInside uint8 = 1 << iota
	lowerSeen
)

func (c casing) add(words []word) {
	for _, w := range words {
		switch {
		case w.cap && !w.start:
			c[w.lower] |= capInside
		case !w.cap:
			c[w.lower] |= lowerSeen
		}
	}
}

// name reports whether words[i] is (part of) a name. A capitalised word
// inside a sentence is one. A capitalised word starting a sentence is one
// only when the document also capitalises it inside a sentence, or when it
// opens a run of capitalised words and never appears in lower case ("Ruth
// Pennock said…", but not "Rescue Workers…").
func (c casing) name(words []word, i int) bool {
	w := &words[i]
	if !w.cap || stop[w.lower] {
		return false
	}
	if !w.start {
		return true
	}
	seen := c[w.lower]
	if seen&capInside != 0 {
		return true
	}
	if seen&lowerSeen != 0 || roles[w.lower] {
		return false
	}
	return i+1 < len(words) && words[i+1].join && words[i+1].cap && !stop[words[i+1].lower]
}

// titleCase reports whether a headline capitalises most of its content
// words, so that its casing does not mark names.
func titleCase(words []word) bool {
	content, caps := 0, 0
	for i, w := range words {
		if i == 0 || stop[w.lower] || w.init {
			continue
		}
		content++
		if w.cap {
			caps++
		}
	}
	return content >= 3 && caps*10 >= content*6
}

// shouting reports whether most words are in capitals (a wire-style
// headline or a page set in capitals).
func shouting(words []word) bool {
	n, up := 0, 0
	for _, w := range words {
		if utf8.RuneCountInString(w.lower) < 3 {
			continue
		}
		n++
		if w.upper {
			up++
		}
	}
	return n >= 4 && up*10 >= n*7
}

// uncap forgets the casing of words.
func uncap(words []word) {
	for i := range words {
		words[i].cap = false
	}
}

// markLead splits the body's words into lead and body parts.
func markLead(words []word) {
	for i := range words {
		if i >= leadMaxWords {
			words[i].part = partBody
		}
	}
}

// scan splits text into words. Words in the text are given part (the lead)
// until the lead ends; markLead later caps it. Paragraph breaks end the
// lead once it holds leadMinWords words.
func scan(text string, part uint8) []word {
	var (
		words   = make([]word, 0, len(text)/6+1)
		buf     []rune
		start   = true  // the next word starts a sentence
		joined  = false // nothing but a space or hyphen since the last word
		newline = false
	)
	flush := func(next rune) {
		if len(buf) == 0 {
			return
		}
		w := word{part: part, start: start, join: joined && len(words) > 0}
		letters, upper := 0, 0
		for _, r := range buf {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
		w.upper = letters > 1 && upper == letters
		w.cap = unicode.IsUpper(buf[0]) || w.upper
		w.init = letters == 1 && len(buf) == 1 && w.cap && next == '.'
		w.lower = lowerWord(buf)
		words = append(words, w)
		buf = buf[:0]
		start, joined = false, true
	}
	runes := []rune(text)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			buf = append(buf, r)
			newline = false
			continue
		case (r == '\'' || r == '’') && len(buf) > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			buf = append(buf, '\'')
			continue
		}
		next := rune(0)
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		prev := buf
		wasInit := len(prev) == 1 && unicode.IsUpper(prev[0])
		abbrev := len(prev) > 0 && abbreviations[lowerWord(prev)]
		flush(r)
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0':
		case r == '-' || r == '‐':
			// "Jean-Claude" and "Port-au-Prince" stay joined; " - " does not.
			if len(prev) == 0 || !(unicode.IsLetter(next) || unicode.IsDigit(next)) {
				joined = false
			}
		case r == '\n' || r == '\r':
			if newline && part == partLead && len(words) >= leadMinWords {
				part = partBody
			}
			if r == '\n' {
				newline = true
			}
			start, joined = true, false
		case r == '.':
			joined = false
			if !wasInit && !abbrev && !(unicode.IsDigit(next) && len(prev) > 0) {
				start = true
			}
			if wasInit && len(words) > 0 {
				joined = true // "John F. Kennedy"
			}
		case r == '!' || r == '?' || r == ':' || r == '"' || r == '“' || r == '”' || r == '`' || r == '«' || r == '»' || r == '(' || r == '[' || r == '•' || r == '|':
			start, joined = true, false
		default:
			joined = false
		}
		if !(r == '\n' || r == '\r' || r == ' ' || r == '\t') {
			newline = false
		}
	}
	flush(0)
	return words
}

// lowerWord returns the lower-cased word with a possessive "'s" removed and
// other apostrophes dropped ("O'Brien" → "obrien", "don't" → "dont").
func lowerWord(buf []rune) string {
	n := len(buf)
	if n > 2 && buf[n-2] == '\'' && (buf[n-1] == 's' || buf[n-1] == 'S') {
		buf = buf[:n-2]
	}
	var b strings.Builder
	b.Grow(len(buf))
	for _, r := range buf {
		if r == '\'' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = set("mr mrs ms dr st jr sr gen gov sen rep lt col capt sgt prof rev vs no jan feb mar apr aug sept sep oct nov dec inc corp co ltd calif fla")

// roles precede a name without being part of it.
var roles = set("president mr mrs ms dr sen senator rep representative gov governor former secretary minister prime chancellor judge justice king queen prince princess pope general gen lt col colonel captain capt sgt sergeant chief officer sir lady lord saint mayor premier ambassador director chairman ceo actor actress singer star rapper coach manager detective inspector professor prof rev reverend bishop cardinal archbishop sheriff deputy lawmaker leader spokesman spokeswoman attorney sheikh vice")

// stop words: function words, reporting verbs, and calendar words (days
// and months are shared by unrelated events of the same week).
var stop = set(`a about above across after afterwards again against ago all almost alone along already also although always am among amongst an and another any anyone anything anyway anywhere are aren arent around as at back be became because become becomes been before beforehand behind being below beside besides between beyond both but by can cannot cant could couldnt did didnt do does doesnt doing done dont down during each either else elsewhere enough etc even ever every everyone everything everywhere except few first for former formerly from further get gets getting give given gives go goes going gone got had hadnt has hasnt have havent having he hed hell hence her here hereby herein hers herself hes him himself his how however hows i id if ill im in indeed instead into is isnt it its itself ive just last later latter least less let lets like likely made make makes many may maybe me meanwhile might mine more moreover most mostly much must my myself namely neither never nevertheless next no nobody none noone nor not nothing now nowhere of off often on once one ones only onto or other others otherwise our ours ourselves out over own per perhaps please put quite rather re really s same say saying says said see seem seemed seems several she shed shell shes should shouldnt since so some somehow someone something sometime sometimes somewhere still such than that thats the their theirs them themselves then there thereafter thereby therefore therein theres these they theyd theyll theyre theyve this those though through throughout thru thus to together too told toward towards under until up upon us use used using very via was wasnt we wed well were weve werent what whatever whats when whence whenever where whereas whereby wherever whether which while who whoever whole whom whos whose why will with within without wont would wouldnt yet you youd youll your youre yours yourself yourselves youve
according added adding also asked tell tells telling stated statement reportedly reported report reports news week weeks today tonight yesterday tomorrow day days time times year years month months year-old old include includes including
monday tuesday wednesday thursday friday saturday sunday january february march april june july august september october november december`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
