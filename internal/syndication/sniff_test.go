package syndication

import (
	"strings"
	"testing"
)

func TestLooksLikeFeed(t *testing.T) {
	for _, tt := range []struct {
		name, body, contentType string
		want                    bool
	}{
		{"RSS", `<?xml version="1.0"?><rss version="2.0"><channel/></rss>`, "text/html", true},
		{"RDF", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>`, "", true},
		{"Atom", `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, "text/xml", true},
		{"AtomAfterLongComment", "<!--" + strings.Repeat("x", 10000) + "--><feed/>", "", true},
		{"Sitemap", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>`, "", true},
		{"SitemapIndex", `<sitemapindex/>`, "", true},
		{"JSONFeed", `{"version": "https://jsonfeed.org/version/1.1", "items": []}`, "application/json", true},
		{"JSONFeedCut", `{"version":"https://jsonfeed.org/version/1","title":"x","items":[{"id":`, "", true},
		{"OtherJSON", `{"status": "ok"}`, "application/feed+json", false},
		{"HTMLPage", "<!DOCTYPE html><html><head></head></html>", "application/rss+xml", false},
		{"HTMLWithFeedDoctypeLater", "\n\n  <html>", "", false},
		{"OPML", `<opml version="2.0"/>`, "", false},
		{"EmptyButFeedType", "", "application/rss+xml; charset=utf-8", true},
		{"EmptyNoType", "", "", false},
		{"TextButFeedType", "garbage", "application/atom+xml", true},
		{"TextHTMLType", "garbage", "text/html", false},
		{"UTF16RSS", "\xff\xfe<\x00r\x00s\x00s\x00>\x00", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := LooksLikeFeed([]byte(tt.body), tt.contentType); got != tt.want {
				t.Errorf("LooksLikeFeed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestToUTF8(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"UTF8Untouched", "<a>café</a>", "<a>café</a>"},
		{"BOMStripped", "\xef\xbb\xbf<a/>", "<a/>"},
		{"Windows1252WithoutDeclaration", "<a>caf\xe9 \x80</a>", "<a>café €</a>"},
		{"Windows1252DeclaredUTF8", "<?xml version=\"1.0\" encoding=\"utf-8\"?><a>caf\xe9</a>", `<?xml version="1.0" encoding="utf-8"?><a>café</a>`},
		{"UTF8MislabelledLatin1", `<?xml version="1.0" encoding="ISO-8859-1"?><a>café</a>`, `<?xml version="1.0" encoding="utf-8"?><a>café</a>`},
		{"Latin1LeftToDecoder", "<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>", "<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>"},
		{"UnknownCharsetUTF8", `<?xml version="1.0" encoding="bogus"?><a>café</a>`, `<?xml version="1.0" encoding="utf-8"?><a>café</a>`},
		{"UTF16LE", "\xff\xfe<\x00?\x00x\x00m\x00l\x00 \x00e\x00n\x00c\x00o\x00d\x00i\x00n\x00g\x00=\x00\"\x00u\x00t\x00f\x00-\x001\x006\x00\"\x00?\x00>\x00<\x00a\x00/\x00>\x00",
			`<?xml encoding="utf-8"?><a/>`},
		{"UTF16BEWithoutBOM", "\x00<\x00a\x00/\x00>", "<a/>"},
		{"DeclaredUTF16But8Bit", `<?xml version="1.0" encoding="UTF-16"?><a>é</a>`, `<?xml version="1.0" encoding="utf-8"?><a>é</a>`},
		{"JSONLeftAlone", "{\"a\": \"caf\xe9\"}", "{\"a\": \"caf\xe9\"}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(toUTF8([]byte(tt.in))); got != tt.want {
				t.Errorf("toUTF8(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
