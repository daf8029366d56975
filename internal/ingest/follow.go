package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/extract"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/sanitize"
	"github.com/herald-news/herald/internal/syndication"
)

// Store is what following sources needs of the store: RecheckSoon makes
// an article whose feed item changed due for a re-check at once.
type Store interface {
	herald.ArticleService
	herald.SourceService
	RecheckSoon(ctx context.Context, articleID int64) error
}

// Follower keeps followed sources fed: it claims sources whose check is
// due, fetches them, and adds their new items through the Pipeline. Many
// followers, in one process or several sharing a database, can run at
// once: the store's leases keep them off each other's sources.
type Follower struct {
	Store    Store
	Pipeline *Pipeline
	Fetcher  *fetch.Client
	Logger   *slog.Logger
	Metrics  *Metrics // nil: not measured

	Owner       string        // names this follower in leases; unique per process
	Workers     int           // sources checked at once; 4 when 0
	Lease       time.Duration // how long a claimed source stays ours; 10 minutes when 0
	PollEvery   time.Duration // how often due sources are looked for; 5 s when 0
	MaxNewItems int           // new items taken from one fetch; 50 when 0
	Now         func() time.Time
}

func (f *Follower) defaults() {
	if f.Workers <= 0 {
		f.Workers = 4
	}
	if f.Lease <= 0 {
		f.Lease = 10 * time.Minute
	}
	if f.PollEvery <= 0 {
		f.PollEvery = 5 * time.Second
	}
	if f.MaxNewItems <= 0 {
		f.MaxNewItems = 50
	}
	if f.Now == nil {
		f.Now = time.Now
	}
	if f.Logger == nil {
		f.Logger = slog.New(slog.DiscardHandler)
	}
}

// Run checks due sources until ctx ends. One failing source never stops
// the others: its failure is recorded on it and shown to the editor.
func (f *Follower) Run(ctx context.Context) {
	f.defaults()
	for {
		n := f.RunOnce(ctx)
		if n == 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(f.PollEvery):
			}
		} else if ctx.Err() != nil {
			return
		}
	}
}

// RunOnce claims the sources due now, checks them, and returns how many
// it checked.
func (f *Follower) RunOnce(ctx context.Context) int {
	f.defaults()
	sources, err := f.Store.ClaimDueSources(ctx, f.Owner, f.Lease, f.Workers*4)
	if err != nil {
		if ctx.Err() == nil {
			f.Logger.Error("claim due sources", "err", err)
		}
		return 0
	}
	f.Metrics.setQueue(len(sources))
	sem := make(chan struct{}, f.Workers)
	var wg sync.WaitGroup
	for _, src := range sources {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			f.checkAndRecord(ctx, src)
		}()
	}
	wg.Wait()
	f.Metrics.setQueue(0)
	return len(sources)
}

func (f *Follower) checkAndRecord(ctx context.Context, src *herald.Source) {
	state, added, err := f.Check(ctx, src)
	if err != nil {
		f.Logger.Warn("source check failed", "source", src.Slug, "url", src.FeedURL, "reason", state.LastError)
		f.Metrics.failure(fetchReason(err))
	} else if added > 0 {
		f.Logger.Info("source checked", "source", src.Slug, "new_articles", added)
	}
	// The outcome is recorded even when ctx has ended, so a lease is not
	// held for its whole length by a process that is shutting down.
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := f.Store.RecordFetch(recordCtx, src.ID, f.Owner, state); err != nil {
		f.Logger.Error("record fetch", "source", src.Slug, "err", err)
	}
}

// Check fetches one source and adds its new items. It returns the state
// to record and how many articles were added; the error, if any, is also
// described in state.LastError for the editor.
func (f *Follower) Check(ctx context.Context, src *herald.Source) (herald.FetchState, int, error) {
	f.defaults()
	now := f.Now()
	state := src.Fetch
	state.LastFetchAt = now
	added, hints, err := f.check(ctx, src, &state)
	if err != nil {
		state.Status = herald.FetchFailed
		state.LastError = Describe(err)
		state.Failures++
		state.NextCheckAt = now.Add(retryDelay(err, state.Failures))
		return state, added, err
	}
	state.Status, state.LastError, state.Failures = herald.FetchOK, "", 0
	state.NextCheckAt = now.Add(nextInterval(src, hints))
	state.ExtractWarning = hints.pages.warning()
	return state, added, nil
}

