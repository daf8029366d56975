package media

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/herald-news/herald/internal/media/mediatest"
)

// seeds adds every fixture in testdata, and small pictures of every
// format, to f's corpus.
func seeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	small := mediatest.Photo(120, 100, 1)
	f.Add(mediatest.WithMetadata(mediatest.JPEG(small, 50), 8))
	f.Add(mediatest.PNG(small))
	f.Add(encodeGIF(110, 100, 2))
	f.Add(pngWithHeader(100, 100))
	f.Add(animatedWebP())
}

// FuzzProbe checks that Probe never panics, refuses with a *Refusal, and
// reads sizes, orientations and frame counts in range, with a memory
// estimate that is positive.
func FuzzProbe(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Probe(data)
		if err != nil {
			var r *Refusal
			if !errors.As(err, &r) || r.Reason == "" || r.Message == "" {
				t.Fatalf("Probe error %v is not a refusal with a reason", err)
			}
			return
		}
		if info.Width <= 0 || info.Height <= 0 || info.Orientation < 1 || info.Orientation > 8 || info.Frames < 1 {
			t.Fatalf("Probe: %+v", info)
		}
		if err := (Config{}).Check(info); err == nil && (Config{}).Memory(info) <= 0 {
			t.Fatalf("memory estimate %d for %+v", (Config{}).Memory(info), info)
		}
	})
}

// FuzzProcess runs the whole of Process, the decoder entry point, on
// hostile bytes under a one-megapixel budget. It must never panic, must
// refuse with a *Refusal or make valid variants, and must never allocate
// much more than its budgets allow, whatever a header claims.
func FuzzProcess(f *testing.F) {
	seeds(f)
	p := Processor{Config: Config{MaxPixels: 1 << 20, MaxMemory: 64 << 20}}
	const allocBound = 256 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, err := p.Process(context.Background(), data, Options{})
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > allocBound {
			t.Fatalf("Process allocated %d MB", n>>20)
		}
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("Process error %v is not a refusal", err)
			}
			return
		}
		if len(res.Variants) < 2 || len(res.Hash) != 64 {
			t.Fatalf("Process: %d variants, hash %q", len(res.Variants), res.Hash)
		}
		for _, v := range res.Variants {
			if v.Width < 1 || v.Height < 1 || v.Width > res.Width || v.Height > res.Height || len(v.Bytes) == 0 {
				t.Fatalf("variant %d×%d (%d bytes) of a %d×%d original", v.Width, v.Height, len(v.Bytes), res.Width, res.Height)
			}
		}
	})
}

// FuzzParsers runs Herald's own readers of outside bytes, the EXIF
// orientation, the JPEG marker walk, the GIF frame count and the markup
// sniffing, on arbitrary bytes: none may panic or read out of bounds.
func FuzzParsers(f *testing.F) {
	f.Add(mediatest.ExifTIFF(6, binary.BigEndian))
	f.Add(mediatest.ExifTIFF(3, binary.LittleEndian))
	f.Add(mediatest.WithMetadata(mediatest.JPEG(mediatest.Photo(16, 16, 1), 50), 5))
	f.Add(encodeGIF(16, 16, 3))
	f.Add([]byte(svgDrawing))
	f.Add([]byte(errorPage))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		h := readJPEGHeader(data)
		if h.orientation < 1 || h.orientation > 8 {
			t.Fatalf("JPEG orientation %d", h.orientation)
		}
		if c := jpegDecodeCost(100, 100, h); c <= 0 {
			t.Fatalf("JPEG decode cost %d", c)
		}
		if n, err := gifFrames(data, 200, 200); n < 0 || (err != nil && ReasonOf(err) != ReasonCorrupt) {
			t.Fatalf("gifFrames: %d, %v", n, err)
		}
		if r := notDecoded(data); r.Reason == "" || r.Message == "" {
			t.Fatalf("notDecoded: %+v", r)
		}
	})
}
