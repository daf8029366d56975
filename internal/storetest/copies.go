package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/herald-news/herald"
)

// Hashes and band keys with the top bit set, as real ones often have:
// the stores keep them as signed integers and must give back every bit.
const (
	hashA uint64 = 0xf00d_0000_0000_0001
	hashB uint64 = 0xf00d_0000_0000_0002
	hashC uint64 = 0xf00d_0000_0000_0003
	band1 uint64 = 0x8000_0000_0000_0001
	band2 uint64 = 0x8000_0000_0000_0002
	band3 uint64 = 0x8000_0000_0000_0003
	band4 uint64 = 0x0000_0000_0000_0004
	band5 uint64 = 0xffff_ffff_ffff_ffff
)

// fingerprint returns a fingerprint with the given hash and bands, and a
// signature that names the hash.
func fingerprint(hash uint64, bands ...uint64) herald.Fingerprint {
	return herald.Fingerprint{Hash: hash, Bands: bands, Signature: fmt.Appendf(nil, "sig-%x", hash)}
}

// newCopy returns article n from source with licence l, stored as a copy
// of the article numbered of (0 for none) with the fingerprint fp.
func newCopy(n int, source string, l herald.Licence, of int64, fp herald.Fingerprint) *herald.Article {
	a := NewArticle(n, source)
	a.Licence, a.DuplicateOf, a.Dedup = l, of, fp
	return a
}

// mustFind finds the article by ID.
func mustFind(tb testing.TB, s herald.Store, id int64) *herald.Article {
	tb.Helper()
	a, err := s.FindArticleByID(context.Background(), id)
	if err != nil {
		tb.Fatalf("FindArticleByID(%d): %v", id, err)
	}
	return a
}

// mustList returns the first page of articles matching f.
func mustList(tb testing.TB, s herald.Store, f herald.ArticleFilter) []*herald.Article {
	tb.Helper()
	list, _, err := s.FindArticles(context.Background(), f)
	if err != nil {
		tb.Fatalf("FindArticles(%+v): %v", f, err)
	}
	return list
}

func articleIDs(list []*herald.Article) []int64 {
	var ids []int64
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	return ids
}

func copyIDs(copies []herald.Copy) []int64 {
	var ids []int64
	for _, c := range copies {
		ids = append(ids, c.ArticleID)
	}
	return ids
}

// wantCopies reports, in t, how a.Copies differs from the articles want,
// in that order.
func wantCopies(t *testing.T, where string, a *herald.Article, want ...*herald.Article) {
	t.Helper()
	if len(a.Copies) != len(want) {
		t.Errorf("%s: article %d has copies %v, want %v", where, a.ID, copyIDs(a.Copies), articleIDs(want))
		return
	}
	for i, c := range a.Copies {
		w := want[i]
		if c.ArticleID != w.ID || c.OriginalURL != w.OriginalURL || !c.PublishedAt.Equal(w.PublishedAt) ||
			c.Licence != w.Licence || c.Source == nil || c.Source.ID != w.Source.ID || c.Source.Name != w.Source.Name ||
			c.Source.Slug != w.Source.Slug {
			t.Errorf("%s: article %d, copy %d = %+v (source %+v), want article %d from %q at %s, %s",
				where, a.ID, i, c, c.Source, w.ID, w.Source.Name, w.PublishedAt, w.Licence)
		}
	}
}

