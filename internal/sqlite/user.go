package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
)

var _ herald.UserService = (*DB)(nil)

// AddUser implements herald.UserService.
func (db *DB) AddUser(ctx context.Context, u *herald.User) error {
	if _, err := herald.ParseRole(string(u.Role)); err != nil {
		return err
	}
	email := herald.NormalizeEmail(u.Email)
	if email == "" || u.PasswordHash == "" {
		return herald.Errorf(herald.EINVALID, "a user needs an email and a password")
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	id, err := insertUser(ctx, tx, email, u.Role, u.PasswordHash, now)
	if err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	u.ID, u.Email, u.CreatedAt, u.Disabled = id, email, now, false
	return nil
}

// insertUser stores a new user; an email taken is ECONFLICT.
func insertUser(ctx context.Context, tx *sql.Tx, email string, role herald.Role, hash string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		email, string(role), hash, nanos(now)).Scan(&id)
	if isUniqueViolation(err) {
		return 0, store.UserExists(email)
	}
	if err != nil {
		return 0, fmt.Errorf("add user %s: %w", email, err)
	}
	return id, nil
}

const userColumns = `u.id, u.email, u.role, u.password_hash, u.locked_until, u.created_at, u.disabled`

func scanUser(scan func(...any) error, extra ...any) (*herald.User, error) {
	var u herald.User
	var locked, created int64
	if err := scan(append([]any{&u.ID, &u.Email, &u.Role, &u.PasswordHash, &locked, &created, &u.Disabled}, extra...)...); err != nil {
		return nil, err
	}
	if locked != 0 {
		u.LockedUntil = fromNanos(locked)
	}
	u.CreatedAt = fromNanos(created)
	return &u, nil
}

// FindUserByEmail implements herald.UserService.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*herald.User, error) {
	email = herald.NormalizeEmail(email)
	u, err := scanUser(db.reader.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE email = ?`, email).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no user %s", email)
	}
	if err != nil {
		return nil, fmt.Errorf("find user %s: %w", email, err)
	}
	return u, nil
}

// RecordSignIn implements herald.UserService.
func (db *DB) RecordSignIn(ctx context.Context, userID int64, ok bool) error {
	var err error
	if ok {
		_, err = db.writer.ExecContext(ctx, `UPDATE users SET failed_signins = 0, locked_until = 0 WHERE id = ?`, userID)
	} else {
		until := nanos(db.Now().Add(herald.SignInLockout))
		_, err = db.writer.ExecContext(ctx, `UPDATE users SET
			locked_until = CASE WHEN failed_signins + 1 >= ? THEN ? ELSE locked_until END,
			failed_signins = CASE WHEN failed_signins + 1 >= ? THEN 0 ELSE failed_signins + 1 END
			WHERE id = ?`, herald.MaxFailedSignIns, until, herald.MaxFailedSignIns, userID)
	}
	if err != nil {
		return fmt.Errorf("record sign-in of user %d: %w", userID, err)
	}
	return nil
}

// CreateSession implements herald.UserService.
func (db *DB) CreateSession(ctx context.Context, s *herald.Session) error {
	_, err := db.writer.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		s.TokenHash, s.User.ID, nanos(db.Now()), nanos(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession implements herald.UserService.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*herald.Session, error) {
	s := &herald.Session{TokenHash: tokenHash}
	var expires int64
	u, err := scanUser(db.reader.QueryRowContext(ctx, `SELECT `+userColumns+`, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`,
		tokenHash, nanos(db.Now())).Scan, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	s.User, s.ExpiresAt = u, fromNanos(expires)
	return s, nil
}

// DeleteSession implements herald.UserService.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Secret implements herald.UserService. The first process to ask makes the
// secret; the others read the one it stored.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		name, fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var v []byte
	if err := db.writer.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return v, nil
}

// FindUsers implements herald.UserService.
func (db *DB) FindUsers(ctx context.Context) ([]*herald.User, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.email`)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var list []*herald.User
	for rows.Next() {
		u, err := scanUser(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("find users: %w", err)
		}
		list = append(list, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return list, nil
}

// FindUserByID implements herald.UserService.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*herald.User, error) {
	u, err := findUserByID(ctx, db.reader, id)
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

func findUserByID(ctx context.Context, q querier, id int64) (*herald.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "user not found")
	}
	return u, err
}

