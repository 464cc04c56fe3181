package web

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"oasis/content"
	"oasis/engine/course"
	"oasis/engine/roleplay"
	"oasis/engine/scenario"
	"oasis/engine/store"
	"oasis/scenarios"
)

// TestBundledPracticeIsAchievable plays each role play a bundled course
// asks for from its golden transcripts, through the same report and
// summary a real run gets: the good transcript must meet every
// requirement on it, and the poor one must not. A criterion no good
// conversation can meet would make a course impossible to complete.
func TestBundledPracticeIsAchievable(t *testing.T) {
	lib, err := scenarios.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := course.Load(content.Courses(), lib)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "oasis.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := New(Config{Store: st, Library: lib, Courses: cat, Log: log.New(io.Discard)})
	defer s.Shutdown(context.Background())
	facts := func(t *testing.T, rp *scenario.Roleplay, label string) course.RunFacts {
		t.Helper()
		f, err := os.Open(fmt.Sprintf("../scenarios/testdata/%s.%s.jsonl", rp.ID, label))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		inputs, err := roleplay.ReadScript(f, label)
		if err != nil {
			t.Fatal(err)
		}
		run, err := roleplay.Replay(rp, 0, inputs)
		if err != nil {
			t.Fatal(err)
		}
		upd := endUpdate(s.roleplayReport(run))
		return s.runFacts(store.RunResult{ID: "r_" + label, ScenarioID: rp.ID, Kind: "roleplay", Mode: "free", OutcomeID: upd.OutcomeID,
			Overall: upd.Overall, StrengthsRatio: upd.StrengthsRatio, Summary: upd.Summary, EndedAt: time.Now()})
	}
	checked := 0
	for _, c := range cat.All() {
		for _, m := range c.Modules {
			for _, p := range m.Practice {
				rp, ok := lib.Roleplays[p.Scenario]
				if !ok {
					continue // practice cases pass when every task passes
				}
				t.Run(c.ID+"/"+p.ID, func(t *testing.T) {
					good := facts(t, rp, "good")
					if met, unmet := p.Check(good); !met {
						t.Errorf("the good transcript does not meet %v: %v (facts %+v)", p.Pass.Describe(p.Kind), unmet, good)
					}
					poor := facts(t, rp, "poor")
					if met, _ := p.Check(poor); met {
						t.Errorf("the poor transcript meets %v", p.Pass.Describe(p.Kind))
					}
				})
				checked++
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d role-play requirements checked", checked)
	}
}
