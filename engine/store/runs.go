package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Run statuses.
const (
	StatusActive = "active"
	StatusEnded  = "ended"
)

// ErrRunEnded is returned for a turn or answer sent to a run that has ended.
var ErrRunEnded = errors.New("the run has ended")

// ErrStale is returned when a turn is numbered for a run that has moved
// on: the caller's copy of the run is out of date and must be reloaded.
var ErrStale = errors.New("the run has moved on")

// Run is one play of a role play or one working of a practice case.
type Run struct {
	ID         string
	OrgID      string
	UserID     string
	ScenarioID string
	Kind       string // "roleplay" or "case"
	Mode       string // "free" or "beginner"
	Seed       int
	Status     string
	Turns      int
	// The results, set when the run ends.
	OutcomeID      string
	Overall        *int
	StrengthsRatio *float64
	// Summary is JSON kept for history lists; Report is the full report.
	Summary   string
	Report    string
	CreatedAt time.Time
	UpdatedAt time.Time
	EndedAt   *time.Time
	// GroupSessionID is set on runs played in a group session.
	GroupSessionID string
}

// TurnRecord is one stored turn: the input, its score and the state it
// led to, each as JSON.
type TurnRecord struct {
	N         int
	ClientID  string
	Input     string
	Score     string
	State     string
	CreatedAt time.Time
}

// AnswerRecord is one stored answer to a practice-case task.
type AnswerRecord struct {
	N         int
	ClientID  string
	TaskID    string
	Answer    string
	Feedback  string
	Passed    bool
	CreatedAt time.Time
}

// RunUpdate is what a turn or answer changes on its run.
type RunUpdate struct {
	Ended          bool
	OutcomeID      string
	Overall        *int
	StrengthsRatio *float64
	Summary        string
	Report         string
	// Progress, for a run in a group session, is stored on the run by the
	// same statement as the turn count.
	Progress *MemberProgress
}

// MemberProgress is a group member's live progress. Notice, when set, is
// sent on PostgreSQL as the transaction commits.
type MemberProgress struct {
	SessionID, MemberID string
	Progress            string
	Notice              string
}

// CreateRun stores a new run, filling in its id and times.
func (s *Store) CreateRun(ctx context.Context, r *Run) error {
	r.ID = NewID("r")
	now := s.now().UTC()
	r.CreatedAt, r.UpdatedAt, r.Status = now, now, StatusActive
	var group any
	if r.GroupSessionID != "" {
		group = r.GroupSessionID
	}
	_, err := s.exec(ctx, `INSERT INTO runs (id, org_id, user_id, scenario_id, kind, mode, seed, status, turns, created_at, updated_at, group_session_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`, r.ID, r.OrgID, r.UserID, r.ScenarioID, r.Kind, r.Mode, r.Seed, r.Status, millis(now), millis(now), group)
	if err != nil {
		return fmt.Errorf("store run: %w", err)
	}
	return nil
}

const runColumns = "id, org_id, user_id, scenario_id, kind, mode, seed, status, turns, outcome_id, overall, strengths_ratio, summary, report, created_at, updated_at, ended_at, COALESCE(group_session_id, '')"

func scanRun(r scanner) (Run, error) {
	var run Run
	var overall sql.NullInt64
	var ratio sql.NullFloat64
	var created, updated int64
	var ended sql.NullInt64
	err := r.Scan(&run.ID, &run.OrgID, &run.UserID, &run.ScenarioID, &run.Kind, &run.Mode, &run.Seed, &run.Status, &run.Turns,
		&run.OutcomeID, &overall, &ratio, &run.Summary, &run.Report, &created, &updated, &ended, &run.GroupSessionID)
	if err != nil {
		return run, classify(err)
	}
	if overall.Valid {
		v := int(overall.Int64)
		run.Overall = &v
	}
	if ratio.Valid {
		run.StrengthsRatio = &ratio.Float64
	}
	run.CreatedAt, run.UpdatedAt = fromMillis(created), fromMillis(updated)
	if ended.Valid {
		t := fromMillis(ended.Int64)
		run.EndedAt = &t
	}
	return run, nil
}

