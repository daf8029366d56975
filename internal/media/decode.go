package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"
)

// decode decodes the image Probe read as info. A GIF's first frame is
// returned on a canvas of the GIF's logical screen when it does not fill
// it. The decoders were chosen for outside input and fuzzed, but a panic
// in one would take the whole server down with it, so one is recovered
// here and the image refused as corrupt.
func decode(data []byte, info Info) (m image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, refuse(ReasonCorrupt, fmt.Sprintf("the %s decoder failed on these bytes: %v", info.Format, p))
		}
	}()
	r := bytes.NewReader(data)
	switch info.Format {
	case JPEG:
		m, err = jpeg.Decode(r)
	case PNG:
		m, err = png.Decode(r)
	case GIF:
		m, err = gif.Decode(r)
	case WebP:
		m, err = webp.Decode(r)
	default:
		return nil, refuse(ReasonUnsupported, fmt.Sprintf("no decoder for %q", info.Format))
	}
	if err != nil {
		var ju jpeg.UnsupportedError
		var pu png.UnsupportedError
		if errors.As(err, &ju) || errors.As(err, &pu) {
			return nil, refuse(ReasonUnsupported, fmt.Sprintf("%s uses a feature Herald's decoder lacks: %v", info.Format, err))
		}
		return nil, refuse(ReasonCorrupt, fmt.Sprintf("%s data is corrupt or truncated: %v", info.Format, err))
	}
	w, h := info.stored()
	screen := image.Rect(0, 0, w, h)
	if f, ok := m.(*image.Paletted); ok && info.Format == GIF && f.Bounds() != screen {
		canvas := image.NewRGBA(screen)
		draw.Draw(canvas, f.Bounds(), f, f.Bounds().Min, draw.Src)
		m = canvas
	}
	// The memory was budgeted on the header's size: the decoders check
	// that they hold to it, and so does this.
	if b := m.Bounds(); b.Dx() != w || b.Dy() != h {
		return nil, refuse(ReasonCorrupt, fmt.Sprintf("%s decoded to %d×%d, not the %d×%d its header gives", info.Format, b.Dx(), b.Dy(), w, h))
	}
	return m, nil
}
