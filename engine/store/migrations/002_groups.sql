-- Live group sessions: the session, its members, its event log, and the
-- cards and votes of a staffing board. Guests are accounts with the role
-- "guest", created for one session; their runs never count.
CREATE TABLE group_sessions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  trainer_id TEXT NOT NULL REFERENCES users(id),
  code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  state TEXT NOT NULL,
  anonymous INTEGER NOT NULL,
  beginner_only INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  seq BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  ended_at BIGINT
);
CREATE INDEX group_sessions_trainer ON group_sessions(trainer_id, created_at);

CREATE TABLE group_members (
  session_id TEXT NOT NULL REFERENCES group_sessions(id),
  member_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  display_name TEXT NOT NULL,
  alias TEXT NOT NULL,
  guest INTEGER NOT NULL,
  run_id TEXT,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, member_id),
  UNIQUE (session_id, user_id)
);

CREATE TABLE group_events (
  session_id TEXT NOT NULL REFERENCES group_sessions(id),
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, seq)
);

CREATE TABLE staffing_cards (
  session_id TEXT NOT NULL REFERENCES group_sessions(id),
  card_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  col TEXT NOT NULL,
  text TEXT NOT NULL,
  score TEXT NOT NULL,
  flagged INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, card_id)
);

CREATE TABLE staffing_votes (
  session_id TEXT NOT NULL REFERENCES group_sessions(id),
  card_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  PRIMARY KEY (session_id, card_id, member_id)
);

-- A group run's live progress (the trainer's roster) is kept on the run,
-- written by the same statement that records each turn.
ALTER TABLE runs ADD COLUMN group_session_id TEXT;
ALTER TABLE runs ADD COLUMN progress TEXT;
