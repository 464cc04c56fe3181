package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"oasis/engine/roleplay"
	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/engine/store"
)

// Limits of group sessions.
const (
	maxCardRunes      = 280
	maxBroadcastRunes = 280
)

// Staffing board columns, in the order of the staffing steps.
var boardColumns = []string{"facts", "strengths", "plans", "barriers", "limitations"}

// groupHub delivers group-session events to the websockets on this server.
// Every change is written to the database first; a notice then reaches
// every server (through PostgreSQL NOTIFY, or directly when there is one
// server on SQLite), and each server reads the change back and sends it to
// its own connections. A server that missed notices (its listening
// connection dropped) re-reads every session it serves.
type groupHub struct {
	s *Server
	// instance names this server in its notices, to skip its own.
	instance string
	mu       sync.Mutex
	subs     map[string]map[*wsConn]subscriber
	// sessions caches what turns need to know about a session (its state,
	// mode and kind), kept current by the events this server delivers.
	sessions map[string]*hubSession
	progress progressQueue
}

type subscriber struct {
	trainer  bool
	memberID string
}

type hubSession struct {
	mu sync.Mutex // orders deliveries
	g  store.GroupSession
	// delivered is the last event sequence number sent to this server's
	// connections.
	delivered int64
}

func newGroupHub(s *Server) *groupHub {
	return &groupHub{s: s, instance: store.NewID("i"), subs: map[string]map[*wsConn]subscriber{}, sessions: map[string]*hubSession{}}
}

// run listens for other servers' notices until ctx is done.
func (h *groupHub) run(ctx context.Context) {
	h.s.store.Listen(ctx, h.notice, h.resync)
}

func (h *groupHub) subscribe(sessionID string, c *wsConn, sub subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.subs[sessionID]
	if m == nil {
		m = map[*wsConn]subscriber{}
		h.subs[sessionID] = m
	}
	m[c] = sub
	c.addGroup(sessionID)
}

// unsubscribe drops a connection from every session, when it closes.
func (h *groupHub) unsubscribe(c *wsConn, sessions []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range sessions {
		delete(h.subs[id], c)
		if len(h.subs[id]) == 0 {
			delete(h.subs, id)
		}
	}
}

func (h *groupHub) subscribers(sessionID string) map[*wsConn]subscriber {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[*wsConn]subscriber, len(h.subs[sessionID]))
	for c, s := range h.subs[sessionID] {
		out[c] = s
	}
	return out
}

// session returns the cached session, reading it when this server does
// not know it yet.
func (h *groupHub) session(ctx context.Context, id string) (*hubSession, error) {
	h.mu.Lock()
	hs, ok := h.sessions[id]
	h.mu.Unlock()
	if ok {
		return hs, nil
	}
	g, err := h.s.store.Group(ctx, id)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if hs, ok := h.sessions[id]; ok {
		return hs, nil
	}
	hs = &hubSession{g: g, delivered: g.Seq}
	h.sessions[id] = hs
	return hs, nil
}

func (hs *hubSession) snapshot() store.GroupSession {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return hs.g
}

// notice handles a notice from any server: "ev SEQ SESSION" for a new
// event, "pr MEMBER SESSION INSTANCE" for a member's progress.
func (h *groupHub) notice(payload string) {
	f := strings.Fields(payload)
	if len(f) < 3 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch f[0] {
	case "ev":
		h.deliver(ctx, f[2])
	case "pr":
		if len(f) == 4 && f[3] == h.instance {
			return // queued already
		}
		h.queueProgress(f[2], f[1], nil)
	}
}

// resync re-reads every session this server serves and sends the events
// it missed.
func (h *groupHub) resync() {
	h.mu.Lock()
	ids := make([]string, 0, len(h.subs))
	for id := range h.subs {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		h.deliver(ctx, id)
		cancel()
	}
}

// event records a change to a session and delivers it.
func (h *groupHub) event(ctx context.Context, sessionID, kind string, payload any, upd store.GroupUpdate) (int64, error) {
	data, _ := json.Marshal(payload)
	seq, err := h.s.store.GroupEvent(ctx, sessionID, kind, string(data), upd, "ev")
	if err != nil {
		return 0, err
	}
	// On PostgreSQL the notice will arrive too; delivering now saves this
	// server's connections the round trip, and deliver skips what it has
	// sent already.
	h.deliver(ctx, sessionID)
	return seq, nil
}

