package postgres

import "testing"

func TestAlignedBlock(t *testing.T) {
	const k = blockSize
	for _, tt := range []struct {
		top, bottom, span, want int64
	}{
		{k, 0, k, k},
		{8 * k, 0, 1 << 30, 8 * k},
		{9 * k, 0, 1 << 30, k},               // 9 blocks end in no larger aligned block
		{16 * k, 0, 4 * k, k},                // the span bounds it
		{16 * k, 12 * k, 1 << 30, k},         // the bottom bounds it
		{64 * k, 0, 1 << 30, 64 * k},         // 65,536 ids
		{1024 * k, 0, 1 << 30, 512 * k},      // the largest size
		{1024 * k, 600 * k, 1 << 30, 64 * k}, // 512 blocks would pass the bottom
		{1000 * k, 0, 100 * k, 8 * k},        // 1000 = 8·125
	} {
		if got := alignedBlock(tt.top, tt.bottom, tt.span); got != tt.want {
			t.Errorf("alignedBlock(%d, %d, %d) = %d, want %d", tt.top/k, tt.bottom/k, tt.span/k, got/k, tt.want/k)
		}
	}
}
