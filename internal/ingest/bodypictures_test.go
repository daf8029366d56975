package ingest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
	"github.com/herald-news/herald/internal/ingest"
)

// newsOrigin serves, as http://news.example, the feeds of testdata/ and
// the article page of internal/extract's testdata, with a feed that
// links to it by a summary only, so that Herald fetches the page.
func newsOrigin(t *testing.T) *fetch.Client {
	t.Helper()
	read := func(path ...string) []byte {
		b, err := os.ReadFile(filepath.Join(path...))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	files := map[string][]byte{
		"/relative.rss":          read("testdata", "relative-pictures.rss"),
		"/relative.atom":         read("testdata", "relative-pictures.atom"),
		"/news/2024/floods.html": read("..", "extract", "testdata", "news-pictures.html"),
		"/summaries.rss": []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>River Daily</title><link>http://news.example/</link>
<item><title>Floods reach the market square</title><link>http://news.example/news/2024/floods.html</link><guid>floods</guid>
<description>The river burst its banks on Tuesday.</description></item></channel></rss>`),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return fetch.New(fetch.Config{HostDelay: -1, HostAddrs: map[string]string{"news.example": srv.Listener.Addr().String()}})
}

// followOnce adds the source, checks it once through the real pipeline,
// and returns the pictures its one article names.
func followOnce(t *testing.T, client *fetch.Client, src *herald.Source) []herald.ArticleImage {
	t.Helper()
	ctx := context.Background()
	db := mustOpen(t)
	if err := db.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	f := &ingest.Follower{Store: db, Pipeline: &ingest.Pipeline{Articles: db, Media: db}, Fetcher: client, Owner: "test"}
	if _, added, err := f.Check(ctx, src); err != nil || added != 1 {
		t.Fatalf("check: %d added, %v; want 1", added, err)
	}
	list, _, err := db.FindArticles(ctx, herald.ArticleFilter{Limit: 10})
	if err != nil || len(list) != 1 {
		t.Fatalf("FindArticles: %d, %v", len(list), err)
	}
	found, err := db.FindArticleImages(ctx, []int64{list[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	return found[list[0].ID]
}

// checkNamed compares the pictures an article names with want, by what
// the article says of each (not the fetch's state).
func checkNamed(t *testing.T, got, want []herald.ArticleImage) {
	t.Helper()
	var named []herald.ArticleImage
	for _, im := range got {
		named = append(named, herald.ArticleImage{Role: im.Role, SourceURL: im.SourceURL, Alt: im.Alt, Caption: im.Caption, Credit: im.Credit})
	}
	if !reflect.DeepEqual(named, want) {
		t.Errorf("pictures named:\n%+v\nwant:\n%+v", named, want)
	}
}

// TestFollowPagePictures follows a feed of summaries, whose articles
// Herald fetches and extracts: a source whose articles show every
// picture names the pictures of the page's body, each once, its largest
// candidate up to 2,000 pixels, with its alternative text, caption and
// credit, and none of the page's decoration; a source showing the lead
// only names the page's og:image.
func TestFollowPagePictures(t *testing.T) {
	client := newsOrigin(t)
	lead := herald.ArticleImage{Role: herald.RoleLead, SourceURL: "https://www.riverdaily.example/img/lead-social.jpg"}
	tests := []struct {
		name   string
		images herald.ImagePolicy
		want   []herald.ArticleImage
	}{
		{"LicenceAllowsAll", "", []herald.ArticleImage{lead,
			{Role: herald.RoleBody, SourceURL: "http://news.example/img/lead-1600.webp", Alt: "Flood water in the market square",
				Caption: "Flood water covered the market square on Tuesday morning.", Credit: "Photo: Tom Reyes"},
			{Role: herald.RoleBody, SourceURL: "http://news.example/news/2024/pictures/boats-1280.jpg", Alt: "Boats on the high street"},
			{Role: herald.RoleBody, SourceURL: "https://cdn.riverdaily.example/charts/river-level?w=1200&fmt=png", Alt: "Chart of the river level over three days"},
		}},
		{"LeadOnly", herald.ImagesLead, []herald.ArticleImage{lead}},
		{"None", herald.ImagesNone, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &herald.Source{Name: "River Daily", FeedURL: "http://news.example/summaries.rss", Kind: herald.KindFeed,
				Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto, Images: tt.images}
			checkNamed(t, followOnce(t, client, src), tt.want)
		})
	}
}

// TestFollowFeedRelativePictures follows feeds whose bodies give their
// pictures' addresses relative to the item: they are resolved against
// the item's link (in Atom, itself resolved against xml:base) rather
// than dropped.
func TestFollowFeedRelativePictures(t *testing.T) {
	client := newsOrigin(t)
	tests := []struct {
		name, feed string
		want       []herald.ArticleImage
	}{
		{"RSS", "http://news.example/relative.rss", []herald.ArticleImage{
			{Role: herald.RoleLead, SourceURL: "http://news.example/2024/ferry/ferry-1800.jpg", Alt: "The ferry leaving the slipway",
				Caption: "The ferry leaves the slipway.", Credit: "Photo: Jo Hart"},
			{Role: herald.RoleBody, SourceURL: "http://news.example/2024/ferry/crew.jpg", Alt: "The crew on deck"},
		}},
		{"AtomXMLBase", "http://news.example/relative.atom", []herald.ArticleImage{
			{Role: herald.RoleLead, SourceURL: "http://news.example/2024/market/stalls.jpg", Alt: "Stalls back in the square"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &herald.Source{Name: "Valley Post", FeedURL: tt.feed, Kind: herald.KindFeed,
				Licence: herald.LicenceFull, Fulltext: herald.FulltextNever}
			checkNamed(t, followOnce(t, client, src), tt.want)
		})
	}
}