// deliver sends this server's connections every event of a session they
// have not had, in order, and keeps the cached session current.
func (h *groupHub) deliver(ctx context.Context, sessionID string) {
	hs, err := h.session(ctx, sessionID)
	if err != nil {
		return
	}
	hs.mu.Lock()
	defer hs.mu.Unlock()
	evs, err := h.s.store.GroupEvents(ctx, sessionID, hs.delivered)
	if err != nil || len(evs) == 0 {
		return
	}
	if g, err := h.s.store.Group(ctx, sessionID); err == nil {
		hs.g = g
	}
	subs := h.subscribers(sessionID)
	for _, e := range evs {
		hs.delivered = e.Seq
		ed := h.load(ctx, hs.g, e)
		if ed.same() {
			// One encoding for everyone: a broadcast to a hundred
			// trainees is one JSON encoding and a hundred queued writes.
			data, err := json.Marshal(map[string]any{"type": "group_event", "session_id": sessionID, "seq": e.Seq, "event": ed.view(hs.g, subscriber{})})
			if err != nil {
				continue
			}
			f := outFrame{data: data}
			if e.Kind == "broadcast" || e.Kind == "pace" {
				f.since = e.CreatedAt
			}
			for c := range subs {
				c.sendFrame(f)
			}
			continue
		}
		for c, sub := range subs {
			if ev := ed.view(hs.g, sub); ev != nil {
				c.reply(map[string]any{"type": "group_event", "session_id": sessionID, "seq": e.Seq, "event": ev})
			}
		}
	}
}

// same says whether every subscriber sees the event alike.
func (ed eventData) same() bool {
	switch ed.kind {
	case "joined", "card":
		return false
	case "pace":
		return ed.runs == nil
	}
	return true
}

// eventData is an event with what its views need, read once for all
// subscribers.
type eventData struct {
	kind    string
	payload map[string]any
	member  *store.GroupMember
	card    *store.Card
	author  *store.GroupMember
	runs    map[string]string // member -> run, when a session starts
}

func (h *groupHub) load(ctx context.Context, g store.GroupSession, e store.GroupEventRecord) eventData {
	ed := eventData{kind: e.Kind}
	json.Unmarshal([]byte(e.Payload), &ed.payload)
	switch e.Kind {
	case "joined":
		if m, err := h.s.store.GroupMember(ctx, g.ID, fmt.Sprint(ed.payload["member_id"])); err == nil {
			ed.member = &m
		}
	case "card":
		if c, err := h.s.store.Card(ctx, g.ID, fmt.Sprint(ed.payload["card_id"])); err == nil {
			ed.card = &c
			if m, err := h.s.store.GroupMember(ctx, g.ID, c.MemberID); err == nil {
				ed.author = &m
			}
		}
	case "pace":
		if ed.payload["state"] == store.GroupRunning {
			if ms, err := h.s.store.GroupMembers(ctx, g.ID); err == nil {
				ed.runs = map[string]string{}
				for _, m := range ms {
					ed.runs[m.MemberID] = m.RunID
				}
			}
		}
	}
	return ed
}

// view is what one subscriber sees of an event, or nil for nothing.
func (ed eventData) view(g store.GroupSession, sub subscriber) map[string]any {
	ev := map[string]any{"type": ed.kind}
	for k, v := range ed.payload {
		ev[k] = v
	}
	switch ed.kind {
	case "joined":
		if ed.member == nil || !sub.trainer && g.Anonymous && sub.memberID != ed.member.MemberID {
			return nil
		}
		ev["member"] = memberView(*ed.member, g, sub)
		delete(ev, "member_id")
	case "card":
		if ed.card == nil {
			return nil
		}
		ev["card"] = cardView(g, *ed.card, ed.author, sub, nil)
		delete(ev, "card_id")
	case "pace":
		if run := ed.runs[sub.memberID]; run != "" {
			ev["run_id"] = run
		}
	}
	return ev
}

// Progress reaches trainers in batches: every trainee's turn changes their
// row in the roster, and a room of a hundred sending a turn every two
// seconds would otherwise be fifty events a second for the trainer's
// browser to draw. A session's progress is gathered for progressEvery and
// sent as one event.
const progressEvery = 250 * time.Millisecond

