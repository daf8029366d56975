package fetch

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// metaScanLimit is how far into an HTML document decodeText looks for a
// <meta charset>. The HTML standard's prescan stops at 1,024 bytes, but
// real pages put long comments, scripts and styles first (two files in the
// miniflux corpus have it past 1,024), so the whole of a typical head is
// read, stopping at <body>.
const metaScanLimit = 8 << 10

// decodeText returns body, a text document served as contentType, in UTF-8,
// and the name of the charset it was read in ("utf-8", "windows-1251").
//
// The charset is the first found of: a byte-order mark; the charset
// parameter of contentType; the XML declaration's encoding; an HTML <meta>
// charset in the first metaScanLimit bytes. A BOM comes first, against the
// order one might expect, because it cannot be wrong where a header can
// (the HTML standard agrees).
//
// Declarations are often wrong, so two checks follow. A body declared in a
// legacy charset that is valid UTF-8 and not plain ASCII is UTF-8: text in
// windows-125x or ISO-8859-x almost never forms valid multi-byte UTF-8. A
// body declared UTF-8, or not declared at all, that is invalid UTF-8 with
// more broken sequences than good multi-byte ones is windows-1252, the web's
// usual undeclared charset; otherwise the odd broken byte becomes U+FFFD.
//
// An XML declaration naming another encoding is rewritten to say utf-8, so
// that a feed parser does not decode the text a second time. The result is
// always valid UTF-8.
func decodeText(body []byte, contentType string) ([]byte, string) {
	out, name := decodeTo8(body, contentType)
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return fixXMLDecl(out), name
}

func decodeTo8(body []byte, contentType string) ([]byte, string) {
	if enc, name, n := sniffBOM(body); enc != nil {
		return decodeWith(enc, name, body[n:])
	}
	mediaType, params, _ := mime.ParseMediaType(contentType) // on error, no charset from the header

	enc, name := lookupCharset(params["charset"])
	fromDocument := false
	if enc == nil {
		if label, ok := xmlDeclEncoding(body); ok {
			enc, name = lookupCharset(label)
			fromDocument = true
		}
	}
	if enc == nil && isHTMLish(mediaType) {
		enc, name = lookupCharset(metaCharset(body))
		fromDocument = true
	}
	if fromDocument && strings.HasPrefix(name, "utf-16") {
		// A declaration readable as ASCII was not written in UTF-16.
		enc, name = nil, ""
	}

	switch {
	case enc == nil || name == "utf-8":
		switch {
		case utf8.Valid(body):
			return body, "utf-8"
		case mostlyUTF8(body):
			return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8"
		}
		return decodeWith(charmap.Windows1252, "windows-1252", body)
	case strings.HasPrefix(name, "utf-16"):
		return decodeWith(enc, name, body)
	case utf8.Valid(body) && !isASCII(body):
		return body, "utf-8" // declared wrongly
	}
	return decodeWith(enc, name, body)
}

// decodeWith converts body from enc to UTF-8.
func decodeWith(enc encoding.Encoding, name string, body []byte) ([]byte, string) {
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8"
	}
	return out, name
}