// UpdateUser implements herald.UserService. The writer runs one
// transaction at a time, in every process sharing the file, so two
// admins disabling each other cannot both succeed.
func (db *DB) UpdateUser(ctx context.Context, id int64, upd herald.UserUpdate, keepSession string) (*herald.User, error) {
	u, err := db.updateUser(ctx, id, upd, keepSession)
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

func (db *DB) updateUser(ctx context.Context, id int64, upd herald.UserUpdate, keepSession string) (*herald.User, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	u, err := findUserByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	c, err := store.ChangeUser(u, upd)
	if err != nil {
		return nil, err
	}
	if c.DemotesAdmin {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled AND id <> ?`,
			id).Scan(&others); err != nil {
			return nil, err
		}
		if others == 0 {
			return nil, store.LastAdmin()
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ? WHERE id = ?`,
		string(c.Role), c.Disabled, id); err != nil {
		return nil, err
	}
	if c.Disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return nil, err
		}
	}
	if upd.PasswordHash != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, *upd.PasswordHash, id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, id, keepSession); err != nil {
			return nil, err
		}
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	if u, err = findUserByID(ctx, tx, id); err != nil {
		return nil, err
	}
	return u, tx.Commit()
}

// AddInvitation implements herald.UserService.
func (db *DB) AddInvitation(ctx context.Context, inv *herald.Invitation) error {
	if err := store.CheckInvitation(inv); err != nil {
		return err
	}
	if err := db.addInvitation(ctx, inv); err != nil {
		return fmt.Errorf("invite %s: %w", inv.Email, err)
	}
	return nil
}

func (db *DB) addInvitation(ctx context.Context, inv *herald.Invitation) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, inv.Email).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return store.UserExists(inv.Email)
	}
	// A newer invitation replaces the older one: the older link stops working.
	if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE email = ?`, inv.Email); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO invitations (token_hash, email, role, invited_by, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		inv.TokenHash, inv.Email, string(inv.Role), inv.InvitedBy, nanos(inv.ExpiresAt), nanos(now)); err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	inv.CreatedAt = now
	return nil
}

const invitationColumns = `token_hash, email, role, invited_by, expires_at, created_at`

// FindInvitation implements herald.UserService.
func (db *DB) FindInvitation(ctx context.Context, tokenHash string) (*herald.Invitation, error) {
	inv, err := findInvitation(ctx, db.reader, tokenHash, db.Now())
	if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	return inv, nil
}

// findInvitation returns the invitation with the token hash unless it
// expired by now.
func findInvitation(ctx context.Context, q querier, tokenHash string, now time.Time) (*herald.Invitation, error) {
	inv := &herald.Invitation{}
	var role string
	var expires, created int64
	err := q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, nanos(now)).Scan(&inv.TokenHash, &inv.Email, &role, &inv.InvitedBy, &expires, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "this invitation has expired or was used")
	}
	if err != nil {
		return nil, err
	}
	inv.Role, inv.ExpiresAt, inv.CreatedAt = herald.Role(role), fromNanos(expires), fromNanos(created)
	return inv, nil
}

// AcceptInvitation implements herald.UserService.
func (db *DB) AcceptInvitation(ctx context.Context, tokenHash, passwordHash string) (*herald.User, error) {
	if passwordHash == "" {
		return nil, herald.Errorf(herald.EINVALID, "a password is required")
	}
	u, err := db.acceptInvitation(ctx, tokenHash, passwordHash)
	if err != nil {
		return nil, fmt.Errorf("accept invitation: %w", err)
	}
	return u, nil
}

func (db *DB) acceptInvitation(ctx context.Context, tokenHash, passwordHash string) (*herald.User, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	inv, err := findInvitation(ctx, tx, tokenHash, now)
	if err != nil {
		return nil, err
	}
	id, err := insertUser(ctx, tx, inv.Email, inv.Role, passwordHash, now)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM invitations WHERE token_hash = ?`, tokenHash); err != nil {
		return nil, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &herald.User{ID: id, Email: inv.Email, Role: inv.Role, PasswordHash: passwordHash, CreatedAt: now}, nil
}
