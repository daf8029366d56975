package sanitize

import (
	"strings"
	"testing"
)

func TestArticlePictures(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", `<p>a</p><img src="https://o.example/p.jpg" alt=" A  dog " width="800" height="600" class="wp-image-1" loading="lazy">`,
			`<p>a</p><img src="https://o.example/p.jpg" alt="A dog"/>`},
		{"FigureCaptionCredit", `<figure class="x"><img src="https://o.example/p.jpg" alt="A"><figcaption>The mayor. <span class="credit">Photo: Jo Bloggs</span></figcaption></figure>`,
			`<figure><img src="https://o.example/p.jpg" alt="A"/><figcaption>The mayor. <small>Photo: Jo Bloggs</small></figcaption></figure>`},
		{"SrcsetLargestUpTo2000", `<img src="https://o.example/s.jpg" srcset="https://o.example/400.jpg 400w, https://o.example/1600.jpg 1600w, https://o.example/3000.jpg 3000w, https://o.example/800.jpg 800w">`,
			`<img src="https://o.example/1600.jpg"/>`},
		{"SrcsetAllTooWide", `<img srcset="https://o.example/4000.jpg 4000w, https://o.example/2400.jpg 2400w">`,
			`<img src="https://o.example/2400.jpg"/>`},
		{"SrcsetDensity", `<img src="https://o.example/1x.jpg" srcset="https://o.example/1x.jpg 1x,https://o.example/2x.jpg 2x">`,
			`<img src="https://o.example/2x.jpg"/>`},
		{"SrcsetCommaInAddress", `<img srcset="https://cdn.example/w_300,h_200/p.jpg 300w, https://cdn.example/w_900,h_600/p.jpg 900w">`,
			`<img src="https://cdn.example/w_900,h_600/p.jpg"/>`},
		{"Picture", `<picture><source type="image/svg+xml" srcset="https://o.example/p.svg"><source type="image/webp" srcset="https://o.example/p-640.webp 640w, https://o.example/p-1280.webp 1280w"><img src="https://o.example/p.jpg" alt="Pic"></picture>`,
			`<img src="https://o.example/p-1280.webp" alt="Pic"/>`},
		{"LazyDataSrc", `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://o.example/real.jpg" alt="Real">`,
			`<img src="https://o.example/real.jpg" alt="Real"/>`},
		{"LazyDataSrcset", `<img src="https://o.example/placeholder-tiny.jpg" data-srcset="https://o.example/a-300.jpg 300w, https://o.example/a-1200.jpg 1200w">`,
			`<img src="https://o.example/a-1200.jpg"/>`},
		{"LazyNoscriptNotDoubled", `<img data-src="https://o.example/real.jpg"><noscript><img src="https://o.example/real.jpg"></noscript>`,
			`<img src="https://o.example/real.jpg"/>`},
		{"DataURIOnly", `<p>a<img src="data:image/png;base64,iVBORw0KGgo="></p>`, `<p>a</p>`},
		{"Relative", `<p>a<img src="/p.jpg"></p>`, `<p>a</p>`},
		{"TrackingPixel", `<p>a<img src="https://stats.example/t.gif?u=1" width="1" height="1"></p>`, `<p>a</p>`},
		{"DeclaredSmall", `<p>a<img src="https://o.example/thumb.jpg" width="80" height="300"></p>`, `<p>a</p>`},
		{"SmallSrcset", `<p>a<img srcset="https://o.example/t.jpg 64w"></p>`, `<p>a</p>`},
		{"IconClass", `<p>a<img class="share-icon" src="https://o.example/fb.png"></p>`, `<p>a</p>`},
		{"AvatarClass", `<p>a<img class="author-avatar" src="https://o.example/jo.jpg"></p>`, `<p>a</p>`},
		{"AdID", `<p>a<img id="ad-slot-3" src="https://o.example/x.jpg"></p>`, `<p>a</p>`},
		{"LogoAddress", `<p>a<img src="https://o.example/static/logo.png"></p>`, `<p>a</p>`},
		{"SpacerAddress", `<p>a<img src="https://o.example/img/spacer.gif"></p>`, `<p>a</p>`},
		{"AdServer", `<p>a<img src="https://ad.doubleclick.net/x.jpg"></p>`, `<p>a</p>`},
		{"Hidden", `<p>a<img aria-hidden="true" src="https://o.example/deco.jpg"></p>`, `<p>a</p>`},
		{"WordsThatHideJunkNames", `<img class="header-image leading" src="https://o.example/uploads/market-shares/download.jpg">`,
			`<img src="https://o.example/uploads/market-shares/download.jpg"/>`},
		{"JavascriptSrc", `<img src="javascript:alert(1)">`, ``},
		{"Handlers", `<img src="https://o.example/p.jpg" onerror="alert(1)" style="x">`, `<img src="https://o.example/p.jpg"/>`},
		{"VideoSource", `<video><source src="https://o.example/v.mp4"></video><p>a</p>`, `<p>a</p>`},
		{"InLink", `<a href="https://o.example/big"><img src="https://o.example/p.jpg" alt="A"></a>`,
			`<a href="https://o.example/big" rel="noreferrer"><img src="https://o.example/p.jpg" alt="A"/></a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Article(tt.in)
			if got != tt.want {
				t.Errorf("Article(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkBalanced(t, tt.in, got)
			checkSafe(t, tt.in, got)
		})
	}
}

// TestArticlePicturesText checks that pictures add no words to the text:
// an alt is no part of the article's text.
func TestArticlePicturesText(t *testing.T) {
	out := Article(`<p>one</p><figure><img src="https://o.example/p.jpg" alt="dog"><figcaption>cap</figcaption></figure>`)
	if got := strings.Fields(Text(out)); strings.Join(got, " ") != "one cap" {
		t.Errorf("Text = %q, want the words one and cap", got)
	}
}

func FuzzArticlePictures(f *testing.F) {
	for _, s := range []string{
		`<picture><source srcset="https://a.example/1.jpg 10w, https://a.example/2.jpg 200w"><img src=x></picture>`,
		`<figure><img data-src="https://a.example/x.jpg" src="data:,"><figcaption><span class=credit>c</span></figcaption></figure>`,
		`<a href="https://a.example/"><picture><img srcset=", ,https://a.example/x.jpg 2x,"></picture>`,
		`<table><img src="https://a.example/p.jpg"><tr><td><picture>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Article(in)
		checkBalanced(t, in, out)
		checkSafe(t, in, out)
	})
}
