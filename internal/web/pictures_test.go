package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/media"
	"github.com/herald-news/herald/internal/media/mediatest"
)

// storePicture processes a generated photograph and records it as the
// picture at src, as the fetch worker would; it returns its hash.
func storePicture(t *testing.T, s *site, src string, w, h int) string {
	t.Helper()
	ctx := context.Background()
	res, err := (&media.Processor{}).Process(ctx, mediatest.JPEG(mediatest.Photo(w, h, 1), 85), media.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := &herald.Media{Hash: res.Hash, Width: res.Width, Height: res.Height, ContentType: res.Format.ContentType(), OriginalBytes: 1000}
	for _, v := range res.Variants {
		m.Variants = append(m.Variants, herald.MediaVariant{Width: v.Width, Height: v.Height, ContentType: v.ContentType, Card: v.Card, Data: v.Bytes})
	}
	if err := s.store.RecordImageResult(ctx, herald.ImageResult{SourceURL: src, Status: herald.ImageStored, Media: m}); err != nil {
		t.Fatal(err)
	}
	return res.Hash
}

func TestPictures(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	s.pipe.Media = s.store
	body := numbered("Photographers spent the week on the quay recording every stage of the new sea defences", 12) + `<figure><img src="https://gazette.example/pics/wall.jpg" alt="The wall"><figcaption>The wall at dusk. <span class="credit">Photo: Jo Bloggs</span></figcaption></figure>` +
		`<p>More words about the wall and the council.</p>` +
		`<figure><img src="https://gazette.example/pics/unfetched.jpg" alt="Not yet"><figcaption>Nobody sees this caption</figcaption></figure>` +
		`<p>Another picture: <img src="https://gazette.example/pics/crowd.jpg" alt="The crowd"></p>`
	a, _, err := s.pipe.Add(ctx, ingest.Item{URL: "https://gazette.example/pictures", Title: "Harbour wall in pictures", HTML: body,
		Image: "https://cdn.gazette.example/lead.jpg", Source: "Harbour Gazette", SourceURL: "https://gazette.example/", Licence: "full",
		PublishedAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	lead := storePicture(t, s, "https://cdn.gazette.example/lead.jpg", 1600, 1000)
	crowd := storePicture(t, s, "https://gazette.example/pics/crowd.jpg", 900, 600)
	time.Sleep(50 * time.Millisecond) // the cache's poll of the store's version

	outside := regexp.MustCompile(`(?:src|srcset|content|url)="?:?\s*"?https?://(?:cdn\.)?gazette\.example/(?:pics/|lead)`)
	_, page := s.get(t, "/articles/"+a.Slug)
	for _, want := range []string{
		`src="/media/` + lead + `/1024.jpg"`,
		`srcset="/media/` + lead + `/320.jpg 320w, /media/` + lead + `/640.jpg 640w, /media/` + lead + `/1024.jpg 1024w"`,
		`width="1600" height="1000"`, `fetchpriority="high"`,
		`/media/` + crowd + `/640.jpg`, `width="900" height="600"`, `alt="The crowd"`, `loading="lazy"`, `decoding="async"`,
		`<meta property="og:image" content="https://news.test/media/` + lead + `/card.jpg">`,
		`<meta name="twitter:image" content="https://news.test/media/` + lead + `/card.jpg">`,
		`"image":["https://news.test/media/` + lead + `/card.jpg"]`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	for _, bad := range []string{"Nobody sees this caption", "unfetched.jpg", "The wall at dusk", "gazette.example/pics", "cdn.gazette.example"} {
		if strings.Contains(page, bad) {
			t.Errorf("article page holds %q", bad)
		}
	}
	if m := outside.FindString(page); m != "" {
		t.Errorf("article page names an outside picture: %s", m)
	}
	if strings.Count(page, `fetchpriority="high"`) != 1 || strings.Contains(page[:strings.Index(page, `fetchpriority`)], "loading=\"lazy\"") {
		t.Errorf("the lead is not the one eager picture")
	}

	// Lists show the lead as a thumbnail.
	for _, path := range []string{"/sources/" + a.Source.Slug, "/search?q=pictures"} {
		_, list := s.get(t, path)
		if !strings.Contains(list, `<img class="thumb" src="/media/`+lead+`/320.jpg" width="320" height="200"`) {
			t.Errorf("%s has no thumbnail", path)
		}
		if strings.Contains(list, "gazette.example/pics") || strings.Contains(list, "cdn.gazette.example") {
			t.Errorf("%s names an outside picture", path)
		}
	}

	// The API gives Herald's copy.
	_, api := s.get(t, "/api/v1/articles/"+strconv.FormatInt(a.ID, 10))
	for _, want := range []string{`"url": "https://news.test/media/` + lead + `/1024.jpg"`, `"width": 1600`, `/media/` + crowd + `/`} {
		if !strings.Contains(api, want) {
			t.Errorf("API article lacks %s", want)
		}
	}
	for _, bad := range []string{"gazette.example/pics", "cdn.gazette.example", "unfetched"} {
		if strings.Contains(api, bad) {
			t.Errorf("API article holds %q", bad)
		}
	}
}
