package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/media/mediatest"
)

func process(tb testing.TB, data []byte, opts Options) (*Result, error) {
	tb.Helper()
	var p Processor
	return p.Process(context.Background(), data, opts)
}

func mustProcess(tb testing.TB, data []byte) *Result {
	tb.Helper()
	res, err := process(tb, data, Options{})
	if err != nil {
		tb.Fatalf("Process: %v", err)
	}
	return res
}

// patchSOF returns the JPEG j with its frame header's size set to w×h and,
// when progressive, its SOF0 marker turned into SOF2 and its chroma at
// full resolution (4:4:4). Only the header is then right: such a JPEG is
// for tests that refuse it before decoding.
func patchSOF(tb testing.TB, j []byte, w, h int, progressive bool) []byte {
	tb.Helper()
	j = bytes.Clone(j)
	i := bytes.Index(j, []byte{0xff, 0xc0})
	if i < 0 {
		tb.Fatal("no SOF0 in the JPEG")
	}
	if progressive {
		j[i+1] = 0xc2
		for c := 0; c < int(j[i+9]); c++ {
			j[i+11+3*c] = 0x11
		}
	}
	binary.BigEndian.PutUint16(j[i+5:], uint16(h))
	binary.BigEndian.PutUint16(j[i+7:], uint16(w))
	return j
}

// animatedWebP returns the header of an animated WebP: a VP8X chunk with
// the animation flag, an ANIM chunk and an empty frame.
func animatedWebP() []byte {
	chunk := func(name string, data []byte) []byte {
		b := append([]byte(name), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		return append(b, data...)
	}
	vp8x := []byte{0x02, 0, 0, 0, 199, 0, 0, 149, 0, 0} // animation; 200×150
	body := append([]byte("WEBP"), chunk("VP8X", vp8x)...)
	body = append(body, chunk("ANIM", make([]byte, 6))...)
	body = append(body, chunk("ANMF", make([]byte, 16))...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestProcessRefuses(t *testing.T) {
	photo := mediatest.JPEG(mediatest.Photo(400, 300, 2), 80)
	corruptPNG := mediatest.PNG(mediatest.Photo(200, 150, 3))
	corruptPNG[len(corruptPNG)/2] ^= 0xff // the IDAT's checksum no longer holds
	gray := mediatest.JPEG(image.NewGray(image.Rect(0, 0, 2000, 100)), 80)
	for _, tt := range []struct {
		name        string
		data        []byte
		contentType string
		config      Config
		reason      string
	}{
		{name: "Empty", data: nil, reason: ReasonNotAnImage},
		{name: "TruncatedJPEG", data: fixture(t, "truncated.jpg"), contentType: "image/jpeg", reason: ReasonCorrupt},
		{name: "JPEGHeaderOnly", data: photo[:20], reason: ReasonCorrupt},
		{name: "CorruptPNG", data: corruptPNG, reason: ReasonCorrupt},
		{name: "HTMLServedAsJPEG", data: fixture(t, "error-page.html"), contentType: "image/jpeg", reason: ReasonNotAnImage},
		{name: "SVG", data: fixture(t, "drawing.svg"), contentType: "image/svg+xml", reason: ReasonSVG},
		{name: "SVGServedAsPNG", data: []byte("\ufeff  <svg xmlns='http://www.w3.org/2000/svg'/>"), contentType: "image/png", reason: ReasonSVG},
		{name: "JSONError", data: []byte(`{"error": "not found"}`), contentType: "image/jpeg", reason: ReasonNotAnImage},
		{name: "PDF", data: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), reason: ReasonNotAnImage},
		{name: "RandomBytes", data: []byte{0x00, 0x13, 0x37, 0xfe, 0x80, 0x81}, reason: ReasonNotAnImage},
		{name: "AVIF", data: []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), contentType: "image/avif", reason: ReasonUnsupported},
		{name: "TIFF", data: []byte("II*\x00\x08\x00\x00\x00"), reason: ReasonUnsupported},
		{name: "AnimatedWebP", data: animatedWebP(), contentType: "image/webp", reason: ReasonUnsupported},
		{name: "OnePixelGIF", data: fixture(t, "pixel.gif"), contentType: "image/gif", reason: ReasonTooSmall},
		{name: "Banner80High", data: mediatest.JPEG(mediatest.Photo(600, 80, 4), 80), reason: ReasonTooSmall},
		{name: "Strip", data: gray, reason: ReasonBadAspect},
		{name: "PNGHeader60000x60000", data: fixture(t, "huge-header.png"), contentType: "image/png", reason: ReasonTooLarge},
		{name: "JPEGHeader65000x65000", data: patchSOF(t, photo, 65000, 65000, false), reason: ReasonTooLarge},
		{name: "ProgressiveOverMemory", data: patchSOF(t, photo, 7000, 5700, true), reason: ReasonTooLarge},
		{name: "OverByteBudget", data: photo, config: Config{MaxBytes: 1000}, reason: ReasonTooLarge},
		{name: "GIF10000Frames", data: manyFrameGIF(10000), contentType: "image/gif", reason: ReasonTooManyFrames},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Processor{Config: tt.config}
			res, err := p.Process(context.Background(), tt.data, Options{ContentType: tt.contentType, Name: tt.name})
			if res != nil {
				t.Errorf("Process returned a result: %d variants", len(res.Variants))
			}
			var r *Refusal
			if !errors.As(err, &r) {
				t.Fatalf("err = %v, want a *Refusal", err)
			}
			if r.Reason != tt.reason {
				t.Errorf("reason = %q (%s), want %q", r.Reason, r.Message, tt.reason)
			}
			if r.Message == "" {
				t.Error("no message")
			}
			if got := herald.ErrorCode(err); got != herald.EINVALID {
				t.Errorf("herald.ErrorCode = %q, want %q", got, herald.EINVALID)
			}
			if tt.contentType != "" && !strings.Contains(r.Message, "served as "+tt.contentType) {
				t.Errorf("message %q does not name the declared type", r.Message)
			}
			t.Log(r.Message)
		})
	}
}