type progressQueue struct {
	mu sync.Mutex
	// local holds progress made on this server; remote, members whose
	// progress another server stored (read back when sending).
	local     map[string]map[string]*progressView
	remote    map[string]map[string]bool
	scheduled map[string]bool
}

// queueProgress adds a member's progress to the session's next batch; p
// nil means it is to be read from the database.
func (h *groupHub) queueProgress(sessionID, memberID string, p *progressView) {
	if len(h.trainers(sessionID)) == 0 {
		return
	}
	q := &h.progress
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.local == nil {
		q.local, q.remote, q.scheduled = map[string]map[string]*progressView{}, map[string]map[string]bool{}, map[string]bool{}
	}
	if p != nil {
		if q.local[sessionID] == nil {
			q.local[sessionID] = map[string]*progressView{}
		}
		q.local[sessionID][memberID] = p
		delete(q.remote[sessionID], memberID)
	} else {
		if q.remote[sessionID] == nil {
			q.remote[sessionID] = map[string]bool{}
		}
		q.remote[sessionID][memberID] = true
		delete(q.local[sessionID], memberID)
	}
	if !q.scheduled[sessionID] {
		q.scheduled[sessionID] = true
		time.AfterFunc(progressEvery, func() { h.flushProgress(sessionID) })
	}
}

type memberProgress struct {
	MemberID string        `json:"member_id"`
	Progress *progressView `json:"progress"`
}

// flushProgress sends a session's gathered progress to its trainers here.
func (h *groupHub) flushProgress(sessionID string) {
	q := &h.progress
	q.mu.Lock()
	local, remote := q.local[sessionID], q.remote[sessionID]
	delete(q.local, sessionID)
	delete(q.remote, sessionID)
	delete(q.scheduled, sessionID)
	q.mu.Unlock()
	trainers := h.trainers(sessionID)
	if len(trainers) == 0 {
		return
	}
	out := make([]memberProgress, 0, len(local)+len(remote))
	for id, p := range local {
		out = append(out, memberProgress{id, p})
	}
	if len(remote) > 0 {
		ctx, cancel := context.WithTimeout(h.s.ctx, 10*time.Second)
		defer cancel()
		hs, err := h.session(ctx, sessionID)
		ms, err2 := h.s.store.GroupMembers(ctx, sessionID)
		if err == nil && err2 == nil {
			g := hs.snapshot()
			for _, m := range ms {
				if remote[m.MemberID] {
					out = append(out, memberProgress{m.MemberID, memberView(m, g, subscriber{trainer: true}).Progress})
				}
			}
		}
	}
	if len(out) == 0 {
		return
	}
	slices.SortFunc(out, func(a, b memberProgress) int { return strings.Compare(a.MemberID, b.MemberID) })
	data, err := json.Marshal(map[string]any{"type": "group_event", "session_id": sessionID, "event": map[string]any{"type": "progress", "members": out}})
	if err != nil {
		return
	}
	for _, c := range trainers {
		c.sendBytes(data)
	}
}

func (h *groupHub) trainers(sessionID string) []*wsConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*wsConn
	for c, sub := range h.subs[sessionID] {
		if sub.trainer {
			out = append(out, c)
		}
	}
	return out
}

// progressUpdate is how a group run is going after the turn or answer
// about to be stored (n turns or answers in all), stored with it; nil for
// a run outside a group session.
func (h *groupHub) progressUpdate(lr *liveRun, n int, passed []string, ended bool) (*store.MemberProgress, *progressView) {
	if lr.rec.GroupSessionID == "" || lr.memberID == "" {
		return nil, nil
	}
	var p progressView
	if lr.run != nil {
		p = runProgress(lr.run)
	} else if c, ok := lr.sc.(*scenario.Case); ok {
		p = progressView{Turns: n, Passed: len(passed), Tasks: len(c.Tasks), Ended: ended}
	}
	data, _ := json.Marshal(p)
	mp := &store.MemberProgress{SessionID: lr.rec.GroupSessionID, MemberID: lr.memberID, Progress: string(data)}
	if h.s.store.Postgres() {
		// Other servers' trainers read it back; this server's hear it
		// directly (progressStored) and skip their own notice.
		mp.Notice = "pr " + lr.memberID + " " + lr.rec.GroupSessionID + " " + h.instance
	}
	return mp, &p
}

