package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// OrgKey is an organisation's signing key.
type OrgKey struct {
	OrgID     string
	Private   ed25519.PrivateKey
	Public    ed25519.PublicKey
	CreatedAt time.Time
}

// OrgKey returns the organisation's Ed25519 key, making it on first use.
// Two servers asking at once get the same key: the first insert wins.
func (s *Store) OrgKey(ctx context.Context, orgID string) (OrgKey, error) {
	k, err := s.orgKey(ctx, orgID)
	if !errors.Is(err, ErrNotFound) {
		return k, err
	}
	var n int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM organizations WHERE id = ?", orgID).Scan(&n); err != nil {
		return k, classify(err)
	}
	if n == 0 {
		return k, ErrNotFound
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return k, err
	}
	pub := priv.Public().(ed25519.PublicKey)
	_, err = s.exec(ctx, `INSERT INTO org_keys (org_id, private_key, public_key, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (org_id) DO NOTHING`,
		orgID, base64.StdEncoding.EncodeToString(priv.Seed()), base64.StdEncoding.EncodeToString(pub), millis(s.now().UTC()))
	if err != nil {
		return k, fmt.Errorf("store organisation key: %w", err)
	}
	return s.orgKey(ctx, orgID)
}

// OrgPublicKey returns the organisation's public key without making one.
func (s *Store) OrgPublicKey(ctx context.Context, orgID string) (OrgKey, error) {
	return s.orgKey(ctx, orgID)
}

func (s *Store) orgKey(ctx context.Context, orgID string) (OrgKey, error) {
	var seed, pub string
	var created int64
	err := s.queryRow(ctx, "SELECT private_key, public_key, created_at FROM org_keys WHERE org_id = ?", orgID).Scan(&seed, &pub, &created)
	if err != nil {
		return OrgKey{}, classify(err)
	}
	sb, err1 := base64.StdEncoding.DecodeString(seed)
	pb, err2 := base64.StdEncoding.DecodeString(pub)
	if err1 != nil || err2 != nil || len(sb) != ed25519.SeedSize || len(pb) != ed25519.PublicKeySize {
		return OrgKey{}, fmt.Errorf("the signing key of organisation %s is damaged in the database", orgID)
	}
	priv := ed25519.NewKeyFromSeed(sb)
	if !priv.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(pb)) {
		return OrgKey{}, fmt.Errorf("the signing key of organisation %s does not match its public key", orgID)
	}
	return OrgKey{OrgID: orgID, Private: priv, Public: pb, CreatedAt: fromMillis(created)}, nil
}

// Enrollment is a person's place on a course.
type Enrollment struct {
	UserID, CourseID, OrgID string
	EnrolledAt              time.Time
}

// Enroll puts a person on a course; enrolling again changes nothing.
func (s *Store) Enroll(ctx context.Context, u User, courseID string) error {
	_, err := s.exec(ctx, `INSERT INTO enrollments (user_id, course_id, org_id, enrolled_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, course_id) DO NOTHING`, u.ID, courseID, u.OrgID, millis(s.now().UTC()))
	if err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	return nil
}

// Enrollments lists a person's courses.
func (s *Store) Enrollments(ctx context.Context, userID string) ([]Enrollment, error) {
	return s.enrollments(ctx, "user_id = ?", userID)
}

// OrgEnrollments lists everyone's courses in an organisation.
func (s *Store) OrgEnrollments(ctx context.Context, orgID string) ([]Enrollment, error) {
	return s.enrollments(ctx, "org_id = ?", orgID)
}

