// Command feeds measures package syndication against the feed corpus: it
// runs every document in ../shared/corpus/feeds through syndication.Parse,
// reports outcomes, panics and the slowest file, and scores the results
// where the upstream test suites state the expected answer (feedparser's
// INDEX.jsonl expressions, gofeed's paired expected JSON, feedparser's date
// vectors). It prints Markdown.
//
//	go run ./bench/feeds [-corpus ../shared/corpus/feeds] [-timeout 5s]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/syndication"
	"golang.org/x/net/html"
)

func main() {
	fset := flag.NewFlagSet("feeds", flag.ExitOnError)
	corpus := fset.String("corpus", "../shared/corpus/feeds", "the feed corpus directory")
	timeout := fset.Duration("timeout", 5*time.Second, "how long one file may take before it counts as a hang")
	failures := fset.Bool("failures", false, "also list each failed check, to stderr")
	_ = fset.Parse(os.Args[1:]) // ExitOnError: Parse exits rather than return an error
	var fail io.Writer = io.Discard
	if *failures {
		fail = os.Stderr
	}
	if err := run(os.Stdout, fail, *corpus, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "feeds:", err)
		os.Exit(1)
	}
}

// result is what Parse did with one file.
type result struct {
	feed    *syndication.Feed
	err     error
	escaped any // a panic that got past Parse's own recover
	elapsed time.Duration
	hung    bool
}

// parseFile runs Parse on body in its own goroutine, so that a hang shows up
// as a timeout instead of stopping the run.
func parseFile(body []byte, feedURL string, timeout time.Duration) result {
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.escaped = p
			}
			r.elapsed = time.Since(start)
			done <- r
		}()
		r.feed, r.err = syndication.Parse(body, feedURL)
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(timeout):
		return result{hung: true, elapsed: timeout}
	}
}

// metadata files of the corpus, which are not documents to parse.
var metadata = map[string]bool{"LICENSE": true, "COMMIT": true, "INDEX.jsonl": true, "date_parser_vectors.jsonl": true}

// feedURL returns the address a corpus file is taken to have been fetched
// from. feedparser's tests are served from http://127.0.0.1:8097/ and expect
// relative links resolved against that address.
func feedURL(rel string) string {
	if after, ok := strings.CutPrefix(rel, "feedparser/"); ok {
		return "http://127.0.0.1:8097/" + after
	}
	return "https://corpus.invalid/" + rel
}

