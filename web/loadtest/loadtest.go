// Package loadtest simulates trainees against a running Oasis server over
// real websockets: each signs in, starts a role play and sends a response
// every interval, and the round trip from sending a response to receiving
// the client's reply (with its feedback) is measured.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Config is a load test.
type Config struct {
	URL      string // the server, e.g. http://127.0.0.1:8080
	Trainees int
	Duration time.Duration
	Interval time.Duration // between one trainee's responses
	RampUp   time.Duration // trainees connect evenly over this time
	// Sessions returns a signed-in session token for each of n accounts
	// with the role ("trainee" or "trainer"); the command creates them
	// straight in the server's database, so that preparing thousands of
	// accounts neither waits on password hashing nor trips the server's
	// sign-in rate limits.
	Sessions  func(ctx context.Context, n int, role string) ([]string, error)
	Scenarios []string
	Log       io.Writer

	// Group mode, when Groups > 0: Groups sessions of GroupSize trainees
	// each (Trainees is then Groups × GroupSize). Trainers connect to URL
	// and trainees to TraineeURL (default URL): two instances on one
	// PostgreSQL measure the cross-instance fan-out.
	Groups         int
	GroupSize      int
	TraineeURL     string
	BroadcastEvery time.Duration // each trainer's broadcast or pause
}

// Result is what a load test measured.
type Result struct {
	Trainees  int
	Connected int
	Sent      int64
	Replies   int64
	Errors    int64
	Errs      map[string]int
	P50, P95  time.Duration
	P99, Max  time.Duration
	Duration  time.Duration
	Server    map[string]any // from /debug/stats, when the server is local

	// Group mode.
	Groups               int
	Paused               int64 // responses refused while a session was paused (expected)
	Events               int64 // frames received that were not replies
	FanoutP50, FanoutP95 time.Duration
	FanoutP99, FanoutMax time.Duration
	FanoutN              int
	ServerBefore         map[string]any // /debug/stats before anyone connected
}

const password = "loadtest-password-1"

var responses = []string{
	"What has helped you get through weeks like this before?",
	"It sounds like the last few weeks have been exhausting.",
	"Who in your life is on your side right now?",
	"You kept going even when nobody showed up for you. That took real persistence.",
	"What would you like to be different a month from now?",
	"Tell me more about the work you used to do.",
	"When were things going better for you, and what were you doing then?",
	"It's your call where we start today.",
	"What do you enjoy doing when you have a free afternoon?",
	"So you want your own place, somewhere your daughter can visit.",
}

// Run runs a load test.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Interval == 0 {
		cfg.Interval = 2 * time.Second
	}
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = []string{"engagement-marcus", "assessment-rosa", "planning-dev", "disengagement-tomas"}
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Groups > 0 {
		if cfg.GroupSize <= 0 {
			return Result{}, errors.New("a group load test needs a group size of at least 1")
		}
		if cfg.BroadcastEvery <= 0 {
			cfg.BroadcastEvery = 5 * time.Second
		}
		return runGroups(ctx, cfg)
	}
	base := strings.TrimRight(cfg.URL, "/")
	res := Result{Trainees: cfg.Trainees, Errs: map[string]int{}}
	fmt.Fprintf(cfg.Log, "preparing %d trainee accounts…\n", cfg.Trainees)
	res.ServerBefore = serverStats(base)
	jars, err := jars(ctx, base, cfg, cfg.Trainees, "trainee")
	if err != nil {
		return res, err
	}
	var mu sync.Mutex
	var rtts []time.Duration
	var sent, replies, errs, connected atomic.Int64
	errKinds := map[string]int{}
	noteErr := func(kind string) {
		errs.Add(1)
		mu.Lock()
		errKinds[kind]++
		mu.Unlock()
	}
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	fmt.Fprintf(cfg.Log, "connecting %d trainees over %s, then a response every %s each, for %s…\n", cfg.Trainees, cfg.RampUp, cfg.Interval, cfg.Duration)
	for i, jar := range jars {
		wg.Add(1)
		go func(i int, jar http.CookieJar) {
			defer wg.Done()
			if cfg.RampUp > 0 {
				select {
				case <-time.After(time.Duration(i) * cfg.RampUp / time.Duration(len(jars))):
				case <-runCtx.Done():
					return
				}
			}
			t := &trainee{base: base, jar: jar, scenario: cfg.Scenarios[i%len(cfg.Scenarios)], rng: rand.New(rand.NewPCG(uint64(i), 7))}
			if err := t.connect(runCtx); err != nil {
				if runCtx.Err() == nil {
					noteErr("connect: " + err.Error())
				}
				return
			}
			connected.Add(1)
			defer t.conn.Close()
			t.loop(runCtx, cfg.Interval, func(d time.Duration) {
				replies.Add(1)
				mu.Lock()
				rtts = append(rtts, d)
				mu.Unlock()
			}, func() { sent.Add(1) }, noteErr)
		}(i, jar)
	}
	stats := statsNearEnd(base, cfg.Duration)
	<-runCtx.Done()
	res.Server = <-stats
	wg.Wait()
	res.Duration = time.Since(start)
	res.Connected, res.Sent, res.Replies, res.Errors, res.Errs = int(connected.Load()), sent.Load(), replies.Load(), errs.Load(), errKinds
	slices.Sort(rtts)
	pct := func(p float64) time.Duration {
		if len(rtts) == 0 {
			return 0
		}
		return rtts[min(len(rtts)-1, int(p*float64(len(rtts))))]
	}
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	if len(rtts) > 0 {
		res.Max = rtts[len(rtts)-1]
	}
	return res, nil
}

