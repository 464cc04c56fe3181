package roleplay

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
)

var update = flag.Bool("update", false, "rewrite golden transcripts")

func load(t testing.TB, name string) *scenario.Roleplay {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc.(*scenario.Roleplay)
}

func say(focus sbcm.Focus, domains ...sbcm.Domain) Input {
	return Input{Text: string(focus) + " response", Labels: sbcm.Labels{Focus: focus, Domains: domains}}
}

func meter(t Turn, name string) int {
	for _, m := range t.Meters {
		if m.Name == name {
			return m.Value
		}
	}
	return -1
}

func TestStep(t *testing.T) {
	tests := []struct {
		name        string
		inputs      []Input
		wantBeat    string
		wantMeters  map[string]int
		wantReveals []string
		wantMissed  int
		wantOutcome string
	}{
		{
			name:       "default transition keeps the client at the opening",
			inputs:     []Input{say(sbcm.Neutral)},
			wantBeat:   "opening",
			wantMeters: map[string]int{"rapport": 30, "hope": 20, "resistance": 40},
		},
		{
			name:        "strengths response reveals by effect and by condition",
			inputs:      []Input{say(sbcm.Strengths, sbcm.Leisure)},
			wantBeat:    "low",
			wantMeters:  map[string]int{"rapport": 40, "hope": 25},
			wantReveals: []string{"sister", "baking"},
		},
		{
			name:       "a meter is clamped to its bounds and an end rule fires",
			inputs:     []Input{say(sbcm.Deficit), say(sbcm.Neutral)},
			wantMeters: map[string]int{"resistance": 70},
			wantMissed: 1, wantOutcome: "walked-out",
		},
		{
			name:       "a safety response to a risk cue is not missed",
			inputs:     []Input{say(sbcm.Deficit), say(sbcm.Safety)},
			wantBeat:   "opening",
			wantMeters: map[string]int{"rapport": 35, "resistance": 55},
		},
		{
			name:        "an end rule over revealed strengths",
			inputs:      []Input{say(sbcm.Strengths, sbcm.Leisure), say(sbcm.Safety)},
			wantBeat:    "opening",
			wantReveals: []string{"sister", "baking"},
			wantOutcome: "connected",
		},
		{
			name:        "the turn limit ends the run",
			inputs:      []Input{say(sbcm.Neutral), say(sbcm.Neutral), say(sbcm.Neutral), say(sbcm.Neutral), say(sbcm.Neutral), say(sbcm.Neutral)},
			wantOutcome: "timeout",
		},
	}
	sc := load(t, "dana.yaml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(sc, 0)
			var turn Turn
			var reveals []string
			for i, in := range tt.inputs {
				var err error
				turn, err = r.Step(in)
				if err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				for _, rv := range turn.Reveals {
					reveals = append(reveals, rv.ID)
				}
			}
			if tt.wantBeat != "" && turn.Beat != tt.wantBeat {
				t.Errorf("beat = %q, want %q", turn.Beat, tt.wantBeat)
			}
			for name, want := range tt.wantMeters {
				if got := meter(turn, name); got != want {
					t.Errorf("meter %s = %d, want %d", name, got, want)
				}
			}
			if !slices.Equal(reveals, tt.wantReveals) {
				t.Errorf("revealed %v, want %v", reveals, tt.wantReveals)
			}
			if r.MissedRisk() != tt.wantMissed {
				t.Errorf("missed risk cues = %d, want %d", r.MissedRisk(), tt.wantMissed)
			}
			got := ""
			if r.Outcome() != nil {
				got = r.Outcome().ID
			}
			if got != tt.wantOutcome || turn.Ended != (tt.wantOutcome != "") {
				t.Errorf("outcome = %q (ended %v), want %q", got, turn.Ended, tt.wantOutcome)
			}
		})
	}
}

func TestRevealLinesComeBeforeTheBeatLine(t *testing.T) {
	r := New(load(t, "dana.yaml"), 0)
	turn, _ := r.Step(say(sbcm.Strengths, sbcm.Leisure))
	want := []string{"My sister has always had my back.", "I bake bread for my sister's kids every Sunday.", "Some nights I don't see the point of any of it."}
	if !slices.Equal(turn.Lines, want) {
		t.Errorf("lines = %q, want %q", turn.Lines, want)
	}
	if !slices.Equal(turn.RiskCues, []sbcm.Risk{sbcm.Suicide}) {
		t.Errorf("risk cues = %v, want [suicide]", turn.RiskCues)
	}
}