// run measures the corpus, writing the report to w and, when asked for,
// each failed check to fail.
func run(w, fail io.Writer, corpus string, timeout time.Duration) error {
	if _, err := os.Stat(corpus); err != nil {
		return fmt.Errorf("corpus: %w (run from the project root, or pass -corpus)", err)
	}
	var files []string
	err := filepath.WalkDir(corpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && !metadata[d.Name()] {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("walk corpus: %w", err)
	}
	sort.Strings(files)
	all := make(map[string]bool, len(files))
	for _, path := range files {
		rel, _ := filepath.Rel(corpus, path) // path is under corpus
		all[filepath.ToSlash(rel)] = true
	}

	type suiteStats struct{ files, ok, errs int }
	suites := make(map[string]*suiteStats)
	classes := make(map[string]int)
	results := make(map[string]result, len(files))
	var (
		ok, errs, caught, escaped, hangs int
		maxTime                          time.Duration
		maxFile                          string
		answerFiles                      int
		items                            int
	)
	start := time.Now()
	for _, path := range files {
		rel, _ := filepath.Rel(corpus, path) // path is under corpus
		rel = filepath.ToSlash(rel)
		body, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", rel, err)
		}
		r := parseFile(body, feedURL(rel), timeout)
		results[rel] = r
		suite := strings.SplitN(rel, "/", 2)[0]
		if suites[suite] == nil {
			suites[suite] = &suiteStats{}
		}
		s := suites[suite]
		s.files++
		if r.elapsed > maxTime {
			maxTime, maxFile = r.elapsed, rel
		}
		if isGofeedAnswer(rel, all) {
			answerFiles++
		}
		switch {
		case r.hung:
			hangs++
		case r.escaped != nil:
			escaped++
		case r.err != nil:
			errs++
			s.errs++
			msg := herald.ErrorMessage(r.err)
			if strings.HasPrefix(msg, "feed parser failed") {
				caught++
			}
			classes[errorClass(msg)]++
		default:
			ok++
			s.ok++
			items += len(r.feed.Items)
		}
	}
	total := time.Since(start)

	fmt.Fprintf(w, "# syndication.Parse on the feed corpus\n\n")
	fmt.Fprintf(w, "| measure | value |\n| --- | --- |\n")
	fmt.Fprintf(w, "| files | %d (of which %d are gofeed's expected-output JSON, answers rather than feeds) |\n", len(files), answerFiles)
	fmt.Fprintf(w, "| parsed OK | %d (%.1f%%), %d items |\n", ok, pct(ok, len(files)), items)
	fmt.Fprintf(w, "| errors | %d |\n", errs)
	fmt.Fprintf(w, "| panics caught by Parse's recover | %d |\n", caught)
	fmt.Fprintf(w, "| panics escaping Parse | %d |\n", escaped)
	fmt.Fprintf(w, "| hangs (> %s) | %d |\n", timeout, hangs)
	fmt.Fprintf(w, "| max time per file | %s (%s) |\n", maxTime.Round(time.Microsecond), maxFile)
	fmt.Fprintf(w, "| total time | %s |\n\n", total.Round(time.Millisecond))

	fmt.Fprintf(w, "| suite | files | parsed OK | errors |\n| --- | --- | --- | --- |\n")
	for _, name := range sortedKeys(suites) {
		s := suites[name]
		fmt.Fprintf(w, "| %s | %d | %d | %d |\n", name, s.files, s.ok, s.errs)
	}

	fmt.Fprintf(w, "\n## Errors by message class\n\n| count | message |\n| --- | --- |\n")
	type kv struct {
		k string
		n int
	}
	var cl []kv
	for k, n := range classes {
		cl = append(cl, kv{k, n})
	}
	sort.Slice(cl, func(i, j int) bool { return cl[i].n > cl[j].n || cl[i].n == cl[j].n && cl[i].k < cl[j].k })
	for i, c := range cl {
		if i == 20 {
			rest := 0
			for _, c := range cl[20:] {
				rest += c.n
			}
			fmt.Fprintf(w, "| %d | (%d other classes) |\n", rest, len(cl)-20)
			break
		}
		fmt.Fprintf(w, "| %d | %s |\n", c.n, strings.ReplaceAll(c.k, "|", `\|`))
	}

	if err := scoreFeedparser(w, fail, corpus, results); err != nil {
		return err
	}
	if err := scoreGofeed(w, fail, corpus, results); err != nil {
		return err
	}
	return scoreDates(w, corpus, timeout)
}

var (
	digits = regexp.MustCompile(`\d+`)
	quoted = regexp.MustCompile(`"[^"]*"|'[^']*'|<[^>]*>`)
)

// errorClass folds the specifics out of an error message: numbers, quoted
// strings and element names.
func errorClass(msg string) string {
	msg = quoted.ReplaceAllString(msg, "…")
	msg = digits.ReplaceAllString(msg, "N")
	if len(msg) > 90 {
		msg = msg[:90] + "…"
	}
	return msg
}

// isGofeedAnswer reports whether rel is one of gofeed's expected outputs:
// X_expected.json, or X.json beside an input X.xml.
func isGofeedAnswer(rel string, all map[string]bool) bool {
	if !strings.HasPrefix(rel, "gofeed/") || !strings.HasSuffix(rel, ".json") {
		return false
	}
	return strings.HasSuffix(rel, "_expected.json") || all[strings.TrimSuffix(rel, ".json")+".xml"]
}

