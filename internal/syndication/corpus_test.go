package syndication

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// corpusDir is the shared corpus of real feeds, beside the project.
const corpusDir = "../../../shared/corpus/feeds"

// skipWithoutCorpus skips the test when the corpus is not there; CI always
// has it.
func skipWithoutCorpus(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("feed corpus not found at %s (it sits beside the project in CI): %v", corpusDir, err)
	}
}

// TestCorpusNoPanics runs every document of the feed corpus through Parse
// and fails on any panic, whether Parse's recover caught it or not, and on
// any document that takes more than five seconds. It takes about 2 s, and
// 13 s under the race detector on two cores.
func TestCorpusNoPanics(t *testing.T) {
	skipWithoutCorpus(t)
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5000 {
		t.Fatalf("found %d files in the corpus, want its 5,700", len(files))
	}
	start := time.Now()
	for _, path := range files {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan string, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					done <- "panic escaped Parse: " + strings.TrimSpace(toString(p))
				}
			}()
			_, err := Parse(body, "https://corpus.invalid/feed")
			if msg := herald.ErrorMessage(err); strings.HasPrefix(msg, "feed parser failed") {
				done <- msg
				return
			}
			done <- ""
		}()
		select {
		case msg := <-done:
			if msg != "" {
				t.Errorf("%s: %s", path, msg)
			}
		case <-time.After(time.Minute): // a hang, not slowness: a loaded machine takes seconds
			t.Fatalf("%s: Parse did not return within a minute", path)
		}
	}
	t.Logf("parsed %d corpus files in %s", len(files), time.Since(start).Round(time.Millisecond))
}

func toString(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v) // best effort, for a message
	return string(b)
}

// TestDateVectors measures parseDate alone, and Herald's whole date path
// (gofeed, then parseDate), on feedparser's date vectors: the expected UTC
// time to the second, or no date where none is expected. The figures are
// logged; the floors only catch regressions.
func TestDateVectors(t *testing.T) {
	skipWithoutCorpus(t)
	f, err := os.Open(filepath.Join(corpusDir, "feedparser", "date_parser_vectors.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total, alone, whole int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v struct {
			Input string `json:"input"`
			Want  []int  `json:"expected_utc_struct_time"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		total++
		match := func(got time.Time) bool {
			if v.Want == nil {
				return got.IsZero()
			}
			return !got.IsZero() && got.Year() == v.Want[0] && int(got.Month()) == v.Want[1] && got.Day() == v.Want[2] &&
				got.Hour() == v.Want[3] && got.Minute() == v.Want[4] && got.Second() == v.Want[5]
		}
		got, _ := parseDate(v.Input)
		if match(got) {
			alone++
		}
		feed, err := Parse([]byte(`<rss version="2.0"><channel><item><link>http://example.com/</link><pubDate>`+
			escapeXML(v.Input)+`</pubDate></item></channel></rss>`), "")
		if err != nil {
			t.Fatalf("%q: %v", v.Input, err)
		}
		if match(feed.Items[0].Published) {
			whole++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("feedparser date vectors: parseDate alone %d/%d, gofeed then parseDate %d/%d", alone, total, whole, total)
	if alone*100 < total*75 || whole*100 < total*80 {
		t.Errorf("date vectors right: parseDate alone %d/%d, whole path %d/%d; want at least 75%% and 80%%", alone, total, whole, total)
	}
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
