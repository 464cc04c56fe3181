package web

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"oasis/engine/practice"
	"oasis/engine/roleplay"
	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/engine/store"
)

// Limits on what a trainee sends.
const (
	maxSayRunes = 2000
	writeWait   = 5 * time.Second // how long a turn may take to commit
	idleRun     = 20 * time.Minute
	maxLiveRuns = 20000
)

var clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// runManager keeps the runs being played in memory. A run not in memory
// (after a restart, or evicted when idle) is rebuilt from the database by
// replaying its stored inputs. One mutex per run orders its turns.
type runManager struct {
	s     *Server
	mu    sync.Mutex
	live  map[string]*liveRun
	swept time.Time
}

type liveRun struct {
	mu     sync.Mutex
	userID string
	rec    store.Run
	sc     scenario.Scenario
	// run is the role play's state; nil for a practice case.
	run *roleplay.Run
	// ids maps the client ids of stored turns or answers to their numbers.
	ids map[string]int
	// n is how many turns or answers are stored.
	n       int
	answers []answerView
	passed  []string
	used    time.Time
	// memberID is set on a run played in a group session.
	memberID string
}

func newRunManager(s *Server) *runManager {
	return &runManager{s: s, live: map[string]*liveRun{}}
}

func (m *runManager) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.live)
}

func (m *runManager) forget(id string) {
	m.mu.Lock()
	delete(m.live, id)
	m.mu.Unlock()
}

// get returns one of the user's runs, locked; call unlock when done.
func (m *runManager) get(ctx context.Context, u store.User, runID string) (*liveRun, error) {
	now := m.s.cfg.Now()
	m.mu.Lock()
	lr, ok := m.live[runID]
	if now.Sub(m.swept) > time.Minute || len(m.live) > maxLiveRuns {
		m.sweep(now)
	}
	m.mu.Unlock()
	if ok && lr.userID == u.ID {
		lr.mu.Lock()
		lr.used = now
		return lr, nil
	}
	if ok {
		// Someone else's run: exactly as if it did not exist.
		return nil, errNotFound("There is no run " + runID + ".")
	}
	lr, err := m.load(ctx, u, runID)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if other, ok := m.live[runID]; ok {
		lr = other // loaded at the same time by another connection
	} else {
		m.live[runID] = lr
	}
	m.mu.Unlock()
	lr.mu.Lock()
	lr.used = now
	return lr, nil
}

// sweep drops runs idle for a while, and the least recently used when
// there are too many. Called with m.mu held.
func (m *runManager) sweep(now time.Time) {
	m.swept = now
	for id, lr := range m.live {
		if lr.mu.TryLock() {
			idle := now.Sub(lr.used) > idleRun
			lr.mu.Unlock()
			if idle {
				delete(m.live, id)
			}
		}
	}
	for len(m.live) > maxLiveRuns {
		var oldest string
		var at time.Time
		for id, lr := range m.live {
			if oldest == "" || lr.used.Before(at) {
				oldest, at = id, lr.used
			}
		}
		delete(m.live, oldest)
	}
}

// load reads a run from the database and rebuilds its state.
func (m *runManager) load(ctx context.Context, u store.User, runID string) (*liveRun, error) {
	rec, err := m.s.store.Run(ctx, u.ID, runID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound("There is no run " + runID + ".")
	}
	if err != nil {
		return nil, err
	}
	sc, ok := m.s.lib.Get(rec.ScenarioID)
	if !ok {
		return nil, errNotFound("The scenario of this run, " + rec.ScenarioID + ", is no longer in the library.")
	}
	lr := &liveRun{userID: u.ID, rec: rec, sc: sc, ids: map[string]int{}}
	if rec.GroupSessionID != "" {
		if m, err := m.s.store.GroupMemberByUser(ctx, rec.GroupSessionID, u.ID); err == nil {
			lr.memberID = m.MemberID
		}
	}
	switch sc := sc.(type) {
	case *scenario.Roleplay:
		turns, err := m.s.store.Turns(ctx, u.ID, runID)
		if err != nil {
			return nil, err
		}
		inputs := make([]roleplay.Input, len(turns))
		for i, t := range turns {
			if err := json.Unmarshal([]byte(t.Input), &inputs[i]); err != nil {
				return nil, fmt.Errorf("run %s turn %d: %w", runID, t.N, err)
			}
			lr.ids[t.ClientID] = t.N
		}
		lr.run, err = roleplay.Replay(sc, rec.Seed, inputs)
		if err != nil {
			return nil, fmt.Errorf("run %s: %w", runID, err)
		}
		lr.n = len(turns)
	case *scenario.Case:
		answers, err := m.s.store.Answers(ctx, u.ID, runID)
		if err != nil {
			return nil, err
		}
		for _, a := range answers {
			av, err := decodeAnswer(a)
			if err != nil {
				return nil, fmt.Errorf("run %s answer %d: %w", runID, a.N, err)
			}
			lr.ids[a.ClientID] = a.N
			lr.answers = append(lr.answers, av)
			if a.Passed && !slices.Contains(lr.passed, a.TaskID) {
				lr.passed = append(lr.passed, a.TaskID)
			}
		}
		lr.n = len(answers)
	}
	return lr, nil
}

