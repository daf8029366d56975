package media

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	l := NewLimiter(100)
	release, err := l.Acquire(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(short, 60); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second 60 of 100 got %v, want to wait until the deadline", err)
	}
	got := make(chan func())
	go func() {
		r, err := l.Acquire(ctx, 1000) // more than the size: waits for an empty limiter
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	select {
	case <-got:
		t.Fatal("an oversized image started beside another")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	release() // twice is harmless
	r := <-got
	if l.InUse() != 100 {
		t.Errorf("InUse = %d, want the whole size", l.InUse())
	}
	r()
	if l.InUse() != 0 {
		t.Errorf("InUse = %d after release", l.InUse())
	}
	var none *Limiter
	if r, err := none.Acquire(ctx, 1<<40); err != nil {
		t.Fatal(err)
	} else {
		r()
	}
}
