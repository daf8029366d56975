package ingest

import (
	"context"
	"fmt"

	"github.com/herald-news/herald"
)

// PolicyStore is what re-applying a source's image policy needs of the
// store.
type PolicyStore interface {
	herald.ArticleService
	herald.SourceService
	herald.MediaService
}

// PolicyResult says what ApplyImagePolicy did.
type PolicyResult struct {
	Articles int // stored articles of the source whose pictures were named again
	Pruned   int // media no article names any more, deleted
}

// ApplyImagePolicy names again the pictures of every stored article of the
// source slug under its image policy as now stored (see ArticleImages):
// what an article shows is computed from its stored lead image and body,
// as when it arrived, so a stricter policy drops pictures and a more
// generous one (within the article's licence) names pending ones for the
// fetch worker. A copy of a text shown elsewhere names none, as at
// ingest. The pictures no article names any more are then pruned (see
// herald.MediaService.PruneMedia).
//
// progress, when not nil, is called after each page of articles with how
// many are done. An unknown slug is ENOTFOUND. Stopping half way leaves
// each article either as it was or done; running it again finishes.
func ApplyImagePolicy(ctx context.Context, st PolicyStore, slug string, progress func(done int)) (PolicyResult, error) {
	var res PolicyResult
	src, err := st.FindSourceBySlug(ctx, slug)
	if err != nil {
		return res, err
	}
	f := herald.ArticleFilter{SourceID: src.ID, Limit: herald.MaxPageSize}
	for {
		page, next, err := st.FindArticles(ctx, f)
		if err != nil {
			return res, fmt.Errorf("apply image policy of %s: %w", slug, err)
		}
		for _, listed := range page {
			// The listing leaves out the body, which names the pictures.
			a, err := st.FindArticleByID(ctx, listed.ID)
			if herald.ErrorCode(err) == herald.ENOTFOUND {
				continue // deleted meanwhile
			}
			if err != nil {
				return res, fmt.Errorf("apply image policy of %s: %w", slug, err)
			}
			var list []herald.ArticleImage
			if a.DuplicateOf == 0 {
				list = ArticleImages(a, src.Images)
			}
			err = st.SetArticleImages(ctx, a.ID, list)
			if herald.ErrorCode(err) == herald.ENOTFOUND {
				continue
			}
			if err != nil {
				return res, fmt.Errorf("apply image policy to %s: %w", a, err)
			}
			res.Articles++
		}
		if progress != nil {
			progress(res.Articles)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if res.Pruned, err = st.PruneMedia(ctx); err != nil {
		return res, fmt.Errorf("apply image policy of %s: %w", slug, err)
	}
	return res, nil
}
