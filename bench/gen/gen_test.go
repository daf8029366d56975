package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func testConfig(t *testing.T, n int) config {
	t.Helper()
	cfg, err := parseConfig([]string{"-n", strconv.Itoa(n)}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func run(t *testing.T, cfg config) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := generate(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var requiredFields = []string{"url", "title", "byline", "published_at", "html",
	"source", "source_url", "licence", "lang", "story", "topic"}

type article struct {
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Byline      string    `json:"byline"`
	PublishedAt time.Time `json:"published_at"`
	HTML        string    `json:"html"`
	Source      string    `json:"source"`
	SourceURL   string    `json:"source_url"`
	Licence     string    `json:"licence"`
	Lang        string    `json:"lang"`
	Story       int       `json:"story"`
	Topic       string    `json:"topic"`
}

// check validates every line of out against cfg and returns the articles.
func check(t *testing.T, cfg config, out []byte) []article {
	t.Helper()
	start := cfg.end.AddDate(0, 0, -cfg.days)
	urls := map[string]bool{}
	var arts []article
	var prev time.Time
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw := sc.Bytes()
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("line %d: invalid JSON: %v\n%s", line, err, raw)
		}
		if len(m) != len(requiredFields) {
			t.Errorf("line %d: %d fields, want %d", line, len(m), len(requiredFields))
		}
		for _, f := range requiredFields {
			if _, ok := m[f]; !ok {
				t.Fatalf("line %d: missing field %q", line, f)
			}
		}
		var a article
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		if a.Title == "" || a.Byline == "" || a.Source == "" || a.HTML == "" {
			t.Errorf("line %d: empty title, byline, source or html", line)
		}
		if urls[a.URL] {
			t.Errorf("line %d: duplicate url %s", line, a.URL)
		}
		urls[a.URL] = true
		if !strings.HasPrefix(a.SourceURL, "https://www.") || !strings.HasSuffix(a.SourceURL, ".example/") {
			t.Errorf("line %d: source_url %q", line, a.SourceURL)
		}
		if !strings.HasPrefix(a.URL, a.SourceURL) || len(a.URL) <= len(a.SourceURL) {
			t.Errorf("line %d: url %q not under %q", line, a.URL, a.SourceURL)
		}
		var ts string
		json.Unmarshal(m["published_at"], &ts)
		if p, err := time.Parse(time.RFC3339, ts); err != nil || !strings.HasSuffix(ts, "Z") || p.Location() != time.UTC {
			t.Errorf("line %d: published_at %q is not RFC 3339 UTC", line, ts)
		}
		if a.PublishedAt.Before(prev) {
			t.Errorf("line %d: published_at %s before previous %s", line, a.PublishedAt, prev)
		}
		prev = a.PublishedAt
		if a.PublishedAt.Before(start) || !a.PublishedAt.Before(cfg.end) {
			t.Errorf("line %d: published_at %s outside [%s, %s)", line, a.PublishedAt, start, cfg.end)
		}
		if !slices.Contains(licences[:], a.Licence) {
			t.Errorf("line %d: licence %q", line, a.Licence)
		}
		if a.Lang != "en" {
			t.Errorf("line %d: lang %q", line, a.Lang)
		}
		if a.Story < 1 || a.Story > cfg.stories {
			t.Errorf("line %d: story %d outside [1, %d]", line, a.Story, cfg.stories)
		}
		if !slices.Contains(topicNames, a.Topic) {
			t.Errorf("line %d: topic %q", line, a.Topic)
		}
		checkHTML(t, line, a.HTML)
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(arts) != cfg.n {
		t.Fatalf("got %d articles, want %d", len(arts), cfg.n)
	}
	return arts
}

func checkHTML(t *testing.T, line int, html string) {
	t.Helper()
	if !strings.HasPrefix(html, "<p>") {
		t.Errorf("line %d: html does not start with <p>", line)
	}
	for _, tag := range []string{"p", "h2", "blockquote", "ul", "li"} {
		if o, c := strings.Count(html, "<"+tag+">"), strings.Count(html, "</"+tag+">"); o != c {
			t.Errorf("line %d: %d <%s> but %d </%s>", line, o, tag, c, tag)
		}
	}
	if w := len(strings.Fields(stripTags(html))); w < 80 || w > 1750 {
		t.Errorf("line %d: %d words", line, w)
	}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, c := range s {
		switch {
		case c == '<':
			in = true
			b.WriteByte(' ')
		case c == '>':
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func TestGenerate(t *testing.T) {
	cfg := testConfig(t, 2000)
	arts := check(t, cfg, run(t, cfg))

	lic := map[string]int{}
	tags := map[string]int{}
	stories := map[int][]article{}
	bySource := map[string]map[string]int{}
	minW, maxW := 1<<30, 0
	for _, a := range arts {
		lic[a.Licence]++
		for _, tag := range []string{"<h2>", "<blockquote>", "<ul>"} {
			if strings.Contains(a.HTML, tag) {
				tags[tag]++
			}
		}
		stories[a.Story] = append(stories[a.Story], a)
		if bySource[a.Source] == nil {
			bySource[a.Source] = map[string]int{}
		}
		bySource[a.Source][a.Licence]++
		w := len(strings.Fields(stripTags(a.HTML)))
		minW, maxW = min(minW, w), max(maxW, w)
	}
	for _, l := range licences {
		if lic[l] == 0 {
			t.Errorf("no %q licences in %d articles: %v", l, len(arts), lic)
		}
	}
	for tag, c := range tags {
		if c < len(arts)/20 || c == len(arts) {
			t.Errorf("%s in %d of %d articles; want sometimes", tag, c, len(arts))
		}
	}
	if len(tags) != 3 {
		t.Errorf("tags seen: %v", tags)
	}
	if minW > 150 || maxW < 1000 {
		t.Errorf("article lengths %d..%d words, want a wide spread", minW, maxW)
	}
	if len(bySource) < 20 {
		t.Errorf("only %d sources", len(bySource))
	}
	// Most stories of this size should appear; all articles of a story share
	// its topic, fall within ~20 days and share key vocabulary.
	if len(stories) < cfg.stories*9/10 {
		t.Errorf("%d distinct stories, want about %d", len(stories), cfg.stories)
	}
	for id, as := range stories {
		first, last := as[0].PublishedAt, as[len(as)-1].PublishedAt
		if last.Sub(first) > 21*24*time.Hour {
			t.Errorf("story %d spans %s", id, last.Sub(first))
		}
		for _, a := range as[1:] {
			if a.Topic != as[0].Topic {
				t.Errorf("story %d has topics %q and %q", id, a.Topic, as[0].Topic)
			}
		}
		if len(as) >= 2 {
			shared := sharedCapitalised(as[0].HTML, as[1].HTML)
			if shared < 2 {
				t.Errorf("story %d: first two articles share %d proper nouns", id, shared)
			}
		}
	}
}

// sharedCapitalised counts distinct capitalised words (mostly names) that
// appear in both texts and are not sentence starters.
func sharedCapitalised(a, b string) int {
	words := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(stripTags(s)) {
			w = strings.Trim(w, ".,“”'")
			if len(w) > 3 && w[0] >= 'A' && w[0] <= 'Z' && !slices.Contains(sentenceStarters, w) && !slices.Contains(commonWords, w) {
				m[w] = true
			}
		}
		return m
	}
	wa, wb := words(a), words(b)
	n := 0
	for w := range wa {
		if wb[w] {
			n++
		}
	}
	return n
}

func TestDeterministic(t *testing.T) {
	cfg := testConfig(t, 2000)
	a, b := run(t, cfg), run(t, cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed gave different output")
	}
	cfg.seed = 2
	if c := run(t, cfg); bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same output")
	}
}

func TestEdgeConfigs(t *testing.T) {
	end := time.Date(2025, 3, 30, 12, 30, 0, 0, time.UTC)
	for _, cfg := range []config{
		{n: 1, seed: 1, outlets: 1, stories: 1, days: 1, end: end},
		{n: 7, seed: 3, outlets: 2, stories: 7, days: 1, end: end},
		{n: 500, seed: 4, outlets: 1000, stories: 1, days: 3650, end: end},
		{n: 3000, seed: -5, outlets: 3, stories: 3000, days: 2, end: end},
		{n: 3000, seed: 6, outlets: 40, stories: 10, days: 30, end: end},
	} {
		out := run(t, cfg)
		check(t, cfg, out)
	}
}

func TestParseConfig(t *testing.T) {
	cfg, err := parseConfig([]string{"-n", "1000", "-seed", "7", "-outlets", "12", "-days", "30", "-end", "2025-01-02T03:04:05+02:00"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{n: 1000, seed: 7, outlets: 12, stories: 125, days: 30, end: time.Date(2025, 1, 2, 1, 4, 5, 0, time.UTC)}
	if cfg != want {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
	if cfg, _ := parseConfig([]string{"-n", "3"}, io.Discard); cfg.stories != 1 {
		t.Errorf("-n 3: stories = %d, want 1", cfg.stories)
	}

	for _, args := range [][]string{
		{},
		{"-n", "0"},
		{"-n", "-5"},
		{"-n", "abc"},
		{"-n", "2000000000"},
		{"-n", "10", "-stories", "0"},
		{"-n", "10", "-stories", "11"},
		{"-n", "10", "-outlets", "0"},
		{"-n", "10", "-outlets", "5000"},
		{"-n", "10", "-days", "0"},
		{"-n", "10", "-days", "99999"},
		{"-n", "10", "-end", "yesterday"},
		{"-n", "10", "-end", "2026-11-01"},
		{"-n", "10", "-end", "0005-01-01T00:00:00Z", "-days", "3650"},
		{"-n", "10", "-bogus"},
		{"-n", "10", "extra"},
	} {
		_, err := parseConfig(args, io.Discard)
		if err == nil {
			t.Errorf("%q: no error", args)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: multi-line error %q", args, err)
		}
	}
	var help bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, &help); !errors.Is(err, flag.ErrHelp) || !strings.Contains(help.String(), "-stories") {
		t.Errorf("-h: err %v, usage %q", err, help.String())
	}
}

// TestMainExit runs the command in a subprocess to check exit statuses.
func TestMainExit(t *testing.T) {
	if args := os.Getenv("GEN_TEST_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"gen"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	for _, tc := range []struct {
		args string
		code int
	}{
		{"-n 0", 2},
		{"-n 5 -end bad", 2},
		{"-n 5 -seed x", 2},
		{"-n 5", 0},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainExit$")
		cmd.Env = append(os.Environ(), "GEN_TEST_MAIN_ARGS="+tc.args)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("gen %s: exit %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
		}
		if tc.code != 0 {
			msg := stderr.String()
			if !strings.HasPrefix(msg, "gen: ") || strings.Count(msg, "\n") != 1 || strings.Contains(msg, "panic") {
				t.Errorf("gen %s: stderr %q, want one line", tc.args, msg)
			}
		} else if lines := bytes.Count(stdout.Bytes(), []byte("\n")); lines != 5 {
			t.Errorf("gen %s: %d lines", tc.args, lines)
		}
	}
}

// TestVocabSafe checks that everything the body writer copies unescaped is
// safe in a JSON string and as HTML text.
func TestVocabSafe(t *testing.T) {
	cfg := testConfig(t, 10)
	g := newGenerator(cfg)
	var all []string
	all = append(all, commonWords...)
	all = append(all, newsVerbs...)
	all = append(all, headlineVerbs...)
	all = append(all, baseVerbs...)
	all = append(all, sentenceStarters...)
	all = append(all, subheads...)
	for _, td := range topicData {
		all = append(all, td.terms...)
		all = append(all, td.nouns...)
		all = append(all, td.events...)
		all = append(all, td.roles...)
		all = append(all, td.orgs...)
		all = append(all, td.coined, td.outlet)
	}
	all = append(all, g.v.given...)
	all = append(all, g.v.surnames...)
	all = append(all, g.v.places...)
	all = append(all, g.v.notable...)
	all = append(all, g.v.coinBases...)
	for _, o := range g.v.orgs {
		all = append(all, o...)
	}
	for _, o := range g.outlets {
		all = append(all, o.name, o.host)
		all = append(all, o.staff...)
	}
	for _, s := range all {
		if s == "" || strings.ContainsAny(s, "\"\\<>&\n\r\t") {
			t.Errorf("unsafe vocabulary entry %q", s)
		}
	}
	if n := len(g.v.given) + len(g.v.surnames) + len(g.v.places) + len(g.v.coinBases); n < 3000 {
		t.Errorf("only %d generated names", n)
	}
}

func BenchmarkGenerate(b *testing.B) {
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cfg := config{n: 20000, seed: 1, outlets: 40, stories: 2500, days: 180, end: end}
	for b.Loop() {
		if err := generate(io.Discard, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.n*b.N)/b.Elapsed().Seconds(), "articles/s")
}