// testCopies stores a copy of a text and finds it hidden from the home
// list but listed by source and address, and both copies listing both.
func testCopies(t *testing.T, s herald.Store) {
	ctx := context.Background()
	fp := fingerprint(hashA, band1, band2)
	orig := newCopy(1, "Alpha News", herald.LicenceExcerpt, 0, fp)
	mustAdd(t, s, orig)
	alone := NewArticle(3, "Gamma Post")
	mustAdd(t, s, alone)
	if orig.DuplicateOf != 0 || alone.DuplicateOf != 0 {
		t.Errorf("shown copies stored with DuplicateOf %d, %d; want 0", orig.DuplicateOf, alone.DuplicateOf)
	}
	v0 := mustVersion(t, s)
	cp := newCopy(2, "Beta Times", herald.LicenceExcerpt, orig.ID, fp)
	mustAdd(t, s, cp)
	if cp.DuplicateOf != orig.ID {
		t.Errorf("copy stored with DuplicateOf %d, want %d", cp.DuplicateOf, orig.ID)
	}
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after adding a copy, %d before; want it to grow", v, v0)
	}

	home := mustList(t, s, herald.ArticleFilter{})
	if got := articleIDs(home); !slices.Equal(got, []int64{alone.ID, orig.ID}) {
		t.Fatalf("home list = %v, want %v without the copy %d", got, []int64{alone.ID, orig.ID}, cp.ID)
	}
	wantCopies(t, "home list", home[0], alone)
	wantCopies(t, "home list", home[1], orig, cp)
	if home[1].DuplicateOf != 0 {
		t.Errorf("home list: shown copy has DuplicateOf %d", home[1].DuplicateOf)
	}

	bySource := mustList(t, s, herald.ArticleFilter{SourceID: cp.Source.ID})
	if got := articleIDs(bySource); !slices.Equal(got, []int64{cp.ID}) {
		t.Fatalf("source list = %v, want the copy %d", got, cp.ID)
	}
	if bySource[0].DuplicateOf != orig.ID {
		t.Errorf("source list: DuplicateOf = %d, want %d", bySource[0].DuplicateOf, orig.ID)
	}
	wantCopies(t, "source list", bySource[0], orig, cp)
	byURL := mustList(t, s, herald.ArticleFilter{OriginalURL: cp.OriginalURL})
	if got := articleIDs(byURL); !slices.Equal(got, []int64{cp.ID}) {
		t.Fatalf("address list = %v, want the copy %d", got, cp.ID)
	}
	wantCopies(t, "address list", byURL[0], orig, cp)

	for _, a := range []*herald.Article{orig, cp} {
		got := mustFind(t, s, a.ID)
		if got.DuplicateOf != a.DuplicateOf || got.Dedup.Hash != hashA || string(got.Dedup.Signature) != string(fp.Signature) {
			t.Errorf("FindArticleByID(%d): DuplicateOf %d, hash %x, signature %q; want %d, %x, %q",
				a.ID, got.DuplicateOf, got.Dedup.Hash, got.Dedup.Signature, a.DuplicateOf, hashA, fp.Signature)
		}
		wantCopies(t, "FindArticleByID", got, orig, cp)
		got, err := s.FindArticleBySlug(ctx, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		wantCopies(t, "FindArticleBySlug", got, orig, cp)
	}
	wantCopies(t, "FindArticleByID", mustFind(t, s, alone.ID), alone)

	// Adding the copy's address again changes nothing and says where it is.
	again := newCopy(2, "Beta Times", herald.LicenceFull, alone.ID, fp)
	created, err := s.AddArticle(ctx, again)
	if err != nil || created || again.ID != cp.ID || again.DuplicateOf != orig.ID {
		t.Errorf("same address again: created=%v err=%v id=%d DuplicateOf=%d; want the stored copy %d of %d",
			created, err, again.ID, again.DuplicateOf, cp.ID, orig.ID)
	}
}