// progressStored lets this server's trainers know of progress just stored.
func (h *groupHub) progressStored(mp *store.MemberProgress, p *progressView) {
	if mp != nil {
		h.queueProgress(mp.SessionID, mp.MemberID, p)
	}
}

// progressView is the trainer's live view of a member's run.
type progressView struct {
	Beat           string                `json:"beat"`
	Turns          int                   `json:"turns"`
	Meters         []roleplay.MeterValue `json:"meters"`
	Revealed       int                   `json:"revealed"`
	StrengthsRatio *float64              `json:"strengths_ratio"`
	MissedRisk     int                   `json:"missed_risk"`
	Ended          bool                  `json:"ended"`
	Outcome        *outcomeView          `json:"outcome"`
	Overall        *int                  `json:"overall"`
	// Passed and Tasks are a practice case's tasks passed and in all.
	Passed int `json:"passed,omitempty"`
	Tasks  int `json:"tasks,omitempty"`
}

func runProgress(run *roleplay.Run) progressView {
	var turns []score.Turn
	for _, rec := range run.History() {
		turns = append(turns, score.Turn{Labels: rec.Input.Labels, RiskCue: len(rec.RiskCues) > 0})
	}
	m := score.Measure(turns)
	last := run.Opening()
	if h := run.History(); len(h) > 0 {
		last = h[len(h)-1].Turn
	}
	p := progressView{Beat: last.Beat, Turns: len(run.History()), Meters: last.Meters, Revealed: len(run.Revealed()), StrengthsRatio: m.StrengthsRatio, MissedRisk: run.MissedRisk(), Ended: run.Ended()}
	if o := run.Outcome(); o != nil {
		p.Outcome = &outcomeView{ID: o.ID, Title: o.Title, Rating: string(o.Rating)}
		p.Overall = &m.Overall
	}
	return p
}

type memberOut struct {
	MemberID string        `json:"member_id"`
	Name     string        `json:"name"`
	Guest    bool          `json:"guest"`
	JoinedAt time.Time     `json:"joined_at"`
	Progress *progressView `json:"progress"`
}

// memberView shows a member to a subscriber: by alias when the session is
// anonymous, with progress for the trainer and for the member themself.
func memberView(m store.GroupMember, g store.GroupSession, sub subscriber) memberOut {
	out := memberOut{MemberID: m.MemberID, Name: m.DisplayName, Guest: m.Guest, JoinedAt: m.JoinedAt}
	if g.Anonymous && sub.memberID != m.MemberID {
		out.Name, out.Guest = m.Alias, false
	}
	if (sub.trainer || sub.memberID == m.MemberID) && m.Progress != "" {
		var p progressView
		if json.Unmarshal([]byte(m.Progress), &p) == nil {
			out.Progress = &p
		}
	}
	return out
}

type cardOut struct {
	CardID string     `json:"card_id"`
	Column string     `json:"column"`
	Text   string     `json:"text"`
	Author string     `json:"author"`
	Mine   bool       `json:"mine"`
	Votes  int        `json:"votes"`
	Voted  bool       `json:"voted"`
	Focus  sbcm.Focus `json:"focus"`
	Flag   *cardFlag  `json:"flag"`
}

type cardFlag struct {
	Tip string `json:"tip"`
}

type cardScore struct {
	Focus sbcm.Focus `json:"focus"`
	Tip   string     `json:"tip"`
}

func cardView(g store.GroupSession, c store.Card, author *store.GroupMember, sub subscriber, voted map[string]bool) cardOut {
	out := cardOut{CardID: c.CardID, Column: c.Column, Text: c.Text, Mine: c.MemberID == sub.memberID, Votes: c.Votes, Voted: voted[c.CardID]}
	var sc cardScore
	json.Unmarshal([]byte(c.Score), &sc)
	out.Focus = sc.Focus
	if out.Mine && c.Flagged {
		out.Flag = &cardFlag{Tip: sc.Tip}
	}
	if author != nil {
		out.Author = author.DisplayName
		if g.Anonymous && !out.Mine {
			out.Author = author.Alias
		}
	}
	return out
}

