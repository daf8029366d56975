// Package media turns an image's bytes from outside into the safe,
// resized copies Herald serves.
//
// Process takes the bytes an outlet's server sent for a picture and
// returns a Result: the SHA-256 of those bytes (the name the original is
// stored under, so each picture is fetched and processed once), its size,
// and its variants, re-encoded by Herald: widths of 320, 640 and 1024
// pixels (never enlarged) and a 1200×630 social card, cut from the
// centre. It either returns every variant or refuses the image with a
// *Refusal saying why; nothing is ever half made.
//
// Nothing from the original reaches a variant but its pixels. The format
// is told by magic bytes, never by the Content-Type, which is only
// compared (Result.DeclaredType). Probe reads the size from the header
// and Config.Check applies the budgets before a pixel is decoded: a
// decompression bomb (a PNG header claiming 60,000 × 60,000) costs a few
// bytes of reading. JPEG, PNG, GIF (its first frame) and still WebP are
// decoded by the standard library and golang.org/x/image/webp; the EXIF
// orientation is applied; the pixels are resized with Catmull-Rom
// (golang.org/x/image/draw) after a box filter for large reductions, and
// encoded afresh as JPEG at quality 80, or PNG where the picture has real
// transparency, so that no metadata (EXIF and its GPS position, XMP,
// comments) survives. SVG is refused, not rasterised: Probe says why.
//
// Memory is the resource a burst of pictures exhausts, so every image's
// peak is estimated from its header (Config.Memory) before it is decoded,
// an image whose estimate is over Config.MaxMemory is refused, and a
// Limiter shared by the callers admits images while their estimates fit
// its size. The estimate counts what the decoders allocate, which varies
// with the format more than the pixel count: a 40-megapixel baseline JPEG
// (4:2:0) decodes into 60 MB, the same picture as a progressive JPEG
// into 300 MB, and as a 16-bit PNG into 320 MB.
//
// Measured with bench/media (docs/BENCHMARKS.md, 2 cores), processing one
// 7728×5152 (39.8-megapixel) JPEG takes the whole process's peak resident
// memory to 174 MB (the estimate: 156 MB), and as a progressive JPEG to
// 454 MB (estimate 395 MB); a burst of eight such JPEGs under a Limiter of
// DefaultMaxMemory (512 MiB) peaks at 562 MB, the 48 MB of inputs
// included. On one core, a mix of web, phone and camera pictures goes at
// 1.8 a second.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"strings"
	"time"
)

// Defaults for Config's zero fields.
const (
	DefaultMaxBytes   = 32 << 20   // bytes of the original
	DefaultMaxPixels  = 40_000_000 // pixels of the original
	DefaultMaxMemory  = 512 << 20  // estimated bytes held while processing one image
	DefaultMinSide    = 100        // pixels, on either side
	DefaultMaxAspect  = 16         // long side over short side
	DefaultMaxFrames  = 1000       // frames of a GIF
	DefaultQuality    = 80         // JPEG quality of the variants
	DefaultCardWidth  = 1200
	DefaultCardHeight = 630
)

// DefaultWidths are the widths of the variants made of every image.
var DefaultWidths = []int{320, 640, 1024}

// Config sets Process's budgets and outputs. A zero or negative field
// means its default.
type Config struct {
	// MaxBytes is the largest original accepted.
	MaxBytes int
	// MaxPixels is the pixel budget, checked on the header before
	// decoding: decompression bombs are refused here.
	MaxPixels int64
	// MaxMemory bounds the memory one image may take, as Memory
	// estimates it from the header. It refuses the few pictures within
	// MaxPixels whose format makes them costly to decode (a
	// 40-megapixel progressive JPEG in full-resolution colour, a
	// 40-megapixel interlaced 16-bit PNG).
	MaxMemory int64
	// MinSide is the smallest side kept: an image narrower or lower is
	// decoration (a tracking pixel, a spacer, an icon) and refused.
	MinSide int
	// MaxAspect is the longest a side may be, as a multiple of the
	// other: longer is a rule or a strip, not a picture.
	MaxAspect int
	// MaxFrames is the most frames a GIF may have. Only the first is
	// used, but an animation of thousands of frames is not a news
	// picture, and its size is all in frames Herald would not show.
	MaxFrames int
	// Widths are the widths of the variants. A picture narrower than a
	// width is not enlarged: it gets one variant at its own width in
	// place of all the widths it does not reach. A picture taller than
	// twice a width is fitted into a box of that width and twice its
	// height.
	Widths []int
	// CardWidth and CardHeight are the social card's size; the card
	// covers it, cut from the centre of the picture, and is smaller only
	// when the picture is.
	CardWidth, CardHeight int
	// NoCard leaves the social card out.
	NoCard bool
	// Quality is the JPEG quality of the variants, 1 to 100.
	Quality int
}

