package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"oasis/engine/practice"
	"oasis/engine/store"
)

// Websocket limits and timing.
const (
	maxFrame     = 16 << 10
	pongWait     = 60 * time.Second
	pingEvery    = 30 * time.Second
	frameWrite   = 10 * time.Second
	sendQueue    = 64
	handleWithin = 15 * time.Second
)

// Close codes of the protocol.
const (
	closeShutdown = websocket.CloseGoingAway
)

var writeBuffers sync.Pool

// connSet tracks open websockets so that shutdown can close them all.
type connSet struct {
	mu sync.Mutex
	m  map[*wsConn]struct{}
}

func newConnSet() *connSet { return &connSet{m: map[*wsConn]struct{}{}} }

func (cs *connSet) add(c *wsConn) {
	cs.mu.Lock()
	cs.m[c] = struct{}{}
	cs.mu.Unlock()
}

func (cs *connSet) remove(c *wsConn) {
	cs.mu.Lock()
	delete(cs.m, c)
	cs.mu.Unlock()
}

func (cs *connSet) count() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.m)
}

// closeAll sends every connection a "shutdown" close frame and closes it.
func (cs *connSet) closeAll(ctx context.Context) error {
	cs.mu.Lock()
	conns := make([]*wsConn, 0, len(cs.m))
	for c := range cs.m {
		conns = append(conns, c)
	}
	cs.mu.Unlock()
	for _, c := range conns {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c.closeWith(closeShutdown, "shutdown")
	}
	return nil
}

// wsConn is one browser's websocket: a read loop that handles messages
// in order, and a write loop fed by a bounded queue. A browser that does
// not read its messages is disconnected rather than allowed to hold up
// the server.
type wsConn struct {
	s         *Server
	ws        *websocket.Conn
	user      store.User
	base      string
	send      chan outFrame
	done      chan struct{}
	closeOnce sync.Once
	handled   sync.WaitGroup // the message being handled

	mu     sync.Mutex
	groups []string // the group sessions it follows
}

func (c *wsConn) addGroup(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.groups, id) {
		c.groups = append(c.groups, id)
	}
}

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.closing:
		http.Error(w, "the server is shutting down; reconnect shortly", http.StatusServiceUnavailable)
		return
	default:
	}
	if !s.sameOrigin(r) {
		http.Error(w, "websocket connections from other sites are refused", http.StatusForbidden)
		return
	}
	u, ok := s.currentUser(r)
	if !ok {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	// Frames are small; write buffers are pooled between connections
	// (a connection holds one only while writing), which keeps a
	// thousand idle trainees cheap.
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 2048, WriteBufferPool: &writeBuffers, CheckOrigin: s.sameOrigin}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	c := &wsConn{s: s, ws: ws, user: u, base: s.baseURL(r), send: make(chan outFrame, sendQueue), done: make(chan struct{})}
	s.conns.add(c)
	go c.writeLoop()
	// Returning lets net/http drop its buffers for this connection (the
	// hijacked socket is the websocket's alone now).
	go c.readLoop()
}

func (c *wsConn) closeWith(code int, reason string) {
	c.closeOnce.Do(func() {
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		close(c.done)
		c.ws.Close()
	})
}

func (c *wsConn) readLoop() {
	defer func() {
		c.closeWith(websocket.CloseNormalClosure, "")
		c.s.conns.remove(c)
		c.mu.Lock()
		groups := c.groups
		c.mu.Unlock()
		c.s.groups.unsubscribe(c, groups)
	}()
	c.ws.SetReadLimit(maxFrame)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.closeWith(websocket.CloseMessageTooBig, "too_large: a frame may be at most 16 KiB")
			}
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		if typ != websocket.TextMessage {
			c.reply(errorFrame("", "", &apiError{Code: "bad_json", Message: "Send JSON text frames."}))
			continue
		}
		// A message is handled on a goroutine of its own, and the next
		// read waits for it: handling (scoring, SQLite) needs a deep stack
		// for a moment, and this loop, alive as long as the connection,
		// keeps a shallow one.
		c.s.handling.Add(1)
		c.handled.Add(1)
		go func() {
			defer c.s.handling.Done()
			defer c.handled.Done()
			c.handle(data)
		}()
		c.handled.Wait()
	}
}

