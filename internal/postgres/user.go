package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/store"
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	id, err := insertUser(ctx, tx, email, u.Role, u.PasswordHash, now)
	if err != nil {
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("add user %s: %w", email, err)
	}
	u.ID, u.Email, u.CreatedAt, u.Disabled = id, email, now, false
	return nil
}

// insertUser stores a new user; an email taken is ECONFLICT.
func insertUser(ctx context.Context, tx pgx.Tx, email string, role herald.Role, hash string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO users (email, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		email, string(role), hash, now).Scan(&id)
	if isUniqueViolation(err) {
		return 0, store.UserExists(email)
	}
	if err != nil {
		return 0, fmt.Errorf("add user %s: %w", email, err)
	}
	return id, nil
}

const userColumns = `u.id, u.email, u.role, u.password_hash, u.locked_until, u.created_at, u.disabled`

func scanUser(row pgx.Row, extra ...any) (*herald.User, error) {
	var u herald.User
	var role string
	var locked *time.Time
	if err := row.Scan(append([]any{&u.ID, &u.Email, &role, &u.PasswordHash, &locked, &u.CreatedAt, &u.Disabled}, extra...)...); err != nil {
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
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled`,
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

// FindUsers implements herald.UserService.
func (db *DB) FindUsers(ctx context.Context) ([]*herald.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.email COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var list []*herald.User
	for rows.Next() {
		u, err := scanUser(rows)
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
	u, err := findUserByID(ctx, db.pool, id)
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

func findUserByID(ctx context.Context, q querier, id int64) (*herald.User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "user not found")
	}
	return u, err
}

// usersLock is the advisory lock key UpdateUser takes, so that changes to
// users are decided one after the other: two admins demoting each other
// at once cannot both pass the last-admin check. Locking the admins' rows
// instead would deadlock, each change holding its own user's row.
const usersLock int64 = 0x68657261_6c64_07 // "herald", 7

// UpdateUser implements herald.UserService.
func (db *DB) UpdateUser(ctx context.Context, id int64, upd herald.UserUpdate, keepSession string) (*herald.User, error) {
	u, err := db.updateUser(ctx, id, upd, keepSession)
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

func (db *DB) updateUser(ctx context.Context, id int64, upd herald.UserUpdate, keepSession string) (*herald.User, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	// Every statement after the lock sees the changes committed before it.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, usersLock); err != nil {
		return nil, err
	}
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
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`,
			id).Scan(&others); err != nil {
			return nil, err
		}
		if others == 0 {
			return nil, store.LastAdmin()
		}
	}
	var b batch
	b.exec("update user", `UPDATE users SET role = $1, disabled = $2 WHERE id = $3`, string(c.Role), c.Disabled, id)
	if c.Disabled {
		b.exec("end sessions", `DELETE FROM sessions WHERE user_id = $1`, id)
	}
	if upd.PasswordHash != nil {
		b.exec("set password", `UPDATE users SET password_hash = $1 WHERE id = $2`, *upd.PasswordHash, id)
		b.exec("end other sessions", `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, id, keepSession)
	}
	if err := b.send(ctx, tx); err != nil {
		return nil, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	if u, err = findUserByID(ctx, tx, id); err != nil {
		return nil, err
	}
	return u, tx.Commit(ctx)
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)`, inv.Email).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return store.UserExists(inv.Email)
	}
	// A newer invitation replaces the older one: the older link stops
	// working. Two at once for one email: the second waits, then fails
	// on the unique email, as if the first had come a moment later.
	var b batch
	b.exec("drop the older invitation", `DELETE FROM invitations WHERE email = $1`, inv.Email)
	b.exec("add invitation", `
		INSERT INTO invitations (token_hash, email, role, invited_by, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		inv.TokenHash, inv.Email, string(inv.Role), inv.InvitedBy, micro(inv.ExpiresAt), now)
	if err := b.send(ctx, tx); err != nil {
		if isUniqueViolation(err) {
			return herald.Errorf(herald.ECONFLICT, "%s is being invited by someone else", inv.Email)
		}
		return err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	inv.CreatedAt, inv.ExpiresAt = now, micro(inv.ExpiresAt)
	return nil
}

const invitationColumns = `token_hash, email, role, invited_by, expires_at, created_at`

// FindInvitation implements herald.UserService.
func (db *DB) FindInvitation(ctx context.Context, tokenHash string) (*herald.Invitation, error) {
	inv, err := findInvitation(ctx, db.pool, tokenHash, micro(db.Now()), "")
	if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	return inv, nil
}

// findInvitation returns the invitation with the token hash unless it
// expired by now; lock, when set, is a locking clause.
func findInvitation(ctx context.Context, q querier, tokenHash string, now time.Time, lock string) (*herald.Invitation, error) {
	inv := &herald.Invitation{}
	var role string
	err := q.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE token_hash = $1 AND expires_at > $2`+lock,
		tokenHash, now).Scan(&inv.TokenHash, &inv.Email, &role, &inv.InvitedBy, &inv.ExpiresAt, &inv.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, herald.Errorf(herald.ENOTFOUND, "this invitation has expired or was used")
	}
	if err != nil {
		return nil, err
	}
	inv.Role, inv.ExpiresAt, inv.CreatedAt = herald.Role(role), inv.ExpiresAt.UTC(), inv.CreatedAt.UTC()
	return inv, nil
}

// AcceptInvitation implements herald.UserService. The invitation is
// locked, so that a link opened twice at once makes one user: the second
// finds it gone once the first commits.
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
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	now := micro(db.Now())
	inv, err := findInvitation(ctx, tx, tokenHash, now, ` FOR UPDATE`)
	if err != nil {
		return nil, err
	}
	id, err := insertUser(ctx, tx, inv.Email, inv.Role, passwordHash, now)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM invitations WHERE token_hash = $1`, tokenHash); err != nil {
		return nil, err
	}
	if err := writeAudit(ctx, tx, now); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return &herald.User{ID: id, Email: inv.Email, Role: inv.Role, PasswordHash: passwordHash, CreatedAt: now}, nil
}
