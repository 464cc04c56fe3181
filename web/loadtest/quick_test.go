package loadtest

import (
	"encoding/json"
	"testing"
)

// TestQuickFrame checks the shortcut against replies encoded as the
// server encodes them (a map, so keys in sorted order).
func TestQuickFrame(t *testing.T) {
	for _, c := range []struct {
		report any
		ended  bool
	}{{nil, false}, {map[string]any{"outcome": "meet-again"}, true}} {
		data, _ := json.Marshal(map[string]any{"type": "turn", "ref": "l42", "run_id": "r_1", "turn": map[string]any{"n": 3, "text": `say "report":null`}, "report": c.report})
		f := quickFrame(data)
		if f == nil || f.Ref != "l42" || f.Type != "turn" || (f.Turn != nil) != c.ended {
			t.Errorf("quickFrame(%s) = %+v", data, f)
		}
	}
	event, _ := json.Marshal(map[string]any{"type": "group_event", "event": map[string]any{"type": "broadcast"}})
	if f := quickFrame(event); f != nil {
		t.Errorf("an event was taken for a turn: %+v", f)
	}
}
