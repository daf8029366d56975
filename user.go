package herald

import (
	"context"
	"time"
)

// Role says what a signed-in user may do.
type Role string

// The roles. A moderator moderates comments; an editor also runs
// sources, topics, digests, stories and articles; an admin does all that
// and manages users.
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
	Disabled     bool // a disabled user cannot sign in, and their sessions end
	CreatedAt    time.Time
}

// Can reports whether a user of role r may act on things of kind, one of
// AuditKinds.
func (r Role) Can(kind string) bool {
	switch r {
	case RoleAdmin:
		return true
	case RoleEditor:
		return kind != "user"
	case RoleModerator:
		return kind == "comment"
	}
	return false
}

// UserUpdate names what to change of a user; nil fields stay.
type UserUpdate struct {
	Role         *Role
	Disabled     *bool   // disabling ends every session of the user
	PasswordHash *string // setting it ends every other session of the user
}

// Invitation lets the holder of its token become a user with the given
// email and role, once, before it expires. Only a hash of the token is
// stored.
type Invitation struct {
	TokenHash string
	Email     string
	Role      Role
	InvitedBy string // the inviting user's email
	ExpiresAt time.Time
	CreatedAt time.Time
}

// InvitationLifetime is how long an invitation link stays good.
const InvitationLifetime = 7 * 24 * time.Hour

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
	// its user, or ENOTFOUND; a disabled user's sessions are not found.
	FindSession(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteSession ends the session; ending one already gone is no error.
	DeleteSession(ctx context.Context, tokenHash string) error

	// FindUsers returns every user, by email.
	FindUsers(ctx context.Context) ([]*User, error)
	// FindUserByID returns the user, or ENOTFOUND.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// UpdateUser changes what upd names and returns the user as stored;
	// keepSession is the token hash of the session that stays when the
	// password changes ("" ends them all). An unknown id is ENOTFOUND.
	// Taking the role or the account away from the last enabled admin is
	// ECONFLICT: someone must be left to manage users.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate, keepSession string) (*User, error)
	// AddInvitation stores inv; an email already a user's is ECONFLICT.
	AddInvitation(ctx context.Context, inv *Invitation) error
	// FindInvitation returns the unexpired invitation with the token
	// hash, or ENOTFOUND.
	FindInvitation(ctx context.Context, tokenHash string) (*Invitation, error)
	// AcceptInvitation makes the invited user with the password hash and
	// deletes the invitation, in one transaction; an expired or used
	// invitation is ENOTFOUND, and an email taken meanwhile ECONFLICT.
	AcceptInvitation(ctx context.Context, tokenHash, passwordHash string) (*User, error)

	// Secret returns the site's random secret called name, made on first
	// use and the same for every process sharing the database. Signed
	// form tokens and cookies use it.
	Secret(ctx context.Context, name string) ([]byte, error)
}
