package web_test

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald/internal/web"
)

// TestDeskDashboardBackups shows on the dashboard what the scheduled
// backups last did: not scheduled, written, or failed and why.
func TestDeskDashboardBackups(t *testing.T) {
	at := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status *web.BackupStatus
		want   []string
	}{
		{"NotScheduled", nil, []string{"Not scheduled", "--backup-dir"}},
		{"Written", &web.BackupStatus{Every: 24 * time.Hour, Last: at, File: "/var/backups/herald-20261207T030000Z.db", Bytes: 12 << 20},
			[]string{"Last backup: 7 December 2026, 03:00 UTC, 12.0 MB", "herald-20261207T030000Z.db"}},
		{"Failed", &web.BackupStatus{Every: 24 * time.Hour, Last: at, Bytes: 1 << 20, Failed: "cannot write /b/x.db: the disk is full; nothing was written", FailedAt: at.Add(24 * time.Hour)},
			[]string{"The last backup failed:", "the disk is full", "8 December 2026", "Last backup: 7 December 2026"}},
		{"NoneYet", &web.BackupStatus{Every: time.Hour}, []string{"No backup written yet."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDeskSite(t)
			if tt.status != nil {
				status := *tt.status
				s.web.Backups = func() web.BackupStatus { return status }
			}
			_, page := s.signIn(t, "editor@site.example").get("/admin")
			page = html.UnescapeString(page)
			for _, want := range tt.want {
				if !strings.Contains(page, want) {
					t.Errorf("the dashboard does not say %q", want)
				}
			}
		})
	}
}