// decodeVariant decodes v as its ContentType says and checks its size.
func decodeVariant(tb testing.TB, v Variant) image.Image {
	tb.Helper()
	var m image.Image
	var err error
	switch v.ContentType {
	case "image/jpeg":
		m, err = jpeg.Decode(bytes.NewReader(v.Bytes))
	case "image/png":
		m, err = png.Decode(bytes.NewReader(v.Bytes))
	default:
		tb.Fatalf("variant content type %q", v.ContentType)
	}
	if err != nil {
		tb.Fatalf("decode %s variant: %v", v.ContentType, err)
	}
	if b := m.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		tb.Fatalf("variant says %d×%d, holds %d×%d", v.Width, v.Height, b.Dx(), b.Dy())
	}
	return m
}

type size struct{ w, h int }

func sizes(res *Result) (widths []size, card size) {
	for _, v := range res.Variants {
		if v.Card {
			card = size{v.Width, v.Height}
		} else {
			widths = append(widths, size{v.Width, v.Height})
		}
	}
	return widths, card
}

func TestProcess(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 700, 500))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 7)
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 640, 480))
	for i := range deep.Pix {
		deep.Pix[i] = 0xff
	}
	paletted := image.NewPaletted(image.Rect(0, 0, 300, 300), color.Palette{color.White, color.RGBA{0, 90, 0, 255}})
	for _, tt := range []struct {
		name         string
		data         []byte
		format       Format
		shown        size
		widths       []size
		card         size
		variantsType string
	}{
		{"JPEG", mediatest.JPEG(quadrants(1600, 1067, red, green, blue, white), 85), JPEG, size{1600, 1067},
			[]size{{320, 213}, {640, 427}, {1024, 683}}, size{1200, 630}, "image/jpeg"},
		{"LargerJPEG", mediatest.JPEG(quadrants(2400, 1800, red, green, blue, white), 85), JPEG, size{2400, 1800},
			[]size{{320, 240}, {640, 480}, {1024, 768}}, size{1200, 630}, "image/jpeg"},
		{"NarrowerThan640", mediatest.JPEG(mediatest.Photo(500, 400, 7), 85), JPEG, size{500, 400},
			[]size{{320, 256}, {500, 400}}, size{500, 263}, "image/jpeg"},
		{"NarrowerThan320", mediatest.JPEG(mediatest.Photo(150, 120, 8), 85), JPEG, size{150, 120},
			[]size{{150, 120}}, size{150, 79}, "image/jpeg"},
		{"Tall", mediatest.JPEG(quadrants(1000, 3000, red, green, blue, white), 85), JPEG, size{1000, 3000},
			[]size{{213, 640}, {427, 1280}, {683, 2048}}, size{1000, 525}, "image/jpeg"},
		{"GrayJPEG", mediatest.JPEG(gray, 85), JPEG, size{700, 500},
			[]size{{320, 229}, {640, 457}, {700, 500}}, size{700, 368}, "image/jpeg"},
		{"OpaquePNG", mediatest.PNG(mediatest.Photo(400, 300, 10)), PNG, size{400, 300},
			[]size{{320, 240}, {400, 300}}, size{400, 210}, "image/jpeg"},
		{"SixteenBitPNG", mediatest.PNG(deep), PNG, size{640, 480},
			[]size{{320, 240}, {640, 480}}, size{640, 336}, "image/jpeg"},
		{"PalettedPNG", mediatest.PNG(paletted), PNG, size{300, 300},
			[]size{{300, 300}}, size{300, 158}, "image/jpeg"},
		{"TransparentPNG", fixture(t, "transparent.png"), PNG, size{200, 150},
			[]size{{200, 150}}, size{200, 105}, "image/png"},
		{"AnimatedGIF", fixture(t, "animated.gif"), GIF, size{160, 120},
			[]size{{160, 120}}, size{160, 84}, "image/jpeg"},
		{"WebP", fixture(t, "blue-purple-pink.lossy.webp"), WebP, size{150, 100},
			[]size{{150, 100}}, size{150, 79}, "image/jpeg"},
		{"WebPWithAlpha", fixture(t, "yellow_rose.lossy-with-alpha.webp"), WebP, size{400, 301},
			[]size{{320, 241}, {400, 301}}, size{400, 210}, "image/png"},
		{"ProgressiveJPEG", fixture(t, "progressive.jpg"), JPEG, size{300, 200},
			[]size{{300, 200}}, size{300, 158}, "image/jpeg"},
		{"EXIFOrientation6", fixture(t, "exif6-gps.jpg"), JPEG, size{200, 300},
			[]size{{200, 300}}, size{200, 105}, "image/jpeg"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := mustProcess(t, tt.data)
			sum := sha256.Sum256(tt.data)
			if res.Hash != hex.EncodeToString(sum[:]) {
				t.Errorf("Hash = %s, want the SHA-256 of the original", res.Hash)
			}
			if res.Format != tt.format || res.Width != tt.shown.w || res.Height != tt.shown.h {
				t.Errorf("got %s %d×%d, want %s %d×%d", res.Format, res.Width, res.Height, tt.format, tt.shown.w, tt.shown.h)
			}
			widths, card := sizes(res)
			if !slices.Equal(widths, tt.widths) || card != tt.card {
				t.Errorf("variants %v, card %v; want %v, card %v", widths, card, tt.widths, tt.card)
			}
			for _, v := range res.Variants {
				decodeVariant(t, v)
				want := tt.variantsType
				if v.Card {
					want = "image/jpeg"
				}
				if v.ContentType != want {
					t.Errorf("%d×%d variant (card %v) is %s, want %s", v.Width, v.Height, v.Card, v.ContentType, want)
				}
			}
		})
	}
}

