package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Role is what a member of an organisation may do.
type Role string

// The roles.
const (
	RoleTrainee Role = "trainee"
	RoleTrainer Role = "trainer"
	RoleAdmin   Role = "admin"
)

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleTrainee, RoleTrainer, RoleAdmin:
		return Role(s), nil
	}
	return "", fmt.Errorf("unknown role %q; use trainee, trainer or admin", s)
}

// Organization is an organisation that trains and certifies its staff.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// User is an account, always in one organisation.
type User struct {
	ID           string       `json:"id"`
	OrgID        string       `json:"-"`
	Org          Organization `json:"organisation"`
	Email        string       `json:"email"`
	Name         string       `json:"name"`
	Role         Role         `json:"role"`
	PasswordHash string       `json:"-"`
	CreatedAt    time.Time    `json:"created_at"`
}

// HashToken is how tokens are kept: a leaked database does not leak
// sessions, invites or the setup link.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const setupKey = "setup_token_hash"

// SetupNeeded reports whether the server has no accounts yet.
func (s *Store) SetupNeeded(ctx context.Context) (bool, error) {
	var n int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 0, nil
}

// NewSetupToken makes a fresh one-time setup token when the server has no
// accounts yet, replacing any earlier one, and returns it; it returns ""
// once an account exists.
func (s *Store) NewSetupToken(ctx context.Context) (string, error) {
	needed, err := s.SetupNeeded(ctx)
	if err != nil || !needed {
		return "", err
	}
	token := NewToken("st")
	err = s.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM settings WHERE key = ?", setupKey); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", setupKey, HashToken(token))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store setup token: %w", err)
	}
	return token, nil
}

// Setup creates the first organisation and its admin with the setup
// token. The token works once: ErrConflict after that, ErrNotFound for a
// wrong one.
func (s *Store) Setup(ctx context.Context, token, orgName string, admin User) (User, error) {
	err := s.Transact(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM settings WHERE key = ? AND value = ?", setupKey, HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var users int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&users); err != nil {
				return err
			}
			if users > 0 {
				return fmt.Errorf("%w: this server has been set up already; sign in instead", ErrConflict)
			}
			return fmt.Errorf("%w: this setup link is not valid (restart the server for a fresh one)", ErrNotFound)
		}
		org := Organization{ID: NewID("o"), Name: orgName, CreatedAt: s.now().UTC()}
		if _, err := tx.exec(ctx, "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)", org.ID, org.Name, millis(org.CreatedAt)); err != nil {
			return err
		}
		admin.Org, admin.OrgID, admin.Role = org, org.ID, RoleAdmin
		return tx.insertUser(ctx, &admin)
	})
	return admin, err
}

func (tx *Tx) insertUser(ctx context.Context, u *User) error {
	u.ID = NewID("u")
	u.CreatedAt = tx.s.now().UTC()
	_, err := tx.exec(ctx, "INSERT INTO users (id, org_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		u.ID, u.OrgID, u.Email, u.Name, string(u.Role), u.PasswordHash, millis(u.CreatedAt))
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("%w: an account with this email address exists; sign in instead", ErrConflict)
	}
	return err
}

const userColumns = "u.id, u.org_id, u.email, u.name, u.role, u.password_hash, u.created_at, o.id, o.name, o.created_at"

type scanner interface{ Scan(...any) error }

func scanUser(r scanner) (User, error) {
	var u User
	var role string
	var created, orgCreated int64
	err := r.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &role, &u.PasswordHash, &created, &u.Org.ID, &u.Org.Name, &orgCreated)
	u.Role, u.CreatedAt, u.Org.CreatedAt = Role(role), fromMillis(created), fromMillis(orgCreated)
	return u, classify(err)
}

// UserByEmail finds an account by email address, for signing in.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(s.queryRow(ctx, "SELECT "+userColumns+" FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.email = ?", email))
}

// Invite is a link that lets one person join an organisation in a role.
type Invite struct {
	OrgID     string    `json:"-"`
	OrgName   string    `json:"organisation"`
	Role      Role      `json:"role"`
	CreatedBy string    `json:"-"`
	ExpiresAt time.Time `json:"expires_at"`
}

