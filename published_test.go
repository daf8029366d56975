package herald_test

import (
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

func TestPublishedRule(t *testing.T) {
	now := time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC)
	date := func(s string) time.Time {
		t.Helper()
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name, in string
		refused  string // CheckPublished's message, "" when accepted
		want     string // ClampPublished's result when accepted
		note     string // part of its note, "" for none
	}{
		{"ZeroTime", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z is before 1900", "", ""},
		{"DayBefore1900", "1899-12-31T23:59:59Z", "1899-12-31T23:59:59Z is before 1900", "", ""},
		{"OffsetMakes1900", "1899-12-31T23:00:00-05:00", "", "1900-01-01T04:00:00Z", ""},
		{"First1900", "1900-01-01T00:00:00Z", "", "1900-01-01T00:00:00Z", ""},
		{"Ordinary", "2026-03-01T10:00:00+01:00", "", "2026-03-01T09:00:00Z", ""},
		{"ADayAhead", "2026-03-11T18:00:00Z", "", "2026-03-11T18:00:00Z", ""},
		{"TwoDaysAhead", "2026-03-12T18:00:00Z", "", "2026-03-10T18:00:00Z",
			"2026-03-12T18:00:00Z is more than a day ahead; taken as now (2026-03-10T18:00:00Z)"},
		{"Year9999", "9999-12-31T23:59:59Z", "", "2026-03-10T18:00:00Z", "9999-12-31T23:59:59Z is more than a day ahead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := date(tt.in)
			err := herald.CheckPublished(in)
			if tt.refused != "" {
				if herald.ErrorCode(err) != herald.EINVALID || herald.ErrorMessage(err) != tt.refused {
					t.Errorf("CheckPublished = %v, want EINVALID %q", err, tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatalf("CheckPublished = %v, want nil", err)
			}
			got, note := herald.ClampPublished(in, now)
			if !got.Equal(date(tt.want)) || got.Location() != time.UTC {
				t.Errorf("ClampPublished = %v, want %s in UTC", got, tt.want)
			}
			if (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) {
				t.Errorf("note = %q, want %q", note, tt.note)
			}
		})
	}
}

// TestValidateKeepsDatesStorable checks the store's last line of defence:
// SQLite keeps nanoseconds, which wrap round past 2262.
func TestValidateKeepsDatesStorable(t *testing.T) {
	for _, tt := range []struct {
		date time.Time
		want string
	}{
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), "published_at 9999-12-31T23:59:59Z is after 2262-04-11"},
		{time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC), "published_at 1850-01-01T00:00:00Z is before 1900"},
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ""},
	} {
		a := &herald.Article{OriginalURL: "https://a.example/1", Title: "T", Text: "x", PublishedAt: tt.date,
			Licence: herald.LicenceFull, Source: &herald.Source{Name: "A"}}
		err := a.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%v: Validate = %v, want nil", tt.date, err)
			}
			continue
		}
		if herald.ErrorCode(err) != herald.EINVALID || !strings.HasPrefix(herald.ErrorMessage(err), tt.want) {
			t.Errorf("%v: Validate = %v, want EINVALID %q", tt.date, err, tt.want)
		}
	}
}
