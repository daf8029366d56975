package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/correction"
	"github.com/herald-news/herald/internal/extract"
	"github.com/herald-news/herald/internal/fetch"
)

// RecheckStore is what re-checking articles needs of the store.
type RecheckStore interface {
	herald.ArticleService
	herald.RevisionService
	herald.TakedownService
	herald.CorrectionService
}

// Rechecker fetches stored articles again on the schedule the store
// keeps (herald.RecheckSteps), stores a new version when the outlet
// rewrote one, and withdraws Herald's copy when the outlet took the
// original down. It fetches through the Follower's client, so a host's
// pages and its re-checks share one politeness budget; it runs fewer
// workers than the Follower, so re-checks never starve new items.
type Rechecker struct {
	Store    RecheckStore
	Pipeline *Pipeline // prepares a page as an article, without storing it
	Fetcher  *fetch.Client
	Logger   *slog.Logger
	// Topics, when set, has the digest points quoting a revised article
	// chosen again from its new words (RefreshRevisedPoints).
	Topics herald.TopicService

	Owner     string        // names this process in leases
	Workers   int           // articles re-checked at once; 1 when 0
	Lease     time.Duration // 10 minutes when 0
	PollEvery time.Duration // 30 s when 0
	Batch     int           // articles claimed at once; 20 when 0
	Now       func() time.Time
}

func (rc *Rechecker) defaults() {
	if rc.Workers <= 0 {
		rc.Workers = 1
	}
	if rc.Lease <= 0 {
		rc.Lease = 10 * time.Minute
	}
	if rc.PollEvery <= 0 {
		rc.PollEvery = 30 * time.Second
	}
	if rc.Batch <= 0 {
		rc.Batch = 20
	}
	if rc.Now == nil {
		rc.Now = time.Now
	}
	if rc.Logger == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	}
	if rc.Pipeline == nil {
		rc.Pipeline = &Pipeline{}
	}
}

// Run re-checks due articles until ctx ends.
func (rc *Rechecker) Run(ctx context.Context) {
	rc.defaults()
	for {
		if rc.RunOnce(ctx) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(rc.PollEvery):
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// RunOnce claims the articles due now and re-checks them, and returns how
// many it claimed.
func (rc *Rechecker) RunOnce(ctx context.Context) int {
	rc.defaults()
	due, err := rc.Store.ClaimDueRechecks(ctx, rc.Owner, rc.Lease, rc.Batch)
	if err != nil {
		if ctx.Err() == nil {
			rc.Logger.Error("claim re-checks", "err", err)
		}
		return 0
	}
	work := make(chan *herald.Recheck)
	var wg sync.WaitGroup
	for range min(rc.Workers, len(due)) {
		wg.Go(func() {
			for r := range work {
				rc.Check(ctx, r)
			}
		})
	}
	for _, r := range due {
		if ctx.Err() != nil {
			break
		}
		work <- r
	}
	close(work)
	wg.Wait()
	return len(due)
}

// Check re-checks one claimed article and records the outcome.
func (rc *Rechecker) Check(ctx context.Context, r *herald.Recheck) {
	rc.defaults()
	a, err := rc.Store.FindArticleByID(ctx, r.ArticleID)
	if err != nil {
		// Taken down since it was claimed: the store ends its schedule.
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			rc.Logger.Error("re-check", "article", r.ArticleID, "err", err)
		}
		return
	}
	out := rc.outcome(ctx, r, a)
	if out.Revision != nil && a.Revisions >= herald.MaxRevisions {
		rc.Logger.Warn("revision not kept", "article", a.Slug, "reason",
			fmt.Sprintf("the article has %d versions already, the most Herald keeps", a.Revisions))
		out.Revision = nil
	}
	if err := rc.Store.RecordRecheck(ctx, r.ArticleID, rc.Owner, out); err != nil {
		if ctx.Err() == nil && herald.ErrorCode(err) != herald.ENOTFOUND {
			rc.Logger.Error("record re-check", "article", a.Slug, "err", err)
		}
		return
	}
	switch {
	case out.Revision != nil:
		rc.Logger.Info("article revised", "article", a.Slug, "version", a.Revisions+1)
		// A correction usually arrives as a new version.
		if notes := append(correction.Find(out.Revision.Text), out.Corrections...); len(notes) > 0 {
			if err := rc.Store.AddCorrections(ctx, a.ID, notes); err != nil {
				rc.Logger.Error("record corrections", "article", a.Slug, "err", err)
			}
		}
		rc.refreshPoints(ctx, a.ID)
	case out.Gone && r.Misses+1 >= herald.WithdrawAfterMisses:
		rc.withdraw(ctx, a)
	case out.Failed:
		rc.Logger.Info("re-check failed; tried again later", "article", a.Slug, "reason", out.Reason)
	}
}

// refreshPoints makes the digest points quoting the article just revised
// quote its newest words.
func (rc *Rechecker) refreshPoints(ctx context.Context, id int64) {
	if rc.Topics == nil {
		return
	}
	a, err := rc.Store.FindArticleByID(ctx, id)
	if err == nil {
		err = RefreshRevisedPoints(ctx, rc.Topics, a)
	}
	if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
		rc.Logger.Error("refresh digest points", "article", id, "err", err)
	}
}

