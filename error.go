package herald

import (
	"errors"
	"fmt"
)

// Error codes. They say what kind of failure happened, independent of how it
// reaches the user: internal/web maps them to HTTP statuses in one table.
const (
	ECONFLICT  = "conflict"
	EFORBIDDEN = "forbidden" // signed in, but the role does not allow it
	EINTERNAL  = "internal"
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
)

// Error is a failure that can be shown to the person who caused it: Message
// is written for them. Errors without a Code are internal, and only
// "Internal error" is shown while the detail is logged.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("herald error: code=%s message=%s", e.Code, e.Message)
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or "Internal error." for any other error.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Internal error."
	}
}

// Errorf is a shorthand for building an *Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
