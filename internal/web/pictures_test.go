package web_test

import (
	"context"
	"encoding/json"
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

	// The feeds carry the social card as the item's enclosure, with its
	// size in bytes.
	resp, card := s.get(t, "/media/"+lead+"/card.jpg")
	if resp.StatusCode != 200 {
		t.Fatalf("card: status %d", resp.StatusCode)
	}
	cardURL := "https://news.test/media/" + lead + "/card.jpg"
	for path, want := range map[string]string{
		"/rss.xml":  `<enclosure url="` + cardURL + `" length="` + strconv.Itoa(len(card)) + `" type="image/jpeg">`,
		"/atom.xml": `<link href="` + cardURL + `" rel="enclosure" type="image/jpeg" length="` + strconv.Itoa(len(card)) + `">`,
	} {
		if _, feed := s.get(t, path); strings.Count(feed, want) != 1 || strings.Count(feed, "/media/") != 1 {
			t.Errorf("%s has not the one enclosure %s:\n%s", path, want, feed)
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

// TestAPIPicturesOnEveryEndpoint checks that every API endpoint returning
// articles gives each its image, Herald's copy of the stored lead
// picture, and the stored pictures of its body at Herald's addresses,
// and that no outside picture address is anywhere in the output.
func TestAPIPicturesOnEveryEndpoint(t *testing.T) {
	s := newSite(t)
	s.pipe.Media = s.store
	items := quakeItems()
	var pictures []string
	for i := range items {
		host := strings.TrimSuffix(strings.TrimPrefix(items[i].SourceURL, "https://"), "/")
		lead, body := "https://cdn."+host+"/quake-lead.jpg", "https://pics."+host+"/rubble.jpg"
		items[i].Image = lead
		pictures = append(pictures, lead)
		// One report has pictures in its body too (in one alone, so
		// that the other reports stay texts of their own, not copies).
		if i == 0 {
			items[i].HTML += `<figure><img src="` + body + `" alt="Rubble"><figcaption>Rubble on the quay.</figcaption></figure>` +
				`<p>Not fetched yet: <img src="https://pics.` + host + `/unfetched.jpg" alt="Later"></p>`
			pictures = append(pictures, body)
		}
	}
	s.addItems(t, items...)
	for _, src := range pictures {
		storePicture(t, s, src, 800, 500)
	}
	s.web.CatchUp(context.Background())

	type article struct {
		ID      int64 `json:"id"`
		StoryID int64 `json:"story_id"`
	}
	var list struct{ Items []article }
	getJSON(t, s, "/api/v1/articles?source=harbour-gazette", 200, &list)
	if len(list.Items) != 2 {
		t.Fatalf("the Harbour Gazette's articles: %+v", list.Items)
	}
	quake := list.Items[0] // the newest: the quake report, not newSite's
	if quake.StoryID == 0 {
		t.Fatalf("the quake report has no story: %+v", list.Items)
	}
	outside := regexp.MustCompile(`https?://(?:cdn|pics)\.[a-z]+\.example|unfetched`)
	outsideImg := regexp.MustCompile(`<img[^>]* src="(?:[a-z]+:)?//`)
	for _, path := range []string{
		"/api/v1/articles",
		"/api/v1/articles/" + strconv.FormatInt(quake.ID, 10),
		"/api/v1/articles/" + strconv.FormatInt(quake.ID, 10) + "/related",
		"/api/v1/search?q=earthquake",
		"/api/v1/stories",
		"/api/v1/stories/" + strconv.FormatInt(quake.StoryID, 10),
	} {
		t.Run(strings.TrimPrefix(path, "/api/v1/"), func(t *testing.T) {
			resp, body := s.get(t, path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d:\n%s", resp.StatusCode, body)
			}
			if m := outside.FindString(body); m != "" {
				t.Errorf("output names an outside picture: %s", m)
			}
			var doc any
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			quakes := 0
			for _, a := range apiArticlesIn(doc) {
				if !strings.Contains(a["title"].(string), "Ellery") {
					continue // one of newSite's articles, without pictures
				}
				quakes++
				im, _ := a["image"].(map[string]any)
				if url, _ := im["url"].(string); !strings.HasPrefix(url, "https://news.test/media/") || im["width"] != 800.0 || im["height"] != 500.0 {
					t.Errorf("article %v has image %v, want Herald's copy of its lead picture", a["id"], a["image"])
				}
				html, _ := a["html"].(string)
				if strings.Contains(html, "Harbour Gazette") && !strings.Contains(html, `<img src="/media/`) {
					t.Errorf("article %v's html lacks Herald's copy of its body picture:\n%s", a["id"], html)
				}
				if m := outsideImg.FindString(html); m != "" {
					t.Errorf("article %v's html shows an outside picture: %s", a["id"], m)
				}
			}
			if quakes == 0 {
				t.Errorf("no quake report in the output:\n%s", body)
			}
		})
	}
}

// apiArticlesIn returns the articles anywhere in a decoded API document:
// the objects with a slug and a licence.
func apiArticlesIn(v any) []map[string]any {
	var out []map[string]any
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["licence"]; ok && v["slug"] != nil {
			out = append(out, v)
		}
		for _, x := range v {
			out = append(out, apiArticlesIn(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, apiArticlesIn(x)...)
		}
	}
	return out
}
