package extract

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"UTF8", "<p>café – naïve</p>", "<p>café – naïve</p>"},
		{"UTF8BOM", "\xef\xbb\xbf<p>café</p>", "<p>café</p>"},
		{"Windows1252Undeclared", "<p>caf\xe9 \x93quoted\x94</p>", "<p>café “quoted”</p>"},
		{"Latin1Declared", `<meta charset="iso-8859-1"><p>caf` + "\xe9</p>", `<meta charset="iso-8859-1"><p>café</p>`},
		{"DeclaredLate", strings.Repeat(" ", 2000) + `<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>` + "\xf0\xd2\xc9\xd7\xc5\xd4</p>",
			strings.Repeat(" ", 2000) + `<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Привет</p>`},
		{"UTF8DespiteLatin1Declaration", `<meta charset="iso-8859-1"><p>café</p>`, `<meta charset="iso-8859-1"><p>café</p>`},
		{"UTF16BOM", "\xff\xfe<\x00p\x00>\x00h\x00i\x00", "<p>hi"},
		{"SoftHyphensRemoved", "<p>extra\u00adordinary</p>", "<p>extraordinary</p>"},
		{"NFC", "<p>cafe\u0301</p>", "<p>café</p>"},
		{"InvalidBytesReplaced", "<p>ok \xff\xfe\xfd</p>", "<p>ok ÿþý</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decode([]byte(tt.in)); got != tt.want {
				t.Errorf("decode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRestoreSpaces(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"LinkAfterWord", `<p>, by<a href="x">Alex Kantrowitz</a>. Formerly</p>`, `<p>, by <a href="x">Alex Kantrowitz</a>. Formerly</p>`},
		{"WordAfterInline", `<li><strong>Scheduled shutdowns.</strong>Development databases</li>`, `<li><strong>Scheduled shutdowns.</strong> Development databases</li>`},
		{"AdjacentInlines", `<p><strong>and</strong><strong>Turnitin</strong></p>`, `<p><strong>and</strong> <strong>Turnitin</strong></p>`},
		{"PunctuationStaysTight", `<p>(<a href="x">link</a>), and <em>this</em>.</p>`, `<p>(<a href="x">link</a>), and <em>this</em>.</p>`},
		{"DropCapStaysTight", `<p><b>T</b>he river rose</p>`, `<p><b>T</b>he river rose</p>`},
		{"FootnoteStaysTight", `<p>word<sup>1</sup></p>`, `<p>word<sup>1</sup></p>`},
		{"NoSpacesInChinese", `<p>日本<a href="x">東京</a>です</p>`, `<p>日本<a href="x">東京</a>です</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, err := html.ParseFragment(strings.NewReader(tt.in), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
			if err != nil {
				t.Fatal(err)
			}
			body := &html.Node{Type: html.ElementNode, Data: "body"}
			for _, n := range nodes {
				body.AppendChild(n)
			}
			restoreSpaces(body)
			var b strings.Builder
			for c := body.FirstChild; c != nil; c = c.NextSibling {
				html.Render(&b, c)
			}
			if b.String() != tt.want {
				t.Errorf("restoreSpaces(%s)\n got %s\nwant %s", tt.in, b.String(), tt.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	got := plainText(`<h2>Sub</h2><p>One <b>two</b>,  three &amp; four.</p><ul><li>a</li><li>b</li></ul>` +
		`<table><tr><th>Crop</th><th>2014</th></tr><tr><td>Potatoes</td><td>38</td></tr></table><figure><figcaption>Cap</figcaption></figure>`)
	want := "Sub\n\nOne two, three & four.\n\na\n\nb\n\nCrop 2014\n\nPotatoes 38\n\nCap"
	if got != want {
		t.Errorf("plainText = %q, want %q", got, want)
	}
}

func TestPrepare(t *testing.T) {
	in := `<html><head><base href="https://cdn.example.com/a/"></head><body>` +
		`<p>See <a href="b/c.html">this</a> and <a href="#top">that</a> and <a href="mailto:x@example.com">mail</a>.</p>` +
		`<figure><img src="i.jpg"><figcaption>A <a href="/credit">caption</a></figcaption></figure>` +
		`<figure><img src="j.jpg"></figure>` +
		`<table><tr><td>Text with a <a href="/l">link</a> in running prose.</td><td><a href="/nav1">Nav one</a></td></tr></table>` +
		`</body></html>`
	doc, err := html.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := url.Parse("https://www.example.com/news/story?x=1")
	base := baseURL("https://cdn.example.com/a/", page)
	captions := prepare(doc, base, false).captions
	var b strings.Builder
	html.Render(&b, doc)
	out := b.String()
	for _, want := range []string{
		`href="https://cdn.example.com/a/b/c.html"`,
		`href="https://cdn.example.com/a/#top"`,
		`href="mailto:x@example.com"`,
		`<p>A <a href="https://cdn.example.com/credit">caption</a></p>`,
		`<img src="https://cdn.example.com/a/j.jpg"/>`,
		`<td>Text with a link in running prose.</td>`,
		`<a href="https://cdn.example.com/nav1">Nav one</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("prepared page lacks %s:\n%s", want, out)
		}
	}
	if !captions["acaption"] || len(captions) != 1 {
		t.Errorf("captions = %v, want just \"acaption\"", captions)
	}
}

func TestPrepareBoundsWork(t *testing.T) {
	para := "<p>" + strings.Repeat("word ", 200) + "</p>\n" // 1 KB of text
	in := "<html><head><title>t</title></head><body><script>var x = 1;</script><style>p{}</style><!-- c -->" +
		strings.Repeat(para, maxTextBytes/1000+10) + "<p>LAST PARAGRAPH</p></body></html>"
	doc, err := html.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := url.Parse("https://example.com/a")
	prepare(doc, page, false)
	var b strings.Builder
	html.Render(&b, doc)
	out := b.String()
	for _, gone := range []string{"LAST PARAGRAPH", "<script", "<style", "<!--"} {
		if strings.Contains(out, gone) {
			t.Errorf("prepared page keeps %q", gone)
		}
	}
	if text := textOf(doc); len(text) > maxTextBytes+len(para) || len(text) < maxTextBytes-len(para) {
		t.Errorf("prepared page has %d bytes of text, want about %d", len(text), maxTextBytes)
	}
}
