// Package mediatest makes the pictures that the media package's tests and
// bench/media process: generated photographs that compress like real
// ones, and JPEGs carrying the metadata (EXIF orientation, a GPS
// position, XMP, a comment) that processing must apply or strip.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
)

// Secret is the position written into every kind of metadata WithMetadata
// adds, as text; no variant may contain it.
const Secret = "51.5007N 0.1246W HERALD-GPS"

// Photo returns a w×h picture that a JPEG encoder finds about as hard as
// a photograph: a diagonal gradient, soft-edged discs and bars of colour,
// and per-pixel noise. The same seed gives the same picture.
func Photo(w, h int, seed uint64) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	fillPhotoRows(m.Pix, m.Stride, w, h, 0, h, seed)
	return m
}

// PhotoYCbCr is Photo as a 4:2:0 YCbCr picture (what a JPEG decodes to),
// which takes 1.5 bytes a pixel to hold where Photo takes 4: bench/media
// makes its 40-megapixel originals with it.
func PhotoYCbCr(w, h int, seed uint64) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	// Fill one band of rows at a time through a small RGBA buffer.
	const band = 16
	buf := image.NewRGBA(image.Rect(0, 0, w, band))
	for y0 := 0; y0 < h; y0 += band {
		n := min(band, h-y0)
		fillPhotoRows(buf.Pix, buf.Stride, w, h, y0, n, seed)
		for y := 0; y < n; y++ {
			for x := 0; x < w; x++ {
				p := buf.Pix[y*buf.Stride+4*x:]
				yy, cb, cr := color.RGBToYCbCr(p[0], p[1], p[2])
				m.Y[m.YOffset(x, y0+y)] = yy
				if x%2 == 0 && (y0+y)%2 == 0 {
					ci := m.COffset(x, y0+y)
					m.Cb[ci], m.Cr[ci] = cb, cr
				}
			}
		}
	}
	return m
}

type disc struct {
	x, y, r float64
	c       [3]float64
}

func shapes(w, h int, seed uint64) []disc {
	rng := rand.New(rand.NewPCG(seed, 0x4e45))
	discs := make([]disc, 12)
	for i := range discs {
		discs[i] = disc{
			x: rng.Float64() * float64(w), y: rng.Float64() * float64(h),
			r: (0.05 + 0.2*rng.Float64()) * float64(min(w, h)),
			c: [3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255},
		}
	}
	return discs
}

// fillPhotoRows writes rows [y0, y0+n) of the picture into pix, row y0
// first.
func fillPhotoRows(pix []byte, stride, w, h, y0, n int, seed uint64) {
	discs := shapes(w, h, seed)
	noise := rand.New(rand.NewPCG(seed, uint64(y0)))
	// The gradient depends on x+y only.
	grad := make([][3]float64, w+h)
	for i := range grad {
		t := float64(i) / float64(w+h)
		grad[i] = [3]float64{40 + 170*t, 90 + 60*math.Sin(6*t), 200 - 150*t}
	}
	for y := y0; y < y0+n; y++ {
		row := pix[(y-y0)*stride:]
		for x := 0; x < w; x++ {
			c := grad[x+y]
			if (y/max(1, h/9))%3 == 1 && (x/max(1, w/13))%4 == 0 { // bars
				c = [3]float64{230, 220, 200}
			}
			for _, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if dd := dx*dx + dy*dy; dd < d.r*d.r {
					a := math.Min(1, (d.r-math.Sqrt(dd))/(0.08*d.r)) // soft edge
					for i := range c {
						c[i] = c[i]*(1-a) + d.c[i]*a
					}
				}
			}
			r := noise.Uint64() // three noise values of -8..8 from one draw
			for i := range c {
				v := c[i] + float64(int(r>>(16*i)&0xffff)%17) - 8
				row[4*x+i] = uint8(math.Max(0, math.Min(255, v)))
			}
			row[4*x+3] = 255
		}
	}
}

// JPEG encodes m at quality q.
func JPEG(m image.Image, q int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		panic(err) // encoding into memory fails only for an image Go cannot encode
	}
	return b.Bytes()
}

