package syndication

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
)

// salvageXML returns the part of a broken XML document up to the last end
// tag before its first syntax error, with the elements still open there
// closed, so that a feed cut off in transfer, or spoilt half-way by a bad
// CDATA section, still yields the items before the damage. Cutting at an end
// tag keeps only whole elements: a link cut in half is dropped, not kept as
// a wrong address. It reports false when there is nothing to salvage: no
// syntax error, or no end tag before it.
//
// Only UTF-8 documents are salvaged: the decoder's offsets count the bytes
// it read, which are the document's bytes only when it did not convert them.
func salvageXML(body []byte) ([]byte, bool) {
	if l := strings.ToLower(declaredEncoding(body)); l != "" && l != "utf-8" && l != "utf8" {
		return nil, false
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	var open []string // raw names, prefix included, of the open elements
	var good int64    // the offset just past the last end tag
	openAtGood := 0   // how many elements were open there
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(open) == 0 {
				return nil, false // well formed as far as the decoder goes
			}
			break // ended with elements open
		}
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, rawName(t.Name))
		case xml.EndElement:
			// Close the innermost open element of that name, looking only a
			// little way up so that stray end tags in a deep document cost
			// little; an end tag that matches none is ignored.
			name := rawName(t.Name)
			for i := len(open) - 1; i >= 0 && i >= len(open)-maxEndTagSearch; i-- {
				if open[i] == name {
					open = open[:i]
					break
				}
			}
			// Until the next end tag, elements are only opened, so
			// open[:openAtGood] stays as it is now.
			good, openAtGood = d.InputOffset(), len(open)
		}
	}
	open = open[:openAtGood]
	if good <= 0 || len(open) == 0 || good > int64(len(body)) {
		return nil, false
	}
	out := make([]byte, 0, int(good)+16*len(open))
	out = append(out, body[:good]...)
	for i := len(open) - 1; i >= 0; i-- {
		out = append(out, "</"...)
		out = append(out, open[i]...)
		out = append(out, '>')
	}
	return out, true
}

// maxEndTagSearch bounds how far up the open elements salvageXML looks for
// the one an end tag closes.
const maxEndTagSearch = 64

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// looseJSONFeed returns a JSON Feed with the fields of the wrong type
// removed, or turned into the right type where the intent is plain (a
// number for a string, comma-separated tags for a list), so that one
// off-spec field does not lose the whole feed. It reports false when body is
// not a JSON object.
func looseJSONFeed(body []byte) ([]byte, bool) {
	var feed map[string]any
	if err := json.Unmarshal(body, &feed); err != nil || feed == nil {
		return nil, false
	}
	fixFields(feed, []string{"version", "title", "home_page_url", "feed_url", "description",
		"user_comment", "next_url", "icon", "favicon", "language"})
	fixPeople(feed)
	if items, ok := feed["items"].([]any); ok {
		kept := items[:0]
		for _, v := range items {
			it, ok := v.(map[string]any)
			if !ok {
				continue
			}
			fixFields(it, []string{"id", "url", "external_url", "title", "content_html", "content_text",
				"summary", "image", "banner_image", "date_published", "date_modified", "language"})
			fixPeople(it)
			switch tags := it["tags"].(type) {
			case nil:
			case []any:
				it["tags"] = onlyStrings(tags)
			case string:
				var list []any
				for _, t := range strings.Split(tags, ",") {
					if t = strings.TrimSpace(t); t != "" {
						list = append(list, t)
					}
				}
				it["tags"] = list
			default:
				delete(it, "tags")
			}
			if atts, ok := it["attachments"].([]any); ok {
				var list []any
				for _, a := range atts {
					if m, ok := a.(map[string]any); ok {
						fixFields(m, []string{"url", "mime_type", "title"})
						list = append(list, m)
					}
				}
				it["attachments"] = list
			} else {
				delete(it, "attachments")
			}
			kept = append(kept, it)
		}
		feed["items"] = kept
	} else {
		delete(feed, "items")
	}
	if _, ok := feed["hubs"].([]any); !ok {
		delete(feed, "hubs")
	}
	out, err := json.Marshal(feed)
	return out, err == nil
}

// fixFields makes the named fields of m strings: numbers and booleans are
// written out, anything else is removed.
func fixFields(m map[string]any, names []string) {
	for _, k := range names {
		switch v := m[k].(type) {
		case nil, string:
		case float64, bool:
			b, _ := json.Marshal(v) // a float64 or bool always marshals
			m[k] = string(b)
		default:
			delete(m, k)
		}
	}
}

// fixPeople cleans the author and authors fields of m.
func fixPeople(m map[string]any) {
	if a, ok := m["author"].(map[string]any); ok {
		fixFields(a, []string{"name", "url", "avatar"})
	} else {
		delete(m, "author")
	}
	if list, ok := m["authors"].([]any); ok {
		var kept []any
		for _, v := range list {
			if a, ok := v.(map[string]any); ok {
				fixFields(a, []string{"name", "url", "avatar"})
				kept = append(kept, a)
			}
		}
		m["authors"] = kept
	} else {
		delete(m, "authors")
	}
}

func onlyStrings(list []any) []any {
	var out []any
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
