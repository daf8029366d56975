package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/herald-news/herald"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var _ herald.UserService = (*DB)(nil)

func sortStrings(s []string) { sort.Strings(s) }

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == uniqueViolation
}

// AddUser implements herald.UserService.
func (db *DB) AddUser(ctx context.Context, u *herald.User) error {
	if _, err := herald.ParseRole(string(u.Role)); err != nil {
		return err
	}
	email := herald.NormalizeEmail(u.Email)
	if email == "" || u.PasswordHash == "" {
		return herald.Errorf(herald.EINVALID, "a user needs an email and a password")
	}
	now := micro(db.Now())
	err := db.pool.QueryRow(ctx, `INSERT INTO users (email, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		email, string(u.Role), u.PasswordHash, now).Scan(&u.ID)
	if isUniqueViolation(err) {
		return herald.Errorf(herald.ECONFLICT, "a user with email %s exists already", email)
	}
	if err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	u.Email, u.CreatedAt = email, now
	return nil
}

const userColumns = `u.id, u.email, u.role, u.password_hash, u.locked_until, u.created_at`

func scanUser(row pgx.Row, extra ...any) (*herald.User, error) {
	var u herald.User
	var role string
	var locked *time.Time
	if err := row.Scan(append([]any{&u.ID, &u.Email, &role, &u.PasswordHash, &locked, &u.CreatedAt}, extra...)...); err != nil {
		return nil, err
	}
	u.Role = herald.Role(role)
	if locked != nil {
		u.LockedUntil = locked.UTC()
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// FindUserByEmail implements herald.UserService.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*herald.User, error) {
	email = herald.NormalizeEmail(email)
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE email = $1`, email))
	if errors.Is(err, pgx.ErrNoRows) {
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
		_, err = db.pool.Exec(ctx, `UPDATE users SET failed_signins = 0, locked_until = NULL WHERE id = $1`, userID)
	} else {
		_, err = db.pool.Exec(ctx, `UPDATE users SET
			locked_until = CASE WHEN failed_signins + 1 >= $1 THEN $2 ELSE locked_until END,
			failed_signins = CASE WHEN failed_signins + 1 >= $1 THEN 0 ELSE failed_signins + 1 END
			WHERE id = $3`, herald.MaxFailedSignIns, micro(db.Now().Add(herald.SignInLockout)), userID)
	}
	if err != nil {
		return fmt.Errorf("record sign-in of user %d: %w", userID, err)
	}
	return nil
}

// CreateSession implements herald.UserService.
func (db *DB) CreateSession(ctx context.Context, s *herald.Session) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		s.TokenHash, s.User.ID, micro(db.Now()), micro(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// FindSession implements herald.UserService.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*herald.Session, error) {
	s := &herald.Session{TokenHash: tokenHash}
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+`, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2`,
		tokenHash, micro(db.Now())), &s.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	s.User, s.ExpiresAt = u, s.ExpiresAt.UTC()
	return s, nil
}

// DeleteSession implements herald.UserService.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Secret implements herald.UserService. The first process to ask makes the
// secret; the others read the one it stored.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	if _, err := db.pool.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		name, fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var v []byte
	if err := db.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return v, nil
}