// groupOut is a snapshot of a session for one person.
type groupOut struct {
	ID           string         `json:"id"`
	Code         string         `json:"code"`
	Link         string         `json:"link"`
	Kind         string         `json:"kind"`
	State        string         `json:"state"`
	Anonymous    bool           `json:"anonymous"`
	BeginnerOnly bool           `json:"beginner_only"`
	Message      string         `json:"message"`
	Seq          int64          `json:"seq"`
	Scenario     scenarioView   `json:"scenario"`
	Case         *caseView      `json:"case,omitempty"`
	You          youOut         `json:"you"`
	Trainer      map[string]any `json:"trainer"`
	Members      []memberOut    `json:"members"`
	Board        *boardOut      `json:"board"`
	Debrief      *debrief       `json:"debrief"`
}

type youOut struct {
	Role     string `json:"role"`
	MemberID string `json:"member_id,omitempty"`
	Name     string `json:"name"`
	RunID    string `json:"run_id,omitempty"`
}

type boardOut struct {
	Columns []string  `json:"columns"`
	Cards   []cardOut `json:"cards"`
}

// groupSnapshot builds the `group` message for a user: the session's
// trainer or one of its members; anyone else gets not_found.
func (s *Server) groupSnapshot(ctx context.Context, c *wsConn, u store.User, sessionID, base string) (groupOut, error) {
	g, err := s.store.Group(ctx, sessionID)
	if errors.Is(err, store.ErrNotFound) {
		return groupOut{}, errNotFound("There is no group session " + sessionID + ".")
	}
	if err != nil {
		return groupOut{}, err
	}
	sub := subscriber{trainer: g.TrainerID == u.ID}
	var me store.GroupMember
	if !sub.trainer {
		me, err = s.store.GroupMemberByUser(ctx, sessionID, u.ID)
		if errors.Is(err, store.ErrNotFound) {
			return groupOut{}, errNotFound("There is no group session " + sessionID + ".")
		}
		if err != nil {
			return groupOut{}, err
		}
		sub.memberID = me.MemberID
	}
	sc, ok := s.lib.Get(g.ScenarioID)
	if !ok {
		return groupOut{}, errNotFound("The scenario of this session is no longer in the library.")
	}
	out := groupOut{ID: g.ID, Code: g.Code, Link: base + "/join/" + g.Code, Kind: g.Kind, State: g.State, Anonymous: g.Anonymous,
		BeginnerOnly: g.BeginnerOnly, Message: g.Message, Seq: g.Seq, Scenario: s.scenarioView(sc, true),
		Trainer: map[string]any{"name": g.TrainerName}, Members: []memberOut{}}
	if sub.trainer {
		out.You = youOut{Role: "trainer", Name: u.Name}
	} else {
		out.You = youOut{Role: "trainee", MemberID: me.MemberID, Name: me.DisplayName, RunID: me.RunID}
	}
	members, err := s.store.GroupMembers(ctx, sessionID)
	if err != nil {
		return groupOut{}, err
	}
	for _, m := range members {
		if !sub.trainer && g.Anonymous && m.MemberID != sub.memberID {
			continue
		}
		out.Members = append(out.Members, memberView(m, g, sub))
	}
	if g.Kind == "staffing" {
		if cs, ok := sc.(*scenario.Case); ok {
			cv := s.caseView(cs)
			out.Case = &cv
		}
		cards, err := s.store.Cards(ctx, sessionID)
		if err != nil {
			return groupOut{}, err
		}
		voted := map[string]bool{}
		if !sub.trainer {
			voted, _ = s.store.VotesBy(ctx, sessionID, sub.memberID)
		}
		byID := map[string]*store.GroupMember{}
		for i := range members {
			byID[members[i].MemberID] = &members[i]
		}
		out.Board = &boardOut{Columns: boardColumns, Cards: []cardOut{}}
		for _, card := range cards {
			out.Board.Cards = append(out.Board.Cards, cardView(g, card, byID[card.MemberID], sub, voted))
		}
	}
	if g.State == store.GroupEnded {
		d, err := s.debrief(ctx, g, members)
		if err != nil {
			return groupOut{}, err
		}
		if !sub.trainer {
			d = &debrief{Outcomes: d.Outcomes, Scores: nil}
		}
		out.Debrief = d
	}
	if c != nil {
		s.groups.subscribe(sessionID, c, sub)
		// What this connection has now is current up to g.Seq.
		if hs, err := s.groups.session(ctx, sessionID); err == nil {
			hs.mu.Lock()
			if g.Seq > hs.delivered {
				hs.g, hs.delivered = g, g.Seq
			}
			hs.mu.Unlock()
		}
	}
	return out, nil
}