// trainee is one simulated trainee.
type trainee struct {
	base     string
	jar      http.CookieJar
	scenario string
	conn     *websocket.Conn
	rng      *rand.Rand
	run      string
	seq      int
}

func (t *trainee) connect(ctx context.Context) error {
	u, _ := url.Parse(t.base)
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, Jar: t.jar}
	wsURL := "ws" + strings.TrimPrefix(t.base, "http") + "/ws"
	conn, _, err := d.DialContext(ctx, wsURL, http.Header{"Origin": {u.Scheme + "://" + u.Host}})
	if err != nil {
		return err
	}
	t.conn = conn
	return t.start()
}

func (t *trainee) start() error {
	reply, err := t.call(map[string]any{"type": "start", "scenario": t.scenario, "mode": "free"})
	if err != nil {
		return err
	}
	if reply["type"] != "run" {
		return fmt.Errorf("start: %v", reply["code"])
	}
	t.run = reply["run"].(map[string]any)["id"].(string)
	return nil
}

func (t *trainee) call(msg map[string]any) (map[string]any, error) {
	t.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if err := t.conn.WriteJSON(msg); err != nil {
		return nil, err
	}
	t.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	var out map[string]any
	err := t.conn.ReadJSON(&out)
	return out, err
}

func (t *trainee) loop(ctx context.Context, every time.Duration, ok func(time.Duration), sent func(), fail func(string)) {
	// Spread the trainees' responses over the interval.
	timer := time.NewTimer(time.Duration(t.rng.Int64N(int64(every))))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		timer.Reset(every)
		t.seq++
		msg := map[string]any{"type": "say", "run_id": t.run, "turn_id": fmt.Sprintf("t_load%010d%04d", t.rng.Uint32(), t.seq), "text": responses[t.rng.IntN(len(responses))]}
		sent()
		began := time.Now()
		reply, err := t.call(msg)
		if err != nil {
			if ctx.Err() == nil {
				fail("websocket: " + err.Error())
			}
			return
		}
		switch reply["type"] {
		case "turn":
			ok(time.Since(began))
			if turn, _ := reply["turn"].(map[string]any); turn != nil {
				if c, _ := turn["client"].(map[string]any); c != nil && c["ended"] == true {
					if err := t.start(); err != nil {
						fail("restart: " + err.Error())
						return
					}
				}
			}
		case "error":
			code, _ := reply["code"].(string)
			if code == "run_ended" {
				t.start()
				continue
			}
			fail("error frame: " + code)
		default:
			fail(fmt.Sprintf("unexpected %v", reply["type"]))
		}
	}
}

