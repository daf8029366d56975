package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// This file checks herald.MediaService: articles' pictures, the work of
// fetching each address once, and the media kept of them.

// imageURL is the address of picture n on the outlets' shared server.
func imageURL(n int) string { return fmt.Sprintf("https://img.example/photos/%d.jpg", n) }

// NewMedia returns valid media numbered n: 320- and 640-pixel JPEG
// variants and a 640-pixel social card (the same width as a variant, so
// that only Card tells them apart), each holding every byte value from
// 0x00 to 0xff, and a last byte of its own.
func NewMedia(n int) *herald.Media {
	sum := sha256.Sum256([]byte(fmt.Sprintf("picture %d", n)))
	data := func(k byte) []byte {
		b := make([]byte, 0, 258)
		for i := range 256 {
			b = append(b, byte(i))
		}
		return append(b, 0x00, k)
	}
	return &herald.Media{
		Hash: hex.EncodeToString(sum[:]), Width: 1600, Height: 900, ContentType: "image/webp", OriginalBytes: 123_456,
		Variants: []herald.MediaVariant{
			{Width: 320, Height: 180, ContentType: herald.VariantJPEG, Data: data(1)},
			{Width: 640, Height: 360, ContentType: herald.VariantPNG, Data: data(2)},
			{Width: 640, Height: 336, ContentType: herald.VariantJPEG, Card: true, Data: data(0xff)},
		},
	}
}

func mustSetImages(tb testing.TB, s herald.Store, articleID int64, list ...herald.ArticleImage) {
	tb.Helper()
	if err := s.SetArticleImages(context.Background(), articleID, list); err != nil {
		tb.Fatalf("SetArticleImages(%d): %v", articleID, err)
	}
}

func mustFindImages(tb testing.TB, s herald.Store, ids ...int64) map[int64][]herald.ArticleImage {
	tb.Helper()
	found, err := s.FindArticleImages(context.Background(), ids)
	if err != nil {
		tb.Fatalf("FindArticleImages(%v): %v", ids, err)
	}
	return found
}

func mustClaimImages(tb testing.TB, s herald.Store, limit int) []herald.ArticleImage {
	tb.Helper()
	list, err := s.ClaimImageWork(context.Background(), limit, 10*time.Minute)
	if err != nil {
		tb.Fatalf("ClaimImageWork(%d): %v", limit, err)
	}
	return list
}

func mustRecord(tb testing.TB, s herald.Store, r herald.ImageResult) {
	tb.Helper()
	if err := s.RecordImageResult(context.Background(), r); err != nil {
		tb.Fatalf("RecordImageResult(%s, %s): %v", r.SourceURL, r.Status, err)
	}
}

func mustMediaStats(tb testing.TB, s herald.Store) herald.MediaStats {
	tb.Helper()
	st, err := s.MediaStats(context.Background())
	if err != nil {
		tb.Fatalf("MediaStats: %v", err)
	}
	return st
}

func lead(n int) herald.ArticleImage {
	return herald.ArticleImage{Role: herald.RoleLead, SourceURL: imageURL(n), Alt: "Alt of " + imageURL(n),
		Caption: "The harbour wall at dawn.\nSecond line.", Credit: "Photo: A. Camera/Wire"}
}

func body(n int) herald.ArticleImage {
	return herald.ArticleImage{Role: herald.RoleBody, SourceURL: imageURL(n), Alt: fmt.Sprintf("Picture %d", n)}
}

func urls(list []herald.ArticleImage) []string {
	var out []string
	for _, im := range list {
		out = append(out, im.SourceURL)
	}
	return out
}

