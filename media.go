package herald

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Pictures (issue 20). An article names its pictures by the outlet's
// addresses; Herald fetches each address once, whatever number of
// articles name it (the wire photo in thirty reports), processes the
// bytes into a few re-encoded variants (internal/media) and keeps them in
// the database under the SHA-256 of the original, so that every web node
// sharing the database serves them itself, at /media/{hash}/…, and pages
// ask nobody else for anything.
//
// The state of a picture belongs to its address, not to an article: an
// address is pending until fetched, then stored (with its hash), refused
// (the bytes are no picture Herald will show) or failed (the fetch did
// not succeed; it is tried again at its NextTry).

// ImageRole says where in an article a picture stands.
type ImageRole string

// Image roles.
const (
	RoleLead ImageRole = "lead" // the picture shown above the article; only ever the first
	RoleBody ImageRole = "body" // a picture within the body, in its order
)

// ImageStatus is where the picture at an address stands.
type ImageStatus string

// Image statuses.
const (
	ImagePending ImageStatus = "pending" // not fetched yet; due at once
	ImageStored  ImageStatus = "stored"  // fetched and processed: Hash names its media
	ImageRefused ImageStatus = "refused" // fetched, and no picture Herald shows; never tried again
	ImageFailed  ImageStatus = "failed"  // the fetch failed; tried again at NextTry, never when zero
)

// Limits on what an article's pictures may hold.
const (
	MaxArticleImages   = 100  // pictures of one article
	MaxImageAltLen     = 1000 // bytes
	MaxImageCaptionLen = 2000 // bytes
	MaxImageCreditLen  = MaxBylineLen
	MaxImageReasonLen  = 64 // bytes of a reason code
)

// ArticleImage is one picture of an article: what the outlet offered (its
// address, the alternative text, caption and credit) and where Herald
// stands with the picture at that address.
type ArticleImage struct {
	ArticleID int64
	Position  int       // 0 for the first picture (the lead, if there is one), then in order
	Role      ImageRole // RoleLead only at Position 0
	SourceURL string    // the outlet's address of the picture
	Alt       string
	Caption   string
	Credit    string

	// What follows is the state of SourceURL, shared by every article
	// image that names it. The store keeps it; SetArticleImages ignores it.
	Status   ImageStatus
	Reason   string    // why the picture was refused or the last fetch failed: a reason code
	Attempts int       // results recorded for the address
	NextTry  time.Time // when a pending or failed picture is due; zero when none is
	Hash     string    // the media of a stored picture; "" otherwise
	// Width and Height are the stored picture's size (its original, as
	// shown), for the page's width and height attributes; 0 otherwise.
	Width, Height int
	// Variants are what a stored picture can be served as, width
	// variants narrowest first, then the social card; Data is left nil,
	// and Bytes says what it holds (a feed's enclosure needs the length).
	Variants []MediaVariant
}

// Media is a picture as Herald keeps it: the description of the original
// (which itself is not kept) and the variants Herald made of it.
type Media struct {
	Hash          string // the lowercase hex SHA-256 of the original's bytes
	Width, Height int    // the original's size as shown (after its EXIF orientation)
	ContentType   string // the original's type, as its bytes say: image/jpeg, image/webp…
	OriginalBytes int64
	Variants      []MediaVariant
}

// MediaVariant is one re-encoded copy of a picture, served as it is.
type MediaVariant struct {
	Width, Height int
	ContentType   string // VariantJPEG or VariantPNG
	Card          bool   // the social card (cut to its own shape), not a width variant
	Data          []byte
	// Bytes is the size of the variant's data, filled by the stores
	// (FindArticleImages and FindMediaVariant) whether or not they return
	// Data itself; writers of media leave it alone, as len(Data) is what
	// is kept.
	Bytes int
}

// The types a variant may have. Herald serves a variant's bytes under its
// ContentType, so only types Herald encodes itself and browsers show as
// pictures are kept: never SVG, never HTML.
const (
	VariantJPEG = "image/jpeg"
	VariantPNG  = "image/png"
)

// Limits on what a media row may hold.
const (
	MaxMediaSide     = 100_000  // pixels, either side
	MaxMediaVariants = 16       // variants of one picture
	MaxVariantBytes  = 16 << 20 // bytes of one variant
)

// ImageResult is what became of the picture at one address, for
// MediaService.RecordImageResult.
type ImageResult struct {
	SourceURL string
	Status    ImageStatus // ImageStored, ImageRefused or ImageFailed
	// Media is the stored picture: set for ImageStored only.
	Media *Media
	// Reason is a short, stable code saying why the picture was refused
	// (internal/media's reasons: "too-small", "svg"…) or the fetch failed
	// ("http-404", "timeout"…): lowercase letters, digits, '-' and '.'.
	// MediaStats counts addresses by it. Set for ImageRefused and
	// ImageFailed only; the detail belongs in the log.
	Reason string
	// NextTry is when a failed fetch is tried again; zero gives up on
	// the address. Set for ImageFailed only.
	NextTry time.Time
}

