package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestImportImages checks herald import names the pictures of an article
// under its source's --images setting, within the line's licence, as
// following the source would; a line whose source has no setting, or
// that no editor added, follows its licence.
func TestImportImages(t *testing.T) {
	srv := newFeedServer(t, nil)
	const (
		lead = "https://gazette.example/lead.jpg"
		body = "https://gazette.example/map.png"
	)
	tests := []struct {
		name    string
		add     []string // source add's options; nil: no source added
		licence string   // the line's
		want    []string
	}{
		{"NoneOverFull", []string{"--licence", "full", "--images", "none"}, "full", nil},
		{"LeadOverFull", []string{"--licence", "full", "--images", "lead"}, "full", []string{lead}},
		{"AllWithinExcerptLine", []string{"--licence", "full", "--images", "all"}, "excerpt", []string{lead}},
		{"NoSettingFollowsTheLine", []string{"--licence", "excerpt"}, "full", []string{lead, body}},
		{"NoSourceAdded", nil, "full", []string{lead, body}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "herald.db")
			if tt.add != nil {
				args := append([]string{"source", "add", srv.URL + "/feed.xml", "--db", db, "--allow-private-networks"}, tt.add...)
				if out, stderr, err := runHerald(t, "", args...); err != nil {
					t.Fatalf("source add: %v\n%s%s", err, out, stderr)
				}
			}
			line := `{"url":"https://gazette.example/wall","title":"Harbour wall approved","source":"Test Outlet","licence":"` + tt.licence + `",` +
				`"image":"` + lead + `",` +
				`"html":"<p>The council voted on Tuesday to raise the harbour wall by a metre along its whole length.</p><p><img src=\"` + body + `\" alt=\"Map\"></p>"}` + "\n"
			if _, stderr, err := runHerald(t, line, "import", "--db", db, "-"); err != nil || !strings.Contains(stderr, "imported 1") {
				t.Fatalf("import: %v\n%s", err, stderr)
			}
			if got := articlePictures(t, db, "harbour-wall-approved"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pictures named %q, want %q", got, tt.want)
			}
		})
	}
}

// articlePictures returns the addresses of the pictures the article slug
// names, in order.
func articlePictures(t *testing.T, db, slug string) []string {
	t.Helper()
	ctx := context.Background()
	store, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a, err := store.FindArticleBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	found, err := store.FindArticleImages(ctx, []int64{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, im := range found[a.ID] {
		urls = append(urls, im.SourceURL)
	}
	return urls
}