func (c Config) withDefaults() Config {
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.MaxMemory <= 0 {
		c.MaxMemory = DefaultMaxMemory
	}
	if c.MinSide <= 0 {
		c.MinSide = DefaultMinSide
	}
	if c.MaxAspect <= 0 {
		c.MaxAspect = DefaultMaxAspect
	}
	if c.MaxFrames <= 0 {
		c.MaxFrames = DefaultMaxFrames
	}
	var widths []int
	for _, w := range c.Widths {
		if w > 0 {
			widths = append(widths, w)
		}
	}
	if len(widths) == 0 {
		widths = DefaultWidths
	}
	c.Widths = widths
	if c.CardWidth <= 0 || c.CardHeight <= 0 {
		c.CardWidth, c.CardHeight = DefaultCardWidth, DefaultCardHeight
	}
	if c.Quality <= 0 || c.Quality > 100 {
		c.Quality = DefaultQuality
	}
	return c
}

// Check applies c's budgets to an image Probe has read, in this order:
// frames (ReasonTooManyFrames), pixels (ReasonTooLarge), the smallest
// side (ReasonTooSmall), the shape (ReasonBadAspect) and the memory the
// work would take (ReasonTooLarge). It returns nil or a *Refusal.
func (c Config) Check(info Info) error {
	c = c.withDefaults()
	w, h := info.Width, info.Height
	switch {
	case info.Frames > c.MaxFrames:
		return refuse(ReasonTooManyFrames, fmt.Sprintf("an animation of %d frames, over the bound of %d", info.Frames, c.MaxFrames))
	case info.Pixels() > c.MaxPixels:
		return refuse(ReasonTooLarge, fmt.Sprintf("image is %d×%d pixels (%.1f megapixels), over the %s-megapixel budget", w, h, float64(info.Pixels())/1e6, megapixels(c.MaxPixels)))
	case min(w, h) < c.MinSide:
		return refuse(ReasonTooSmall, fmt.Sprintf("image is %d×%d pixels, under %d on a side: a tracking pixel, spacer or icon", w, h, c.MinSide))
	case max(w, h) > c.MaxAspect*min(w, h):
		return refuse(ReasonBadAspect, fmt.Sprintf("image is %d×%d pixels, more than %d times as long as it is wide: a strip or a rule", w, h, c.MaxAspect))
	}
	if m := c.Memory(info); m > c.MaxMemory {
		return refuse(ReasonTooLarge, fmt.Sprintf("image is %d×%d pixels, and as %s it would take about %d MB to decode and resize, over the %d MB budget", w, h, describe(info), m>>20, c.MaxMemory>>20))
	}
	return nil
}

func megapixels(n int64) string {
	if n%1_000_000 == 0 {
		return fmt.Sprint(n / 1_000_000)
	}
	return fmt.Sprintf("%.1f", float64(n)/1e6)
}

func describe(info Info) string {
	if info.Progressive {
		return "a progressive JPEG"
	}
	return "a " + strings.ToUpper(string(info.Format))
}

// Memory returns the most memory Process is expected to hold at once for
// the image Probe read as info: what its decoder allocates (computed from
// the header: components, subsampling, progressive coding, bit depth,
// interlacing), the box-filtered copy, draw's scaling buffer and the
// variants. It is what Process asks the Limiter for. The Go runtime
// collects garbage only when the heap has grown by GOGC percent (100 by
// default) since the last collection, so resident memory can run past
// the sum of the estimates in flight by up to that much; set GOMEMLIMIT
// to keep it closer.
func (c Config) Memory(info Info) int64 {
	return c.withDefaults().plan(info).memory
}

// Options describe one image to Process.
type Options struct {
	// ContentType is the Content-Type the server sent, if any. It is
	// compared with what the bytes are, never trusted.
	ContentType string
	// Name is how log lines name the image: its address, usually.
	Name string
}

// Result is what Process made of an image.
type Result struct {
	// Hash is the lowercase hex SHA-256 of the original bytes: the
	// content address of the original and its variants.
	Hash   string
	Format Format
	// Width and Height are the original's size as shown, after its EXIF
	// orientation.
	Width, Height int
	// DeclaredType is the Content-Type the server sent when it named
	// another format than the bytes are (image/png for a JPEG, text/html
	// for a GIF), and "" when it agreed, was generic
	// (application/octet-stream) or was not given. The bytes decide;
	// this is for logs and the source's status.
	DeclaredType string
	// Variants are the width variants, narrowest first, then the social
	// card (Card set).
	Variants []Variant
}