func canLead(u store.User) bool { return u.Role == store.RoleTrainer || u.Role == store.RoleAdmin }

// groupCreate starts a session in the lobby, led by u.
func (s *Server) groupCreate(ctx context.Context, c *wsConn, u store.User, scenarioID, kind string, anonymous, beginner bool, base string) (groupOut, error) {
	if !canLead(u) {
		return groupOut{}, errForbidden("Only trainers and admins can run group sessions.")
	}
	sc, ok := s.lib.Get(scenarioID)
	if !ok {
		return groupOut{}, errNotFound("There is no scenario " + scenarioID + " in the library.")
	}
	switch kind {
	case "", "play":
		kind = "play"
	case "staffing":
		if _, ok := sc.(*scenario.Case); !ok {
			return groupOut{}, errBadRequest("A staffing board needs a practice case to staff.")
		}
	default:
		return groupOut{}, errBadRequest(`Kind must be "play" or "staffing".`)
	}
	g := store.GroupSession{OrgID: u.OrgID, TrainerID: u.ID, Kind: kind, ScenarioID: scenarioID, Anonymous: anonymous, BeginnerOnly: beginner}
	if err := s.store.CreateGroup(ctx, &g); err != nil {
		return groupOut{}, err
	}
	s.log.Info("group session created", "session", g.ID, "trainer", u.ID, "scenario", scenarioID, "kind", kind)
	return s.groupSnapshot(ctx, c, u, g.ID, base)
}

// groupJoin adds u to the session with the code (or finds them in it).
func (s *Server) groupJoin(ctx context.Context, c *wsConn, u store.User, code, base string) (groupOut, error) {
	g, err := s.joinable(ctx, u, code)
	if err != nil {
		return groupOut{}, err
	}
	if g.TrainerID == u.ID {
		return s.groupSnapshot(ctx, c, u, g.ID, base)
	}
	if u.Role == store.RoleGuest {
		// A guest account belongs to the one session it joined by name.
		if _, err := s.store.GroupMemberByUser(ctx, g.ID, u.ID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return groupOut{}, errGuest
			}
			return groupOut{}, err
		}
	}
	return s.joinSession(ctx, c, u, g, base)
}

// joinSession adds u to g (once) and returns u's snapshot of it.
func (s *Server) joinSession(ctx context.Context, c *wsConn, u store.User, g store.GroupSession, base string) (groupOut, error) {
	m, created, err := s.store.JoinGroup(ctx, g.ID, u)
	if err != nil {
		return groupOut{}, err
	}
	if created {
		if g.Kind == "play" && g.State != store.GroupLobby {
			if err := s.createGroupRun(ctx, g, m); err != nil {
				return groupOut{}, err
			}
		}
		if _, err := s.groups.event(ctx, g.ID, "joined", map[string]string{"member_id": m.MemberID}, store.GroupUpdate{}); err != nil {
			return groupOut{}, err
		}
	}
	return s.groupSnapshot(ctx, c, u, g.ID, base)
}

// joinable finds a session by code that u may join: one of u's own
// organisation that has not ended.
func (s *Server) joinable(ctx context.Context, u store.User, code string) (store.GroupSession, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	notFound := errNotFound("No session has that code, or it has ended. Check the code with your trainer.")
	if len(code) != 8 {
		return store.GroupSession{}, notFound
	}
	g, err := s.store.GroupByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) || err == nil && g.OrgID != u.OrgID {
		return store.GroupSession{}, notFound
	}
	return g, err
}

// createGroupRun gives a member their run in a play session.
func (s *Server) createGroupRun(ctx context.Context, g store.GroupSession, m store.GroupMember) error {
	if m.RunID != "" {
		return nil
	}
	sc, ok := s.lib.Get(g.ScenarioID)
	if !ok {
		return errNotFound("The scenario of this session is no longer in the library.")
	}
	mode := "free"
	if g.BeginnerOnly {
		mode = "beginner"
	}
	rec := store.Run{OrgID: g.OrgID, UserID: m.UserID, ScenarioID: g.ScenarioID, Kind: string(sc.Info().Kind), Mode: mode, Seed: randomSeed(), GroupSessionID: g.ID}
	if rec.Kind == string(scenario.KindCase) {
		rec.Mode, rec.Seed = "free", 0
	}
	if err := s.store.CreateRun(ctx, &rec); err != nil {
		return err
	}
	return s.store.SetMemberRun(ctx, g.ID, m.MemberID, rec.ID)
}

