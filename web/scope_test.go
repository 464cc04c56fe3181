package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"oasis/engine/store/storetest"
)

// TestNobodyReachesOthersData tries to reach one trainee's data as another
// trainee of the same organisation, as a trainer, and as the admin of
// another organisation, through every endpoint and message that takes an
// id. Every attempt must be refused without revealing the data exists.
func TestNobodyReachesOthersData(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	alice := admin.invite("trainee", "alice@example.org")
	bob := admin.invite("trainee", "bob@example.org")
	trainer := admin.invite("trainer", "tess@example.org")

	// A second organisation on the same server, with its own admin.
	otherAdmin := ts.client()
	if _, err := ts.store.Setup(context.Background(), "unused", "x", ts.storeUser()); err == nil {
		t.Fatal("a second setup succeeded")
	}
	other := secondOrg(t, ts)
	otherAdmin = other

	aw := alice.ws()
	play := runID(t, aw.call(map[string]any{"type": "start", "scenario": "engagement-marcus", "mode": "free"}))
	aw.call(map[string]any{"type": "say", "run_id": play, "turn_id": "t_alice0001", "text": "What has helped you before?"})
	caseRun := runID(t, aw.call(map[string]any{"type": "start", "scenario": "case-two-approaches"}))

	for name, intruder := range map[string]*client{"bob (same organisation)": bob, "trainer": trainer, "admin": admin, "other organisation's admin": otherAdmin} {
		t.Run(name, func(t *testing.T) {
			for _, id := range []string{play, caseRun} {
				if status, out := intruder.do("GET", "/api/runs/"+id, nil); status != http.StatusNotFound || strings.Contains(mustJSON(out), "What has helped") {
					t.Errorf("GET /api/runs/%s: %d %v", id, status, out)
				}
			}
			status, out := intruder.do("GET", "/api/runs", nil)
			if status != 200 || strings.Contains(mustJSON(out), play) || strings.Contains(mustJSON(out), caseRun) {
				t.Errorf("GET /api/runs shows alice's runs: %v", out)
			}
			w := intruder.ws()
			for _, msg := range []map[string]any{
				{"type": "resume", "run_id": play},
				{"type": "say", "run_id": play, "turn_id": "t_intrude01", "text": "hello"},
				{"type": "say", "run_id": play, "turn_id": "t_alice0001", "text": "resend of alice's turn id"},
				{"type": "choose", "run_id": play, "turn_id": "t_intrude02", "option": 1},
				{"type": "answer", "run_id": caseRun, "answer_id": "a_intrude01", "task": "spot-strengths", "answer": map[string]any{"text": "x"}},
				{"type": "resume", "run_id": caseRun},
			} {
				got := w.call(msg)
				if got["type"] != "error" || got["code"] != "not_found" || strings.Contains(mustJSON(got), "What has helped") {
					t.Errorf("%v: %v", msg, got)
				}
			}
		})
	}
	// Alice's run is untouched.
	status, out := alice.do("GET", "/api/runs/"+play, nil)
	if status != 200 || len(out["run"].(map[string]any)["turns"].([]any)) != 1 {
		t.Errorf("alice's run after the attempts: %d %v", status, out)
	}
	// Members: admins see their own organisation only; others are refused.
	if status, out := otherAdmin.do("GET", "/api/members", nil); status != 200 || strings.Contains(mustJSON(out), "alice@example.org") {
		t.Errorf("another organisation's admin lists alice: %v", out)
	}
	if status, out := admin.do("GET", "/api/members", nil); status != 200 || !strings.Contains(mustJSON(out), "alice@example.org") || strings.Contains(mustJSON(out), "olga@example.org") {
		t.Errorf("members: %v", out)
	}
	for _, c := range []*client{alice, trainer} {
		if status, _ := c.do("GET", "/api/members", nil); status != http.StatusForbidden {
			t.Errorf("a non-admin lists members: %d", status)
		}
		if status, _ := c.do("POST", "/api/invites", map[string]string{"role": "trainee"}); status != http.StatusForbidden {
			t.Errorf("a non-admin invites: %d", status)
		}
	}
}
