package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/media"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"
)

// Pictures fetches the pictures articles name and keeps what
// internal/media makes of them. The work is the store's: each address is
// claimed once, however many articles name it, so the wire photo in
// thirty reports is fetched once, and an article never waits for its
// pictures: pages show a picture once its address is stored, and nothing
// before.
//
// Every fetch goes through Fetcher, the client the sources are read
// with, so the pictures share the sources' User-Agent, robots.txt,
// per-host turns and pauses, and SSRF guard (a picture that redirects to
// a private address is refused there). A failed fetch is tried again
// after a growing delay (see retryDelays) when trying again can help: a
// 5xx, a timeout, a broken connection; a 404, a refusal by the guard or
// robots.txt, or bytes that are no picture are final, until an editor
// asks for them again (herald media refetch).
type Pictures struct {
	Store     herald.MediaService
	Fetcher   *fetch.Client
	Processor *media.Processor
	Logger    *slog.Logger    // nil: no logging
	Metrics   *PictureMetrics // nil: no metrics
	Workers   int             // pictures fetched and processed at once; default 4
}

// Pictures are claimed picturesBatch at a time, for picturesLease: long
// enough for a batch whose addresses are all on one host, which takes
// them in turn (one request at a time, HostDelay apart).
const (
	picturesBatch = 16
	picturesLease = 15 * time.Minute
)

// pictureAccept is the Accept header of a picture's fetch: the formats
// internal/media decodes first, and anything else after, since the bytes,
// not the server's word, decide what a picture is.
const pictureAccept = "image/webp,image/jpeg,image/png,image/gif;q=0.9,image/*;q=0.8,*/*;q=0.5"

// pictureMaxBytes is the largest picture fetched, issue 20's cap: above
// the fetch client's 10 MB for pages and feeds, since an agency's or a
// camera's original can pass that, and well within what internal/media
// budgets for one original (media.DefaultMaxBytes).
const pictureMaxBytes = 15 << 20

// retryDelays are the waits before the second, third… fetch of an address
// whose fetch failed in a way that may pass; after the last, Herald gives
// up on it.
var retryDelays = []time.Duration{10 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour}

// FetchDue fetches and processes the due pictures until none is left, a
// few at a time, and returns how many addresses it settled (stored,
// refused or failed). A picture whose result cannot be recorded stays
// claimed until its lease ends and is tried again then; the first such
// error is returned after the rest are done.
func (p *Pictures) FetchDue(ctx context.Context) (int, error) {
	workers := p.Workers
	if workers <= 0 {
		workers = 4
	}
	done := 0
	var firstErr error
	for {
		batch, err := p.Store.ClaimImageWork(ctx, picturesBatch, picturesLease)
		if err != nil {
			return done, errors.Join(firstErr, fmt.Errorf("claim pictures: %w", err))
		}
		if len(batch) == 0 {
			return done, firstErr
		}
		errs := make([]error, len(batch))
		var g errgroup.Group
		g.SetLimit(workers)
		for i, im := range batch {
			g.Go(func() error {
				errs[i] = p.fetchOne(ctx, im)
				return nil
			})
		}
		g.Wait() // errors are kept per picture in errs
		failed := 0
		for _, err := range errs {
			switch {
			case err == nil:
				done++
			case firstErr == nil:
				firstErr = err
				failed++
			default:
				failed++
			}
		}
		if ctx.Err() != nil {
			return done, errors.Join(firstErr, ctx.Err())
		}
		if failed > 0 {
			// What failed stays claimed until its lease ends: stop rather
			// than meet the same trouble at once.
			return done, firstErr
		}
	}
}

