// Package ingest is the one way articles enter Herald: every article, from
// an import file, a feed or the demo, passes through Pipeline.Add, which
// checks it, cleans it and stores it with everything derived from it.
package ingest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/correction"
	"github.com/herald-news/herald/internal/dedup"
	"github.com/herald-news/herald/internal/related"
	"github.com/herald-news/herald/internal/sanitize"
)

// Item is an article as a source describes it, before Herald has checked
// or cleaned anything in it. The relative addresses of its HTML (a feed's
// <img src="/photo.jpg">) are resolved against URL, the item's link,
// which the syndication package has resolved against the feed's xml:base
// and address.
type Item struct {
	URL         string
	Title       string
	Byline      string
	PublishedAt time.Time // zero means the time it is added
	HTML        string    // the body as HTML; Text is used when empty
	Text        string
	Source      string // the outlet's name
	SourceURL   string // the outlet's homepage
	Licence     string // "" means herald.DefaultLicence
	Image       string
	Lang        string

	// ItemKey identifies the item within its followed source (see
	// herald.Article.ItemKey); empty for imports.
	ItemKey string
	// Images is the source's image policy (herald.Source.Images); ""
	// follows Licence, which it never shows more than.
	Images herald.ImagePolicy
	// FromPage says the body was read from the article's page, whose
	// own title and byline are PageTitle and PageByline, so that its
	// first re-check compares page with page (see Rechecker).
	FromPage              bool
	PageTitle, PageByline string
	// Corrections are the notes the page declares in its metadata.
	Corrections []string
	// PageETag and PageLastModified are the validators the page was
	// sent with.
	PageETag, PageLastModified string
}

// Pipeline checks, cleans and stores items.
type Pipeline struct {
	Articles herald.ArticleService
	// Stories places each stored article in a story (see story.go); no
	// stories are kept when nil.
	Stories herald.StoryService
	// Topics, when set, files each new article under its topics and
	// updates their digests (see topic.go).
	Topics herald.TopicService
	// Media, when set, is given the pictures of each new article (see
	// images.go), for the fetch worker to fetch.
	Media herald.MediaService
	// Corrections, when set, records the corrections and editor's notes
	// found in each new article (see internal/correction).
	Corrections herald.CorrectionService
	// Related computes the related lists of the articles RelatedQueue
	// holds (see RelateQueued); nil for none.
	Related      Relater
	RelatedQueue RelatedQueue
	// RelateWorkers is how many related lists are computed at once; all
	// cores when 0.
	RelateWorkers int
	Now           func() time.Time // the clock; time.Now when nil

	// texts makes the look-up for copies and the add one step for texts
	// that could be copies, so two copies of a text arriving at once in
	// this process find each other.
	texts textLocks

	// placing serialises the story step in this process.
	placing sync.Mutex
	topics  topicCache
}

// Add turns it into an article and stores it. It returns the stored
// article and whether it is new; an item whose URL is already stored
// changes nothing. A bad item gives an EINVALID error naming the problem.
//
// A publication date more than a day ahead is taken as now, without a
// word from Add: the readers of each way in apply the same rule first and
// report it (Importer.OnWarn, syndication.Item.Notes, extract.Article.Notes).
func (p *Pipeline) Add(ctx context.Context, it Item) (*herald.Article, bool, error) {
	a, _, err := p.prepare(it)
	if err != nil {
		return nil, false, err
	}
	created, err := p.store(ctx, a, it.Images)
	if err != nil {
		return nil, false, err
	}
	return a, created, nil
}

// maxCopyCandidates bounds the stored texts compared with a new one.
const maxCopyCandidates = 20