// outcome fetches the article's page and says what became of it.
func (rc *Rechecker) outcome(ctx context.Context, r *herald.Recheck, a *herald.Article) herald.RecheckOutcome {
	out := herald.RecheckOutcome{ETag: r.ETag, LastModified: r.LastModified, PageHash: r.PageHash}
	resp, err := rc.Fetcher.Get(ctx, fetch.Request{URL: r.URL, ETag: r.ETag, LastModified: r.LastModified})
	switch {
	case isGone(err):
		out.Gone, out.Reason = true, Describe(err)
		return out
	case err != nil:
		return rc.failed(out, err)
	case resp.NotModified:
		return out
	}
	out.ETag, out.LastModified = resp.ETag, resp.LastModified
	opts := extract.Options{Pictures: a.Licence == herald.LicenceFull}
	page, err := opts.Extract(resp.Body, resp.URL)
	if err != nil {
		return rc.failed(out, fmt.Errorf("extract %s: %w", r.URL, err))
	}
	fresh, _, err := rc.Pipeline.prepare(Item{URL: a.OriginalURL, Title: page.Title, Byline: page.Byline, HTML: page.HTML,
		Source: a.Source.Name, Licence: string(a.Licence), PublishedAt: a.PublishedAt, Lang: a.Lang, Corrections: page.Corrections})
	if err != nil {
		return rc.failed(out, err)
	}
	out.PageHash = pageHash(fresh.Title, fresh.Byline, fresh.Text)
	// The first read of the page is its baseline: an article stored from
	// its feed reads differently from its page without having changed.
	if r.PageHash == "" || out.PageHash == r.PageHash {
		return out
	}
	if changed, why := Revised(a, fresh); !changed {
		rc.Logger.Debug("page changed, article did not", "article", a.Slug, "reason", why)
		if cutShort(a, fresh) != "" {
			// A paywall or an error page: the next check reads it again
			// against the page it had before.
			out.PageHash = r.PageHash
		}
		return out
	}
	out.Revision = &herald.Revision{Title: fresh.Title, Byline: fresh.Byline, HTML: fresh.HTML, Text: fresh.Text, Dedup: fresh.Dedup}
	out.Corrections = fresh.Corrections
	return out
}

func (rc *Rechecker) failed(out herald.RecheckOutcome, err error) herald.RecheckOutcome {
	out.Failed, out.Reason = true, Describe(err)
	out.RetryAt = rc.Now().Add(retryDelay(err, 1))
	return out
}

// isGone reports whether err says the page is no more: 404 or 410. A
// server error, a timeout or robots.txt withdraws nothing.
func isGone(err error) bool {
	var fe *fetch.Error
	return errors.As(err, &fe) && fe.Kind == fetch.KindStatus &&
		(fe.Status == http.StatusNotFound || fe.Status == http.StatusGone)
}

// pageHash identifies the words of a page's article, boilerplate aside:
// its title, byline and text as the page gives them (an article stored
// from its feed may show the feed's title, which reads differently).
func pageHash(title, byline, text string) string {
	sum := sha256.Sum256([]byte(normalised(title) + "\x00" + normalised(byline) + "\x00" + normalised(text)))
	return hex.EncodeToString(sum[:16])
}

// withdraw takes Herald's copy of a down after its original was gone at
// WithdrawAfterMisses re-checks in a row; an editor may restore it.
func (rc *Rechecker) withdraw(ctx context.Context, a *herald.Article) {
	reason := fmt.Sprintf("%s has withdrawn this article.", a.Source.Name)
	ctx = herald.WithAudit(ctx, &herald.AuditEntry{Actor: herald.SystemActor, Action: "article.withdraw", Subject: a.Slug,
		Before: herald.AuditJSON(map[string]any{"status": herald.StatusPublished}),
		After:  herald.AuditJSON(map[string]any{"status": herald.StatusWithdrawn, "reason": reason})})
	if _, err := rc.Store.TakeDownArticle(ctx, a.Slug, herald.StatusWithdrawn, reason); err != nil {
		rc.Logger.Error("withdraw article", "article", a.Slug, "err", err)
		return
	}
	rc.Logger.Info("article withdrawn: its original is gone", "article", a.Slug, "url", a.OriginalURL)
}
