package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/gif"
	"image/jpeg"
	"image/png"
	"unicode/utf8"

	"golang.org/x/image/webp"
)

// Format is an image format Herald decodes.
type Format string

// The formats Process decodes. Every other kind of bytes is refused.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
)

// ContentType returns the format's media type.
func (f Format) ContentType() string { return "image/" + string(f) }

// Info is what Probe reads from an image's first bytes, without decoding
// its pixels.
type Info struct {
	Format Format
	// Width and Height are the size the picture is shown at, after its
	// EXIF orientation.
	Width, Height int
	// Orientation is the EXIF orientation (1 to 8) of a JPEG, which
	// Process applies to the pixels; 1 when there is none.
	Orientation int
	// Frames is the number of frames of a GIF, counted by walking its
	// blocks without decoding them; 1 for the other formats.
	Frames int
	// Progressive is true for a progressive JPEG, whose decoding holds
	// every coefficient of the picture at once (4 bytes a pixel a
	// channel).
	Progressive bool

	// decodeBytes is the memory the decoder allocates for this image, an
	// upper bound computed from the header (see decodeCost).
	decodeBytes int64
}

// Pixels returns the number of pixels of the picture.
func (i Info) Pixels() int64 { return int64(i.Width) * int64(i.Height) }

// stored returns the size the pixels are stored at, before orientation.
func (i Info) stored() (int, int) { return shownSize(i.Width, i.Height, i.Orientation) }

// Probe identifies the image in data by its magic bytes, never by what a
// server said it was, and reads its size, orientation and frame count
// from its header, with the standard decoders' DecodeConfig (and
// golang.org/x/image/webp's). It decodes no pixels, so it is cheap on any
// input, and it needs only the first bytes of a file: a caller may probe
// a download's beginning to drop an oversized image before the rest
// arrives (a GIF's frames are then counted as far as data goes).
//
// Probe returns a *Refusal for bytes that are not an image Herald
// decodes: HTML (an error or login page served in the image's place),
// JSON, text, PDF, empty bytes (ReasonNotAnImage); image formats other
// than JPEG, PNG, GIF and still WebP, such as AVIF, HEIC, BMP, TIFF or
// animated WebP (ReasonUnsupported); and a known format whose header is
// broken (ReasonCorrupt).
//
// SVG is refused (ReasonSVG), not rasterised. An SVG file is an XML
// program more than a picture: it can hold scripts, event handlers,
// external references (images, fonts, stylesheets, entities) that would
// make the server fetch addresses chosen by a stranger, and entity
// expansion bombs. Rasterising it safely needs a renderer that resolves
// none of that, and there is none in the standard library or
// golang.org/x/image; the pure-Go rasterisers that exist implement a
// subset of SVG with no record of hostile-input hardening. News images
// are photographs: the rare SVG (a logo, a chart) is not worth that
// attack surface, and serving the file itself, even from Herald's own
// origin, would run its scripts there.
//
// The limits (pixels, sides, frames, memory) are not Probe's business:
// Config.Check applies them to the Info.
func Probe(data []byte) (Info, error) {
	if len(data) == 0 {
		return Info{}, refuse(ReasonNotAnImage, "no bytes")
	}
	var (
		info Info
		err  error
	)
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		info, err = probeJPEG(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		info, err = probePNG(data)
	case bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a")):
		info, err = probeGIF(data)
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		info, err = probeWebP(data)
	default:
		return Info{}, notDecoded(data)
	}
	if err != nil {
		return Info{}, err
	}
	if info.Width <= 0 || info.Height <= 0 {
		return Info{}, refuse(ReasonCorrupt, fmt.Sprintf("%s header gives a size of %d×%d", info.Format, info.Width, info.Height))
	}
	if info.Orientation == 0 {
		info.Orientation = 1
	}
	if info.Frames == 0 {
		info.Frames = 1
	}
	return info, nil
}

// headerError turns a DecodeConfig error into a Refusal: an unsupported
// feature is ReasonUnsupported, anything else (a format error, a
// truncated header) ReasonCorrupt.
func headerError(f Format, err error) error {
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return refuse(ReasonUnsupported, fmt.Sprintf("%s uses a feature Herald's decoder lacks: %v", f, err))
	}
	return refuse(ReasonCorrupt, fmt.Sprintf("%s header is corrupt or truncated: %v", f, err))
}

