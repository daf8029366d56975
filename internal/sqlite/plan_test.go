package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestTopicStoriesPlan checks that a page of a topic's stories reads
// indexes only: the topic's articles from the cursor on, and for each the
// story's newer articles, never a scan of a table or of the whole topic.
func TestTopicStoriesPlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, after := range []bool{false, true} {
		args := []any{1, 10}
		if after {
			args = []any{1, 2, 3, 10}
		}
		plan := queryPlan(t, db, topicStoriesQuery(after), args...)
		all := strings.Join(plan, "\n")
		want := []string{"article_topics_by_time (topic_id=?)", "articles_by_story (story_id=? AND published_at>?)", "article_topics_by_article (article_id=? AND topic_id=?)"}
		if after {
			want[0] = "article_topics_by_time (topic_id=? AND (published_at,article_id)<(?,?))"
		}
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("after %v: plan does not use %s:\n%s", after, w, all)
			}
		}
		for _, line := range plan {
			if strings.HasPrefix(line, "SCAN") || strings.Contains(line, "TEMP B-TREE") {
				t.Errorf("after %v: plan scans or sorts (%s):\n%s", after, line, all)
			}
		}
	}
}

// TestStoryLatestPlan checks that a story's newest articles are read from
// articles_by_story, newest first, without a scan or a sort.
func TestStoryLatestPlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := queryPlan(t, db, storyLatestQuery, 1, 1, 7)
	all := strings.Join(plan, "\n")
	if !strings.Contains(all, "articles_by_story (story_id=?)") {
		t.Errorf("plan does not use articles_by_story:\n%s", all)
	}
	for _, line := range plan {
		if strings.HasPrefix(line, "SCAN") || strings.Contains(line, "TEMP B-TREE") {
			t.Errorf("plan scans or sorts (%s):\n%s", line, all)
		}
	}
}

// queryPlan returns the detail lines of SQLite's plan for query.
func queryPlan(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.reader.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
