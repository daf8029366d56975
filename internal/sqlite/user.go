package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/herald-news/herald"
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
	now := db.Now().UTC()
	res, err := db.writer.ExecContext(ctx, `INSERT INTO users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?)`,
		email, string(u.Role), u.PasswordHash, nanos(now))
	if isUniqueViolation(err) {
		return herald.Errorf(herald.ECONFLICT, "a user with email %s exists already", email)
	}
	if err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	if u.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	u.Email, u.CreatedAt = email, now
	return nil
}

const userColumns = `u.id, u.email, u.role, u.password_hash, u.locked_until, u.created_at`

func scanUser(scan func(...any) error, extra ...any) (*herald.User, error) {
	var u herald.User
	var locked, created int64
	if err := scan(append([]any{&u.ID, &u.Email, &u.Role, &u.PasswordHash, &locked, &created}, extra...)...); err != nil {
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
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
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