// Variant is one re-encoded copy of an image.
type Variant struct {
	Width, Height int
	ContentType   string // image/jpeg or image/png
	Card          bool   // the social card, not a width variant
	Bytes         []byte
}

// Processor processes images within its Config, its Limiter's memory,
// and reports to its Logger and Metrics. The zero Processor works: the
// default Config, no Limiter, no logging, no metrics. It is safe for
// concurrent use.
type Processor struct {
	Config  Config
	Limiter *Limiter     // nil: no bound on images in flight
	Logger  *slog.Logger // nil: no logging
	Metrics *Metrics     // nil: no metrics
}

// Process makes the variants of the image in data, or refuses it with a
// *Refusal (its Reason and Message are logged, and counted in Metrics
// by reason). It waits for the Limiter's room and stops at ctx's end,
// returning ctx's error.
//
// Content-Type mismatches are reported (Result.DeclaredType), not
// refused: the bytes decide what an image is, and since Herald serves
// only its own encodings under its own Content-Type, a wrong declaration
// cannot reach a reader. What a wrong Content-Type hides in practice, an
// HTML error page served as image/jpeg, is refused by its bytes.
func (p *Processor) Process(ctx context.Context, data []byte, opts Options) (*Result, error) {
	start := time.Now()
	res, err := p.process(ctx, data, opts)
	var r *Refusal
	switch {
	case errors.As(err, &r):
		p.report(ctx, r, opts)
		return nil, r
	case err != nil:
		return nil, fmt.Errorf("media: %w", err)
	}
	if res.DeclaredType != "" {
		p.Metrics.mismatched()
		p.logger().Info("image served with another format's content type", "image", opts.Name, "declared", res.DeclaredType, "format", res.Format)
	}
	p.Metrics.done(len(data), res, time.Since(start))
	return res, nil
}

// Refuse refuses an image its caller turned away before Process could
// see it, with reason (one of the Reason constants) and message: a
// download over the fetcher's size cap, whose bytes never arrived. It is
// logged and counted as Process's own refusals are, and returned as a
// *Refusal.
func (p *Processor) Refuse(ctx context.Context, reason, message string, opts Options) error {
	r := refuse(reason, message)
	p.report(ctx, r, opts)
	return r
}

// report logs and counts the refusal r of the image opts describes.
func (p *Processor) report(ctx context.Context, r *Refusal, opts Options) {
	if opts.ContentType != "" {
		r.Message += " (served as " + opts.ContentType + ")"
	}
	p.Metrics.refused(r.Reason)
	level := slog.LevelInfo
	if r.Reason == ReasonTooSmall {
		level = slog.LevelDebug // decoration is routine: counted, and logged at debug level only
	}
	p.logger().Log(ctx, level, "image refused", "image", opts.Name, "reason", r.Reason, "message", r.Message)
}

func (p *Processor) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

func (p *Processor) process(ctx context.Context, data []byte, opts Options) (*Result, error) {
	c := p.Config.withDefaults()
	if len(data) > c.MaxBytes {
		return nil, refuse(ReasonTooLarge, fmt.Sprintf("a file of %d bytes, over the budget of %d", len(data), c.MaxBytes))
	}
	info, err := Probe(data)
	if err != nil {
		return nil, err
	}
	if err := c.Check(info); err != nil {
		return nil, err
	}
	pl := c.plan(info)
	release, err := p.Limiter.Acquire(ctx, pl.memory)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src, err := decode(data, info)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	variants, err := pl.render(ctx, src, c.Quality)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &Result{
		Hash:         hex.EncodeToString(sum[:]),
		Format:       info.Format,
		Width:        info.Width,
		Height:       info.Height,
		DeclaredType: declaredMismatch(opts.ContentType, info.Format),
		Variants:     variants,
	}, nil
}

// declaredMismatch returns contentType when it names a specific type
// other than format's, and "" otherwise.
func declaredMismatch(contentType string, f Format) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return contentType // unparseable: not image/whatever, so a mismatch
	}
	switch mt {
	case "application/octet-stream", "binary/octet-stream", "application/unknown":
		return ""
	case f.ContentType():
		return ""
	case "image/jpg", "image/pjpeg":
		if f == JPEG {
			return ""
		}
	case "image/x-png", "image/apng":
		if f == PNG {
			return ""
		}
	}
	return contentType
}