// TestDecodeCost checks the header's estimate of what each decoder
// allocates against the layout the header gives.
func TestDecodeCost(t *testing.T) {
	const w, h = 300, 200
	const px = w * h
	for _, tt := range []struct {
		name     string
		data     []byte
		min, max int64 // bounds, in bytes a pixel times px
	}{
		{"BaselineJPEG420", fixture(t, "truncated.jpg"), 15 * px / 10, 16 * px / 10}, // Y and quarter-size Cb, Cr (in whole MCUs)
		{"ProgressiveJPEG420", fixture(t, "progressive.jpg"), 75 * px / 10, 8 * px},  // and 4 bytes a sample of coefficients
		{"GrayJPEG", mediatest.JPEG(image.NewGray(image.Rect(0, 0, w, h)), 80), px, 11 * px / 10},
		{"RGBAPNG", mediatest.PNG(transparent(w, h)), 4 * px, 41 * px / 10},
		{"GIF", encodeGIF(w, h, 1), 5 * px, 5 * px},
	} {
		info, err := Probe(tt.data)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c := info.decodeBytes; c < tt.min || c > tt.max {
			t.Errorf("%s: decode cost %d (%.2f bytes a pixel), want %d to %d", tt.name, c, float64(c)/px, tt.min, tt.max)
		}
	}
}

