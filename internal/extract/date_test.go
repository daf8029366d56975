package extract

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string // want in RFC 3339, "" for no date
	}{
		{"2024-05-17T10:30:00+01:00", "2024-05-17T09:30:00Z"},
		{"2024-05-17T10:30:00.123456Z", "2024-05-17T10:30:00.123456Z"},
		{"2021-11-01T10:52:50+0100", "2021-11-01T09:52:50Z"},
		{"2024-05-17T10:30:00+01", "2024-05-17T09:30:00Z"},
		{"2024-05-17T10:30:00", "2024-05-17T10:30:00Z"},
		{"2018-04-05T06:00", "2018-04-05T06:00:00Z"},
		{"2017-11-03 03:01:00.000000", "2017-11-03T03:01:00Z"},
		{"2024-05-17 10:30:00 -0700", "2024-05-17T17:30:00Z"},
		{"2024-05-17", "2024-05-17T00:00:00Z"},
		{"2024/05/17", "2024-05-17T00:00:00Z"},
		{"20240517", "2024-05-17T00:00:00Z"},
		{"  2024-05-17  ", "2024-05-17T00:00:00Z"},
		{"Tue, 14 Mar 2023 18:45:00 -0500", "2023-03-14T23:45:00Z"},
		{"Tue, 14 Mar 2023 18:45:00 GMT", "2023-03-14T18:45:00Z"},
		{"14 Mar 2023 18:45:00 EST", "2023-03-14T23:45:00Z"},
		{"March 14, 2023", "2023-03-14T00:00:00Z"},
		{"March 14th, 2023", "2023-03-14T00:00:00Z"},
		{"Tuesday, March 14, 2023 6:45 PM", "2023-03-14T18:45:00Z"},
		{"April 28, 2019 at 6:01 am", "2019-04-28T06:01:00Z"},
		{"Mar. 14, 2023, 6:45 p.m. EDT", "2023-03-14T22:45:00Z"},
		{"Sept. 3, 2022", "2022-09-03T00:00:00Z"},
		{"14 March 2023", "2023-03-14T00:00:00Z"},
		{"1700000000", "2023-11-14T22:13:20Z"},
		{"1700000000000", "2023-11-14T22:13:20Z"},
		{"", ""},
		{"yesterday", ""},
		// Read as written: whether an article may carry them is for
		// herald's rule to say (TestDateRule).
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"9999-12-31", "9999-12-31T00:00:00Z"},
		{"9999999999", "2286-11-20T17:46:39Z"},
		{"2024-13-45", ""},
		{"12/03/2023", ""}, // day and month ambiguous: left to the extractor
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("parseDate(%q) = %v, want no date", tt.in, got)
			}
			continue
		}
		want, err := time.Parse(time.RFC3339, tt.want)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, want)
		}
	}
}

// TestDateRule checks herald's rule for publication dates on pages: a date
// before 1900 is set aside for the next the page states, one more than a
// day ahead is taken as now, and Notes says which.
func TestDateRule(t *testing.T) {
	const pageURL = "https://www.example.com/news/2024/flood-recedes"
	const now = "now"
	tests := []struct {
		name, head string
		published  string // RFC 3339, now (clamped), or "" for not checked
		modified   string
		notes      []string
	}{
		{"OpenGraph9999", `<meta property="article:published_time" content="9999-12-31T23:59:59Z">`, now, "",
			[]string{"published date 9999-12-31T23:59:59Z is more than a day ahead; taken as now ("}},
		{"ZeroSetAsideForNext", `<meta property="article:published_time" content="0001-01-01T00:00:00Z"><meta name="date" content="2024-05-17">`,
			"2024-05-17T00:00:00Z", "", []string{"published date 0001-01-01T00:00:00Z is before 1900; set aside"}},
		{"JSONLD1899", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":"1899-12-31T23:59:59Z"}</script>` +
			`<meta property="article:published_time" content="2024-05-17T09:30:00Z">`,
			"2024-05-17T09:30:00Z", "", []string{"published date 1899-12-31T23:59:59Z is before 1900; set aside"}},
		{"Modified9999", `<meta property="article:published_time" content="2024-05-17T09:30:00Z"><meta property="article:modified_time" content="9999-01-01">`,
			"2024-05-17T09:30:00Z", now, []string{"modified date 9999-01-01T00:00:00Z is more than a day ahead"}},
		{"UnixBeyond2262", `<meta name="publish-date" content="9999999999">`, now, "",
			[]string{"published date 2286-11-20T17:46:39Z is more than a day ahead"}},
		{"Ordinary", `<meta property="article:published_time" content="2024-05-17T09:30:00Z">`, "2024-05-17T09:30:00Z", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now()
			a, err := Extract(page(tt.head, ""), pageURL)
			if err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			for _, d := range []struct {
				name, want string
				got        time.Time
			}{{"PublishedAt", tt.published, a.PublishedAt}, {"ModifiedAt", tt.modified, a.ModifiedAt}} {
				switch d.want {
				case "":
				case now:
					if d.got.Before(before.Add(-time.Second)) || d.got.After(after) || d.got.Location() != time.UTC {
						t.Errorf("%s = %v, want now in UTC", d.name, d.got)
					}
				default:
					checkTime(t, d.name, d.got, d.want)
				}
			}
			if len(a.Notes) != len(tt.notes) {
				t.Fatalf("Notes = %q, want %q", a.Notes, tt.notes)
			}
			for i, want := range tt.notes {
				if !strings.HasPrefix(a.Notes[i], want) {
					t.Errorf("note %q, want %q", a.Notes[i], want)
				}
			}
		})
	}
}