// testMediaSetAndFind checks that an article's list is kept in order,
// replaced whole, and read back for many articles at once.
func testMediaSetAndFind(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	a, b := NewArticle(1, "Outlet"), NewArticle(2, "Outlet")
	mustAdd(t, s, a)
	mustAdd(t, s, b)

	mustSetImages(t, s, a.ID, lead(1), body(2), body(3))
	found := mustFindImages(t, s, a.ID, b.ID, 9999)
	if len(found) != 1 {
		t.Fatalf("FindArticleImages found %d articles, want only %d (b has no pictures, 9999 is none)", len(found), a.ID)
	}
	got := found[a.ID]
	want := []herald.ArticleImage{lead(1), body(2), body(3)}
	if len(got) != len(want) {
		t.Fatalf("article images = %q, want %q", urls(got), urls(want))
	}
	for i, g := range got {
		w := want[i]
		w.ArticleID, w.Position, w.Status, w.NextTry = a.ID, i, herald.ImagePending, clock.Now()
		if g.ArticleID != w.ArticleID || g.Position != w.Position || g.Role != w.Role || g.SourceURL != w.SourceURL ||
			g.Alt != w.Alt || g.Caption != w.Caption || g.Credit != w.Credit || g.Status != w.Status ||
			!g.NextTry.Equal(w.NextTry) || g.Hash != "" || g.Width != 0 || g.Attempts != 0 || g.Variants != nil {
			t.Errorf("image %d = %+v, want %+v", i, g, w)
		}
	}

	t.Run("SameListChangesNothing", func(t *testing.T) {
		v := mustVersion(t, s)
		mustSetImages(t, s, a.ID, lead(1), body(2), body(3))
		if got := mustVersion(t, s); got != v {
			t.Errorf("version moved from %d to %d on setting the list the article has", v, got)
		}
	})
	t.Run("Replace", func(t *testing.T) {
		v := mustVersion(t, s)
		changed := body(2)
		changed.Caption = "A new caption"
		mustSetImages(t, s, a.ID, body(3), changed)
		got := mustFindImages(t, s, a.ID)[a.ID]
		if !slices.Equal(urls(got), []string{imageURL(3), imageURL(2)}) || got[0].Position != 0 || got[1].Position != 1 ||
			got[1].Caption != "A new caption" || got[0].Role != herald.RoleBody {
			t.Errorf("after replacing: %+v", got)
		}
		if mustVersion(t, s) <= v {
			t.Error("version did not move when an article's pictures changed")
		}
	})
	t.Run("ManyArticles", func(t *testing.T) {
		mustSetImages(t, s, b.ID, body(4))
		ids := []int64{b.ID}
		for id := range int64(1200) { // more than one query's worth of parameters
			ids = append(ids, 100_000+id)
		}
		ids = append(ids, a.ID)
		found := mustFindImages(t, s, ids...)
		if len(found) != 2 || len(found[a.ID]) != 2 || !slices.Equal(urls(found[b.ID]), []string{imageURL(4)}) {
			t.Errorf("FindArticleImages over %d ids = %v", len(ids), found)
		}
		if found := mustFindImages(t, s); len(found) != 0 {
			t.Errorf("FindArticleImages() = %v, want none", found)
		}
	})
	t.Run("EmptyListRemoves", func(t *testing.T) {
		mustSetImages(t, s, a.ID)
		if got := mustFindImages(t, s, a.ID); len(got) != 0 {
			t.Errorf("after setting no pictures: %v", got)
		}
	})
	t.Run("UnknownArticle", func(t *testing.T) {
		if err := s.SetArticleImages(ctx, 9999, []herald.ArticleImage{body(5)}); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("SetArticleImages(9999) = %v, want ENOTFOUND", err)
		}
		// 1 to 4, those no article names until PruneMedia; not 5.
		if st := mustMediaStats(t, s); st.Addresses[herald.ImagePending] != 4 {
			t.Errorf("addresses after a refused set = %v, want 4 pending", st.Addresses)
		}
	})
}