// hints is what one fetch tells about when to come back.
type hints struct {
	published []time.Time // the items' dates
	maxAge    time.Duration
	pages     pageTally
}

// pageTally counts the article pages one check read, and those that
// extracted to fewer words than the feed's own summary of them: a sign
// that the outlet changed its layout and the extractor now misses the
// article.
type pageTally struct{ read, short int }

func (t *pageTally) add(feedHTML string, page *extract.Article) {
	if t == nil {
		return
	}
	t.read++
	if summary := herald.CountWords(sanitize.Text(feedHTML)); summary > 0 && herald.CountWords(page.Text) < summary {
		t.short++
	}
}

// warning is what the desk's dashboard says of the tally: pages short
// more than once, or every page read.
func (t pageTally) warning() string {
	if t.short == 0 || t.short < 2 && t.short < t.read {
		return ""
	}
	return fmt.Sprintf("%d of the %d article pages read at the last check gave less text than the feed's own summary: the extraction looks wrong", t.short, t.read)
}

func (f *Follower) check(ctx context.Context, src *herald.Source, state *herald.FetchState) (int, hints, error) {
	if src.Kind == herald.KindPage {
		return f.checkPage(ctx, src)
	}
	resp, err := f.get(ctx, fetch.Request{URL: src.FeedURL, ETag: state.ETag, LastModified: state.LastModified})
	if err != nil {
		return 0, hints{}, err
	}
	h := hints{maxAge: maxAge(resp.Header)}
	if resp.NotModified {
		return 0, h, nil
	}
	feed, err := syndication.Parse(resp.Body, resp.URL)
	if err != nil {
		return 0, h, err
	}
	state.ETag, state.LastModified = resp.ETag, resp.LastModified
	items := feed.Items
	if feed.Kind == syndication.KindSitemapIndex {
		items, err = f.sitemapIndexItems(ctx, feed)
		if err != nil {
			return 0, h, err
		}
	}
	for _, it := range items {
		if !it.Published.IsZero() {
			h.published = append(h.published, it.Published)
		}
	}
	added, err := f.addItems(ctx, src, items, &h.pages)
	return added, h, err
}

// sitemapIndexItems reads the first few sitemaps an index lists: news
// sites list the newest first.
func (f *Follower) sitemapIndexItems(ctx context.Context, index *syndication.Feed) ([]syndication.Item, error) {
	var items []syndication.Item
	for _, u := range index.Sitemaps[:min(len(index.Sitemaps), 2)] {
		resp, err := f.get(ctx, fetch.Request{URL: u})
		if err != nil {
			return nil, err
		}
		feed, err := syndication.Parse(resp.Body, resp.URL)
		if err != nil {
			return nil, fmt.Errorf("sitemap %s: %w", u, err)
		}
		items = append(items, feed.Items...)
	}
	return items, nil
}

// addItems adds the items the source has not delivered before, oldest
// first, so that stories grow in the order they were told.
func (f *Follower) addItems(ctx context.Context, src *herald.Source, items []syndication.Item, pages *pageTally) (int, error) {
	keys := make([]string, 0, len(items))
	for _, it := range items {
		keys = append(keys, it.ID)
	}
	seen, err := f.Store.SeenItems(ctx, src.ID, keys)
	if err != nil {
		return 0, err
	}
	var fresh []syndication.Item
	updated := map[string]time.Time{}
	for _, it := range items {
		switch {
		case it.ID == "":
		case !seen[it.ID]:
			fresh = append(fresh, it)
		case !it.Updated.IsZero():
			updated[it.ID] = it.Updated
		}
	}
	if err := f.recheckChanged(ctx, src, updated); err != nil {
		return 0, err
	}
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].Published.Before(fresh[j].Published) })
	if len(fresh) > f.MaxNewItems {
		fresh = fresh[len(fresh)-f.MaxNewItems:] // the newest; the rest wait for the next check
	}
	added := 0
	for _, it := range fresh {
		if ctx.Err() != nil {
			return added, ctx.Err()
		}
		ok, err := f.addItem(ctx, src, it, pages)
		if err != nil {
			// One bad item does not fail the source: it is logged and the
			// next check tries it again.
			f.Logger.Warn("item not added", "source", src.Slug, "url", it.URL, "reason", Describe(err))
			f.Metrics.failure(fetchReason(err))
			continue
		}
		if ok {
			added++
			f.Metrics.ingested(src.Slug)
		}
	}
	return added, nil
}

