package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/ingest"
	"github.com/herald-news/herald/internal/sqlite"
)

func mustOpen(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "herald.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

const good = `{"url":"https://a.example/1","title":"One","text":"Body one.","source":"A News","source_url":"https://a.example/","licence":"full","published_at":"2026-03-01T10:00:00Z","extra":"ignored"}`

func TestImportRejectsBadLines(t *testing.T) {
	huge := `{"url":"https://a.example/huge","title":"Huge","text":"` + strings.Repeat("word ", 1024*1024) + `","source":"A"}`
	tests := []struct {
		name, line, want string
	}{
		{"MalformedJSON", `{"url": "https://a.example/2", "title": `, "not valid JSON"},
		{"NotAnObject", `[1, 2]`, "not an object"},
		{"WrongType", `{"url":"https://a.example/2","title":5,"text":"x","source":"A"}`, `field "title" must be a string`},
		{"MissingTitle", `{"url":"https://a.example/2","text":"x","source":"A"}`, "title is required"},
		{"MissingURL", `{"title":"T","text":"x","source":"A"}`, "url is required"},
		{"RelativeURL", `{"url":"/2","title":"T","text":"x","source":"A"}`, "not an http or https URL"},
		{"MissingBody", `{"url":"https://a.example/2","title":"T","source":"A"}`, "a body (html or text) is required"},
		{"MissingSource", `{"url":"https://a.example/2","title":"T","text":"x"}`, "source is required"},
		{"BadDate", `{"url":"https://a.example/2","title":"T","text":"x","source":"A","published_at":"yesterday"}`, "not an RFC 3339 time"},
		{"UnknownLicence", `{"url":"https://a.example/2","title":"T","text":"x","source":"A","licence":"stolen"}`, `licence "stolen" is not one of`},
		{"HugeBody", huge, "body is 5.0 MB; the limit is 2 MB"},
		{"OnlyMarkup", `{"url":"https://a.example/2","title":"T","html":"<script>x()</script>","source":"A"}`, "no text once cleaned"},
		// The checks of check.go: each report names the field.
		{"ZeroTime", lineWith(`"published_at":"0001-01-01T00:00:00Z"`), "published_at 0001-01-01T00:00:00Z is before 1900"},
		{"Before1900", lineWith(`"published_at":"1899-12-31T23:59:59Z"`), "published_at 1899-12-31T23:59:59Z is before 1900"},
		{"TitleLatin1", lineWith("\"title\":\"Caf\xe9 licences\""), `title is not valid UTF-8: byte 0xE9 after "Caf"; is the file in another encoding`},
		{"HTMLLatin1", lineWith("\"html\":\"<p>Stra\xdfe</p>\""), `html is not valid UTF-8: byte 0xDF after "<p>Stra"`},
		{"BylineLatin1", lineWith("\"byline\":\"Fran\xe7ois Dubois\""), `byline is not valid UTF-8: byte 0xE7 after "Fran"`},
		{"BylineAtStart", lineWith("\"byline\":\"\xff\""), `byline is not valid UTF-8: byte 0xFF at the start`},
		{"TitleLoneSurrogate", lineWith(`"title":"Smile \ud83d please"`), `title holds \ud83d after "Smile ": half of a UTF-16 surrogate pair`},
		{"TextLowSurrogateAlone", lineWith(`"text":"x \ude00"`), `text holds \ude00 after "x ": half of a UTF-16 surrogate pair`},
		{"FieldNameInAnyCase", lineWith("\"Title\":\"Caf\xe9\""), `title is not valid UTF-8`},
		{"LangNotWellFormed", lineWith(`"lang":"xx-!!"`), `lang "xx-!!" is not a BCP 47 language tag such as en, en-GB or pt-BR`},
		{"LangUnknown", lineWith(`"lang":"xx"`), `lang "xx" is not a BCP 47 language tag`},
		{"LangCutShort", lineWith(`"lang":"en-"`), `lang "en-" is not a BCP 47 language tag`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpen(t)
			var rejects []string
			im := &ingest.Importer{
				Pipeline: &ingest.Pipeline{Articles: db},
				OnReject: func(no int, err error) {
					rejects = append(rejects, fmt.Sprintf("line %d: %s", no, herald.ErrorMessage(err)))
				},
			}
			input := good + "\n" + tt.line + "\n"
			prog, err := im.Import(context.Background(), strings.NewReader(input))
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if prog.Imported != 1 || prog.Rejected != 1 || len(rejects) != 1 {
				t.Fatalf("progress %+v, rejects %q; want 1 imported and 1 rejected", prog, rejects)
			}
			if !strings.HasPrefix(rejects[0], "line 2: ") || !strings.Contains(rejects[0], tt.want) {
				t.Errorf("reject = %q, want line 2 and %q", rejects[0], tt.want)
			}
			list, _, err := db.FindArticles(context.Background(), herald.ArticleFilter{})
			if err != nil || len(list) != 1 {
				t.Errorf("store holds %d articles (%v), want only the good one", len(list), err)
			}
		})
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	db := mustOpen(t)
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db}}
	var input strings.Builder
	for i := range 50 {
		fmt.Fprintf(&input, `{"url":"https://a.example/%d","title":"Title %d","html":"<p>Body %d</p>","source":"A News"}`+"\n\n", i, i, i)
	}
	first, err := im.Import(context.Background(), strings.NewReader(input.String()))
	if err != nil || first.Imported != 50 {
		t.Fatalf("first import: %+v, %v", first, err)
	}
	v1, _ := db.Version(context.Background())
	second, err := im.Import(context.Background(), strings.NewReader(input.String()))
	if err != nil || second.Imported != 0 || second.Skipped != 50 || second.Rejected != 0 {
		t.Fatalf("second import: %+v, %v; want all 50 skipped", second, err)
	}
	if v2, _ := db.Version(context.Background()); v2 != v1 {
		t.Errorf("store version moved from %d to %d on a repeated import", v1, v2)
	}
}