// testMediaWirePhoto checks that one address named by several articles is
// claimed once, stored once, and shown by every one of them, including an
// article that names it after it was stored.
func testMediaWirePhoto(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	var articles []*herald.Article
	for n := range 3 {
		a := NewArticle(n, []string{"Alpha", "Beta", "Gamma"}[n])
		mustAdd(t, s, a)
		articles = append(articles, a)
	}
	mustSetImages(t, s, articles[0].ID, lead(1), body(2))
	clock.Add(time.Second)
	mustSetImages(t, s, articles[1].ID, lead(2))

	claimed := mustClaimImages(t, s, 10)
	if !slices.Equal(urls(claimed), []string{imageURL(1), imageURL(2)}) {
		t.Fatalf("claimed %q, want each address once, in the order they fell due", urls(claimed))
	}
	if c := claimed[1]; c.ArticleID != articles[0].ID || c.Position != 1 || c.Status != herald.ImagePending {
		t.Errorf("claim of the shared address = %+v, want the first article image naming it", c)
	}
	if again := mustClaimImages(t, s, 10); len(again) != 0 {
		t.Errorf("second claim = %q, want nothing while the leases hold", urls(again))
	}

	v := mustVersion(t, s)
	m := NewMedia(1)
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(2), Status: herald.ImageStored, Media: m})
	if mustVersion(t, s) <= v {
		t.Error("version did not move when a picture was stored")
	}
	mustSetImages(t, s, articles[2].ID, body(2))
	found := mustFindImages(t, s, articles[0].ID, articles[1].ID, articles[2].ID)
	for _, im := range []herald.ArticleImage{found[articles[0].ID][1], found[articles[1].ID][0], found[articles[2].ID][0]} {
		if im.SourceURL != imageURL(2) || im.Status != herald.ImageStored || im.Hash != m.Hash ||
			im.Width != m.Width || im.Height != m.Height || im.Attempts != 1 || !im.NextTry.IsZero() {
			t.Errorf("article %d's wire photo = %+v, want it stored as %s", im.ArticleID, im, m.Hash)
		}
		var want []herald.MediaVariant
		for _, v := range m.Variants {
			want = append(want, herald.MediaVariant{Width: v.Width, Height: v.Height, ContentType: v.ContentType, Card: v.Card, Bytes: len(v.Data)})
		}
		if !slices.EqualFunc(im.Variants, want, func(a, b herald.MediaVariant) bool {
			return a.Width == b.Width && a.Height == b.Height && a.ContentType == b.ContentType && a.Card == b.Card &&
				a.Bytes == b.Bytes && a.Data == nil
		}) {
			t.Errorf("article %d's variants = %+v, want %+v without data but with their bytes", im.ArticleID, im.Variants, want)
		}
	}
	if got := found[articles[0].ID][0]; got.Status != herald.ImagePending || got.Variants != nil {
		t.Errorf("the other picture = %+v, want it still pending", got)
	}
	clock.Add(time.Hour) // every lease has ended
	if again := mustClaimImages(t, s, 10); !slices.Equal(urls(again), []string{imageURL(1)}) {
		t.Errorf("claim after the leases = %q, want only the picture not recorded", urls(again))
	}
	if st := mustMediaStats(t, s); st.Media != 1 || st.Variants != 3 {
		t.Errorf("stats = %+v, want one media with three variants", st)
	}
}

// testMediaStoredOnce checks that recording media whose hash is stored,
// for its address again or another, keeps the media as it was, and that
// a stored address stays stored.
func testMediaStoredOnce(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	mustSetImages(t, s, a.ID, lead(1), body(2))
	m := NewMedia(7)
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageStored, Media: m})
	before := mustMediaStats(t, s)
	v := mustVersion(t, s)

	other := NewMedia(7) // the same hash, other bytes: the first copy stays
	other.Variants[0].Data = []byte{0xff, 0x00}
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageStored, Media: other})
	if got := mustVersion(t, s); got != v {
		t.Errorf("version moved from %d to %d on recording what was stored", v, got)
	}
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(2), Status: herald.ImageStored, Media: other})
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageFailed, Reason: "timeout",
		NextTry: epoch.Add(time.Hour)})
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageRefused, Reason: "corrupt"})

	after := mustMediaStats(t, s)
	if after.Media != 1 || after.Variants != before.Variants || after.VariantBytes != before.VariantBytes ||
		after.OriginalBytes != m.OriginalBytes {
		t.Errorf("stats after storing the hash again = %+v, before %+v", after, before)
	}
	got, err := s.FindMediaVariant(ctx, m.Hash, 320, false)
	if err != nil || !bytes.Equal(got.Data, m.Variants[0].Data) {
		t.Errorf("variant after storing the hash again = %v, %v; want the first bytes", got, err)
	}
	for _, im := range mustFindImages(t, s, a.ID)[a.ID] {
		if im.Status != herald.ImageStored || im.Hash != m.Hash || im.Reason != "" {
			t.Errorf("%s = %+v, want stored as %s, a late failure and refusal ignored", im.SourceURL, im, m.Hash)
		}
	}
	if after.Addresses[herald.ImageStored] != 2 || len(after.Reasons) != 0 {
		t.Errorf("addresses = %v, reasons %v; want two stored, no reasons", after.Addresses, after.Reasons)
	}
}