func TestMissedRiskIsReportedOnTheTurn(t *testing.T) {
	r := New(load(t, "dana.yaml"), 0)
	r.Step(say(sbcm.Strengths))
	turn, _ := r.Step(say(sbcm.Strengths, sbcm.Leisure))
	if !slices.Equal(turn.Missed, []sbcm.Risk{sbcm.Suicide}) || r.MissedRisk() != 1 {
		t.Errorf("missed = %v (count %d), want [suicide] once", turn.Missed, r.MissedRisk())
	}
}

func TestVariantsFollowVisits(t *testing.T) {
	for seed, want := range []string{"So you're the new worker.", "You again."} {
		r := New(load(t, "dana.yaml"), seed)
		if got := r.Opening().Lines[0]; got != want {
			t.Errorf("seed %d: opening %q, want %q", seed, got, want)
		}
		turn, _ := r.Step(say(sbcm.Neutral))
		if got, want2 := turn.Lines[0], []string{"You again.", "So you're the new worker."}[seed]; got != want2 {
			t.Errorf("seed %d: second visit %q, want %q", seed, got, want2)
		}
	}
}

func TestChooseUsesTheAuthorsLabels(t *testing.T) {
	r := New(load(t, "dana.yaml"), 0)
	// A caller cannot dress an option up with other labels.
	turn, err := r.Step(Input{Option: 2, Labels: sbcm.Labels{Focus: sbcm.Strengths}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.History()[0].Input; got.Labels.Focus != sbcm.Deficit || got.Text != "Why did you miss your last appointment?" {
		t.Errorf("recorded %+v, want the option's own text and deficit focus", got)
	}
	if turn.Beat != "low" {
		t.Errorf("beat %q, want low", turn.Beat)
	}
	if _, err := r.Choose(1); !errors.Is(err, ErrNoOptions) {
		t.Errorf("choose on a beat without options: %v, want ErrNoOptions", err)
	}
	r2 := New(load(t, "dana.yaml"), 0)
	if _, err := r2.Choose(3); !errors.Is(err, ErrBadOption) {
		t.Errorf("choose 3 of 2: %v, want ErrBadOption", err)
	}
}

func TestStepAfterEndFails(t *testing.T) {
	r := New(load(t, "dana.yaml"), 0)
	r.Step(say(sbcm.Deficit))
	r.Step(say(sbcm.Neutral))
	if !r.Ended() {
		t.Fatal("run should have ended")
	}
	if _, err := r.Step(say(sbcm.Neutral)); !errors.Is(err, ErrEnded) {
		t.Errorf("got %v, want ErrEnded", err)
	}
}

func TestReplayIsDeterministic(t *testing.T) {
	sc := load(t, "dana.yaml")
	inputs := []Input{say(sbcm.Strengths), say(sbcm.Deficit), say(sbcm.Neutral), {Option: 1}}
	var a, b bytes.Buffer
	r1, err := Replay(sc, 3, inputs)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Replay(sc, 3, inputs)
	WriteTranscript(&a, r1)
	WriteTranscript(&b, r2)
	if a.String() != b.String() {
		t.Errorf("two replays differ:\n%s\n---\n%s", a.String(), b.String())
	}
	if !strings.Contains(a.String(), "TRAINEE chooses 1: What would make today worth your time?") {
		t.Errorf("transcript lacks the chosen option:\n%s", a.String())
	}
}

func TestReadScript(t *testing.T) {
	src := "# a comment\n{\"option\": 2}\n\n{\"text\": \"hi\", \"focus\": \"neutral\", \"skills\": [\"inform\"]}\n"
	got, err := ReadScript(strings.NewReader(src), "s.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Option != 2 || got[1].Labels.Focus != sbcm.Neutral || !got[1].Labels.Has(sbcm.Inform) {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{`{"text": "x", "focus": "nice"}`, `{"optoin": 1}`, `{"text": "x", "focus": "neutral", "skills": ["hugs"]}`, `not json`} {
		if _, err := ReadScript(strings.NewReader(bad), "s.jsonl"); err == nil || !strings.HasPrefix(err.Error(), "s.jsonl:1: ") {
			t.Errorf("%s: got %v, want an error at s.jsonl:1", bad, err)
		}
	}
}
