package web

import (
	"fmt"
	"time"
)

// BackupStatus is what the desk's dashboard says of the backups herald
// serve writes on a schedule.
type BackupStatus struct {
	Every    time.Duration // how often; 0 when none are scheduled
	Last     time.Time     // when the last good backup was written; zero when none was
	File     string        // its path
	Bytes    int64
	Failed   string    // why the latest attempt failed; "" when it did not
	FailedAt time.Time // when it failed
}

// Size is the last backup's size, for people.
func (b BackupStatus) Size() string {
	return fmt.Sprintf("%.1f MB", float64(b.Bytes)/(1<<20))
}