// TestStoredLinesAreNotPreparedAgain imports lines whose addresses are
// stored with bodies that cleaning would refuse: they are passed over as
// stored, which shows they were looked up before any cleaning.
func TestStoredLinesAreNotPreparedAgain(t *testing.T) {
	db := mustOpen(t)
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db}}
	var first, again strings.Builder
	for i := range 20 {
		fmt.Fprintf(&first, `{"url":"https://a.example/%d","title":"Title %d","html":"<p>Body %d</p>","source":"A News"}`+"\n", i, i, i)
		fmt.Fprintf(&again, `{"url":" https://a.example/%d ","title":"Title %d","html":"<p></p>","source":"A News"}`+"\n", i, i)
	}
	fmt.Fprintf(&again, `{"url":"https://a.example/new","title":"New","html":"<p></p>","source":"A News"}`+"\n")
	if p, err := im.Import(context.Background(), strings.NewReader(first.String())); err != nil || p.Imported != 20 {
		t.Fatalf("first import: %+v, %v", p, err)
	}
	p, err := im.Import(context.Background(), strings.NewReader(again.String()))
	if err != nil || p.Skipped != 20 || p.Rejected != 1 || p.Imported != 0 {
		t.Fatalf("second import: %+v, %v; want 20 stored lines skipped and the new empty one rejected", p, err)
	}
}

func TestImportKeepsFileOrder(t *testing.T) {
	db := mustOpen(t)
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db}, Workers: 4}
	var input strings.Builder
	for i := range 200 {
		fmt.Fprintf(&input, `{"url":"https://a.example/%d","title":"T","text":"%s","source":"A","published_at":"2026-03-01T10:00:00Z"}`+"\n",
			i, strings.Repeat("w ", (i*37)%500+1))
	}
	if _, err := im.Import(context.Background(), strings.NewReader(input.String())); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		a, err := db.FindArticleByID(context.Background(), int64(i+1))
		if err != nil || a.OriginalURL != fmt.Sprintf("https://a.example/%d", i) {
			t.Fatalf("article %d is %v (%v); want line %d's", i+1, a, err, i+1)
		}
	}
}

