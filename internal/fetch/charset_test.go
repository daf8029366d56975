package fetch

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// minifluxCorpus is miniflux's charset test files, shared beside the
// repository; the tests that need it skip when it is absent.
const minifluxCorpus = "../../../shared/corpus/feeds/miniflux/internal/reader"

// charsetCase is a document served with a Content-Type, and what decoding
// it must give.
type charsetCase struct {
	file        string   // under testdata/, or the corpus
	contentType string   // as the server sends it
	charset     string   // Response.Charset wanted
	contains    []string // text the UTF-8 body must contain
}

// serveFiles serves each case's file at /<index> with its Content-Type.
func serveFiles(tb testing.TB, dir string, cases []charsetCase) *server {
	tb.Helper()
	bodies := make(map[string][]byte)
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			tb.Fatal(err)
		}
		bodies["/"+c.file+"?"+c.contentType] = b
	}
	return newServer(tb, noRobots(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path+"?"+r.URL.Query().Get("ct")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if ct := r.URL.Query().Get("ct"); ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil
		}
		w.Write(b)
	}))
}

// checkCharsets fetches each case from s and checks the decoded body.
func checkCharsets(t *testing.T, s *server, cases []charsetCase) {
	t.Helper()
	c := New(testConfig())
	for _, tt := range cases {
		t.Run(tt.file+"/"+tt.contentType, func(t *testing.T) {
			req := s.URL + "/" + tt.file + "?ct=" + url.QueryEscape(tt.contentType)
			resp := mustGet(t, c, Request{URL: req})
			if resp.Charset != tt.charset {
				t.Errorf("charset = %q, want %q", resp.Charset, tt.charset)
			}
			if !utf8.Valid(resp.Body) {
				t.Errorf("body is not valid UTF-8")
			}
			for _, want := range tt.contains {
				if !bytes.Contains(resp.Body, []byte(want)) {
					t.Errorf("body does not contain %q:\n%s", want, head(resp.Body))
				}
			}
			if enc, ok := xmlDeclEncoding(resp.Body); ok && !strings.EqualFold(enc, "utf-8") {
				t.Errorf("XML declaration still says %q in a UTF-8 body", enc)
			}
		})
	}
}

func head(b []byte) []byte { return b[:min(len(b), 300)] }

func TestGetCharsets(t *testing.T) {
	t.Parallel()
	cases := []charsetCase{
		{"cp1251-no-decl.xml", "application/rss+xml; charset=windows-1251", "windows-1251", []string{"Новости дня", "Москва: главное"}},
		{"cp1251-no-decl.xml", "application/rss+xml; charset=\"CP1251\"", "windows-1251", []string{"Новости дня"}},
		{"latin1-decl.xml", "application/rss+xml", "windows-1252", []string{"Société générale - à Paris", `encoding="utf-8"`}},
		{"latin1-decl.xml", "text/xml; charset=utf-8", "windows-1252", []string{"Société générale"}}, // the header is wrong; the bytes are not UTF-8
		{"meta-late-cp1251.html", "text/html", "windows-1251", []string{"Последние новости", "Привет, мир"}},
		{"meta-late-cp1251.html", "", "windows-1251", []string{"Привет, мир"}},
		{"undeclared-1252.html", "text/html", "windows-1252", []string{"“Quoted” costs 5 €, naïve café."}},
		{"utf16le-bom.xml", "application/xml", "utf-16le", []string{"Grüße aus Köln", `encoding="utf-8"`}},
		{"utf16le-bom.xml", "application/xml; charset=iso-8859-1", "utf-16le", []string{"Grüße aus Köln"}}, // the BOM wins
	}
	checkCharsets(t, serveFiles(t, "testdata", cases), cases)
}

func TestGetCharsetsMinifluxCorpus(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(minifluxCorpus); err != nil {
		t.Skipf("miniflux corpus not found at %s (it lives in shared/corpus beside the repository): %v", minifluxCorpus, err)
	}
	cases := []charsetCase{
		// Declared in the HTTP header.
		{"parser/testdata/encoding_WINDOWS-1251.xml", "application/rss+xml; charset=windows-1251", "windows-1251", []string{"Новый цитатник Рунета"}},
		{"encoding/testdata/iso-8859-1.xml", "text/html; charset=ISO-8859-1", "windows-1252", []string{"Café", "Présentation"}},
		{"encoding/testdata/utf8.html", "text/html; charset=UTF-8", "utf-8", []string{"Café"}},
		// Declared in the XML declaration only.
		{"parser/testdata/encoding_WINDOWS-1251.xml", "application/rss+xml", "windows-1251", []string{"Новый цитатник Рунета"}},
		{"parser/testdata/encoding_ISO-8859-1.xml", "application/rss+xml", "windows-1252", []string{"wünschen", "Übertragungen"}},
		{"encoding/testdata/iso-8859-1.xml", "", "windows-1252", []string{"Café"}},
		{"encoding/testdata/windows-1252.xml", "application/xml", "windows-1252", []string{"Euro €"}},
		{"encoding/testdata/koi8r.xml", "application/xml", "koi8-r", []string{"Пример"}},
		{"xml/testdata/iso88591.xml", "application/xml", "windows-1252", []string{"Anaïs", "Jürgen"}},
		// Declared wrongly: the bytes are UTF-8 whatever the prolog says.
		{"encoding/testdata/utf8-incorrect-prolog.xml", "application/xml", "utf-8", []string{"Café"}},
		{"encoding/testdata/windows-1252-incorrect-prolog.xml", "application/xml", "utf-8", []string{"Euro €"}},
		{"encoding/testdata/invalid-prolog.xml", "application/xml", "utf-8", []string{"Café"}},
		// Declared UTF-8, but the bytes are ISO-8859-1.
		{"xml/testdata/iso88591_utf8_mismatch.xml", "application/xml", "windows-1252", []string{"Anaïs", "Jürgen"}},
		// Not declared at all.
		{"parser/testdata/no_encoding_ISO-8859-1.xml", "application/rss+xml", "windows-1252", []string{"d'études", "être"}},
		// <meta charset>, before and after the first 1,024 bytes.
		{"encoding/testdata/iso-8859-1.html", "text/html", "windows-1252", []string{"Frédéric", "Café"}},
		{"encoding/testdata/iso-8859-1-meta-after-1024.html", "text/html", "windows-1252", []string{"Frédéric", "Café"}},
		{"encoding/testdata/utf8-meta-after-1024.html", "text/html", "utf-8", []string{"Frédéric", "Café"}},
		{"parser/testdata/urdu_UTF8.xml", "application/rss+xml", "utf-8", nil},
	}
	checkCharsets(t, serveFiles(t, minifluxCorpus, cases), cases)
}