// jpegHeader is what the marker segments before a JPEG's first scan say.
type jpegHeader struct {
	orientation int
	sof         bool // a start-of-frame segment was read
	progressive bool
	comps       [][2]int // each component's sampling factors, h and v
	rgb         bool     // components named R, G, B, or an Adobe segment saying "no transform"
}

// readJPEGHeader walks a JPEG's marker segments up to the first scan
// (SOS), where the entropy-coded data begins, reading the orientation
// from the first Exif APP1 segment and the frame's layout from its SOF.
// It only reads: a segment running past the data ends the walk.
func readJPEGHeader(data []byte) jpegHeader {
	h := jpegHeader{orientation: 1}
	exifSeen := false
	i := 2
	for i+1 < len(data) {
		if data[i] != 0xff {
			i++ // stray bytes between segments, which libjpeg and Go skip too
			continue
		}
		marker := data[i+1]
		i += 2
		switch {
		case marker == 0xff || marker == 0x00:
			i-- // a fill byte: the next 0xff may start the marker
			continue
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8):
			continue // markers without a length
		case marker == 0xd9 || marker == 0xda:
			return h // end of image, or start of the first scan
		}
		if i+2 > len(data) {
			return h
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return h
		}
		seg := data[i+2 : i+n]
		i += n
		switch {
		case marker == 0xe1 && !exifSeen && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			exifSeen = true
			h.orientation = exifOrientation(seg[6:])
		case marker == 0xee && bytes.HasPrefix(seg, []byte("Adobe")) && len(seg) >= 12:
			h.rgb = h.rgb || seg[11] == 0 // transform 0: the channels are not YCbCr
		case marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc:
			if h.sof || len(seg) < 6 {
				continue
			}
			h.sof = true
			h.progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce
			nc := int(seg[5])
			names := ""
			for c := 0; c < nc && 6+3*c+3 <= len(seg); c++ {
				hv := seg[6+3*c+1]
				h.comps = append(h.comps, [2]int{int(hv >> 4), int(hv & 0x0f)})
				names += string(rune(seg[6+3*c]))
			}
			h.rgb = h.rgb || names == "RGB"
		}
	}
	return h
}

func probeJPEG(data []byte) (Info, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, headerError(JPEG, err)
	}
	h := readJPEGHeader(data)
	info := Info{Format: JPEG, Orientation: h.orientation, Progressive: h.progressive}
	info.Width, info.Height = shownSize(cfg.Width, cfg.Height, h.orientation)
	info.decodeBytes = jpegDecodeCost(cfg.Width, cfg.Height, h)
	return info, nil
}

// jpegDecodeCost is the memory image/jpeg allocates to decode a w×h JPEG
// with header h: the planes of its components (Y at full size, chroma as
// subsampled; 4:4:4 when the sampling is one Go decodes in its "flex"
// mode), a black plane and a 4-byte-a-pixel conversion for CMYK or
// YCCK, the RGBA conversion of an RGB JPEG, and for a progressive JPEG
// every coefficient of every component (a 256-byte block for each 8×8
// samples), all alive at the end of decoding. Without a readable SOF it
// assumes the worst: four full-size progressive components.
func jpegDecodeCost(w, h int, hd jpegHeader) int64 {
	maxH, maxV := 1, 1
	for _, c := range hd.comps {
		maxH, maxV = max(maxH, c[0]), max(maxV, c[1])
	}
	// The planes are allocated in whole MCUs.
	pw := int64((w + 8*maxH - 1) / (8 * maxH) * 8 * maxH)
	ph := int64((h + 8*maxV - 1) / (8 * maxV) * 8 * maxV)
	full := pw * ph
	if !hd.sof || len(hd.comps) < 1 || len(hd.comps) > 4 || len(hd.comps) == 2 {
		return 24 * full
	}
	var samples int64 // samples of all components, the size of the coefficient store
	for _, c := range hd.comps {
		if c[0] < 1 || c[1] < 1 {
			return 24 * full
		}
		samples += full * int64(c[0]*c[1]) / int64(maxH*maxV)
	}
	var planes int64
	switch len(hd.comps) {
	case 1:
		planes = full
	case 3:
		cb, cr := hd.comps[1], hd.comps[2]
		if cb != cr || hd.comps[0] != [2]int{maxH, maxV} {
			planes = 3 * full // flex mode: chroma stored at full size
		} else {
			planes = full + 2*full*int64(cb[0]*cb[1])/int64(maxH*maxV)
		}
		if hd.rgb {
			planes += 4 * full
		}
	case 4:
		planes = 3*full + full + 4*full
	}
	if hd.progressive {
		planes += 4 * samples
	}
	return planes
}

