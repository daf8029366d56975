package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// article mirrors one line of world.jsonl, including the test-only fields.
type article struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Byline      string `json:"byline"`
	PublishedAt string `json:"published_at"`
	HTML        string `json:"html"`
	Source      string `json:"source"`
	SourceURL   string `json:"source_url"`
	Licence     string `json:"licence"`
	Image       string `json:"image"`
	Lang        string `json:"lang"`
	Story       string `json:"story"`
	Topic       string `json:"topic"`
	WireOf      string `json:"wire_of"`

	published time.Time
}

var knownFields = map[string]bool{
	"url": true, "title": true, "byline": true, "published_at": true, "html": true,
	"source": true, "source_url": true, "licence": true, "image": true, "lang": true,
	"story": true, "topic": true, "wire_of": true,
}

var licences = map[string]bool{"full": true, "excerpt": true, "headline": true}

// splitLines returns the non-blank lines of data.
func splitLines(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, append([]byte(nil), l...))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// loadWorld parses every line of the embedded world strictly.
func loadWorld(t *testing.T) []article {
	t.Helper()
	var arts []article
	for i, l := range splitLines(t, world) {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(l, &fields); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for k := range fields {
			if !knownFields[k] {
				t.Errorf("line %d: unknown field %q", i+1, k)
			}
		}
		var a article
		if err := json.Unmarshal(l, &a); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		p, err := time.Parse(time.RFC3339, a.PublishedAt)
		if err != nil {
			t.Fatalf("line %d: published_at: %v", i+1, err)
		}
		a.published = p
		arts = append(arts, a)
	}
	return arts
}

var tagRE = regexp.MustCompile(`<[^>]+>`)
var wordRE = regexp.MustCompile(`[a-z0-9']+`)

func text(html string) string { return tagRE.ReplaceAllString(html, " ") }

func wordCount(html string) int { return len(strings.Fields(text(html))) }

// wordSet returns the set of lower-case words in an HTML body.
func wordSet(html string) map[string]bool {
	m := map[string]bool{}
	for _, w := range wordRE.FindAllString(strings.ToLower(text(html)), -1) {
		m[w] = true
	}
	return m
}

