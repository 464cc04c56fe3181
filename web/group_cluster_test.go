package web_test

import (
	"strings"
	"testing"

	"oasis/engine/store/storetest"
)

// on is the same browser (the same cookies) talking to another instance.
func (c *client) on(ts *testServer) *client {
	return &client{t: c.t, ts: ts, http: c.http}
}

// TestGroupAcrossInstances runs one session on two server instances that
// share a PostgreSQL database, as behind a load balancer: the trainer on
// one, the trainees on the other. Every event crosses by LISTEN/NOTIFY,
// and a trainee whose instance restarts is put back where they were.
func TestGroupAcrossInstances(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a, b := newServer(t, dsn), newServer(t, dsn)
	admin := a.admin()
	trainer := admin.invite("trainer", "tess@example.org")
	sam := admin.invite("trainee", "sam@example.org").on(b)
	kim := admin.invite("trainee", "kim@example.org").on(b)

	tw := trainer.ws()
	g := session(t, tw.callSkipping(map[string]any{"type": "group_create", "scenario": "engagement-marcus", "kind": "play"}))
	id, code := g["id"].(string), g["code"].(string)
	sw, kw := sam.ws(), kim.ws()
	session(t, sw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	if ev := tw.waitEvent("joined"); ev["member"].(map[string]any)["name"] != "sam@example.org" {
		t.Errorf("the trainer on A saw %v", ev)
	}
	session(t, kw.callSkipping(map[string]any{"type": "group_join", "code": code}))
	tw.waitEvent("joined")

	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "start"})
	ev := sw.waitEvent("pace")
	run, _ := ev["run_id"].(string)
	if ev["state"] != "running" || run == "" {
		t.Fatalf("the start reached B as %v", ev)
	}
	kw.waitEvent("pace")
	if turn := sw.callSkipping(map[string]any{"type": "say", "run_id": run, "turn_id": "t_clus0001", "text": "What matters most to you this week?"}); turnN(turn) != 1 {
		t.Fatalf("a turn on B: %v", turn)
	}
	if p := progressOf(tw.waitEvent("progress")); len(p) != 1 || p[0]["turns"].(float64) != 1 {
		t.Errorf("progress on A: %v", p)
	}
	ack := tw.callSkipping(map[string]any{"type": "group_broadcast", "session_id": id, "text": "Ten minutes left."})
	for _, w := range []*wsClient{sw, kw} {
		if ev := w.waitEvent("broadcast"); ev["text"] != "Ten minutes left." {
			t.Errorf("broadcast on B: %v", ev)
		}
	}

	// B goes away; a new instance C takes its trainees.
	b.close()
	c := newServer(t, dsn)
	sw2 := sam.on(c).ws()
	back := session(t, sw2.callSkipping(map[string]any{"type": "group_resume", "session_id": id}))
	if back["you"].(map[string]any)["run_id"] != run || back["state"] != "running" || back["seq"] != ack["seq"] {
		t.Errorf("after the restart: run %v state %v seq %v (want %v)", back["you"], back["state"], back["seq"], ack["seq"])
	}
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": id, "action": "pause", "message": "Pens down."})
	f := sw2.read()
	for f["type"] != "group_event" {
		f = sw2.read()
	}
	if f["seq"].(float64) != ack["seq"].(float64)+1 || f["event"].(map[string]any)["message"] != "Pens down." {
		t.Errorf("the next event on C: %v", f)
	}
	if e := sw2.callSkipping(map[string]any{"type": "say", "run_id": run, "turn_id": "t_clus0002", "text": "What else?"}); e["code"] != "paused" {
		t.Errorf("a turn on C while paused on A: %v", e)
	}

	// A staffing board shared across instances.
	sb := session(t, tw.callSkipping(map[string]any{"type": "group_create", "scenario": "case-roadmap", "kind": "staffing"}))
	kw2, sa := kim.on(c).ws(), sam.on(a).ws()
	session(t, kw2.callSkipping(map[string]any{"type": "group_join", "code": sb["code"]}))
	session(t, sa.callSkipping(map[string]any{"type": "group_join", "code": sb["code"]}))
	tw.callSkipping(map[string]any{"type": "group_pace", "session_id": sb["id"], "action": "start"})
	kw2.waitEvent("pace")
	card := kw2.callSkipping(map[string]any{"type": "card_post", "session_id": sb["id"], "card_id": "c_0123456789abcdef", "column": "strengths", "text": "Keeps a careful budget for the family."})
	if card["type"] != "card" {
		t.Fatalf("card on C: %v", card)
	}
	if ev := tw.waitEvent("card"); !strings.Contains(mustJSON(ev), "careful budget") {
		t.Errorf("the card on A: %v", ev)
	}
	if v := sa.callSkipping(map[string]any{"type": "card_vote", "session_id": sb["id"], "card_id": "c_0123456789abcdef", "vote": true}); v["type"] != "vote" {
		t.Fatalf("sam's vote on A: %v", v)
	}
	if ev := kw2.waitEvent("vote"); ev["votes"].(float64) != 1 {
		t.Errorf("the vote on C: %v", ev)
	}
}
