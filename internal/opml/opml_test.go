package opml

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []Outline
	}{
		{"miniflux.opml", []Outline{
			{Title: "Harbour Gazette", XMLURL: "https://harbour-gazette.example/feed/", HTMLURL: "https://harbour-gazette.example/", Category: "All"},
			{Title: "The Valley Ledger", XMLURL: "https://ledger.example/rss.xml", HTMLURL: "https://ledger.example", Category: "All"},
			{Title: "Lab Notes", XMLURL: "https://labnotes.example/atom.xml", HTMLURL: "https://labnotes.example/", Category: "Science"},
		}},
		{"freshrss.opml", []Outline{
			{Title: "Northern Courier", XMLURL: "https://courier.example/feed.xml", HTMLURL: "https://courier.example/", Category: "Uncategorized"},
			{Title: "Le Quotidien", XMLURL: "https://quotidien.example/rss?section=europe&lang=fr", HTMLURL: "https://quotidien.example/", Category: "World/Europe"},
			{Title: "Atlas Wire", XMLURL: "https://atlaswire.example/world.atom", HTMLURL: "https://atlaswire.example/", Category: "World"},
			{Title: "Tagged Only", XMLURL: "https://tagged.example/feed", Category: "Local/City Hall"},
		}},
		{"feedly.opml", []Outline{
			{Title: "Circuit Weekly", XMLURL: "https://circuit.example/feed", HTMLURL: "https://circuit.example", Category: "Tech"},
			{Title: "Byte & Bolt", XMLURL: "https://byteandbolt.example/rss", HTMLURL: "https://byteandbolt.example", Category: "Tech"},
			{Title: "Riverside Post", XMLURL: "https://riverside-post.example/feeds/all.rss", HTMLURL: "https://riverside-post.example/", Category: "Local"},
		}},
		{"handmade.opml", []Outline{
			{Title: "Café & Crème — Food", XMLURL: "https://cafe-creme.example/feed"},
			{Title: "Spaced Out", XMLURL: "https://spaced.example/rss", HTMLURL: "https://spaced.example/", Category: "Deep/Deeper"},
		}},
		{"latin1.opml", []Outline{
			{Title: "L'Écho de la Vallée", XMLURL: "https://echo-vallee.example/rss", Category: "Région"},
		}},
		{"herald.opml", []Outline{
			{Title: "Harbour Gazette", XMLURL: "https://harbour-gazette.example/feed/", HTMLURL: "https://harbour-gazette.example/",
				Licence: "full", Fulltext: "always", Images: "lead", Every: "30m"},
			{Title: "Gazette Sitemap", XMLURL: "https://harbour-gazette.example/news-sitemap.xml", Kind: "sitemap", Licence: "headline"},
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			got := mustParseFile(t, tt.file)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse:\n%s\nwant\n%s", dump(got), dump(tt.want))
			}
		})
	}
}

// TestParseHostile checks that Parse refuses what no real list holds with
// a clear error, and never panics.
func TestParseHostile(t *testing.T) {
	outlines := func(n int) string {
		return list(strings.Repeat(`<outline text="F" xmlUrl="https://f.example/"/>`, n))
	}
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"TooLarge", list(strings.Repeat(" ", 10<<20)), "larger than 5 MB"},
		{"TooManyFeeds", outlines(MaxOutlines + 1), "more than 10000 feeds"},
		{"TooManyOutlines", list(strings.Repeat(`<outline text="folder"/>`, 100000)), "more than 20000 outlines"},
		{"TooDeep", list(strings.Repeat(`<outline text="d">`, 1000) + strings.Repeat(`</outline>`, 1000)), "nest more than 34 deep"},
		{"TooDeepOtherElements", list(strings.Repeat(`<x>`, 1000) + strings.Repeat(`</x>`, 1000)), "nest more than 34 deep"},
		{"Unclosed", `<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/">`, "not well-formed XML"},
		{"Mismatched", `<opml><body></outline></body></opml>`, "not well-formed XML, line 1"},
		{"BadAttribute", `<opml><body><outline xmlUrl=https://a.example/ /></body></opml>`, "not well-formed XML"},
		{"UnknownEntity", `<opml><body><outline text="&nosuch;" xmlUrl="https://a.example/"/></body></opml>`, "not well-formed XML"},
		{"NotOPML", `<?xml version="1.0"?><rss version="2.0"><channel/></rss>`, "not an OPML list: its root element is <rss>"},
		{"Empty", ``, "not an OPML list: it has no element"},
		{"HTML", `<!DOCTYPE html><html><body>Sign in</body></html>`, "not an OPML list: its root element is <html>"},
		{"UnknownEncoding", `<?xml version="1.0" encoding="x-klingon"?><opml/>`, "x-klingon"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: %v, want an error with %q", err, tt.want)
			}
			if got != nil {
				t.Errorf("Parse returned %d outlines with its error", len(got))
			}
		})
	}
	t.Run("MaxOutlines", func(t *testing.T) {
		got, err := Parse(strings.NewReader(outlines(MaxOutlines)))
		if err != nil || len(got) != MaxOutlines {
			t.Fatalf("Parse: %d outlines, %v", len(got), err)
		}
	})
}