func TestImportStopsOnCancel(t *testing.T) {
	db := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	im := &ingest.Importer{Pipeline: &ingest.Pipeline{Articles: db}, OnProgress: func(p ingest.Progress) {
		if p.Lines == 10 {
			cancel()
		}
	}}
	var input strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&input, `{"url":"https://a.example/%d","title":"T","text":"x","source":"A"}`+"\n", i)
	}
	prog, err := im.Import(ctx, strings.NewReader(input.String()))
	if err == nil || prog.Imported >= 1000 {
		t.Errorf("import went on after cancel: %+v, %v", prog, err)
	}
}

func TestSanitisedOnTheWayIn(t *testing.T) {
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db}
	a, _, err := p.Add(context.Background(), ingest.Item{
		URL: "https://a.example/x", Title: "  Hostile\n  page ", Source: "A",
		HTML: `<p>Hello <b onmouseover="x()">there</b></p><script>alert(1)</script><img src=x onerror=alert(1)>` +
			`<a href="javascript:alert(1)">link</a><iframe src="https://evil.example/"></iframe><h1>Sub</h1>`,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"script", "onmouseover", "onerror", "javascript:", "iframe", "<h1"} {
		if strings.Contains(a.HTML, bad) {
			t.Errorf("stored HTML keeps %q: %s", bad, a.HTML)
		}
	}
	if a.Title != "Hostile page" || !strings.Contains(a.Text, "Hello there") || !strings.Contains(a.HTML, "<h2>Sub</h2>") {
		t.Errorf("title %q text %q html %q", a.Title, a.Text, a.HTML)
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(`{"published_at": "2026-13-45T99:00:00Z"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"published_at": "0001-01-01T00:00:00Z", "lang": "en_gb"}`))
	f.Add([]byte("{\"title\": \"Caf\xe9 \\ud83d\\ude00 \\udc00 \\\\ud800 \ufffd\", \"Byline\": \"\\u0000\"}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		it, err := ingest.ParseLine(b)
		if err != nil {
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("ParseLine error %v is not EINVALID", err)
			}
			return
		}
		// What ParseLine accepts has passed its checks.
		for _, s := range []string{it.URL, it.Title, it.Byline, it.HTML, it.Text, it.Source, it.SourceURL, it.Licence, it.Image, it.Lang} {
			if !utf8.ValidString(s) {
				t.Fatalf("ParseLine accepted invalid UTF-8: %q", s)
			}
		}
		if !it.PublishedAt.IsZero() && it.PublishedAt.Year() < herald.EarliestPublishedYear {
			t.Fatalf("ParseLine accepted published_at %v", it.PublishedAt)
		}
		if it.Lang != "" {
			if tag, err := language.Parse(it.Lang); err != nil || tag.String() != it.Lang {
				t.Fatalf("ParseLine accepted lang %q, not a canonical tag (%v)", it.Lang, err)
			}
		}
		// (bytes.ContainsRune would also find invalid bytes: not wanted here.)
		if !bytes.Contains(b, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) {
			for _, s := range []string{it.Title, it.Byline, it.HTML, it.Text} {
				if strings.ContainsRune(s, utf8.RuneError) {
					t.Fatalf("ParseLine let a replacement character in: %q from %q", s, b)
				}
			}
		}
	})
}

// TestConcurrentCopiesFindEachOther adds copies of one text from many
// goroutines at once, as the follower's workers do: exactly one copy gets
// the page, and every other points to it.
func TestConcurrentCopiesFindEachOther(t *testing.T) {
	db := mustOpen(t)
	p := &ingest.Pipeline{Articles: db}
	var body strings.Builder
	for i := range 40 {
		fmt.Fprintf(&body, "Sentence %d tells how the harbour wall vote number %d went late on Tuesday night. ", i, i*3)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := p.Add(context.Background(), ingest.Item{URL: fmt.Sprintf("https://outlet%d.example/wall", i),
				Title: "Wall vote", Text: body.String(), Source: fmt.Sprintf("Outlet %d", i), Licence: "excerpt"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	shown, _, err := db.FindArticles(context.Background(), herald.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) != 1 || len(shown[0].Copies) != n {
		t.Fatalf("%d articles shown; want 1 with %d copies", len(shown), n)
	}
}