// Keep runs FetchDue every interval until ctx ends: the background worker
// of herald serve. Errors are logged; the pictures they concern are tried
// again later.
func (p *Pictures) Keep(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := p.FetchDue(ctx); err != nil && ctx.Err() == nil {
			p.logger().Error("pictures", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// fetchOne fetches the picture at im.SourceURL, processes it and records
// the result. It returns an error only when nothing could be recorded.
func (p *Pictures) fetchOne(ctx context.Context, im herald.ArticleImage) error {
	r := p.result(ctx, im)
	if ctx.Err() != nil {
		return ctx.Err() // not the picture's fault: its lease ends and it is tried again
	}
	p.Metrics.settled(r)
	err := p.Store.RecordImageResult(ctx, r)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil // no article names it any more
	}
	if err != nil {
		return fmt.Errorf("record picture %s: %w", im.SourceURL, err)
	}
	return nil
}

// result is what became of the picture at im.SourceURL: stored, refused
// (by Process, or over pictureMaxBytes) or failed.
//
// The picture is fetched Raw, so that its bytes reach Process as the
// server sent them whatever it called them: Process refuses an HTML page
// served in its place (with a 200, as text/html or as image/jpeg) by its
// bytes, before decoding anything, as not-an-image.
func (p *Pictures) result(ctx context.Context, im herald.ArticleImage) herald.ImageResult {
	resp, err := p.Fetcher.Get(ctx, fetch.Request{URL: im.SourceURL, Accept: pictureAccept, MaxBody: pictureMaxBytes, Raw: true})
	if ctx.Err() != nil {
		return herald.ImageResult{} // shutting down: fetchOne records nothing, and logs nothing
	}
	var fe *fetch.Error
	if errors.As(err, &fe) && fe.Kind == fetch.KindTooLarge {
		// Refused, not failed: the picture will be as large next time.
		// Nothing of it was kept: the fetch stops at the cap.
		err = p.Processor.Refuse(ctx, media.ReasonTooLarge, fe.Reason, media.Options{Name: im.SourceURL})
		return herald.ImageResult{SourceURL: im.SourceURL, Status: herald.ImageRefused, Reason: media.ReasonOf(err)}
	}
	if err != nil {
		return p.failed(im, err)
	}
	res, err := p.Processor.Process(ctx, resp.Body, media.Options{ContentType: resp.Header.Get("Content-Type"), Name: im.SourceURL})
	if ctx.Err() != nil {
		return herald.ImageResult{}
	}
	if reason := media.ReasonOf(err); reason != "" {
		// Process has logged and counted the refusal.
		return herald.ImageResult{SourceURL: im.SourceURL, Status: herald.ImageRefused, Reason: reason}
	}
	if err != nil {
		return p.failed(im, err)
	}
	m := &herald.Media{Hash: res.Hash, Width: res.Width, Height: res.Height,
		ContentType: res.Format.ContentType(), OriginalBytes: int64(len(resp.Body))}
	for _, v := range res.Variants {
		m.Variants = append(m.Variants, herald.MediaVariant{Width: v.Width, Height: v.Height,
			ContentType: v.ContentType, Card: v.Card, Data: v.Bytes})
	}
	return herald.ImageResult{SourceURL: im.SourceURL, Status: herald.ImageStored, Media: m}
}

// failed is the result of a fetch (or a processing step) that failed with
// err, logged once with the address.
func (p *Pictures) failed(im herald.ArticleImage, err error) herald.ImageResult {
	reason, retry := failureReason(err)
	r := herald.ImageResult{SourceURL: im.SourceURL, Status: herald.ImageFailed, Reason: reason}
	if retry && im.Attempts < len(retryDelays) {
		wait := retryDelays[im.Attempts]
		var fe *fetch.Error
		if errors.As(err, &fe) && fe.RetryAfter > wait {
			wait = fe.RetryAfter
		}
		r.NextTry = time.Now().Add(wait)
	}
	attrs := []any{"image", im.SourceURL, "reason", reason, "err", describeFailure(err)}
	if r.NextTry.IsZero() {
		attrs = append(attrs, "next_try", "never")
	} else {
		attrs = append(attrs, "next_try", r.NextTry.Format(time.RFC3339))
	}
	p.logger().Info("image fetch failed", attrs...)
	return r
}

// failureReason is the short, stable code a failed fetch is stored and
// counted under, and whether trying again later may succeed.
func failureReason(err error) (reason string, retry bool) {
	var fe *fetch.Error
	if !errors.As(err, &fe) {
		return "process-error", true // not the picture's doing: Herald's own trouble
	}
	switch fe.Kind {
	case fetch.KindStatus:
		switch s := fe.Status; {
		case s >= 500:
			return "http-5xx", true
		case s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
			return "http-" + strconv.Itoa(s), true
		case s >= 400 && s < 500:
			return "http-" + strconv.Itoa(s), false // 404, 410, 403…: the address is wrong or closed
		default:
			return "http-other", false
		}
	case fetch.KindTimeout:
		return "timeout", true
	case fetch.KindConnect:
		return "connect", true
	case fetch.KindDNS:
		return "dns", fe.Temporary()
	case fetch.KindTLS:
		return "tls", false
	case fetch.KindRobots:
		return "robots", fe.Temporary() // unavailable robots.txt passes; a disallow does not
	case fetch.KindBlockedAddress:
		return "blocked", false
	case fetch.KindRedirects:
		return "redirects", false
	case fetch.KindInvalidURL:
		return "invalid-url", false
	case fetch.KindBadResponse:
		return "bad-response", true
	}
	return "fetch-error", fe.Temporary()
}

// describeFailure is the sentence a log line gives for err.
func describeFailure(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return err.Error()
}

func (p *Pictures) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

// PictureMetrics are the picture fetcher's figures for Prometheus: the
// results by status, and the failed fetches by reason. Processing's own
// figures, refusals by reason among them, are media.Metrics'. A nil
// *PictureMetrics measures nothing.
type PictureMetrics struct {
	results  *prometheus.CounterVec
	failures *prometheus.CounterVec
}

// NewPictureMetrics creates the picture fetcher's metrics and registers
// them with reg.
func NewPictureMetrics(reg prometheus.Registerer) *PictureMetrics {
	m := &PictureMetrics{
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_pictures_total", Help: "Picture addresses settled, by result (stored, refused, failed).",
		}, []string{"status"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_picture_fetch_failures_total", Help: "Failed picture fetches, by reason (http-404, http-5xx, timeout, blocked, robots, ...).",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.results, m.failures)
	return m
}

func (m *PictureMetrics) settled(r herald.ImageResult) {
	if m == nil {
		return
	}
	m.results.WithLabelValues(string(r.Status)).Inc()
	if r.Status == herald.ImageFailed {
		m.failures.WithLabelValues(r.Reason).Inc()
	}
}
