package desk

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/opml"
)

// Imported is what became of one outline of an OPML list.
type Imported struct {
	Outline opml.Outline
	Source  *herald.Source // nil when Err is set
	Skipped bool           // its feed was followed already
	Err     error
}

// ImportResult is what an OPML import did, outline by outline.
type ImportResult struct {
	Items                  []Imported
	Added, Skipped, Failed int
}

// ImportOPML follows the feed of each outline, its address taken as
// given (an OPML list names feeds), with the settings the outline keeps in
// Herald's attributes and licence for those that name none. A feed
// followed already is skipped; an outline that cannot be added is
// reported and the import goes on. With dryRun nothing is written.
func (d *Desk) ImportOPML(ctx context.Context, a Actor, outlines []opml.Outline, licence herald.Licence, dryRun bool) (*ImportResult, error) {
	if err := allow(a, "source"); err != nil {
		return nil, err
	}
	sources, err := d.Store.FindSources(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	followed := map[string]bool{}
	for _, s := range sources {
		if s.Following() {
			followed[s.FeedURL] = true
		}
	}
	res := &ImportResult{}
	for i, o := range outlines {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		item := Imported{Outline: o}
		item.Source, item.Err = opml.ToSource(o, licence)
		switch {
		case item.Err != nil:
		case followed[item.Source.FeedURL]:
			item.Skipped = true
		case !dryRun:
			each := a
			if a.Request != "" {
				each.Request = fmt.Sprintf("%s.%d", a.Request, i)
			}
			item.Err = d.AddFoundSource(ctx, each, item.Source)
		}
		switch {
		case item.Err != nil:
			item.Source = nil
			res.Failed++
		case item.Skipped:
			res.Skipped++
		default:
			followed[item.Source.FeedURL] = true
			res.Added++
		}
		res.Items = append(res.Items, item)
	}
	return res, nil
}

// ExportOPML returns every followed source as an OPML list's outlines.
func (d *Desk) ExportOPML(ctx context.Context) ([]opml.Outline, error) {
	sources, err := d.Store.FindSources(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return opml.FromSources(sources), nil
}
