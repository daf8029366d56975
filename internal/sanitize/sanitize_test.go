package sanitize

import (
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

func TestArticle(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"KeepsStructure", `<h2>Sub</h2><p>A <em>b</em></p><ul><li>x</li></ul><blockquote><p>q</p></blockquote>`,
			`<h2>Sub</h2><p>A <em>b</em></p><ul><li>x</li></ul><blockquote><p>q</p></blockquote>`},
		{"DropsScript", `<p>a</p><script>alert(1)</script>`, `<p>a</p>`},
		{"DropsHandlers", `<p onclick="x()">a</p>`, `<p>a</p>`},
		{"DropsJavascriptURL", `<a href="javascript:alert(1)">a</a>`, `a`},
		{"DropsEncodedJavascriptURL", `<a href="jav&#x09;ascript:alert(1)">a</a>`, `a`},
		{"DropsIframe", `<iframe src="https://x.example"></iframe><p>a</p>`, `<p>a</p>`},
		{"DropsImages", `<p><img src="https://tracker.example/p.gif" alt="x">a</p>`, `<p>a</p>`},
		{"DropsStyle", `<p style="color:red">a</p><style>p{}</style>`, `<p>a</p>`},
		{"DemotesH1", `<h1 class="x">Title</h1>`, `<h2>Title</h2>`},
		{"KeepsSafeLinks", `<a href="https://x.example/a">a</a>`, `<a href="https://x.example/a" rel="noreferrer">a</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Article(tt.in); got != tt.want {
				t.Errorf("Article(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	got := Text(`<h2>Sub</h2><p>One <b>two</b>,  three.</p><ul><li>a</li><li>b &amp; c</li></ul><script>x</script>`)
	want := "Sub\n\nOne two, three.\n\na\n\nb & c"
	if got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestParagraphs(t *testing.T) {
	got := Paragraphs("First <line>\nsame para\n\n\n  Second & last  ")
	want := "<p>First &lt;line&gt;<br>same para</p>\n<p>Second &amp; last</p>"
	if got != want {
		t.Errorf("Paragraphs = %q, want %q", got, want)
	}
}

func FuzzArticle(f *testing.F) {
	for _, s := range []string{`<p onclick=x>a</p>`, `<a href="javascript:x">`, `<scr<script>ipt>`, `<svg><script>x</script>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Article(in)
		z := xhtml.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				break
			}
			tok := z.Token()
			if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
				continue
			}
			switch tok.Data {
			case "script", "style", "iframe", "img", "object", "embed", "form", "svg":
				t.Fatalf("<%s> survives: %q -> %q", tok.Data, in, out)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") {
					t.Fatalf("attribute %s=%q survives: %q -> %q", a.Key, a.Val, in, out)
				}
			}
		}
		Text(out)
	})
}