// jaccard is the Jaccard index of two word sets.
func jaccard(sa, sb map[string]bool) float64 {
	inter := 0
	for w := range sa {
		if sb[w] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// similarity is the Jaccard index of the two bodies' word sets.
func similarity(a, b string) float64 { return jaccard(wordSet(a), wordSet(b)) }

func exampleHTTPS(t *testing.T, what, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || !strings.HasSuffix(u.Hostname(), ".example") {
		t.Errorf("%s %q: want an https URL on an .example domain", what, raw)
		return &url.URL{}
	}
	return u
}

func TestWorldFields(t *testing.T) {
	arts := loadWorld(t)
	linkRE := regexp.MustCompile(`href="([^"]*)"`)
	seenURL := map[string]bool{}
	seenTitle := map[string]bool{}
	homeOf := map[string]string{}
	var links [][2]string // article URL, link target
	for i, a := range arts {
		where := a.URL
		if where == "" {
			where = fmt.Sprintf("line %d", i+1)
		}
		for name, v := range map[string]string{
			"url": a.URL, "title": a.Title, "byline": a.Byline, "html": a.HTML,
			"source": a.Source, "source_url": a.SourceURL, "licence": a.Licence,
			"story": a.Story, "topic": a.Topic,
		} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: missing %s", where, name)
			}
		}
		if !licences[a.Licence] {
			t.Errorf("%s: licence %q not in full/excerpt/headline", where, a.Licence)
		}
		if a.Lang != "" && a.Lang != "en" {
			t.Errorf("%s: lang %q", where, a.Lang)
		}
		if !strings.HasSuffix(a.PublishedAt, "Z") {
			t.Errorf("%s: published_at %q is not UTC", where, a.PublishedAt)
		}
		if !strings.HasPrefix(a.Byline, "By ") {
			t.Errorf("%s: byline %q", where, a.Byline)
		}
		u := exampleHTTPS(t, "url", a.URL)
		home := exampleHTTPS(t, "source_url", a.SourceURL)
		if u.Host != home.Host || !strings.HasPrefix(a.URL, a.SourceURL) || a.URL == a.SourceURL {
			t.Errorf("%s: not an article under %s", where, a.SourceURL)
		}
		if a.Image != "" {
			if img := exampleHTTPS(t, "image", a.Image); img.Host != home.Host {
				t.Errorf("%s: image %q not on the outlet's domain", where, a.Image)
			}
		}
		for _, m := range linkRE.FindAllStringSubmatch(a.HTML, -1) {
			links = append(links, [2]string{where, m[1]})
		}
		if seenURL[a.URL] {
			t.Errorf("duplicate url %s", a.URL)
		}
		seenURL[a.URL] = true
		if seenTitle[a.Title] {
			t.Errorf("duplicate title %q", a.Title)
		}
		seenTitle[a.Title] = true
		if h, ok := homeOf[a.Source]; ok && h != a.SourceURL {
			t.Errorf("%s: source %q has two homepages %q and %q", where, a.Source, h, a.SourceURL)
		}
		homeOf[a.Source] = a.SourceURL

		if !strings.HasPrefix(a.HTML, "<p>") {
			t.Errorf("%s: body should open with a paragraph", where)
		}
		if n := wordCount(a.HTML); n < 80 || n > 1500 {
			t.Errorf("%s: %d words, want 80..1500", where, n)
		}
		if strings.Contains(a.HTML, "<script") || (strings.Contains(a.HTML, "(CWS)") && a.Source != "Continental Wire Service") {
			t.Errorf("%s: unexpected markup or wire dateline", where)
		}
	}

	// Links must stay on .example domains, and links into a demo outlet must
	// point at an article that exists in the world.
	outletHosts := map[string]bool{}
	for _, home := range homeOf {
		u, _ := url.Parse(home)
		outletHosts[u.Host] = true
	}
	for _, l := range links {
		u := exampleHTTPS(t, "link in "+l[0], l[1])
		if outletHosts[u.Host] && !seenURL[l[1]] {
			t.Errorf("%s: link %s is not an article in the world", l[0], l[1])
		}
	}
	if len(links) < 5 {
		t.Errorf("%d links in the world, want a few", len(links))
	}
}

func TestWorldShape(t *testing.T) {
	arts := loadWorld(t)
	if len(arts) < 64 {
		t.Errorf("%d articles, want at least 64", len(arts))
	}

	outlets := map[string]int{}
	lics := map[string]int{}
	topics := map[string]bool{}
	stories := map[string][]article{}
	for _, a := range arts {
		outlets[a.Source]++
		lics[a.Licence]++
		stories[a.Story] = append(stories[a.Story], a)
	}
	if len(outlets) < 7 {
		t.Errorf("%d outlets, want at least 7", len(outlets))
	}
	for l := range licences {
		if lics[l] == 0 {
			t.Errorf("licence %q unused", l)
		}
	}
	if lics["full"] <= lics["headline"] || lics["excerpt"] <= lics["headline"] {
		t.Errorf("licence mix %v: want full and excerpt each more common than headline", lics)
	}

	developing := 0
	for key, as := range stories {
		if len(as) < 4 {
			continue
		}
		developing++
		topics[as[0].Topic] = true
		first, last := as[0].published, as[0].published
		srcs := map[string]bool{}
		for _, a := range as {
			if a.Topic != as[0].Topic {
				t.Errorf("story %s mixes topics %q and %q", key, as[0].Topic, a.Topic)
			}
			if a.published.Before(first) {
				first = a.published
			}
			if a.published.After(last) {
				last = a.published
			}
			srcs[a.Source] = true
		}
		if len(as) > 10 {
			t.Errorf("story %s has %d articles, want at most 10", key, len(as))
		}
		if last.Sub(first) < 48*time.Hour {
			t.Errorf("story %s spans only %v", key, last.Sub(first))
		}
		if len(srcs) < 2 {
			t.Errorf("story %s covered by only one outlet", key)
		}
	}
	if developing < 9 {
		t.Errorf("%d stories with at least 4 articles, want at least 9", developing)
	}
	if len(topics) < 4 {
		t.Errorf("developing stories cover %d topics, want at least 4", len(topics))
	}

	// The world spans roughly ten days, ending 2026-03-10T18:00:00Z.
	end := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
	first, last := arts[0].published, arts[0].published
	for i, a := range arts {
		if a.published.Before(first) {
			first = a.published
		}
		if a.published.After(last) {
			last = a.published
		}
		if i > 0 && a.published.Before(arts[i-1].published) {
			t.Errorf("%s: lines are not in publication order", a.URL)
		}
	}
	if !last.Equal(end) {
		t.Errorf("newest article at %v, want %v", last, end)
	}
	if span := last.Sub(first); span < 8*24*time.Hour || span > 11*24*time.Hour {
		t.Errorf("world spans %v, want about ten days", span)
	}
}