func decodeAnswer(a store.AnswerRecord) (answerView, error) {
	av := answerView{AnswerID: a.ClientID, Task: a.TaskID, N: a.N}
	if err := json.Unmarshal([]byte(a.Answer), &av.Answer); err != nil {
		return av, err
	}
	err := json.Unmarshal([]byte(a.Feedback), &av.Feedback)
	return av, err
}

func randomSeed() int {
	var b [2]byte
	rand.Read(b[:])
	return int(binary.BigEndian.Uint16(b[:]) % 1000)
}

// start begins a run of a scenario.
func (m *runManager) start(ctx context.Context, u store.User, scenarioID, mode string) (runView, error) {
	sc, ok := m.s.lib.Get(scenarioID)
	if !ok {
		return runView{}, errNotFound("There is no scenario " + scenarioID + " in the library.")
	}
	switch mode {
	case "", "free":
		mode = "free"
	case "beginner":
	default:
		return runView{}, errBadRequest(`Mode must be "free" or "beginner".`)
	}
	rec := store.Run{OrgID: u.OrgID, UserID: u.ID, ScenarioID: scenarioID, Kind: string(sc.Info().Kind), Mode: mode, Seed: randomSeed()}
	if rec.Kind == string(scenario.KindCase) {
		rec.Mode, rec.Seed = "free", 0
	}
	if err := m.s.store.CreateRun(ctx, &rec); err != nil {
		return runView{}, err
	}
	m.s.log.Debug("run started", "run", rec.ID, "user", u.ID, "scenario", scenarioID, "mode", rec.Mode)
	lr := &liveRun{userID: u.ID, rec: rec, sc: sc, ids: map[string]int{}, used: m.s.cfg.Now()}
	if rp, ok := sc.(*scenario.Roleplay); ok {
		lr.run = roleplay.New(rp, rec.Seed)
	}
	m.mu.Lock()
	m.live[rec.ID] = lr
	m.mu.Unlock()
	return m.s.liveView(lr, nil), nil
}

// view returns one of the user's runs in full.
func (m *runManager) view(ctx context.Context, u store.User, runID string) (runView, error) {
	lr, err := m.get(ctx, u, runID)
	if err != nil {
		return runView{}, err
	}
	defer lr.mu.Unlock()
	var turns []store.TurnRecord
	if lr.run != nil {
		turns, err = m.s.store.Turns(ctx, u.ID, runID)
		if err != nil {
			return runView{}, err
		}
	}
	return m.s.liveView(lr, turns), nil
}

// liveView builds the full view of a run from its state and stored turns.
func (s *Server) liveView(lr *liveRun, turns []store.TurnRecord) runView {
	v := runView{ID: lr.rec.ID, Kind: lr.rec.Kind, Mode: lr.rec.Mode, Status: lr.rec.Status, CreatedAt: lr.rec.CreatedAt,
		EndedAt: lr.rec.EndedAt, Scenario: s.scenarioView(lr.sc, true), Turns: []turnView{}}
	if lr.rec.Report != "" {
		var r report
		if json.Unmarshal([]byte(lr.rec.Report), &r) == nil {
			v.Report = &r
		}
	}
	switch sc := lr.sc.(type) {
	case *scenario.Roleplay:
		opening := roleplay.New(sc, lr.rec.Seed).Opening()
		ct := s.clientTurn(opening)
		if lr.rec.Mode != "beginner" {
			ct.Options = []optionView{}
		}
		v.Opening = &ct
		for _, t := range turns {
			if tv, err := decodeTurn(t); err == nil {
				v.Turns = append(v.Turns, tv)
			}
		}
	case *scenario.Case:
		cv := s.caseView(sc)
		cv.Answers = append([]answerView{}, lr.answers...)
		cv.Passed = append([]string{}, lr.passed...)
		v.Case = &cv
	}
	return v
}