// testCopyTakesOver checks that a copy takes the page only with a licence
// that lets Herald show more.
func testCopyTakesOver(t *testing.T, s herald.Store) {
	fp := fingerprint(hashA, band1)
	orig := newCopy(1, "Alpha News", herald.LicenceExcerpt, 0, fp)
	mustAdd(t, s, orig)
	worse := newCopy(2, "Beta Times", herald.LicenceHeadline, orig.ID, fp)
	mustAdd(t, s, worse)
	same := newCopy(3, "Gamma Post", herald.LicenceExcerpt, orig.ID, fp)
	mustAdd(t, s, same)
	if worse.DuplicateOf != orig.ID || same.DuplicateOf != orig.ID {
		t.Fatalf("copies with a lesser and an equal licence: DuplicateOf %d, %d; want both %d",
			worse.DuplicateOf, same.DuplicateOf, orig.ID)
	}
	if got := articleIDs(mustList(t, s, herald.ArticleFilter{})); !slices.Equal(got, []int64{orig.ID}) {
		t.Errorf("home list = %v, want only %d", got, orig.ID)
	}

	// Named through a copy, not the shown one.
	v0 := mustVersion(t, s)
	better := newCopy(4, "Delta Daily", herald.LicenceFull, worse.ID, fp)
	mustAdd(t, s, better)
	if better.DuplicateOf != 0 {
		t.Errorf("copy with a better licence stored with DuplicateOf %d, want 0", better.DuplicateOf)
	}
	if v := mustVersion(t, s); v <= v0 {
		t.Errorf("version %d after a new shown copy, %d before; want it to grow", v, v0)
	}
	for _, a := range []*herald.Article{orig, worse, same} {
		if got := mustFind(t, s, a.ID); got.DuplicateOf != better.ID {
			t.Errorf("after the takeover, article %d has DuplicateOf %d, want %d", a.ID, got.DuplicateOf, better.ID)
		}
	}
	home := mustList(t, s, herald.ArticleFilter{})
	if got := articleIDs(home); !slices.Equal(got, []int64{better.ID}) {
		t.Fatalf("home list = %v, want only the new shown copy %d", got, better.ID)
	}
	wantCopies(t, "home list", home[0], orig, worse, same, better)
	wantCopies(t, "FindArticleByID", mustFind(t, s, better.ID), orig, worse, same, better)
	wantCopies(t, "FindArticleByID", mustFind(t, s, orig.ID), orig, worse, same, better)

	// An equal licence, named through the old shown copy, does not take over.
	late := newCopy(5, "Epsilon Echo", herald.LicenceFull, orig.ID, fp)
	mustAdd(t, s, late)
	if late.DuplicateOf != better.ID {
		t.Errorf("copy with an equal licence: DuplicateOf %d, want the shown copy %d", late.DuplicateOf, better.ID)
	}
	if got := articleIDs(mustList(t, s, herald.ArticleFilter{})); !slices.Equal(got, []int64{better.ID}) {
		t.Errorf("home list = %v, want only %d", got, better.ID)
	}
}

// testCopyOfCopy checks that DuplicateOf may name any copy of a text, and
// that one naming no article any more stores a shown copy.
func testCopyOfCopy(t *testing.T, s herald.Store) {
	fp := fingerprint(hashA, band1)
	orig := newCopy(1, "Alpha News", herald.LicenceFull, 0, fp)
	mustAdd(t, s, orig)
	first := newCopy(2, "Beta Times", herald.LicenceExcerpt, orig.ID, fp)
	mustAdd(t, s, first)
	second := newCopy(3, "Gamma Post", herald.LicenceExcerpt, first.ID, fp)
	mustAdd(t, s, second)
	if second.DuplicateOf != orig.ID {
		t.Errorf("copy of a copy: DuplicateOf %d, want the shown copy %d", second.DuplicateOf, orig.ID)
	}
	if got := mustFind(t, s, second.ID); got.DuplicateOf != orig.ID {
		t.Errorf("copy of a copy stored with DuplicateOf %d, want %d", got.DuplicateOf, orig.ID)
	}
	wantCopies(t, "FindArticleByID", mustFind(t, s, first.ID), orig, first, second)

	gone := newCopy(4, "Delta Daily", herald.LicenceExcerpt, second.ID+1000, fp)
	mustAdd(t, s, gone)
	if gone.DuplicateOf != 0 {
		t.Errorf("copy of a missing article: DuplicateOf %d, want 0", gone.DuplicateOf)
	}
	home := mustList(t, s, herald.ArticleFilter{})
	if got := articleIDs(home); !slices.Equal(got, []int64{gone.ID, orig.ID}) {
		t.Errorf("home list = %v, want %v", got, []int64{gone.ID, orig.ID})
	}
}

