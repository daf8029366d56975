package extract

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// sniffLen is how far into a page decode looks for a declared character
// set. Browsers stop at 1,024 bytes; real pages put the declaration after
// long comments or scripts, so Herald looks further.
const sniffLen = 64 << 10

var declaredCharset = regexp.MustCompile(`(?i)<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)|^\s*<\?xml[^>]*encoding\s*=\s*["']([-\w.:]+)`)

// decode returns the page as valid UTF-8 text in NFC, without soft hyphens
// (invisible, and they split words for search and deduplication).
//
// The encoding is the byte order mark's, else UTF-8 if the bytes are valid
// UTF-8 with anything beyond ASCII in them (a page whose bytes say UTF-8 is
// almost surely UTF-8, whatever its <meta> claims), else the declared
// one, else windows-1252, as browsers assume.
func decode(page []byte) string {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(page, []byte("\xef\xbb\xbf")):
		page = page[3:]
	case bytes.HasPrefix(page, []byte("\xfe\xff")), bytes.HasPrefix(page, []byte("\xff\xfe")):
		enc = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	default:
		declared, name := declaredEncoding(page)
		switch {
		case utf8.Valid(page) && (!isASCII(page) || !sevenBit(name)):
		case declared != nil:
			enc = declared
		case !utf8.Valid(page):
			enc = charmap.Windows1252
		}
	}
	s := string(page)
	if enc != nil {
		if d, err := enc.NewDecoder().String(s); err == nil {
			s = d
		}
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\u00ad", "")
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s
}

// declaredEncoding returns the encoding the page's <meta> or XML
// declaration names, with its canonical name.
func declaredEncoding(page []byte) (encoding.Encoding, string) {
	m := declaredCharset.FindSubmatch(page[:min(len(page), sniffLen)])
	if m == nil {
		return nil, ""
	}
	label := string(m[1])
	if label == "" {
		label = string(m[2])
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, ""
	}
	// A page that claims UTF-16 yet declares it in ASCII is not UTF-16.
	if strings.HasPrefix(name, "utf-16") {
		return nil, ""
	}
	return enc, name
}

// sevenBit reports whether name is an encoding whose text is all ASCII
// bytes, so that valid UTF-8 proves nothing about it.
func sevenBit(name string) bool {
	return strings.HasPrefix(name, "iso-2022") || name == "hz-gb-2312"
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
