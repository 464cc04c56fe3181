package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// A group load test: Groups trainers each create a play session, GroupSize
// trainees join each by its code, the trainers start them, and then every
// trainee sends a response every Interval while every trainer, every
// BroadcastEvery, sends a broadcast or pauses (and a second later resumes)
// the session. The fan-out time is measured from the trainer sending a
// broadcast or pause to each trainee receiving its event; both carry the
// send time in their text.

const stampPrefix = "load test "

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// percentiles returns p50, p95, p99 and the maximum.
func (l *latencies) percentiles() (p50, p95, p99, max time.Duration, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.Sort(l.d)
	n = len(l.d)
	if n == 0 {
		return
	}
	pct := func(p float64) time.Duration { return l.d[min(n-1, int(p*float64(n)))] }
	return pct(0.50), pct(0.95), pct(0.99), l.d[n-1], n
}

// frame is what the load test reads of a server frame; decoding only
// these fields keeps the simulated trainees cheap, leaving the machine's
// processors to the server.
type frame struct {
	Type string     `json:"type"`
	Ref  string     `json:"ref"`
	Code string     `json:"code"`
	Turn *turnFrame `json:"turn"`
	Run  *struct {
		ID string `json:"id"`
	} `json:"run"`
	Session *struct {
		ID   string `json:"id"`
		Code string `json:"code"`
	} `json:"session"`
	Event *struct {
		Type    string `json:"type"`
		State   string `json:"state"`
		Message string `json:"message"`
		Text    string `json:"text"`
		RunID   string `json:"run_id"`
	} `json:"event"`
}

type turnFrame struct {
	Client *clientFrame `json:"client"`
}

type clientFrame struct {
	Ended bool `json:"ended"`
}

// muxConn is a websocket whose replies (matched by ref) and events arrive
// on one reader goroutine, as in the browser.
type muxConn struct {
	conn    *websocket.Conn
	wmu     sync.Mutex
	mu      sync.Mutex
	n       int
	waiting map[string]chan *frame
	onEvent func(f *frame)
	closed  chan struct{}
}

func dialMux(ctx context.Context, base string, jar http.CookieJar, onEvent func(*frame)) (*muxConn, error) {
	u, _ := url.Parse(base)
	d := websocket.Dialer{HandshakeTimeout: 60 * time.Second, Jar: jar}
	conn, _, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", http.Header{"Origin": {u.Scheme + "://" + u.Host}})
	if err != nil {
		return nil, err
	}
	m := &muxConn{conn: conn, waiting: map[string]chan *frame{}, onEvent: onEvent, closed: make(chan struct{})}
	go m.read()
	return m, nil
}

func (m *muxConn) read() {
	defer close(m.closed)
	for {
		_, data, err := m.conn.ReadMessage()
		if err != nil {
			return
		}
		f := quickFrame(data)
		if f == nil {
			f = &frame{}
			if json.Unmarshal(data, f) != nil {
				continue
			}
		}
		if f.Ref != "" {
			m.mu.Lock()
			ch := m.waiting[f.Ref]
			delete(m.waiting, f.Ref)
			m.mu.Unlock()
			if ch != nil {
				ch <- f
			}
			continue
		}
		if m.onEvent != nil {
			m.onEvent(f)
		}
	}
}

// quickFrame reads a turn reply without decoding it: it is most of what
// the simulated trainees receive (a couple of kilobytes each, thousands a
// second), and the load test only needs its ref and whether the run ended.
// The server writes a reply's keys in sorted order, "ref" first, and
// "report" is null unless the run has ended. Anything else returns nil
// and is decoded in full.
func quickFrame(data []byte) *frame {
	const refKey, turnType = `{"ref":"`, `"type":"turn"}`
	if !bytes.HasPrefix(data, []byte(refKey)) || !bytes.HasSuffix(data, []byte(turnType)) {
		return nil
	}
	end := bytes.IndexByte(data[len(refKey):], '"')
	if end < 0 {
		return nil
	}
	f := &frame{Type: "turn", Ref: string(data[len(refKey) : len(refKey)+end])}
	if !bytes.Contains(data, []byte(`"report":null`)) {
		f.Turn = &turnFrame{Client: &clientFrame{Ended: true}}
	}
	return f
}

var errClosed = errors.New("the server closed the connection")

