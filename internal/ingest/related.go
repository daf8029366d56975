package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/herald-news/herald"
)

// Relater keeps the "You may also like" lists (internal/related's
// Recommender): Refresh computes a new article's list and refreshes the
// lists of the stored articles it belongs in.
type Relater interface {
	Refresh(ctx context.Context, a *herald.Article) error
}

// RelatedQueue is the store's list of articles whose related lists are
// due (see herald.RelatedService): AddArticle fills it.
type RelatedQueue interface {
	ClaimRelatedWork(ctx context.Context, limit int, lease time.Duration) ([]*herald.Article, error)
	ReleaseRelatedWork(ctx context.Context, ids []int64) error
	FinishRelatedWork(ctx context.Context, ids []int64) error
}

// Related lists are computed apart from the store step, so that their
// cost, which grows with the number of close articles, never holds up the
// next article; relatedBatch articles are claimed at a time, for
// relatedLease, long enough for any batch.
const (
	relatedBatch = 32
	relatedLease = 5 * time.Minute
)

// RelateQueued computes the related lists of the queued articles until
// the queue is empty, and returns how many it computed. An article whose
// list fails stays queued and is tried again once its claim lapses; the
// first such error is returned after the rest are done.
func (p *Pipeline) RelateQueued(ctx context.Context) (int, error) {
	if p.Related == nil || p.RelatedQueue == nil {
		return 0, nil
	}
	done := 0
	var firstErr error
	for {
		batch, err := p.RelatedQueue.ClaimRelatedWork(ctx, relatedBatch, relatedLease)
		if err != nil {
			return done, errors.Join(firstErr, err)
		}
		if len(batch) == 0 {
			return done, firstErr
		}
		var finished []int64
		for _, a := range batch {
			err := p.Related.Refresh(ctx, a)
			switch {
			case err == nil || herald.ErrorCode(err) == herald.ENOTFOUND: // deleted meanwhile
				finished = append(finished, a.ID)
				done++
			case ctx.Err() != nil:
				// What is done stays done: the lists are stored.
				err := p.RelatedQueue.FinishRelatedWork(context.WithoutCancel(ctx), finished)
				return done, errors.Join(firstErr, ctx.Err(), err)
			case firstErr == nil:
				firstErr = fmt.Errorf("related list of %s: %w", a, err)
			}
		}
		if err := p.RelatedQueue.FinishRelatedWork(ctx, finished); err != nil {
			return done, errors.Join(firstErr, err)
		}
		if len(finished) < len(batch) {
			// What failed stays claimed until its lease ends: stop rather
			// than claim the same trouble again at once.
			return done, firstErr
		}
	}
}

// KeepRelating runs RelateQueued every interval until ctx ends: the
// background worker of herald serve. Errors are logged, and the articles
// they concern are tried again later.
func (p *Pipeline) KeepRelating(ctx context.Context, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := p.RelateQueued(ctx); err != nil && ctx.Err() == nil {
			logger.Error("related lists", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
