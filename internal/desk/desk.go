// Package desk holds the editorial actions of Herald, each written once
// and called by both the CLI and the web desk (/admin): it checks who is
// acting and what they typed, asks the store for the change and has the
// store record it in the audit log in the same transaction.
package desk

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/fetch"
)

// Desk performs editorial actions on a store.
type Desk struct {
	Store  herald.Store
	Client *fetch.Client // for finding and previewing sources; nil refuses both
	Logger *slog.Logger
	Now    func() time.Time
}

// Actor is who takes an action: a signed-in user, or the CLI.
type Actor struct {
	Email string
	Role  herald.Role
	// Request makes the action happen once: a form's one-time id, so a
	// double submit does not act twice. "" for the CLI.
	Request string
}

// System is the actor of a CLI command: an admin, named as email (from
// --as) or as herald.SystemActor.
func System(email string) Actor {
	if email = strings.TrimSpace(email); email == "" {
		email = herald.SystemActor
	}
	return Actor{Email: email, Role: herald.RoleAdmin}
}

func (d *Desk) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Desk) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

// allow reports an EFORBIDDEN error unless a's role may act on kind.
func allow(a Actor, kind string) error {
	if !a.Role.Can(kind) {
		return herald.Errorf(herald.EFORBIDDEN, "a %s may not change %ss", roleName(a.Role), kind)
	}
	return nil
}

func roleName(r herald.Role) string {
	if r == "" {
		return "visitor"
	}
	return string(r)
}

// audited returns ctx carrying the audit entry of a's action on subject,
// after checking a may take it. The store writes the entry with the
// change.
func audited(ctx context.Context, a Actor, action, subject string, before, after any) (context.Context, error) {
	e := &herald.AuditEntry{Actor: a.Email, Action: action, Subject: subject,
		Before: herald.AuditJSON(before), After: herald.AuditJSON(after), Request: a.Request}
	if err := allow(a, e.Kind()); err != nil {
		return ctx, err
	}
	return herald.WithAudit(ctx, e), nil
}

// FieldError is a bad value typed into one field of a form: the desk shows
// Message beside that field.
type FieldError struct {
	Field   string
	Message string
	Code    string // herald.EINVALID when empty; ECONFLICT for a duplicate
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Unwrap makes a FieldError a herald error for everyone who does not show
// forms.
func (e *FieldError) Unwrap() error {
	code := e.Code
	if code == "" {
		code = herald.EINVALID
	}
	return herald.Errorf(code, "%s", e.Message)
}

func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: herald.Errorf(herald.EINVALID, format, args...).Message}
}

// FieldOf returns the field a bad value was typed into, or "" when err is
// not about one field.
func FieldOf(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

// onField turns an EINVALID or ECONFLICT error from elsewhere into one
// about field.
func onField(field string, err error) error {
	code := herald.ErrorCode(err)
	if err == nil || FieldOf(err) != "" || code != herald.EINVALID && code != herald.ECONFLICT {
		return err
	}
	return &FieldError{Field: field, Message: herald.ErrorMessage(err), Code: code}
}

// AlreadyDone reports whether err says a's request acted before: a form
// submitted twice. The action happened once; the desk shows its result.
func AlreadyDone(err error, a Actor) bool {
	return a.Request != "" && herald.IsAlreadyDone(err)
}

// settle returns "already done" for the failure of a's action when its
// request is in the audit log: the form was sent twice, and the second
// failed on what the first changed (a source that now exists, a story
// merged already) before the store saw the repeated request.
func (d *Desk) settle(ctx context.Context, a Actor, err error) error {
	if err == nil || a.Request == "" || AlreadyDone(err, a) {
		return err
	}
	done, ferr := d.Store.FindAudit(ctx, herald.AuditFilter{Request: a.Request, Limit: 1})
	if ferr == nil && len(done) > 0 {
		return herald.ErrAlreadyDone()
	}
	return err
}