// call sends a message and waits for its reply.
func (m *muxConn) call(ctx context.Context, msg map[string]any) (*frame, error) {
	ch := make(chan *frame, 1)
	m.mu.Lock()
	m.n++
	ref := "l" + strconv.Itoa(m.n)
	m.waiting[ref] = ch
	m.mu.Unlock()
	msg["ref"] = ref
	m.wmu.Lock()
	m.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	err := m.conn.WriteJSON(msg)
	m.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	select {
	case f := <-ch:
		return f, nil
	case <-m.closed:
		return nil, errClosed
	case <-time.After(30 * time.Second):
		return nil, errors.New("no reply in 30 s")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *muxConn) Close() { m.conn.Close() }

// runGroups runs a group load test.
func runGroups(ctx context.Context, cfg Config) (Result, error) {
	traineeURL := strings.TrimRight(cfg.TraineeURL, "/")
	if traineeURL == "" {
		traineeURL = strings.TrimRight(cfg.URL, "/")
	}
	base := strings.TrimRight(cfg.URL, "/")
	n := cfg.Groups * cfg.GroupSize
	res := Result{Trainees: n, Groups: cfg.Groups, Errs: map[string]int{}}
	fmt.Fprintf(cfg.Log, "preparing %d trainers and %d trainees…\n", cfg.Groups, n)
	trainerJars, err := jars(ctx, base, cfg, cfg.Groups, "trainer")
	if err != nil {
		return res, err
	}
	traineeJars, err := jars(ctx, traineeURL, cfg, n, "trainee")
	if err != nil {
		return res, err
	}
	res.ServerBefore = serverStats(traineeURL)

	var mu sync.Mutex
	noteErr := func(kind string) {
		mu.Lock()
		res.Errs[kind]++
		mu.Unlock()
	}
	var turns, fanout latencies
	var sent, replies, paused, connected, events atomic.Int64

	// The trainers create their sessions.
	type group struct {
		id, code string
		trainer  *muxConn
	}
	groups := make([]group, cfg.Groups)
	for i := range groups {
		tc, err := dialMux(ctx, base, trainerJars[i], func(*frame) { events.Add(1) })
		if err != nil {
			return res, fmt.Errorf("trainer %d: %w", i, err)
		}
		defer tc.Close()
		r, err := tc.call(ctx, map[string]any{"type": "group_create", "scenario": cfg.Scenarios[i%len(cfg.Scenarios)], "kind": "play"})
		if err != nil || r.Type != "group" || r.Session == nil {
			return res, fmt.Errorf("trainer %d could not create a session: %v %v", i, err, r)
		}
		groups[i] = group{id: r.Session.ID, code: r.Session.Code, trainer: tc}
	}

	// The trainees join, spread over the ramp-up.
	fmt.Fprintf(cfg.Log, "%d sessions created; %d trainees joining over %s…\n", cfg.Groups, n, cfg.RampUp)
	type member struct {
		conn *muxConn
		run  chan string
	}
	members := make([]*member, n)
	var wg sync.WaitGroup
	for i := range members {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if cfg.RampUp > 0 {
				time.Sleep(time.Duration(i) * cfg.RampUp / time.Duration(n))
			}
			m := &member{run: make(chan string, 1)}
			c, err := dialMux(ctx, traineeURL, traineeJars[i], func(f *frame) {
				events.Add(1)
				ev := f.Event
				if f.Type != "group_event" || ev == nil {
					return
				}
				text := ev.Text
				if ev.Type == "pace" {
					text = ev.Message
					if ev.RunID != "" && ev.State == "running" {
						select {
						case m.run <- ev.RunID:
						default:
						}
					}
				}
				if ns, ok := strings.CutPrefix(text, stampPrefix); ok {
					if t, err := strconv.ParseInt(ns, 10, 64); err == nil {
						fanout.add(time.Since(time.Unix(0, t)))
					}
				}
			})
			if err != nil {
				noteErr("connect: " + err.Error())
				return
			}
			m.conn = c
			r, err := c.call(ctx, map[string]any{"type": "group_join", "code": groups[i%cfg.Groups].code})
			if err != nil || r.Type != "group" {
				noteErr(fmt.Sprintf("join: %v %v", err, r))
				return
			}
			connected.Add(1)
			members[i] = m
		}(i)
	}
	wg.Wait()
	fmt.Fprintf(cfg.Log, "%d trainees joined; the trainers start their sessions\n", connected.Load())
	for _, g := range groups {
		if r, err := g.trainer.call(ctx, map[string]any{"type": "group_pace", "session_id": g.id, "action": "start"}); err != nil || r.Type != "group_ack" {
			return res, fmt.Errorf("start %s: %v %v", g.id, err, r)
		}
	}

	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	stats := statsNearEnd(traineeURL, cfg.Duration)
	for i, m := range members {
		if m == nil {
			continue
		}
		wg.Add(1)
		go func(i int, m *member) {
			defer wg.Done()
			defer m.conn.Close()
			var run string
			select {
			case run = <-m.run:
			case <-time.After(30 * time.Second):
				noteErr("no start event in 30 s")
				return
			}
			rng := rand.New(rand.NewPCG(uint64(i), 11))
			scenario := cfg.Scenarios[(i%cfg.Groups)%len(cfg.Scenarios)]
			timer := time.NewTimer(time.Duration(rng.Int64N(int64(cfg.Interval))))
			defer timer.Stop()
			for k := 1; ; k++ {
				select {
				case <-runCtx.Done():
					return
				case <-timer.C:
				}
				timer.Reset(cfg.Interval)
				sent.Add(1)
				began := time.Now()
				r, err := m.conn.call(runCtx, map[string]any{"type": "say", "run_id": run, "turn_id": fmt.Sprintf("t_grp%05d%06d", i, k), "text": responses[rng.IntN(len(responses))]})
				if err != nil {
					if runCtx.Err() == nil {
						noteErr("websocket: " + err.Error())
					}
					return
				}
				ended := false
				switch r.Type {
				case "turn":
					replies.Add(1)
					turns.add(time.Since(began))
					ended = r.Turn != nil && r.Turn.Client != nil && r.Turn.Client.Ended
				case "error":
					switch r.Code {
					case "paused":
						paused.Add(1)
					case "run_ended":
						ended = true
					default:
						noteErr("error frame: " + r.Code)
					}
				}
				if ended {
					// The group run is over; the trainee goes on playing
					// solo, still in the session and hearing its events,
					// so the load stays a response every interval.
					s, err := m.conn.call(runCtx, map[string]any{"type": "start", "scenario": scenario, "mode": "free"})
					if err != nil || s.Type != "run" || s.Run == nil {
						if runCtx.Err() == nil {
							noteErr(fmt.Sprintf("restart: %v %v", err, s))
						}
						return
					}
					run = s.Run.ID
				}
			}
		}(i, m)
	}

	// The trainers broadcast and pause.
	for i, g := range groups {
		wg.Add(1)
		go func(i int, g group) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 13))
			timer := time.NewTimer(time.Duration(rng.Int64N(int64(cfg.BroadcastEvery))))
			defer timer.Stop()
			for k := 0; ; k++ {
				select {
				case <-runCtx.Done():
					return
				case <-timer.C:
				}
				timer.Reset(cfg.BroadcastEvery)
				stamp := stampPrefix + strconv.FormatInt(time.Now().UnixNano(), 10)
				msg := map[string]any{"type": "group_broadcast", "session_id": g.id, "text": stamp}
				if k%4 == 3 {
					msg = map[string]any{"type": "group_pace", "session_id": g.id, "action": "pause", "message": stamp}
				}
				r, err := g.trainer.call(runCtx, msg)
				if err != nil || r.Type != "group_ack" {
					if runCtx.Err() == nil {
						noteErr(fmt.Sprintf("trainer %v: %v %v", msg["type"], err, r))
					}
					return
				}
				if k%4 == 3 {
					select {
					case <-runCtx.Done():
					case <-time.After(time.Second):
					}
					if r, err := g.trainer.call(context.Background(), map[string]any{"type": "group_pace", "session_id": g.id, "action": "resume"}); err != nil || r.Type != "group_ack" {
						noteErr(fmt.Sprintf("trainer resume: %v %v", err, r))
					}
				}
			}
		}(i, g)
	}
	<-runCtx.Done()
	res.Server = <-stats
	wg.Wait()
	res.Duration = time.Since(start)
	res.Connected, res.Sent, res.Replies, res.Paused, res.Events = int(connected.Load()), sent.Load(), replies.Load(), paused.Load(), events.Load()
	for _, k := range res.Errs {
		res.Errors += int64(k)
	}
	res.P50, res.P95, res.P99, res.Max, _ = turns.percentiles()
	res.FanoutP50, res.FanoutP95, res.FanoutP99, res.FanoutMax, res.FanoutN = fanout.percentiles()
	return res, nil
}