func TestDecodeText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body string
		want, charset           string
	}{
		{"ASCII", "text/plain", "plain", "plain", "utf-8"},
		{"UTF8BOMStripped", "text/plain", "\xef\xbb\xbfhé", "hé", "utf-8"},
		{"UTF16BEBOM", "text/plain", "\xfe\xff\x00h\x00\xe9", "hé", "utf-16be"},
		{"UTF16XMLWithoutBOM", "application/xml", "<\x00?\x00x\x00m\x00l\x00 \x00?\x00>\x00", `<?xml ?>`, "utf-16le"},
		{"HeaderBeatsMeta", "text/html; charset=windows-1251", `<meta charset="iso-8859-2">` + "\xe4", `<meta charset="iso-8859-2">д`, "windows-1251"},
		{"MetaHTTPEquiv", "text/html", `<meta http-equiv="content-type" content="text/html; charset='iso-8859-2'">` + "\xb1", `<meta http-equiv="content-type" content="text/html; charset='iso-8859-2'">ą`, "iso-8859-2"},
		{"MetaInCommentIgnored", "text/html", "<!-- <meta charset=koi8-r> -->\xe9", "<!-- <meta charset=koi8-r> -->é", "windows-1252"},
		{"MetaInBodyIgnored", "text/html", "<body><meta charset=koi8-r>\xe9", "<body><meta charset=koi8-r>é", "windows-1252"},
		{"MetaNotReadInXML", "application/xml", "<x><meta charset=koi8-r/>\xe9</x>", "<x><meta charset=koi8-r/>é</x>", "windows-1252"},
		{"UnknownLabelIgnored", "text/plain; charset=x-unheard-of", "caf\xc3\xa9", "café", "utf-8"},
		{"ReplacementLabelIgnored", "text/plain; charset=iso-2022-kr", "caf\xc3\xa9", "café", "utf-8"},
		{"MostlyUTF8KeepsUTF8", "text/plain", "é è ê \xff", "é è ê \uFFFD", "utf-8"},
		{"DeclaredUTF16InDocumentIgnored", "text/html", `<meta charset="utf-16">é`, `<meta charset="utf-16">é`, "utf-8"},
		{"BadContentType", "text/html; charset", "caf\xe9", "café", "windows-1252"},
		{"MetaContentLengthChangingBytes", "text/html", "<meta http-equiv=content-type content=\"\x90ChArset=koi8-r\">", "<meta http-equiv=content-type content=\"\u2591ChArset=koi8-r\">", "koi8-r"},
		{"XMLDeclRewritten", "application/xml", `<?xml version='1.0' encoding='KOI8-R'?><a>` + "\xf0", `<?xml version='1.0' encoding='utf-8'?><a>П`, "koi8-r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, charset := decodeText([]byte(tt.body), tt.contentType)
			if string(got) != tt.want || charset != tt.charset {
				t.Errorf("decodeText = %q, %q; want %q, %q", got, charset, tt.want, tt.charset)
			}
		})
	}
}

func FuzzDecodeText(f *testing.F) {
	for _, name := range []string{"cp1251-no-decl.xml", "latin1-decl.xml", "meta-late-cp1251.html", "undeclared-1252.html", "utf16le-bom.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "text/html")
		f.Add(b, "application/xml; charset=utf-8")
	}
	f.Add([]byte("\xfe\xff\xd8"), "text/plain")
	f.Add([]byte(`<?xml version="1.0" encoding="shift_jis"?>`+"\x82\xa0\x82"), "")
	f.Add([]byte("<meta charset=gb18030>\x81\x30"), "text/html")
	f.Add([]byte("\x1b$B"), "text/plain; charset=iso-2022-jp")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		in := bytes.Clone(body)
		out, charset := decodeText(body, contentType)
		if !utf8.Valid(out) {
			t.Errorf("decodeText(%q, %q) = %q, not valid UTF-8", body, contentType, out)
		}
		if charset == "" {
			t.Errorf("decodeText(%q, %q) named no charset", body, contentType)
		}
		if !bytes.Equal(body, in) {
			t.Errorf("decodeText changed its input")
		}
		if utf8.Valid(body) && !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) && charset == "utf-8" {
			if _, ok := xmlDeclEncoding(body); !ok && !bytes.Equal(out, body) {
				t.Errorf("valid UTF-8 %q came out changed as %q", body, out)
			}
		}
	})
}
