package web_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"oasis/engine/store/storetest"
)

// waitEvent reads frames until an event of the given type arrives.
func (w *wsClient) waitEvent(kind string) map[string]any {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f := w.read()
		if f["type"] == "group_event" {
			if ev := f["event"].(map[string]any); ev["type"] == kind {
				return ev
			}
		}
	}
	w.t.Fatalf("no %s event", kind)
	return nil
}

// callSkipping sends a message and returns its reply, skipping group
// events that arrive meanwhile.
func (w *wsClient) callSkipping(msg map[string]any) map[string]any {
	w.t.Helper()
	w.n++
	ref := "m" + itoa(w.n)
	msg["ref"] = ref
	if err := w.conn.WriteJSON(msg); err != nil {
		w.t.Fatal(err)
	}
	for {
		f := w.read()
		if f["ref"] == ref {
			return f
		}
	}
}

// progressOf returns the progress of each member in a progress event.
func progressOf(ev map[string]any) []map[string]any {
	var out []map[string]any
	for _, m := range ev["members"].([]any) {
		out = append(out, m.(map[string]any)["progress"].(map[string]any))
	}
	return out
}

func session(t *testing.T, reply map[string]any) map[string]any {
	t.Helper()
	if reply["type"] != "group" {
		t.Fatalf("want a group snapshot, got %v", reply)
	}
	return reply["session"].(map[string]any)
}

