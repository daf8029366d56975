package storetest

import (
	"context"
	"testing"

	"github.com/herald-news/herald"
)

// testSourceImages checks that a source's image policy is kept as given,
// "" (follow the licence) included, by every way a source is read.
func testSourceImages(t *testing.T, s herald.Store) {
	ctx := context.Background()
	for i, p := range []herald.ImagePolicy{"", herald.ImagesAll, herald.ImagesLead, herald.ImagesNone} {
		src := NewFollowedSource(i + 1)
		src.Images = p
		mustAddSource(t, s, src)
		if got := mustFindSource(t, s, src.Slug); got.Images != p {
			t.Errorf("FindSourceBySlug: images %q, want %q", got.Images, p)
		}
	}
	list, err := s.FindSources(ctx)
	if err != nil || len(list) != 4 {
		t.Fatalf("FindSources: %d sources (%v), want 4", len(list), err)
	}
	claimed := mustClaim(t, s, "worker", 10)
	if len(claimed) != 4 {
		t.Fatalf("claimed %d sources, want 4", len(claimed))
	}
	for _, c := range claimed {
		if want := mustFindSource(t, s, c.Slug).Images; c.Images != want {
			t.Errorf("ClaimDueSources %s: images %q, want %q", c.Slug, c.Images, want)
		}
	}

	// Following a removed source again takes the new setting.
	if err := s.RemoveSource(ctx, "followed-outlet-3", false); err != nil {
		t.Fatal(err)
	}
	again := NewFollowedSource(3)
	again.Images = herald.ImagesAll
	mustAddSource(t, s, again)
	if got := mustFindSource(t, s, again.Slug); got.Images != herald.ImagesAll {
		t.Errorf("followed again: images %q, want all", got.Images)
	}
}

// testUpdateSource checks that UpdateSource changes what it names and
// nothing else, and refuses bad values and unknown sources without writing.
func testUpdateSource(t *testing.T, s herald.Store) {
	ctx := context.Background()
	src := NewFollowedSource(1)
	src.Licence = herald.LicenceFull
	mustAddSource(t, s, src)
	before := mustFindSource(t, s, src.Slug)

	v0 := mustVersion(t, s)
	none := herald.ImagesNone
	got, err := s.UpdateSource(ctx, src.Slug, herald.SourceUpdate{Images: &none})
	if err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	want := *before
	want.Images = herald.ImagesNone
	if d := sourceDiff(got, &want); d != "" {
		t.Errorf("UpdateSource images: %s", d)
	}
	if d := sourceDiff(mustFindSource(t, s, src.Slug), &want); d != "" {
		t.Errorf("after UpdateSource images: %s", d)
	}
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after UpdateSource, %d before; want it to grow", v, v0)
	}

	headline, fromLicence := herald.LicenceHeadline, herald.ImagePolicy("")
	got, err = s.UpdateSource(ctx, src.Slug, herald.SourceUpdate{Licence: &headline, Images: &fromLicence})
	if err != nil {
		t.Fatalf("UpdateSource: %v", err)
	}
	want.Licence, want.Images = herald.LicenceHeadline, ""
	if d := sourceDiff(got, &want); d != "" {
		t.Errorf("UpdateSource licence and images: %s", d)
	}
	if got.EffectiveImages() != herald.ImagesNone {
		t.Errorf("effective images %q for a headline source, want none", got.EffectiveImages())
	}

	v1 := mustVersion(t, s)
	bad, badLicence := herald.ImagePolicy("some"), herald.Licence("stolen")
	for name, upd := range map[string]herald.SourceUpdate{
		"BadImages":  {Images: &bad, Licence: &headline},
		"BadLicence": {Licence: &badLicence, Images: &none},
	} {
		if _, err := s.UpdateSource(ctx, src.Slug, upd); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if _, err := s.UpdateSource(ctx, "no-such-source", herald.SourceUpdate{Images: &none}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown source: err = %v, want ENOTFOUND", err)
	}
	if d := sourceDiff(mustFindSource(t, s, src.Slug), &want); d != "" {
		t.Errorf("after refused updates: %s", d)
	}
	if v := mustVersion(t, s); v != v1 {
		t.Errorf("version moved from %d to %d on refused updates", v1, v)
	}
}