// testCopyCandidates checks FindCopyCandidates: equal hashes first, then
// shared bands, never hash 0, at most limit, with the text.
func testCopyCandidates(t *testing.T, s herald.Store) {
	ctx := context.Background()
	exact1 := newCopy(1, "Alpha News", herald.LicenceFull, 0, fingerprint(hashA, band1, band2, band3))
	mustAdd(t, s, exact1)
	near := newCopy(2, "Beta Times", herald.LicenceFull, 0, fingerprint(hashB, band3, band4))
	mustAdd(t, s, near)
	exact2 := newCopy(3, "Gamma Post", herald.LicenceExcerpt, exact1.ID, fingerprint(hashA, band1, band2, band3))
	mustAdd(t, s, exact2)
	noText := NewArticle(4, "Delta Daily") // hash 0, no bands
	mustAdd(t, s, noText)
	far := newCopy(5, "Epsilon Echo", herald.LicenceFull, 0, fingerprint(hashC, band5))
	mustAdd(t, s, far)
	byID := map[int64]*herald.Article{}
	for _, a := range []*herald.Article{exact1, near, exact2, noText, far} {
		byID[a.ID] = a
	}

	find := func(hash uint64, bands []uint64, limit int) []*herald.Article {
		t.Helper()
		list, err := s.FindCopyCandidates(ctx, hash, bands, limit)
		if err != nil {
			t.Fatalf("FindCopyCandidates(%x, %x, %d): %v", hash, bands, limit, err)
		}
		for _, c := range list {
			want := byID[c.ID]
			if want == nil {
				t.Fatalf("FindCopyCandidates(%x, %x, %d): unknown article %d", hash, bands, limit, c.ID)
			}
			if c.Text != want.Text || c.HTML != want.HTML || c.Title != want.Title ||
				c.Source == nil || c.Source.Name != want.Source.Name || c.DuplicateOf != want.DuplicateOf {
				t.Errorf("candidate %d: text %q, html %q, source %+v, DuplicateOf %d; want %q, %q, %q, %d",
					c.ID, c.Text, c.HTML, c.Source, c.DuplicateOf, want.Text, want.HTML, want.Source.Name, want.DuplicateOf)
			}
		}
		return list
	}
	sorted := func(list []*herald.Article) []int64 { return slices.Sorted(slices.Values(articleIDs(list))) }

	got := find(hashA, []uint64{band3}, 10)
	if len(got) != 3 || !slices.Equal(sorted(got[:2]), []int64{exact1.ID, exact2.ID}) || got[2].ID != near.ID {
		t.Errorf("hash and band: %v; want %d and %d (equal hash) first, then %d",
			articleIDs(got), exact1.ID, exact2.ID, near.ID)
	}
	if got := find(hashA, nil, 10); !slices.Equal(sorted(got), []int64{exact1.ID, exact2.ID}) {
		t.Errorf("hash only: %v; want %d and %d", articleIDs(got), exact1.ID, exact2.ID)
	}
	if got := find(0xdead, []uint64{band4, band3}, 10); !slices.Equal(sorted(got), []int64{exact1.ID, near.ID, exact2.ID}) {
		t.Errorf("bands only: %v; want %d, %d and %d", articleIDs(got), exact1.ID, near.ID, exact2.ID)
	}
	if got := find(hashC, []uint64{band5, band5}, 10); !slices.Equal(articleIDs(got), []int64{far.ID}) {
		t.Errorf("repeated band: %v; want %d once", articleIDs(got), far.ID)
	}
	// Hash 0 is no text: it matches nothing, not even the articles without one.
	if got := find(0, nil, 10); len(got) != 0 {
		t.Errorf("hash 0: %v; want none", articleIDs(got))
	}
	if got := find(0, []uint64{band5}, 10); !slices.Equal(articleIDs(got), []int64{far.ID}) {
		t.Errorf("hash 0 with a band: %v; want only %d", articleIDs(got), far.ID)
	}
	if got := find(hashA, []uint64{band3, band4}, 1); len(got) != 1 || (got[0].ID != exact1.ID && got[0].ID != exact2.ID) {
		t.Errorf("limit 1: %v; want one of the equal texts", articleIDs(got))
	}
	if got := find(0xdead, []uint64{band1, band3, band4}, 2); len(got) != 2 {
		t.Errorf("limit 2: %v; want 2 of 3", articleIDs(got))
	}
	if got := find(hashA, []uint64{band3}, 0); len(got) != 0 {
		t.Errorf("limit 0: %v; want none", articleIDs(got))
	}
	if got := find(0xdead, []uint64{0xbeef}, 10); len(got) != 0 {
		t.Errorf("unknown hash and band: %v; want none", articleIDs(got))
	}
}