func decodeTurn(t store.TurnRecord) (turnView, error) {
	tv := turnView{N: t.N, TurnID: t.ClientID}
	var in roleplay.Input
	if err := json.Unmarshal([]byte(t.Input), &in); err != nil {
		return tv, err
	}
	tv.Input = inputView{Text: in.Text, Option: in.Option}
	if err := json.Unmarshal([]byte(t.Score), &tv.Score); err != nil {
		return tv, err
	}
	err := json.Unmarshal([]byte(t.State), &tv.Client)
	return tv, err
}

func (s *Server) caseView(c *scenario.Case) caseView {
	cv := caseView{VignetteHTML: s.md.html(c.Vignette), Answers: []answerView{}, Passed: []string{}}
	for _, t := range c.Tasks {
		tv := taskView{ID: t.ID, Type: string(t.Type), Prompt: t.Prompt, Min: t.Min, Statement: t.Statement, ClientWords: t.ClientWords}
		for _, o := range t.Options {
			tv.Options = append(tv.Options, optionView{Text: o.Text})
		}
		cv.Tasks = append(cv.Tasks, tv)
	}
	return cv
}

// play applies one response to one of the user's role plays: it scores
// free text, steps the run, and stores the turn before returning it. A
// response whose turn id is already stored returns the stored turn.
func (m *runManager) play(ctx context.Context, u store.User, runID, turnID, text string, option int) (turnView, *report, error) {
	if !clientIDPattern.MatchString(turnID) {
		return turnView{}, nil, errBadRequest("turn_id must be 8 to 64 letters, digits, '-' or '_'.")
	}
	if option == 0 {
		text = strings.TrimSpace(text)
		switch n := utf8.RuneCountInString(text); {
		case n == 0:
			return turnView{}, nil, errBadRequest("Type a response first.")
		case n > maxSayRunes:
			return turnView{}, nil, errBadRequest(fmt.Sprintf("A response can be at most %d characters; this one has %d.", maxSayRunes, n))
		case !utf8.ValidString(text):
			return turnView{}, nil, errBadRequest("The response is not valid text.")
		}
	}
	lr, err := m.get(ctx, u, runID)
	if err != nil {
		return turnView{}, nil, err
	}
	defer lr.mu.Unlock()
	if lr.run == nil {
		return turnView{}, nil, errBadRequest("This run is a practice case: send answers, not responses.")
	}
	if n, ok := lr.ids[turnID]; ok {
		return m.stored(ctx, u, lr, n)
	}
	if lr.run.Ended() {
		return turnView{}, nil, errRunEnded
	}
	if lr.rec.GroupSessionID != "" {
		if err := m.s.checkGroupInput(ctx, lr.rec.GroupSessionID, option == 0); err != nil {
			return turnView{}, nil, err
		}
	}
	in := roleplay.Input{Text: text, Option: option}
	sv := scoreView{Skills: nil}
	if option == 0 {
		// Beginner mode accepts free text too: a trainee may want to try
		// their own words.
		res := m.s.scorer.Score(text, lr.run.Context())
		in.Labels = res.Labels
		sv = scoreView{Focus: res.Focus, Skills: res.Skills, Domains: res.Domains, Confidence: res.Confidence, Evidence: res.Evidence, Tip: res.Tip}
	}
	from := lr.run.History()
	beatBefore := ""
	if len(from) > 0 {
		beatBefore = from[len(from)-1].Turn.Beat
	} else {
		beatBefore = lr.run.Opening().Beat
	}
	turn, err := lr.run.Step(in)
	if err != nil {
		return turnView{}, nil, err
	}
	rec := lr.run.History()[len(lr.run.History())-1]
	if option > 0 {
		o := rec.Input
		sv = scoreView{Focus: o.Labels.Focus, Skills: o.Labels.Skills, Domains: o.Labels.Domains, Confidence: 1}
		if b, ok := lr.run.Scenario().Beat(beatBefore); ok && option <= len(b.Options) {
			sv.Note = b.Options[option-1].Note
		}
	}
	if sv.Skills == nil {
		sv.Skills = []sbcm.Skill{}
	}
	if sv.Domains == nil {
		sv.Domains = []sbcm.Domain{}
	}
	if sv.Evidence == nil {
		sv.Evidence = []score.Evidence{}
	}
	ct := m.s.clientTurn(turn)
	if lr.rec.Mode != "beginner" {
		ct.Options = []optionView{}
	}
	tv := turnView{N: lr.n + 1, TurnID: turnID, Input: inputView{Text: rec.Input.Text, Option: option}, Score: sv, Client: ct}
	var upd store.RunUpdate
	var rep *report
	if turn.Ended {
		rep = m.s.roleplayReport(lr.run)
		upd = m.s.endWithCredits(ctx, u, lr.rec, rep)
	}
	var progress *progressView
	upd.Progress, progress = m.s.groups.progressUpdate(lr, tv.N, nil, turn.Ended)
	inJSON, _ := json.Marshal(rec.Input)
	scJSON, _ := json.Marshal(sv)
	stJSON, _ := json.Marshal(ct)
	releaseSlot(ctx)
	wctx, cancel := context.WithTimeout(ctx, writeWait)
	defer cancel()
	stored, dup, err := m.s.store.AppendTurn(wctx, u.ID, runID, store.TurnRecord{N: tv.N, ClientID: turnID, Input: string(inJSON), Score: string(scJSON), State: string(stJSON)}, upd)
	if err != nil || dup {
		// The in-memory run has moved past what is stored (or another
		// server stored this turn): rebuild it from the database next time.
		m.forget(runID)
		if err != nil {
			return turnView{}, nil, err
		}
		tv, err := decodeTurn(stored)
		return tv, nil, err
	}
	lr.n++
	lr.ids[turnID] = lr.n
	lr.rec.Turns = lr.n
	m.s.groups.progressStored(upd.Progress, progress)
	if turn.Ended {
		now := m.s.cfg.Now().UTC()
		lr.rec.Status, lr.rec.EndedAt, lr.rec.Report = store.StatusEnded, &now, upd.Report
		// An ended run is read back from the database when asked for.
		m.forget(runID)
	}
	return tv, rep, nil
}

