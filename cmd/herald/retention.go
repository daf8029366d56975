package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/herald-news/herald"
)

// purgeEvery is how often herald serve deletes the text of takedowns past
// their retention period.
const purgeEvery = time.Hour

// keepPurgingTakedowns deletes for good, every purgeEvery until ctx ends,
// what restoring needs of the takedowns older than retention; 0 keeps
// them forever. Every node may run it: the purge is one statement, and a
// takedown purged twice is purged once.
func keepPurgingTakedowns(ctx context.Context, ts herald.TakedownService, retention time.Duration, logger *slog.Logger) {
	if retention <= 0 {
		return
	}
	for {
		purgeTakedowns(ctx, ts, time.Now().Add(-retention), logger)
		select {
		case <-ctx.Done():
			return
		case <-time.After(purgeEvery):
		}
	}
}

// purgeTakedowns purges the takedowns made before the time, and logs how
// many.
func purgeTakedowns(ctx context.Context, ts herald.TakedownService, before time.Time, logger *slog.Logger) {
	n, err := ts.PurgeTakedowns(ctx, before)
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Error("purge takedowns", "err", err)
	case n > 0:
		logger.Info("takedowns past retention: their text deleted for good", "takedowns", n, "taken down before", before)
	}
}
