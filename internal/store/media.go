package store

import (
	"time"

	"github.com/herald-news/herald"
)

// The rules in this file decide what the media methods of both stores do
// around their SQL (see herald.MediaService).

// SameImages reports whether an article's stored pictures, old, in order,
// are those list would set, so that SetArticleImages writes nothing and
// the version stays.
func SameImages(old, list []herald.ArticleImage) bool {
	if len(old) != len(list) {
		return false
	}
	for i, o := range old {
		n := list[i]
		if o.Role != n.Role || o.SourceURL != n.SourceURL || o.Alt != n.Alt || o.Caption != n.Caption || o.Credit != n.Credit {
			return false
		}
	}
	return true
}

// ImageRow is one row of the stores' query for article images: an image
// with the state of its address, and one variant of its media, zero when
// it has none (or the query reads no variants).
type ImageRow struct {
	Image   herald.ArticleImage
	Variant herald.MediaVariant
}

// GroupImages folds rows, ordered by article, position and then variant,
// into FindArticleImages's answer: each article's images in order, each
// image with its variants, without their data.
func GroupImages(rows []ImageRow) map[int64][]herald.ArticleImage {
	found := make(map[int64][]herald.ArticleImage)
	for _, r := range rows {
		list := found[r.Image.ArticleID]
		if n := len(list); n == 0 || list[n-1].Position != r.Image.Position {
			list = append(list, r.Image)
		}
		if r.Variant.Width > 0 {
			last := &list[len(list)-1]
			last.Variants = append(last.Variants, r.Variant)
		}
		found[r.Image.ArticleID] = list
	}
	return found
}

// RecordOutcome decides what RecordImageResult does to an address whose
// status and hash are status and hash: whether its row is written (a
// stored address stays stored, so a late failure or refusal changes
// nothing), and whether pages change with it (the picture becomes stored,
// or stored under another hash), so that the version must move.
func RecordOutcome(status herald.ImageStatus, hash string, r herald.ImageResult) (write, change bool) {
	if status == herald.ImageStored && r.Status != herald.ImageStored {
		return false, false
	}
	return true, r.Status == herald.ImageStored && (status != herald.ImageStored || hash != r.Media.Hash)
}

// NewMediaStats returns stats with their maps made, for the stores to fill.
func NewMediaStats() herald.MediaStats {
	return herald.MediaStats{Addresses: make(map[herald.ImageStatus]int), Reasons: make(map[string]int)}
}

// CountAddresses adds n addresses of status and reason to st; reasons are
// counted for refused and failed addresses only.
func CountAddresses(st *herald.MediaStats, status herald.ImageStatus, reason string, n int) {
	st.Addresses[status] += n
	if reason != "" && (status == herald.ImageRefused || status == herald.ImageFailed) {
		st.Reasons[reason] += n
	}
}

// CheckClaimImages reports what is wrong with the arguments of
// ClaimImageWork; claim reports whether there is anything to claim.
func CheckClaimImages(limit int, lease time.Duration) (claim bool, err error) {
	if lease <= 0 {
		return false, herald.Errorf(herald.EINVALID, "lease %s is not positive", lease)
	}
	return limit > 0, nil
}

// CheckVariantKey reports, as ENOTFOUND, a variant no media can have: a
// hash that is not one, or for a width variant a width outside what
// Media.Validate lets in (a card is found by its hash alone). The
// web layer passes what a path held; neither store is asked about it.
func CheckVariantKey(hash string, width int, card bool) error {
	if !herald.ValidMediaHash(hash) || !card && (width <= 0 || width > herald.MaxMediaSide) {
		return VariantNotFound()
	}
	return nil
}

// VariantNotFound is FindMediaVariant's error for a variant not kept.
func VariantNotFound() error { return herald.Errorf(herald.ENOTFOUND, "picture not found") }

// AddressNotFound is RecordImageResult's error for an address no article
// image has named, or one pruned since.
func AddressNotFound(url string) error {
	return herald.Errorf(herald.ENOTFOUND, "no article has a picture at %s", url)
}