// stored returns a turn already in the database, for a resend.
func (m *runManager) stored(ctx context.Context, u store.User, lr *liveRun, n int) (turnView, *report, error) {
	turns, err := m.s.store.Turns(ctx, u.ID, lr.rec.ID)
	if err != nil {
		return turnView{}, nil, err
	}
	for _, t := range turns {
		if t.N == n {
			tv, err := decodeTurn(t)
			var rep *report
			if err == nil && tv.Client.Ended && lr.rec.Report != "" {
				rep = &report{}
				json.Unmarshal([]byte(lr.rec.Report), rep)
			}
			return tv, rep, err
		}
	}
	return turnView{}, nil, errNotFound("That turn is not stored.")
}

func endUpdate(rep *report) store.RunUpdate {
	repJSON, _ := json.Marshal(rep)
	upd := store.RunUpdate{Ended: true, Report: string(repJSON)}
	sum := runSummary{Facts: &summaryFacts{}}
	if rep.Outcome != nil {
		upd.OutcomeID = rep.Outcome.ID
		sum.OutcomeTitle, sum.OutcomeRating = rep.Outcome.Title, rep.Outcome.Rating
	}
	if m := rep.Measures; m != nil {
		overall := m.Overall
		upd.Overall = &overall
		upd.StrengthsRatio = m.StrengthsRatio
		f := sum.Facts
		f.StrengthsRatio, f.OpenShare, f.ReflectionsPerQuestion = m.StrengthsRatio, m.OpenShare, m.ReflectionsPerQuestion
		f.Overall, f.MissedRisk = m.Overall, m.RiskMissed
	}
	if rep.Strengths != nil {
		sum.Facts.StrengthsRevealed = len(rep.Strengths.Found)
	}
	for _, t := range rep.Tasks {
		sum.Facts.TasksTotal++
		if t.Passed {
			sum.Facts.TasksPassed++
		}
	}
	sumJSON, _ := json.Marshal(sum)
	upd.Summary = string(sumJSON)
	return upd
}

