package media

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// Limiter bounds the memory that the images being processed hold at
// once: each image waits until its estimate (Config.Memory) fits in what
// the others have left of the Limiter's size, so a burst of pictures
// queues instead of exhausting memory, while small ones still run side
// by side. An image estimated at more than the whole size runs alone. A
// nil *Limiter bounds nothing. A Limiter is shared by every Processor of
// a process.
type Limiter struct {
	sem   *semaphore.Weighted
	size  int64
	inUse atomic.Int64
}

// NewLimiter returns a Limiter admitting images while their estimates
// add up to at most size bytes. Keep size at or above Config.MaxMemory,
// or the largest images allowed will each run alone.
func NewLimiter(size int64) *Limiter {
	size = max(size, 1)
	return &Limiter{sem: semaphore.NewWeighted(size), size: size}
}

// Acquire waits until n bytes fit (or, for n over the size, until the
// Limiter is empty) and returns the function that gives them back, which
// may be called more than once. It returns ctx's error if ctx ends first.
func (l *Limiter) Acquire(ctx context.Context, n int64) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	n = min(max(n, 1), l.size)
	if err := l.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	l.inUse.Add(n)
	var once sync.Once
	return func() {
		once.Do(func() {
			l.inUse.Add(-n)
			l.sem.Release(n)
		})
	}, nil
}

// InUse returns the bytes held by images being processed now.
func (l *Limiter) InUse() int64 {
	if l == nil {
		return 0
	}
	return l.inUse.Load()
}
