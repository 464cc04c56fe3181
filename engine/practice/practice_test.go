package practice

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"oasis/content"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/scenarios"
)

var (
	once   sync.Once
	lib    *scenario.Library
	scorer *score.Scorer
	err0   error
)

func setup(t *testing.T) (*scenario.Library, *score.Scorer) {
	t.Helper()
	once.Do(func() {
		lib, err0 = scenarios.Load()
		if err0 == nil {
			scorer, err0 = score.Load(content.Scoring())
		}
	})
	if err0 != nil {
		t.Fatal(err0)
	}
	return lib, scorer
}

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestListStrengths(t *testing.T) {
	lib, s := setup(t)
	c := lib.Cases["case-two-approaches"]
	tests := []struct {
		name   string
		answer string
		pass   bool
		found  int
	}{
		{"four different strengths pass", "- She grows tomatoes and peppers on her garden plot\n- Her daughter Jade calls every night\n- Eleven years driving a school bus\n- Sings in the church choir", true, 4},
		{"the same strength twice counts once", "her garden\ngardening on the plot\nher daughter", false, 2},
		{"problems are not strengths", "she is an addict; she overdosed on Saturday", false, 0},
		{"semicolons separate items", "her neighbour Mr. Haddad; fourteen months sober on buprenorphine; nine years in the same apartment; she has a naloxone kit", true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb, err := Check(c, "spot-strengths", Answer{Text: tt.answer}, s, today)
			if err != nil {
				if !strings.Contains(err.Error(), "no such task") {
					t.Fatal(err)
				}
				fb, err = Check(c, c.Tasks[0].ID, Answer{Text: tt.answer}, s, today)
				if err != nil {
					t.Fatal(err)
				}
			}
			ok := 0
			for _, it := range fb.Items {
				if it.OK {
					ok++
				}
			}
			if fb.Passed != tt.pass || ok != tt.found {
				t.Errorf("passed %v with %d found, want %v with %d\n%+v", fb.Passed, ok, tt.pass, tt.found, fb.Items)
			}
			if fb.Passed && len(fb.Missed) != len(c.Strengths)-ok {
				t.Errorf("a passed task lists %d missed strengths, want %d", len(fb.Missed), len(c.Strengths)-ok)
			}
			if !fb.Passed && len(fb.Missed) != 0 {
				t.Error("missed strengths shown before the task is passed")
			}
		})
	}
	fb, _ := Check(c, c.Tasks[0].ID, Answer{Text: "she is an addict"}, s, today)
	if !strings.Contains(fb.Items[0].Note, "problem") {
		t.Errorf("a deficit line should be called a problem: %q", fb.Items[0].Note)
	}
}

func TestRewrite(t *testing.T) {
	lib, s := setup(t)
	c := lib.Cases["case-roadmap"]
	tests := []struct {
		answer string
		pass   bool
	}{
		{"Luis wants to get back to building things, and he plans his days around rest with his notebook and phone alarms.", true},
		{"Patient lacks insight into his cognitive deficits. Return-to-work goal is unrealistic at this time.", false},
		{"Patient lacks insight into his deficits and his goal is unrealistic.", false},
	}
	for _, tt := range tests {
		fb, err := Check(c, "rewrite-note", Answer{Text: tt.answer}, s, today)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Passed != tt.pass {
			t.Errorf("%q: passed %v, want %v (%s)", tt.answer, fb.Passed, tt.pass, fb.Summary)
		}
		if fb.Score == nil || fb.Example == "" {
			t.Errorf("%q: feedback lacks the scorer's result or the example", tt.answer)
		}
	}
}

func TestGoal(t *testing.T) {
	lib, s := setup(t)
	c := lib.Cases["case-roadmap"]
	good := GoalAnswer{
		Goal:      "I want to be building something with my hands again.",
		Objective: "Work at the bench in Gary's shop for two hours on two mornings a week.",
		Strategy:  "Luis calls Gary on Friday to ask for a trial morning.",
		Target:    "2027-02-26",
	}
	fb, err := Check(c, "roadmap", Answer{Goal: good}, s, today)
	if err != nil {
		t.Fatal(err)
	}
	if !fb.Passed {
		t.Errorf("a complete roadmap entry failed: %+v", fb.Items)
	}
	tests := []struct {
		name   string
		change func(*GoalAnswer)
		part   string
	}{
		{"the worker's goal", func(g *GoalAnswer) { g.Goal = "Client will comply with the rehabilitation programme." }, "Goal"},
		{"a vague objective", func(g *GoalAnswer) { g.Objective = "Improve his confidence and work on getting better." }, "Objective"},
		{"a strategy with no day", func(g *GoalAnswer) { g.Strategy = "Luis will look into it." }, "Strategy"},
		{"a date in the past", func(g *GoalAnswer) { g.Target = "2025-01-10" }, "Target date"},
		{"not a date", func(g *GoalAnswer) { g.Target = "soon" }, "Target date"},
		{"a date years away", func(g *GoalAnswer) { g.Target = "2031-01-01" }, "Target date"},
	}
	for _, tt := range tests {
		g := good
		tt.change(&g)
		fb, err := Check(c, "roadmap", Answer{Goal: g}, s, today)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Passed {
			t.Errorf("%s: passed", tt.name)
		}
		for _, it := range fb.Items {
			if it.OK == (it.Label == tt.part) {
				t.Errorf("%s: part %s ok=%v (%s)", tt.name, it.Label, it.OK, it.Note)
			}
		}
	}
}

func TestChoiceAndErrors(t *testing.T) {
	lib, s := setup(t)
	c := lib.Cases["case-roadmap"]
	var task *scenario.Task
	for i := range c.Tasks {
		if c.Tasks[i].Type == scenario.TaskChoice {
			task = &c.Tasks[i]
			break
		}
	}
	for i, o := range task.Options {
		fb, err := Check(c, task.ID, Answer{Choice: i + 1}, s, today)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Passed != o.Correct || fb.Items[0].Note != o.Explanation {
			t.Errorf("option %d: passed %v with note %q", i+1, fb.Passed, fb.Items[0].Note)
		}
	}
	if _, err := Check(c, task.ID, Answer{Choice: 99}, s, today); err == nil {
		t.Error("choice 99 accepted")
	}
	if _, err := Check(c, "no-such-task", Answer{Text: "x"}, s, today); !errors.Is(err, ErrNoTask) {
		t.Errorf("unknown task: %v", err)
	}
	if _, err := Check(c, "rewrite-note", Answer{Text: "   "}, s, today); !errors.Is(err, ErrEmptyAnswer) {
		t.Errorf("empty answer: %v", err)
	}
	if _, err := Check(c, "rewrite-note", Answer{Text: strings.Repeat("x", MaxAnswer+1)}, s, today); !errors.Is(err, ErrTooLong) {
		t.Errorf("long answer: %v", err)
	}
}
