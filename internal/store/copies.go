package store

import (
	"cmp"
	"slices"
	"time"

	"github.com/herald-news/herald"
)

// The rules in this file decide what happens to the copies of a text in
// both stores, before their SQL runs and after it has read the copies.

// MaxBands bounds the band keys of one fingerprint, stored or looked up;
// internal/dedup makes 42. More is a mistake, and would overflow SQLite's
// limit on bound parameters.
const MaxBands = 512

// MaxCandidates bounds what FindCopyCandidates returns, whatever the
// caller asks for: each candidate is compared with a text in full.
const MaxCandidates = 1000

// BandKeys returns the distinct band keys of bands as the stores keep
// them, the 64 bits of each as a signed integer, or an EINVALID error when
// there are more than MaxBands.
func BandKeys(bands []uint64) ([]int64, error) {
	if len(bands) > MaxBands {
		return nil, herald.Errorf(herald.EINVALID, "fingerprint has %d bands; at most %d are kept", len(bands), MaxBands)
	}
	keys := make([]int64, 0, len(bands))
	for _, b := range bands {
		keys = append(keys, int64(b))
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// CopyPlace is where a new article goes among the copies of its text.
type CopyPlace struct {
	DuplicateOf int64 // the shown copy it is stored pointing at; 0 when it is shown
	Replaces    int64 // the shown copy it takes the page from; 0 when none
}

// PlaceCopy decides where an article with licence l goes, given the shown
// copy of its text (0 when there is none) and that copy's licence: a
// licence that lets Herald show more takes the page; an equal or lesser
// one leaves it to the copy that had it first.
func PlaceCopy(l herald.Licence, shown int64, shownLicence herald.Licence) CopyPlace {
	switch {
	case shown == 0:
		return CopyPlace{}
	case herald.LicenceRank(l) > herald.LicenceRank(shownLicence):
		return CopyPlace{Replaces: shown}
	default:
		return CopyPlace{DuplicateOf: shown}
	}
}

// Heir is a copy that may take the page of a shown copy about to be
// deleted.
type Heir struct {
	Shown       int64 // the shown copy whose page is to be passed on
	ID          int64 // the copy that may take it
	Licence     herald.Licence
	PublishedAt time.Time
}

// ElectHeirs returns, for each shown copy with heirs, the heir that takes
// its page: the one whose licence lets Herald show most, then the oldest,
// then the first stored. It is the order AddArticle keeps when copies
// arrive one by one.
func ElectHeirs(heirs []Heir) map[int64]int64 {
	best := make(map[int64]Heir)
	for _, h := range heirs {
		b, ok := best[h.Shown]
		if !ok || cmp.Or(
			cmp.Compare(herald.LicenceRank(b.Licence), herald.LicenceRank(h.Licence)),
			h.PublishedAt.Compare(b.PublishedAt),
			cmp.Compare(h.ID, b.ID)) < 0 {
			best[h.Shown] = h
		}
	}
	elected := make(map[int64]int64, len(best))
	for shown, h := range best {
		elected[shown] = h.ID
	}
	return elected
}

// ShownOf returns the shown copy of a's text: a itself, or the article it
// is a copy of.
func ShownOf(a *herald.Article) int64 { return cmp.Or(a.DuplicateOf, a.ID) }

// ShownIDs returns the distinct shown copies of the texts in list.
func ShownIDs(list []*herald.Article) []int64 {
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		ids = append(ids, ShownOf(a))
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// AttachCopies sets the Copies of each article in list from copies, the
// copies of each text by its shown copy, oldest first.
func AttachCopies(list []*herald.Article, copies map[int64][]herald.Copy) {
	for _, a := range list {
		a.Copies = slices.Clone(copies[ShownOf(a)])
	}
}

// InOrder returns the articles of byID in the order of ids, leaving out
// any id that is not there.
func InOrder(ids []int64, byID map[int64]*herald.Article) []*herald.Article {
	list := make([]*herald.Article, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			list = append(list, a)
		}
	}
	return list
}

// CheckArticle checks an article before a store writes it: its fields,
// its item key and its band count. It returns the band keys to store.
func CheckArticle(a *herald.Article) ([]int64, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if err := CheckItemKey(a.ItemKey); err != nil {
		return nil, err
	}
	return BandKeys(a.Dedup.Bands)
}

// CheckArticles checks a batch as CheckArticle checks each article, and
// returns each one's band keys, in order; the first failure stops it.
func CheckArticles(as []*herald.Article) ([][]int64, error) {
	bands := make([][]int64, len(as))
	for i, a := range as {
		var err error
		if bands[i], err = CheckArticle(a); err != nil {
			return nil, err
		}
	}
	return bands, nil
}