func TestProcessGIFFirstFrame(t *testing.T) {
	res := mustProcess(t, fixture(t, "animated.gif"))
	m := decodeVariant(t, res.Variants[0])
	r, g, b, _ := m.At(80, 60).RGBA()
	if r>>8 < 200 || g>>8 > 60 || b>>8 > 60 {
		t.Errorf("centre of the first frame is %d,%d,%d, want red", r>>8, g>>8, b>>8)
	}
}

func TestProcessTransparency(t *testing.T) {
	res := mustProcess(t, fixture(t, "transparent.png"))
	for _, v := range res.Variants {
		m := decodeVariant(t, v)
		_, _, _, corner := m.At(2, m.Bounds().Dy()-3).RGBA()
		_, _, _, centre := m.At(m.Bounds().Dx()/2, m.Bounds().Dy()/2).RGBA()
		switch {
		case v.Card && corner != 0xffff:
			t.Errorf("card: corner alpha %#x, want opaque (drawn over white)", corner)
		case v.Card:
			if r, g, b, _ := m.At(2, m.Bounds().Dy()-3).RGBA(); r>>8 < 250 || g>>8 < 250 || b>>8 < 250 {
				t.Errorf("card: transparent corner became %d,%d,%d, want white", r>>8, g>>8, b>>8)
			}
		case corner != 0 || centre != 0xffff:
			t.Errorf("%d×%d: alpha %#x at a transparent corner, %#x at the opaque centre", v.Width, v.Height, corner, centre)
		}
	}
}

