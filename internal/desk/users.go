package desk

import (
	"context"
	"strconv"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
)

// userValues is what the audit log keeps of a user: never a password or
// its hash.
func userValues(u *herald.User) map[string]any {
	return map[string]any{"email": u.Email, "role": u.Role, "disabled": u.Disabled}
}

func checkEmail(s string) (string, error) {
	email := herald.NormalizeEmail(s)
	if !strings.Contains(email, "@") || len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>") {
		return "", invalid("email", "%q is not an email address", strings.TrimSpace(s))
	}
	return email, nil
}

func checkRole(s string) (herald.Role, error) {
	r, err := herald.ParseRole(strings.TrimSpace(s))
	return r, onField("role", err)
}

// AddUser adds a user who signs in with the password the admin set.
func (d *Desk) AddUser(ctx context.Context, a Actor, email, role, password string) (*herald.User, error) {
	u := &herald.User{}
	var err error
	if u.Email, err = checkEmail(email); err != nil {
		return nil, err
	}
	if u.Role, err = checkRole(role); err != nil {
		return nil, err
	}
	if u.PasswordHash, err = auth.HashPassword(password); err != nil {
		return nil, onField("password", err)
	}
	ctx, err = audited(ctx, a, "user.add", u.Email, nil, userValues(u))
	if err != nil {
		return nil, err
	}
	if err := d.settle(ctx, a, d.Store.AddUser(ctx, u)); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT && !AlreadyDone(err, a) {
			return nil, &FieldError{Field: "email", Message: u.Email + " is already a user", Code: herald.ECONFLICT}
		}
		return nil, err
	}
	return u, nil
}

// Invite makes an invitation for email to join with role, and returns the
// token of its link, /admin/join/TOKEN: shown once, since only its hash is
// stored.
func (d *Desk) Invite(ctx context.Context, a Actor, email, role string) (token string, inv *herald.Invitation, err error) {
	inv = &herald.Invitation{InvitedBy: a.Email, ExpiresAt: d.now().Add(herald.InvitationLifetime)}
	if inv.Email, err = checkEmail(email); err != nil {
		return "", nil, err
	}
	if inv.Role, err = checkRole(role); err != nil {
		return "", nil, err
	}
	token, inv.TokenHash = auth.NewToken()
	ctx, err = audited(ctx, a, "user.invite", inv.Email, nil, map[string]any{"email": inv.Email, "role": inv.Role,
		"expires_at": inv.ExpiresAt.UTC()})
	if err != nil {
		return "", nil, err
	}
	if err := d.settle(ctx, a, d.Store.AddInvitation(ctx, inv)); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT && !AlreadyDone(err, a) {
			return "", nil, &FieldError{Field: "email", Message: inv.Email + " is already a user", Code: herald.ECONFLICT}
		}
		return "", nil, err
	}
	return token, inv, nil
}

// Join accepts the invitation of the token with the password the new user
// chose, and returns the user.
func (d *Desk) Join(ctx context.Context, token, password string) (*herald.User, error) {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, onField("password", err)
	}
	inv, err := d.Store.FindInvitation(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	ctx = herald.WithAudit(ctx, &herald.AuditEntry{Actor: inv.Email, Action: "user.join", Subject: inv.Email,
		After: herald.AuditJSON(map[string]any{"email": inv.Email, "role": inv.Role, "invited_by": inv.InvitedBy})})
	return d.Store.AcceptInvitation(ctx, auth.HashToken(token), hash)
}

// ParseUserID reads a user id from a form or an address.
func ParseUserID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, herald.Errorf(herald.ENOTFOUND, "no user %q", s)
	}
	return id, nil
}

// SetRole gives the user a new role.
func (d *Desk) SetRole(ctx context.Context, a Actor, id int64, role string) (*herald.User, error) {
	r, err := checkRole(role)
	if err != nil {
		return nil, err
	}
	return d.updateUser(ctx, a, id, "user.role", herald.UserUpdate{Role: &r}, "")
}

// SetDisabled disables the user, ending their sessions, or enables them.
func (d *Desk) SetDisabled(ctx context.Context, a Actor, id int64, disabled bool) (*herald.User, error) {
	action := map[bool]string{true: "user.disable", false: "user.enable"}[disabled]
	return d.updateUser(ctx, a, id, action, herald.UserUpdate{Disabled: &disabled}, "")
}

func (d *Desk) updateUser(ctx context.Context, a Actor, id int64, action string, upd herald.UserUpdate, keep string) (*herald.User, error) {
	old, err := d.Store.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	after := *old
	if upd.Role != nil {
		after.Role = *upd.Role
	}
	if upd.Disabled != nil {
		after.Disabled = *upd.Disabled
	}
	ctx, err = audited(ctx, a, action, old.Email, userValues(old), userValues(&after))
	if err != nil {
		return nil, err
	}
	u, err := d.Store.UpdateUser(ctx, id, upd, keep)
	return u, d.settle(ctx, a, err)
}

// ChangePassword sets a signed-in user's own password, after checking the
// current one; every other session of theirs ends.
func (d *Desk) ChangePassword(ctx context.Context, u *herald.User, current, next, keepSession string) error {
	if !auth.CheckPassword(u.PasswordHash, current) {
		return invalid("current", "the current password is not right")
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return onField("password", err)
	}
	// Every user may change their own password, whatever their role.
	ctx = herald.WithAudit(ctx, &herald.AuditEntry{Actor: u.Email, Action: "user.password", Subject: u.Email})
	_, err = d.Store.UpdateUser(ctx, u.ID, herald.UserUpdate{PasswordHash: &hash}, keepSession)
	return err
}