func (c *wsConn) writeLoop() {
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-c.done:
			return
		case f := <-c.send:
			c.ws.SetWriteDeadline(time.Now().Add(frameWrite))
			if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
				c.closeWith(websocket.CloseAbnormalClosure, "")
				return
			}
			if !f.since.IsZero() {
				c.s.fanout.add(time.Since(f.since))
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(frameWrite)); err != nil {
				c.closeWith(websocket.CloseAbnormalClosure, "")
				return
			}
		}
	}
}

// reply queues a message; a connection whose queue is full is dropped.
func (c *wsConn) reply(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		c.s.log.Error("encode websocket message", "err", err)
		return
	}
	c.sendBytes(data)
}

// outFrame is a queued message; since, for a trainer's broadcast or pause,
// is when it was recorded, to measure the fan-out.
type outFrame struct {
	data  []byte
	since time.Time
}

// sendBytes queues an encoded message, for one encoding sent to many.
func (c *wsConn) sendBytes(data []byte) { c.sendFrame(outFrame{data: data}) }

func (c *wsConn) sendFrame(f outFrame) {
	select {
	case c.send <- f:
	case <-c.done:
	default:
		c.s.log.Warn("websocket too slow; disconnecting", "user", c.user.ID)
		go c.closeWith(websocket.ClosePolicyViolation, "too slow")
	}
}

type inMessage struct {
	Type         string `json:"type"`
	SessionID    string `json:"session_id"`
	Code         string `json:"code"`
	Kind         string `json:"kind"`
	Action       string `json:"action"`
	Message      string `json:"message"`
	Anonymous    *bool  `json:"anonymous"`
	BeginnerOnly *bool  `json:"beginner_only"`
	CardID       string `json:"card_id"`
	Column       string `json:"column"`
	Vote         *bool  `json:"vote"`

	Ref      string           `json:"ref"`
	Scenario string           `json:"scenario"`
	Mode     string           `json:"mode"`
	RunID    string           `json:"run_id"`
	TurnID   string           `json:"turn_id"`
	Text     string           `json:"text"`
	Option   int              `json:"option"`
	AnswerID string           `json:"answer_id"`
	Task     string           `json:"task"`
	Answer   *practice.Answer `json:"answer"`
}

