package syndication

import (
	"strings"
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

// TestParseDateRule checks herald's rule for publication dates in every
// format: a date before 1900 is set aside, one more than a day ahead is
// taken as now, and a note on the item says which, naming the field.
func TestParseDateRule(t *testing.T) {
	rss := func(date string) string {
		return `<rss version="2.0"><channel><item><link>https://example.com/a</link>` + date + `</item></channel></rss>`
	}
	atom := func(dates string) string {
		return `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><link href="https://example.com/a"/>` + dates + `</entry></feed>`
	}
	const (
		zero   = "zero"
		now    = "now"
		kept   = "kept"
		absent = ""
	)
	tests := []struct {
		name, body         string
		published, updated string // zero, now (clamped), kept (as given), or absent
		notes              []string
	}{
		{"RSSPubDate9999", rss(`<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate>`), now, absent,
			[]string{"pubDate 9999-12-31T23:59:59Z is more than a day ahead; taken as now ("}},
		{"RSSPubDateZero", rss(`<pubDate>0001-01-01T00:00:00Z</pubDate>`), zero, absent,
			[]string{"pubDate 0001-01-01T00:00:00Z is before 1900; set aside", "no usable date; dated when first read"}},
		{"RSSPubDate1899", rss(`<pubDate>Sun, 31 Dec 1899 12:00:00 GMT</pubDate>`), zero, absent,
			[]string{"pubDate 1899-12-31T12:00:00Z is before 1900; set aside", "no usable date; dated when first read"}},
		{"RSSOrdinary", rss(`<pubDate>Tue, 10 Mar 2026 18:00:00 GMT</pubDate>`), kept, absent, nil},
		{"AtomUpdatedZero", atom(`<updated>0001-01-01T00:00:00Z</updated>`), zero, zero,
			[]string{"updated 0001-01-01T00:00:00Z is before 1900; set aside", "no usable date; dated when first read"}},
		{"AtomPublished9999UpdatedOld", atom(`<published>9999-12-31T00:00:00Z</published><updated>1850-01-01T00:00:00Z</updated>`), now, zero,
			[]string{"published 9999-12-31T00:00:00Z is more than a day ahead", "updated 1850-01-01T00:00:00Z is before 1900; set aside"}},
		{"JSONFeed", `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://example.com/a",` +
			`"date_published":"9999-12-31T23:59:59Z","date_modified":"0001-01-01T00:00:00Z"}]}`, now, zero,
			[]string{"date_published 9999-12-31T23:59:59Z is more than a day ahead", "date_modified 0001-01-01T00:00:00Z is before 1900"}},
		{"NewsSitemap", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">` +
			`<url><loc>https://example.com/a</loc><lastmod>0001-01-01</lastmod><news:news><news:publication><news:name>N</news:name>` +
			`<news:language>en</news:language></news:publication><news:publication_date>9999-12-31T23:59:59Z</news:publication_date>` +
			`<news:title>T</news:title></news:news></url></urlset>`, now, zero,
			[]string{"lastmod 0001-01-01T00:00:00Z is before 1900; set aside", "news:publication_date 9999-12-31T23:59:59Z is more than a day ahead"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			feed, err := Parse([]byte(tt.body), "https://example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			if len(feed.Items) != 1 {
				t.Fatalf("%d items, want 1", len(feed.Items))
			}
			it := feed.Items[0]
			for _, d := range []struct {
				name, want string
				got        time.Time
			}{{"Published", tt.published, it.Published}, {"Updated", tt.updated, it.Updated}} {
				switch d.want {
				case zero, absent:
					if !d.got.IsZero() {
						t.Errorf("%s = %v, want zero", d.name, d.got)
					}
				case now:
					if d.got.Before(before.Add(-time.Second)) || d.got.After(after) || d.got.Location() != time.UTC {
						t.Errorf("%s = %v, want now in UTC", d.name, d.got)
					}
				case kept:
					if d.got.Year() != 2026 {
						t.Errorf("%s = %v, want the date given", d.name, d.got)
					}
				}
			}
			if len(it.Notes) != len(tt.notes) {
				t.Fatalf("notes %q, want %q", it.Notes, tt.notes)
			}
			for i, want := range tt.notes {
				if !strings.HasPrefix(it.Notes[i], want) {
					t.Errorf("note %q, want %q", it.Notes[i], want)
				}
			}
		})
	}
}
