package ingest

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/dedup"
)

// backfillBatch is how many articles Backfill reads at a time.
const backfillBatch = 200

// Backfill fingerprints the articles stored before near-duplicate
// detection existed, so that copies arriving from now on find them. It
// does not merge copies already stored: each stays a page of its own. It
// returns how many articles it fingerprinted; it is safe to run again, and
// at the same time as ingestion.
func Backfill(ctx context.Context, articles herald.ArticleService) (int, error) {
	var after int64
	done := 0
	for {
		list, err := articles.FindUnfingerprinted(ctx, after, backfillBatch)
		if err != nil {
			return done, fmt.Errorf("backfill fingerprints: %w", err)
		}
		if len(list) == 0 {
			return done, nil
		}
		for _, a := range list {
			fp := dedup.New(a.Text)
			err := articles.SetFingerprint(ctx, a.ID, herald.Fingerprint{
				Hash: fp.Hash, Bands: dedup.FileBands(fp.Bands(), a.PublishedAt), Signature: fp.Encode()})
			if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND { // deleted meanwhile: nothing to do
				return done, fmt.Errorf("backfill fingerprints: %w", err)
			}
			after = a.ID
			done++
		}
	}
}
