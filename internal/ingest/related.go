package ingest

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
)

// Relater keeps the "You may also like" lists (internal/related's
// Recommender): Refresh computes a new article's list and refreshes the
// lists of the stored articles it belongs in.
type Relater interface {
	Refresh(ctx context.Context, a *herald.Article) error
}

// relate is the step after a new article is stored. The article stays
// stored when it fails; its page then falls back to recent articles.
func (p *Pipeline) relate(ctx context.Context, a *herald.Article, created bool) error {
	if p.Related == nil || !created {
		return nil
	}
	if err := p.Related.Refresh(ctx, a); err != nil {
		return fmt.Errorf("related lists for %s: %w", a, err)
	}
	return nil
}
