package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/herald-news/herald"
)

// EncodeRules returns the stored form of a topic's rules: JSON, the same in
// both stores.
func EncodeRules(r herald.TopicRules) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode topic rules: %w", err)
	}
	return string(b), nil
}

// DecodeRules reads what EncodeRules wrote.
func DecodeRules(s string) (herald.TopicRules, error) {
	var r herald.TopicRules
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("decode topic rules: %w", err)
	}
	return r, nil
}

// CheckTopicIDs reports an id list that no article or topic could have.
func CheckTopicIDs(ids []int64) error {
	for _, id := range ids {
		if id <= 0 {
			return herald.Errorf(herald.EINVALID, "topic id %d is not valid", id)
		}
	}
	return nil
}

// CheckDigestPoint reports a point the stores must not keep.
func CheckDigestPoint(p *herald.DigestPoint) error {
	switch {
	case p.TopicID <= 0 || p.ArticleID <= 0:
		return herald.Errorf(herald.EINVALID, "a digest point needs a topic and an article")
	case p.Development == "":
		return herald.Errorf(herald.EINVALID, "a digest point needs a development")
	case strings.TrimSpace(p.Sentence) == "":
		return herald.Errorf(herald.EINVALID, "a digest point needs a sentence")
	case len(p.Sentence) > herald.MaxPointLen:
		return herald.Errorf(herald.EINVALID, "a digest point is at most %d bytes", herald.MaxPointLen)
	case p.PublishedAt.IsZero():
		return herald.Errorf(herald.EINVALID, "a digest point needs its article's time")
	}
	return nil
}

// PointGone is the error for an edit to a point no digest holds any more.
func PointGone(id int64) error {
	return herald.Errorf(herald.ENOTFOUND,
		"digest point %d no longer exists: newer developments replaced it or its article was removed; run \"herald digest show TOPIC\" for the current points", id)
}

// TopicStoryRow is one entry of a topic's page as the stores read it
// first: the newest shown article in the topic of a story (or of no
// story), and the lead the story names (0 for none).
type TopicStoryRow struct {
	Latest *herald.Article
	LeadID int64
}

// NextTopicStoryPage trims rows fetched with limit+1 to limit and
// returns the cursor that continues after them, "" on the last page.
func NextTopicStoryPage(rows []TopicStoryRow, limit int) ([]TopicStoryRow, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	last := rows[len(rows)-1].Latest
	return rows, herald.Cursor{PublishedAt: last.PublishedAt, ID: last.ID}.Encode()
}

func (r TopicStoryRow) storyID() int64 { return r.Latest.StoryID }

// TopicStoryIDs returns the stories of rows, articles in no story left
// out.
func TopicStoryIDs(rows []TopicStoryRow) []int64 {
	var ids []int64
	for _, r := range rows {
		if id := r.storyID(); id != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// TopicStories makes the entries of a topic's page from its rows and
// every article of their stories (copies included, the earliest first),
// summarised as SummariseStories does. An article in no story, or whose
// story lost its articles since the rows were read, stands alone.
func TopicStories(rows []TopicStoryRow, articles map[int64][]*herald.Article) []*herald.TopicStory {
	out := make([]*herald.TopicStory, 0, len(rows))
	for _, r := range rows {
		var st *herald.Story
		if id := r.storyID(); id != 0 {
			if s := SummariseStories([]StoryRow{{ID: id, Latest: r.Latest.PublishedAt, LeadID: r.LeadID}}, articles); len(s) == 1 {
				st = s[0]
			}
		}
		if st == nil {
			a := r.Latest
			st = &herald.Story{Lead: a, Articles: 1, Outlets: []*herald.Source{a.Source}, First: a.PublishedAt, Last: a.PublishedAt}
		}
		out = append(out, &herald.TopicStory{Story: st, Latest: r.Latest})
	}
	return out
}