func (s *Store) enrollments(ctx context.Context, where string, arg string) ([]Enrollment, error) {
	rows, err := s.query(ctx, "SELECT user_id, course_id, org_id, enrolled_at FROM enrollments WHERE "+where+" ORDER BY enrolled_at, course_id", arg)
	if err != nil {
		return nil, fmt.Errorf("list enrolments: %w", err)
	}
	defer rows.Close()
	var out []Enrollment
	for rows.Next() {
		var e Enrollment
		var at int64
		if err := rows.Scan(&e.UserID, &e.CourseID, &e.OrgID, &at); err != nil {
			return nil, err
		}
		e.EnrolledAt = fromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// QuizAttempt is one go at a module's quiz.
type QuizAttempt struct {
	ID, OrgID, UserID, CourseID, ModuleID string
	Score                                 int
	Passed                                bool
	// Answers is the chosen options as JSON.
	Answers   string
	CreatedAt time.Time
}

// AddQuizAttempt stores an attempt (enrolling the person on the course),
// filling in its id and time.
func (s *Store) AddQuizAttempt(ctx context.Context, u User, a *QuizAttempt) error {
	a.ID, a.OrgID, a.UserID, a.CreatedAt = NewID("q"), u.OrgID, u.ID, s.now().UTC()
	return s.Transact(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO enrollments (user_id, course_id, org_id, enrolled_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, course_id) DO NOTHING`, u.ID, a.CourseID, u.OrgID, millis(a.CreatedAt)); err != nil {
			return fmt.Errorf("enrol: %w", err)
		}
		_, err := tx.exec(ctx, `INSERT INTO quiz_attempts (id, org_id, user_id, course_id, module_id, score, passed, answers, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, a.OrgID, a.UserID, a.CourseID, a.ModuleID, a.Score, b2i(a.Passed), a.Answers, millis(a.CreatedAt))
		if err != nil {
			return fmt.Errorf("store quiz attempt: %w", err)
		}
		return nil
	})
}

// QuizAttempts lists a person's attempts, oldest first.
func (s *Store) QuizAttempts(ctx context.Context, userID string) ([]QuizAttempt, error) {
	return s.quizAttempts(ctx, "user_id = ?", userID)
}

// OrgQuizAttempts lists every attempt made in an organisation.
func (s *Store) OrgQuizAttempts(ctx context.Context, orgID string) ([]QuizAttempt, error) {
	return s.quizAttempts(ctx, "org_id = ?", orgID)
}

func (s *Store) quizAttempts(ctx context.Context, where, arg string) ([]QuizAttempt, error) {
	rows, err := s.query(ctx, "SELECT id, org_id, user_id, course_id, module_id, score, passed, answers, created_at FROM quiz_attempts WHERE "+where+" ORDER BY created_at, id", arg)
	if err != nil {
		return nil, fmt.Errorf("list quiz attempts: %w", err)
	}
	defer rows.Close()
	var out []QuizAttempt
	for rows.Next() {
		var a QuizAttempt
		var passed int
		var at int64
		if err := rows.Scan(&a.ID, &a.OrgID, &a.UserID, &a.CourseID, &a.ModuleID, &a.Score, &passed, &a.Answers, &at); err != nil {
			return nil, err
		}
		a.Passed, a.CreatedAt = passed != 0, fromMillis(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// RunResult is an ended run as course rules read it: no turns, no report.
type RunResult struct {
	ID, UserID, ScenarioID, Kind, Mode, OutcomeID string
	Overall                                       *int
	StrengthsRatio                                *float64
	Summary                                       string
	EndedAt                                       time.Time
}

// EndedRuns lists a person's ended runs.
func (s *Store) EndedRuns(ctx context.Context, userID string) ([]RunResult, error) {
	return s.endedRuns(ctx, "user_id = ?", userID)
}

// OrgEndedRuns lists the ended runs of everyone in an organisation.
func (s *Store) OrgEndedRuns(ctx context.Context, orgID string) ([]RunResult, error) {
	return s.endedRuns(ctx, "org_id = ?", orgID)
}

func (s *Store) endedRuns(ctx context.Context, where, arg string) ([]RunResult, error) {
	rows, err := s.query(ctx, `SELECT id, user_id, scenario_id, kind, mode, outcome_id, overall, strengths_ratio, summary, ended_at
		FROM runs WHERE `+where+` AND status = 'ended' ORDER BY ended_at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []RunResult
	for rows.Next() {
		var r RunResult
		var overall sql.NullInt64
		var ratio sql.NullFloat64
		var ended sql.NullInt64
		if err := rows.Scan(&r.ID, &r.UserID, &r.ScenarioID, &r.Kind, &r.Mode, &r.OutcomeID, &overall, &ratio, &r.Summary, &ended); err != nil {
			return nil, err
		}
		if overall.Valid {
			v := int(overall.Int64)
			r.Overall = &v
		}
		if ratio.Valid {
			r.StrengthsRatio = &ratio.Float64
		}
		r.EndedAt = fromMillis(ended.Int64)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Certificate is an issued certificate.
type Certificate struct {
	ID, OrgID, UserID, CourseID string
	Seq                         int
	CourseTitle, Title, Holder  string
	OrgName                     string
	IssuedAt, ExpiresAt         time.Time
	// Evidence is JSON; Credential is the signed Open Badges credential.
	Evidence, Credential string
	RenewalOf            string
	RevokedAt            *time.Time
	RevokedBy            string
	RevokeReason         string
}

// NewCertificateID returns a new certificate id, for signing before the
// certificate is stored.
func NewCertificateID() string { return NewID("c") }

// IssueCertificate stores a certificate numbered after the person's
// earlier ones for the course; c.Seq must be what the caller decided on
// (the count of those it saw), so that a second request that decided on
// the same grounds conflicts (ErrConflict) instead of issuing twice.
func (s *Store) IssueCertificate(ctx context.Context, c *Certificate) error {
	var renewal any
	if c.RenewalOf != "" {
		renewal = c.RenewalOf
	}
	_, err := s.exec(ctx, `INSERT INTO certificates (id, org_id, user_id, course_id, seq, course_title, title, holder, org_name,
		issued_at, expires_at, evidence, credential, renewal_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.UserID, c.CourseID, c.Seq, c.CourseTitle, c.Title, c.Holder, c.OrgName,
		millis(c.IssuedAt), millis(c.ExpiresAt), c.Evidence, c.Credential, renewal)
	if err != nil {
		return classify(err)
	}
	return nil
}

const certColumns = `id, org_id, user_id, course_id, seq, course_title, title, holder, org_name, issued_at, expires_at,
	evidence, credential, COALESCE(renewal_of, ''), revoked_at, COALESCE(revoked_by, ''), revoke_reason`

func scanCertificate(r scanner) (Certificate, error) {
	var c Certificate
	var issued, expires int64
	var revoked sql.NullInt64
	err := r.Scan(&c.ID, &c.OrgID, &c.UserID, &c.CourseID, &c.Seq, &c.CourseTitle, &c.Title, &c.Holder, &c.OrgName, &issued, &expires,
		&c.Evidence, &c.Credential, &c.RenewalOf, &revoked, &c.RevokedBy, &c.RevokeReason)
	if err != nil {
		return c, classify(err)
	}
	c.IssuedAt, c.ExpiresAt = fromMillis(issued), fromMillis(expires)
	if revoked.Valid {
		t := fromMillis(revoked.Int64)
		c.RevokedAt = &t
	}
	return c, nil
}

// Certificate returns any certificate by id: the public verify page needs
// it. Callers showing more than the verify page does must check the
// certificate belongs to the person or their organisation.
func (s *Store) Certificate(ctx context.Context, id string) (Certificate, error) {
	return scanCertificate(s.queryRow(ctx, "SELECT "+certColumns+" FROM certificates WHERE id = ?", id))
}

// Certificates lists a person's certificates, newest first.
func (s *Store) Certificates(ctx context.Context, userID string) ([]Certificate, error) {
	return s.certificates(ctx, "user_id = ?", userID)
}

// OrgCertificates lists an organisation's certificates, newest first.
func (s *Store) OrgCertificates(ctx context.Context, orgID string) ([]Certificate, error) {
	return s.certificates(ctx, "org_id = ?", orgID)
}

func (s *Store) certificates(ctx context.Context, where, arg string) ([]Certificate, error) {
	rows, err := s.query(ctx, "SELECT "+certColumns+" FROM certificates WHERE "+where+" ORDER BY issued_at DESC, seq DESC", arg)
	if err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RevokeCertificate revokes one of the organisation's certificates. A
// certificate of another organisation, or one already revoked, is
// ErrNotFound / ErrConflict.
func (s *Store) RevokeCertificate(ctx context.Context, orgID, id, byUserID, reason string) (Certificate, error) {
	var c Certificate
	err := s.Transact(ctx, func(tx *Tx) error {
		var err error
		c, err = scanCertificate(tx.queryRow(ctx, "SELECT "+certColumns+" FROM certificates WHERE id = ? AND org_id = ?", id, orgID))
		if err != nil {
			return err
		}
		if c.RevokedAt != nil {
			return ErrConflict
		}
		now := s.now().UTC()
		if _, err := tx.exec(ctx, "UPDATE certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND org_id = ?",
			millis(now), byUserID, reason, id, orgID); err != nil {
			return err
		}
		c.RevokedAt, c.RevokedBy, c.RevokeReason = &now, byUserID, reason
		return nil
	})
	return c, err
}
