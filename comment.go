package herald

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// CommentStatus says where a comment stands in moderation.
type CommentStatus string

// The moderation states. Only approved comments are shown to everyone; a
// pending or spam comment is shown to its author alone, as awaiting
// moderation, so a spammer learns nothing from the page.
const (
	CommentPending  CommentStatus = "pending"
	CommentApproved CommentStatus = "approved"
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// CommentStatuses lists the states in the order moderators see the queues.
var CommentStatuses = []CommentStatus{CommentPending, CommentSpam, CommentApproved, CommentTrash}

// ParseCommentStatus checks s names a moderation state.
func ParseCommentStatus(s string) (CommentStatus, error) {
	for _, st := range CommentStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "comment status %q is not one of pending, spam, approved or trash", s)
}

// Reasons a comment was held or marked as spam, shown to moderators.
const (
	ReasonFirstComment = "first_comment" // the author has no approved comment yet
	ReasonLinks        = "links"         // the text holds too many links
	ReasonKeyword      = "keyword:"      // a moderation keyword matched; the keyword follows
	ReasonDisallowed   = "disallowed:"   // a disallowed keyword, email or address matched
	ReasonClassifier   = "classifier"    // the spam classifier scored it above its threshold
)

// Limits on what a comment may hold, in bytes. They bound the work every
// later reader does and keep a flood from filling the disk.
const (
	MaxCommentText  = 10000
	MaxCommentName  = 100
	MaxCommentEmail = 254
	MaxCommentURL   = 500
)

// MinCommentGap is how long an author must wait between two comments;
// stores refuse a quicker one, and the same text twice, as ECONFLICT.
const MinCommentGap = 15 * time.Second

// Comment is a reader's comment on an article. AuthorEmail, AuthorIP and
// UserAgent are private: they are shown to moderators only and never
// published in pages, feeds or the API.
type Comment struct {
	ID        int64
	ArticleID int64
	ParentID  int64 // 0 for a comment on the article itself
	UserID    int64 // the moderator who wrote it as the site, 0 for readers

	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	// AuthorNetwork is the /24 (IPv4) or /48 (IPv6) network of AuthorIP,
	// under which the stores count comments for the rate limit.
	AuthorNetwork string
	UserAgent     string

	Text      string
	Status    CommentStatus
	Reasons   []string // why it was held or marked spam
	Score     float64  // the classifier's spam probability, 0 to 1; -1 when it had no opinion
	Erased    bool     // the author's personal data was removed on request
	CreatedAt time.Time

	// ArticleSlug and ArticleTitle are filled by FindComments for the
	// moderation queues.
	ArticleSlug  string
	ArticleTitle string
}

// Validate reports what is wrong with the fields a reader typed, as a
// message per field name ("text", "name", "email", "url"); nil when all is
// well. The form shows each message beside its field.
func (c *Comment) Validate() map[string]string {
	problems := map[string]string{}
	check := func(field, value string, required bool, limit int, label string) {
		switch {
		case required && strings.TrimSpace(value) == "":
			problems[field] = label + " is required."
		case len(value) > limit:
			problems[field] = label + " is too long: at most " + itoa(limit) + " characters."
		case !utf8.ValidString(value):
			problems[field] = label + " holds characters that are not valid text."
		}
	}
	check("text", c.Text, true, MaxCommentText, "Comment")
	check("name", c.AuthorName, true, MaxCommentName, "Name")
	check("email", c.AuthorEmail, true, MaxCommentEmail, "Email")
	check("url", c.AuthorURL, false, MaxCommentURL, "Website")
	if _, bad := problems["email"]; !bad && !looksLikeEmail(c.AuthorEmail) {
		problems["email"] = "Email must be an address such as name@example.com."
	}
	if _, bad := problems["url"]; !bad && c.AuthorURL != "" && !isWebURL(c.AuthorURL) {
		problems["url"] = "Website must be an address starting with http:// or https://."
	}
	if len(problems) == 0 {
		return nil
	}
	return problems
}

// Check is the store's guard: a comment that did not pass Validate, or
// has no article or status, is refused whole.
func (c *Comment) Check() error {
	if p := c.Validate(); p != nil {
		for _, f := range []string{"text", "name", "email", "url"} {
			if msg, ok := p[f]; ok {
				return Errorf(EINVALID, "%s", msg)
			}
		}
	}
	if c.ArticleID == 0 {
		return Errorf(EINVALID, "comment has no article")
	}
	if _, err := ParseCommentStatus(string(c.Status)); err != nil {
		return err
	}
	return nil
}

