package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/herald-news/herald"
)

// testBackfill checks the two methods that fingerprint articles stored
// before near-duplicate detection: which articles count as
// unfingerprinted, paging through them, and that a fingerprint set later
// is found by FindCopyCandidates like one stored with the article.
func testBackfill(t *testing.T, s herald.Store) {
	ctx := context.Background()
	old1, old2, old3 := NewArticle(1, "Alpha News"), NewArticle(2, "Alpha News"), NewArticle(3, "Beta Times")
	for _, a := range []*herald.Article{old1, old2, old3} {
		mustAdd(t, s, a) // no fingerprint, as before migration 0003
	}
	fresh := newCopy(4, "Beta Times", herald.LicenceFull, 0, fingerprint(hashB, band4))
	mustAdd(t, s, fresh)

	unfingerprinted := func(after int64, limit int) []int64 {
		t.Helper()
		list, err := s.FindUnfingerprinted(ctx, after, limit)
		if err != nil {
			t.Fatalf("FindUnfingerprinted(%d, %d): %v", after, limit, err)
		}
		for _, a := range list {
			if a.Text == "" || a.Source == nil {
				t.Errorf("FindUnfingerprinted: article %d lacks its text or source", a.ID)
			}
		}
		return articleIDs(list)
	}
	if got, want := unfingerprinted(0, 10), []int64{old1.ID, old2.ID, old3.ID}; !slices.Equal(got, want) {
		t.Errorf("FindUnfingerprinted(0, 10) = %v; want %v, in ID order, without %d", got, want, fresh.ID)
	}
	if got, want := unfingerprinted(old1.ID, 1), []int64{old2.ID}; !slices.Equal(got, want) {
		t.Errorf("FindUnfingerprinted(%d, 1) = %v; want %v", old1.ID, got, want)
	}

	if err := s.SetFingerprint(ctx, old1.ID, fingerprint(hashA, band1, band2)); err != nil {
		t.Fatalf("SetFingerprint: %v", err)
	}
	if err := s.SetFingerprint(ctx, old2.ID, herald.Fingerprint{}); err != nil {
		t.Fatalf("SetFingerprint with an empty fingerprint: %v", err)
	}
	if got, want := unfingerprinted(0, 10), []int64{old3.ID}; !slices.Equal(got, want) {
		t.Errorf("after SetFingerprint, FindUnfingerprinted = %v; want only %v", got, want)
	}
	for _, q := range []struct {
		name  string
		hash  uint64
		bands []uint64
	}{{"by hash", hashA, nil}, {"by band", hashC, []uint64{band2}}} {
		list, err := s.FindCopyCandidates(ctx, q.hash, q.bands, 10)
		if err != nil {
			t.Fatalf("FindCopyCandidates %s: %v", q.name, err)
		}
		if got := articleIDs(list); !slices.Equal(got, []int64{old1.ID}) {
			t.Errorf("FindCopyCandidates %s after SetFingerprint = %v; want [%d]", q.name, got, old1.ID)
		}
	}

	// Setting it again replaces the bands rather than adding to them.
	if err := s.SetFingerprint(ctx, old1.ID, fingerprint(hashA, band3)); err != nil {
		t.Fatalf("SetFingerprint again: %v", err)
	}
	if list, err := s.FindCopyCandidates(ctx, hashC, []uint64{band2}, 10); err != nil || len(list) != 0 {
		t.Errorf("old band after a second SetFingerprint: %v, %v; want no candidates", articleIDs(list), err)
	}

	err := s.SetFingerprint(ctx, 999999, fingerprint(hashC, band5))
	if herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("SetFingerprint of an unknown article = %v; want ENOTFOUND", err)
	}
	tooMany := make([]uint64, 600)
	for i := range tooMany {
		tooMany[i] = uint64(i + 1)
	}
	err = s.SetFingerprint(ctx, old3.ID, herald.Fingerprint{Hash: hashC, Bands: tooMany})
	if herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("SetFingerprint with %d bands = %v; want EINVALID", len(tooMany), err)
	}
	if got := unfingerprinted(0, 10); !slices.Equal(got, []int64{old3.ID}) {
		t.Errorf("a refused SetFingerprint changed the article: unfingerprinted = %v", got)
	}
}
