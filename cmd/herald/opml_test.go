package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// TestSourceImportExport imports a list, exports it, and imports the
// export into a fresh store, which then follows the same sources with the
// same settings.
func TestSourceImportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "herald.db")
	list := filepath.Join("testdata", "sources.opml")

	out, stderr, err := runHerald(t, "", "source", "import", list, "--db", db, "--licence", "full")
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		`"Gopher Hole" gopher://hole.example/feed: "gopher://hole.example/feed" is not an http or https URL`,
		`"Too Eager" https://eager.example/rss: every 1m0s is outside 5m0s to 24h0m0s`,
		`"Pirate Copy" https://pirate.example/rss: licence "stolen" is not one of full, excerpt or headline`,
		"added 4, skipped 1 (already followed), failed 3",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("import stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(out, "added Harbour Gazette (harbour-gazette): feed https://harbour-gazette.example/feed/, licence full, the lead picture") {
		t.Errorf("import stdout:\n%s", out)
	}
	want := []herald.Source{
		{Slug: "atlas-wire", Name: "Atlas Wire", FeedURL: "https://atlaswire.example/world.atom", Kind: herald.KindFeed,
			Licence: herald.LicenceHeadline, Fulltext: herald.FulltextNever},
		{Slug: "gazette-sitemap", Name: "Gazette sitemap", FeedURL: "https://harbour-gazette.example/news-sitemap.xml", Kind: herald.KindSitemap,
			Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto, Every: 2 * time.Hour},
		{Slug: "harbour-gazette", Name: "Harbour Gazette", FeedURL: "https://harbour-gazette.example/feed/", Homepage: "https://harbour-gazette.example/",
			Kind: herald.KindFeed, Licence: herald.LicenceFull, Fulltext: herald.FulltextAlways, Images: herald.ImagesLead, Every: 30 * time.Minute},
		{Slug: "riverside-post", Name: "Riverside Post", FeedURL: "https://riverside-post.example/feeds/all.rss", Homepage: "https://riverside-post.example/",
			Kind: herald.KindFeed, Licence: herald.LicenceFull, Fulltext: herald.FulltextAuto},
	}
	if got := followedSources(t, db); !reflect.DeepEqual(got, want) {
		t.Fatalf("after import:\n%+v\nwant\n%+v", got, want)
	}

	t.Run("Again", func(t *testing.T) {
		_, stderr, err := runHerald(t, "", "source", "import", list, "--db", db)
		if err != nil || !strings.Contains(stderr, "added 0, skipped 5 (already followed), failed 3") {
			t.Errorf("import again: %v\n%s", err, stderr)
		}
	})

	exported := filepath.Join(dir, "export.opml")
	if _, stderr, err := runHerald(t, "", "source", "export", "--db", db, "-o", exported); err != nil ||
		!strings.Contains(stderr, "exported 4 sources to "+exported) {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	file, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runHerald(t, "", "source", "export", "--db", db)
	if err != nil || stdout != string(file) {
		t.Errorf("export to stdout: %v\n%s\nwant the file:\n%s", err, stdout, file)
	}

	fresh := filepath.Join(dir, "fresh.db")
	if _, stderr, err := runHerald(t, "", "source", "import", exported, "--db", fresh, "--licence", "headline"); err != nil ||
		!strings.Contains(stderr, "added 4, skipped 0 (already followed), failed 0") {
		t.Fatalf("import the export: %v\n%s", err, stderr)
	}
	if got := followedSources(t, fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("after the round trip:\n%+v\nwant\n%+v", got, want)
	}

	t.Run("RemovedNotExported", func(t *testing.T) {
		if _, _, err := runHerald(t, "", "source", "remove", "riverside-post", "--db", fresh); err != nil {
			t.Fatal(err)
		}
		out, _, err := runHerald(t, "", "source", "export", "--db", fresh)
		if err != nil || strings.Contains(out, "riverside") || !strings.Contains(out, "atlaswire") {
			t.Errorf("export after remove: %v\n%s", err, out)
		}
	})
}

func TestSourceImportDryRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	// The flags around the file, as moveFlagsFirst allows.
	out, stderr, err := runHerald(t, "", "source", "import", "--dry-run", filepath.Join("testdata", "sources.opml"), "--db", db, "--licence", "headline")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"would add Riverside Post: feed https://riverside-post.example/feeds/all.rss, licence headline, no pictures",
		"would add Harbour Gazette: feed https://harbour-gazette.example/feed/, licence full",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "dry run, nothing written: would add 4, skip 1 (already followed), fail 3") {
		t.Errorf("dry run stderr:\n%s", stderr)
	}
	if got := followedSources(t, db); len(got) != 0 {
		t.Errorf("a dry run added %d sources", len(got))
	}
}

// TestSourceImportHostile checks that a list Herald refuses is refused
// whole, with a clear message, and adds nothing.
func TestSourceImportHostile(t *testing.T) {
	feeds := func(n int) string {
		return strings.Repeat(`<outline text="F" xmlUrl="https://f.example/"/>`, n)
	}
	wrap := func(body string) string {
		return `<?xml version="1.0"?><opml version="2.0"><body>` + body + `</body></opml>`
	}
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"TenMegabytes", wrap(strings.Repeat(" ", 10<<20)), "larger than 5 MB"},
		{"HundredThousandOutlines", wrap(feeds(100000)), "more than 10000 feeds"},
		{"ThousandDeep", wrap(strings.Repeat(`<outline text="d">`, 1000) + strings.Repeat(`</outline>`, 1000)), "nest more than 34 deep"},
		{"InvalidXML", wrap(`<outline text="a" xmlUrl="https://a.example/">`), "not well-formed XML"},
		{"BrokenAfterFeeds", `<opml><body>` + `<outline text="Good" xmlUrl="https://good.example/"/>` + `<outline text="bad`, "not well-formed XML"},
		{"NotOPML", `<rss version="2.0"><channel/></rss>`, "not an OPML list"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file, db := filepath.Join(dir, "list.opml"), filepath.Join(dir, "herald.db")
			if err := os.WriteFile(file, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := runHerald(t, "", "source", "import", file, "--db", db)
			if err == nil || !strings.Contains(message(err), tt.want) || !strings.HasPrefix(message(err), file+": opml: ") {
				t.Fatalf("import: %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(db); err == nil {
				if got := followedSources(t, db); len(got) != 0 {
					t.Errorf("a refused list added %d sources", len(got))
				}
			}
		})
	}
}

// followedSources returns the followed sources of the store at db, by
// slug, with only what an OPML list carries.
func followedSources(t *testing.T, db string) []herald.Source {
	t.Helper()
	ctx := context.Background()
	store, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sources, err := store.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []herald.Source
	for _, s := range sources {
		if s.Following() {
			got = append(got, herald.Source{Slug: s.Slug, Name: s.Name, FeedURL: s.FeedURL, Homepage: s.Homepage,
				Kind: s.Kind, Licence: s.Licence, Fulltext: s.Fulltext, Images: s.Images, Every: s.Every})
		}
	}
	return got
}
