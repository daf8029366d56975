package syndication

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// docKind is what sniff found a document to be.
type docKind int

const (
	docUnknown      docKind = iota // neither XML nor JSON
	docEmpty                       // XML with no element at all
	docRSS                         // <rss> or <rdf:RDF>
	docAtom                        // <feed>
	docJSON                        // a JSON Feed
	docURLSet                      // <urlset>: a sitemap
	docSitemapIndex                // <sitemapindex>
	docHTML                        // an HTML page
	docOPML                        // an OPML subscription list
	docOtherJSON                   // JSON that is not a JSON Feed
	docOtherXML                    // XML with some other root element
	docBroken                      // a syntax error before the root element
)

// doc is a sniffed document.
type doc struct {
	kind docKind
	body []byte // the document from its first markup on
	root string // the root element's local name, for XML
	err  error  // the syntax error, for docBroken
}

// maxSniffTokens bounds the XML tokens (declarations, comments, processing
// instructions) read while looking for the root element.
const maxSniffTokens = 10000

// sniff finds out what kind of document body is. body must already be UTF-8
// or declare its encoding (see toUTF8).
func sniff(body []byte) doc {
	trimmed := bytes.TrimLeft(body, " \t\r\n\f")
	if len(trimmed) == 0 {
		return doc{kind: docEmpty, body: trimmed}
	}
	switch trimmed[0] {
	case '{':
		return sniffJSON(trimmed)
	case '[':
		return doc{kind: docOtherJSON, body: trimmed}
	case '<':
		return sniffXML(trimmed)
	}
	// Some servers print warnings before the feed ("Warning: … on line 12").
	// Skip such noise when a feed's start follows shortly after it.
	head := trimmed[:min(len(trimmed), 4096)]
	for _, start := range []string{"<?xml", "<rss", "<feed", "<rdf:RDF", "<urlset", "<sitemapindex"} {
		if i := bytes.Index(head, []byte(start)); i > 0 {
			return sniffXML(trimmed[i:])
		}
	}
	return doc{kind: docUnknown, body: trimmed}
}