// trainerSession returns a session u leads.
func (s *Server) trainerSession(ctx context.Context, u store.User, sessionID string) (store.GroupSession, error) {
	g, err := s.store.Group(ctx, sessionID)
	if errors.Is(err, store.ErrNotFound) || err == nil && g.OrgID != u.OrgID {
		return g, errNotFound("There is no group session " + sessionID + ".")
	}
	if err != nil {
		return g, err
	}
	if g.TrainerID != u.ID {
		return g, errForbidden("Only the trainer leading this session can do that.")
	}
	return g, nil
}

// groupPace starts, pauses, resumes or ends a session.
func (s *Server) groupPace(ctx context.Context, u store.User, sessionID, action, message string) (int64, error) {
	g, err := s.trainerSession(ctx, u, sessionID)
	if err != nil {
		return 0, err
	}
	if utf8.RuneCountInString(message) > maxBroadcastRunes {
		return 0, errBadRequest(fmt.Sprintf("A message can be at most %d characters.", maxBroadcastRunes))
	}
	upd := store.GroupUpdate{Message: &message}
	switch {
	case action == "start" && g.State == store.GroupLobby:
		upd.State = store.GroupRunning
		if g.Kind == "play" {
			members, err := s.store.GroupMembers(ctx, g.ID)
			if err != nil {
				return 0, err
			}
			for _, m := range members {
				if err := s.createGroupRun(ctx, g, m); err != nil {
					return 0, err
				}
			}
		}
	case action == "pause" && g.State == store.GroupRunning:
		upd.State = store.GroupPaused
	case action == "resume" && g.State == store.GroupPaused:
		upd.State = store.GroupRunning
	case action == "end" && g.State != store.GroupEnded:
		upd.State = store.GroupEnded
	case slices.Contains([]string{"start", "pause", "resume", "end"}, action):
		return 0, errBadRequest(fmt.Sprintf("The session is %s; it cannot %s now.", g.State, action))
	default:
		return 0, errBadRequest(`Action must be "start", "pause", "resume" or "end".`)
	}
	seq, err := s.groups.event(ctx, g.ID, "pace", map[string]any{"state": upd.State, "message": message, "at": s.cfg.Now().UTC()}, upd)
	if err == nil {
		s.log.Info("group session paced", "session", g.ID, "state", upd.State)
	}
	return seq, err
}

func (s *Server) groupBroadcast(ctx context.Context, u store.User, sessionID, text string) (int64, error) {
	g, err := s.trainerSession(ctx, u, sessionID)
	if err != nil {
		return 0, err
	}
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return 0, errBadRequest("Write the message first.")
	case n > maxBroadcastRunes:
		return 0, errBadRequest(fmt.Sprintf("A message can be at most %d characters; this one has %d.", maxBroadcastRunes, n))
	}
	return s.groups.event(ctx, g.ID, "broadcast", map[string]any{"text": text, "at": s.cfg.Now().UTC()}, store.GroupUpdate{})
}

func (s *Server) groupSettings(ctx context.Context, u store.User, sessionID string, anonymous, beginner *bool) (int64, error) {
	g, err := s.trainerSession(ctx, u, sessionID)
	if err != nil {
		return 0, err
	}
	if beginner != nil && *beginner != g.BeginnerOnly && g.State != store.GroupLobby {
		return 0, errBadRequest("Beginner mode can only be changed before the session starts.")
	}
	upd := store.GroupUpdate{Anonymous: anonymous, BeginnerOnly: beginner}
	a, b := g.Anonymous, g.BeginnerOnly
	if anonymous != nil {
		a = *anonymous
	}
	if beginner != nil {
		b = *beginner
	}
	return s.groups.event(ctx, g.ID, "settings", map[string]any{"anonymous": a, "beginner_only": b}, upd)
}

// member returns u's membership of a session, or not_found.
func (s *Server) member(ctx context.Context, u store.User, sessionID string) (store.GroupMember, *hubSession, error) {
	m, err := s.store.GroupMemberByUser(ctx, sessionID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return m, nil, errNotFound("There is no group session " + sessionID + ".")
	}
	if err != nil {
		return m, nil, err
	}
	hs, err := s.groups.session(ctx, sessionID)
	return m, hs, err
}