// MediaStats says what the pictures take and how their fetches went.
type MediaStats struct {
	Media         int   // pictures stored
	OriginalBytes int64 // their originals' sizes, as fetched (the originals are not kept)
	Variants      int
	VariantBytes  int64 // what the variants hold: the pictures' room in the database
	// Addresses counts the pictures' addresses by status (those no
	// article names any more until PruneMedia), and Reasons the refused
	// and failed ones by reason.
	Addresses map[ImageStatus]int
	Reasons   map[string]int
}

// MediaService keeps articles' pictures and the media made of them.
// Article images are deleted with their article; media and addresses no
// article names any more stay until PruneMedia.
type MediaService interface {
	// SetArticleImages makes list, in its order, the pictures of article
	// articleID, replacing those it had: Position is set from the order,
	// and the state fields of each image are ignored, as the state
	// belongs to its address. An address Herald knows keeps its state,
	// so an address stored for any article is shown at once and is never
	// fetched again; a new one is pending, due at once. An empty list
	// removes the article's pictures. An unknown article is ENOTFOUND; a
	// list CheckArticleImages refuses is EINVALID, and nothing is written.
	// Setting the list an article has changes nothing, not even Version.
	SetArticleImages(ctx context.Context, articleID int64, list []ArticleImage) error

	// FindArticleImages returns the pictures of the articles ids, each
	// article's in order, with the state of their addresses: every
	// status, so a page shows only those whose Status is ImageStored.
	// A stored picture comes with its variants, each with its Bytes but
	// not its Data.
	// An article with no pictures, or no such article, has no entry.
	FindArticleImages(ctx context.Context, ids []int64) (map[int64][]ArticleImage, error)

	// ClaimImageWork returns up to limit addresses that are due (pending,
	// or failed with a NextTry that has come), those due longest first,
	// and holds them until lease has passed, so that other processes pass
	// them over meanwhile: each address is claimed once, however many
	// articles name it. Each comes as the first article image naming it,
	// with the address's state (Attempts, and the last failure's Reason).
	// An address claimed and never recorded is offered again once its
	// lease ends; an address no article names is never offered.
	ClaimImageWork(ctx context.Context, limit int, lease time.Duration) ([]ArticleImage, error)

	// RecordImageResult stores what became of the picture at
	// r.SourceURL, for every article image naming it, and ends its lease.
	// A stored picture's media is kept in the same transaction, once per
	// hash: recording the same media again, for this address or another,
	// leaves the stored media as it was. A stored address stays stored:
	// a later failure or refusal for it changes nothing. An address no
	// article image has named (or one pruned since) is ENOTFOUND, and a
	// result CheckImageResult refuses is EINVALID; neither writes anything.
	RecordImageResult(ctx context.Context, r ImageResult) error

	// FindMediaVariant returns the width variant of the media hash with
	// that width or, with card, the picture's social card whatever the
	// width asked (a picture has one), Data and Bytes included. Anything else, a
	// malformed hash included, is ENOTFOUND.
	FindMediaVariant(ctx context.Context, hash string, width int, card bool) (*MediaVariant, error)

	// MediaStats counts the media and the addresses.
	MediaStats(ctx context.Context) (MediaStats, error)

	// PruneMedia deletes the addresses no article image names, and then
	// the media no address names, and returns how many media it deleted.
	// Purging a source (RemoveSource) prunes in its own transaction;
	// callers prune after other changes that drop pictures, such as
	// SetArticleImages replacing an article's list, when it suits them.
	PruneMedia(ctx context.Context) (int, error)

	// RequeueImages makes the refused and failed addresses pending again,
	// due at once with no attempts counted, so that the fetcher tries each
	// afresh (herald media refetch: after an outage, or once a server or
	// Herald's rules let them through). With a sourceSlug, only the
	// addresses an article of that source names; an unknown source is
	// ENOTFOUND. A claimed address keeps its claim. It returns how many
	// addresses it made pending.
	RequeueImages(ctx context.Context, sourceSlug string) (int, error)
}

// CheckArticleImages reports the first thing wrong with list as an
// article's pictures, as an EINVALID error naming the picture.
func CheckArticleImages(list []ArticleImage) error {
	if len(list) > MaxArticleImages {
		return Errorf(EINVALID, "an article has %d pictures; the limit is %d", len(list), MaxArticleImages)
	}
	seen := make(map[string]int, len(list))
	for i, im := range list {
		if err := im.check(i); err != nil {
			return Errorf(EINVALID, "picture %d: %s", i+1, ErrorMessage(err))
		}
		if j, ok := seen[im.SourceURL]; ok {
			return Errorf(EINVALID, "pictures %d and %d have the same address %s", j+1, i+1, truncate(im.SourceURL, 80))
		}
		seen[im.SourceURL] = i
	}
	return nil
}

