package ingest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"reflect"
)

// pictureBody is a full body with two figures and a picture in the text,
// as sanitize keeps them.
const pictureBody = `<p>The harbour wall was approved on Tuesday night after a long debate in the council chamber.</p>` +
	`<figure><img class="wp-image" src="https://gazette.example/wall.jpg" alt="The wall" width="1200" height="800">` +
	`<figcaption>The wall at high tide. <span class="credit">Photo: Jo Bloggs</span></figcaption></figure>` +
	`<p>Work starts in May. <img src="https://gazette.example/icons/share.png" class="share-icon"></p>` +
	`<figure><img src="https://gazette.example/map.png" alt="Map"><figcaption>Where it goes (Picture: Council)</figcaption></figure>` +
	`<p><img src="https://gazette.example/crowd.jpg" alt="Crowd"></p>`

func pictureItem(n int, licence, image string) ingest.Item {
	it := harbourItem(n, "Harbour wall approved", "")
	it.Text = ""
	it.HTML = pictureBody
	it.Licence = licence
	it.Image = image
	return it
}

func TestArticleImages(t *testing.T) {
	wall := herald.ArticleImage{SourceURL: "https://gazette.example/wall.jpg", Alt: "The wall", Caption: "The wall at high tide.", Credit: "Photo: Jo Bloggs"}
	mapPic := herald.ArticleImage{Role: herald.RoleBody, SourceURL: "https://gazette.example/map.png", Alt: "Map", Caption: "Where it goes", Credit: "Picture: Council"}
	crowd := herald.ArticleImage{Role: herald.RoleBody, SourceURL: "https://gazette.example/crowd.jpg", Alt: "Crowd"}
	lead := func(im herald.ArticleImage) herald.ArticleImage { im.Role = herald.RoleLead; return im }
	body := func(im herald.ArticleImage) herald.ArticleImage { im.Role = herald.RoleBody; return im }
	declared := herald.ArticleImage{Role: herald.RoleLead, SourceURL: "https://cdn.gazette.example/og.jpg"}
	tests := []struct {
		name, licence, image string
		policy               herald.ImagePolicy
		want                 []herald.ArticleImage
	}{
		{"FullBodyFirstFigureIsLead", "full", "", "", []herald.ArticleImage{lead(wall), mapPic, crowd}},
		{"FullDeclaredLeadFirst", "full", declared.SourceURL, "", []herald.ArticleImage{declared, body(wall), mapPic, crowd}},
		{"FullLeadInBodyListedOnce", "full", "https://gazette.example/map.png", "", []herald.ArticleImage{lead(mapPic), body(wall), crowd}},
		{"ExcerptLeadOnly", "excerpt", declared.SourceURL, "", []herald.ArticleImage{declared}},
		{"ExcerptBodyFirstFigure", "excerpt", "", "", []herald.ArticleImage{lead(wall)}},
		{"HeadlineNone", "headline", declared.SourceURL, "", nil},
		{"FullPolicyAll", "full", "", herald.ImagesAll, []herald.ArticleImage{lead(wall), mapPic, crowd}},
		{"FullPolicyLead", "full", declared.SourceURL, herald.ImagesLead, []herald.ArticleImage{declared}},
		{"FullPolicyNone", "full", declared.SourceURL, herald.ImagesNone, nil},
		{"ExcerptPolicyAllStaysLead", "excerpt", "", herald.ImagesAll, []herald.ArticleImage{lead(wall)}},
		{"HeadlinePolicyAllStaysNone", "headline", declared.SourceURL, herald.ImagesAll, nil},
	}
	p := &ingest.Pipeline{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := p.TopicsPrepare(pictureItem(1, tt.licence, tt.image))
			if err != nil {
				t.Fatal(err)
			}
			got := ingest.ArticleImages(a, tt.policy)
			if len(got) != 0 || len(tt.want) != 0 {
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ArticleImages\n got %+v\nwant %+v", got, tt.want)
				}
			}
			if err := herald.CheckArticleImages(got); err != nil {
				t.Errorf("the store would refuse the list: %v", err)
			}
		})
	}
}

// TestImagesStored checks that a new article's pictures reach the store,
// pending, and that a copy of a text names none.
func TestImagesStored(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db, Media: db}
	a, created, err := p.Add(ctx, pictureItem(1, "full", "https://cdn.gazette.example/og.jpg"))
	if err != nil || !created {
		t.Fatalf("Add = %v, %v", created, err)
	}
	got, err := db.FindArticleImages(ctx, []int64{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, im := range got[a.ID] {
		urls = append(urls, im.SourceURL)
		if im.Status != herald.ImagePending {
			t.Errorf("%s is %s, want pending", im.SourceURL, im.Status)
		}
	}
	want := []string{"https://cdn.gazette.example/og.jpg", "https://gazette.example/wall.jpg", "https://gazette.example/map.png", "https://gazette.example/crowd.jpg"}
	if !reflect.DeepEqual(urls, want) {
		t.Errorf("stored pictures\n got %q\nwant %q", urls, want)
	}
	if got[a.ID][1].Credit != "Photo: Jo Bloggs" || got[a.ID][1].Caption != "The wall at high tide." {
		t.Errorf("caption and credit = %q, %q", got[a.ID][1].Caption, got[a.ID][1].Credit)
	}

	// Another outlet's copy of the same text.
	it := pictureItem(1, "full", "")
	it.URL = "https://other.example/wall"
	c, _, err := p.Add(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	if c.DuplicateOf != a.ID {
		t.Fatalf("copy's DuplicateOf = %d, want %d", c.DuplicateOf, a.ID)
	}
	if got, _ := db.FindArticleImages(ctx, []int64{c.ID}); len(got[c.ID]) != 0 {
		t.Errorf("the copy names %d pictures, want none", len(got[c.ID]))
	}
}

// failingMedia is a MediaService whose SetArticleImages fails.
type failingMedia struct{ herald.MediaService }

func (failingMedia) SetArticleImages(context.Context, int64, []herald.ArticleImage) error {
	return errors.New("disk full")
}

// TestImagesFailureKeepsArticle checks that an article whose pictures
// cannot be named is stored all the same, and the error said.
func TestImagesFailureKeepsArticle(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db, Media: failingMedia{}}
	_, _, err := p.Add(ctx, pictureItem(1, "full", ""))
	if err == nil {
		t.Fatal("Add succeeded; want the pictures' error")
	}
	if found, err := db.StoredURLs(ctx, []string{"https://gazette.example/1"}); err != nil || len(found) == 0 {
		t.Errorf("the article is lost: %v, %v", found, err)
	}
}