// checkGroupInput refuses input to a group run while its session is not
// running, and free text when the session is in beginner mode.
func (s *Server) checkGroupInput(ctx context.Context, sessionID string, freeText bool) error {
	hs, err := s.groups.session(ctx, sessionID)
	if err != nil {
		return err
	}
	g := hs.snapshot()
	switch g.State {
	case store.GroupLobby:
		return &apiError{Code: "not_started", Message: "The session has not started yet; wait for your trainer."}
	case store.GroupPaused:
		msg := "The trainer has paused the session."
		if g.Message != "" {
			msg += " " + g.Message
		}
		return &apiError{Code: "paused", Message: msg}
	case store.GroupEnded:
		return errRunEnded
	}
	if freeText && g.BeginnerOnly && g.Kind == "play" {
		return errBadRequest("This session is in beginner mode: choose one of the responses offered.")
	}
	return nil
}

// cardPost scores and posts a card on a staffing board.
func (s *Server) cardPost(ctx context.Context, u store.User, sessionID, cardID, column, text string) (cardOut, error) {
	if !clientIDPattern.MatchString(cardID) {
		return cardOut{}, errBadRequest("card_id must be 8 to 64 letters, digits, '-' or '_'.")
	}
	m, hs, err := s.member(ctx, u, sessionID)
	if err != nil {
		return cardOut{}, err
	}
	g := hs.snapshot()
	if g.Kind != "staffing" {
		return cardOut{}, errBadRequest("This session has no staffing board.")
	}
	if err := s.checkGroupInput(ctx, sessionID, false); err != nil {
		return cardOut{}, err
	}
	if !slices.Contains(boardColumns, column) {
		return cardOut{}, errBadRequest("Column must be one of: " + strings.Join(boardColumns, ", ") + ".")
	}
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return cardOut{}, errBadRequest("Write something on the card first.")
	case n > maxCardRunes:
		return cardOut{}, errBadRequest(fmt.Sprintf("A card can hold at most %d characters; this one has %d. Keep it to one point.", maxCardRunes, n))
	}
	res := s.scorer.Score(text, "")
	flagged := res.Focus == sbcm.Deficit
	if column == "barriers" || column == "limitations" {
		// Barriers and limitations are problems by nature; only a label or
		// blame in them is flagged.
		flagged = flagged && res.Has(sbcm.Confront)
	}
	tip := res.Tip
	if flagged && tip == "" {
		tip = "This card reads as deficit-focused. Describe what the person does, has or wants."
	}
	scJSON, _ := json.Marshal(cardScore{Focus: res.Focus, Tip: tip})
	card, dup, err := s.store.PostCard(ctx, sessionID, store.Card{CardID: cardID, MemberID: m.MemberID, Column: column, Text: text, Score: string(scJSON), Flagged: flagged})
	if err != nil {
		return cardOut{}, err
	}
	if !dup {
		if _, err := s.groups.event(ctx, sessionID, "card", map[string]string{"card_id": cardID}, store.GroupUpdate{}); err != nil {
			return cardOut{}, err
		}
	}
	return cardView(g, card, &m, subscriber{memberID: m.MemberID}, nil), nil
}

func (s *Server) cardVote(ctx context.Context, u store.User, sessionID, cardID string, vote bool) (int, error) {
	m, hs, err := s.member(ctx, u, sessionID)
	if err != nil {
		return 0, err
	}
	if hs.snapshot().Kind != "staffing" {
		return 0, errBadRequest("This session has no staffing board.")
	}
	if err := s.checkGroupInput(ctx, sessionID, false); err != nil {
		return 0, err
	}
	n, err := s.store.Vote(ctx, sessionID, cardID, m.MemberID, vote)
	if errors.Is(err, store.ErrNotFound) {
		return 0, errNotFound("There is no card " + cardID + " on this board.")
	}
	if err != nil {
		return 0, err
	}
	_, err = s.groups.event(ctx, sessionID, "vote", map[string]any{"card_id": cardID, "votes": n}, store.GroupUpdate{})
	return n, err
}

func itoa(n int) string { return strconv.Itoa(n) }
