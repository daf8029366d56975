package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/related"
	"golang.org/x/sync/errgroup"
)

// Relater keeps the "You may also like" lists (internal/related's
// Recommender): Plan computes what a new article changes, reading only,
// and Apply stores it, so that many plans can be computed at once and
// applied in turn.
type Relater interface {
	Plan(ctx context.Context, a *herald.Article) (*related.Update, error)
	Apply(ctx context.Context, u *related.Update) error
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
// the queue is empty, and returns how many it computed. Each claimed batch
// is planned on RelateWorkers goroutines and applied in queue order, as
// one goroutine would have. An article whose list fails stays queued and
// is tried again once its claim lapses; the first such error is returned
// after the rest are done.
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
		plans, errs := p.planRelated(ctx, batch)
		var finished []int64
		for i, a := range batch {
			err := errs[i]
			if err == nil {
				err = p.Related.Apply(ctx, plans[i])
			}
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

// planRelated plans the lists of batch on RelateWorkers goroutines (all
// cores when 0), each plan and error at its article's index.
func (p *Pipeline) planRelated(ctx context.Context, batch []*herald.Article) ([]*related.Update, []error) {
	plans := make([]*related.Update, len(batch))
	errs := make([]error, len(batch))
	workers := p.RelateWorkers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var g errgroup.Group
	g.SetLimit(workers)
	for i, a := range batch {
		g.Go(func() error {
			plans[i], errs[i] = p.Related.Plan(ctx, a)
			return nil
		})
	}
	g.Wait() // errors are kept per article in errs
	return plans, errs
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
