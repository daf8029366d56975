package herald

import (
	"context"
	"time"
)

// Role says what a signed-in user may do.
type Role string

// The roles. Every role may moderate comments; editors and admins will be
// given more as Herald grows.
const (
	RoleAdmin     Role = "admin"
	RoleEditor    Role = "editor"
	RoleModerator Role = "moderator"
)

// ParseRole checks s names a role.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleEditor, RoleModerator:
		return r, nil
	}
	return "", Errorf(EINVALID, "role %q is not one of admin, editor or moderator", s)
}

// Sign-in lockout: after MaxFailedSignIns wrong passwords in a row, an
// account refuses every sign-in for SignInLockout.
const (
	MaxFailedSignIns = 5
	SignInLockout    = 15 * time.Minute
)

// User is a person who may sign in to the admin pages.
type User struct {
	ID           int64
	Email        string
	Role         Role
	PasswordHash string // argon2id, in the PHC string format
	LockedUntil  time.Time
	CreatedAt    time.Time
}

// Session is a signed-in user's session. Only a hash of its token is
// stored, so a copy of the database cannot be used to sign in.
type Session struct {
	TokenHash string
	User      *User
	ExpiresAt time.Time
}

// UserService keeps users, their sessions and the site's secrets.
type UserService interface {
	// AddUser stores u; an email already taken is ECONFLICT.
	AddUser(ctx context.Context, u *User) error
	// FindUserByEmail returns the user, or ENOTFOUND.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// RecordSignIn notes the outcome of a sign-in attempt: a success
	// clears the failures, the MaxFailedSignIns-th failure in a row locks
	// the account for SignInLockout.
	RecordSignIn(ctx context.Context, userID int64, ok bool) error
	// CreateSession stores s.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the unexpired session with the token hash, with
	// its user, or ENOTFOUND.
	FindSession(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteSession ends the session; ending one already gone is no error.
	DeleteSession(ctx context.Context, tokenHash string) error

	// Secret returns the site's random secret called name, made on first
	// use and the same for every process sharing the database. Signed
	// form tokens and cookies use it.
	Secret(ctx context.Context, name string) ([]byte, error)
}
