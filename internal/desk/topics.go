package desk

import (
	"context"
	"strconv"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/digest"
)

// TopicForm is a topic's name, address and rules as typed: one word or
// phrase a line (or comma-separated) for each list.
type TopicForm struct {
	Name, Slug              string
	Match, Exclude, Outlets string
}

// Lines splits a list typed in a text box: one entry a line or
// comma-separated, blanks dropped.
func Lines(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Topic returns the topic the form describes, checked.
func (f TopicForm) Topic() (*herald.Topic, error) {
	t := &herald.Topic{Name: strings.TrimSpace(f.Name), Slug: strings.TrimSpace(f.Slug),
		Rules: herald.TopicRules{Match: Lines(f.Match), Exclude: Lines(f.Exclude), Outlets: Lines(f.Outlets)}}
	if t.Name == "" {
		return nil, invalid("name", "a name is required: it heads the topic's page")
	}
	if t.Slug != "" {
		if err := herald.CheckTopicSlug(t.Slug); err != nil {
			return nil, onField("slug", err)
		}
	}
	if err := t.Rules.Validate(); err != nil {
		field := "match"
		if msg := herald.ErrorMessage(err); strings.Contains(msg, "exclude") {
			field = "exclude"
		} else if strings.Contains(msg, "outlet") {
			field = "outlets"
		}
		return nil, onField(field, err)
	}
	return t, nil
}

// PreviewSize is how many recent articles a topic preview reads.
const PreviewSize = 500

// TopicPreview is what a topic's rules do to the recent articles: those
// they take and those an exclusion drops.
type TopicPreview struct {
	Read     int
	Matched  []*herald.Article
	Excluded []*herald.Article
}

// PreviewTopic applies t's rules to the newest articles.
func (d *Desk) PreviewTopic(ctx context.Context, t *herald.Topic) (*TopicPreview, error) {
	articles, err := d.recentArticles(ctx, PreviewSize)
	if err != nil {
		return nil, err
	}
	p := &TopicPreview{Read: len(articles)}
	without := herald.TopicRules{Match: t.Rules.Match, Outlets: t.Rules.Outlets}
	for _, a := range articles {
		switch {
		case t.Rules.Matches(a.Title, a.Lead, a.Source.Slug):
			p.Matched = append(p.Matched, a)
		case without.Matches(a.Title, a.Lead, a.Source.Slug):
			p.Excluded = append(p.Excluded, a)
		}
	}
	return p, nil
}

// CheckTopicReach refuses rules that take none or every one of the recent
// articles: a topic of nothing or of everything is a typing mistake.
func CheckTopicReach(p *TopicPreview) error {
	switch {
	case p.Read >= 20 && len(p.Matched) == 0:
		return invalid("match", "these words match none of the %d newest articles", p.Read)
	case p.Read >= 20 && len(p.Matched) == p.Read:
		return invalid("match", "these words match every one of the %d newest articles: the topic would be the whole site", p.Read)
	}
	return nil
}

func (d *Desk) recentArticles(ctx context.Context, n int) ([]*herald.Article, error) {
	var articles []*herald.Article
	f := herald.ArticleFilter{Limit: herald.MaxPageSize}
	for len(articles) < n {
		page, next, err := d.Store.FindArticles(ctx, f)
		if err != nil {
			return nil, err
		}
		articles = append(articles, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return articles[:min(n, len(articles))], nil
}

// SuggestTopics lists the names and phrases many recent articles without
// a topic share, for an editor to make topics of.
func (d *Desk) SuggestTopics(ctx context.Context, minArticles, recent, limit int) ([]digest.Suggestion, int, error) {
	articles, err := d.recentArticles(ctx, recent)
	if err != nil {
		return nil, 0, err
	}
	topics, err := d.Store.FindTopics(ctx)
	if err != nil {
		return nil, 0, err
	}
	return digest.Suggest(articles, topics, minArticles, limit), len(articles), nil
}

// AddTopic adds the topic; the stored articles are tagged afterwards by
// the caller (ingest.Retag) or by herald serve.
func (d *Desk) AddTopic(ctx context.Context, a Actor, t *herald.Topic) error {
	ctx, err := audited(ctx, a, "topic.add", t.Name, nil, t.Rules)
	if err != nil {
		return err
	}
	if err := d.settle(ctx, a, d.Store.AddTopic(ctx, t)); err != nil {
		return topicConflict(err, a)
	}
	return nil
}

// EditTopic stores t's new name and rules over the topic with its slug.
func (d *Desk) EditTopic(ctx context.Context, a Actor, t *herald.Topic) error {
	old, err := d.Store.FindTopicBySlug(ctx, t.Slug)
	if err != nil {
		return err
	}
	t.ID = old.ID
	ctx, err = audited(ctx, a, "topic.update", t.Slug, map[string]any{"name": old.Name, "rules": old.Rules},
		map[string]any{"name": t.Name, "rules": t.Rules})
	if err != nil {
		return err
	}
	if err := d.settle(ctx, a, d.Store.UpdateTopic(ctx, t)); err != nil {
		return topicConflict(err, a)
	}
	return nil
}

func topicConflict(err error, a Actor) error {
	if AlreadyDone(err, a) {
		return err
	}
	return onField("slug", err)
}

// EditDigestPoint pins, hides or rewrites one point of a topic's digest.
func (d *Desk) EditDigestPoint(ctx context.Context, a Actor, id int64, e herald.DigestEdit) error {
	if err := e.Validate(); err != nil {
		return err
	}
	ctx, err := audited(ctx, a, "digest.edit", strconv.FormatInt(id, 10), nil, digestValues(e))
	if err != nil {
		return err
	}
	return d.settle(ctx, a, d.Store.EditDigestPoint(ctx, id, e))
}

func digestValues(e herald.DigestEdit) map[string]any {
	v := map[string]any{}
	if e.Pinned != nil {
		v["pinned"] = *e.Pinned
	}
	if e.Hidden != nil {
		v["hidden"] = *e.Hidden
	}
	if e.Text != nil {
		v["text"] = *e.Text
	}
	return v
}
