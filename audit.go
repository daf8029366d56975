package herald

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// AuditEntry is one editorial action in the audit log: who did what to
// which thing, when, and the values before and after. The desk and the
// CLI put the entry in the context of the store call that makes the
// change (see WithAudit); the store writes it in the same transaction, so
// the log never shows an action that did not happen, nor misses one that
// did.
type AuditEntry struct {
	ID      int64
	At      time.Time // set by the store when zero
	Actor   string    // the signed-in user's email, or SystemActor for the CLI
	Action  string    // "kind.verb": source.add, topic.update, article.takedown… (see AuditKinds)
	Subject string    // what it acted on: a slug, an id or an email
	Before  string    // JSON of the values before; "" when there were none
	After   string    // JSON of the values after; "" when there are none
	// Request, when set, makes the action happen at most once: a second
	// store call carrying the same Request is refused with ECONFLICT and
	// changes nothing. Forms carry one, so a double submit acts once.
	Request string
}

// SystemActor is the actor of an action taken from the CLI without --as.
const SystemActor = "system"

// AuditKinds are the kinds an action may be filtered by: the part of
// Action before the dot.
var AuditKinds = []string{"source", "topic", "digest", "story", "article", "comment", "user"}

// Kind returns the kind of e's action: "source" for "source.add".
func (e *AuditEntry) Kind() string {
	kind, _, _ := strings.Cut(e.Action, ".")
	return kind
}

// Limits on an audit entry: before and after values are snapshots of a
// row or of a form, never whole article bodies.
const (
	MaxAuditValueLen = 64 << 10
	MaxRequestLen    = 128
)

// Validate reports the first thing wrong with e, as an EINVALID error.
func (e *AuditEntry) Validate() error {
	switch {
	case strings.TrimSpace(e.Actor) == "":
		return Errorf(EINVALID, "audit entry has no actor")
	case !strings.Contains(e.Action, "."):
		return Errorf(EINVALID, "audit action %q is not kind.verb", e.Action)
	case len(e.Before) > MaxAuditValueLen || len(e.After) > MaxAuditValueLen:
		return Errorf(EINVALID, "audit values are longer than %d bytes", MaxAuditValueLen)
	case len(e.Request) > MaxRequestLen:
		return Errorf(EINVALID, "request id is longer than %d bytes", MaxRequestLen)
	}
	return nil
}

// AuditJSON returns v as the JSON an entry's Before or After holds, or ""
// for nil.
func AuditJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

type auditKey struct{}

// WithAudit returns ctx carrying e: the store writes e with the change
// made by the next audited call it serves in that context. The audited
// calls are the editorial ones: AddSource, UpdateSource, RemoveSource,
// AddTopic, UpdateTopic, EditDigestPoint, SplitArticle, MergeStories,
// ModerateComments, AddUser, UpdateUser, AddInvitation, AcceptInvitation,
// TakeDownArticle, RestoreArticle, TakeDownSource, RestoreSource and
// EditArticle.
func WithAudit(ctx context.Context, e *AuditEntry) context.Context {
	return context.WithValue(ctx, auditKey{}, e)
}

// AuditFrom returns the entry WithAudit put in ctx, or nil.
func AuditFrom(ctx context.Context) *AuditEntry {
	e, _ := ctx.Value(auditKey{}).(*AuditEntry)
	return e
}

// AuditFilter selects entries of the audit log, newest first.
type AuditFilter struct {
	Actor string // exact email, or SystemActor; "" for everyone
	Kind  string // one of AuditKinds; "" for every kind
	// Request finds the entry of one request ("" for all): whether a form
	// submitted twice has acted already.
	Request string
	Before  int64 // only entries with a smaller ID: the next page's cursor
	Limit   int   // at most MaxPageSize; 0 means DefaultPageSize
}

// AuditService reads the audit log; the entries are written by the
// audited calls of the other services.
type AuditService interface {
	// FindAudit returns the entries f selects, newest first.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

// ErrAlreadyDone is the error of an audited call whose entry carries a
// Request the log holds already: a second submit of the same form, which
// changes nothing.
func ErrAlreadyDone() *Error {
	return &Error{Code: ECONFLICT, Message: alreadyDone}
}

const alreadyDone = "already done: this request was made before"

// IsAlreadyDone reports whether err is ErrAlreadyDone's.
func IsAlreadyDone(err error) bool {
	return ErrorCode(err) == ECONFLICT && ErrorMessage(err) == alreadyDone
}