func probePNG(data []byte) (Info, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, headerError(PNG, err)
	}
	info := Info{Format: PNG, Width: cfg.Width, Height: cfg.Height}
	// IHDR is the first chunk (DecodeConfig checked): bit depth at 24,
	// colour type at 25, interlace method at 28.
	depth, colour, interlaced := data[24], data[25], data[28] == 1
	// The image Go returns, counting a tRNS chunk that turns grey or
	// truecolour into NRGBA: 1 byte a pixel for a palette, 4 (8 at 16
	// bits) for the rest.
	bpp := int64(4)
	switch {
	case colour == 3:
		bpp = 1
	case depth == 16:
		bpp = 8
	}
	px := info.Pixels()
	cost := px * bpp
	if interlaced {
		cost *= 2 // each Adam7 pass is decoded into an image of its own, then merged
	}
	rowBytes := int64(cfg.Width)*8 + 1
	info.decodeBytes = cost + 2*rowBytes
	return info, nil
}

func probeGIF(data []byte) (Info, error) {
	cfg, err := gif.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, headerError(GIF, err)
	}
	frames, err := gifFrames(data, cfg.Width, cfg.Height)
	if err != nil {
		return Info{}, err
	}
	info := Info{Format: GIF, Width: cfg.Width, Height: cfg.Height, Frames: frames}
	// The first frame (1 byte a pixel at most the screen's size) and the
	// screen-sized RGBA canvas it is drawn on when it does not fill it.
	info.decodeBytes = 5 * info.Pixels()
	return info, nil
}

// gifFrames counts the frames of a GIF by walking its blocks and skipping
// their data sub-blocks, decoding nothing. The walk stops at the trailer,
// at an unknown block or where data ends, and counts what it saw: Herald
// decodes only the first frame, which image/gif checks itself. A frame
// reaching outside the w×h logical screen is corrupt.
func gifFrames(data []byte, w, h int) (int, error) {
	const header = 13 // signature, logical screen descriptor
	if len(data) < header {
		return 0, nil
	}
	pos := header
	if flags := data[10]; flags&0x80 != 0 {
		pos += 3 << (flags&7 + 1) // global colour table
	}
	skipSubBlocks := func() {
		for pos < len(data) {
			n := int(data[pos])
			pos += 1 + n
			if n == 0 {
				return
			}
		}
	}
	frames := 0
	for pos < len(data) {
		switch data[pos] {
		case 0x21: // extension: introducer, label, sub-blocks
			pos += 2
			skipSubBlocks()
		case 0x2c: // image descriptor
			if pos+10 > len(data) {
				return frames, nil
			}
			d := data[pos+1 : pos+10]
			left, top := int(binary.LittleEndian.Uint16(d[0:])), int(binary.LittleEndian.Uint16(d[2:]))
			fw, fh := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
			if left+fw > w || top+fh > h {
				return 0, refuse(ReasonCorrupt, fmt.Sprintf("GIF frame %d (%d×%d at %d,%d) lies outside its %d×%d screen", frames+1, fw, fh, left, top, w, h))
			}
			pos += 10
			if flags := d[8]; flags&0x80 != 0 {
				pos += 3 << (flags&7 + 1) // local colour table
			}
			pos++ // LZW minimum code size
			skipSubBlocks()
			frames++
		default: // 0x3b, the trailer, or bytes that are no block
			return frames, nil
		}
	}
	return frames, nil
}

func probeWebP(data []byte) (Info, error) {
	cfg, err := webp.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, headerError(WebP, err)
	}
	info := Info{Format: WebP, Width: cfg.Width, Height: cfg.Height}
	var animated, lossless, alpha bool
	// The RIFF chunks: a four-byte name, a little-endian length, the data
	// padded to an even length.
	for pos := 12; pos+8 <= len(data); {
		name := string(data[pos : pos+4])
		n := int64(binary.LittleEndian.Uint32(data[pos+4:]))
		switch name {
		case "VP8X":
			if pos+9 <= len(data) {
				flags := data[pos+8]
				animated = animated || flags&0x02 != 0
				alpha = alpha || flags&0x10 != 0
			}
		case "ANIM", "ANMF":
			animated = true
		case "VP8L":
			lossless = true
		case "ALPH":
			alpha = true
		}
		next := int64(pos) + 8 + n + n&1
		if next > int64(len(data)) {
			break
		}
		pos = int(next)
	}
	if animated {
		return Info{}, refuse(ReasonUnsupported, "an animated WebP, which Herald's decoder (golang.org/x/image/webp) cannot read")
	}
	px := info.Pixels()
	switch {
	case lossless:
		info.decodeBytes = 12 * px // the ARGB pixels, the NRGBA image, a transform's copy
	case alpha:
		info.decodeBytes = 7 * px // YCbCr 4:2:0, the alpha plane, and its lossless-coded source
	default:
		info.decodeBytes = 2 * px
	}
	return info, nil
}

