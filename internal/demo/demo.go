// Package demo holds the bundled demo news world: a set of fictional
// articles from fictional outlets, covering several developing stories over
// about ten days, in Herald's JSONL import format.
//
// The world is embedded in the binary so that a fresh installation can be
// populated without network access. [JSONL] returns it with every timestamp
// shifted so that the newest article is always an hour old, which keeps the
// demo looking current whenever it is loaded.
//
// Each line is one JSON object with the import fields (url, title, byline,
// published_at, html, source, source_url, licence and optionally image and
// lang) plus a few fields used only by this package's tests (story, topic and
// wire_of), which the importer ignores.
package demo

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

//go:embed world.jsonl
var world []byte

// publishedKey is the field whose value JSONL rewrites.
const publishedKey = "published_at"

// freshness is how long before "now" the newest demo article is published.
const freshness = time.Hour

// JSONL returns the demo world as import-format JSONL, one article per line
// in the original order, with every published_at shifted by the same amount
// so that the newest article is published exactly one hour before now.
// All other fields are returned byte for byte as stored. Timestamps are
// written in RFC 3339 format in UTC (with fractional seconds only when the
// shifted time has them).
func JSONL(now time.Time) ([]byte, error) {
	lines, err := parse(world)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, errors.New("demo: world is empty")
	}
	newest := lines[0].published
	for _, l := range lines[1:] {
		if l.published.After(newest) {
			newest = l.published
		}
	}
	shift := now.Add(-freshness).Sub(newest)

	var out bytes.Buffer
	out.Grow(len(world) + len(lines)*8)
	for _, l := range lines {
		ts, err := json.Marshal(l.published.Add(shift).UTC().Format(time.RFC3339Nano))
		if err != nil {
			return nil, fmt.Errorf("demo line %d: %w", l.n, err)
		}
		out.Write(l.raw[:l.start])
		out.Write(ts)
		out.Write(l.raw[l.end:])
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// line is one parsed article line: the raw bytes, the position of the
// published_at value within them, and its parsed time.
type line struct {
	n          int // 1-based line number in world.jsonl
	raw        []byte
	start, end int
	published  time.Time
}

// parse splits data into non-blank lines and locates each line's top-level
// published_at value without disturbing any other bytes.
func parse(data []byte) ([]line, error) {
	var lines []line
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		l, err := parseLine(raw)
		if err != nil {
			return nil, fmt.Errorf("demo line %d: %w", n, err)
		}
		l.n = n
		l.raw = append([]byte(nil), raw...)
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("demo line %d: %w", n+1, err)
	}
	return lines, nil
}

// parseLine walks the top-level object in raw and returns the byte range of
// the published_at string value and the time it holds.
func parseLine(raw []byte) (line, error) {
	var l line
	if !json.Valid(raw) {
		return l, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return l, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return l, errors.New("not a JSON object")
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return l, err
		}
		key, ok := tok.(string)
		if !ok {
			return l, fmt.Errorf("unexpected token %v", tok)
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return l, fmt.Errorf("field %q: %w", key, err)
		}
		if key != publishedKey {
			continue
		}
		if found {
			return l, fmt.Errorf("duplicate %q", publishedKey)
		}
		found = true
		end := int(dec.InputOffset())
		start := end - len(val)
		if start < 0 || !bytes.Equal(raw[start:end], val) {
			return l, fmt.Errorf("cannot locate %q value", publishedKey)
		}
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return l, fmt.Errorf("%s: %w", publishedKey, err)
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return l, fmt.Errorf("%s: %w", publishedKey, err)
		}
		l.start, l.end, l.published = start, end, t
	}
	if _, err := dec.Token(); err != nil { // closing '}'
		return l, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return l, errors.New("trailing data after object")
	}
	if !found {
		return l, fmt.Errorf("missing %q", publishedKey)
	}
	return l, nil
}
