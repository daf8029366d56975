package ingest_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/storetest"
)

// imageURLs returns the addresses of article id's pictures, in order.
func imageURLs(t *testing.T, db herald.MediaService, id int64) []string {
	t.Helper()
	found, err := db.FindArticleImages(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, im := range found[id] {
		urls = append(urls, im.SourceURL)
	}
	return urls
}

// TestImagesNoneAtIngest checks that a source set to show no pictures
// names none for a new article, whatever its licence allows.
func TestImagesNoneAtIngest(t *testing.T) {
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db, Media: db}
	it := pictureItem(1, "full", "https://cdn.gazette.example/og.jpg")
	it.Images = herald.ImagesNone
	a, created, err := p.Add(context.Background(), it)
	if err != nil || !created {
		t.Fatalf("Add = %v, %v", created, err)
	}
	if urls := imageURLs(t, db, a.ID); len(urls) != 0 {
		t.Errorf("pictures %q, want none", urls)
	}
}

// TestApplyImagePolicy checks that changing a source's setting names its
// stored articles' pictures again and prunes the media no article shows.
func TestApplyImagePolicy(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db, Media: db}
	a, _, err := p.Add(ctx, pictureItem(1, "full", ""))
	if err != nil {
		t.Fatal(err)
	}
	wall, mapPic, crowd := "https://gazette.example/wall.jpg", "https://gazette.example/map.png", "https://gazette.example/crowd.jpg"
	if got, want := imageURLs(t, db, a.ID), []string{wall, mapPic, crowd}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pictures at ingest %q, want %q", got, want)
	}
	// The map was fetched and stored; dropping it must delete its media.
	if err := db.RecordImageResult(ctx, herald.ImageResult{SourceURL: mapPic, Status: herald.ImageStored, Media: storetest.NewMedia(1)}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		images     herald.ImagePolicy
		want       []string
		wantPruned int
	}{
		{herald.ImagesLead, []string{wall}, 1},
		{herald.ImagesNone, nil, 0},
		{"", []string{wall, mapPic, crowd}, 0}, // back to the licence's: all, pending again
	} {
		images := tt.images
		if _, err := db.UpdateSource(ctx, a.Source.Slug, herald.SourceUpdate{Images: &images}); err != nil {
			t.Fatal(err)
		}
		var calls []int
		res, err := ingest.ApplyImagePolicy(ctx, db, a.Source.Slug, func(done int) { calls = append(calls, done) })
		if err != nil {
			t.Fatalf("%q: %v", tt.images, err)
		}
		if res.Articles != 1 || res.Pruned != tt.wantPruned || !reflect.DeepEqual(calls, []int{1}) {
			t.Errorf("%q: result %+v, progress %v; want 1 article, %d pruned, progress [1]", tt.images, res, calls, tt.wantPruned)
		}
		if got := imageURLs(t, db, a.ID); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: pictures %q, want %q", tt.images, got, tt.want)
		}
	}
	if st, err := db.MediaStats(ctx); err != nil || st.Media != 0 {
		t.Errorf("media stats %+v, %v; want the map's media pruned", st, err)
	}

	if _, err := ingest.ApplyImagePolicy(ctx, db, "no-such-source", nil); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown source: %v, want ENOTFOUND", err)
	}
}