// notDecoded returns the Refusal for bytes that are none of the formats
// Herald decodes, naming what they are where that can be told.
func notDecoded(data []byte) *Refusal {
	has := func(off int, s string) bool {
		return len(data) >= off+len(s) && string(data[off:off+len(s)]) == s
	}
	switch {
	case has(0, "BM") && len(data) >= 26 && binary.LittleEndian.Uint32(data[6:]) == 0:
		return refuse(ReasonUnsupported, "a BMP image, which Herald does not decode")
	case has(0, "II*\x00") || has(0, "MM\x00*"):
		return refuse(ReasonUnsupported, "a TIFF image, which Herald does not decode")
	case has(0, "\x00\x00\x01\x00") || has(0, "\x00\x00\x02\x00"):
		return refuse(ReasonUnsupported, "an icon (ICO or CUR), which Herald does not decode")
	case has(0, "8BPS"):
		return refuse(ReasonUnsupported, "a Photoshop document, which Herald does not decode")
	case has(0, "\xff\x0a") || has(0, "\x00\x00\x00\x0cJXL "):
		return refuse(ReasonUnsupported, "a JPEG XL image, which Herald does not decode")
	case has(0, "\x00\x00\x00\x0cjP  "):
		return refuse(ReasonUnsupported, "a JPEG 2000 image, which Herald does not decode")
	case has(4, "ftyp"):
		switch brand := string(data[8:min(len(data), 12)]); brand {
		case "avif", "avis":
			return refuse(ReasonUnsupported, "an AVIF image, which Herald does not decode")
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return refuse(ReasonUnsupported, "a HEIF/HEIC image, which Herald does not decode")
		}
		return refuse(ReasonNotAnImage, "an ISO media file (a video, probably), not an image")
	case has(0, "RIFF"):
		return refuse(ReasonNotAnImage, "a RIFF file that is not WebP (a video or a sound, probably)")
	case has(0, "%PDF-"):
		return refuse(ReasonNotAnImage, "a PDF document, not an image")
	case has(0, "\x1f\x8b"):
		return refuse(ReasonNotAnImage, "gzip-compressed data (a compressed SVG, perhaps), not an image")
	}
	switch markup(data) {
	case "svg":
		return refuse(ReasonSVG, "an SVG drawing: Herald serves no SVG, which can carry scripts and references to other addresses")
	case "html":
		return refuse(ReasonNotAnImage, "an HTML page (an error or login page, probably), not an image")
	case "markup":
		return refuse(ReasonNotAnImage, "an XML or HTML document, not an image")
	}
	head := data[:min(len(data), 512)]
	if utf8.Valid(head) && !bytes.ContainsFunc(head, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) {
		return refuse(ReasonNotAnImage, "text (JSON or a message, perhaps), not an image")
	}
	return refuse(ReasonNotAnImage, fmt.Sprintf("bytes of no known image format (they start % x)", data[:min(len(data), 8)]))
}

// markup tells SVG from HTML from other markup in the first 4 KiB of
// data: "svg", "html", "markup", or "" for bytes that do not open with a
// tag (after a byte-order mark and white space). Whichever of an <svg>
// element or an HTML doctype, <html>, <head> or <body> comes first
// decides, so that an SVG after an XML declaration, a comment or a
// doctype is SVG, and an HTML page holding inline SVG icons is HTML.
func markup(data []byte) string {
	head := data[:min(len(data), 4096)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n\f")
	if len(head) == 0 || head[0] != '<' {
		return ""
	}
	lower := bytes.ToLower(head)
	first := func(tags ...string) int {
		best := -1
		for _, t := range tags {
			if i := bytes.Index(lower, []byte(t)); i >= 0 && (best < 0 || i < best) {
				best = i
			}
		}
		return best
	}
	svg := first("<svg")
	html := first("<!doctype html", "<html", "<head", "<body")
	switch {
	case svg >= 0 && (html < 0 || svg < html):
		return "svg"
	case html >= 0:
		return "html"
	}
	return "markup"
}
