package extract

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string // want in RFC 3339 at the offset written, "" for no date
	}{
		{"2024-05-17T10:30:00+01:00", "2024-05-17T10:30:00+01:00"},
		{"2024-05-17T10:30:00.123456Z", "2024-05-17T10:30:00.123456Z"},
		{"2021-11-01T10:52:50+0100", "2021-11-01T10:52:50+01:00"},
		{"2024-05-17T10:30:00+01", "2024-05-17T10:30:00+01:00"},
		{"2024-05-17T10:30:00", "2024-05-17T10:30:00Z"},
		{"2018-04-05T06:00", "2018-04-05T06:00:00Z"},
		{"2017-11-03 03:01:00.000000", "2017-11-03T03:01:00Z"},
		{"2024-05-17 10:30:00 -0700", "2024-05-17T10:30:00-07:00"},
		{"2024-05-17", "2024-05-17T00:00:00Z"},
		{"2024/05/17", "2024-05-17T00:00:00Z"},
		{"20240517", "2024-05-17T00:00:00Z"},
		{"  2024-05-17  ", "2024-05-17T00:00:00Z"},
		{"Tue, 14 Mar 2023 18:45:00 -0500", "2023-03-14T18:45:00-05:00"},
		{"Tue, 14 Mar 2023 18:45:00 GMT", "2023-03-14T18:45:00Z"},
		{"14 Mar 2023 18:45:00 EST", "2023-03-14T18:45:00-05:00"},
		{"March 14, 2023", "2023-03-14T00:00:00Z"},
		{"March 14th, 2023", "2023-03-14T00:00:00Z"},
		{"Tuesday, March 14, 2023 6:45 PM", "2023-03-14T18:45:00Z"},
		{"April 28, 2019 at 6:01 am", "2019-04-28T06:01:00Z"},
		{"Mar. 14, 2023, 6:45 p.m. EDT", "2023-03-14T18:45:00-04:00"},
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
		// The offset as written, so that the day is the one the page
		// shows; UTC itself for none.
		if !ok || got.Format(time.RFC3339Nano) != tt.want || (strings.HasSuffix(tt.want, "Z") && got.Location() != time.UTC) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
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

// TestSearchDate checks the date found in a page that states none in its
// metadata: from its text, never from a copyright notice or another page's
// address.
func TestSearchDate(t *testing.T) {
	const pageURL = "https://blog.example.com/2025/12/18/river-walks"
	tests := []struct {
		name, body string
		want       string // the day, "" for none
	}{
		{"BylinePublished", `<p class="byline">Published on Oct 21, 2025</p>` + articleBody, "2025-10-21"},
		{"CopyrightOnly", articleBody + `<div class="site-end">© 2026 Example Media. All rights reserved.</div>`, ""},
		{"ArchiveLinksOnly", articleBody + `<div class="archive"><a href="/2014/01/">January (27)</a> <a href="/2014/02/">February (30)</a></div>`, ""},
		{"OwnAddress", articleBody, "2025-12-18"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := pageURL
			if tt.name != "OwnAddress" {
				u = "https://blog.example.com/posts/river-walks"
			}
			a, err := Extract(page("", tt.body), u)
			if err != nil {
				t.Fatal(err)
			}
			if got := day(a.PublishedAt); got != tt.want {
				t.Errorf("PublishedAt = %v, want the day %q", a.PublishedAt, tt.want)
			}
		})
	}
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func TestNotTheArticles(t *testing.T) {
	page, err := url.Parse("https://blog.example.com/2025/12/18/river-walks")
	if err != nil {
		t.Fatal(err)
	}
	jan1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, src string
		date      time.Time
		not       bool
	}{
		{"Copyright", "Copyright © 2026 Enphase Energy. All rights reserved.", jan1, true},
		{"CopyrightNameFirst", "© ROYAL CANIN® SAS 2026. All rights reserved.", jan1, true},
		{"CopyrightOtherYear", "© 2024 Hinterland of Things — held on 1 January 2026", jan1, false},
		{"WholePage", "<head>" + strings.Repeat("x", maxSnippet) + "©Viva Technology 2026</head>", jan1, false},
		{"ArchiveLink", `/2014/01/">January (27)</a></li>`, time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"OtherSiteLink", `https://www.npr.org/2013/04/24/178625554/coffee" rel="noopener"`, time.Date(2013, 4, 24, 0, 0, 0, 0, time.UTC), true},
		{"UploadFolder", `https://blog.example.com/wp-content/uploads/2023/02/7.jpg`, time.Date(2023, 2, 7, 0, 0, 0, 0, time.UTC), true},
		{"OwnAddress", "https://blog.example.com/2025/12/18/river-walks", time.Date(2025, 12, 18, 0, 0, 0, 0, time.UTC), false},
		{"Text", "Published on Oct 21, 2025", time.Date(2025, 10, 21, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notTheArticles(tt.src, tt.date, page); got != tt.not {
				t.Errorf("notTheArticles(%q) = %v, want %v", tt.src, got, tt.not)
			}
		})
	}
}
