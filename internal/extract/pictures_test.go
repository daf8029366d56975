package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExtractPictures extracts the pages of testdata/ with and without
// their pictures: with them, the body keeps each picture of the article,
// its largest candidate up to 2,000 pixels, its alternative text and its
// caption, and drops decoration; without, it keeps none. Either way the
// text is the same.
func TestExtractPictures(t *testing.T) {
	const floods = "https://www.riverdaily.example/news/2024/floods.html"
	tests := []struct {
		name, page, url string
		want, notWant   []string // in the body with Pictures
	}{
		{
			name: "PictureSrcsetCaptionAndLazyLoading", page: "news-pictures", url: floods,
			want: []string{
				// the <picture>'s largest source up to 2,000 px, in its figure, with its caption and credit
				`<img src="https://www.riverdaily.example/img/lead-1600.webp" alt="Flood water in the market square"/>`,
				`<figcaption>Flood water covered the market square on Tuesday morning. <small>Photo: Tom Reyes</small></figcaption>`,
				// data-srcset of a lazy-loaded picture, resolved against the page
				`<img src="https://www.riverdaily.example/news/2024/pictures/boats-1280.jpg" alt="Boats on the high street"/>`,
				// an address without a file name, in a figure without a caption
				`<figure><img src="https://cdn.riverdaily.example/charts/river-level?w=1200&amp;fmt=png" alt="Chart of the river level over three days"/></figure>`,
			},
			notWant: []string{"lead-3200", "lead-800", "data:", "logo", "avatar", "share", "pixel", "badge", markerPrefix},
		},
		{
			name: "RelativeLeadFigure", page: "news-jsonld", url: fixtures[0].url,
			want: []string{`<img src="https://www.dailyexample.com/images/2024/05/bridge-opening.jpg" alt="Cars crossing the bridge"/>`},
		},
		{
			name: "SrcsetOfAFigure", page: "blog-yoast-graph", url: fixtures[3].url,
			want: []string{`<img src="https://northwind.example.io/wp-content/uploads/2024/02/spend-by-service-300.png" alt="Bar chart of spend by service"/>`,
				`<figcaption>Spend by service, July 2023 to January 2024.</figcaption>`},
		},
		{
			name: "LogoSVGAndAvatarOutsideTheArticle", page: "blog-opengraph", url: fixtures[1].url,
			notWant: []string{"<img", "logo.svg", "avatars"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata", tt.page+".html"))
			if err != nil {
				t.Fatal(err)
			}
			with, err := Options{Pictures: true}.Extract(page, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			without, err := Extract(page, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(with.HTML, w) {
					t.Errorf("body lacks %s:\n%s", w, with.HTML)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(with.HTML, w) {
					t.Errorf("body keeps %q:\n%s", w, with.HTML)
				}
			}
			if strings.Contains(without.HTML, "<img") {
				t.Errorf("without Pictures, the body keeps a picture:\n%s", without.HTML)
			}
			if with.Text != without.Text {
				t.Errorf("the text changes with the pictures:\n%s\nwithout:\n%s", with.Text, without.Text)
			}
		})
	}
}
