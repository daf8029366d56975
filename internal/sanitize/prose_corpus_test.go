package sanitize_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sanitize"
	"github.com/herald-news/herald/internal/syndication"
)

// feedCorpus is the shared corpus of real feeds, beside the project.
const feedCorpus = "../../../shared/corpus/feeds"

// TestProseCorpusFeeds takes the lead of every item of the corpus feeds
// as ingest does, from Prose, and beside it the lead Text would give:
// none may become empty, and with -v it reports how many differ and
// shows the first few.
func TestProseCorpusFeeds(t *testing.T) {
	if _, err := os.Stat(feedCorpus); err != nil {
		t.Skipf("feed corpus not found at %s: %v", feedCorpus, err)
	}
	items, changed := 0, 0
	err := filepath.WalkDir(feedCorpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		feed, err := syndication.Parse(b, "https://feeds.example.com/feed")
		if err != nil {
			return nil // refused documents have no items to lead
		}
		for _, it := range feed.Items {
			body := it.Content
			if body == "" {
				body = it.Summary
			}
			if strings.TrimSpace(body) == "" {
				continue
			}
			items++
			body = sanitize.Article(body)
			before := herald.Excerpt(sanitize.Text(body), herald.ExcerptWords)
			after := herald.Excerpt(sanitize.Prose(body), herald.ExcerptWords)
			if after == "" && before != "" {
				t.Errorf("%s: the lead %q became empty", path, before)
			}
			if after != before {
				if changed++; changed <= 5 {
					t.Logf("%s\n  before: %s\n  after:  %s", path, before, after)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d items' leads are changed by Prose", changed, items)
}
