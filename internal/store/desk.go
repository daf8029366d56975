package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/herald-news/herald"
)

// The rules in this file are the newsroom desk's: the audit log, users
// and invitations, and the snapshot a takedown keeps.

// Audit returns the entry ctx carries for the store to write with its
// change, nil when there is none, or an EINVALID error for a bad one, so
// that the call fails before anything is written.
func Audit(ctx context.Context) (*herald.AuditEntry, error) {
	e := herald.AuditFrom(ctx)
	if e == nil {
		return nil, nil
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// AuditQuery checks f and returns its page size, as ArticleFilter's
// PageLimit does.
func AuditQuery(f herald.AuditFilter) (limit int, err error) {
	if f.Kind != "" && !slices.Contains(herald.AuditKinds, f.Kind) {
		return 0, herald.Errorf(herald.EINVALID, "%q is not a kind of action", f.Kind)
	}
	return herald.ArticleFilter{Limit: f.Limit}.PageLimit(), nil
}

// UserChange is what UpdateUser decides from a stored user and an update.
type UserChange struct {
	Role     herald.Role
	Disabled bool
	// DemotesAdmin is set when the change takes the role or the account
	// away from an enabled admin: allowed only while another is left.
	DemotesAdmin bool
}

// ChangeUser checks upd and applies it to u's role and state.
func ChangeUser(u *herald.User, upd herald.UserUpdate) (UserChange, error) {
	c := UserChange{Role: u.Role, Disabled: u.Disabled}
	if upd.Role != nil {
		r, err := herald.ParseRole(string(*upd.Role))
		if err != nil {
			return c, err
		}
		c.Role = r
	}
	if upd.Disabled != nil {
		c.Disabled = *upd.Disabled
	}
	if upd.PasswordHash != nil && *upd.PasswordHash == "" {
		return c, herald.Errorf(herald.EINVALID, "a password is required")
	}
	wasAdmin := u.Role == herald.RoleAdmin && !u.Disabled
	c.DemotesAdmin = wasAdmin && (c.Role != herald.RoleAdmin || c.Disabled)
	return c, nil
}

// LastAdmin is the error of a change that would leave no enabled admin.
func LastAdmin() error {
	return herald.Errorf(herald.ECONFLICT, "this is the last enabled admin: someone must be left to manage users")
}

// CheckInvitation checks inv before it is stored and normalises its email.
func CheckInvitation(inv *herald.Invitation) error {
	if _, err := herald.ParseRole(string(inv.Role)); err != nil {
		return err
	}
	inv.Email = herald.NormalizeEmail(inv.Email)
	switch {
	case inv.Email == "":
		return herald.Errorf(herald.EINVALID, "an invitation needs an email")
	case inv.TokenHash == "":
		return herald.Errorf(herald.EINVALID, "an invitation needs a token")
	case inv.ExpiresAt.IsZero():
		return herald.Errorf(herald.EINVALID, "an invitation needs an expiry time")
	}
	return nil
}

// UserExists is AddInvitation's error for an email a user has already.
func UserExists(email string) error {
	return herald.Errorf(herald.ECONFLICT, "a user with email %s exists already", email)
}

// Snapshot is what a takedown keeps of an article, as JSON, to restore it
// as it was: its row, what hangs off it, and which text it was a copy of.
// Pictures keep their addresses, which are fetched again; comments keep
// their ids, so that links to them hold.
type Snapshot struct {
	Article  SnapshotArticle
	Bands    []int64               `json:",omitempty"`
	Images   []herald.ArticleImage `json:",omitempty"`
	Comments []*herald.Comment     `json:",omitempty"`
	Actions  []SnapshotAction      `json:",omitempty"`
	// Closing is the article's own closing time for comments: nil for
	// none, the zero time for "open for good".
	Closing *time.Time     `json:",omitempty"`
	Topics  []int64        `json:",omitempty"`
	Items   []SnapshotItem `json:",omitempty"`
	// Revisions are the versions its revisions replaced, oldest first,
	// as article_revisions keeps them.
	Revisions []SnapshotRevision `json:",omitempty"`
}

// SnapshotRevision is a kept version of an article, its body packed (see
// PackVersion). A restore gives it a new id.
type SnapshotRevision struct {
	N             int
	At            time.Time
	Title, Byline string
	Body          []byte
}

// SnapshotArticle is an article's row. Text lists the other articles of
// its text when it was taken down (the shown copy it pointed at, or the
// copies of a shown copy): a restore finds the text's shown copy through
// the first still stored.
type SnapshotArticle struct {
	ID          int64
	Slug        string
	OriginalURL string
	SourceID    int64
	Title       string
	Byline      string
	PublishedAt time.Time
	HTML        string
	Text        string
	Lead        string
	Image       string
	Lang        string
	Licence     herald.Licence
	CreatedAt   time.Time
	TextHash    int64
	Fingerprint []byte  `json:",omitempty"`
	Copies      []int64 `json:",omitempty"`
	// UpdatedAt and Revisions are zero in a snapshot taken before
	// revisions were kept; such an article comes back with one version.
	UpdatedAt time.Time `json:",omitzero"`
	Revisions int       `json:",omitempty"`
}

// NewSnapshotArticle returns the row of a, read with its body.
func NewSnapshotArticle(a *herald.Article) SnapshotArticle {
	return SnapshotArticle{
		ID: a.ID, Slug: a.Slug, OriginalURL: a.OriginalURL, SourceID: a.Source.ID, Title: a.Title,
		Byline: a.Byline, PublishedAt: a.PublishedAt, HTML: a.HTML, Text: a.Text, Lead: a.Lead,
		Image: a.Image, Lang: a.Lang, Licence: a.Licence, CreatedAt: a.CreatedAt,
		TextHash: int64(a.Dedup.Hash), Fingerprint: a.Dedup.Signature,
		UpdatedAt: a.UpdatedAt, Revisions: a.Revisions,
	}
}

// Article returns the article a snapshot restores, as the stores' insert
// path takes it.
func (a *SnapshotArticle) Article() *herald.Article {
	return &herald.Article{
		ID: a.ID, Slug: a.Slug, OriginalURL: a.OriginalURL, Title: a.Title, Byline: a.Byline,
		PublishedAt: a.PublishedAt, HTML: a.HTML, Text: a.Text, Lead: a.Lead, Image: a.Image,
		Lang: a.Lang, Licence: a.Licence, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt, Revisions: max(a.Revisions, 1),
		Source: &herald.Source{ID: a.SourceID},
		Dedup:  herald.Fingerprint{Hash: uint64(a.TextHash), Signature: a.Fingerprint},
	}
}

// SnapshotAction is one moderation decision on a comment.
type SnapshotAction struct {
	ID, CommentID, UserID int64
	Action                string
	At                    time.Time
}

// SnapshotItem is a source's item that had become the article.
type SnapshotItem struct {
	SourceID int64
	Key      string
}

// Shown is an article's title and lead as lists show them.
type Shown struct{ Title, Lead string }

// EditedArticle returns what an article showing was, with text, shows
// after edit e: an empty excerpt returns to the text's first words.
func EditedArticle(e herald.ArticleEdit, was Shown, text string) Shown {
	s := was
	if e.Title != nil {
		s.Title = strings.TrimSpace(*e.Title)
	}
	switch {
	case e.Excerpt == nil:
	case strings.TrimSpace(*e.Excerpt) == "":
		s.Lead = herald.Excerpt(text, herald.ExcerptWords)
	default:
		s.Lead = strings.TrimSpace(*e.Excerpt)
	}
	return s
}

// CorrectionNotes returns notes as the stores keep them: trimmed, cut to
// herald.MaxCorrectionLen, empty and repeated ones dropped.
func CorrectionNotes(notes []string) []string {
	var out []string
	for _, n := range notes {
		n = strings.TrimSpace(n)
		if len(n) > herald.MaxCorrectionLen {
			n = strings.ToValidUTF8(n[:herald.MaxCorrectionLen], "")
		}
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// CorrectionPage reads f's cursor and page size: after is the last
// correction of the page before (its FoundAt and id), zero for the first.
func CorrectionPage(f herald.CorrectionFilter) (after herald.Cursor, limit int, err error) {
	if f.Cursor != "" {
		if after, err = herald.DecodeCursor(f.Cursor); err != nil {
			return herald.Cursor{}, 0, err
		}
	}
	return after, herald.ArticleFilter{Limit: f.Limit}.PageLimit(), nil
}

// CorrectionNext cuts a page read with one row more than limit, and
// returns its next cursor ("" when it was the last).
func CorrectionNext(list []*herald.Correction, ids []int64, limit int) ([]*herald.Correction, string) {
	if len(list) <= limit {
		return list, ""
	}
	last := list[limit-1]
	return list[:limit], herald.Cursor{PublishedAt: last.FoundAt, ID: ids[limit-1]}.Encode()
}

// TakedownBatch returns the articles one TakeDownSource or RestoreSource
// call handles when asked for limit: herald.SourceTakedownBatch for 0 or
// less, and never more than it, so that a caller cannot make one
// transaction hold the write lock for minutes.
func TakedownBatch(limit int) int {
	if limit <= 0 || limit > herald.SourceTakedownBatch {
		return herald.SourceTakedownBatch
	}
	return limit
}

// SourceNotTakenDown is the error of restoring a source whose articles
// are not taken down.
func SourceNotTakenDown(slug string) error {
	return herald.Errorf(herald.ENOTFOUND, "source %q is not taken down: there is nothing to restore", slug)
}