// Run returns one of the user's runs. Another user's run is ErrNotFound.
func (s *Store) Run(ctx context.Context, userID, runID string) (Run, error) {
	return scanRun(s.queryRow(ctx, "SELECT "+runColumns+" FROM runs WHERE id = ? AND user_id = ?", runID, userID))
}

// Runs lists the user's runs, newest first.
func (s *Store) Runs(ctx context.Context, userID string) ([]Run, error) {
	rows, err := s.query(ctx, "SELECT "+runColumns+" FROM runs WHERE user_id = ? ORDER BY created_at DESC, id", userID)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Turns returns the turns of one of the user's runs, in order.
func (s *Store) Turns(ctx context.Context, userID, runID string) ([]TurnRecord, error) {
	rows, err := s.query(ctx, `SELECT t.n, t.client_id, t.input, t.score, t.state, t.created_at FROM turns t JOIN runs r ON r.id = t.run_id
		WHERE t.run_id = ? AND r.user_id = ? ORDER BY t.n`, runID, userID)
	if err != nil {
		return nil, fmt.Errorf("list turns: %w", err)
	}
	defer rows.Close()
	out := []TurnRecord{}
	for rows.Next() {
		var t TurnRecord
		var created int64
		if err := rows.Scan(&t.N, &t.ClientID, &t.Input, &t.Score, &t.State, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = fromMillis(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Answers returns the answers of one of the user's runs, in order.
func (s *Store) Answers(ctx context.Context, userID, runID string) ([]AnswerRecord, error) {
	rows, err := s.query(ctx, `SELECT a.n, a.client_id, a.task_id, a.answer, a.feedback, a.passed, a.created_at FROM answers a JOIN runs r ON r.id = a.run_id
		WHERE a.run_id = ? AND r.user_id = ? ORDER BY a.n`, runID, userID)
	if err != nil {
		return nil, fmt.Errorf("list answers: %w", err)
	}
	defer rows.Close()
	out := []AnswerRecord{}
	for rows.Next() {
		var a AnswerRecord
		var passed int
		var created int64
		if err := rows.Scan(&a.N, &a.ClientID, &a.TaskID, &a.Answer, &a.Feedback, &passed, &created); err != nil {
			return nil, err
		}
		a.Passed, a.CreatedAt = passed != 0, fromMillis(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AppendTurn stores the next turn of one of the user's runs together with
// what it changes on the run, in one transaction. A turn whose ClientID
// the run already has is not stored again: the stored one is returned with
// dup set. rec.N must be the run's next turn number, or ErrStale.
func (s *Store) AppendTurn(ctx context.Context, userID, runID string, rec TurnRecord, upd RunUpdate) (stored TurnRecord, dup bool, err error) {
	err = s.batched(ctx, func(tx *Tx) error {
		// The common case in two statements: claim turn n on the run (which
		// checks it is the user's, active, and at n-1), then insert it.
		if err := tx.claim(ctx, userID, runID, rec.N, upd); err != nil {
			return err
		}
		rec.CreatedAt = s.now().UTC()
		if _, err := tx.exec(ctx, "INSERT INTO turns (run_id, n, client_id, input, score, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			runID, rec.N, rec.ClientID, rec.Input, rec.Score, rec.State, millis(rec.CreatedAt)); err != nil {
			return err
		}
		stored = rec
		return nil
	})
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrStale) || errors.Is(err, ErrRunEnded) {
		// A resend of a stored turn (perhaps two copies raced) is answered
		// with the stored turn.
		prev, found, err2 := turnByClientID(ctx, s.queryRow, runID, rec.ClientID)
		if err2 == nil && found {
			return prev, true, nil
		}
		if errors.Is(err, ErrConflict) {
			err = ErrStale
		}
	}
	return stored, dup, err
}

// claim moves one of the user's active runs from turn n-1 to n, with the
// run's changes, or says why it cannot.
func (tx *Tx) claim(ctx context.Context, userID, runID string, n int, upd RunUpdate) error {
	now := millis(tx.s.now())
	var res sql.Result
	var err error
	var progress any
	if upd.Progress != nil {
		progress = upd.Progress.Progress
	}
	if !upd.Ended {
		res, err = tx.exec(ctx, "UPDATE runs SET turns = ?, updated_at = ?, progress = COALESCE(?, progress) WHERE id = ? AND user_id = ? AND status = ? AND turns = ?",
			n, now, progress, runID, userID, StatusActive, n-1)
	} else {
		var overall, ratio any
		if upd.Overall != nil {
			overall = *upd.Overall
		}
		if upd.StrengthsRatio != nil {
			ratio = *upd.StrengthsRatio
		}
		res, err = tx.exec(ctx, `UPDATE runs SET turns = ?, updated_at = ?, status = ?, outcome_id = ?, overall = ?, strengths_ratio = ?, summary = ?, report = ?, ended_at = ?,
			progress = COALESCE(?, progress) WHERE id = ? AND user_id = ? AND status = ? AND turns = ?`, n, now, StatusEnded, upd.OutcomeID, overall, ratio, upd.Summary, upd.Report, now,
			progress, runID, userID, StatusActive, n-1)
	}
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 1 {
		if p := upd.Progress; p != nil && p.Notice != "" {
			return tx.notify(ctx, p.Notice)
		}
		return nil
	}
	var turns int
	var status string
	if err := tx.queryRow(ctx, "SELECT turns, status FROM runs WHERE id = ? AND user_id = ?", runID, userID).Scan(&turns, &status); err != nil {
		return classify(err)
	}
	if status != StatusActive {
		return ErrRunEnded
	}
	return ErrStale
}

func turnByClientID(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, runID, clientID string) (TurnRecord, bool, error) {
	var t TurnRecord
	var created int64
	err := classify(queryRow(ctx, "SELECT n, client_id, input, score, state, created_at FROM turns WHERE run_id = ? AND client_id = ?", runID, clientID).
		Scan(&t.N, &t.ClientID, &t.Input, &t.Score, &t.State, &created))
	if errors.Is(err, ErrNotFound) {
		return t, false, nil
	}
	t.CreatedAt = fromMillis(created)
	return t, err == nil, err
}

// AppendAnswer stores the next answer of one of the user's practice-case
// runs, like AppendTurn.
func (s *Store) AppendAnswer(ctx context.Context, userID, runID string, rec AnswerRecord, upd RunUpdate) (stored AnswerRecord, dup bool, err error) {
	err = s.batched(ctx, func(tx *Tx) error {
		a, found, err := answerByClientID(ctx, tx.queryRow, runID, rec.ClientID)
		if err != nil || found {
			stored, dup = a, found
			return err
		}
		if err := tx.claim(ctx, userID, runID, rec.N, upd); err != nil {
			return err
		}
		rec.CreatedAt = s.now().UTC()
		passedInt := 0
		if rec.Passed {
			passedInt = 1
		}
		if _, err := tx.exec(ctx, "INSERT INTO answers (run_id, n, client_id, task_id, answer, feedback, passed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			runID, rec.N, rec.ClientID, rec.TaskID, rec.Answer, rec.Feedback, passedInt, millis(rec.CreatedAt)); err != nil {
			return err
		}
		stored = rec
		return nil
	})
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrStale) {
		a, found, err2 := answerByClientID(ctx, s.queryRow, runID, rec.ClientID)
		if err2 == nil && found {
			return a, true, nil
		}
		return AnswerRecord{}, false, ErrStale
	}
	return stored, dup, err
}

func answerByClientID(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, runID, clientID string) (AnswerRecord, bool, error) {
	var a AnswerRecord
	var passed int
	var created int64
	err := classify(queryRow(ctx, "SELECT n, client_id, task_id, answer, feedback, passed, created_at FROM answers WHERE run_id = ? AND client_id = ?", runID, clientID).
		Scan(&a.N, &a.ClientID, &a.TaskID, &a.Answer, &a.Feedback, &passed, &created))
	if errors.Is(err, ErrNotFound) {
		return a, false, nil
	}
	a.Passed, a.CreatedAt = passed != 0, fromMillis(created)
	return a, err == nil, err
}