// recheckChanged makes the articles of the items seen before whose
// update time moved (updated, by key) due for a re-check now: the
// outlet says it changed them, and waiting for the next step of the
// schedule could take days.
func (f *Follower) recheckChanged(ctx context.Context, src *herald.Source, updated map[string]time.Time) error {
	if len(updated) == 0 {
		return nil
	}
	ids, err := f.Store.ChangedItems(ctx, src.ID, updated)
	if err != nil {
		return err
	}
	for _, id := range ids {
		// An article taken down meanwhile has no re-check to make due.
		if err := f.Store.RecheckSoon(ctx, id); err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
			return err
		}
		f.Logger.Info("feed item updated: re-check due now", "source", src.Slug, "article", id)
	}
	return nil
}

// minFeedWords is the length below which a feed's text is taken for a
// summary, and the page is fetched for the article itself.
const minFeedWords = 150

func (f *Follower) addItem(ctx context.Context, src *herald.Source, it syndication.Item, pages *pageTally) (bool, error) {
	item, err := f.itemFor(ctx, src, it, pages)
	if err != nil {
		return false, err
	}
	// Once its storing has begun, an article is stored whole (its story,
	// topics and pictures' names too) even when the follower is being
	// stopped, within StoreGrace: stopped between its steps, it would be
	// left without a story until the next start placed it.
	storing, cancel := finishing(ctx, StoreGrace)
	defer cancel()
	_, created, err := f.Pipeline.Add(storing, item)
	return created, err
}

// StoreGrace bounds how long the article being stored may take to finish
// once the follower is told to stop.
const StoreGrace = 10 * time.Second

// finishing returns a context that ends grace after ctx ends, rather than
// with it.
func finishing(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	inner, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return inner, func() { stop(); cancel() }
}

// itemFor turns a feed item into what the pipeline takes, fetching the
// article's page when the source's full-text mode asks for it; pages, if
// not nil, counts the page read.
func (f *Follower) itemFor(ctx context.Context, src *herald.Source, it syndication.Item, pages *pageTally) (Item, error) {
	f.report(src, it.URL, it.Notes)
	item := Item{
		URL: it.URL, Title: it.Title, Byline: it.Author, PublishedAt: it.Published,
		HTML: it.Content, Source: src.Name, SourceURL: src.Homepage, Licence: string(src.Licence),
		Images: src.Images, Image: it.Image, Lang: it.Language, ItemKey: it.ID,
	}
	if item.HTML == "" {
		item.HTML = it.Summary
	}
	if needsFullText(src.Fulltext, item.HTML) {
		page, err := f.extractPage(ctx, it.URL, src)
		switch {
		case err == nil:
			f.report(src, it.URL, page.Notes)
			pages.add(item.HTML, page.Article)
			mergePage(&item, page.Article)
			fromPage(&item, page)
		case strings.TrimSpace(item.HTML) == "":
			return Item{}, err
		default:
			// The page could not be read: the feed's text will do.
			f.Logger.Info("full text unavailable; using the feed's text", "url", it.URL, "reason", Describe(err))
		}
	}
	return item, nil
}

func needsFullText(mode herald.Fulltext, feedHTML string) bool {
	switch mode {
	case herald.FulltextAlways:
		return true
	case herald.FulltextNever:
		return false
	default:
		return herald.CountWords(sanitize.Text(feedHTML)) < minFeedWords
	}
}

// mergePage fills item from an extracted page: the page's body replaces
// the feed's, and its metadata fills what the feed left out.
func mergePage(item *Item, page *extract.Article) {
	item.HTML = page.HTML
	if item.Title == "" {
		item.Title = page.Title
	}
	if item.Byline == "" {
		item.Byline = page.Byline
	}
	if item.PublishedAt.IsZero() {
		item.PublishedAt = page.PublishedAt
	}
	if item.Image == "" {
		item.Image = page.Image
	}
	if item.Lang == "" {
		item.Lang = page.Lang
	}
}

