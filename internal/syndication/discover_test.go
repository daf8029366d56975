package syndication

import (
	"reflect"
	"testing"
)

func TestDiscover(t *testing.T) {
	for _, tt := range []struct {
		name, page, url string
		want            []string
	}{
		{
			name: "Fixture",
			page: string(mustRead(t, "testdata/page.html")),
			url:  "https://www.example.com/news/today.html",
			want: []string{
				"https://www.example.com/feed/",
				"https://www.example.com/news/atom.xml",
				"https://www.example.com/body-feed.xml",
				"https://www.example.com/news/feed.json",
				"https://www.example.com/comments/feed/",
			},
		},
		{
			name: "RelativeToPage",
			page: `<link rel="alternate" type="application/atom+xml" href="atom.xml">`,
			url:  "https://blog.example.org/2024/post.html",
			want: []string{"https://blog.example.org/2024/atom.xml"},
		},
		{
			name: "RelativeBaseHref",
			page: `<base href="/sub/"><link rel="alternate" type="application/rss+xml" href="rss">`,
			url:  "https://example.org/page",
			want: []string{"https://example.org/sub/rss"},
		},
		{
			name: "NoPageURLButAbsoluteBase",
			page: `<base href="https://example.org/x/"><link rel="alternate" type="application/rss+xml" href="rss">`,
			want: []string{"https://example.org/x/rss"},
		},
		{
			name: "RelativeWithoutAnyBaseDropped",
			page: `<link rel="alternate" type="application/rss+xml" href="rss">`,
		},
		{
			name: "RelTokenAmongOthers",
			page: `<link rel="feed alternate" type="application/rss+xml" href="https://example.org/rss">`,
			want: []string{"https://example.org/rss"},
		},
		{
			name: "NotAlternate",
			page: `<link rel="stylesheet" type="application/rss+xml" href="https://example.org/rss">`,
		},
		{
			name: "NoType",
			page: `<link rel="alternate" href="https://example.org/rss">`,
		},
		{
			name: "PlainJSONButNotWordPressAPI",
			page: `<link rel="alternate" type="application/json" href="https://example.org/wp-json/wp/v2/posts/1">` +
				`<link rel="alternate" type="application/json" href="https://example.org/feed.json">`,
			want: []string{"https://example.org/feed.json"},
		},
		{
			name: "NotHTML",
			page: "\x00\x01binary",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Discover([]byte(tt.page), tt.url)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Discover = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

func TestCommonFeedPaths(t *testing.T) {
	got := CommonFeedPaths("https://www.example.com/section/page.html?x=1")
	if len(got) < 10 || got[0] != "https://www.example.com/feed" {
		t.Fatalf("CommonFeedPaths = %q", got)
	}
	for _, want := range []string{
		"https://www.example.com/rss.xml", "https://www.example.com/atom.xml",
		"https://www.example.com/feeds/posts/default", "https://www.example.com/sitemap_news.xml",
		"https://www.example.com/news-sitemap.xml", "https://www.example.com/sitemap.xml",
	} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("CommonFeedPaths lacks %s", want)
		}
	}
	for _, bad := range []string{"", "/relative", "ftp://example.com/", "mailto:x@example.com", "https://"} {
		if got := CommonFeedPaths(bad); got != nil {
			t.Errorf("CommonFeedPaths(%q) = %q, want nil", bad, got)
		}
	}
}