// testMediaConcurrentClaims has workers claim at once until nothing is
// due: no address may be claimed twice while its lease holds.
func testMediaConcurrentClaims(t *testing.T, s herald.Store) {
	fixClock(t, s)
	const workers, articles, perArticle = 4, 10, 4
	for n := range articles {
		a := NewArticle(n, "Outlet")
		mustAdd(t, s, a)
		var list []herald.ArticleImage
		for k := range perArticle {
			// Neighbouring articles share addresses, as wire photos do.
			list = append(list, body(n*perArticle/2+k))
		}
		mustSetImages(t, s, a.ID, list...)
	}
	var mu sync.Mutex
	claims := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for {
				list, err := s.ClaimImageWork(context.Background(), 3, 10*time.Minute)
				if err != nil {
					errs <- err
					return
				}
				if len(list) == 0 {
					return
				}
				mu.Lock()
				for _, im := range list {
					claims[im.SourceURL]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent claim: %v", err)
	}
	for u, n := range claims {
		if n != 1 {
			t.Errorf("%s claimed %d times", u, n)
		}
	}
	if want := (articles-1)*perArticle/2 + perArticle; len(claims) != want {
		t.Errorf("%d addresses claimed, want %d", len(claims), want)
	}
}

// testMediaRetries checks leases, a failure's next try, giving up, and the
// arguments of a claim.
func testMediaRetries(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	mustSetImages(t, s, a.ID, lead(1))

	if _, err := s.ClaimImageWork(ctx, 10, 0); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("claim with no lease = %v, want EINVALID", err)
	}
	if list, err := s.ClaimImageWork(ctx, 0, time.Minute); err != nil || len(list) != 0 {
		t.Errorf("claim of 0 = %v, %v; want nothing", list, err)
	}
	if got := mustClaimImages(t, s, 10); len(got) != 1 {
		t.Fatalf("claimed %d, want 1", len(got))
	}
	clock.Add(11 * time.Minute) // the lease ended with no result
	if got := mustClaimImages(t, s, 10); len(got) != 1 {
		t.Fatalf("claim after the lease ended: %d, want the address again", len(got))
	}
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageFailed, Reason: "http-503",
		NextTry: clock.Now().Add(time.Hour)})
	clock.Add(59 * time.Minute)
	if got := mustClaimImages(t, s, 10); len(got) != 0 {
		t.Errorf("claimed %q before the failure's next try", urls(got))
	}
	clock.Add(time.Minute)
	got := mustClaimImages(t, s, 10)
	if len(got) != 1 || got[0].Status != herald.ImageFailed || got[0].Reason != "http-503" || got[0].Attempts != 1 ||
		!got[0].NextTry.Equal(clock.Now()) {
		t.Fatalf("claim at the next try = %+v, want the failed address, one attempt", got)
	}
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageFailed, Reason: "http-404"})
	clock.Add(30 * 24 * time.Hour)
	if got := mustClaimImages(t, s, 10); len(got) != 0 {
		t.Errorf("claimed %q after giving up on it", urls(got))
	}
	im := mustFindImages(t, s, a.ID)[a.ID][0]
	if im.Status != herald.ImageFailed || im.Reason != "http-404" || im.Attempts != 2 || !im.NextTry.IsZero() {
		t.Errorf("given-up image = %+v", im)
	}
	st := mustMediaStats(t, s)
	if st.Addresses[herald.ImageFailed] != 1 || st.Reasons["http-404"] != 1 || len(st.Reasons) != 1 {
		t.Errorf("stats = %+v, want one failed address, by http-404", st)
	}

	mustSetImages(t, s, a.ID, lead(1), body(2))
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(2), Status: herald.ImageRefused, Reason: "too-small"})
	if got := mustClaimImages(t, s, 10); len(got) != 0 {
		t.Errorf("claimed %q; a refused address is never tried again", urls(got))
	}
	st = mustMediaStats(t, s)
	if st.Addresses[herald.ImageRefused] != 1 || st.Reasons["too-small"] != 1 || st.Media != 0 {
		t.Errorf("stats = %+v, want a refused address, by too-small", st)
	}
}

