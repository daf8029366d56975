package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

// TestMediaCommands reads the stats of a small store's pictures, asks for
// one source's failures to be fetched again, and reads them again.
func TestMediaCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "herald.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	a, b := storetest.NewArticle(1, "Gazette"), storetest.NewArticle(2, "Times")
	for _, art := range []*herald.Article{a, b} {
		if _, err := s.AddArticle(ctx, art); err != nil {
			t.Fatal(err)
		}
	}
	img := func(n int) herald.ArticleImage {
		role := herald.RoleBody
		if n == 1 || n == 4 {
			role = herald.RoleLead
		}
		return herald.ArticleImage{Role: role, SourceURL: "https://img.example/" + string(rune('0'+n)) + ".jpg"}
	}
	for id, list := range map[int64][]herald.ArticleImage{a.ID: {img(1), img(2), img(3)}, b.ID: {img(4), img(5)}} {
		if err := s.SetArticleImages(ctx, id, list); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []herald.ImageResult{
		{SourceURL: img(1).SourceURL, Status: herald.ImageStored, Media: storetest.NewMedia(1)},
		{SourceURL: img(2).SourceURL, Status: herald.ImageFailed, Reason: "http-404"},
		{SourceURL: img(3).SourceURL, Status: herald.ImageRefused, Reason: "svg"},
		{SourceURL: img(4).SourceURL, Status: herald.ImageFailed, Reason: "http-404"},
	} {
		if err := s.RecordImageResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	stdout, stderr, err := runHerald(t, "", "media", "stats", "--db", db)
	if err != nil {
		t.Fatalf("media stats: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"pictures stored  1\n",
		"originals        120.6 kB (123456 bytes)",
		"variants         774 bytes",
		"STATUS   ADDRESSES\npending  1\nstored   1\nrefused  1\nfailed   2\n",
		"REASON    ADDRESSES\nhttp-404  2\nsvg       1\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("media stats lacks %q:\n%s", want, stdout)
		}
	}

	stdout, stderr, err = runHerald(t, "", "media", "refetch", "--db", db, "--source", "gazette")
	if err != nil || !strings.HasPrefix(stdout, "2 pictures to fetch again") {
		t.Fatalf("media refetch --source gazette: %v\n%s%s", err, stdout, stderr)
	}
	stdout, _, _ = runHerald(t, "", "media", "stats", "--db", db)
	if !strings.Contains(stdout, "pending  3\nstored   1\nrefused  0\nfailed   1\n") || !strings.Contains(stdout, "http-404  1\n") {
		t.Errorf("media stats after refetching the Gazette's:\n%s", stdout)
	}

	if _, _, err := runHerald(t, "", "media", "refetch", "--db", db, "--source", "nowhere"); err == nil || !strings.Contains(message(err), `no source "nowhere"`) {
		t.Errorf("refetch of an unknown source: %v", err)
	}
	if _, stderr, err := runHerald(t, "", "media", "resize", "--db", db); err != errUsage || !strings.Contains(stderr, "herald media stats") {
		t.Errorf("unknown subcommand: %v\n%s", err, stderr)
	}
}
