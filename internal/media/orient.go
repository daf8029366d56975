package media

import (
	"encoding/binary"
	"image"
)

// exifOrientation returns the Orientation tag (0x0112) of the first IFD of
// tiff, the TIFF structure that follows "Exif\0\0" in a JPEG's APP1
// segment, or 1 (as stored) when the tag is absent, malformed or out of
// range. Only IFD0 is read and no offset is followed but the one to it:
// every read is bounds-checked against tiff, and nothing is allocated.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(tiff[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(tiff[4:]))
	if off < 8 || off+2 > uint64(len(tiff)) {
		return 1
	}
	n := int(bo.Uint16(tiff[off:]))
	entries := tiff[off+2:]
	for i := 0; i < n && 12*i+12 <= len(entries); i++ {
		e := entries[12*i : 12*i+12]
		if bo.Uint16(e) != 0x0112 {
			continue
		}
		var v uint32
		switch typ, count := bo.Uint16(e[2:]), bo.Uint32(e[4:]); {
		case typ == 3 && count >= 1: // SHORT, as the standard says
			v = uint32(bo.Uint16(e[8:]))
		case typ == 4 && count == 1: // LONG, written by a few tools
			v = bo.Uint32(e[8:])
		default:
			return 1
		}
		if v < 1 || v > 8 {
			return 1
		}
		return int(v)
	}
	return 1
}

// swapsAxes reports whether EXIF orientation o turns the picture a
// quarter, so that its shown width is its stored height.
func swapsAxes(o int) bool { return o >= 5 && o <= 8 }

// shownSize returns the size a w×h stored picture is shown at under
// orientation o.
func shownSize(w, h, o int) (int, int) {
	if swapsAxes(o) {
		return h, w
	}
	return w, h
}

// storedPoint returns the stored pixel shown at (x, y) under orientation
// o, for a picture stored w×h. The eight cases are EXIF's: 2 mirrors, 3
// turns half round, 4 flips, 5 transposes, 6 is stored a quarter turn
// anticlockwise (shown turned clockwise), 7 transverses, 8 is stored a
// quarter turn clockwise.
func storedPoint(x, y, w, h, o int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	default:
		return x, y
	}
}

// storedRect returns the stored rectangle that shows as r under
// orientation o, for a picture stored w×h.
func storedRect(r image.Rectangle, w, h, o int) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	x0, y0 := storedPoint(r.Min.X, r.Min.Y, w, h, o)
	x1, y1 := storedPoint(r.Max.X-1, r.Max.Y-1, w, h, o)
	return image.Rect(min(x0, x1), min(y0, y1), max(x0, x1)+1, max(y0, y1)+1)
}

// orient returns m as it is shown under orientation o: m itself for 1 (or
// any value out of range), otherwise a new image. It runs on the resized
// outputs, never on a full-size original, so the copy is small.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return m
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	sw, sh := shownSize(w, h, o)
	out := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < sh; y++ {
		d := out.Pix[y*out.Stride:]
		for x := 0; x < sw; x++ {
			sx, sy := storedPoint(x, y, w, h, o)
			s := m.PixOffset(b.Min.X+sx, b.Min.Y+sy)
			copy(d[4*x:4*x+4], m.Pix[s:s+4])
		}
	}
	return out
}