// testMediaPrune checks that purging a source takes with it the
// addresses and media only its articles named, and that PruneMedia
// removes what an article's new list dropped.
func testMediaPrune(t *testing.T, s herald.Store) {
	ctx := context.Background()
	gone, kept := NewArticle(1, "Gone Outlet"), NewArticle(2, "Kept Outlet")
	mustAdd(t, s, gone)
	mustAdd(t, s, kept)
	mustSetImages(t, s, gone.ID, lead(1), body(2))
	mustSetImages(t, s, kept.ID, lead(2), body(3))
	for n, u := range []int{1, 2, 3} {
		mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(u), Status: herald.ImageStored, Media: NewMedia(n)})
	}
	if err := s.RemoveSource(ctx, gone.Source.Slug, true); err != nil {
		t.Fatal(err)
	}
	st := mustMediaStats(t, s)
	if st.Media != 2 || st.Addresses[herald.ImageStored] != 2 || st.Variants != 6 {
		t.Errorf("after the purge: %+v; want the media of 2 and 3 only", st)
	}
	if _, err := s.FindMediaVariant(ctx, NewMedia(0).Hash, 320, false); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("variant of the purged picture: %v, want ENOTFOUND", err)
	}
	if n, err := s.PruneMedia(ctx); err != nil || n != 0 {
		t.Errorf("PruneMedia after the purge = %d, %v; want nothing left to prune", n, err)
	}

	mustSetImages(t, s, kept.ID, lead(2))
	if st := mustMediaStats(t, s); st.Media != 2 {
		t.Errorf("media before pruning = %d, want 2: SetArticleImages leaves them to PruneMedia", st.Media)
	}
	if n, err := s.PruneMedia(ctx); err != nil || n != 1 {
		t.Errorf("PruneMedia = %d, %v; want 1", n, err)
	}
	st = mustMediaStats(t, s)
	if st.Media != 1 || st.Variants != 3 || st.Addresses[herald.ImageStored] != 1 || len(st.Addresses) != 1 {
		t.Errorf("after pruning: %+v; want the media of 2 only", st)
	}
	if err := s.RecordImageResult(ctx, herald.ImageResult{SourceURL: imageURL(3), Status: herald.ImageStored, Media: NewMedia(2)}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("recording a pruned address = %v, want ENOTFOUND", err)
	}
	if st := mustMediaStats(t, s); st.Media != 1 {
		t.Errorf("media after recording a pruned address = %d, want 1", st.Media)
	}
	if im := mustFindImages(t, s, kept.ID)[kept.ID]; len(im) != 1 || im[0].Hash != NewMedia(1).Hash {
		t.Errorf("kept article's pictures = %+v", im)
	}
}

