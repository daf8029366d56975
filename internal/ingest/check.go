package ingest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/herald-news/herald"
)

// The checks an item's fields pass on their way in. ParseLine refuses an
// import line that fails one, naming the field, because the user can mend
// the file and import it again: a line taken with a warning could not be
// mended that way, as importing again skips a URL already stored. The
// pipeline applies the same checks to feeds and pages, whose publishers
// Herald cannot ask to mend anything, by setting a bad value aside.

// maxLangLen bounds a language tag; BCP 47 asks implementations to
// handle 35 characters, and no tag a news site writes comes near 100.
const maxLangLen = 100

// checkLang returns s as a canonical BCP 47 tag ("en-gb" and "en_GB"
// become "en-GB"), "" for an empty s or "und", or an EINVALID error for
// anything golang.org/x/text/language cannot read as a tag it knows.
func checkLang(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) <= maxLangLen {
		// Parse may return a tag along with its error ("en-" gives "en"):
		// only a tag read whole is taken.
		if tag, err := language.Parse(s); err == nil {
			if tag == language.Und {
				return "", nil
			}
			return tag.String(), nil
		}
	}
	return "", herald.Errorf(herald.EINVALID, "lang %q is not a BCP 47 language tag such as en, en-GB or pt-BR", truncate(s, 40))
}

// parsePublished reads an import line's published_at: "" is no date (the
// pipeline takes the time the article is added); anything else must be an
// RFC 3339 time that herald.CheckPublished accepts. An explicit
// 0001-01-01T00:00:00Z is refused here, as it is the zero time.Time, which
// an Item would read as no date at all. A date too far ahead is left for
// the pipeline to clamp with its clock.
func parsePublished(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, herald.Errorf(herald.EINVALID,
			"published_at %q is not an RFC 3339 time such as 2026-03-10T18:00:00Z", truncate(s, 40))
	}
	if err := herald.CheckPublished(t); err != nil {
		return time.Time{}, herald.Errorf(herald.EINVALID, "published_at %s", herald.ErrorMessage(err))
	}
	return t, nil
}

// field is one string field of the import format, by its JSON name.
type field struct {
	name, value string
}

func (l *line) fields() []field {
	return []field{
		{"url", l.URL}, {"title", l.Title}, {"byline", l.Byline}, {"published_at", l.PublishedAt},
		{"html", l.HTML}, {"text", l.Text}, {"source", l.Source}, {"source_url", l.SourceURL},
		{"licence", l.Licence}, {"image", l.Image}, {"lang", l.Lang},
	}
}

// checkEncoding refuses a line whose fields, as written in raw, were not
// valid UTF-8 text. encoding/json silently turns each invalid byte, and
// each lone UTF-16 surrogate escaped as \ud800, into U+FFFD, the
// replacement character: stored, that would be mojibake for good. So a
// decoded field without U+FFFD was valid, and only a field with one (rare)
// needs its raw text read again, to tell a U+FFFD the file holds from one
// put there by the decoder. Fields the format ignores are not looked at.
func checkEncoding(raw []byte, l *line) error {
	var object map[string]json.RawMessage
	for _, f := range l.fields() {
		if !strings.ContainsRune(f.value, utf8.RuneError) {
			continue
		}
		if object == nil {
			if err := json.Unmarshal(raw, &object); err != nil {
				return jsonError(err) // not reached: raw has been decoded once
			}
		}
		// encoding/json matches names without regard to case, as here.
		for name, value := range object {
			if strings.EqualFold(name, f.name) {
				if problem := badText(value); problem != "" {
					return herald.Errorf(herald.EINVALID, "%s %s", f.name, problem)
				}
			}
		}
	}
	return nil
}

// badText says what is wrong with a JSON string literal that is not valid
// text: an invalid UTF-8 byte or an escaped lone surrogate. It returns ""
// when there is nothing wrong.
func badText(lit []byte) string {
	for i := 0; i < len(lit); {
		c := lit[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(lit[i:])
			if r == utf8.RuneError && size == 1 {
				return fmt.Sprintf("is not valid UTF-8: byte 0x%02X%s; is the file in another encoding, such as Latin-1?", c, after(lit[:i]))
			}
			i += size
			continue
		}
		if c != '\\' || i+1 >= len(lit) {
			i++
			continue
		}
		if lit[i+1] != 'u' {
			i += 2 // \" \\ \n and the like
			continue
		}
		r, ok := hex4(lit[i+2:])
		switch {
		case !ok:
			i += 2
		case utf16High(r) && i+12 <= len(lit) && lit[i+6] == '\\' && lit[i+7] == 'u' && isLow(hex4(lit[i+8:])):
			i += 12 // a pair: one character beyond U+FFFF
		case utf16High(r) || utf16Low(r):
			return fmt.Sprintf("holds %s%s: half of a UTF-16 surrogate pair, no character by itself", lit[i:i+6], after(lit[:i]))
		default:
			i += 6
		}
	}
	return ""
}

// after shows where in a value a problem lies: the text just before it.
func after(before []byte) string {
	before = before[max(0, len(before)-24):]
	s := strings.TrimPrefix(strings.ToValidUTF8(string(before), ""), `"`)
	if s == "" {
		return " at the start"
	}
	return fmt.Sprintf(" after %q", s)
}

// hex4 reads four hexadecimal digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func utf16High(r rune) bool      { return 0xD800 <= r && r < 0xDC00 }
func utf16Low(r rune) bool       { return 0xDC00 <= r && r < 0xE000 }
func isLow(r rune, ok bool) bool { return ok && utf16Low(r) }

// oneLine folds white space and drops the other control characters (NUL,
// escape, DEL, the C1 controls), so that titles and names from any source
// read as one line and print safely. Format characters such as the
// right-to-left mark, which Arabic and Hebrew titles need, are kept.
func oneLine(s string) string {
	if strings.IndexFunc(s, isControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// isControl reports a control character that is not white space.
func isControl(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }
