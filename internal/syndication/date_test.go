package syndication

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	utc := func(y, mo, d, h, mi, s int) time.Time { return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC) }
	for _, tt := range []struct {
		in   string
		want time.Time // zero: not a date
	}{
		{"2024-03-05T10:14:55Z", utc(2024, 3, 5, 10, 14, 55)},
		{"2024-03-05T10:14:55.123+02:00", utc(2024, 3, 5, 8, 14, 55)},
		{"2024-03-05 10:14:55 -0500", utc(2024, 3, 5, 15, 14, 55)},
		{"2024-03-05 10:14", utc(2024, 3, 5, 10, 14, 0)},
		{"2024-03-05", utc(2024, 3, 5, 0, 0, 0)},
		{"2024-03", utc(2024, 3, 1, 0, 0, 0)},
		{"20240305T101455Z", utc(2024, 3, 5, 10, 14, 55)},
		{"Tue, 05 Mar 2024 10:14:55 GMT", utc(2024, 3, 5, 10, 14, 55)},
		{"Tue, 5 March 2024 10:14 EST", utc(2024, 3, 5, 15, 14, 0)},
		{"Tue,5 Mar 2024 10:14:55 +0100", utc(2024, 3, 5, 9, 14, 55)},
		{"Tue, 05 Mar, 2024 10:14:55 GMT+01:00", utc(2024, 3, 5, 9, 14, 55)},
		{"05 Mar 24 10:14:55 PT", utc(2024, 3, 5, 18, 14, 55)},
		{"Tue Mar  5 10:14:55 2024", utc(2024, 3, 5, 10, 14, 55)},
		{"Tue Mar 05 2024 10:14:55 GMT+0100 (Central European Standard Time)", utc(2024, 3, 5, 9, 14, 55)},
		{"March 5, 2024 at 3:04 pm IST", utc(2024, 3, 5, 9, 34, 0)},
		{"2024/03/05 10:14:55 CEST", utc(2024, 3, 5, 8, 14, 55)},
		{"05.03.2024 10:14", utc(2024, 3, 5, 10, 14, 0)},
		{"25/03/2024", utc(2024, 3, 25, 0, 0, 0)},
		{"5 mars 2024 10:14", utc(2024, 3, 5, 10, 14, 0)},
		{"Dienstag, 5. März 2024 10:14:55 MEZ", utc(2024, 3, 5, 9, 14, 55)},
		{"martes, 5 de marzo de 2024", time.Time{}}, // "de" is not understood
		{"03/04/2024", time.Time{}},                 // day or month first?
		{"", time.Time{}},
		{"yesterday", time.Time{}},
		{"2024-02-30", time.Time{}},
		{"2024-03-05T25:00:00Z", time.Time{}},
		{"2024-03-05T10:14:55+15:00", time.Time{}},
		{"Tue, 05 Mar 2024 10:14:55 XYZ", time.Time{}},
		{"Tue, 32 Mar 2024", time.Time{}},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDate(tt.in)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("parseDate(%q) is in %v, want UTC", tt.in, got.Location())
			}
		})
	}
}
