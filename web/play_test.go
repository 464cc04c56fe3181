package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"oasis/engine/roleplay"
	"oasis/engine/store/storetest"
)

func runID(t *testing.T, reply map[string]any) string {
	t.Helper()
	if reply["type"] != "run" {
		t.Fatalf("want a run, got %v", reply)
	}
	return reply["run"].(map[string]any)["id"].(string)
}

func turnN(reply map[string]any) float64 {
	if reply["type"] != "turn" {
		return -1
	}
	return reply["turn"].(map[string]any)["n"].(float64)
}

func TestPlayARolePlay(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	c := ts.admin().invite("trainee", "sam@example.org")
	w := c.ws()
	reply := w.call(map[string]any{"type": "start", "scenario": "engagement-marcus", "mode": "free"})
	id := runID(t, reply)
	run := reply["run"].(map[string]any)
	if run["opening"].(map[string]any)["lines"] == nil || run["scenario"].(map[string]any)["client"].(map[string]any)["situation_html"] == "" {
		t.Fatalf("run without an opening or situation: %v", run)
	}
	turn := w.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_0000000001", "text": "What has helped you get through weeks like this before?"})
	if turnN(turn) != 1 {
		t.Fatalf("first turn: %v", turn)
	}
	sc := turn["turn"].(map[string]any)["score"].(map[string]any)
	if sc["focus"] != "strengths" || len(sc["evidence"].([]any)) == 0 {
		t.Errorf("score %v", sc)
	}
	// A resend of the same turn is answered from the database, not played twice.
	again := w.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_0000000001", "text": "What has helped you get through weeks like this before?"})
	a, _ := json.Marshal(turn["turn"])
	b, _ := json.Marshal(again["turn"])
	if string(a) != string(b) {
		t.Errorf("a resend differs:\n%s\n%s", a, b)
	}
	second := w.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_0000000002", "text": "Tell me about the work you did before the shelter."})
	if turnN(second) != 2 {
		t.Errorf("second turn: %v", second)
	}
	resumed := w.call(map[string]any{"type": "resume", "run_id": id})
	if n := len(resumed["run"].(map[string]any)["turns"].([]any)); n != 2 {
		t.Errorf("resume has %d turns, want 2", n)
	}
	status, out := c.do("GET", "/api/runs/"+id, nil)
	if status != 200 || len(out["run"].(map[string]any)["turns"].([]any)) != 2 {
		t.Errorf("GET run: %d", status)
	}
}

