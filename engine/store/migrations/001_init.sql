-- Organisations, accounts, sessions, invites, runs, turns and answers.
-- Portable between SQLite and PostgreSQL: text ids, BIGINT unix
-- milliseconds, JSON kept as TEXT.
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invites (
  token_hash TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  role TEXT NOT NULL,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_by TEXT,
  used_at BIGINT
);
CREATE INDEX invites_org ON invites(org_id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  scenario_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  mode TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL,
  turns INTEGER NOT NULL DEFAULT 0,
  outcome_id TEXT NOT NULL DEFAULT '',
  overall INTEGER,
  strengths_ratio DOUBLE PRECISION,
  summary TEXT NOT NULL DEFAULT '',
  report TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX runs_user ON runs(user_id, created_at);
CREATE INDEX runs_org ON runs(org_id);

CREATE TABLE turns (
  run_id TEXT NOT NULL REFERENCES runs(id),
  n INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  input TEXT NOT NULL,
  score TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, n),
  UNIQUE (run_id, client_id)
);

CREATE TABLE answers (
  run_id TEXT NOT NULL REFERENCES runs(id),
  n INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  feedback TEXT NOT NULL,
  passed INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, n),
  UNIQUE (run_id, client_id)
);