// testMediaVariants checks that every variant comes back byte for byte,
// the card apart from the variant of its width, and that anything else
// is ENOTFOUND.
func testMediaVariants(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	mustSetImages(t, s, a.ID, lead(1))
	m := NewMedia(1)
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageStored, Media: m})
	for _, want := range m.Variants {
		got, err := s.FindMediaVariant(ctx, m.Hash, want.Width, want.Card)
		if err != nil {
			t.Fatalf("FindMediaVariant(%d, card %v): %v", want.Width, want.Card, err)
		}
		if got.Width != want.Width || got.Height != want.Height || got.ContentType != want.ContentType ||
			got.Card != want.Card || !bytes.Equal(got.Data, want.Data) || got.Bytes != len(want.Data) {
			t.Errorf("FindMediaVariant(%d, card %v) = %+v, want %+v", want.Width, want.Card, got, want)
		}
	}
	// A card is found by its hash alone: its width is not in its address.
	for _, width := range []int{0, 320, 1 << 40} {
		got, err := s.FindMediaVariant(ctx, m.Hash, width, true)
		if err != nil || !got.Card {
			t.Errorf("FindMediaVariant(%d, card) = %+v, %v; want the card", width, got, err)
		}
	}
	st := mustMediaStats(t, s)
	if st.VariantBytes != 3*258 || st.OriginalBytes != m.OriginalBytes || st.Variants != 3 {
		t.Errorf("stats = %+v, want 3 variants of 258 bytes", st)
	}
	for name, key := range map[string]struct {
		hash  string
		width int
		card  bool
	}{
		"OtherWidth":    {m.Hash, 1024, false},
		"UnknownHash":   {NewMedia(2).Hash, 320, false},
		"UpperCaseHash": {strings.ToUpper(m.Hash), 320, false},
		"NotAHash":      {"../../etc/passwd", 320, false},
		"ZeroWidth":     {m.Hash, 0, false},
		"HugeWidth":     {m.Hash, 1 << 40, false},
	} {
		if v, err := s.FindMediaVariant(ctx, key.hash, key.width, key.card); herald.ErrorCode(err) != herald.ENOTFOUND || v != nil {
			t.Errorf("%s: FindMediaVariant = %v, %v; want ENOTFOUND", name, v, err)
		}
	}

	// FindArticleImages gives each variant its own size in bytes (a
	// feed's enclosure states it), without the bytes themselves.
	t.Run("SizesWithoutData", func(t *testing.T) {
		b := NewArticle(2, "Outlet")
		mustAdd(t, s, b)
		mustSetImages(t, s, b.ID, lead(2))
		m2 := NewMedia(2)
		for i := range m2.Variants {
			m2.Variants[i].Data = m2.Variants[i].Data[:100+75*i] // 100, 175 and 250 bytes
		}
		mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(2), Status: herald.ImageStored, Media: m2})
		found := mustFindImages(t, s, a.ID, b.ID)
		for id, m := range map[int64]*herald.Media{a.ID: m, b.ID: m2} {
			var got, want []int
			for _, v := range found[id][0].Variants {
				got = append(got, v.Bytes)
				if v.Data != nil {
					t.Errorf("article %d: variant %d×%d came with its data", id, v.Width, v.Height)
				}
			}
			// The store gives width variants narrowest first, then the
			// card, the order NewMedia makes them in.
			for _, v := range m.Variants {
				want = append(want, len(v.Data))
			}
			if !slices.Equal(got, want) {
				t.Errorf("article %d: variants' bytes = %v, want %v", id, got, want)
			}
		}
	})
}