func TestGroupPlaySession(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	trainer := admin.invite("trainer", "tess@example.org")
	sam := admin.invite("trainee", "sam@example.org")
	kim := admin.invite("trainee", "kim@example.org")

	if e := sam.ws().callSkipping(map[string]any{"type": "group_create", "scenario": "engagement-marcus"}); e["code"] != "forbidden" {
		t.Errorf("a trainee created a session: %v", e)
	}
	tw := trainer.ws()
	g := session(t, tw.callSkipping(map[string]any{"type": "group_create", "scenario": "engagement-marcus", "kind": "play"}))
	id, code := g["id"].(string), g["code"].(string)
	if len(code) != 8 || !strings.HasSuffix(g["link"].(string), "/join/"+code) || g["you"].(map[string]any)["role"] != "trainer" {
		t.Fatalf("session %v", g)
	}
	if e := sam.ws().callSkipping(map[string]any{"type": "group_join", "code": "ZZZZZZZZ"}); e["code"] != "not_found" {
		t.Errorf("a wrong code: %v", e)
	}
	sw, kw := sam.ws(), kim.ws()
	sg := session(t, sw.callSkipping(map[string]any{"type": "group_join", "code": strings.ToLower(code)}))
	if sg["you"].(map[string]any)["role"] != "trainee" || sg["state"] != "lobby" {
		t.Fatalf("sam's snapshot %v", sg)
	}
	if ev := tw.waitEvent("joined"); ev["member"].(map[string]any)["name"] != "sam@example.org" {
		t.Errorf("joined event %v", ev)
	}
	session(t, kw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	tw.waitEvent("joined")

	// Before the start, input is refused.
	if e := sw.callSkipping(map[string]any{"type": "group_broadcast", "session_id": id, "text": "hi"}); e["code"] != "forbidden" {
		t.Errorf("a trainee broadcast: %v", e)
	}
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "start"})
	ev := sw.waitEvent("pace")
	run, _ := ev["run_id"].(string)
	if ev["state"] != "running" || run == "" {
		t.Fatalf("start event for sam: %v", ev)
	}
	kimRun := kw.waitEvent("pace")["run_id"].(string)
	turn := sw.callSkipping(map[string]any{"type": "say", "run_id": run, "turn_id": "t_group0001", "text": "What would make today worth your time, Marcus?"})
	if turnN(turn) != 1 {
		t.Fatalf("sam's turn: %v", turn)
	}
	if p := progressOf(tw.waitEvent("progress")); len(p) != 1 || p[0]["turns"].(float64) != 1 {
		t.Errorf("progress %v", p)
	}
	// Pause freezes everyone's input with the trainer's message.
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "pause", "message": "Let's talk about that."})
	if ev := kw.waitEvent("pace"); ev["state"] != "paused" || ev["message"] != "Let's talk about that." {
		t.Errorf("pause event %v", ev)
	}
	if e := kw.callSkipping(map[string]any{"type": "say", "run_id": kimRun, "turn_id": "t_group0002", "text": "What do you enjoy?"}); e["code"] != "paused" || !strings.Contains(e["message"].(string), "Let's talk about that.") {
		t.Errorf("a turn while paused: %v", e)
	}
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "resume"})
	kw.waitEvent("pace")
	if turn := kw.callSkipping(map[string]any{"type": "say", "run_id": kimRun, "turn_id": "t_group0002", "text": "What do you enjoy?"}); turnN(turn) != 1 {
		t.Errorf("kim's turn after resume: %v", turn)
	}
	// Broadcasts reach everyone; long ones are refused.
	tw.callSkipping(map[string]any{"type": "group_broadcast", "session_id": id, "text": "Five more minutes."})
	for _, w := range []*wsClient{sw, kw} {
		if ev := w.waitEvent("broadcast"); ev["text"] != "Five more minutes." {
			t.Errorf("broadcast %v", ev)
		}
	}
	// The server measures how long broadcasts take to reach the sockets.
	if _, st := admin.do("GET", "/debug/stats", nil); st["group_fanout"].(map[string]any)["count"].(float64) < 2 {
		t.Errorf("fan-out not measured: %v", st["group_fanout"])
	}
	if e := tw.callSkipping(map[string]any{"type": "group_broadcast", "session_id": id, "text": strings.Repeat("x", 281)}); e["code"] != "bad_request" {
		t.Errorf("a long broadcast: %v", e)
	}
	// A trainee who reconnects is put back where they were.
	sw.conn.Close()
	sw2 := sam.ws()
	back := session(t, sw2.callSkipping(map[string]any{"type": "group_resume", "session_id": id}))
	if back["you"].(map[string]any)["run_id"] != run || back["state"] != "running" {
		t.Errorf("after reconnecting: %v", back)
	}
	// The end brings the debrief; exports are the trainer's alone.
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "end"})
	sw2.waitEvent("pace")
	final := session(t, tw.callSkipping(map[string]any{"type": "group_resume", "session_id": id}))
	d := final["debrief"].(map[string]any)
	if len(d["scores"].([]any)) != 2 || len(d["beats"].([]any)) == 0 {
		t.Errorf("debrief %v", d)
	}
	if e := sw2.callSkipping(map[string]any{"type": "say", "run_id": run, "turn_id": "t_group0003", "text": "One more?"}); e["code"] != "run_ended" {
		t.Errorf("a turn after the end: %v", e)
	}
	resp := get(t, trainer, "/api/groups/"+id+"/results.csv")
	if resp.status != 200 || !strings.HasPrefix(resp.body, "member,guest,status") || !strings.Contains(resp.body, "sam@example.org") {
		t.Errorf("results.csv: %d %s", resp.status, resp.body)
	}
	if resp := get(t, sam, "/api/groups/"+id+"/results.csv"); resp.status != 403 {
		t.Errorf("a trainee exports results: %d", resp.status)
	}
	if status, out := trainer.do("GET", "/api/groups", nil); status != 200 || !strings.Contains(mustJSON(out), id) {
		t.Errorf("trainer's groups: %d %v", status, out)
	}
}

type httpResp struct {
	status int
	body   string
}