// quadrants returns a w×h picture of four solid quadrants.
func quadrants(w, h int, tl, tr, bl, br color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := tl
			switch {
			case x >= w/2 && y < h/2:
				c = tr
			case x < w/2 && y >= h/2:
				c = bl
			case x >= w/2 && y >= h/2:
				c = br
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

var (
	red   = color.RGBA{220, 20, 20, 255}
	green = color.RGBA{20, 200, 20, 255}
	blue  = color.RGBA{20, 20, 220, 255}
	white = color.RGBA{240, 240, 240, 255}
)

// storedQuadrants says, for each EXIF orientation, how a camera stores a
// picture shown as red, green / blue, white (top-left, top-right,
// bottom-left, bottom-right), worked out by hand from what each
// orientation means, not from storedPoint.
var storedQuadrants = map[int][4]color.RGBA{
	1: {red, green, blue, white},
	2: {green, red, white, blue}, // mirrored
	3: {white, blue, green, red}, // turned half round
	4: {blue, white, red, green}, // flipped
	5: {red, blue, green, white}, // transposed: the main diagonal stays
	6: {green, white, red, blue}, // stored a quarter turn anticlockwise
	7: {white, green, blue, red}, // transversed: the other diagonal stays
	8: {blue, red, white, green}, // stored a quarter turn clockwise
}

func checkQuadrants(t *testing.T, m image.Image) {
	t.Helper()
	b := m.Bounds()
	want := [4]color.RGBA{red, green, blue, white}
	at := [4]image.Point{{b.Dx() / 4, b.Dy() / 4}, {3 * b.Dx() / 4, b.Dy() / 4}, {b.Dx() / 4, 3 * b.Dy() / 4}, {3 * b.Dx() / 4, 3 * b.Dy() / 4}}
	for i, p := range at {
		r, g, bl, _ := m.At(b.Min.X+p.X, b.Min.Y+p.Y).RGBA()
		w := want[i]
		if absDiff(r>>8, uint32(w.R)) > 24 || absDiff(g>>8, uint32(w.G)) > 24 || absDiff(bl>>8, uint32(w.B)) > 24 {
			t.Errorf("quadrant %d is %d,%d,%d, want %d,%d,%d", i, r>>8, g>>8, bl>>8, w.R, w.G, w.B)
		}
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestOrientation(t *testing.T) {
	const W, H = 400, 300 // as shown
	for o := 1; o <= 8; o++ {
		q := storedQuadrants[o]
		w, h := W, H
		if o >= 5 {
			w, h = H, W
		}
		stored := quadrants(w, h, q[0], q[1], q[2], q[3])
		t.Run("orient/"+string(rune('0'+o)), func(t *testing.T) {
			m := orient(stored, o)
			if b := m.Bounds(); b.Dx() != W || b.Dy() != H {
				t.Fatalf("oriented to %v, want %d×%d", b, W, H)
			}
			checkQuadrants(t, m)
		})
		t.Run("Process/"+string(rune('0'+o)), func(t *testing.T) {
			data := mediatest.WithMetadata(mediatest.JPEG(stored, 95), o)
			info, err := Probe(data)
			if err != nil || info.Orientation != o {
				t.Fatalf("Probe: orientation %d, %v; want %d", info.Orientation, err, o)
			}
			res := mustProcess(t, data)
			if res.Width != W || res.Height != H {
				t.Errorf("shown size %d×%d, want %d×%d", res.Width, res.Height, W, H)
			}
			for _, v := range res.Variants {
				if v.Card {
					continue // cut from the middle: its quadrants are not a quarter each
				}
				checkQuadrants(t, decodeVariant(t, v))
			}
		})
	}
}

// TestProcessLarge checks the box filter's path: a 12-megapixel picture
// is reduced by 2 before Catmull-Rom, and its crops must still land on
// the right pixels, turned or not.
func TestProcessLarge(t *testing.T) {
	const W, H = 4800, 2600
	for _, o := range []int{1, 6} {
		q := storedQuadrants[o]
		w, h := shownSize(W, H, o)
		data := mediatest.WithMetadata(mediatest.JPEG(quadrants(w, h, q[0], q[1], q[2], q[3]), 90), o)
		info, err := Probe(data)
		if err != nil {
			t.Fatal(err)
		}
		if k := (Config{}).withDefaults().plan(info).k; k != 2 {
			t.Errorf("orientation %d: box factor %d, want 2", o, k)
		}
		res := mustProcess(t, data)
		widths, card := sizes(res)
		if want := []size{{320, 173}, {640, 347}, {1024, 555}}; !slices.Equal(widths, want) || card != (size{1200, 630}) {
			t.Errorf("orientation %d: variants %v, card %v", o, widths, card)
		}
		for _, v := range res.Variants {
			checkQuadrants(t, decodeVariant(t, v))
		}
	}
}

func TestStoredRect(t *testing.T) {
	// The card's crop, the middle third of a 300×200 shown picture,
	// stored under every orientation: the stored pixels inside must be
	// the ones shown inside.
	const W, H = 300, 200
	r := image.Rect(100, 50, 200, 150)
	for o := 1; o <= 8; o++ {
		sw, sh := shownSize(W, H, o)
		sr := storedRect(r, sw, sh, o)
		n := 0
		for y := 0; y < H; y++ {
			for x := 0; x < W; x++ {
				sx, sy := storedPoint(x, y, sw, sh, o)
				if image.Pt(x, y).In(r) != image.Pt(sx, sy).In(sr) {
					n++
				}
			}
		}
		if n > 0 {
			t.Errorf("orientation %d: stored rect %v disagrees with storedPoint at %d pixels", o, sr, n)
		}
	}
}

func TestExifOrientation(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		for o := 0; o <= 9; o++ {
			want := o
			if o == 0 || o == 9 {
				want = 1 // absent or out of range
			}
			tiff := mediatest.ExifTIFF(o, bo)
			if got := exifOrientation(tiff); got != want {
				t.Errorf("%v, orientation %d: got %d, want %d", bo, o, got, want)
			}
			for n := range tiff { // every truncation reads as 1 or the value, never past the end
				if got := exifOrientation(tiff[:n]); got != 1 && got != want {
					t.Errorf("%v, orientation %d, cut at %d: got %d", bo, o, n, got)
				}
			}
		}
	}
}

// segments returns the markers of a JPEG's segments before its scan.
func segments(tb testing.TB, j []byte) []byte {
	tb.Helper()
	var markers []byte
	for i := 2; i+4 <= len(j) && j[i] == 0xff; {
		m := j[i+1]
		markers = append(markers, m)
		if m == 0xda {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(j[i+2:]))
	}
	return markers
}

func TestMetadataStripped(t *testing.T) {
	data := fixture(t, "exif6-gps.jpg")
	for _, s := range []string{mediatest.Secret, "Exif", "HeraldCam"} {
		if !bytes.Contains(data, []byte(s)) {
			t.Fatalf("the fixture lacks %q", s)
		}
	}
	pngData := transparentWithText(t)
	for _, data := range [][]byte{data, pngData} {
		res := mustProcess(t, data)
		for _, v := range res.Variants {
			for _, s := range []string{mediatest.Secret, "Exif", "HeraldCam", "ns.adobe.com", "GPS"} {
				if bytes.Contains(v.Bytes, []byte(s)) {
					t.Errorf("%d×%d %s variant holds %q", v.Width, v.Height, v.ContentType, s)
				}
			}
			switch v.ContentType {
			case "image/jpeg":
				for _, m := range segments(t, v.Bytes) {
					if m >= 0xe0 && m <= 0xef || m == 0xfe {
						t.Errorf("%d×%d JPEG variant has an APP or COM segment (%#x)", v.Width, v.Height, m)
					}
				}
			case "image/png":
				for i := 8; i+8 <= len(v.Bytes); {
					n := int(binary.BigEndian.Uint32(v.Bytes[i:]))
					if typ := string(v.Bytes[i+4 : i+8]); typ != "IHDR" && typ != "IDAT" && typ != "IEND" && typ != "PLTE" && typ != "tRNS" {
						t.Errorf("%d×%d PNG variant has a %s chunk", v.Width, v.Height, typ)
					}
					i += 12 + n
				}
			}
		}
	}
}

// transparentWithText returns transparent.png with a tEXt chunk holding
// the secret position, before its IDAT.
func transparentWithText(tb testing.TB) []byte {
	data := fixture(tb, "transparent.png")
	i := bytes.Index(data, []byte("IDAT")) - 4
	text := append([]byte("tEXt"), []byte("GPSPosition\x00"+mediatest.Secret)...)
	var chunk []byte
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(text)-4))
	chunk = append(chunk, text...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(text))
	return append(append(bytes.Clone(data[:i]), chunk...), data[i:]...)
}

func TestPlanNeverEnlarges(t *testing.T) {
	c := Config{}.withDefaults()
	for _, w := range []int{100, 150, 320, 321, 500, 640, 700, 1024, 1100, 1200, 1900, 4000, 7746} {
		for _, h := range []int{100, 240, 630, 631, 1000, 2100, 5164} {
			if max(w, h) > 16*min(w, h) {
				continue
			}
			for _, o := range []int{1, 6} {
				info := Info{Format: JPEG, Width: w, Height: h, Orientation: o, Frames: 1}
				pl := c.plan(info)
				outs := append(append([]output{}, pl.rest...), pl.first)
				for i, out := range outs {
					if out.w > w || out.h > h || out.w < 1 || out.h < 1 {
						t.Errorf("%d×%d: variant %d×%d", w, h, out.w, out.h)
					}
					if i > 0 && out.w <= outs[i-1].w {
						t.Errorf("%d×%d: widths not increasing: %v", w, h, outs)
					}
					if out.h > maxTall*c.Widths[len(c.Widths)-1] {
						t.Errorf("%d×%d: variant %d×%d is too tall", w, h, out.w, out.h)
					}
				}
				if card := pl.card; card.w > 1200 || card.h > 630 || card.w > w || card.h > h || !card.crop.In(image.Rect(0, 0, w, h)) {
					t.Errorf("%d×%d: card %d×%d from %v", w, h, card.w, card.h, card.crop)
				}
				if pl.memory < pl.info.decodeBytes {
					t.Errorf("%d×%d: memory %d", w, h, pl.memory)
				}
			}
		}
	}
}

func TestContentTypeMismatch(t *testing.T) {
	pngData := mediatest.PNG(mediatest.Photo(200, 150, 11))
	jpegData := mediatest.JPEG(mediatest.Photo(200, 150, 11), 80)
	for _, tt := range []struct {
		data              []byte
		contentType, want string
	}{
		{pngData, "image/jpeg", "image/jpeg"},
		{pngData, "image/png", ""},
		{pngData, "", ""},
		{pngData, "application/octet-stream", ""},
		{jpegData, "image/jpg", ""},
		{jpegData, "IMAGE/JPEG; charset=binary", ""},
		{jpegData, "text/html; charset=utf-8", "text/html; charset=utf-8"},
		{jpegData, "image/webp", "image/webp"},
	} {
		res, err := process(t, tt.data, Options{ContentType: tt.contentType})
		if err != nil {
			t.Fatalf("%q: %v", tt.contentType, err)
		}
		if res.DeclaredType != tt.want {
			t.Errorf("%s served as %q: DeclaredType %q, want %q", res.Format, tt.contentType, res.DeclaredType, tt.want)
		}
	}
}

func TestProcessCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var p Processor
	_, err := p.Process(ctx, mediatest.JPEG(mediatest.Photo(300, 200, 12), 80), Options{})
	if !errors.Is(err, context.Canceled) || ReasonOf(err) != "" {
		t.Errorf("err = %v, want context.Canceled and no refusal", err)
	}
}