// check reports what is wrong with im as the picture at position i.
func (im *ArticleImage) check(i int) error {
	switch {
	case im.Role != RoleLead && im.Role != RoleBody:
		return Errorf(EINVALID, "role %q is not one of lead or body", im.Role)
	case im.Role == RoleLead && i > 0:
		return Errorf(EINVALID, "only the first picture can be the lead")
	}
	if err := checkImageURL(im.SourceURL); err != nil {
		return err
	}
	for _, f := range []struct {
		name, text string
		max        int
	}{{"alt", im.Alt, MaxImageAltLen}, {"caption", im.Caption, MaxImageCaptionLen}, {"credit", im.Credit, MaxImageCreditLen}} {
		if err := checkImageText(f.name, f.text, f.max); err != nil {
			return err
		}
	}
	return nil
}

func checkImageURL(s string) error {
	if len(s) > MaxURLLen {
		return Errorf(EINVALID, "address is longer than %d bytes", MaxURLLen)
	}
	return CheckWebURL(s)
}

// checkImageText refuses text too long, not UTF-8, or holding control
// characters other than tab and newline (PostgreSQL cannot keep NUL at
// all, and the others are nothing a reader can see).
func checkImageText(name, s string, max int) error {
	switch {
	case len(s) > max:
		return Errorf(EINVALID, "%s is longer than %d bytes", name, max)
	case !utf8.ValidString(s):
		return Errorf(EINVALID, "%s is not valid UTF-8", name)
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' }):
		return Errorf(EINVALID, "%s holds a control character", name)
	}
	return nil
}

// ValidMediaHash reports whether s can name media: 64 lowercase hex digits.
func ValidMediaHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Validate reports the first thing wrong with m, as an EINVALID error.
func (m *Media) Validate() error {
	switch {
	case !ValidMediaHash(m.Hash):
		return Errorf(EINVALID, "media hash %q is not 64 lowercase hex digits", truncate(m.Hash, 80))
	case m.Width <= 0 || m.Height <= 0 || m.Width > MaxMediaSide || m.Height > MaxMediaSide:
		return Errorf(EINVALID, "media size %d×%d is outside 1 to %d pixels", m.Width, m.Height, MaxMediaSide)
	case !strings.HasPrefix(m.ContentType, "image/") || len(m.ContentType) > 100:
		return Errorf(EINVALID, "media type %q is not an image type", truncate(m.ContentType, 80))
	case m.OriginalBytes <= 0:
		return Errorf(EINVALID, "media original of %d bytes", m.OriginalBytes)
	case len(m.Variants) == 0 || len(m.Variants) > MaxMediaVariants:
		return Errorf(EINVALID, "media has %d variants; it needs 1 to %d", len(m.Variants), MaxMediaVariants)
	}
	type key struct {
		card  bool
		width int
	}
	seen := make(map[key]bool, len(m.Variants))
	for _, v := range m.Variants {
		k := key{v.Card, v.Width}
		switch {
		case v.Width <= 0 || v.Height <= 0 || v.Width > MaxMediaSide || v.Height > MaxMediaSide:
			return Errorf(EINVALID, "variant size %d×%d is outside 1 to %d pixels", v.Width, v.Height, MaxMediaSide)
		case v.ContentType != VariantJPEG && v.ContentType != VariantPNG:
			return Errorf(EINVALID, "variant type %q is not one of %s or %s", truncate(v.ContentType, 80), VariantJPEG, VariantPNG)
		case len(v.Data) == 0 || len(v.Data) > MaxVariantBytes:
			return Errorf(EINVALID, "variant of %d bytes; it needs 1 to %d", len(v.Data), MaxVariantBytes)
		case seen[k]:
			return Errorf(EINVALID, "two variants of width %d", v.Width)
		case v.Card && seen[key{card: true}]:
			return Errorf(EINVALID, "two social cards")
		}
		seen[k] = true
		if v.Card {
			seen[key{card: true}] = true
		}
	}
	return nil
}

// CheckImageResult reports the first thing wrong with r, as an EINVALID
// error.
func CheckImageResult(r ImageResult) error {
	if err := checkImageURL(r.SourceURL); err != nil {
		return err
	}
	switch r.Status {
	case ImageStored:
		switch {
		case r.Media == nil:
			return Errorf(EINVALID, "a stored picture needs its media")
		case r.Reason != "" || !r.NextTry.IsZero():
			return Errorf(EINVALID, "a stored picture has no reason and no next try")
		}
		return r.Media.Validate()
	case ImageRefused, ImageFailed:
		switch {
		case r.Media != nil:
			return Errorf(EINVALID, "a %s picture has no media", r.Status)
		case r.Status == ImageRefused && !r.NextTry.IsZero():
			return Errorf(EINVALID, "a refused picture is not tried again")
		}
		return checkReason(r.Reason)
	default:
		return Errorf(EINVALID, "image status %q is not one of stored, refused or failed", r.Status)
	}
}

func checkReason(s string) error {
	switch {
	case s == "":
		return Errorf(EINVALID, "a reason is required")
	case len(s) > MaxImageReasonLen:
		return Errorf(EINVALID, "reason is longer than %d bytes", MaxImageReasonLen)
	case strings.ContainsFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '.'
	}):
		return Errorf(EINVALID, "reason %q is not a code of lowercase letters, digits, '-' and '.'", truncate(s, 80))
	}
	return nil
}
