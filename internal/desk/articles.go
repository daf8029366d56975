package desk

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/herald-news/herald"
)

// TakeDown unpublishes the article with the slug: its address answers
// 410 Gone with the reason, and it leaves every list, feed, sitemap and
// search. Taking down one already down changes only the reason.
func (d *Desk) TakeDown(ctx context.Context, a Actor, slug, reason string) (*herald.Takedown, error) {
	reason = strings.TrimSpace(reason)
	if err := herald.CheckTakedown(herald.StatusTakenDown, reason); err != nil {
		return nil, onField("reason", err)
	}
	before := map[string]any{"status": herald.StatusPublished}
	if t, err := d.Store.FindTakedown(ctx, slug); err == nil {
		before = map[string]any{"status": t.Status, "reason": t.Reason}
	}
	ctx, err := audited(ctx, a, "article.takedown", slug, before, map[string]any{"status": herald.StatusTakenDown, "reason": reason})
	if err != nil {
		return nil, err
	}
	t, err := d.Store.TakeDownArticle(ctx, slug, herald.StatusTakenDown, reason)
	err = d.settle(ctx, a, err)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, noArticle(slug)
	}
	return t, err
}

func noArticle(slug string) error {
	return herald.Errorf(herald.ENOTFOUND, "no article %q; the slug is the last part of its /articles/ address", slug)
}

// Restore publishes a taken-down or withdrawn article again, as it was.
func (d *Desk) Restore(ctx context.Context, a Actor, slug string) (*herald.Article, error) {
	t, err := d.Store.FindTakedown(ctx, slug)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, herald.Errorf(herald.ENOTFOUND, "%q is not taken down or withdrawn: there is nothing to restore", slug)
	}
	if err != nil {
		return nil, err
	}
	ctx, err = audited(ctx, a, "article.restore", slug, map[string]any{"status": t.Status, "reason": t.Reason},
		map[string]any{"status": herald.StatusPublished})
	if err != nil {
		return nil, err
	}
	art, err := d.Store.RestoreArticle(ctx, slug)
	return art, d.settle(ctx, a, err)
}

// SplitArticle takes the article with the slug out of its story into one
// of its own, which it never leaves.
func (d *Desk) SplitArticle(ctx context.Context, a Actor, slug string) (*herald.Story, error) {
	art, err := d.Store.FindArticleBySlug(ctx, strings.TrimSpace(slug))
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, noArticle(slug)
	}
	if err != nil {
		return nil, err
	}
	ctx, err = audited(ctx, a, "story.split", art.Slug, map[string]any{"story": art.StoryID}, nil)
	if err != nil {
		return nil, err
	}
	s, err := d.Store.SplitArticle(ctx, art.ID)
	err = d.settle(ctx, a, err)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ParseStoryID reads a story id typed by an editor: a number, or a story's
// address such as /stories/42.
func ParseStoryID(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/stories/"); i >= 0 {
		s = s[i+len("/stories/"):]
	}
	s = strings.TrimRight(s, "/")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, invalid(field, "%q is not a story number or a /stories/ address", s)
	}
	return n, nil
}

// MergeStories moves every article of story id into story into.
func (d *Desk) MergeStories(ctx context.Context, a Actor, id, into int64) error {
	if id == into {
		return invalid("into", "a story cannot be merged into itself")
	}
	ctx, err := audited(ctx, a, "story.merge", strconv.FormatInt(id, 10), map[string]any{"story": id},
		map[string]any{"story": into})
	if err != nil {
		return err
	}
	err = d.settle(ctx, a, d.Store.MergeStories(ctx, id, into))
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return &FieldError{Field: "into", Message: fmt.Sprintf("there is no story %d, or no story %d", id, into), Code: herald.ENOTFOUND}
	}
	return onField("into", err)
}

// EditArticle changes the shown title or excerpt of the article with the
// slug; what it came with stays recorded.
func (d *Desk) EditArticle(ctx context.Context, a Actor, slug string, e herald.ArticleEdit) (*herald.Article, error) {
	if err := e.Validate(); err != nil {
		field := "title"
		if e.Title == nil || strings.Contains(herald.ErrorMessage(err), "excerpt") {
			field = "excerpt"
		}
		return nil, onField(field, err)
	}
	old, err := d.Store.FindArticleBySlug(ctx, slug)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, noArticle(slug)
	}
	if err != nil {
		return nil, err
	}
	after := map[string]any{}
	if e.Title != nil {
		after["title"] = strings.TrimSpace(*e.Title)
	}
	if e.Excerpt != nil {
		after["excerpt"] = strings.TrimSpace(*e.Excerpt)
	}
	ctx, err = audited(ctx, a, "article.edit", slug, map[string]any{"title": old.Title, "excerpt": old.Lead}, after)
	if err != nil {
		return nil, err
	}
	art, err := d.Store.EditArticle(ctx, slug, e)
	return art, d.settle(ctx, a, err)
}