// CreateInvite stores an invite for the token.
func (s *Store) CreateInvite(ctx context.Context, token string, inv Invite) error {
	_, err := s.exec(ctx, "INSERT INTO invites (token_hash, org_id, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
		HashToken(token), inv.OrgID, string(inv.Role), inv.CreatedBy, millis(s.now()), millis(inv.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store invite: %w", err)
	}
	return nil
}

// InviteByToken returns an unused, unexpired invite.
func (s *Store) InviteByToken(ctx context.Context, token string) (Invite, error) {
	var inv Invite
	var role string
	var expires int64
	err := s.queryRow(ctx, "SELECT i.org_id, o.name, i.role, i.created_by, i.expires_at FROM invites i JOIN organizations o ON o.id = i.org_id WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?",
		HashToken(token), millis(s.now())).Scan(&inv.OrgID, &inv.OrgName, &role, &inv.CreatedBy, &expires)
	inv.Role, inv.ExpiresAt = Role(role), fromMillis(expires)
	return inv, classify(err)
}

// SignUp uses an invite to create an account in the invite's
// organisation and role; the invite cannot be used again.
func (s *Store) SignUp(ctx context.Context, token string, u User) (User, error) {
	err := s.Transact(ctx, func(tx *Tx) error {
		var role, orgName string
		var orgCreated int64
		err := tx.queryRow(ctx, "SELECT i.org_id, i.role, o.name, o.created_at FROM invites i JOIN organizations o ON o.id = i.org_id WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?",
			HashToken(token), millis(tx.s.now())).Scan(&u.OrgID, &role, &orgName, &orgCreated)
		if err != nil {
			if errors.Is(classify(err), ErrNotFound) {
				return fmt.Errorf("%w: this invite link is not valid any more; ask for a new one", ErrNotFound)
			}
			return err
		}
		u.Role, u.Org = Role(role), Organization{ID: u.OrgID, Name: orgName, CreatedAt: fromMillis(orgCreated)}
		if err := tx.insertUser(ctx, &u); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE invites SET used_by = ?, used_at = ? WHERE token_hash = ? AND used_at IS NULL", u.ID, millis(tx.s.now()), HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: this invite link has just been used", ErrConflict)
		}
		return nil
	})
	return u, err
}

// CreateSession stores a session for the token.
func (s *Store) CreateSession(ctx context.Context, token, userID string, expires time.Time) error {
	_, err := s.exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		HashToken(token), userID, millis(s.now()), millis(expires))
	if err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	return nil
}

// SessionUser returns the account of a live session.
func (s *Store) SessionUser(ctx context.Context, token string) (User, error) {
	return scanUser(s.queryRow(ctx, "SELECT "+userColumns+" FROM sessions se JOIN users u ON u.id = se.user_id JOIN organizations o ON o.id = u.org_id WHERE se.token_hash = ? AND se.expires_at > ?",
		HashToken(token), millis(s.now())))
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	_, err := s.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", HashToken(token))
	return err
}

// Member is an account as an organisation's admin sees it.
type Member struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	Runs      int       `json:"runs"`
}

// Members lists the accounts of one organisation.
func (s *Store) Members(ctx context.Context, orgID string) ([]Member, error) {
	rows, err := s.query(ctx, `SELECT u.id, u.name, u.email, u.role, u.created_at, (SELECT COUNT(*) FROM runs r WHERE r.user_id = u.id)
		FROM users u WHERE u.org_id = ? AND u.role <> 'guest' ORDER BY u.name, u.email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		var role string
		var created int64
		if err := rows.Scan(&m.ID, &m.Name, &m.Email, &role, &created, &m.Runs); err != nil {
			return nil, err
		}
		m.Role, m.CreatedAt = Role(role), fromMillis(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateOrganization creates another organisation with its admin. (The
// first one is made with the setup link; operators add more with the
// `oasis org create` command.)
func (s *Store) CreateOrganization(ctx context.Context, name string, admin User) (User, error) {
	err := s.Transact(ctx, func(tx *Tx) error {
		org := Organization{ID: NewID("o"), Name: name, CreatedAt: s.now().UTC()}
		if _, err := tx.exec(ctx, "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)", org.ID, org.Name, millis(org.CreatedAt)); err != nil {
			return err
		}
		admin.Org, admin.OrgID, admin.Role = org, org.ID, RoleAdmin
		return tx.insertUser(ctx, &admin)
	})
	return admin, err
}

// CreateUser adds an account to an organisation directly, for operators'
// tools (the load tester); people join through invites.
func (s *Store) CreateUser(ctx context.Context, orgID string, u User) (User, error) {
	u.OrgID = orgID
	err := s.Transact(ctx, func(tx *Tx) error {
		var name string
		var created int64
		if err := tx.queryRow(ctx, "SELECT name, created_at FROM organizations WHERE id = ?", orgID).Scan(&name, &created); err != nil {
			return classify(err)
		}
		u.Org = Organization{ID: orgID, Name: name, CreatedAt: fromMillis(created)}
		return tx.insertUser(ctx, &u)
	})
	return u, err
}

// OrganizationName returns an organisation's name.
func (s *Store) OrganizationName(ctx context.Context, orgID string) (string, error) {
	var name string
	err := s.queryRow(ctx, "SELECT name FROM organizations WHERE id = ?", orgID).Scan(&name)
	return name, classify(err)
}
