package postgres

import (
	"cmp"
	"slices"
	"time"

	"github.com/herald-news/herald"
)

// The rules in this file decide what happens to the copies of a text
// before any SQL runs. internal/sqlite has the same file: keep the two
// alike, and internal/storetest checks that they are.

// maxBands bounds the band keys of one fingerprint, stored or looked up;
// internal/dedup makes 42. More is a mistake, and would overflow SQLite's
// limit on bound parameters.
const maxBands = 512

// maxCandidates bounds what FindCopyCandidates returns, whatever the
// caller asks for: each candidate is compared with a text in full.
const maxCandidates = 1000

// bandKeys returns the distinct band keys of bands as the stores keep
// them, the 64 bits of each as a signed integer, or an EINVALID error when
// there are more than maxBands.
func bandKeys(bands []uint64) ([]int64, error) {
	if len(bands) > maxBands {
		return nil, herald.Errorf(herald.EINVALID, "fingerprint has %d bands; at most %d are kept", len(bands), maxBands)
	}
	keys := make([]int64, 0, len(bands))
	for _, b := range bands {
		keys = append(keys, int64(b))
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// copyPlace is where a new article goes among the copies of its text.
type copyPlace struct {
	duplicateOf int64 // the shown copy it is stored pointing at; 0 when it is shown
	replaces    int64 // the shown copy it takes the page from; 0 when none
}

// placeCopy decides where an article with licence l goes, given the shown
// copy of its text (0 when there is none) and that copy's licence: a
// licence that lets Herald show more takes the page; an equal or lesser
// one leaves it to the copy that had it first.
func placeCopy(l herald.Licence, shown int64, shownLicence herald.Licence) copyPlace {
	switch {
	case shown == 0:
		return copyPlace{}
	case herald.LicenceRank(l) > herald.LicenceRank(shownLicence):
		return copyPlace{replaces: shown}
	default:
		return copyPlace{duplicateOf: shown}
	}
}

// heir is a copy that may take the page of a shown copy about to be
// deleted.
type heir struct {
	shown, id   int64
	licence     herald.Licence
	publishedAt time.Time
}

// electHeirs returns, for each shown copy with heirs, the heir that takes
// its page: the one whose licence lets Herald show most, then the oldest,
// then the first stored. It is the order AddArticle keeps when copies
// arrive one by one.
func electHeirs(heirs []heir) map[int64]int64 {
	best := make(map[int64]heir)
	for _, h := range heirs {
		b, ok := best[h.shown]
		if !ok || cmp.Or(
			cmp.Compare(herald.LicenceRank(b.licence), herald.LicenceRank(h.licence)),
			h.publishedAt.Compare(b.publishedAt),
			cmp.Compare(h.id, b.id)) < 0 {
			best[h.shown] = h
		}
	}
	elected := make(map[int64]int64, len(best))
	for shown, h := range best {
		elected[shown] = h.id
	}
	return elected
}

// shownOf returns the shown copy of a's text: a itself, or the article it
// is a copy of.
func shownOf(a *herald.Article) int64 { return cmp.Or(a.DuplicateOf, a.ID) }

// shownIDs returns the distinct shown copies of the texts in list.
func shownIDs(list []*herald.Article) []int64 {
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		ids = append(ids, shownOf(a))
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// attachCopies sets the Copies of each article in list from copies, the
// copies of each text by its shown copy, oldest first.
func attachCopies(list []*herald.Article, copies map[int64][]herald.Copy) {
	for _, a := range list {
		a.Copies = slices.Clone(copies[shownOf(a)])
	}
}

// inOrder returns the articles of byID in the order of ids, leaving out
// any id that is not there.
func inOrder(ids []int64, byID map[int64]*herald.Article) []*herald.Article {
	list := make([]*herald.Article, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			list = append(list, a)
		}
	}
	return list
}
