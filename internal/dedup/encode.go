package dedup

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// encodingVersion is the first byte of an encoded fingerprint. It names the
// normalisation, shingling and hashing that made the fingerprint as well as
// the layout: fingerprints of another version cannot be compared with these
// and must be recomputed from the text.
const encodingVersion = 1

// ErrVersion is returned by Decode for a fingerprint of another version.
var ErrVersion = errors.New("fingerprint of another version")

// Encode returns f as bytes for storage: the version byte, Hash (8 bytes,
// little-endian), Words and the number of MinHash values (uvarints), then
// the MinHash values (4 bytes each, little-endian): 4+K·4 = 516 bytes or so.
func (f Fingerprint) Encode() []byte {
	b := make([]byte, 0, 1+8+2*binary.MaxVarintLen64+4*len(f.MinHash))
	b = append(b, encodingVersion)
	b = binary.LittleEndian.AppendUint64(b, f.Hash)
	b = binary.AppendUvarint(b, uint64(max(f.Words, 0)))
	b = binary.AppendUvarint(b, uint64(len(f.MinHash)))
	for _, v := range f.MinHash {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// Decode returns the fingerprint that Encode wrote to b. It returns an error
// wrapping ErrVersion for another version, and an error for bytes that are
// not a whole fingerprint.
func Decode(b []byte) (Fingerprint, error) {
	var f Fingerprint
	if len(b) == 0 {
		return Fingerprint{}, errors.New("dedup: decode: empty fingerprint")
	}
	if b[0] != encodingVersion {
		return Fingerprint{}, fmt.Errorf("dedup: decode: version %d, want %d: %w", b[0], encodingVersion, ErrVersion)
	}
	b = b[1:]
	if len(b) < 8 {
		return Fingerprint{}, errors.New("dedup: decode: truncated hash")
	}
	f.Hash = binary.LittleEndian.Uint64(b)
	b = b[8:]
	words, n := binary.Uvarint(b)
	if n <= 0 || words > 1<<40 {
		return Fingerprint{}, errors.New("dedup: decode: bad word count")
	}
	b = b[n:]
	k, n := binary.Uvarint(b)
	if n <= 0 || k > uint64(len(b[n:]))/4 {
		return Fingerprint{}, errors.New("dedup: decode: bad MinHash size")
	}
	b = b[n:]
	if uint64(len(b)) != 4*k {
		return Fingerprint{}, errors.New("dedup: decode: trailing bytes")
	}
	f.Words = int(words)
	if k > 0 {
		f.MinHash = make([]uint32, k)
		for i := range f.MinHash {
			f.MinHash[i] = binary.LittleEndian.Uint32(b[4*i:])
		}
	}
	return f, nil
}