// TestParseNoExternalEntities shows that a list cannot make Herald read
// a file (XXE) or expand entities of its own (billion laughs):
// encoding/xml ignores the DTD, so its entities are unknown, and an
// unknown entity is an error.
func TestParseNoExternalEntities(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOP-SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"File": `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file://` + secret + `">]>` +
			`<opml><body><outline text="&xxe;" xmlUrl="https://a.example/"/></body></opml>`,
		"Laughs": `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
			`<opml><body><outline text="&b;" xmlUrl="https://a.example/"/></body></opml>`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(doc))
			if err == nil || !strings.Contains(err.Error(), "invalid character entity") {
				t.Errorf("Parse: %v, want an unknown entity", err)
			}
			if strings.Contains(fmt.Sprint(got, err), "TOP-SECRET") || strings.Contains(fmt.Sprint(got), "lol") {
				t.Errorf("an entity was expanded: %v %v", got, err)
			}
		})
	}
}

// TestWrite checks that what Write makes is OPML 2.0 a strict parser
// accepts, and that Parse reads back what was written.
func TestWrite(t *testing.T) {
	herald := mustParseFile(t, "herald.opml")
	for _, tt := range []struct {
		name     string
		outlines []Outline
	}{
		{"Miniflux", mustParseFile(t, "miniflux.opml")},
		{"FreshRSS", mustParseFile(t, "freshrss.opml")},
		{"Latin1", mustParseFile(t, "latin1.opml")},
		{"Herald", herald},
		{"None", nil},
		{"Awkward", []Outline{
			{Title: `"Quotes" & <angles> 'too'`, XMLURL: "https://a.example/?a=1&b=2", Category: "x"},
			{Title: "Line\nbreak\tand tab", XMLURL: "https://b.example/"},
			{Title: "back in x", XMLURL: "https://c.example/", Category: "x", Every: "2h"},
			{Title: "", XMLURL: "https://d.example/", Category: "News/World"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, "Herald & friends", tt.outlines); err != nil {
				t.Fatal(err)
			}
			xmllint(t, buf.Bytes())
			got, err := Parse(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, buf.Bytes())
			}
			if !reflect.DeepEqual(got, tt.outlines) {
				t.Errorf("Parse(Write(x)):\n%s\nwant\n%s", dump(got), dump(tt.outlines))
			}
		})
	}
	t.Run("Namespace", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Write(&buf, "t", herald[:1]); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`xmlns:herald="` + Namespace + `"`, `herald:licence="full"`, `herald:every="30m"`, `version="2.0"`} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("Write lacks %s:\n%s", want, buf.String())
			}
		}
	})
	t.Run("NoXMLURL", func(t *testing.T) {
		if err := Write(&bytes.Buffer{}, "t", []Outline{{Title: "Folder"}}); err == nil {
			t.Error("Write took an outline without xmlUrl")
		}
	})
}

// FuzzParse checks that Parse never panics, and that whatever it returns
// writes and reads back the same.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.opml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<opml><body><outline text=" a " category="/b/,c" xmlUrl="x"><outline xmlurl="y"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		outlines, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, "fuzz", outlines); err != nil {
			t.Fatalf("Write: %v", err)
		}
		again, err := Parse(&buf)
		if err != nil {
			t.Fatalf("Parse(Write(Parse(x))): %v", err)
		}
		if !reflect.DeepEqual(again, outlines) {
			t.Errorf("Parse(Write(x)):\n%s\nwant\n%s", dump(again), dump(outlines))
		}
	})
}

func mustParseFile(tb testing.TB, name string) []Outline {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	outlines, err := Parse(f)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return outlines
}

func list(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>t</title></head><body>` + body + `</body></opml>`
}

func dump(outlines []Outline) string {
	var b strings.Builder
	for _, o := range outlines {
		fmt.Fprintf(&b, "\t%+q\n", o)
	}
	return b.String()
}

// xmllint parses doc with Debian's xmllint (libxml2-utils), strict and
// namespace-aware, as internal/web's tests do. It skips when xmllint is
// missing, except in CI.
func xmllint(t *testing.T, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("HERALD_REQUIRE_BROWSER") == "1" {
			t.Fatal("xmllint is not installed, and CI needs it: apt-get install -y libxml2-utils")
		}
		t.Skip("xmllint is not installed (Debian: apt-get install libxml2-utils); skipping the strict parse")
	}
	cmd := exec.Command(bin, "--noout", "--nonet", "-")
	cmd.Stdin = bytes.NewReader(doc)
	// xmllint exits 0 on a namespace error, so any word from it fails.
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("xmllint: %v\n%s\n%s", err, out, doc)
	}
}
