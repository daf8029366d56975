package opml

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
)

// Write writes outlines to w as an OPML 2.0 list named title. Each run of
// outlines of one Category goes in a folder of that name, in the order
// given, so Parse reads back the same outlines in the same order (a
// category that returns after another gets a second folder). Herald's
// settings are written in Namespace when set. An outline without an
// XMLURL is an error, as Parse would take it for a folder.
func Write(w io.Writer, title string, outlines []Outline) error {
	for i, o := range outlines {
		if o.XMLURL == "" {
			return fmt.Errorf("opml: outline %d (%q) has no xmlUrl", i+1, truncate(o.Title, 80))
		}
	}
	// bufio.Writer keeps the first error and refuses every write after
	// it, so the one from Flush is the only one to check.
	b := &writer{bufio.NewWriter(w)}
	b.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.raw(`<opml version="2.0" xmlns:herald="` + Namespace + `">` + "\n")
	b.raw("  <head>\n    <title>")
	b.text(title)
	b.raw("</title>\n  </head>\n  <body>\n")
	folder := ""
	for _, o := range outlines {
		if o.Category != folder {
			if folder != "" {
				b.raw("    </outline>\n")
			}
			if folder = o.Category; folder != "" {
				b.raw("    <outline")
				b.attr("text", folder)
				b.attr("title", folder)
				b.raw(">\n")
			}
		}
		if folder != "" {
			b.raw("  ")
		}
		b.outline(o)
	}
	if folder != "" {
		b.raw("    </outline>\n")
	}
	b.raw("  </body>\n</opml>\n")
	if err := b.Flush(); err != nil {
		return fmt.Errorf("opml: write: %w", err)
	}
	return nil
}

// writer writes the parts of a list; see Write for its errors.
type writer struct{ *bufio.Writer }

func (b *writer) outline(o Outline) {
	b.raw(`    <outline type="rss"`)
	b.attr("text", o.Title)
	b.attr("title", o.Title)
	b.attr("xmlUrl", o.XMLURL)
	if o.HTMLURL != "" {
		b.attr("htmlUrl", o.HTMLURL)
	}
	for _, a := range [...]struct{ name, value string }{
		{"kind", o.Kind}, {"licence", o.Licence}, {"fulltext", o.Fulltext},
		{"images", o.Images}, {"every", o.Every},
	} {
		if a.value != "" {
			b.attr("herald:"+a.name, a.value)
		}
	}
	b.raw("/>\n")
}

// attr writes ` name="value"`. EscapeText escapes quotes, and newlines
// and tabs too, which an XML parser would otherwise read as spaces.
func (b *writer) attr(name, value string) {
	b.raw(" " + name + `="`)
	b.text(value)
	b.raw(`"`)
}

func (b *writer) text(s string) {
	// The error stays in the bufio.Writer; see Write.
	_ = xml.EscapeText(b, []byte(s))
}

func (b *writer) raw(s string) {
	// The error stays in the bufio.Writer; see Write.
	_, _ = b.WriteString(s)
}