// store adds a prepared article, then derives from it what depends on
// the articles before it: its story and its topics (and their digests);
// then it names the article's pictures, under images (see ArticleImages).
// It must run in the order articles arrive (see add). The related lists
// are computed later, from the store's queue (see RelateQueued).
func (p *Pipeline) store(ctx context.Context, a *herald.Article, images herald.ImagePolicy) (bool, error) {
	created, err := p.add(ctx, a)
	if err != nil {
		return false, err
	}
	if err := p.placeInStory(ctx, a); err != nil {
		return created, err
	}
	if err := p.tagTopics(ctx, a, created); err != nil {
		return created, err
	}
	if err := p.noteCorrections(ctx, a, created); err != nil {
		return created, err
	}
	// Its story and topics set, the article's related list may be made.
	if created && a.DuplicateOf == 0 && p.RelatedQueue != nil {
		if err := p.RelatedQueue.ReleaseRelatedWork(ctx, []int64{a.ID}); err != nil {
			return created, err
		}
	}
	// Last, so that a failure to name the pictures leaves everything
	// else about the article done.
	if err := p.nameImages(ctx, a, created, images); err != nil {
		return created, err
	}
	return created, nil
}

// add stores a prepared article, first looking for a stored copy of its
// text: a copy is attached to the article already published rather than
// becoming a page of its own. It must run in the order articles arrive,
// one at a time for texts that could be copies, so a copy finds the text
// that came before.
func (p *Pipeline) add(ctx context.Context, a *herald.Article) (bool, error) {
	if a.Dedup.Hash != 0 {
		unlock := p.texts.lock(append([]uint64{a.Dedup.Hash}, a.Dedup.Bands...))
		defer unlock()
		nearby := dedup.NearbyBands(a.Dedup.Bands)
		candidates, err := p.Articles.FindCopyCandidates(ctx, a.Dedup.Hash, nearby, maxCopyCandidates)
		if err != nil {
			return false, err
		}
		for _, c := range candidates {
			if c.OriginalURL != a.OriginalURL && dedup.Same(a.Text, c.Text) {
				a.DuplicateOf = c.ID
				break
			}
		}
	}
	return p.Articles.AddArticle(ctx, a)
}

// noteCorrections records the corrections and editor's notes of a new
// article.
func (p *Pipeline) noteCorrections(ctx context.Context, a *herald.Article, created bool) error {
	if !created || p.Corrections == nil {
		return nil
	}
	notes := append(correction.Find(a.Text), a.Corrections...)
	if len(notes) == 0 {
		return nil
	}
	return p.Corrections.AddCorrections(ctx, a.ID, notes)
}

// isStored says whether an article with the item's address is stored.
// An address that is not a usable URL is not stored: prepare refuses it.
func (p *Pipeline) isStored(ctx context.Context, url string) (bool, error) {
	url = strings.TrimSpace(url)
	if url == "" || len(url) > herald.MaxURLLen {
		return false, nil
	}
	found, err := p.Articles.StoredURLs(ctx, []string{url})
	if err != nil {
		return false, fmt.Errorf("look up %s: %w", url, err)
	}
	return len(found) > 0, nil
}