// tally counts checks of one field.
type tally struct{ checks, right, missing int }

// scoreFeedparser translates the simple forms of feedparser's expectations
// into checks on Herald's result.
func scoreFeedparser(w, fail io.Writer, corpus string, results map[string]result) error {
	f, err := os.Open(filepath.Join(corpus, "feedparser", "INDEX.jsonl"))
	if err != nil {
		return fmt.Errorf("feedparser index: %w", err)
	}
	defer f.Close()
	fields := make(map[string]*tally)
	var total, translated, allRight, sanitizer int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e struct {
			File    string   `json:"file"`
			Expect  string   `json:"expect"`
			Headers []string `json:"http_headers"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("feedparser index: %w", err)
		}
		total++
		if strings.Contains(e.File, "/sanitize/") {
			sanitizer++
		}
		checks, ok := translate(e.Expect, strings.Contains(e.File, "/sanitize/"))
		if !ok {
			continue
		}
		translated++
		r := results["feedparser/"+e.File]
		// A Content-Location header sets the base URL: parse again with it.
		for _, h := range e.Headers {
			if v, ok := strings.CutPrefix(h, "Content-Location: "); ok {
				body, err := os.ReadFile(filepath.Join(corpus, "feedparser", e.File))
				if err != nil {
					return fmt.Errorf("feedparser: %w", err)
				}
				base, _ := url.Parse(feedURL("feedparser/" + e.File)) // a constant prefix: always parses
				loc, err := url.Parse(v)
				if err != nil {
					continue // an unusable header: keep the first result
				}
				r.feed, r.err = syndication.Parse(body, base.ResolveReference(loc).String())
			}
		}
		right := true
		for _, c := range checks {
			t := fields[c.field]
			if t == nil {
				t = &tally{}
				fields[c.field] = t
			}
			t.checks++
			good, missing := c.eval(r.feed)
			if good {
				t.right++
			} else {
				right = false
				fmt.Fprintf(fail, "feedparser %s: %s (missing=%v) err=%v\n", e.File, e.Expect, missing, r.err)
			}
			if missing {
				t.missing++
			}
		}
		if right {
			allRight++
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("feedparser index: %w", err)
	}
	fmt.Fprintf(w, "\n## feedparser expectations\n\n")
	fmt.Fprintf(w, "%d of %d expectations translated (every clause a simple `field == literal` on a field Herald has; "+
		"summaries and contents in the %d tests of tests/wellformed/sanitize, about feedparser's HTML sanitiser, are left to the sanitize package); "+
		"%d (%.1f%%) of the translated hold entirely.\n\n", translated, total, sanitizer, allRight, pct(allRight, translated))
	fmt.Fprintf(w, "| field | Herald field | checks | right | share | item missing | share where the item is there |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	var sum tally
	for _, name := range sortedKeys(fields) {
		t := fields[name]
		sum.checks += t.checks
		sum.right += t.right
		sum.missing += t.missing
		fmt.Fprintf(w, "| %s | %s | %d | %d | %.1f%% | %d | %.1f%% |\n", name, heraldField[name], t.checks, t.right,
			pct(t.right, t.checks), t.missing, pct(t.right, t.checks-t.missing))
	}
	fmt.Fprintf(w, "| all | | %d | %d | %.1f%% | %d | %.1f%% |\n", sum.checks, sum.right,
		pct(sum.right, sum.checks), sum.missing, pct(sum.right, sum.checks-sum.missing))
	fmt.Fprintf(w, "\nTitles and authors are compared after reducing the expected value to plain text as Herald does "+
		"(tags stripped, entities decoded, spaces folded); Herald keeps titles as plain text where feedparser keeps markup. "+
		"\"item missing\": Herald has no item at that index, mostly because it leaves out items with neither a link nor a URL GUID.\n")
	return nil
}

var heraldField = map[string]string{
	"feed.title": "Feed.Title", "feed.link": "Feed.Link", "feed.language": "Feed.Language",
	"entry.title": "Item.Title", "entry.link": "Item.URL", "entry.id": "Item.ID",
	"entry.author": "Item.Author", "entry.summary": "Item.Summary", "entry.content": "Item.Content",
	"entry.updated_parsed": "Item.Updated, else Item.Published", "entry.published_parsed": "Item.Published",
}

// check is one translated clause.
type check struct {
	field string
	eval  func(*syndication.Feed) (right, missing bool)
}

var clause = regexp.MustCompile(`^(feed|entries\[(\d+)\])((?:\['[a-z_]+'\]|\[\d+\]|\.[a-z_]+)+)\s*==\s*(.+)$`)

// translate turns an expectation into checks, or reports false when any of
// its clauses is not one it understands.
func translate(expect string, sanitize bool) ([]check, bool) {
	var checks []check
	for _, c := range splitAnd(expect) {
		c = strings.TrimSpace(c)
		if c == "not bozo" || c == "bozo" {
			continue
		}
		m := clause.FindStringSubmatch(c)
		if m == nil {
			return nil, false
		}
		path := strings.NewReplacer("['", ".", "']", "", ".", ".").Replace(m[3])
		lit := strings.TrimSpace(m[4])
		idx := -1
		if m[2] != "" {
			idx, _ = strconv.Atoi(m[2])
		}
		var field string
		switch {
		case m[1] == "feed":
			switch path {
			case ".title", ".title_detail.value":
				field = "feed.title"
			case ".link":
				field = "feed.link"
			case ".language":
				field = "feed.language"
			}
		default:
			switch path {
			case ".title", ".title_detail.value":
				field = "entry.title"
			case ".link":
				field = "entry.link"
			case ".id":
				field = "entry.id"
			case ".author":
				field = "entry.author"
			case ".summary", ".description", ".summary_detail.value":
				if !sanitize {
					field = "entry.summary"
				}
			case ".content[0].value":
				if !sanitize {
					field = "entry.content"
				}
			case ".updated_parsed":
				field = "entry.updated_parsed"
			case ".published_parsed":
				field = "entry.published_parsed"
			}
		}
		if field == "" {
			return nil, false
		}
		var eval func(*syndication.Feed) (bool, bool)
		if strings.HasSuffix(field, "_parsed") {
			want, ok := pyTuple(lit)
			if !ok {
				return nil, false
			}
			eval = func(f *syndication.Feed) (bool, bool) {
				it, ok := item(f, idx)
				if !ok {
					return false, f != nil
				}
				t := it.Published
				if field == "entry.updated_parsed" && !it.Updated.IsZero() {
					t = it.Updated
				}
				got := []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()}
				return !t.IsZero() && equalInts(got, want[:6]), false
			}
		} else {
			want, ok := pyString(lit)
			if !ok {
				return nil, false
			}
			eval = func(f *syndication.Feed) (bool, bool) {
				if f == nil {
					return false, false
				}
				var got string
				switch field {
				case "feed.title":
					return f.Title == plain(want), false
				case "feed.link":
					return f.Link == want, false
				case "feed.language":
					return f.Language == want, false
				}
				it, ok := item(f, idx)
				if !ok {
					return false, true
				}
				switch field {
				case "entry.title":
					return it.Title == plain(want), false
				case "entry.author":
					return it.Author == plain(want), false
				case "entry.link":
					got = it.URL
				case "entry.id":
					got = it.ID
				case "entry.summary":
					got = it.Summary
				case "entry.content":
					got = it.Content
				}
				return strings.TrimSpace(got) == strings.TrimSpace(want), false
			}
		}
		checks = append(checks, check{field: field, eval: eval})
	}
	return checks, len(checks) > 0
}

func item(f *syndication.Feed, i int) (syndication.Item, bool) {
	if f == nil || i < 0 || i >= len(f.Items) {
		return syndication.Item{}, false
	}
	return f.Items[i], true
}

// splitAnd splits a Python expression on the top-level " and ".
func splitAnd(s string) []string {
	var parts []string
	var quote byte
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], " and "):
			parts = append(parts, s[start:i])
			start = i + len(" and ")
			i += len(" and ") - 1
		}
	}
	return append(parts, s[start:])
}

// pyString reads a Python string literal (with an optional u prefix).
func pyString(s string) (string, bool) {
	s = strings.TrimPrefix(s, "u")
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
	}
	q := s[0]
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == q {
			return "", false // a second literal: not a single string
		}
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+n >= len(s)+1 || i+1+n > len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", false
			}
			b.WriteRune(rune(v))
			i += n
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), true
}

// pyTuple reads a tuple of nine integers, a Python time.struct_time.
func pyTuple(s string) ([]int, bool) {
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return nil, false
	}
	var out []int
	for _, f := range strings.Split(s[1:len(s)-1], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) == 9
}

// plain reduces HTML to the plain text Herald makes of a title: tags
// dropped, entities decoded, white space folded. It is written here again,
// rather than borrowed from the package, so the measure does not grade
// itself.
func plain(s string) string {
	var b strings.Builder
	z := html.NewTokenizerFragment(strings.NewReader(s), "div")
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); string(name) == "br" || string(name) == "p" || string(name) == "div" {
				b.WriteByte(' ')
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// scoreGofeed compares Herald's results with gofeed's expected JSON: feed
// title, item count, and the first item's title, link and date.
func scoreGofeed(w, fail io.Writer, corpus string, results map[string]result) error {
	root := filepath.Join(corpus, "gofeed")
	var pairs [][2]string // input, expected (relative to the corpus)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpus, path) // path is under corpus
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, "_expected.json"):
			in := strings.TrimSuffix(rel, "_expected.json") + ".json"
			if _, ok := results[in]; ok {
				pairs = append(pairs, [2]string{in, rel})
			}
		case strings.HasSuffix(rel, ".xml"):
			exp := strings.TrimSuffix(rel, ".xml") + ".json"
			if _, ok := results[exp]; ok {
				pairs = append(pairs, [2]string{rel, exp})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("gofeed pairs: %w", err)
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0] < pairs[j][0] })

	fields := map[string]*tally{}
	var pair [2]string
	add := func(name string, right bool, got, want any) {
		t := fields[name]
		if t == nil {
			t = &tally{}
			fields[name] = t
		}
		t.checks++
		if strings.HasPrefix(name, "first item") && got == (*syndication.Item)(nil) {
			t.missing++
		}
		if right {
			t.right++
		} else {
			fmt.Fprintf(fail, "gofeed %s: %s: got %v, want %v\n", pair[0], name, got, want)
		}
	}
	parsed := 0
	for _, p := range pairs {
		pair = p
		b, err := os.ReadFile(filepath.Join(corpus, p[1]))
		if err != nil {
			return fmt.Errorf("gofeed: %w", err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			continue // not an object: nothing to compare
		}
		got := results[p[0]].feed
		if got != nil {
			parsed++
		}
		if title, ok := want["title"].(string); ok {
			add("feed title", got != nil && got.Title == plain(title), got, title)
		}
		wantItems, _ := want["items"].([]any)
		if wantItems == nil {
			wantItems, _ = want["entries"].([]any)
		}
		if got == nil {
			add("item count", false, nil, len(wantItems))
		} else {
			add("item count", len(got.Items) == len(wantItems), len(got.Items), len(wantItems))
		}
		if len(wantItems) == 0 {
			continue
		}
		first, _ := wantItems[0].(map[string]any)
		var gi *syndication.Item
		if got != nil && len(got.Items) > 0 {
			gi = &got.Items[0]
		}
		if t, ok := first["title"].(string); ok {
			add("first item title", gi != nil && gi.Title == plain(t), gi, t)
		}
		if l := expectedLink(first); l != "" {
			add("first item link", gi != nil && gi.URL == l, gi, l)
		}
		if d, ok := expectedDate(first); ok {
			add("first item date", gi != nil && gi.Date().Equal(d), gi, d)
		}
	}
	fmt.Fprintf(w, "\n## gofeed paired expectations\n\n%d pairs (input and gofeed's expected JSON); Herald parsed %d of the inputs.\n\n", len(pairs), parsed)
	fmt.Fprintf(w, "| field | checks | right | share | item missing | share where the item is there |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, name := range []string{"feed title", "item count", "first item title", "first item link", "first item date"} {
		if t := fields[name]; t != nil {
			fmt.Fprintf(w, "| %s | %d | %d | %.1f%% | %d | %.1f%% |\n", name, t.checks, t.right, pct(t.right, t.checks),
				t.missing, pct(t.right, t.checks-t.missing))
		}
	}
	fmt.Fprintf(w, "\nItem counts differ by design where gofeed keeps items that have neither a link nor a URL GUID; Herald leaves those out.\n")
	return nil
}

// expectedLink returns the first item's link in any of gofeed's shapes.
func expectedLink(it map[string]any) string {
	if l, ok := it["link"].(string); ok {
		return l
	}
	if l, ok := it["url"].(string); ok {
		return l
	}
	if ls, ok := it["links"].([]any); ok && len(ls) > 0 {
		switch l := ls[0].(type) {
		case string:
			return l
		case map[string]any:
			if h, ok := l["href"].(string); ok {
				return h
			}
		}
	}
	return ""
}

// expectedDate returns the first item's date in any of gofeed's shapes.
func expectedDate(it map[string]any) (time.Time, bool) {
	for _, k := range []string{"publishedParsed", "pubDateParsed", "date_published", "updatedParsed", "date_modified"} {
		if s, ok := it[k].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// scoreDates runs feedparser's date vectors through Parse, each as the
// pubDate of a one-item RSS feed, and counts the answers that match: the
// expected UTC time to the second, or no date where none is expected.
func scoreDates(w io.Writer, corpus string, timeout time.Duration) error {
	f, err := os.Open(filepath.Join(corpus, "feedparser", "date_parser_vectors.jsonl"))
	if err != nil {
		return fmt.Errorf("date vectors: %w", err)
	}
	defer f.Close()
	var total, right, wantNone, rightNone int
	var wrong []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v struct {
			Input string `json:"input"`
			Want  []int  `json:"expected_utc_struct_time"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return fmt.Errorf("date vectors: %w", err)
		}
		doc := `<rss version="2.0"><channel><title>t</title><item><link>http://example.com/</link><pubDate>` +
			html.EscapeString(v.Input) + `</pubDate></item></channel></rss>`
		r := parseFile([]byte(doc), "", timeout)
		var got time.Time
		if r.feed != nil && len(r.feed.Items) == 1 {
			got = r.feed.Items[0].Published
		}
		total++
		ok := false
		if v.Want == nil {
			wantNone++
			ok = got.IsZero()
			if ok {
				rightNone++
			}
		} else {
			ok = !got.IsZero() && equalInts([]int{got.Year(), int(got.Month()), got.Day(), got.Hour(), got.Minute(), got.Second()}, v.Want[:6])
		}
		if ok {
			right++
		} else {
			wrong = append(wrong, fmt.Sprintf("%q", v.Input))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("date vectors: %w", err)
	}
	fmt.Fprintf(w, "\n## feedparser date vectors\n\n")
	fmt.Fprintf(w, "| vectors | right | share | of which \"no date\" expected / right |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(w, "| %d | %d | %.1f%% | %d / %d |\n\n", total, right, pct(right, total), wantNone, rightNone)
	fmt.Fprintf(w, "Wrong: %s\n", strings.Join(wrong, ", "))
	return nil
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