func TestWireCopies(t *testing.T) {
	arts := loadWorld(t)
	byURL := map[string]article{}
	for _, a := range arts {
		byURL[a.URL] = a
	}
	copiesOf := map[string]map[string]bool{} // original URL -> outlets republishing it
	for _, c := range arts {
		if c.WireOf == "" {
			continue
		}
		o, ok := byURL[c.WireOf]
		if !ok {
			t.Errorf("%s: wire_of %s not in world", c.URL, c.WireOf)
			continue
		}
		if o.WireOf != "" {
			t.Errorf("%s: wire_of points at another copy", c.URL)
		}
		if o.Source == c.Source {
			t.Errorf("%s: republished by its own outlet", c.URL)
		}
		if o.Story != c.Story || o.Topic != c.Topic {
			t.Errorf("%s: story/topic differ from original", c.URL)
		}
		if c.Title == o.Title {
			t.Errorf("%s: copy should carry its own headline", c.URL)
		}
		if !c.published.After(o.published) {
			t.Errorf("%s: copy published before the original", c.URL)
		}
		if c.HTML == o.HTML {
			t.Errorf("%s: copy has no edits", c.URL)
		}
		if s := similarity(c.HTML, o.HTML); s < 0.6 {
			t.Errorf("%s: similarity %.2f to original, want near-identical text", c.URL, s)
		}
		if copiesOf[o.URL] == nil {
			copiesOf[o.URL] = map[string]bool{o.Source: true}
		}
		copiesOf[o.URL][c.Source] = true
	}
	wires := 0
	for orig, outlets := range copiesOf {
		if byURL[orig].Source != "Continental Wire Service" {
			t.Errorf("%s: republished text should come from the wire agency", orig)
		}
		if len(outlets) >= 3 { // the agency plus at least two others
			wires++
		}
	}
	if wires < 3 {
		t.Errorf("%d wire texts republished by at least 2 other outlets, want at least 3", wires)
	}

	// Articles that are not copies of one another should not share text.
	related := func(a, b article) bool {
		return a.WireOf == b.URL || b.WireOf == a.URL || (a.WireOf != "" && a.WireOf == b.WireOf)
	}
	sets := make([]map[string]bool, len(arts))
	for i, a := range arts {
		sets[i] = wordSet(a.HTML)
	}
	for i, a := range arts {
		for j := i + 1; j < len(arts); j++ {
			if b := arts[j]; !related(a, b) {
				if s := jaccard(sets[i], sets[j]); s >= 0.5 {
					t.Errorf("%s and %s are %.2f similar but not marked as wire copies", a.URL, b.URL, s)
				}
			}
		}
	}
}

