package opml

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

func TestToSource(t *testing.T) {
	feed := "https://gazette.example/feed"
	for _, tt := range []struct {
		name    string
		o       Outline
		licence herald.Licence
		want    *herald.Source
		err     string
	}{
		{"Defaults", Outline{Title: "Gazette", XMLURL: feed}, "",
			&herald.Source{Name: "Gazette", FeedURL: feed, Kind: herald.KindFeed, Licence: herald.LicenceExcerpt, Fulltext: herald.FulltextAuto}, ""},
		{"DefaultLicence", Outline{Title: "Gazette", XMLURL: feed}, herald.LicenceHeadline,
			&herald.Source{Name: "Gazette", FeedURL: feed, Kind: herald.KindFeed, Licence: herald.LicenceHeadline, Fulltext: herald.FulltextAuto}, ""},
		{"Settings", Outline{Title: "Gazette", XMLURL: feed, HTMLURL: "https://gazette.example/", Kind: "Sitemap",
			Licence: "Full", Fulltext: "never", Images: "lead", Every: "1h30m"}, herald.LicenceHeadline,
			&herald.Source{Name: "Gazette", FeedURL: feed, Homepage: "https://gazette.example/", Kind: herald.KindSitemap,
				Licence: herald.LicenceFull, Fulltext: herald.FulltextNever, Images: herald.ImagesLead, Every: 90 * time.Minute}, ""},
		{"NameFromHost", Outline{XMLURL: feed, HTMLURL: "https://www.gazette.example/"}, "",
			&herald.Source{Name: "gazette.example", FeedURL: feed, Homepage: "https://www.gazette.example/", Kind: herald.KindFeed,
				Licence: herald.LicenceExcerpt, Fulltext: herald.FulltextAuto}, ""},
		{"BadHomepageDropped", Outline{Title: "Gazette", XMLURL: feed, HTMLURL: "javascript:alert(1)"}, "",
			&herald.Source{Name: "Gazette", FeedURL: feed, Kind: herald.KindFeed, Licence: herald.LicenceExcerpt, Fulltext: herald.FulltextAuto}, ""},
		{"RelativeURL", Outline{Title: "Gazette", XMLURL: "/feed"}, "", nil, `"/feed" is not an http or https URL`},
		{"NotWeb", Outline{Title: "Gazette", XMLURL: "file:///etc/passwd"}, "", nil, "not an http or https URL"},
		{"BadLicence", Outline{Title: "Gazette", XMLURL: feed, Licence: "all rights"}, "", nil, `licence "all rights" is not one of`},
		{"BadFulltext", Outline{Title: "Gazette", XMLURL: feed, Fulltext: "sometimes"}, "", nil, `fulltext "sometimes"`},
		{"BadImages", Outline{Title: "Gazette", XMLURL: feed, Images: "many"}, "", nil, `images "many"`},
		{"BadEvery", Outline{Title: "Gazette", XMLURL: feed, Every: "hourly"}, "", nil, `every "hourly" is not a duration`},
		{"EveryTooOften", Outline{Title: "Gazette", XMLURL: feed, Every: "10s"}, "", nil, "every 10s is outside"},
		{"EveryTooRare", Outline{Title: "Gazette", XMLURL: feed, Every: "48h"}, "", nil, "every 48h0m0s is outside"},
		{"BadKind", Outline{Title: "Gazette", XMLURL: feed, Kind: "podcast"}, "", nil, `source kind "podcast"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToSource(tt.o, tt.licence)
			if tt.err != "" {
				if err == nil || !strings.Contains(herald.ErrorMessage(err), tt.err) || herald.ErrorCode(err) != herald.EINVALID {
					t.Fatalf("ToSource: %v, want EINVALID %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ToSource: %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

// TestFromSources checks that only followed sources are listed, and that
// ToSource gives their settings back.
func TestFromSources(t *testing.T) {
	followed := []*herald.Source{
		{Name: "Gazette", FeedURL: "https://gazette.example/feed", Homepage: "https://gazette.example/", Kind: herald.KindFeed,
			Licence: herald.LicenceFull, Fulltext: herald.FulltextAlways, Images: herald.ImagesNone, Every: 2 * time.Hour},
		{Name: "Ledger Sitemap", FeedURL: "https://ledger.example/sitemap.xml", Kind: herald.KindSitemap,
			Licence: herald.LicenceHeadline, Fulltext: herald.FulltextAuto, Every: 45 * time.Minute},
	}
	all := []*herald.Source{
		followed[0],
		{Name: "Imported Only", Homepage: "https://imported.example/"},
		{Name: "Removed", FeedURL: "https://removed.example/feed", Kind: herald.KindFeed, Licence: herald.LicenceFull,
			Fulltext: herald.FulltextAuto, RemovedAt: time.Now()},
		followed[1],
	}
	outlines := FromSources(all)
	want := []Outline{
		{Title: "Gazette", XMLURL: "https://gazette.example/feed", HTMLURL: "https://gazette.example/",
			Licence: "full", Fulltext: "always", Images: "none", Every: "2h"},
		{Title: "Ledger Sitemap", XMLURL: "https://ledger.example/sitemap.xml", Kind: "sitemap",
			Licence: "headline", Fulltext: "auto", Every: "45m"},
	}
	if !reflect.DeepEqual(outlines, want) {
		t.Fatalf("FromSources:\n%s\nwant\n%s", dump(outlines), dump(want))
	}
	for i, o := range outlines {
		got, err := ToSource(o, herald.LicenceExcerpt)
		if err != nil || !reflect.DeepEqual(got, followed[i]) {
			t.Errorf("ToSource(FromSources(%q)): %+v, %v", followed[i].Name, got, err)
		}
	}
}

func TestFormatEvery(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5m", 30 * time.Minute: "30m", time.Hour: "1h", 90 * time.Minute: "1h30m",
		24 * time.Hour: "24h", 10 * time.Second: "10s", 5*time.Minute + 30*time.Second: "5m30s",
	} {
		if got := formatEvery(d); got != want {
			t.Errorf("formatEvery(%s) = %q, want %q", d, got, want)
		}
	}
}