// sniffJSON tells a JSON Feed from other JSON: it names its version, a
// jsonfeed.org address, or at least has a version and a list of items.
func sniffJSON(body []byte) doc {
	var probe struct {
		Version any `json:"version"`
		Items   any `json:"items"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		var ute *json.UnmarshalTypeError
		if !errors.As(err, &ute) {
			return doc{kind: docBroken, body: body, err: err}
		}
	}
	v, _ := probe.Version.(string)
	_, hasItems := probe.Items.([]any)
	if strings.Contains(strings.ToLower(v), "jsonfeed") || v != "" && hasItems {
		return doc{kind: docJSON, body: body}
	}
	return doc{kind: docOtherJSON, body: body}
}

// sniffXML reads up to the root element.
func sniffXML(body []byte) doc {
	d := newXMLDecoder(bytes.NewReader(body))
	htmlDoctype := false // evidence for when no root element can be read
	for range maxSniffTokens {
		tok, err := d.RawToken()
		if err == io.EOF {
			return doc{kind: docEmpty, body: body}
		}
		if err != nil {
			if htmlDoctype {
				return doc{kind: docHTML, body: body}
			}
			return doc{kind: docBroken, body: body, err: err}
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.ToLower(bytes.TrimSpace(t)), []byte("doctype html")) {
				htmlDoctype = true
			}
		case xml.StartElement:
			root := strings.ToLower(t.Name.Local)
			k := docOtherXML
			switch root {
			case "rss", "rdf":
				k = docRSS
			case "feed":
				k = docAtom
			case "urlset":
				k = docURLSet
			case "sitemapindex":
				k = docSitemapIndex
			case "html", "head", "body", "div", "p", "br", "img", "iframe", "a", "span",
				"table", "script", "meta", "form", "article", "main", "section", "header", "h1":
				k = docHTML
			case "opml":
				k = docOPML
			}
			return doc{kind: k, body: body, root: t.Name.Local}
		}
	}
	return doc{kind: docOtherXML, body: body} // no root element near the start
}

// newXMLDecoder returns a forgiving decoder, as feeds in the wild need:
// HTML entities are known, unknown ones and unquoted attributes do not stop
// it, and declared legacy encodings are converted to UTF-8.
func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	return d
}

// LooksLikeFeed reports whether body is a feed or sitemap rather than, say,
// an HTML page, reading only its first 64 KB. contentType (the response's
// Content-Type) decides only when the body itself says nothing clear,
// because servers label feeds text/html and pages text/xml.
func LooksLikeFeed(body []byte, contentType string) bool {
	if isGzip(body) {
		// A cut gzip stream decompresses as far as it goes.
		if b, err := gunzip(body[:min(len(body), 64<<10)]); err == nil {
			body = b
		}
	}
	head := body[:min(len(body), 64<<10)]
	head = toUTF8(head)
	trimmed := bytes.TrimLeft(head, " \t\r\n\f")
	d := sniff(head)
	if d.kind == docBroken && len(trimmed) > 0 && trimmed[0] == '{' {
		// A JSON document cut at 64 KB does not decode: look for the
		// version instead.
		i := bytes.Index(trimmed, []byte(`"version"`))
		return i >= 0 && bytes.Contains(trimmed[i:min(len(trimmed), i+100)], []byte("jsonfeed.org"))
	}
	switch d.kind {
	case docRSS, docAtom, docURLSet, docSitemapIndex, docJSON:
		return true
	case docHTML, docOPML, docOtherXML, docOtherJSON:
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/rss+xml", "application/atom+xml", "application/rdf+xml",
		"application/feed+json", "application/x-rss+xml":
		return true
	}
	return false
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF32BE = []byte{0x00, 0x00, 0xFE, 0xFF}
	bomUTF32LE = []byte{0xFF, 0xFE, 0x00, 0x00}

	// encodingAttr finds the encoding in an XML declaration.
	encodingAttr = regexp.MustCompile(`(?i)\bencoding\s*=\s*["']([^"']*)["']`)
)

// toUTF8 returns body as UTF-8 where its encoding can be known for sure or
// guessed well, and otherwise leaves the conversion to the XML decoder's
// CharsetReader:
//
//   - a byte order mark, or the zero bytes of UTF-16 or UTF-32 text around
//     "<?", is trusted, the text converted, and its declaration changed to
//     say UTF-8;
//   - a document that declares a legacy charset (ISO-8859-1 …) but is valid
//     UTF-8 with non-ASCII text was mislabelled and is read as UTF-8;
//   - a document that declares UTF-8, or nothing, or a charset nobody knows,
//     but is not valid UTF-8 is read as Windows-1252, the web's fallback.
func toUTF8(body []byte) []byte {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(body, bomUTF8):
		body = body[len(bomUTF8):]
	case bytes.HasPrefix(body, bomUTF32BE), bytes.HasPrefix(body, []byte("\x00\x00\x00<")):
		enc = utf32.UTF32(utf32.BigEndian, utf32.UseBOM)
	case bytes.HasPrefix(body, bomUTF32LE), bytes.HasPrefix(body, []byte("<\x00\x00\x00")):
		enc = utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)
	case bytes.HasPrefix(body, bomUTF16BE), bytes.HasPrefix(body, []byte("\x00<\x00")):
		enc = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	case bytes.HasPrefix(body, bomUTF16LE), bytes.HasPrefix(body, []byte("<\x00")):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	}
	if enc != nil {
		if b, err := enc.NewDecoder().Bytes(body); err == nil {
			return setDeclaredEncoding(b, "utf-8")
		}
		return body
	}

	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '<' {
		return body // JSON must be UTF-8; other text is not ours to guess
	}
	label := declaredEncoding(body)
	switch l := strings.ToLower(label); {
	case l == "" || l == "utf-8" || l == "utf8":
		if !utf8.Valid(body) {
			return fromWindows1252(body)
		}
		return body
	case strings.HasPrefix(l, "utf-16") || strings.HasPrefix(l, "utf-32") || strings.HasPrefix(l, "ucs"):
		// Declared UTF-16 but has no zero bytes: it was saved as 8-bit text.
		body = setDeclaredEncoding(body, "utf-8")
		if !utf8.Valid(body) {
			return fromWindows1252(body)
		}
		return body
	}
	if e, _ := charset.Lookup(label); e == nil {
		body = setDeclaredEncoding(body, "utf-8")
		if !utf8.Valid(body) {
			return fromWindows1252(body)
		}
		return body
	}
	if utf8.Valid(body) && !isASCII(body) {
		return setDeclaredEncoding(body, "utf-8")
	}
	return body
}

// declaredEncoding returns the encoding named by body's XML declaration.
func declaredEncoding(body []byte) string {
	start, end := xmlDecl(body)
	if start < 0 {
		return ""
	}
	m := encodingAttr.FindSubmatch(body[start:end])
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]))
}

// xmlDecl returns the bounds of body's XML declaration, or -1, -1.
func xmlDecl(body []byte) (start, end int) {
	i := len(body) - len(bytes.TrimLeft(body, " \t\r\n"))
	if !bytes.HasPrefix(body[i:], []byte("<?xml")) {
		return -1, -1
	}
	j := bytes.Index(body[i:min(len(body), i+512)], []byte("?>"))
	if j < 0 {
		return -1, -1
	}
	return i, i + j
}

// setDeclaredEncoding rewrites the encoding named in body's XML declaration,
// if it names one.
func setDeclaredEncoding(body []byte, name string) []byte {
	start, end := xmlDecl(body)
	if start < 0 {
		return body
	}
	loc := encodingAttr.FindSubmatchIndex(body[start:end])
	if loc == nil {
		return body
	}
	vs, ve := start+loc[2], start+loc[3]
	out := make([]byte, 0, len(body)+len(name))
	out = append(out, body[:vs]...)
	out = append(out, name...)
	return append(out, body[ve:]...)
}

func fromWindows1252(b []byte) []byte {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return b
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