func get(t *testing.T, c *client, path string) httpResp {
	t.Helper()
	resp, err := c.http.Get(c.ts.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return httpResp{resp.StatusCode, string(b)}
}

func TestGroupAnonymityGuestsAndBeginnerMode(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	tw := admin.ws()
	g := session(t, tw.callSkipping(map[string]any{"type": "group_create", "scenario": "planning-dev", "anonymous": true, "beginner_only": true}))
	id, code := g["id"].(string), g["code"].(string)
	sam := admin.invite("trainee", "sam@example.org")
	sw := sam.ws()
	session(t, sw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	// A guest joins with a name only.
	guest := ts.client()
	if status, out := guest.do("POST", "/api/groups/join", map[string]string{"code": code, "name": "Jo"}); status != 200 {
		t.Fatalf("guest join: %d %v", status, out)
	}
	gw := guest.ws()
	gs := session(t, gw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	names := mustJSON(gs["members"])
	if strings.Contains(names, "sam@example.org") {
		t.Errorf("a trainee sees another's name in an anonymous session: %s", names)
	}
	tg := session(t, tw.callSkipping(map[string]any{"type": "group_resume", "session_id": id}))
	tnames := mustJSON(tg["members"])
	if strings.Contains(tnames, "sam@example.org") || strings.Contains(tnames, "Jo") || !strings.Contains(tnames, "Trainee 1") {
		t.Errorf("the trainer's anonymous view shows names: %s", tnames)
	}
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "start"})
	run := gw.waitEvent("pace")["run_id"].(string)
	if e := gw.callSkipping(map[string]any{"type": "say", "run_id": run, "turn_id": "t_guest0001", "text": "What do you want the plan to say?"}); e["code"] != "bad_request" {
		t.Errorf("free text in a beginner-only session: %v", e)
	}
	if turn := gw.callSkipping(map[string]any{"type": "choose", "run_id": run, "turn_id": "t_guest0002", "option": 1}); turnN(turn) != 1 {
		t.Errorf("a guest's choice: %v", turn)
	}
	// Guests are not members of the organisation.
	if _, out := admin.do("GET", "/api/members", nil); strings.Contains(mustJSON(out), "Jo") {
		t.Errorf("a guest is listed as a member: %v", out)
	}
	// Guests reach nothing but their session.
	if status, _ := guest.do("GET", "/api/scenarios", nil); status != 403 {
		t.Errorf("a guest lists the library: %d", status)
	}
	if e := gw.callSkipping(map[string]any{"type": "start", "scenario": "planning-dev"}); e["code"] != "forbidden" {
		t.Errorf("a guest started a run of their own: %v", e)
	}
	other := session(t, tw.callSkipping(map[string]any{"type": "group_create", "scenario": "planning-dev"}))
	if e := gw.callSkipping(map[string]any{"type": "group_join", "code": other["code"]}); e["code"] != "forbidden" {
		t.Errorf("a guest joined a second session: %v", e)
	}
}

func TestGroupJoinRateLimitAndOtherOrganisations(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	g := session(t, admin.ws().callSkipping(map[string]any{"type": "group_create", "scenario": "planning-dev"}))
	other := secondOrg(t, ts)
	if e := other.ws().callSkipping(map[string]any{"type": "group_join", "code": g["code"]}); e["code"] != "not_found" {
		t.Errorf("another organisation's admin joined: %v", e)
	}
	if e := other.ws().callSkipping(map[string]any{"type": "group_resume", "session_id": g["id"]}); e["code"] != "not_found" {
		t.Errorf("another organisation's admin read the session: %v", e)
	}
	c := ts.client()
	limited := false
	for i := 0; i < 25; i++ {
		status, _ := c.do("POST", "/api/groups/join", map[string]string{"code": fmt.Sprintf("AAAA%04d", i), "name": "x"})
		if status == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("25 guesses at a join code were all tried")
	}
}

func TestStaffingBoard(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	tw := admin.ws()
	if e := tw.callSkipping(map[string]any{"type": "group_create", "scenario": "planning-dev", "kind": "staffing"}); e["code"] != "bad_request" {
		t.Errorf("a staffing board for a role play: %v", e)
	}
	g := session(t, tw.callSkipping(map[string]any{"type": "group_create", "scenario": "case-roadmap", "kind": "staffing"}))
	id, code := g["id"].(string), g["code"].(string)
	sam, kim := admin.invite("trainee", "sam@example.org"), admin.invite("trainee", "kim@example.org")
	sw, kw := sam.ws(), kim.ws()
	sg := session(t, sw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	if sg["board"] == nil || sg["case"] == nil {
		t.Fatalf("no board or case in %v", sg)
	}
	session(t, kw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	if e := sw.callSkipping(map[string]any{"type": "card_post", "session_id": id, "card_id": "c_000000000001", "column": "strengths", "text": "Carpenter"}); e["code"] != "not_started" {
		t.Errorf("a card before the start: %v", e)
	}
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "start"})
	kw.waitEvent("pace")
	good := sw.callSkipping(map[string]any{"type": "card_post", "session_id": id, "card_id": "c_000000000001", "column": "strengths", "text": "Fifteen years as a finish carpenter; his old foreman still calls."})
	if good["type"] != "card" || good["card"].(map[string]any)["flag"] != nil {
		t.Errorf("a strengths card: %v", good)
	}
	if ev := kw.waitEvent("card"); ev["card"].(map[string]any)["text"] == nil || ev["card"].(map[string]any)["mine"] != false {
		t.Errorf("kim sees sam's card as %v", ev)
	}
	bad := kw.callSkipping(map[string]any{"type": "card_post", "session_id": id, "card_id": "c_000000000002", "column": "facts", "text": "He's in denial about his deficits and non-compliant with rehab."})
	flag, _ := bad["card"].(map[string]any)["flag"].(map[string]any)
	if flag == nil || flag["tip"] == "" {
		t.Errorf("a deficit card is not flagged to its author: %v", bad)
	}
	if ev := sw.waitEvent("card"); ev["card"].(map[string]any)["flag"] != nil {
		t.Errorf("sam sees kim's flag: %v", ev)
	}
	// A resend does not post twice.
	sw.callSkipping(map[string]any{"type": "card_post", "session_id": id, "card_id": "c_000000000001", "column": "strengths", "text": "Fifteen years as a finish carpenter; his old foreman still calls."})
	if e := sw.callSkipping(map[string]any{"type": "card_post", "session_id": id, "card_id": "c_000000000003", "column": "strengths", "text": strings.Repeat("x", 281)}); e["code"] != "bad_request" {
		t.Errorf("a long card: %v", e)
	}
	if e := sw.callSkipping(map[string]any{"type": "card_post", "session_id": id, "card_id": "c_000000000004", "column": "gossip", "text": "x"}); e["code"] != "bad_request" {
		t.Errorf("an unknown column: %v", e)
	}
	v := kw.callSkipping(map[string]any{"type": "card_vote", "session_id": id, "card_id": "c_000000000001", "vote": true})
	kw.callSkipping(map[string]any{"type": "card_vote", "session_id": id, "card_id": "c_000000000001", "vote": true})
	if v["votes"].(float64) != 1 {
		t.Errorf("votes %v", v)
	}
	if ev := sw.waitEvent("vote"); ev["votes"].(float64) != 1 {
		t.Errorf("vote event %v", ev)
	}
	board := session(t, tw.callSkipping(map[string]any{"type": "group_resume", "session_id": id}))["board"].(map[string]any)
	if n := len(board["cards"].([]any)); n != 2 {
		t.Errorf("%d cards on the board, want 2", n)
	}
	resp := get(t, admin, "/api/groups/"+id+"/board.csv")
	if resp.status != 200 || strings.Count(resp.body, "\n") != 3 || !strings.Contains(resp.body, "finish carpenter") {
		t.Errorf("board.csv: %d\n%s", resp.status, resp.body)
	}
	if resp := get(t, sam, "/api/groups/"+id+"/board.csv"); resp.status != http.StatusForbidden {
		t.Errorf("a trainee exports the board: %d", resp.status)
	}
}
