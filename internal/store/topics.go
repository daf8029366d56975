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
