// Package opml reads and writes OPML subscription lists: the file feed
// readers such as Miniflux, FreshRSS and Feedly export, and Herald's own
// list of followed sources (OPML 2.0, http://opml.org/spec2.opml).
//
// A list is read into a flat slice of Outline, one per feed; the folders
// that hold feeds become each feed's Category. Herald's settings for a
// source travel in attributes of the namespace Namespace, which other
// readers ignore. ToSource and FromSources map outlines to and from
// herald.Source, so the command line and the browser import alike.
//
// Parse reads untrusted files: it bounds their size, the outlines they
// hold and how deep those nest, and encoding/xml resolves no external
// entities, so a list cannot make Herald read a file or a URL.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Namespace is the XML namespace of Herald's own attributes. It names the
// format, not a page: it must never change, or lists exported before the
// change would lose their settings on import.
const Namespace = "https://herald.news/ns/opml/1"

// Limits on what Parse reads. A subscription list of a few hundred feeds
// is about 100 KB; these are far above any real one.
const (
	MaxSize     = 5 << 20 // bytes
	MaxOutlines = 10000   // feeds
	// MaxElements bounds the outline elements of a list, folders
	// included: twice MaxOutlines, so a list Write makes from
	// MaxOutlines feeds, each in a folder of its own, reads back.
	MaxElements = 2 * MaxOutlines
	MaxDepth    = 32 // outlines within outlines
)

// Outline is one feed of a subscription list. Every field is the
// attribute's text with the surrounding space trimmed; Herald's settings
// are kept as written, and checked by ToSource.
type Outline struct {
	Title    string // the title attribute, or text when it has none
	XMLURL   string // the feed's address (xmlUrl)
	HTMLURL  string // the site's homepage (htmlUrl)
	Category string // the folders holding it, outermost first, joined by "/"; or its category attribute

	// Herald's settings, in the attributes of Namespace.
	Kind     string // feed, sitemap or page; "" is a feed
	Licence  string // full, excerpt or headline
	Fulltext string // auto, always or never
	Images   string // all, lead or none
	Every    string // a fixed interval between checks, such as "30m"
}

// Parse reads an OPML list and returns its feeds, in the order they
// appear: the outlines that have an xmlUrl. Outlines without one are
// folders, whose title becomes their feeds' Category. The list may be in
// any encoding it declares, start with a byte-order mark and use HTML's
// named entities (&eacute;). Anything that is not well-formed XML, is
// not OPML or exceeds the limits above is an error, and then no outline
// is returned.
func Parse(r io.Reader) ([]Outline, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("opml: read: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("opml: the list is larger than %d MB", MaxSize>>20)
	}
	data, _, err = transform.Bytes(unicode.BOMOverride(transform.Nop), data)
	if err != nil {
		return nil, fmt.Errorf("opml: byte-order mark: %w", err)
	}
	p := &parser{dec: newDecoder(data)}
	if err := p.parse(); err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	return p.outlines, nil
}

// newDecoder returns a strict XML decoder for data that also knows HTML's
// named entities, which hand-made lists use though XML has none of them.
func newDecoder(data []byte) *xml.Decoder {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		// A UTF-16 list was turned into UTF-8 by its byte-order mark;
		// one without a mark cannot even have its declaration read.
		if strings.HasPrefix(strings.ToLower(label), "utf-16") {
			return in, nil
		}
		return charset.NewReaderLabel(label, in)
	}
	return dec
}

// parser walks the elements of a list, keeping the folders around the
// current outline.
type parser struct {
	dec      *xml.Decoder
	outlines []Outline
	elements int      // outline elements seen
	depth    int      // elements open
	folders  []folder // outline elements open, outermost first
	sawRoot  bool
}

// folder is an open outline element: the category its feeds take.
type folder struct {
	category string
}

// maxElementDepth bounds the nesting of any element: the outlines, and
// <opml> and <body> around them.
const maxElementDepth = MaxDepth + 2

