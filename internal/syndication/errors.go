package syndication

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"

	"github.com/herald-news/herald"
	xpp "github.com/mmcdole/goxpp/v2"
)

// errorf builds the errors this package returns: EINVALID, with a message
// for the editor who added the source.
func errorf(format string, args ...any) error {
	return herald.Errorf(herald.EINVALID, format, args...)
}

// syntaxError turns a parser's error into the message an editor sees,
// "parse error at line N: …", computing the line from the byte offset when
// the parser gives an offset rather than a line. Offsets count bytes of the
// document as given to the parser, so after a charset conversion the line
// is close rather than exact.
func syntaxError(body []byte, err error) error {
	var (
		se  *xml.SyntaxError
		ee  *xpp.ExpectError
		jse *json.SyntaxError
		jte *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &se):
		return errorf("parse error at line %d: %s", se.Line, truncate(se.Msg, 200))
	case errors.As(err, &ee):
		return errorf("parse error at line %d: expected %s, found %s",
			lineAt(body, ee.Offset), describeEvent(ee.WantEvent, ee.WantName), describeEvent(ee.GotEvent, ee.GotName))
	case errors.As(err, &jse):
		return errorf("parse error at line %d: %s", lineAt(body, jse.Offset), truncate(strings.TrimPrefix(jse.Error(), "json: "), 200))
	case errors.As(err, &jte):
		field := jte.Field
		if field == "" {
			field = "a value"
		}
		return errorf("parse error at line %d: %s cannot be a JSON %s", lineAt(body, jte.Offset), truncate(field, 80), jte.Value)
	}
	msg := err.Error()
	for _, p := range []string{"xpp: ", "xml: ", "json: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return errorf("parse error: %s", truncate(msg, 200))
}

// describeEvent names a pull-parser event for an error message.
func describeEvent(ev xpp.EventType, name string) string {
	if name == "*" {
		name = ""
	}
	switch ev {
	case xpp.StartTag:
		if name == "" {
			return "a start tag"
		}
		return "<" + truncate(name, 40) + ">"
	case xpp.EndTag:
		if name == "" {
			return "an end tag"
		}
		return "</" + truncate(name, 40) + ">"
	case xpp.EndDocument:
		return "the end of the document"
	case xpp.Text:
		return "text"
	}
	return strings.ToLower(ev.String())
}

// truncate cuts s to at most n bytes on a rune boundary, adding "…" when it
// cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// lineAt returns the 1-based line number of byte offset off in b.
func lineAt(b []byte, off int64) int {
	if off < 0 {
		off = 0
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}