// NormalizeEmail is the form of an address authors are known by.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>\"'") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func isWebURL(s string) bool {
	l := strings.ToLower(s)
	rest, ok := strings.CutPrefix(l, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(l, "http://")
	}
	return ok && rest != "" && !strings.ContainsAny(s, " \t\r\n<>\"'`\\")
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// CommentFilter selects comments. Zero fields select everything.
type CommentFilter struct {
	ArticleID int64
	Status    CommentStatus
	Email     string // the author's address, any case
	IDs       []int64
	// NewestFirst orders by time descending (the queues); otherwise
	// oldest first (the thread).
	NewestFirst bool
	Offset      int
	Limit       int // 0: no limit
}

// AuthorHistory is what moderation needs to know of an author's past.
type AuthorHistory struct {
	Approved int // comments of theirs approved so far
}

// CommentAction is a moderator's decision on some comments, recorded with
// who made it and when.
type CommentAction struct {
	IDs    []int64
	Status CommentStatus
	UserID int64
}

// CommentActionRecord is one recorded moderation decision.
type CommentActionRecord struct {
	CommentID int64
	UserEmail string // "" when the user was removed since
	Status    CommentStatus
	At        time.Time
}

// ClassifierCounts is the part of the spam model one comment is scored
// with: how many approved (ham) and spam comments it has seen, and how
// often each of the comment's tokens appeared in each class.
type ClassifierCounts struct {
	HamDocs, SpamDocs int
	Tokens            map[string][2]int // token → {ham, spam}
}

// CommentService keeps comments and what moderation learns from them.
type CommentService interface {
	// AddComment stores c, which must pass Check, and sets its ID and
	// CreatedAt. It refuses, as ECONFLICT with a message for the author,
	// a comment whose author (by email) posted the same text before or
	// another comment within MinCommentGap. An approved comment makes
	// Version move.
	AddComment(ctx context.Context, c *Comment) error
	// CountNetworkComments returns how many comments from network were
	// stored since the given time, by any process sharing the store: the
	// rate limit per network holds however many servers take comments.
	CountNetworkComments(ctx context.Context, network string, since time.Time) (int, error)
	// FindCommentByID returns the comment, or ENOTFOUND.
	FindCommentByID(ctx context.Context, id int64) (*Comment, error)
	// FindComments returns the comments f selects and how many it
	// selects in all, ignoring Offset and Limit.
	FindComments(ctx context.Context, f CommentFilter) ([]*Comment, int, error)
	// CountComments returns how many comments are in each state.
	CountComments(ctx context.Context) (map[CommentStatus]int, error)
	// AuthorHistory returns what is known of the author of email.
	AuthorHistory(ctx context.Context, email string) (AuthorHistory, error)
	// ModerateComments sets the status of the comments a.IDs, records
	// the action for each, and makes Version move. It returns the
	// comments as they were before, so that the caller can teach the
	// classifier. Unknown IDs are ENOTFOUND and change nothing.
	ModerateComments(ctx context.Context, a CommentAction) ([]*Comment, error)
	// FindCommentActions returns the decisions recorded on a comment,
	// oldest first.
	FindCommentActions(ctx context.Context, commentID int64) ([]CommentActionRecord, error)
	// EraseCommentAuthor removes the personal data of every comment by
	// email (name, email, website, address, browser, text), keeping the
	// rows so that replies stay in their thread. It returns how many
	// comments it erased.
	EraseCommentAuthor(ctx context.Context, email string) (int, error)

	// SetCommentsClose sets when the comments of one article close,
	// overriding the site's and the source's setting; the zero time keeps
	// them open for good. It makes Version move. An unknown article is
	// ENOTFOUND.
	SetCommentsClose(ctx context.Context, articleID int64, at time.Time) error
	// FindCommentsClose returns the article's own closing time (zero:
	// never), or ENOTFOUND when it has none and the defaults apply.
	FindCommentsClose(ctx context.Context, articleID int64) (time.Time, error)

	// ClassifierCounts returns the spam model's counts for tokens.
	ClassifierCounts(ctx context.Context, tokens []string) (ClassifierCounts, error)
	// TrainClassifier adds ham and spam (each -1, 0 or 1) to the document
	// counts and to the counts of each of tokens, in one transaction.
	TrainClassifier(ctx context.Context, tokens []string, ham, spam int) error
}