func TestJSONL(t *testing.T) {
	orig := splitLines(t, world)
	tests := []struct {
		name string
		now  time.Time
	}{
		{"fixed", time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)},
		{"earlier than world", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"nanoseconds in another zone", time.Date(2026, 11, 5, 9, 30, 15, 123456789, time.FixedZone("X", -7*3600))},
		{"wall clock", time.Now()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := JSONL(tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(out, []byte("\n")) {
				t.Error("output should end with a newline")
			}
			got := splitLines(t, out)
			if len(got) != len(orig) {
				t.Fatalf("%d lines, want %d", len(got), len(orig))
			}
			var newest time.Time
			var shift time.Duration
			for i := range got {
				var in, o map[string]json.RawMessage
				if err := json.Unmarshal(orig[i], &in); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(got[i], &o); err != nil {
					t.Fatalf("output line %d: %v", i+1, err)
				}
				if len(in) != len(o) {
					t.Fatalf("line %d: %d fields, want %d", i+1, len(o), len(in))
				}
				for k, v := range in {
					if k == "published_at" {
						continue
					}
					if !bytes.Equal(o[k], v) {
						t.Fatalf("line %d: field %s changed", i+1, k)
					}
				}
				var ts, ots string
				_ = json.Unmarshal(in["published_at"], &ts)
				if err := json.Unmarshal(o["published_at"], &ots); err != nil {
					t.Fatal(err)
				}
				if !strings.HasSuffix(ots, "Z") {
					t.Errorf("line %d: %q not UTC", i+1, ots)
				}
				ti, _ := time.Parse(time.RFC3339, ts)
				to, err := time.Parse(time.RFC3339Nano, ots)
				if err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				d := to.Sub(ti)
				if i == 0 {
					shift = d
				} else if d != shift {
					t.Fatalf("line %d shifted by %v, line 1 by %v", i+1, d, shift)
				}
				if to.After(newest) {
					newest = to
				}
				// Outside the timestamp the line is byte-for-byte unchanged.
				if a, b := bytes.ReplaceAll(orig[i], in["published_at"], nil), bytes.ReplaceAll(got[i], o["published_at"], nil); !bytes.Equal(a, b) {
					t.Fatalf("line %d: bytes outside published_at changed", i+1)
				}
			}
			if want := tt.now.Add(-time.Hour); !newest.Equal(want) {
				t.Errorf("newest = %v, want %v", newest, want)
			}
		})
	}

	a, _ := JSONL(tests[0].now)
	b, _ := JSONL(tests[0].now)
	if !bytes.Equal(a, b) {
		t.Error("JSONL is not deterministic")
	}
}

func TestJSONLPreservesOrderOfTimes(t *testing.T) {
	arts := loadWorld(t)
	out, err := JSONL(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	lines := splitLines(t, out)
	if len(lines) != len(arts) {
		t.Fatalf("%d lines, want %d", len(lines), len(arts))
	}
	shifted := make([]time.Time, len(lines))
	for i, l := range lines {
		var a article
		if err := json.Unmarshal(l, &a); err != nil {
			t.Fatal(err)
		}
		if a.URL != arts[i].URL {
			t.Fatalf("line %d is %s, want %s", i+1, a.URL, arts[i].URL)
		}
		if shifted[i], err = time.Parse(time.RFC3339Nano, a.PublishedAt); err != nil {
			t.Fatal(err)
		}
	}
	for i := range arts {
		for j := i + 1; j < len(arts); j++ {
			if shifted[i].Compare(shifted[j]) != arts[i].published.Compare(arts[j].published) {
				t.Fatalf("order of %s and %s changed", arts[i].URL, arts[j].URL)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"invalid json", `{"url":"x","published_at":"2026-03-01T00:00:00Z"` + "\n", "demo line 1"},
		{"not an object", `["published_at"]` + "\n", "not a JSON object"},
		{"missing time", `{"url":"x"}` + "\n", `missing "published_at"`},
		{"bad time", `{"published_at":"yesterday"}` + "\n", "published_at"},
		{"time not a string", `{"published_at":5}` + "\n", "published_at"},
		{"duplicate", `{"published_at":"2026-03-01T00:00:00Z","published_at":"2026-03-02T00:00:00Z"}`, "duplicate"},
		{"error on later line", `{"published_at":"2026-03-01T00:00:00Z"}` + "\n\n" + `{"url":1}` + "\n", "demo line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parse error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseLocatesTimestamp(t *testing.T) {
	data := `{ "title" : "a \"published_at\" b", "nested": {"published_at": "1999-01-01T00:00:00Z"},` +
		` "published_at" : "2026-03-01T10:00:00Z" , "x": [1, 2] }`
	lines, err := parse([]byte(data + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 {
		t.Fatalf("%d lines", len(lines))
	}
	l := lines[0]
	if got := string(l.raw[l.start:l.end]); got != `"2026-03-01T10:00:00Z"` {
		t.Errorf("located %s", got)
	}
	if !l.published.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("published = %v", l.published)
	}
}
