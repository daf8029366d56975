package sanitize

import (
	"net/url"
	"testing"
)

func TestResolve(t *testing.T) {
	base, _ := url.Parse("https://news.example/2024/ferry/return.html")
	tests := []struct {
		name, in, want string
	}{
		{"RootRelative", `<img src="/media/a.jpg" alt="A">`, `<img src="https://news.example/media/a.jpg" alt="A"/>`},
		{"PathRelative", `<p><img src="a.jpg"></p>`, `<p><img src="https://news.example/2024/ferry/a.jpg"/></p>`},
		{"SchemeRelative", `<img src="//cdn.example/a.jpg">`, `<img src="https://cdn.example/a.jpg"/>`},
		{"Srcset", `<img srcset="a-640.jpg 640w, /b-1280.jpg 1280w,c.jpg 2x">`,
			`<img srcset="https://news.example/2024/ferry/a-640.jpg 640w, https://news.example/b-1280.jpg 1280w, https://news.example/2024/ferry/c.jpg 2x"/>`},
		{"LazyLoading", `<img data-src="a.jpg" data-srcset="b.jpg 800w">`,
			`<img data-src="https://news.example/2024/ferry/a.jpg" data-srcset="https://news.example/2024/ferry/b.jpg 800w"/>`},
		{"PictureSource", `<picture><source srcset="a.webp 1x"><img src="a.jpg"></picture>`,
			`<picture><source srcset="https://news.example/2024/ferry/a.webp 1x"/><img src="https://news.example/2024/ferry/a.jpg"/></picture>`},
		{"Links", `<a href="../timetable#fri">t</a> <a href="mailto:x@example.com">m</a>`,
			`<a href="https://news.example/2024/timetable#fri">t</a> <a href="mailto:x@example.com">m</a>`},
		{"AbsoluteUntouched", `<img src="http://other.example/a.jpg">`, `<img src="http://other.example/a.jpg"/>`},
		{"UnparseableEmptied", `<img src="http://[::1">`, `<img src=""/>`},
		{"NoMarkup", `plain words`, `plain words`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Resolve(tt.in, base); got != tt.want {
				t.Errorf("Resolve(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
	// Resolved, the pictures pass Article: relative ones alone would not.
	in := `<figure><img src="/media/a.jpg" alt="A"></figure>`
	if got, want := Article(Resolve(in, base)), `<figure><img src="https://news.example/media/a.jpg" alt="A"/></figure>`; got != want {
		t.Errorf("Article(Resolve(%s)) = %s, want %s", in, got, want)
	}
	if got := Article(in); got != `<figure></figure>` {
		t.Errorf("Article(%s) = %s: relative pictures are expected to be dropped", in, got)
	}
}
