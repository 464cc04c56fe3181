package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RoleGuest is the role of an account made for one group session, for
// someone who joined with a display name only.
const RoleGuest Role = "guest"

// Group session states.
const (
	GroupLobby   = "lobby"
	GroupRunning = "running"
	GroupPaused  = "paused"
	GroupEnded   = "ended"
)

// GroupSession is a live workshop a trainer runs.
type GroupSession struct {
	ID           string
	OrgID        string
	TrainerID    string
	TrainerName  string
	Code         string
	Kind         string // "play" or "staffing"
	ScenarioID   string
	State        string
	Anonymous    bool
	BeginnerOnly bool
	Message      string
	Seq          int64
	CreatedAt    time.Time
	StartedAt    *time.Time
	EndedAt      *time.Time
	Members      int // filled by GroupsByTrainer
}

// GroupMember is someone in a session.
type GroupMember struct {
	SessionID   string
	MemberID    string
	UserID      string
	DisplayName string
	Alias       string
	Guest       bool
	RunID       string
	Progress    string // JSON, the trainer's view of how the run is going
	JoinedAt    time.Time
}

// Card is one card of a staffing board.
type Card struct {
	CardID    string
	MemberID  string
	Column    string
	Text      string
	Score     string // JSON
	Flagged   bool
	CreatedAt time.Time
	Votes     int
}

// codeAlphabet has no letters or digits people confuse (0/O, 1/I/L).
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewJoinCode returns a random eight-character join code: 31^8, about
// 850 billion codes, which with rate-limited joins cannot be guessed.
func NewJoinCode() string {
	var b [8]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b[:])
}