// PNG encodes m as PNG.
func PNG(m image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		panic(err) // encoding into memory fails only for an image Go cannot encode
	}
	return b.Bytes()
}

// WithMetadata returns the JPEG j with metadata segments spliced in after
// its start-of-image marker: an APP1 Exif segment whose first IFD holds
// the Orientation tag (when orientation is not 0), a camera make and a
// GPS IFD with a position, an APP1 XMP packet and a comment, each
// holding Secret as text.
func WithMetadata(j []byte, orientation int) []byte {
	var out bytes.Buffer
	out.Write(j[:2])
	writeSegment(&out, 0xe1, append([]byte("Exif\x00\x00"), ExifTIFF(orientation, binary.BigEndian)...))
	writeSegment(&out, 0xe1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><exif:GPSLatitude>"+Secret+"</exif:GPSLatitude></x:xmpmeta>"))
	writeSegment(&out, 0xfe, []byte("taken at "+Secret))
	out.Write(j[2:])
	return out.Bytes()
}

func writeSegment(b *bytes.Buffer, marker byte, data []byte) {
	b.Write([]byte{0xff, marker})
	_ = binary.Write(b, binary.BigEndian, uint16(len(data)+2)) // a bytes.Buffer does not fail
	b.Write(data)
}

// ExifTIFF returns the TIFF structure of an Exif segment in byte order
// bo: IFD0 with Make, Orientation (left out when orientation is 0) and
// a pointer to a GPS IFD holding latitude and longitude, as rationals,
// and Secret as a GPS processing method.
func ExifTIFF(orientation int, bo binary.ByteOrder) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // 4 bytes inline, or more stored after the IFDs
	}
	u16 := func(v uint16) []byte { b := make([]byte, 2); bo.PutUint16(b, v); return b }
	u32 := func(v uint32) []byte { b := make([]byte, 4); bo.PutUint32(b, v); return b }
	rationals := func(vs ...uint32) []byte {
		var b []byte
		for _, v := range vs {
			b = append(b, u32(v)...)
			b = append(b, u32(1)...)
		}
		return b
	}
	ifd0 := []entry{{0x010f, 2, 10, []byte("HeraldCam\x00")}}
	if orientation != 0 {
		ifd0 = append(ifd0, entry{0x0112, 3, 1, append(u16(uint16(orientation)), 0, 0)})
	}
	ifd0 = append(ifd0, entry{0x8825, 4, 1, nil}) // GPS IFD offset, filled below
	gps := []entry{
		{0x0001, 2, 2, []byte("N\x00\x00\x00")},
		{0x0002, 5, 3, rationals(51, 30, 2)},
		{0x0003, 2, 2, []byte("W\x00\x00\x00")},
		{0x0004, 5, 3, rationals(0, 7, 28)},
		{0x001b, 7, uint32(len(Secret)), []byte(Secret)},
	}
	size := func(ifd []entry) int { return 2 + 12*len(ifd) + 4 }
	ifd0At := 8
	gpsAt := ifd0At + size(ifd0)
	dataAt := gpsAt + size(gps)
	var data []byte
	var out []byte
	write := func(ifd []entry) {
		out = append(out, u16(uint16(len(ifd)))...)
		for _, e := range ifd {
			out = append(out, u16(e.tag)...)
			out = append(out, u16(e.typ)...)
			out = append(out, u32(e.count)...)
			switch {
			case e.tag == 0x8825:
				out = append(out, u32(uint32(gpsAt))...)
			case len(e.value) <= 4:
				out = append(out, append(e.value, make([]byte, 4-len(e.value))...)...)
			default:
				out = append(out, u32(uint32(dataAt+len(data)))...)
				data = append(data, e.value...)
			}
		}
		out = append(out, u32(0)...) // no next IFD
	}
	if bo == binary.LittleEndian {
		out = append(out, "II"...)
	} else {
		out = append(out, "MM"...)
	}
	out = append(out, u16(42)...)
	out = append(out, u32(uint32(ifd0At))...)
	write(ifd0)
	write(gps)
	return append(out, data...)
}
