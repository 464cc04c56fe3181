package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/gorilla/websocket"

	"oasis/content"
	"oasis/engine/course"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/engine/store"
	"oasis/engine/store/storetest"
	"oasis/scenarios"
	"oasis/web"
)

var (
	shared struct {
		once   sync.Once
		lib    *scenario.Library
		scorer *score.Scorer
		err    error
	}
)

func engine(t testing.TB) (*scenario.Library, *score.Scorer) {
	t.Helper()
	shared.once.Do(func() {
		shared.lib, shared.err = scenarios.Load()
		if shared.err == nil {
			shared.scorer, shared.err = score.Load(content.Scoring())
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.lib, shared.scorer
}

// testServer is a real server on a real SQLite file (or the given DSN).
type testServer struct {
	t     *testing.T
	dsn   string
	store *store.Store
	srv   *web.Server
	http  *httptest.Server
	// skew moves the server's and the store's clock forward (nanoseconds).
	skew atomic.Int64
}

func newServer(t *testing.T, dsn string) *testServer {
	t.Helper()
	lib, scorer := engine(t)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, dsn: dsn, store: st}
	st.SetClock(ts.now)
	ts.srv = web.New(web.Config{Store: st, Library: lib, Courses: testCourses(t, lib), Scorer: scorer, Log: log.New(io.Discard), Now: ts.now})
	ts.http = httptest.NewServer(ts.srv.Handler())
	t.Cleanup(ts.close)
	return ts
}

// now is the test server's clock: the real time moved forward by skew.
func (ts *testServer) now() time.Time { return time.Now().Add(time.Duration(ts.skew.Load())) }

// advance moves the test server's clock forward.
func (ts *testServer) advance(d time.Duration) { ts.skew.Add(int64(d)) }

// testCourses are the bundled courses and the short test course.
func testCourses(t testing.TB, lib *scenario.Library) *course.Catalog {
	t.Helper()
	bundled, err := course.Load(content.Courses(), lib)
	if err != nil {
		t.Fatal(err)
	}
	short, err := course.LoadPaths(lib, "../content/courses/testdata")
	if err != nil {
		t.Fatal(err)
	}
	all, err := course.Merge(bundled, short)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func (ts *testServer) close() {
	ts.srv.Shutdown(context.Background())
	ts.http.Close()
	ts.store.Close()
}

// client is a browser: a cookie jar and the server's origin.
type client struct {
	t    *testing.T
	ts   *testServer
	http *http.Client
}

func (ts *testServer) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: ts.t, ts: ts, http: &http.Client{Jar: jar}}
}

func (c *client) do(method, path string, body any, hdr ...string) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.ts.http.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// admin sets the server up and returns the admin's client.
func (ts *testServer) admin() *client {
	ts.t.Helper()
	token, err := ts.store.NewSetupToken(context.Background())
	if err != nil || token == "" {
		ts.t.Fatalf("setup token: %q %v", token, err)
	}
	c := ts.client()
	status, out := c.do("POST", "/api/setup", map[string]string{"token": token, "organisation": "Eastside", "name": "Ana", "email": "ana@example.org", "password": "correct horse battery"})
	if status != http.StatusCreated {
		ts.t.Fatalf("setup: %d %v", status, out)
	}
	return c
}

// invite has the admin invite someone, who signs up.
func (c *client) invite(role, email string) *client {
	c.t.Helper()
	status, out := c.do("POST", "/api/invites", map[string]string{"role": role})
	if status != http.StatusCreated {
		c.t.Fatalf("invite: %d %v", status, out)
	}
	inv := out["invite"].(map[string]any)
	nc := c.ts.client()
	status, out = nc.do("POST", "/api/signup", map[string]string{"invite": inv["token"].(string), "name": email, "email": email, "password": "a long enough password"})
	if status != http.StatusCreated {
		c.t.Fatalf("signup: %d %v", status, out)
	}
	return nc
}

// ws opens the client's websocket.
func (c *client) ws() *wsClient {
	c.t.Helper()
	u := "ws" + strings.TrimPrefix(c.ts.http.URL, "http") + "/ws"
	h := http.Header{"Origin": {c.ts.http.URL}}
	cu, _ := url.Parse(c.ts.http.URL)
	for _, ck := range c.http.Jar.Cookies(cu) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.t.Fatalf("dial: %v (status %d)", err, status)
	}
	w := &wsClient{t: c.t, conn: conn}
	c.t.Cleanup(func() { conn.Close() })
	return w
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	n    int
}

// call sends a message and returns the reply.
func (w *wsClient) call(msg map[string]any) map[string]any {
	w.t.Helper()
	w.n++
	msg["ref"] = "m" + itoa(w.n)
	if err := w.conn.WriteJSON(msg); err != nil {
		w.t.Fatal(err)
	}
	return w.read()
}