// testMediaInvalid checks that bad pictures and bad results are EINVALID
// and write nothing.
func testMediaInvalid(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	for name, list := range map[string][]herald.ArticleImage{
		"NotAURL":       {{Role: herald.RoleLead, SourceURL: "not a url"}},
		"FTP":           {{Role: herald.RoleLead, SourceURL: "ftp://img.example/a.jpg"}},
		"DataURL":       {{Role: herald.RoleBody, SourceURL: "data:image/png;base64,AAAA"}},
		"NoURL":         {{Role: herald.RoleBody}},
		"LongURL":       {{Role: herald.RoleBody, SourceURL: "https://img.example/" + strings.Repeat("a", herald.MaxURLLen)}},
		"LongAlt":       {{Role: herald.RoleLead, SourceURL: imageURL(1), Alt: strings.Repeat("a", herald.MaxImageAltLen+1)}},
		"LongCaption":   {{Role: herald.RoleLead, SourceURL: imageURL(1), Caption: strings.Repeat("é", herald.MaxImageCaptionLen)}},
		"LongCredit":    {{Role: herald.RoleLead, SourceURL: imageURL(1), Credit: strings.Repeat("a", herald.MaxImageCreditLen+1)}},
		"NULInCaption":  {{Role: herald.RoleLead, SourceURL: imageURL(1), Caption: "a\x00b"}},
		"NotUTF8":       {{Role: herald.RoleLead, SourceURL: imageURL(1), Alt: "caf\xe9"}},
		"NoRole":        {{SourceURL: imageURL(1)}},
		"UnknownRole":   {{Role: "hero", SourceURL: imageURL(1)}},
		"SecondLead":    {body(1), lead(2)},
		"SameURLTwice":  {lead(1), body(2), body(1)},
		"GoodThenBad":   {lead(1), {Role: herald.RoleBody, SourceURL: "javascript:alert(1)"}},
		"TooManyImages": slices.Repeat([]herald.ArticleImage{body(1)}, herald.MaxArticleImages+1),
	} {
		if err := s.SetArticleImages(ctx, a.ID, list); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: SetArticleImages = %v, want EINVALID", name, err)
		}
	}
	if found := mustFindImages(t, s, a.ID); len(found) != 0 {
		t.Errorf("after refused lists: %v, want no pictures", found)
	}

	mustSetImages(t, s, a.ID, lead(1))
	v := mustVersion(t, s)
	media := func(spoil func(m *herald.Media)) *herald.Media {
		m := NewMedia(1)
		spoil(m)
		return m
	}
	for name, r := range map[string]herald.ImageResult{
		"UnknownStatus":    {SourceURL: imageURL(1), Status: "done", Media: NewMedia(1)},
		"Pending":          {SourceURL: imageURL(1), Status: herald.ImagePending},
		"StoredNoMedia":    {SourceURL: imageURL(1), Status: herald.ImageStored},
		"StoredWithReason": {SourceURL: imageURL(1), Status: herald.ImageStored, Media: NewMedia(1), Reason: "x"},
		"FailedWithMedia":  {SourceURL: imageURL(1), Status: herald.ImageFailed, Media: NewMedia(1), Reason: "x"},
		"FailedNoReason":   {SourceURL: imageURL(1), Status: herald.ImageFailed},
		"ReasonNotACode":   {SourceURL: imageURL(1), Status: herald.ImageRefused, Reason: "Image is 10x10 pixels"},
		"RefusedNextTry":   {SourceURL: imageURL(1), Status: herald.ImageRefused, Reason: "svg", NextTry: epoch},
		"BadURL":           {SourceURL: "img.example/1.jpg", Status: herald.ImageRefused, Reason: "svg"},
		"BadHash":          {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Hash = "abc" })},
		"UpperCaseHash":    {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Hash = strings.ToUpper(m.Hash) })},
		"NoSize":           {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Width = 0 })},
		"NotAnImageType":   {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.ContentType = "text/html" })},
		"NoOriginalBytes":  {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.OriginalBytes = 0 })},
		"NoVariants":       {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Variants = nil })},
		"SVGVariant":       {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Variants[2].ContentType = "image/svg+xml" })},
		"EmptyVariant":     {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Variants[0].Data = nil })},
		"SameWidthTwice":   {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Variants[1].Width = 320 })},
		"TwoCards":         {SourceURL: imageURL(1), Status: herald.ImageStored, Media: media(func(m *herald.Media) { m.Variants[0].Card = true })},
	} {
		if err := s.RecordImageResult(ctx, r); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: RecordImageResult = %v, want EINVALID", name, err)
		}
	}
	if err := s.RecordImageResult(ctx, herald.ImageResult{SourceURL: imageURL(9), Status: herald.ImageStored, Media: NewMedia(9)}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("RecordImageResult for an address no article names = %v, want ENOTFOUND", err)
	}
	st := mustMediaStats(t, s)
	if st.Media != 0 || st.Variants != 0 || st.Addresses[herald.ImagePending] != 1 || len(st.Addresses) != 1 {
		t.Errorf("after refused results: %+v, want one pending address and no media", st)
	}
	if got := mustVersion(t, s); got != v {
		t.Errorf("version moved from %d to %d on refused results", v, got)
	}
}

// CheckMigratedMedia checks, on a store migrated with articles in it, that
// pictures can be set, stored and served.
func CheckMigratedMedia(t *testing.T, s herald.Store, articleID int64) {
	t.Helper()
	ctx := context.Background()
	mustSetImages(t, s, articleID, lead(1))
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageStored, Media: NewMedia(1)})
	if im := mustFindImages(t, s, articleID)[articleID]; len(im) != 1 || im[0].Status != herald.ImageStored {
		t.Fatalf("migrated article's pictures = %+v", im)
	}
	if _, err := s.FindMediaVariant(ctx, NewMedia(1).Hash, 640, true); err != nil {
		t.Errorf("card of a migrated article's picture: %v", err)
	}
}