type errorMessage struct {
	Type    string `json:"type"`
	Ref     string `json:"ref,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	RunID   string `json:"run_id,omitempty"`
}

func errorFrame(ref, runID string, e *apiError) errorMessage {
	return errorMessage{Type: "error", Ref: ref, Code: e.Code, Message: e.Message, RunID: runID}
}

type slotKey struct{}

// releaseSlot gives up the message's admission slot early, once its work
// on the processor is done and it only waits on the database.
func releaseSlot(ctx context.Context) {
	if release, ok := ctx.Value(slotKey{}).(func()); ok {
		release()
	}
}

// heavy are the messages that score and store: turns, answers, runs.
var heavy = map[string]bool{"start": true, "resume": true, "say": true, "choose": true, "answer": true}

func (c *wsConn) handle(data []byte) {
	var m inMessage
	if err := json.Unmarshal(data, &m); err != nil {
		c.reply(errorFrame("", "", &apiError{Code: "bad_json", Message: "That frame is not a JSON object: " + err.Error() + "."}))
		return
	}
	if len(m.Ref) > 64 {
		m.Ref = m.Ref[:64]
	}
	ctx, cancel := context.WithTimeout(context.Background(), handleWithin)
	defer cancel()
	if heavy[m.Type] {
		// Admission control: at most a few turns are worked on at once
		// per processor; the rest wait here, parked, rather than all
		// crowding the scheduler. Everything else (a trainer's pause or
		// broadcast and its delivery) goes ahead of them.
		select {
		case c.s.slots <- struct{}{}:
			var once sync.Once
			release := func() { once.Do(func() { <-c.s.slots }) }
			defer release()
			ctx = context.WithValue(ctx, slotKey{}, release)
		case <-ctx.Done():
			c.reply(errorFrame(m.Ref, m.RunID, &apiError{Code: "busy", Message: "The server is too busy to take this now; it will be resent."}))
			return
		}
	}
	var out any
	var err error
	if c.user.Role == store.RoleGuest && (m.Type == "start" || m.Type == "group_create") {
		m.Type = "guest_refused"
	}
	switch m.Type {
	case "guest_refused":
		err = errGuest
	case "start":
		var v runView
		v, err = c.s.runs.start(ctx, c.user, m.Scenario, m.Mode)
		out = map[string]any{"type": "run", "ref": m.Ref, "run": v}
	case "resume":
		var v runView
		v, err = c.s.runs.view(ctx, c.user, m.RunID)
		out = map[string]any{"type": "run", "ref": m.Ref, "run": v}
	case "say", "choose":
		if m.Type == "choose" && m.Option < 1 {
			err = errBadRequest("Choose an option by its number, from 1.")
			break
		}
		if m.Type == "say" {
			m.Option = 0
		}
		var tv turnView
		var rep *report
		tv, rep, err = c.s.runs.play(ctx, c.user, m.RunID, m.TurnID, m.Text, m.Option)
		if err == nil && rep != nil {
			c.s.afterRunEnded(c.user, c.base)
		}
		out = map[string]any{"type": "turn", "ref": m.Ref, "run_id": m.RunID, "turn": tv, "report": rep}
	case "answer":
		if m.Answer == nil {
			err = errBadRequest("Send the answer in \"answer\".")
			break
		}
		var av answerView
		var lr *liveRun
		var rep *report
		av, lr, rep, err = c.s.runs.answer(ctx, c.user, m.RunID, m.AnswerID, m.Task, *m.Answer)
		if err == nil {
			status := store.StatusActive
			if rep != nil {
				status = store.StatusEnded
			}
			if rep != nil {
				c.s.afterRunEnded(c.user, c.base)
			}
			out = map[string]any{"type": "feedback", "ref": m.Ref, "run_id": m.RunID, "answer": av, "passed": lr.passedCopy(), "status": status, "report": rep}
		}
	case "group_create":
		var g groupOut
		g, err = c.s.groupCreate(ctx, c, c.user, m.Scenario, m.Kind, m.Anonymous != nil && *m.Anonymous, m.BeginnerOnly != nil && *m.BeginnerOnly, c.base)
		out = map[string]any{"type": "group", "ref": m.Ref, "session": g}
	case "group_join":
		if ok, _ := c.s.joins.allow("groupjoin:"+c.user.ID, c.s.cfg.Now()); !ok {
			err = &apiError{Code: "rate_limited", Message: "Too many join attempts. Please wait a minute and try again."}
			break
		}
		var g groupOut
		g, err = c.s.groupJoin(ctx, c, c.user, m.Code, c.base)
		out = map[string]any{"type": "group", "ref": m.Ref, "session": g}
	case "group_resume":
		var g groupOut
		g, err = c.s.groupSnapshot(ctx, c, c.user, m.SessionID, c.base)
		out = map[string]any{"type": "group", "ref": m.Ref, "session": g}
	case "group_pace", "group_broadcast", "group_settings":
		var seq int64
		switch m.Type {
		case "group_pace":
			seq, err = c.s.groupPace(ctx, c.user, m.SessionID, m.Action, m.Message)
		case "group_broadcast":
			seq, err = c.s.groupBroadcast(ctx, c.user, m.SessionID, m.Text)
		default:
			seq, err = c.s.groupSettings(ctx, c.user, m.SessionID, m.Anonymous, m.BeginnerOnly)
		}
		// The event itself reaches this connection like every other
		// member's; this acknowledges the request.
		out = map[string]any{"type": "group_ack", "ref": m.Ref, "session_id": m.SessionID, "seq": seq}
	case "card_post":
		var card cardOut
		card, err = c.s.cardPost(ctx, c.user, m.SessionID, m.CardID, m.Column, m.Text)
		out = map[string]any{"type": "card", "ref": m.Ref, "session_id": m.SessionID, "card": card}
	case "card_vote":
		if m.Vote == nil {
			err = errBadRequest(`Send "vote": true or false.`)
			break
		}
		var n int
		n, err = c.s.cardVote(ctx, c.user, m.SessionID, m.CardID, *m.Vote)
		out = map[string]any{"type": "vote", "ref": m.Ref, "session_id": m.SessionID, "card_id": m.CardID, "votes": n, "voted": *m.Vote}
	case "":
		err = &apiError{Code: "unknown_type", Message: `Every message needs a "type"; see docs/protocol.md.`}
	default:
		err = &apiError{Code: "unknown_type", Message: "Unknown message type " + quote(m.Type) + "; see docs/protocol.md for the messages."}
	}
	if err != nil {
		ae, unexpected := toAPIError(err)
		if unexpected {
			c.s.log.Error("websocket message failed", "type", m.Type, "run", m.RunID, "user", c.user.ID, "err", err)
		}
		c.reply(errorFrame(m.Ref, m.RunID, ae))
		return
	}
	c.reply(out)
}

func (lr *liveRun) passedCopy() []string {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return append([]string{}, lr.passed...)
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