func (w *wsClient) read() map[string]any {
	w.t.Helper()
	w.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var out map[string]any
	if err := w.conn.ReadJSON(&out); err != nil {
		w.t.Fatalf("read: %v", err)
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestHealthAndPages(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	for path, want := range map[string]int{"/healthz": 200, "/": 200, "/setup": 200, "/join": 200, "/static/app.js": 200, "/api/nope": 404, "/api/me": 401} {
		resp, err := http.Get(ts.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s lacks the security headers", path)
		}
	}
}

func TestAccounts(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	anon := ts.client()
	if status, out := anon.do("POST", "/api/setup", map[string]string{"token": "st_wrong", "organisation": "X", "name": "X", "email": "x@example.org", "password": "long enough pass"}); status != 404 {
		t.Errorf("setup with a wrong token: %d %v", status, out)
	}
	admin := ts.admin()
	status, out := admin.do("GET", "/api/me", nil)
	me := out["user"].(map[string]any)
	if status != 200 || me["role"] != "admin" || me["organisation"].(map[string]any)["name"] != "Eastside" {
		t.Fatalf("me: %d %v", status, out)
	}
	if _, ok := me["password_hash"]; ok {
		t.Error("the password hash is sent to the browser")
	}
	trainee := admin.invite("trainee", "sam@example.org")
	if status, out := trainee.do("POST", "/api/invites", map[string]string{"role": "admin"}); status != 403 {
		t.Errorf("a trainee invites an admin: %d %v", status, out)
	}
	cases := []struct {
		name string
		body map[string]string
		code int
	}{
		{"short password", map[string]string{"invite": "x", "name": "A", "email": "a@example.org", "password": "short"}, 400},
		{"bad email", map[string]string{"invite": "x", "name": "A", "email": "not-an-email", "password": "long enough pass"}, 400},
		{"bad invite", map[string]string{"invite": "inv_nope", "name": "A", "email": "a@example.org", "password": "long enough pass"}, 404},
	}
	for _, c := range cases {
		if status, out := anon.do("POST", "/api/signup", c.body); status != c.code {
			t.Errorf("%s: %d %v, want %d", c.name, status, out, c.code)
		}
	}
	fresh := ts.client()
	if status, _ := fresh.do("POST", "/api/login", map[string]string{"email": "sam@example.org", "password": "wrong password!"}); status != 401 {
		t.Errorf("wrong password: %d", status)
	}
	if status, out := fresh.do("POST", "/api/login", map[string]string{"email": "SAM@example.org ", "password": "a long enough password"}); status != 200 {
		t.Errorf("sign in: %d %v", status, out)
	}
	if status, _ := fresh.do("POST", "/api/logout", nil); status != 204 {
		t.Errorf("sign out: %d", status)
	}
	if status, _ := fresh.do("GET", "/api/me", nil); status != 401 {
		t.Errorf("after sign-out: %d", status)
	}
}

func TestLoginRateLimit(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	ts.admin()
	c := ts.client()
	limited := false
	for i := 0; i < 12; i++ {
		status, out := c.do("POST", "/api/login", map[string]string{"email": "ana@example.org", "password": "guess number " + itoa(i)})
		if status == 429 {
			limited = true
			if errCode(out) != "rate_limited" {
				t.Errorf("429 with code %q", errCode(out))
			}
			break
		}
	}
	if !limited {
		t.Error("12 wrong passwords in a row were all tried")
	}
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	ts.admin()
	c := ts.client()
	if status, _ := c.do("POST", "/api/login", map[string]string{"email": "ana@example.org", "password": "correct horse battery"}, "Origin", "https://evil.example"); status != 403 {
		t.Errorf("sign-in from another site: %d", status)
	}
	req, _ := http.NewRequest("POST", ts.http.URL+"/api/login", strings.NewReader("email=ana@example.org&password=correct+horse+battery"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Errorf("a form post: %d, want 415", resp.StatusCode)
	}
	big := map[string]string{"email": strings.Repeat("x", 70<<10), "password": "x"}
	if status, _ := c.do("POST", "/api/login", big); status != 413 {
		t.Errorf("a huge body: %d, want 413", status)
	}
}

func TestWebsocketOriginAndAuth(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	u := "ws" + strings.TrimPrefix(ts.http.URL, "http") + "/ws"
	cu, _ := url.Parse(ts.http.URL)
	cookie := ""
	for _, ck := range admin.http.Jar.Cookies(cu) {
		cookie = ck.Name + "=" + ck.Value
	}
	_, resp, err := websocket.DefaultDialer.Dial(u, http.Header{"Origin": {"https://evil.example"}, "Cookie": {cookie}})
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("a foreign origin was not refused: %v", err)
	}
	_, resp, err = websocket.DefaultDialer.Dial(u, http.Header{"Origin": {ts.http.URL}})
	if err == nil || resp == nil || resp.StatusCode != 401 {
		t.Errorf("a connection without a session was not refused: %v", err)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func (ts *testServer) storeUser() store.User {
	return store.User{Email: "x@example.org", Name: "X", PasswordHash: "h"}
}

// secondOrg creates another organisation directly in the store (a server
// sets up one organisation through its setup link; more are created by
// operators) and signs its admin in.
func secondOrg(t *testing.T, ts *testServer) *client {
	t.Helper()
	ctx := context.Background()
	u, err := ts.store.CreateOrganization(ctx, "Northside", store.User{Email: "olga@example.org", Name: "Olga", PasswordHash: web.HashPassword("another long password")})
	if err != nil {
		t.Fatal(err)
	}
	c := ts.client()
	if status, out := c.do("POST", "/api/login", map[string]string{"email": u.Email, "password": "another long password"}); status != 200 {
		t.Fatalf("sign in: %d %v", status, out)
	}
	return c
}
