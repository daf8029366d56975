package ingest

import (
	"context"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/syndication"
)

// PreviewItem is one item of a source as Herald would store it, or why it
// could not be read.
type PreviewItem struct {
	URL     string
	Article *herald.Article // nil when Err is set
	Err     error
}

// Preview reads what following src would bring in, storing nothing: the
// first n items of its feed (or its one page), each fetched and cleaned
// as the pipeline would. The editor sees it before saving the source.
func Preview(ctx context.Context, client *fetch.Client, src *herald.Source, n int) ([]PreviewItem, error) {
	f := &Follower{Fetcher: client, Pipeline: &Pipeline{}}
	f.defaults()
	src = previewSource(src)
	items, err := f.previewItems(ctx, src)
	if err != nil {
		return nil, err
	}
	out := make([]PreviewItem, 0, min(n, len(items)))
	for _, it := range items[:min(n, len(items))] {
		p := PreviewItem{URL: it.URL}
		item, err := f.itemFor(ctx, src, it, nil)
		if err == nil {
			p.Article, _, err = f.Pipeline.prepare(item)
		}
		p.Err = err
		out = append(out, p)
	}
	return out, nil
}

// previewSource is src with what the pipeline needs filled in: a single
// page is always read from its page.
func previewSource(src *herald.Source) *herald.Source {
	s := *src
	if s.Licence == "" {
		s.Licence = herald.DefaultLicence
	}
	if s.Kind == herald.KindPage {
		s.Fulltext = herald.FulltextAlways
	}
	return &s
}

// previewItems returns the items of src's feed as a check would read them.
func (f *Follower) previewItems(ctx context.Context, src *herald.Source) ([]syndication.Item, error) {
	if src.Kind == herald.KindPage {
		return []syndication.Item{{URL: src.FeedURL}}, nil
	}
	resp, err := f.get(ctx, fetch.Request{URL: src.FeedURL})
	if err != nil {
		return nil, err
	}
	feed, err := syndication.Parse(resp.Body, resp.URL)
	if err != nil {
		return nil, err
	}
	if feed.Kind == syndication.KindSitemapIndex {
		return f.sitemapIndexItems(ctx, feed)
	}
	return feed.Items, nil
}