// testPurgeCopies purges the source of a shown copy: its bands go with
// it, and the best of its copies from other sources takes the page.
func testPurgeCopies(t *testing.T, s herald.Store) {
	ctx := context.Background()
	src := NewFollowedSource(1)
	mustAddSource(t, s, src)
	shown := newItem(1, src, "guid-1")
	shown.Licence, shown.Dedup = herald.LicenceExcerpt, fingerprint(hashA, band1)
	mustAdd(t, s, shown)
	// Added in another order than they were published.
	later := newCopy(4, "Beta Times", herald.LicenceExcerpt, shown.ID, herald.Fingerprint{})
	older := newCopy(3, "Gamma Post", herald.LicenceExcerpt, shown.ID, herald.Fingerprint{})
	oldest := newCopy(2, "Delta Daily", herald.LicenceHeadline, shown.ID, herald.Fingerprint{})
	ownCopy := newItem(5, src, "guid-5")
	ownCopy.Licence, ownCopy.DuplicateOf = herald.LicenceExcerpt, shown.ID
	for _, a := range []*herald.Article{later, older, oldest, ownCopy} {
		mustAdd(t, s, a)
	}
	if got, err := s.FindCopyCandidates(ctx, 0, []uint64{band1}, 10); err != nil || !slices.Equal(articleIDs(got), []int64{shown.ID}) {
		t.Fatalf("before the purge: candidates %v (%v), want %d", articleIDs(got), err, shown.ID)
	}

	if err := s.RemoveSource(ctx, src.Slug, true); err != nil {
		t.Fatalf("RemoveSource with purge: %v", err)
	}
	if got, err := s.FindCopyCandidates(ctx, hashA, []uint64{band1}, 10); err != nil || len(got) != 0 {
		t.Errorf("after the purge: candidates %v (%v), want none", articleIDs(got), err)
	}
	home := mustList(t, s, herald.ArticleFilter{})
	if got := articleIDs(home); !slices.Equal(got, []int64{older.ID}) {
		t.Fatalf("home list after the purge = %v, want only %d (best licence, then oldest)", got, older.ID)
	}
	wantCopies(t, "home list", home[0], oldest, older, later)
	for _, a := range []*herald.Article{later, oldest} {
		if got := mustFind(t, s, a.ID); got.DuplicateOf != older.ID {
			t.Errorf("after the purge, article %d has DuplicateOf %d, want %d", a.ID, got.DuplicateOf, older.ID)
		}
	}
}

// testConcurrentCopies adds copies of one text with every licence from
// several goroutines at once, as two pipelines would: one copy stays
// shown, one with the best licence, and every other points at it.
func testConcurrentCopies(t *testing.T, s herald.Store) {
	const workers, n = 4, 6
	fp := fingerprint(hashA, band1)
	orig := newCopy(0, "Origin", herald.LicenceHeadline, 0, fp)
	mustAdd(t, s, orig)
	licences := []herald.Licence{herald.LicenceHeadline, herald.LicenceExcerpt, herald.LicenceFull}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range n {
				a := newCopy(1+w*n+i, fmt.Sprintf("Outlet %d", w), licences[(w+i)%len(licences)], orig.ID, fp)
				a.Title = "Same title for all" // slugs collide too
				if _, err := s.AddArticle(context.Background(), a); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent add: %v", err)
	}
	copies := mustFind(t, s, orig.ID).Copies
	if len(copies) != 1+workers*n {
		t.Fatalf("%d copies, want %d", len(copies), 1+workers*n)
	}
	var shown []int64
	for _, c := range copies {
		if a := mustFind(t, s, c.ArticleID); a.DuplicateOf == 0 {
			shown = append(shown, a.ID)
		}
	}
	if len(shown) != 1 {
		t.Fatalf("shown copies %v, want one", shown)
	}
	for _, c := range copies {
		a := mustFind(t, s, c.ArticleID)
		if a.ID != shown[0] && a.DuplicateOf != shown[0] {
			t.Errorf("article %d has DuplicateOf %d, want the shown copy %d", a.ID, a.DuplicateOf, shown[0])
		}
		if a.ID == shown[0] && a.Licence != herald.LicenceFull {
			t.Errorf("shown copy %d has licence %s, want full", a.ID, a.Licence)
		}
	}
	if got := articleIDs(mustList(t, s, herald.ArticleFilter{})); !slices.Equal(got, shown) {
		t.Errorf("home list = %v, want only %v", got, shown)
	}
}