// testMediaConcurrentWriters sets overlapping lists, records results and
// prunes, all at once, as several processes would: nothing may fail but a
// result for an address pruned meanwhile (ENOTFOUND), and at the end every
// article has its list and every stored picture its media.
func testMediaConcurrentWriters(t *testing.T, s herald.Store) {
	ctx := context.Background()
	const setters, rounds = 4, 15
	var articles []*herald.Article
	for n := range 2 * setters {
		a := NewArticle(n, "Outlet")
		mustAdd(t, s, a)
		articles = append(articles, a)
	}
	lists := [][]herald.ArticleImage{
		{lead(1), body(2), body(3), body(4)},
		{body(4), body(3), body(5), body(6)},
	}
	var wg sync.WaitGroup
	errs := make(chan error, setters+2)
	for w := range setters {
		wg.Go(func() {
			for r := range rounds {
				for k, a := range articles[2*w : 2*w+2] {
					if err := s.SetArticleImages(ctx, a.ID, lists[(r+k)%2]); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Go(func() {
		for r := range rounds * 2 {
			n := 1 + r%6
			err := s.RecordImageResult(ctx, herald.ImageResult{SourceURL: imageURL(n), Status: herald.ImageStored, Media: NewMedia(n)})
			if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
				errs <- err
				return
			}
		}
	})
	wg.Go(func() {
		for range rounds {
			if _, err := s.PruneMedia(ctx); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent writers: %v", err)
	}

	ids := make([]int64, len(articles))
	for i, a := range articles {
		ids[i] = a.ID
	}
	found := mustFindImages(t, s, ids...)
	for _, a := range articles {
		if got := urls(found[a.ID]); !slices.Equal(got, urls(lists[0])) && !slices.Equal(got, urls(lists[1])) {
			t.Errorf("article %d's pictures = %q, want one of the lists set", a.ID, got)
		}
		for _, im := range found[a.ID] {
			if im.Status != herald.ImageStored {
				continue
			}
			if _, err := s.FindMediaVariant(ctx, im.Hash, 320, false); err != nil {
				t.Errorf("%s is stored as %s, but its variant: %v", im.SourceURL, im.Hash, err)
			}
		}
	}
	if n, err := s.PruneMedia(ctx); err != nil {
		t.Fatalf("PruneMedia: %d, %v", n, err)
	}
	st := mustMediaStats(t, s)
	if st.Media != st.Addresses[herald.ImageStored] || st.Variants != 3*st.Media {
		t.Errorf("stats after pruning = %+v; want one media per stored address, each with its 3 variants", st)
	}
}

// testMediaRequeue checks that RequeueImages makes the refused and failed
// addresses pending and due, with no attempts, for every source or one,
// and leaves stored and pending addresses as they were.
func testMediaRequeue(t *testing.T, s herald.Store) {
	ctx := context.Background()
	clock := fixClock(t, s)
	a, b := NewArticle(1, "Gazette"), NewArticle(2, "Times")
	mustAdd(t, s, a)
	mustAdd(t, s, b)
	mustSetImages(t, s, a.ID, lead(1), body(2), body(3), body(4))
	mustSetImages(t, s, b.ID, lead(5), body(3)) // 3 is named by both outlets
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(1), Status: herald.ImageStored, Media: NewMedia(1)})
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(2), Status: herald.ImageRefused, Reason: "svg"})
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(3), Status: herald.ImageFailed, Reason: "http-404"})
	mustRecord(t, s, herald.ImageResult{SourceURL: imageURL(5), Status: herald.ImageFailed, Reason: "http-5xx",
		NextTry: clock.Now().Add(time.Hour)})

	if _, err := s.RequeueImages(ctx, "no-such-source"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("RequeueImages of an unknown source = %v, want ENOTFOUND", err)
	}
	clock.Add(time.Minute)
	if n, err := s.RequeueImages(ctx, "times"); err != nil || n != 2 {
		t.Fatalf("RequeueImages(times) = %d, %v; want 2 (5, and 3 which both name)", n, err)
	}
	got := mustClaimImages(t, s, 10)
	if want := []string{imageURL(4), imageURL(3), imageURL(5)}; !slices.Equal(urls(got), want) {
		t.Errorf("claimed %q after requeueing the Times' pictures, want %q (4 pending from the start)", urls(got), want)
	}
	for _, im := range got {
		if im.Status != herald.ImagePending || im.Attempts != 0 || im.Reason != "" {
			t.Errorf("requeued %s = %s, %d attempts, reason %q; want pending afresh", im.SourceURL, im.Status, im.Attempts, im.Reason)
		}
	}
	if n, err := s.RequeueImages(ctx, ""); err != nil || n != 1 {
		t.Errorf("RequeueImages() = %d, %v; want 1 (the refused 2)", n, err)
	}
	st := mustMediaStats(t, s)
	if st.Addresses[herald.ImageStored] != 1 || st.Addresses[herald.ImagePending] != 4 || len(st.Reasons) != 0 {
		t.Errorf("stats after requeueing = %+v; want 1 stored, 4 pending, no reasons", st)
	}
}