// prepare does everything that needs no store: it is the part of Add that
// may run on many items at once. The notes say what it changed in the
// item for it to be kept (a date clamped to now), for the caller to report.
func (p *Pipeline) prepare(it Item) (*herald.Article, []string, error) {
	// Size first, so a huge body is refused before any work is spent on it.
	if n := max(len(it.HTML), len(it.Text)); n > herald.MaxBodyLen {
		return nil, nil, herald.Errorf(herald.EINVALID, "body is %.1f MB; the limit is %d MB",
			float64(n)/(1024*1024), herald.MaxBodyLen/(1024*1024))
	}
	url := strings.TrimSpace(it.URL)
	if url == "" {
		return nil, nil, herald.Errorf(herald.EINVALID, "url is required")
	}
	if err := herald.CheckWebURL(url); err != nil {
		return nil, nil, herald.Errorf(herald.EINVALID, "url: %s", herald.ErrorMessage(err))
	}
	licence, err := herald.ParseLicence(it.Licence)
	if err != nil {
		return nil, nil, err
	}
	image := strings.TrimSpace(it.Image)
	if image != "" {
		if err := herald.CheckWebURL(image); err != nil {
			return nil, nil, herald.Errorf(herald.EINVALID, "image: %s", herald.ErrorMessage(err))
		}
	}
	// A language a feed or page states but no one can read is as good as
	// none; ParseLine has refused one in an import file already.
	lang, err := checkLang(it.Lang)
	if err != nil {
		lang = ""
	}
	published, notes, err := p.published(it.PublishedAt)
	if err != nil {
		return nil, nil, err
	}
	a := &herald.Article{
		OriginalURL: url,
		Title:       oneLine(it.Title),
		Byline:      oneLine(it.Byline),
		PublishedAt: published,
		Image:       image,
		Lang:        lang,
		Licence:     licence,
		Source:      &herald.Source{Name: oneLine(it.Source), Homepage: strings.TrimSpace(it.SourceURL)},
		ItemKey:     it.ItemKey,
	}
	if strings.TrimSpace(it.HTML) != "" {
		a.HTML = sanitize.Article(sanitize.Resolve(it.HTML, itemBase(url)))
		a.Text = sanitize.Text(a.HTML)
	} else {
		a.Text = strings.TrimSpace(it.Text)
		a.HTML = sanitize.Paragraphs(a.Text)
	}
	if strings.TrimSpace(a.Text) == "" && (it.HTML != "" || it.Text != "") {
		return nil, nil, herald.Errorf(herald.EINVALID, "body has no text once cleaned")
	}
	// The lead is prose: not the links a feed lists after its summary.
	a.Lead = herald.Excerpt(sanitize.Prose(a.HTML), herald.ExcerptWords)
	if it.FromPage {
		a.PageHash = pageHash(oneLine(it.PageTitle), oneLine(it.PageByline), a.Text)
	}
	a.Corrections = it.Corrections
	a.PageETag, a.PageLastModified = it.PageETag, it.PageLastModified
	fp := dedup.New(a.Text)
	a.Dedup = herald.Fingerprint{Hash: fp.Hash, Bands: dedup.FileBands(fp.Bands(), a.PublishedAt), Signature: fp.Encode()}
	if err := a.Validate(); err != nil {
		return nil, nil, err
	}
	if p.Topics != nil {
		p.topics.chooseAhead(a)
	}
	return a, notes, nil
}

// itemBase is the address an item's body resolves against: its own,
// which prepare has checked.
func itemBase(itemURL string) *url.URL {
	u, err := url.Parse(itemURL)
	if err != nil {
		return nil // Resolve leaves the body as it is
	}
	return u
}

// published applies herald's rule for publication dates to an item's: no
// date is the time it is added, a date before 1900 is refused, and one
// more than a day ahead is taken as now, with a note saying so.
func (p *Pipeline) published(t time.Time) (time.Time, []string, error) {
	now := p.now()
	if t.IsZero() {
		return now.UTC(), nil, nil
	}
	if err := herald.CheckPublished(t); err != nil {
		return time.Time{}, nil, herald.Errorf(herald.EINVALID, "published_at %s", herald.ErrorMessage(err))
	}
	t, note := herald.ClampPublished(t, now)
	if note != "" {
		return t, []string{"published_at " + note}, nil
	}
	return t, nil, nil
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// NewPipeline returns the pipeline with every stage on store: copies,
// stories, topics and their digests, related lists (starting with the
// article's story; computed by RelateQueued). herald import, herald serve
// and the benchmarks all use it, so they ingest alike.
func NewPipeline(store herald.Store) *Pipeline {
	return &Pipeline{
		Articles:     store,
		Stories:      store,
		Topics:       store,
		Media:        store,
		Corrections:  store,
		Related:      &related.Recommender{Store: store, Stories: related.StoreStories{Stories: store}, Topics: store},
		RelatedQueue: store,
	}
}