// checkPage imports a single-article source once.
func (f *Follower) checkPage(ctx context.Context, src *herald.Source) (int, hints, error) {
	page, err := f.extractPage(ctx, src.FeedURL, src)
	if err != nil {
		return 0, hints{}, err
	}
	key, err := syndication.CanonicalURL(src.FeedURL)
	if err != nil {
		return 0, hints{}, err
	}
	item := Item{URL: src.FeedURL, Source: src.Name, SourceURL: src.Homepage, Licence: string(src.Licence), Images: src.Images, ItemKey: key}
	f.report(src, src.FeedURL, page.Notes)
	mergePage(&item, page.Article)
	fromPage(&item, page)
	item.Title = page.Title
	_, created, err := f.Pipeline.Add(ctx, item)
	if err != nil {
		return 0, hints{}, err
	}
	if created {
		f.Metrics.ingested(src.Slug)
		return 1, hints{}, nil
	}
	return 0, hints{}, nil
}

// report logs what the reading of a feed or page changed in an item, and
// why: a date before 1900 set aside, or one more than a day ahead taken as
// now (see syndication.Item.Notes and extract.Article.Notes).
func (f *Follower) report(src *herald.Source, url string, notes []string) {
	for _, note := range notes {
		f.Logger.Warn("item date corrected", "source", src.Slug, "url", url, "reason", note)
	}
}

// extractPage fetches the article page at url and extracts it, keeping the
// pictures of its body when src's articles show them all (see
// ArticleImages), so that they are named for the fetch worker as a
// feed's body's are.
// readPage is an article page as extracted, with the validators its
// server sent, so that the article's first re-check can ask "changed
// since?".
type readPage struct {
	*extract.Article
	ETag, LastModified string
}

func (f *Follower) extractPage(ctx context.Context, url string, src *herald.Source) (*readPage, error) {
	resp, err := f.get(ctx, fetch.Request{URL: url})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	opts := extract.Options{Pictures: src.EffectiveImages() == herald.ImagesAll}
	page, err := opts.Extract(resp.Body, resp.URL)
	f.Metrics.extracted(time.Since(start))
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", url, err)
	}
	return &readPage{Article: page, ETag: resp.ETag, LastModified: resp.LastModified}, nil
}

// fromPage marks item as read from page: its hash, validators and
// declared corrections come from there.
func fromPage(item *Item, page *readPage) {
	item.FromPage, item.PageTitle, item.PageByline = true, page.Title, page.Byline
	item.PageETag, item.PageLastModified = page.ETag, page.LastModified
	item.Corrections = page.Corrections
}

func (f *Follower) get(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	return f.Fetcher.Get(ctx, r)
}

// nextInterval is how long to wait before checking src again: its fixed
// interval if it has one, else about half the usual gap between its
// items, no sooner than the server's cache allows, within the bounds.
func nextInterval(src *herald.Source, h hints) time.Duration {
	if src.Every > 0 {
		return src.Every
	}
	d := time.Hour
	if gap, ok := typicalGap(h.published); ok {
		d = gap / 2
	}
	d = max(d, h.maxAge)
	return min(max(d, herald.MinCheckInterval), herald.MaxCheckInterval)
}

// typicalGap is the median time between consecutive items, from the ten
// newest; it needs at least three dated items.
func typicalGap(dates []time.Time) (time.Duration, bool) {
	if len(dates) < 3 {
		return 0, false
	}
	sorted := slices.Clone(dates)
	slices.SortFunc(sorted, func(a, b time.Time) int { return b.Compare(a) })
	sorted = sorted[:min(len(sorted), 10)]
	gaps := make([]time.Duration, 0, len(sorted)-1)
	for i := 1; i < len(sorted); i++ {
		gaps = append(gaps, sorted[i-1].Sub(sorted[i]))
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2], true
}

// retryDelay is how long to wait after a failure: what the server asked
// for with Retry-After, else exponential backoff with jitter.
func retryDelay(err error, failures int) time.Duration {
	var fe *fetch.Error
	if errors.As(err, &fe) && fe.RetryAfter > 0 {
		return min(max(fe.RetryAfter, herald.MinCheckInterval), herald.MaxCheckInterval)
	}
	return fetch.Backoff(failures, herald.MinCheckInterval, herald.MaxCheckInterval)
}

// maxAge reads the freshness a response's Cache-Control promises.
func maxAge(h http.Header) time.Duration {
	for _, part := range strings.Split(h.Get("Cache-Control"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "max-age") {
			if n, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && n > 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}

// Describe is the reason an editor sees for a failure: a fetch's own
// reason, or the message of a herald error.
func Describe(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return herald.ErrorMessage(err)
}

// fetchReason is a short label for the failure metric.
func fetchReason(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return string(fe.Kind)
	}
	if herald.ErrorCode(err) == herald.EINVALID {
		return "invalid"
	}
	return "other"
}