func TestMetricsAndLog(t *testing.T) {
	reg := prometheus.NewRegistry()
	var logs bytes.Buffer
	lim := NewLimiter(1 << 30)
	p := Processor{
		Limiter: lim,
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
		Metrics: NewMetrics(reg, lim),
	}
	ctx := context.Background()
	if _, err := p.Process(ctx, fixture(t, "huge-header.png"), Options{Name: "https://news.example/bomb.png"}); ReasonOf(err) != ReasonTooLarge {
		t.Fatalf("err = %v", err)
	}
	if _, err := p.Process(ctx, fixture(t, "pixel.gif"), Options{Name: "https://news.example/pixel.gif"}); ReasonOf(err) != ReasonTooSmall {
		t.Fatalf("err = %v", err)
	}
	if _, err := p.Process(ctx, mediatest.PNG(mediatest.Photo(300, 200, 13)), Options{ContentType: "image/jpeg", Name: "https://news.example/a.jpg"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, label string
		want        float64
	}{
		{"herald_media_refused_total", "too-large", 1},
		{"herald_media_refused_total", "too-small", 1},
		{"herald_media_processed_total", "png", 1},
		{"herald_media_content_type_mismatches_total", "", 1},
	} {
		if got := gathered(t, reg, c.name, c.label); got != c.want {
			t.Errorf("%s{%s} = %v, want %v", c.name, c.label, got, c.want)
		}
	}
	if lim.InUse() != 0 {
		t.Errorf("limiter holds %d bytes after the work", lim.InUse())
	}
	out := logs.String()
	for _, want := range []string{"reason=too-large", "bomb.png", "megapixels", "declared=image/jpeg"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "pixel.gif") {
		t.Errorf("a tracking pixel was logged at info level:\n%s", out)
	}
}

// gathered returns the value of the counter name in reg whose one label
// is label ("" for a counter without labels).
func gathered(tb testing.TB, reg *prometheus.Registry, name, label string) float64 {
	tb.Helper()
	families, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if l := m.GetLabel(); (len(l) == 0 && label == "") || (len(l) == 1 && l[0].GetValue() == label) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