// testFingerprintLimits checks that a fingerprint with absurdly many bands
// is refused before anything is written.
func testFingerprintLimits(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	for i := range 100_000 {
		a.Dedup.Bands = append(a.Dedup.Bands, uint64(i))
	}
	a.Dedup.Hash = hashA
	if _, err := s.AddArticle(ctx, a); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("100000 bands: err = %v, want EINVALID", err)
	}
	if _, err := s.FindCopyCandidates(ctx, hashA, a.Dedup.Bands, 10); herald.ErrorCode(err) != herald.EINVALID ||
		!strings.Contains(herald.ErrorMessage(err), "bands") {
		t.Errorf("FindCopyCandidates with 100000 bands: err = %v, want EINVALID", err)
	}
	if list := mustList(t, s, herald.ArticleFilter{}); len(list) != 0 {
		t.Errorf("after a refused add: %d articles, want none", len(list))
	}
}

// CheckMigratedCopies checks a store migrated from a database made before
// copies were kept, which held two articles with the slugs "a" and "b":
// each is shown and the only copy of its text, has no fingerprint, and a
// new copy can point at it.
func CheckMigratedCopies(t *testing.T, db herald.Store) {
	t.Helper()
	ctx := context.Background()
	list, _, err := db.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("FindArticles after migrating: %d articles (%v), want 2", len(list), err)
	}
	for _, a := range list {
		if a.DuplicateOf != 0 || len(a.Copies) != 1 || a.Copies[0].ArticleID != a.ID {
			t.Errorf("migrated article %d: DuplicateOf %d, copies %+v; want shown, the only copy", a.ID, a.DuplicateOf, a.Copies)
		}
	}
	a, err := db.FindArticleBySlug(ctx, "a")
	if err != nil || a.Dedup.Hash != 0 || a.Dedup.Signature != nil {
		t.Fatalf("migrated article a: %+v, %v; want no fingerprint", a, err)
	}
	if got, err := db.FindCopyCandidates(ctx, 0, nil, 10); err != nil || len(got) != 0 {
		t.Errorf("FindCopyCandidates(0) = %d articles (%v), want none", len(got), err)
	}

	cp := NewArticle(1, "Other Outlet")
	cp.Licence, cp.DuplicateOf = herald.LicenceExcerpt, a.ID
	cp.Dedup = herald.Fingerprint{Hash: 1 << 63, Bands: []uint64{7, 1<<64 - 1}, Signature: []byte{1}}
	if _, err := db.AddArticle(ctx, cp); err != nil || cp.DuplicateOf != a.ID {
		t.Fatalf("add a copy of a: DuplicateOf %d, %v; want %d", cp.DuplicateOf, err, a.ID)
	}
	list, _, err = db.FindArticles(ctx, herald.ArticleFilter{})
	if err != nil || len(list) != 2 {
		t.Errorf("FindArticles with a copy: %d articles (%v), want 2", len(list), err)
	}
	got, err := db.FindCopyCandidates(ctx, 1<<63, []uint64{1<<64 - 1}, 10)
	if err != nil || len(got) != 1 || got[0].ID != cp.ID || got[0].DuplicateOf != a.ID {
		t.Errorf("FindCopyCandidates = %v (%v), want the copy %d", got, err, cp.ID)
	}
}