// lookupCharset finds the encoding for a charset label, by the WHATWG
// Encoding Standard's names ("latin1" is windows-1252). Unknown labels, and
// the "replacement" encoding that would turn a whole document into one
// U+FFFD, give nil.
func lookupCharset(label string) (encoding.Encoding, string) {
	label = strings.TrimSpace(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil, ""
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "replacement" {
		return nil, ""
	}
	return enc, name
}

// sniffBOM recognises a byte-order mark, or the start of an XML document in
// UTF-16 without one, and returns the encoding and how many bytes to skip.
func sniffBOM(b []byte) (encoding.Encoding, string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return unicode.UTF8, "utf-8", 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 2
	case bytes.HasPrefix(b, []byte{'<', 0, '?', 0}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 0
	case bytes.HasPrefix(b, []byte{0, '<', 0, '?'}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 0
	}
	return nil, "", 0
}

// xmlDecl finds the XML declaration at the start of b and the position of
// its encoding value: b[start:end]. ok is false if there is no declaration
// or it names no encoding.
func xmlDecl(b []byte) (start, end int, ok bool) {
	lead := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
	rest := b[lead:]
	if !bytes.HasPrefix(rest, []byte("<?xml")) || len(rest) < 6 || !isXMLSpace(rest[5]) {
		return 0, 0, false
	}
	stop := bytes.Index(rest[:min(len(rest), 1024)], []byte("?>"))
	if stop < 0 {
		return 0, 0, false
	}
	decl := rest[:stop]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return 0, 0, false
	}
	j := i + len("encoding")
	for j < len(decl) && isXMLSpace(decl[j]) {
		j++
	}
	if j >= len(decl) || decl[j] != '=' {
		return 0, 0, false
	}
	j++
	for j < len(decl) && isXMLSpace(decl[j]) {
		j++
	}
	if j >= len(decl) || (decl[j] != '"' && decl[j] != '\'') {
		return 0, 0, false
	}
	quote := decl[j]
	k := bytes.IndexByte(decl[j+1:], quote)
	if k < 0 {
		return 0, 0, false
	}
	return lead + j + 1, lead + j + 1 + k, true
}

// xmlDeclEncoding is the encoding an XML declaration at the start of b names.
func xmlDeclEncoding(b []byte) (string, bool) {
	start, end, ok := xmlDecl(b)
	if !ok {
		return "", false
	}
	return string(b[start:end]), true
}

// fixXMLDecl makes an XML declaration in b, now UTF-8, say so.
func fixXMLDecl(b []byte) []byte {
	start, end, ok := xmlDecl(b)
	if !ok || strings.EqualFold(string(b[start:end]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b)+5)
	out = append(out, b[:start]...)
	out = append(out, "utf-8"...)
	return append(out, b[end:]...)
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isHTMLish reports whether a body of mediaType may carry a <meta charset>:
// HTML, or a type the server did not name.
func isHTMLish(mediaType string) bool {
	switch mediaType {
	case "", "text/html", "application/xhtml+xml":
		return true
	}
	return false
}

// metaCharset returns the charset label an HTML <meta> element declares in
// the head of b, or "". Comments, scripts and styles are skipped as a
// browser would.
func metaCharset(b []byte) string {
	z := html.NewTokenizer(bytes.NewReader(b[:min(len(b), metaScanLimit)]))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				if label := metaElementCharset(z, hasAttr); label != "" {
					return label
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				return ""
			}
		}
	}
}

// metaElementCharset reads the attributes of the <meta> z is on:
// charset="…", or http-equiv="Content-Type" with content="…; charset=…".
func metaElementCharset(z *html.Tokenizer, more bool) string {
	var httpEquiv bool
	var content string
	for more {
		var key, val []byte
		key, val, more = z.TagAttr()
		switch string(key) {
		case "charset":
			return string(val)
		case "http-equiv":
			httpEquiv = strings.EqualFold(strings.TrimSpace(string(val)), "content-type")
		case "content":
			content = string(val)
		}
	}
	if httpEquiv {
		return charsetFromContent(content)
	}
	return ""
}

// charsetFromContent extracts the charset from a meta content attribute
// such as "text/html; charset=windows-1251", following the HTML standard's
// algorithm loosely.
func charsetFromContent(s string) string {
	i := indexFoldASCII(s, "charset")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(s[i+len("charset"):], " \t\r\n\f")
	if !strings.HasPrefix(rest, "=") {
		return ""
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n\f")
	if rest == "" {
		return ""
	}
	if q := rest[0]; q == '"' || q == '\'' {
		if j := strings.IndexByte(rest[1:], q); j >= 0 {
			return rest[1 : 1+j]
		}
		return ""
	}
	if j := strings.IndexAny(rest, "; \t\r\n\f"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// isASCII reports whether b is all 7-bit bytes.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// mostlyUTF8 reports whether invalid UTF-8 b has more well-formed
// multi-byte sequences than broken bytes: UTF-8 with some damage, rather
// than a legacy 8-bit charset.
func mostlyUTF8(b []byte) bool {
	good, bad := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else {
			good++
		}
		b = b[n:]
	}
	return good > bad
}

// indexFoldASCII is strings.Index ignoring ASCII case only. (Lower-casing s
// first would not do: some characters change length when lower-cased, and
// Unicode folding matches "ſ" to "s".)
func indexFoldASCII(s, substr string) int {
	for i := 0; i+len(substr) <= len(s); i++ {
		match := true
		for j := 0; j < len(substr); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != substr[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