func (p *parser) parse() error {
	for {
		tok, err := p.dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p.syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := p.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			p.depth--
			if strings.EqualFold(t.Name.Local, "outline") {
				p.folders = p.folders[:len(p.folders)-1]
			}
		}
	}
	if !p.sawRoot {
		return errors.New("not an OPML list: it has no element")
	}
	return nil
}

// syntaxError says where the list is broken, without the decoder's
// "XML syntax error on line N" repeated around it.
func (p *parser) syntaxError(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not well-formed XML, line %d: %s", se.Line, se.Msg)
	}
	return fmt.Errorf("not well-formed XML: %w", err)
}

func (p *parser) start(t xml.StartElement) error {
	p.depth++
	if !p.sawRoot {
		p.sawRoot = true
		if !strings.EqualFold(t.Name.Local, "opml") {
			return fmt.Errorf("not an OPML list: its root element is <%s>", truncate(t.Name.Local, 40))
		}
	}
	if p.depth > maxElementDepth {
		return fmt.Errorf("elements nest more than %d deep", maxElementDepth)
	}
	if !strings.EqualFold(t.Name.Local, "outline") {
		return nil
	}
	p.elements++
	if p.elements > MaxElements {
		return fmt.Errorf("more than %d outlines", MaxElements)
	}
	o := readOutline(t.Attr)
	if len(p.folders) > 0 && p.folders[len(p.folders)-1].category != "" {
		o.Category = p.folders[len(p.folders)-1].category
	}
	if o.XMLURL == "" {
		p.folders = append(p.folders, folder{category: joinCategory(o.Category, o.Title)})
		return nil
	}
	// A feed's children, which no reader makes, sit in its folder.
	p.folders = append(p.folders, folder{category: o.Category})
	if len(p.outlines) == MaxOutlines {
		return fmt.Errorf("more than %d feeds", MaxOutlines)
	}
	p.outlines = append(p.outlines, o)
	return nil
}

// readOutline reads an outline element's attributes. The names OPML
// gives are matched in any case, as readers write xmlUrl, xmlurl and
// XMLURL; Herald's only in its namespace.
func readOutline(attrs []xml.Attr) Outline {
	var o Outline
	var text, category string
	for _, a := range attrs {
		v := clean(a.Value)
		if a.Name.Space == Namespace {
			o.setHerald(a.Name.Local, v)
			continue
		}
		if a.Name.Space != "" {
			continue
		}
		switch strings.ToLower(a.Name.Local) {
		case "title":
			o.Title = v
		case "text":
			text = v
		case "xmlurl":
			o.XMLURL = v
		case "htmlurl":
			o.HTMLURL = v
		case "category":
			category = firstCategory(v)
		}
	}
	if o.Title == "" {
		o.Title = text
	}
	o.Category = category
	return o
}

func (o *Outline) setHerald(name, v string) {
	switch name {
	case "kind":
		o.Kind = v
	case "licence", "license":
		o.Licence = v
	case "fulltext":
		o.Fulltext = v
	case "images":
		o.Images = v
	case "every":
		o.Every = v
	}
}

// firstCategory returns the first of a category attribute's
// comma-separated, slash-delimited paths ("/News/World,/Local"), without
// its slashes at either end.
func firstCategory(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(first), "/"))
}

// joinCategory is the category of the feeds in folder name within
// category outer.
func joinCategory(outer, name string) string {
	switch {
	case name == "":
		return outer
	case outer == "":
		return name
	}
	return outer + "/" + name
}

// clean trims v and replaces each byte that is not UTF-8 by U+FFFD, as
// Write would: a value Parse returns writes and reads back unchanged.
func clean(v string) string {
	v = strings.TrimSpace(v)
	if utf8.ValidString(v) {
		return v
	}
	var b strings.Builder
	for _, r := range v { // an invalid byte comes as one utf8.RuneError
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