// TestBadFrames sends every kind of bad input the protocol names; each gets
// an error frame with its code and the connection stays usable (except
// for an oversized frame, which closes it with 1009).
func TestBadFrames(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	c := ts.admin().invite("trainee", "sam@example.org")
	w := c.ws()
	id := runID(t, w.call(map[string]any{"type": "start", "scenario": "planning-dev", "mode": "beginner"}))
	cases := []struct {
		name string
		send any
		code string
	}{
		{"not json", "{{{", "bad_json"},
		{"no type", map[string]any{"run_id": id}, "unknown_type"},
		{"unknown type", map[string]any{"type": "teleport"}, "unknown_type"},
		{"unknown scenario", map[string]any{"type": "start", "scenario": "nope"}, "not_found"},
		{"bad mode", map[string]any{"type": "start", "scenario": "planning-dev", "mode": "expert"}, "bad_request"},
		{"unknown run", map[string]any{"type": "resume", "run_id": "r_nope"}, "not_found"},
		{"empty text", map[string]any{"type": "say", "run_id": id, "turn_id": "t_abcdefgh", "text": "   "}, "bad_request"},
		{"text too long", map[string]any{"type": "say", "run_id": id, "turn_id": "t_abcdefgh", "text": strings.Repeat("a", 2001)}, "bad_request"},
		{"bad turn id", map[string]any{"type": "say", "run_id": id, "turn_id": "x", "text": "hi"}, "bad_request"},
		{"option out of range", map[string]any{"type": "choose", "run_id": id, "turn_id": "t_abcdefgh", "option": 9}, "bad_request"},
		{"answer to a role play", map[string]any{"type": "answer", "run_id": id, "answer_id": "a_abcdefgh", "task": "x", "answer": map[string]any{"text": "x"}}, "bad_request"},
	}
	for _, tc := range cases {
		var err error
		if s, ok := tc.send.(string); ok {
			err = w.conn.WriteMessage(websocket.TextMessage, []byte(s))
		} else {
			err = w.conn.WriteJSON(tc.send)
		}
		if err != nil {
			t.Fatal(err)
		}
		got := w.read()
		if got["type"] != "error" || got["code"] != tc.code || got["message"] == "" {
			t.Errorf("%s: got %v, want error %s", tc.name, got, tc.code)
		}
	}
	// Still usable.
	if turn := w.call(map[string]any{"type": "choose", "run_id": id, "turn_id": "t_ok000001", "option": 1}); turnN(turn) != 1 {
		t.Errorf("after bad frames: %v", turn)
	}
	// A frame over the limit closes the connection with 1009.
	w.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"say","text":"`+strings.Repeat("x", 20<<10)+`"}`))
	w.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := w.conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("oversized frame: %v, want close 1009", err)
	}
}

// TestPlayToTheEnd plays the bundled poor script over the websocket, checks
// the report, and that a turn after the end is refused.
func TestPlayToTheEnd(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	c := ts.admin().invite("trainee", "sam@example.org")
	w := c.ws()
	id := runID(t, w.call(map[string]any{"type": "start", "scenario": "engagement-marcus", "mode": "beginner"}))
	f, err := os.Open("../scenarios/testdata/engagement-marcus.poor.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := roleplay.ReadScript(f, "poor")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var last map[string]any
	for i, in := range inputs {
		msg := map[string]any{"type": "choose", "run_id": id, "turn_id": fmt.Sprintf("t_end%05d", i), "option": in.Option}
		if in.Option == 0 {
			msg = map[string]any{"type": "say", "run_id": id, "turn_id": fmt.Sprintf("t_end%05d", i), "text": in.Text}
		}
		last = w.call(msg)
		if last["type"] != "turn" {
			t.Fatalf("turn %d: %v", i+1, last)
		}
	}
	client := last["turn"].(map[string]any)["client"].(map[string]any)
	if client["ended"] != true || last["report"] == nil {
		t.Fatalf("the run did not end: %v", last)
	}
	rep := last["report"].(map[string]any)
	if rep["measures"] == nil || len(rep["meters"].([]any)) == 0 || rep["strengths"] == nil {
		t.Errorf("report %v", rep)
	}
	after := w.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_after0001", "text": "One more thing."})
	if after["type"] != "error" || after["code"] != "run_ended" {
		t.Errorf("a turn after the end: %v", after)
	}
	status, out := c.do("GET", "/api/runs", nil)
	runs := out["runs"].([]any)
	if status != 200 || len(runs) != 1 || runs[0].(map[string]any)["status"] != "ended" || runs[0].(map[string]any)["overall"] == nil {
		t.Errorf("history: %d %v", status, out)
	}
}

// TestResumeAfterRestart plays two turns, stops the server without any
// goodbye, starts a new one on the same database, and carries on.
func TestResumeAfterRestart(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	ts := newServer(t, dsn)
	c := ts.admin()
	w := c.ws()
	id := runID(t, w.call(map[string]any{"type": "start", "scenario": "assessment-rosa", "mode": "free"}))
	t1 := w.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_before001", "text": "Thank you for coming in today, Rosa. What would make this hour useful for you?"})
	t2 := w.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_before002", "text": "When you were sober for those three years, what helped?"})
	w.conn.Close()
	ts.http.CloseClientConnections()
	ts.close()

	ts2 := newServer(t, dsn)
	c.ts = ts2
	w2 := c.ws()
	run := w2.call(map[string]any{"type": "resume", "run_id": id})["run"].(map[string]any)
	turns := run["turns"].([]any)
	if len(turns) != 2 {
		t.Fatalf("after restart: %d turns", len(turns))
	}
	got, _ := json.Marshal(turns[1])
	want, _ := json.Marshal(t2["turn"])
	if string(got) != string(want) {
		t.Errorf("turn 2 after restart differs:\n%s\n%s", got, want)
	}
	_ = t1
	// The reply to turn 2 was lost: the browser resends it.
	again := w2.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_before002", "text": "When you were sober for those three years, what helped?"})
	if turnN(again) != 2 {
		t.Errorf("resend after restart: %v", again)
	}
	third := w2.call(map[string]any{"type": "say", "run_id": id, "turn_id": "t_after0003", "text": "Who is in your corner right now?"})
	if turnN(third) != 3 {
		t.Errorf("third turn: %v", third)
	}
}

func TestPracticeCase(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	c := ts.admin().invite("trainee", "sam@example.org")
	w := c.ws()
	reply := w.call(map[string]any{"type": "start", "scenario": "case-roadmap"})
	id := runID(t, reply)
	cs := reply["run"].(map[string]any)["case"].(map[string]any)
	tasks := cs["tasks"].([]any)
	if len(tasks) == 0 || cs["vignette_html"] == "" {
		t.Fatalf("case view %v", cs)
	}
	lib, _ := engine(t)
	caseSc := lib.Cases["case-roadmap"]
	for i, task := range caseSc.Tasks {
		for _, o := range task.Options {
			if strings.Contains(fmt.Sprint(tasks[i]), o.Explanation) {
				t.Fatal("the case view gives away an option's explanation")
			}
		}
	}
	wrong := w.call(map[string]any{"type": "answer", "run_id": id, "answer_id": "a_00000001", "task": "rewrite-note", "answer": map[string]any{"text": "Patient lacks insight into his cognitive deficits. Return-to-work goal is unrealistic at this time."}})
	if wrong["type"] != "feedback" || wrong["answer"].(map[string]any)["feedback"].(map[string]any)["passed"] != false {
		t.Fatalf("a copied statement: %v", wrong)
	}
	if e := w.call(map[string]any{"type": "answer", "run_id": id, "answer_id": "a_00000002", "task": "no-such-task", "answer": map[string]any{"text": "x"}}); e["code"] != "not_found" {
		t.Errorf("unknown task: %v", e)
	}
	var last map[string]any
	n := 10
	for _, task := range caseSc.Tasks {
		var ans map[string]any
		switch task.Type {
		case "choice":
			for i, o := range task.Options {
				if o.Correct {
					ans = map[string]any{"choice": i + 1}
				}
			}
		case "list-strengths":
			ans = map[string]any{"text": "He was a finish carpenter for fifteen years\nHis old foreman Gary calls every Friday\nHe carves wooden birds\nHe uses a notebook and phone alarms"}
		case "rewrite":
			ans = map[string]any{"text": "Luis wants to get back to building things, and he plans his days around rest with his notebook and phone alarms."}
		case "goal":
			ans = map[string]any{"goal": map[string]string{"goal": "I want to be building something with my hands again.", "objective": "Work at the bench in Gary's shop for two hours on two mornings a week.", "strategy": "Luis calls Gary on Friday to ask for a trial morning.", "target": time.Now().AddDate(0, 3, 0).Format("2006-01-02")}}
		}
		n++
		last = w.call(map[string]any{"type": "answer", "run_id": id, "answer_id": fmt.Sprintf("a_%08d", n), "task": task.ID, "answer": ans})
		if last["type"] != "feedback" || last["answer"].(map[string]any)["feedback"].(map[string]any)["passed"] != true {
			t.Fatalf("task %s: %v", task.ID, last)
		}
	}
	if last["status"] != "ended" || last["report"] == nil {
		t.Errorf("all tasks passed but the case did not end: %v", last)
	}
}

// TestShutdownClosesWebsockets checks that stopping the server sends every
// browser a close frame saying so, so it knows to reconnect.
func TestShutdownClosesWebsockets(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	w := ts.admin().ws()
	w.call(map[string]any{"type": "start", "scenario": "planning-dev"})
	if err := ts.srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	w.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := w.conn.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway || ce.Text != "shutdown" {
		t.Errorf("after shutdown: %v, want close 1001 \"shutdown\"", err)
	}
	if err := ts.srv.Shutdown(t.Context()); err != nil {
		t.Errorf("a second shutdown: %v", err)
	}
}