// jars gives each of n accounts with the role a cookie jar holding its
// session.
func jars(ctx context.Context, base string, cfg Config, n int, role string) ([]http.CookieJar, error) {
	if cfg.Sessions == nil {
		return nil, errors.New("no way to sign the trainees in")
	}
	tokens, err := cfg.Sessions(ctx, n, role)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	jars := make([]http.CookieJar, len(tokens))
	for i, tok := range tokens {
		jar, _ := cookiejar.New(nil)
		jar.SetCookies(u, []*http.Cookie{{Name: "oasis_session", Value: tok, Path: "/"}})
		jars[i] = jar
	}
	return jars, nil
}

// statsNearEnd reads the server's statistics nine tenths of the way
// through the run, while every trainee is still connected.
func statsNearEnd(base string, d time.Duration) <-chan map[string]any {
	ch := make(chan map[string]any, 1)
	time.AfterFunc(d*9/10, func() { ch <- serverStats(base) })
	return ch
}

func serverStats(base string) map[string]any {
	resp, err := http.Get(base + "/debug/stats")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var out map[string]any
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return nil
	}
	return out
}

// Write prints a result for a person.
func (r Result) Write(w io.Writer) {
	fmt.Fprintf(w, "trainees %d (connected %d), %s\n", r.Trainees, r.Connected, r.Duration.Round(time.Second))
	fmt.Fprintf(w, "responses sent %d, replies %d, errors %d\n", r.Sent, r.Replies, r.Errors)
	for k, n := range r.Errs {
		fmt.Fprintf(w, "  %d × %s\n", n, k)
	}
	round := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	fmt.Fprintf(w, "round trip (response sent -> client line and feedback received): p50 %s  p95 %s  p99 %s  max %s\n",
		round(r.P50), round(r.P95), round(r.P99), round(r.Max))
	if r.Groups > 0 {
		fmt.Fprintf(w, "group sessions %d; responses refused while paused %d (expected); events received %d\n", r.Groups, r.Paused, r.Events)
		fmt.Fprintf(w, "fan-out (trainer's broadcast or pause sent -> each trainee's event received), %d deliveries: p50 %s  p95 %s  p99 %s  max %s\n",
			r.FanoutN, round(r.FanoutP50), round(r.FanoutP95), round(r.FanoutP99), round(r.FanoutMax))
	}
	if r.Server != nil {
		num := func(m map[string]any, k string) float64 { v, _ := m[k].(float64); return v }
		mb := func(k string) float64 { return num(r.Server, k) / (1 << 20) }
		fmt.Fprintf(w, "server: resident memory %.0f MB (Go heap %.0f MB, goroutine stacks %.0f MB, from the OS %.0f MB), websockets %v, goroutines %v, live runs %v\n",
			mb("rss_bytes"), mb("heap_alloc_bytes"), mb("stack_inuse_bytes"), mb("sys_bytes"), r.Server["websockets"], r.Server["goroutines"], r.Server["live_runs"])
		if f, ok := r.Server["group_fanout"].(map[string]any); ok && num(f, "count") > 0 {
			fmt.Fprintf(w, "server side of the fan-out (event recorded -> written to each trainee's socket), %.0f writes: p50 %.1fms  p95 %.1fms  p99 %.1fms  max %.1fms\n",
				num(f, "count"), num(f, "p50_ms"), num(f, "p95_ms"), num(f, "p99_ms"), num(f, "max_ms"))
		}
		if writes, commits := num(r.Server, "batched_writes"), num(r.Server, "batch_commits"); commits > 0 {
			fmt.Fprintf(w, "server: %.0f turns and answers committed in %.0f transactions (%.1f per commit)\n", writes, commits, writes/commits)
		}
		if r.ServerBefore != nil && num(r.Server, "websockets") > 0 {
			per := (num(r.Server, "rss_bytes") - num(r.ServerBefore, "rss_bytes")) / num(r.Server, "websockets")
			fmt.Fprintf(w, "server memory per connection: %.1f KB (resident memory %.0f MB before anyone connected)\n", per/1024, num(r.ServerBefore, "rss_bytes")/(1<<20))
		}
	}
}
