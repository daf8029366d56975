package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"slices"
)

// maxTall is how many times its width a width variant may be tall: a
// taller picture (a long infographic) is fitted into a box of w × 2w, so
// that no variant is a 30-megapixel strip and resizing stays within its
// memory estimate.
const maxTall = 2

// output is one picture to make: a width variant or the social card.
type output struct {
	card bool
	w, h int             // its size, as shown
	crop image.Rectangle // the region of the shown original it is made from
}

// plan is what Process will make of an image and what that will cost, all
// known from the header before any pixel is decoded.
type plan struct {
	info  Info
	k     int      // box-filter factor applied to the original first; 1 for none
	first output   // the widest width variant, made from the original
	rest  []output // narrower width variants, made from first's pixels
	card  *output  // made from the original; nil when Config.NoCard
	// memory is the most the work holds at once: the decoder's
	// allocation, the box-filtered copy, draw's scaling buffer and the
	// outputs.
	memory int64
}

func (c Config) plan(info Info) plan {
	W, H := info.Width, info.Height
	full := image.Rect(0, 0, W, H)
	widths := slices.Clone(c.Widths)
	slices.Sort(widths)
	var outs []output
	for _, wt := range widths {
		s := min(1, float64(wt)/float64(W), float64(maxTall*wt)/float64(H))
		o := output{w: roundPos(float64(W) * s), h: roundPos(float64(H) * s), crop: full}
		if len(outs) > 0 && outs[len(outs)-1].w == o.w {
			continue // a width the original does not reach: made once, at its own size
		}
		outs = append(outs, o)
	}
	pl := plan{info: info, first: outs[len(outs)-1], rest: outs[:len(outs)-1]}
	reduction := min(float64(W)/float64(pl.first.w), float64(H)/float64(pl.first.h))
	if !c.NoCard {
		cw, ch := c.CardWidth, c.CardHeight
		crop := full
		if int64(W)*int64(ch) > int64(H)*int64(cw) { // wider than the card: cut the sides
			crop.Max.X = min(W, roundPos(float64(H)*float64(cw)/float64(ch)))
		} else { // taller: cut top and bottom
			crop.Max.Y = min(H, roundPos(float64(W)*float64(ch)/float64(cw)))
		}
		crop = crop.Add(image.Pt((W-crop.Dx())/2, (H-crop.Dy())/2))
		s := min(1, float64(cw)/float64(crop.Dx()))
		card := output{card: true, w: roundPos(float64(crop.Dx()) * s), h: roundPos(float64(crop.Dy()) * s), crop: crop}
		pl.card = &card
		reduction = min(reduction, float64(crop.Dx())/float64(card.w), float64(crop.Dy())/float64(card.h))
	}
	pl.k = shrinkFactor(reduction)
	pl.memory = pl.estimate()
	return pl
}

func roundPos(f float64) int { return max(1, int(math.Round(f))) }

// stored returns the size out is made at, before orientation.
func (pl plan) stored(out output) (int, int) {
	return shownSize(out.w, out.h, pl.info.Orientation)
}

// region returns the rectangle of the (box-filtered) stored original that
// out is made from, within bounds.
func (pl plan) region(out output, bounds image.Rectangle) image.Rectangle {
	sw, sh := pl.info.stored()
	r := storedRect(out.crop, sw, sh, pl.info.Orientation)
	if k := pl.k; k > 1 {
		r = image.Rect(r.Min.X/k, r.Min.Y/k, (r.Max.X+k-1)/k, (r.Max.Y+k-1)/k)
	}
	return r.Add(bounds.Min).Intersect(bounds)
}

func (pl plan) estimate() int64 {
	sw, sh := pl.info.stored()
	k := int64(pl.k)
	var boxed int64
	if k > 1 {
		boxed = 4 * ((int64(sw) + k - 1) / k) * ((int64(sh) + k - 1) / k)
	}
	var tmp, outs int64
	fromOriginal := []output{pl.first}
	if pl.card != nil {
		fromOriginal = append(fromOriginal, *pl.card)
	}
	for _, out := range fromOriginal {
		r := pl.region(out, image.Rect(0, 0, (sw+pl.k-1)/pl.k, (sh+pl.k-1)/pl.k))
		w, _ := pl.stored(out)
		tmp = max(tmp, scaleTmpBytes(w, r.Dy()))
		outs += 4 * int64(out.w) * int64(out.h)
	}
	_, fh := pl.stored(pl.first)
	for _, out := range pl.rest {
		w, _ := pl.stored(out)
		tmp = max(tmp, scaleTmpBytes(w, fh))
		outs += 4 * int64(out.w) * int64(out.h)
	}
	// Each output is held as made, as oriented and as encoded.
	return pl.info.decodeBytes + boxed + tmp + 3*outs + 1<<20
}

// render makes the variants from src, the decoded original as stored:
// the widest width variant and the card from src (box-filtered first
// when they are much smaller), the narrower widths from the widest, each
// then turned to its EXIF orientation and encoded. Widths are JPEG, or
// PNG when the picture has real transparency (an alpha below 255); the
// card is always JPEG, drawn over white, as social sites expect.
func (pl plan) render(ctx context.Context, src image.Image, quality int) ([]Variant, error) {
	base := src
	if pl.k > 1 {
		base = shrink(src, pl.k)
	}
	src = nil // the original need not outlive the box filter
	fw, fh := pl.stored(pl.first)
	first := scale(base, pl.region(pl.first, base.Bounds()), fw, fh)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var card *image.RGBA
	if pl.card != nil {
		w, h := pl.stored(*pl.card)
		card = scale(base, pl.region(*pl.card, base.Bounds()), w, h)
	}
	base = nil
	asPNG := !first.Opaque()
	o := pl.info.Orientation
	variants := make([]Variant, 0, len(pl.rest)+2)
	for _, out := range pl.rest {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w, h := pl.stored(out)
		v, err := encode(orient(scale(first, first.Bounds(), w, h), o), asPNG, quality)
		if err != nil {
			return nil, err
		}
		variants = append(variants, v)
	}
	v, err := encode(orient(first, o), asPNG, quality)
	if err != nil {
		return nil, err
	}
	variants = append(variants, v)
	if card != nil {
		if !card.Opaque() {
			card = flatten(card)
		}
		v, err := encode(orient(card, o), false, quality)
		if err != nil {
			return nil, err
		}
		v.Card = true
		variants = append(variants, v)
	}
	return variants, nil
}

// encode encodes m as PNG or as JPEG at quality. Neither encoder writes
// any metadata: the outputs hold pixels only, whatever the original held
// (EXIF with its GPS position, XMP, IPTC, comments, ICC profiles).
func encode(m *image.RGBA, asPNG bool, quality int) (Variant, error) {
	var buf bytes.Buffer
	v := Variant{Width: m.Bounds().Dx(), Height: m.Bounds().Dy()}
	if asPNG {
		v.ContentType = "image/png"
		if err := (&png.Encoder{}).Encode(&buf, m); err != nil {
			return Variant{}, fmt.Errorf("encode png: %w", err)
		}
	} else {
		v.ContentType = "image/jpeg"
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
			return Variant{}, fmt.Errorf("encode jpeg: %w", err)
		}
	}
	v.Bytes = buf.Bytes()
	return v, nil
}
