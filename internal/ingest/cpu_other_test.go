//go:build !unix

package ingest_test

import "time"

// topicsCPUTime is not measured here.
func topicsCPUTime() time.Duration { return 0 }
