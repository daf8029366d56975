package ingest

import (
	"context"
	"testing"
	"time"
)

// TestFinishing: the article being stored outlives the follower's stop by
// the grace given, and no more.
func TestFinishing(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	storing, cancel := finishing(ctx, 200*time.Millisecond)
	defer cancel()
	stop()
	time.Sleep(50 * time.Millisecond)
	if storing.Err() != nil {
		t.Fatal("the store's context ended with the follower's, without grace")
	}
	select {
	case <-storing.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("the store's context outlived its grace")
	}

	// Finished in time, it is released at once.
	storing, cancel = finishing(context.Background(), time.Hour)
	cancel()
	if storing.Err() == nil {
		t.Error("cancel did not end the store's context")
	}
}