// CreateGroup stores a new session with a fresh id and join code.
func (s *Store) CreateGroup(ctx context.Context, g *GroupSession) error {
	g.ID = NewID("gs")
	g.CreatedAt = s.now().UTC()
	g.State = GroupLobby
	for attempt := 0; ; attempt++ {
		g.Code = NewJoinCode()
		_, err := s.exec(ctx, `INSERT INTO group_sessions (id, org_id, trainer_id, code, kind, scenario_id, state, anonymous, beginner_only, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.OrgID, g.TrainerID, g.Code, g.Kind, g.ScenarioID, g.State, b2i(g.Anonymous), b2i(g.BeginnerOnly), millis(g.CreatedAt))
		if errors.Is(err, ErrConflict) && attempt < 5 {
			continue // the code was taken
		}
		if err != nil {
			return fmt.Errorf("store group session: %w", err)
		}
		return nil
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const groupColumns = `g.id, g.org_id, g.trainer_id, u.name, g.code, g.kind, g.scenario_id, g.state, g.anonymous, g.beginner_only, g.message, g.seq, g.created_at, g.started_at, g.ended_at`

func scanGroup(r scanner) (GroupSession, error) {
	var g GroupSession
	var anon, beg int
	var created int64
	var started, ended sql.NullInt64
	err := r.Scan(&g.ID, &g.OrgID, &g.TrainerID, &g.TrainerName, &g.Code, &g.Kind, &g.ScenarioID, &g.State, &anon, &beg, &g.Message, &g.Seq, &created, &started, &ended)
	if err != nil {
		return g, classify(err)
	}
	g.Anonymous, g.BeginnerOnly, g.CreatedAt = anon != 0, beg != 0, fromMillis(created)
	if started.Valid {
		t := fromMillis(started.Int64)
		g.StartedAt = &t
	}
	if ended.Valid {
		t := fromMillis(ended.Int64)
		g.EndedAt = &t
	}
	return g, nil
}

// Group returns a session by id. Callers check the caller may see it.
func (s *Store) Group(ctx context.Context, id string) (GroupSession, error) {
	return scanGroup(s.queryRow(ctx, "SELECT "+groupColumns+" FROM group_sessions g JOIN users u ON u.id = g.trainer_id WHERE g.id = ?", id))
}

// GroupByCode returns a session that can still be joined, by its code.
func (s *Store) GroupByCode(ctx context.Context, code string) (GroupSession, error) {
	return scanGroup(s.queryRow(ctx, "SELECT "+groupColumns+" FROM group_sessions g JOIN users u ON u.id = g.trainer_id WHERE g.code = ? AND g.state <> ?", code, GroupEnded))
}

// GroupsByTrainer lists the sessions a trainer has led, newest first.
func (s *Store) GroupsByTrainer(ctx context.Context, trainerID string) ([]GroupSession, error) {
	rows, err := s.query(ctx, "SELECT "+groupColumns+", (SELECT COUNT(*) FROM group_members m WHERE m.session_id = g.id) FROM group_sessions g JOIN users u ON u.id = g.trainer_id WHERE g.trainer_id = ? ORDER BY g.created_at DESC", trainerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GroupSession{}
	for rows.Next() {
		var g GroupSession
		var anon, beg int
		var created int64
		var started, ended sql.NullInt64
		if err := rows.Scan(&g.ID, &g.OrgID, &g.TrainerID, &g.TrainerName, &g.Code, &g.Kind, &g.ScenarioID, &g.State, &anon, &beg, &g.Message, &g.Seq, &created, &started, &ended, &g.Members); err != nil {
			return nil, err
		}
		g.Anonymous, g.BeginnerOnly, g.CreatedAt = anon != 0, beg != 0, fromMillis(created)
		out = append(out, g)
	}
	return out, rows.Err()
}

// CreateGuest makes a guest account in an organisation, for one session.
func (s *Store) CreateGuest(ctx context.Context, orgID, name string) (User, error) {
	id := NewID("x")
	return s.CreateUser(ctx, orgID, User{Email: id + "@guest.invalid", Name: name, Role: RoleGuest, PasswordHash: "!guest"})
}

// JoinGroup adds a user to a session, or returns their membership when
// they joined before (created is false then).
func (s *Store) JoinGroup(ctx context.Context, sessionID string, u User) (m GroupMember, created bool, err error) {
	err = s.Transact(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM group_members WHERE session_id = ?", sessionID).Scan(&n); err != nil {
			return err
		}
		m = GroupMember{SessionID: sessionID, MemberID: NewID("m"), UserID: u.ID, DisplayName: u.Name, Alias: fmt.Sprintf("Trainee %d", n+1), Guest: u.Role == RoleGuest, JoinedAt: tx.s.now().UTC()}
		_, err := tx.exec(ctx, "INSERT INTO group_members (session_id, member_id, user_id, display_name, alias, guest, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			m.SessionID, m.MemberID, m.UserID, m.DisplayName, m.Alias, b2i(m.Guest), millis(m.JoinedAt))
		return err
	})
	if errors.Is(err, ErrConflict) {
		m, err = s.GroupMemberByUser(ctx, sessionID, u.ID)
		return m, false, err
	}
	return m, err == nil, err
}

// selectMembers reads members with the progress of their runs.
const selectMembers = `SELECT gm.session_id, gm.member_id, gm.user_id, gm.display_name, gm.alias, gm.guest, COALESCE(gm.run_id, ''), COALESCE(r.progress, ''), gm.joined_at
	FROM group_members gm LEFT JOIN runs r ON r.id = gm.run_id `

func scanMember(r scanner) (GroupMember, error) {
	var m GroupMember
	var guest int
	var joined int64
	err := r.Scan(&m.SessionID, &m.MemberID, &m.UserID, &m.DisplayName, &m.Alias, &guest, &m.RunID, &m.Progress, &joined)
	m.Guest, m.JoinedAt = guest != 0, fromMillis(joined)
	return m, classify(err)
}

// GroupMemberByUser returns a user's membership of a session.
func (s *Store) GroupMemberByUser(ctx context.Context, sessionID, userID string) (GroupMember, error) {
	return scanMember(s.queryRow(ctx, selectMembers+"WHERE gm.session_id = ? AND gm.user_id = ?", sessionID, userID))
}

// GroupMember returns one member of a session.
func (s *Store) GroupMember(ctx context.Context, sessionID, memberID string) (GroupMember, error) {
	return scanMember(s.queryRow(ctx, selectMembers+"WHERE gm.session_id = ? AND gm.member_id = ?", sessionID, memberID))
}

// GroupMembers lists a session's members in the order they joined.
func (s *Store) GroupMembers(ctx context.Context, sessionID string) ([]GroupMember, error) {
	rows, err := s.query(ctx, selectMembers+"WHERE gm.session_id = ? ORDER BY gm.joined_at, gm.member_id", sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GroupMember{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetMemberRun records a member's run in the session.
func (s *Store) SetMemberRun(ctx context.Context, sessionID, memberID, runID string) error {
	_, err := s.exec(ctx, "UPDATE group_members SET run_id = ? WHERE session_id = ? AND member_id = ?", runID, sessionID, memberID)
	return err
}

// GroupUpdate is what an event changes on its session.
type GroupUpdate struct {
	State        string // "" to leave it
	Message      *string
	Anonymous    *bool
	BeginnerOnly *bool
}

// GroupEvent applies an update to a session and appends an event, with
// the session's next sequence number, in one transaction. On PostgreSQL
// the transaction also notifies every server listening on the channel
// (with the small notice given), when it commits.
func (s *Store) GroupEvent(ctx context.Context, sessionID, kind, payload string, upd GroupUpdate, notice string) (int64, error) {
	var seq int64
	err := s.Transact(ctx, func(tx *Tx) error {
		now := millis(tx.s.now())
		set := "seq = seq + 1"
		args := []any{}
		if upd.State != "" {
			set += ", state = ?"
			args = append(args, upd.State)
			switch upd.State {
			case GroupRunning:
				set += ", started_at = COALESCE(started_at, ?)"
				args = append(args, now)
			case GroupEnded:
				set += ", ended_at = ?"
				args = append(args, now)
			}
		}
		if upd.Message != nil {
			set += ", message = ?"
			args = append(args, *upd.Message)
		}
		if upd.Anonymous != nil {
			set += ", anonymous = ?"
			args = append(args, b2i(*upd.Anonymous))
		}
		if upd.BeginnerOnly != nil {
			set += ", beginner_only = ?"
			args = append(args, b2i(*upd.BeginnerOnly))
		}
		args = append(args, sessionID)
		if _, err := tx.exec(ctx, "UPDATE group_sessions SET "+set+" WHERE id = ?", args...); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, "SELECT seq FROM group_sessions WHERE id = ?", sessionID).Scan(&seq); err != nil {
			return classify(err)
		}
		if _, err := tx.exec(ctx, "INSERT INTO group_events (session_id, seq, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)", sessionID, seq, kind, payload, now); err != nil {
			return err
		}
		return tx.notify(ctx, fmt.Sprintf("%s %d %s", notice, seq, sessionID))
	})
	return seq, err
}

// GroupChannel is the PostgreSQL notification channel of group sessions.
const GroupChannel = "oasis_group"

func (tx *Tx) notify(ctx context.Context, payload string) error {
	if !tx.s.postgres {
		return nil
	}
	if tx.notices != nil {
		tx.notices = append(tx.notices, payload)
		return nil
	}
	_, err := tx.exec(ctx, "SELECT pg_notify(?, ?)", GroupChannel, payload)
	return err
}

// GroupEvents returns a session's events after a sequence number.
func (s *Store) GroupEvents(ctx context.Context, sessionID string, after int64) ([]GroupEventRecord, error) {
	rows, err := s.query(ctx, "SELECT seq, kind, payload, created_at FROM group_events WHERE session_id = ? AND seq > ? ORDER BY seq", sessionID, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []GroupEventRecord
	for rows.Next() {
		var e GroupEventRecord
		var created int64
		if err := rows.Scan(&e.Seq, &e.Kind, &e.Payload, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMillis(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// GroupEventRecord is one stored event of a session.
type GroupEventRecord struct {
	Seq       int64
	Kind      string
	Payload   string
	CreatedAt time.Time
}

// PostCard stores a card on a staffing board; a card whose id the board
// has already is not stored again (dup).
func (s *Store) PostCard(ctx context.Context, sessionID string, c Card) (Card, bool, error) {
	c.CreatedAt = s.now().UTC()
	_, err := s.exec(ctx, "INSERT INTO staffing_cards (session_id, card_id, member_id, col, text, score, flagged, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		sessionID, c.CardID, c.MemberID, c.Column, c.Text, c.Score, b2i(c.Flagged), millis(c.CreatedAt))
	if errors.Is(err, ErrConflict) {
		prev, err := s.Card(ctx, sessionID, c.CardID)
		return prev, true, err
	}
	return c, false, err
}

// Card returns one card of a board, with its votes.
func (s *Store) Card(ctx context.Context, sessionID, cardID string) (Card, error) {
	var c Card
	var flagged int
	var created int64
	err := s.queryRow(ctx, `SELECT card_id, member_id, col, text, score, flagged, created_at,
		(SELECT COUNT(*) FROM staffing_votes v WHERE v.session_id = c.session_id AND v.card_id = c.card_id)
		FROM staffing_cards c WHERE session_id = ? AND card_id = ?`, sessionID, cardID).
		Scan(&c.CardID, &c.MemberID, &c.Column, &c.Text, &c.Score, &flagged, &created, &c.Votes)
	c.Flagged, c.CreatedAt = flagged != 0, fromMillis(created)
	return c, classify(err)
}

// Cards returns a board's cards, oldest first, with their votes.
func (s *Store) Cards(ctx context.Context, sessionID string) ([]Card, error) {
	rows, err := s.query(ctx, `SELECT card_id, member_id, col, text, score, flagged, created_at,
		(SELECT COUNT(*) FROM staffing_votes v WHERE v.session_id = c.session_id AND v.card_id = c.card_id)
		FROM staffing_cards c WHERE session_id = ? ORDER BY created_at, card_id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Card{}
	for rows.Next() {
		var c Card
		var flagged int
		var created int64
		if err := rows.Scan(&c.CardID, &c.MemberID, &c.Column, &c.Text, &c.Score, &flagged, &created, &c.Votes); err != nil {
			return nil, err
		}
		c.Flagged, c.CreatedAt = flagged != 0, fromMillis(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Vote records or withdraws a member's vote on a card and returns the
// card's votes.
func (s *Store) Vote(ctx context.Context, sessionID, cardID, memberID string, vote bool) (int, error) {
	if _, err := s.Card(ctx, sessionID, cardID); err != nil {
		return 0, err
	}
	var err error
	if vote {
		_, err = s.exec(ctx, "INSERT INTO staffing_votes (session_id, card_id, member_id) VALUES (?, ?, ?)", sessionID, cardID, memberID)
		if errors.Is(err, ErrConflict) {
			err = nil
		}
	} else {
		_, err = s.exec(ctx, "DELETE FROM staffing_votes WHERE session_id = ? AND card_id = ? AND member_id = ?", sessionID, cardID, memberID)
	}
	if err != nil {
		return 0, err
	}
	var n int
	err = s.queryRow(ctx, "SELECT COUNT(*) FROM staffing_votes WHERE session_id = ? AND card_id = ?", sessionID, cardID).Scan(&n)
	return n, classify(err)
}

// VotesBy returns the cards a member has voted for.
func (s *Store) VotesBy(ctx context.Context, sessionID, memberID string) (map[string]bool, error) {
	rows, err := s.query(ctx, "SELECT card_id FROM staffing_votes WHERE session_id = ? AND member_id = ?", sessionID, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
