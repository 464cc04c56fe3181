-- Courses and certification: each organisation's signing key, who is
-- enrolled in which course, quiz attempts, and the certificates issued.
-- A certificate keeps the signed credential exactly as issued; seq numbers
-- a person's certificates for a course, so two requests that complete the
-- same course at once cannot both issue one.
CREATE TABLE org_keys (
  org_id TEXT PRIMARY KEY REFERENCES organizations(id),
  private_key TEXT NOT NULL,
  public_key TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE enrollments (
  user_id TEXT NOT NULL REFERENCES users(id),
  course_id TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  enrolled_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, course_id)
);
CREATE INDEX enrollments_org ON enrollments(org_id);

CREATE TABLE quiz_attempts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  course_id TEXT NOT NULL,
  module_id TEXT NOT NULL,
  score INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  answers TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX quiz_attempts_user ON quiz_attempts(user_id, course_id);
CREATE INDEX quiz_attempts_org ON quiz_attempts(org_id);

CREATE TABLE certificates (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  course_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  course_title TEXT NOT NULL,
  title TEXT NOT NULL,
  holder TEXT NOT NULL,
  org_name TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  evidence TEXT NOT NULL,
  credential TEXT NOT NULL,
  renewal_of TEXT,
  revoked_at BIGINT,
  revoked_by TEXT,
  revoke_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (user_id, course_id, seq)
);
CREATE INDEX certificates_org ON certificates(org_id, issued_at);
CREATE INDEX runs_org_ended ON runs(org_id, status);
