package herald_test

import (
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Council approves harbour wall", "council-approves-harbour-wall"},
		{"  Café in Zürich: 3 things!  ", "cafe-in-zurich-3-things"},
		{"“Quoted” — and dashed…", "quoted-and-dashed"},
		{"東京で地震", "東京で地震"},
		{"!!!", ""},
		{strings.Repeat("word ", 40), strings.TrimSuffix(strings.Repeat("word-", 16), "-")},
	}
	for _, tt := range tests {
		if got := herald.Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(herald.Slugify(tt.in)) > herald.MaxSlugLen {
			t.Errorf("Slugify(%q) is longer than %d", tt.in, herald.MaxSlugLen)
		}
	}
}

func TestArticleSlugs(t *testing.T) {
	p, f := herald.ArticleSlugs("Same title", "https://a.example/1")
	_, f2 := herald.ArticleSlugs("Same title", "https://a.example/2")
	if p != "same-title" || !strings.HasPrefix(f, "same-title-") || f == f2 {
		t.Errorf("slugs %q %q %q", p, f, f2)
	}
	p, f = herald.ArticleSlugs("???", "https://a.example/1")
	if p == "" || p != f || !strings.HasPrefix(p, "article-") {
		t.Errorf("slugs of an untitled article: %q %q", p, f)
	}
	_, long := herald.ArticleSlugs(strings.Repeat("longword ", 20), "https://a.example/1")
	if len(long) > herald.MaxSlugLen {
		t.Errorf("fallback %q is longer than %d", long, herald.MaxSlugLen)
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"one two three", 5, "one two three"},
		{"one two three four", 2, "one two…"},
		{"one two, three four", 2, "one two…"},
		{"  spaced\n\nout   words here ", 3, "spaced out words…"},
	}
	for _, tt := range tests {
		if got := herald.Excerpt(tt.in, tt.n); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := herald.Cursor{PublishedAt: time.Date(2026, 3, 1, 10, 0, 0, 123, time.UTC), ID: 42}
	got, err := herald.DecodeCursor(c.Encode())
	if err != nil || !got.PublishedAt.Equal(c.PublishedAt) || got.ID != 42 {
		t.Errorf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "x", "!!", "MS4tMg", "YWJj"} {
		if _, err := herald.DecodeCursor(bad); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("DecodeCursor(%q) = %v, want EINVALID", bad, err)
		}
	}
}

func TestParseLicence(t *testing.T) {
	for in, want := range map[string]herald.Licence{"": herald.LicenceExcerpt, "FULL": herald.LicenceFull, " headline ": herald.LicenceHeadline} {
		if got, err := herald.ParseLicence(in); err != nil || got != want {
			t.Errorf("ParseLicence(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := herald.ParseLicence("cc-by"); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("ParseLicence(cc-by) = %v", err)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(herald.Cursor{PublishedAt: time.Unix(1, 0), ID: 1}.Encode())
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := herald.DecodeCursor(s); err != nil && herald.ErrorCode(err) != herald.EINVALID {
			t.Fatal(err)
		}
	})
}
