package media

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// Resizing runs in two steps, as libvips does: when an output is at least
// four times smaller than its source, the source is first shrunk by a
// whole factor k with a box filter (each pixel the mean of a k×k block),
// which reads every source pixel once and leaves a residual reduction of
// two to four; golang.org/x/image/draw's Catmull-Rom kernel then does the
// rest. The box step is there for memory as much as speed: draw's
// separable Scale keeps a float64 RGBA buffer of the destination's width
// times the source's height (32 bytes an entry), which for a 40-megapixel
// photograph scaled straight to 1024 pixels wide is 170 MB, and after a
// box shrink by 3 is 56 MB.

// shrinkFactor returns the box-filter factor for reducing a source
// region by f (its size over the output's, the smaller of the two axes):
// the largest whole k that leaves Catmull-Rom at least a factor of two.
func shrinkFactor(f float64) int {
	return max(1, int(f/2))
}

// shrink returns src reduced by k in both directions, each pixel the mean
// of a k×k block of source pixels in premultiplied RGBA (of fewer at the
// right and bottom edges when k does not divide the size).
func shrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	w, h := (b.Dx()+k-1)/k, (b.Dy()+k-1)/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	acc := make([]uint64, 4*w) // 16-bit sums for one output row
	row := rowReader(src)
	for oy := 0; oy < h; oy++ {
		clear(acc)
		y0 := b.Min.Y + oy*k
		y1 := min(y0+k, b.Max.Y)
		for y := y0; y < y1; y++ {
			row(y, k, acc)
		}
		rows := uint64(y1 - y0)
		d := dst.Pix[oy*dst.Stride:]
		for ox := 0; ox < w; ox++ {
			cols := uint64(min(k, b.Dx()-ox*k))
			n := rows * cols
			for c := 0; c < 4; c++ {
				d[4*ox+c] = uint8((acc[4*ox+c]/n*0xff + 0x7fff) / 0xffff)
			}
		}
	}
	return dst
}

// rowReader returns a function adding row y of src, in 16-bit
// premultiplied RGBA, into acc: the sum of source columns
// [minX+k*i, minX+k*i+k) goes to acc[4*i:4*i+4]. A decoded JPEG (YCbCr)
// is read from its planes directly; everything else through RGBA64At,
// which allocates nothing.
func rowReader(src image.Image) func(y, k int, acc []uint64) {
	b := src.Bounds()
	switch m := src.(type) {
	case *image.YCbCr:
		return func(y, k int, acc []uint64) {
			yi := m.YOffset(b.Min.X, y)
			for i, x := 0, b.Min.X; x < b.Max.X; i += 4 {
				var r, g, bl uint64
				n := min(k, b.Max.X-x)
				for end := x + n; x < end; x++ {
					ci := m.COffset(x, y)
					r8, g8, b8 := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
					r, g, bl = r+uint64(r8), g+uint64(g8), bl+uint64(b8)
					yi++
				}
				acc[i] += r * 0x101
				acc[i+1] += g * 0x101
				acc[i+2] += bl * 0x101
				acc[i+3] += uint64(n) * 0xffff
			}
		}
	case image.RGBA64Image:
		return func(y, k int, acc []uint64) {
			for i, x := 0, b.Min.X; x < b.Max.X; i += 4 {
				var r, g, bl, al uint64
				for end := min(x+k, b.Max.X); x < end; x++ {
					c := m.RGBA64At(x, y)
					r, g, bl, al = r+uint64(c.R), g+uint64(c.G), bl+uint64(c.B), al+uint64(c.A)
				}
				acc[i] += r
				acc[i+1] += g
				acc[i+2] += bl
				acc[i+3] += al
			}
		}
	default:
		return func(y, k int, acc []uint64) {
			for i, x := 0, b.Min.X; x < b.Max.X; i += 4 {
				var r, g, bl, al uint64
				for end := min(x+k, b.Max.X); x < end; x++ {
					cr, cg, cb, ca := src.At(x, y).RGBA()
					r, g, bl, al = r+uint64(cr), g+uint64(cg), bl+uint64(cb), al+uint64(ca)
				}
				acc[i] += r
				acc[i+1] += g
				acc[i+2] += bl
				acc[i+3] += al
			}
		}
	}
}

// scale returns the part sr of src resized to w×h with the Catmull-Rom
// kernel, or copied when it is that size already (a picture narrower than
// the widest width, a card cut from a picture 1200 pixels wide).
func scale(src image.Image, sr image.Rectangle, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if sr.Dx() == w && sr.Dy() == h {
		draw.Draw(dst, dst.Bounds(), src, sr.Min, draw.Src)
		return dst
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, sr, draw.Src, nil)
	return dst
}

// scaleTmpBytes is the size of the buffer draw's Catmull-Rom Scale
// allocates to resize a region sh pixels high to dw pixels wide.
func scaleTmpBytes(dw, sh int) int64 { return 32 * int64(dw) * int64(sh) }

// flatten returns m drawn over white: for outputs that must be opaque.
func flatten(m *image.RGBA) *image.RGBA {
	out := image.NewRGBA(m.Bounds())
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), m, m.Bounds().Min, draw.Over)
	return out
}