// answer checks and stores an answer to a task of one of the user's
// practice-case runs.
func (m *runManager) answer(ctx context.Context, u store.User, runID, answerID, taskID string, ans practice.Answer) (answerView, *liveRun, *report, error) {
	if !clientIDPattern.MatchString(answerID) {
		return answerView{}, nil, nil, errBadRequest("answer_id must be 8 to 64 letters, digits, '-' or '_'.")
	}
	lr, err := m.get(ctx, u, runID)
	if err != nil {
		return answerView{}, nil, nil, err
	}
	defer lr.mu.Unlock()
	c, ok := lr.sc.(*scenario.Case)
	if !ok {
		return answerView{}, nil, nil, errBadRequest("This run is a role play: send responses, not answers.")
	}
	if n, ok := lr.ids[answerID]; ok {
		return lr.answers[n-1], lr, m.caseReport(lr), nil
	}
	if lr.rec.Status == store.StatusEnded {
		return answerView{}, nil, nil, errRunEnded
	}
	if lr.rec.GroupSessionID != "" {
		if err := m.s.checkGroupInput(ctx, lr.rec.GroupSessionID, false); err != nil {
			return answerView{}, nil, nil, err
		}
	}
	fb, err := practice.Check(c, taskID, ans, m.s.scorer, m.s.cfg.Now())
	if err != nil {
		if errors.Is(err, practice.ErrNoTask) {
			return answerView{}, nil, nil, errNotFound(fmt.Sprintf("This case has no task %q.", taskID))
		}
		return answerView{}, nil, nil, errBadRequest(capitalise(err.Error()) + ".")
	}
	av := answerView{AnswerID: answerID, Task: taskID, N: lr.n + 1, Answer: ans, Feedback: fb}
	passed := slices.Clone(lr.passed)
	if fb.Passed && !slices.Contains(passed, taskID) {
		passed = append(passed, taskID)
	}
	var upd store.RunUpdate
	var rep *report
	if len(passed) == len(c.Tasks) {
		rep = caseReport(c, append(slices.Clone(lr.answers), av))
		upd = m.s.endWithCredits(ctx, u, lr.rec, rep)
	}
	var progress *progressView
	upd.Progress, progress = m.s.groups.progressUpdate(lr, av.N, passed, rep != nil)
	ansJSON, _ := json.Marshal(ans)
	fbJSON, _ := json.Marshal(fb)
	releaseSlot(ctx)
	wctx, cancel := context.WithTimeout(ctx, writeWait)
	defer cancel()
	stored, dup, err := m.s.store.AppendAnswer(wctx, u.ID, runID, store.AnswerRecord{N: av.N, ClientID: answerID, TaskID: taskID, Answer: string(ansJSON), Feedback: string(fbJSON), Passed: fb.Passed}, upd)
	if err != nil || dup {
		m.forget(runID)
		if err != nil {
			return answerView{}, nil, nil, err
		}
		av, err := decodeAnswer(stored)
		return av, lr, nil, err
	}
	lr.n++
	lr.ids[answerID] = lr.n
	lr.answers = append(lr.answers, av)
	lr.passed = passed
	if rep != nil {
		now := m.s.cfg.Now().UTC()
		lr.rec.Status, lr.rec.EndedAt, lr.rec.Report = store.StatusEnded, &now, upd.Report
		m.forget(runID)
	}
	m.s.groups.progressStored(upd.Progress, progress)
	return av, lr, rep, nil
}

func (m *runManager) caseReport(lr *liveRun) *report {
	if lr.rec.Status != store.StatusEnded {
		return nil
	}
	return caseReport(lr.sc.(*scenario.Case), lr.answers)
}

func caseReport(c *scenario.Case, answers []answerView) *report {
	r := &report{Costliest: []costlyTurn{}}
	for _, t := range c.Tasks {
		tr := taskResult{ID: t.ID, Type: string(t.Type)}
		for _, a := range answers {
			if a.Task == t.ID {
				tr.Attempts++
				tr.Passed = tr.Passed || a.Feedback.Passed
			}
		}
		r.Tasks = append(r.Tasks, tr)
	}
	return r
}
