package course_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"oasis/engine/course"
)

func ptr[T any](v T) *T { return &v }

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func at(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

// marcus is the practice requirement of the basic course's engagement
// module, as loaded (so outcome titles come from the library).
func marcus(t *testing.T) course.Practice {
	t.Helper()
	c, _ := bundled(t).Get("sbcm-basic")
	p, ok := c.Practice("p-engagement-marcus")
	if !ok {
		t.Fatal("no p-engagement-marcus")
	}
	return p
}

func roleplayRun(id string, ended time.Time, rating string, ratio *float64, overall, missed int) course.RunFacts {
	return course.RunFacts{RunID: id, Scenario: "engagement-marcus", Kind: "roleplay", Mode: "free", EndedAt: ended,
		Outcome: "x", OutcomeTitle: "X", Rating: rating, StrengthsRatio: ratio, Overall: overall, MissedRisk: missed}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		c    course.Criteria
		kind string
		want []string
	}{
		{"case", course.Criteria{}, "case", []string{"every task passed"}},
		{"no criteria", course.Criteria{}, "roleplay", []string{"a finished run"}},
		{"all", course.Criteria{
			Outcomes: []string{"meet-again", "guarded-maybe"}, Ratings: []string{"good", "mixed"},
			StrengthsRatio: ptr(0.8), OpenShare: ptr(0.5), ReflectionsPerQuestion: ptr(1.0),
			Overall: ptr(70), StrengthsRevealed: ptr(3), MissedRisk: ptr(0),
		}, "roleplay", []string{
			"ends with one of: meet-again, guarded-maybe", "ends with a good or mixed outcome",
			"strengths ratio at least 0.8", "share of open questions at least 0.5", "reflections per question at least 1",
			"overall score at least 70", "at least 3 strengths revealed", "no missed risk cue",
		}},
		{"singulars", course.Criteria{Outcomes: []string{"meet-again"}, Ratings: []string{"mixed"}, StrengthsRevealed: ptr(1), MissedRisk: ptr(1)}, "roleplay",
			[]string{"ends with meet-again", "ends with a mixed outcome", "at least 1 strength revealed", "at most 1 missed risk cue"}},
		{"plurals", course.Criteria{MissedRisk: ptr(2)}, "roleplay", []string{"at most 2 missed risk cues"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Describe(tt.kind); !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDescribeUsesOutcomeTitles(t *testing.T) {
	c, err := loadCourse(t, strings.Replace(base, "rating: [good]", "outcome: [meet-again, guarded-maybe]", 1))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.Practice("p1")
	want := "ends with one of: Marcus agrees to meet again, Marcus gives a guarded maybe"
	if got := p.Pass.Describe(p.Kind); len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, unmet := p.Check(course.RunFacts{Scenario: "engagement-marcus", Outcome: "walked-off", OutcomeTitle: "Marcus walks off"})
	if !slices.Equal(unmet, []string{want + " (this run: Marcus walks off)"}) {
		t.Errorf("unmet %q", unmet)
	}
	if met, _ := p.Check(course.RunFacts{Scenario: "engagement-marcus", Outcome: "guarded-maybe"}); !met {
		t.Error("a run ending with a listed outcome does not meet it")
	}
}

func loadCourse(t *testing.T, src string) (*course.Course, error) {
	t.Helper()
	cat, errs := loadOne(t, src)
	if errs != nil {
		return nil, errs
	}
	c, _ := cat.Get("t")
	return c, nil
}

func TestCheck(t *testing.T) {
	p := marcus(t) // rating good or mixed, strengths ratio ≥ 0.7, no missed risk
	tests := []struct {
		name  string
		run   course.RunFacts
		unmet []string
	}{
		{"meets", roleplayRun("r1", at(0), "mixed", ptr(0.7), 60, 0), nil},
		{"falls short", roleplayRun("r1", at(0), "poor", ptr(0.62), 40, 1), []string{
			"ends with a good or mixed outcome (this run: poor)",
			"strengths ratio at least 0.7 (this run: 0.62)",
			"no missed risk cue (this run: 1)",
		}},
		{"no measure", roleplayRun("r1", at(0), "good", nil, 60, 0), []string{"strengths ratio at least 0.7 (this run: none)"}},
		{"rounded down", roleplayRun("r1", at(0), "good", ptr(0.6999), 60, 0), []string{"strengths ratio at least 0.7 (this run: 0.69)"}},
		{"no outcome", roleplayRun("r1", at(0), "", ptr(0.9), 60, 0), []string{"ends with a good or mixed outcome (this run: none)"}},
		{"another scenario", course.RunFacts{Scenario: "planning-dev"}, []string{"a run of First contact: Marcus at the shelter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			met, unmet := p.Check(tt.run)
			if met != (tt.unmet == nil) || !slices.Equal(unmet, tt.unmet) {
				t.Errorf("met %v unmet %q\nwant %q", met, unmet, tt.unmet)
			}
		})
	}
}

func TestCheckMode(t *testing.T) {
	p := marcus(t)
	run := roleplayRun("r1", at(0), "good", ptr(0.9), 80, 0)
	for _, tt := range []struct {
		mode, runMode string
		met           bool
	}{
		{"any", "free", true}, {"any", "beginner", true},
		{"free", "free", true}, {"free", "beginner", false},
		{"beginner", "beginner", true}, {"beginner", "free", false},
	} {
		p.Mode, run.Mode = tt.mode, tt.runMode
		met, unmet := p.Check(run)
		if met != tt.met {
			t.Errorf("mode %s, run %s: met %v %q", tt.mode, tt.runMode, met, unmet)
		}
		if !met && (len(unmet) != 1 || unmet[0] != "played in "+tt.mode+" mode (this run: "+tt.runMode+")") {
			t.Errorf("mode %s, run %s: unmet %q", tt.mode, tt.runMode, unmet)
		}
	}
}

func TestCheckCase(t *testing.T) {
	p := course.Practice{ID: "p", Scenario: "case-roadmap", Title: "Roadmap", Kind: "case", Mode: "any"}
	for _, tt := range []struct {
		passed, total int
		unmet         []string
	}{
		{4, 4, nil},
		{3, 4, []string{"every task passed (this run: 3 of 4)"}},
		{0, 0, []string{"every task passed (this run: 0 of 0)"}},
	} {
		met, unmet := p.Check(course.RunFacts{Scenario: "case-roadmap", Kind: "case", Mode: "free", TasksPassed: tt.passed, TasksTotal: tt.total})
		if met != (tt.unmet == nil) || !slices.Equal(unmet, tt.unmet) {
			t.Errorf("%d of %d: met %v unmet %q", tt.passed, tt.total, met, unmet)
		}
	}
}

func TestEvaluate(t *testing.T) {
	c, _ := bundled(t).Get("sbcm-basic")
	if p := course.Evaluate(c, course.Evidence{}); p.Done != 0 || p.Total != 13 || p.Percent != 0 || p.Complete || len(p.Modules) != 7 {
		t.Fatalf("no evidence: %+v", p)
	}

	runs := []course.RunFacts{
		// Three runs of Marcus: two meet it (the earlier is the evidence,
		// whatever the order), one does not.
		roleplayRun("late-meet", at(5), "good", ptr(0.9), 90, 0),
		roleplayRun("miss", at(1), "poor", ptr(0.5), 30, 1),
		roleplayRun("early-meet", at(3), "mixed", ptr(0.75), 70, 0),
		// Two runs of Rosa, neither meets: the closer has fewer unmet.
		{RunID: "rosa-far", Scenario: "assessment-rosa", Kind: "roleplay", Mode: "free", EndedAt: at(2), Rating: "poor", Overall: 95, MissedRisk: 1},
		{RunID: "rosa-near", Scenario: "assessment-rosa", Kind: "roleplay", Mode: "free", EndedAt: at(1), Rating: "good", Overall: 60, StrengthsRevealed: 2},
		// Planning with Dev: equal unmet, the higher overall is closer.
		{RunID: "dev-low", Scenario: "planning-dev", Kind: "roleplay", Mode: "free", EndedAt: at(4), Rating: "poor", StrengthsRatio: ptr(0.9), Overall: 40},
		{RunID: "dev-high", Scenario: "planning-dev", Kind: "roleplay", Mode: "free", EndedAt: at(1), Rating: "poor", StrengthsRatio: ptr(0.9), Overall: 55},
		// A case with every task passed, and one without.
		{RunID: "two-ok", Scenario: "case-two-approaches", Kind: "case", Mode: "free", EndedAt: at(1), TasksPassed: 5, TasksTotal: 5},
		{RunID: "roadmap-part", Scenario: "case-roadmap", Kind: "case", Mode: "free", EndedAt: at(1), TasksPassed: 2, TasksTotal: 4},
	}
	ev := course.Evidence{
		Quiz: map[string][]course.QuizAttempt{
			"case-management": {{ID: "a1", Score: 50, At: at(0)}, {ID: "a2", Score: 83, Passed: true, At: at(2)}, {ID: "a3", Score: 83, Passed: true, At: at(1)}},
			"engagement":      {{ID: "a4", Score: 100, Passed: true, At: at(0)}},
			"planning":        {{ID: "a5", Score: 40, At: at(0)}},
		},
		Runs: runs,
	}
	p := course.Evaluate(c, ev)
	// Done: case-management quiz, engagement quiz, Marcus, two approaches.
	if p.Done != 4 || p.Total != 13 || p.Percent != 30 || p.Complete {
		t.Errorf("progress %d/%d %d%% complete %v", p.Done, p.Total, p.Percent, p.Complete)
	}
	mod := func(id string) course.ModuleProgress {
		for _, m := range p.Modules {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("no module %s", id)
		return course.ModuleProgress{}
	}
	if q := mod("case-management").Quiz; q == nil || q.ID != "a3" {
		t.Errorf("best attempt %+v, want a3 (highest score, then earliest)", q)
	}
	if m := mod("case-management"); !m.Complete || m.Done != 1 || m.Total != 1 {
		t.Errorf("case-management: %+v", m)
	}
	eng := mod("engagement")
	if !eng.Complete || eng.Done != 3 || len(eng.Practice) != 2 {
		t.Fatalf("engagement: %+v", eng)
	}
	if pm := eng.Practice[0]; !pm.Met || pm.Run == nil || pm.Run.RunID != "early-meet" || pm.Unmet != nil {
		t.Errorf("Marcus: %+v, want met by early-meet", pm)
	}
	// The result must not depend on the order runs come in.
	slices.Reverse(ev.Runs)
	if pm := course.Evaluate(c, ev).Modules[2].Practice[0]; pm.Run.RunID != "early-meet" {
		t.Errorf("reversed runs: met by %s", pm.Run.RunID)
	}

	rosa := mod("strengths-assessment").Practice[0]
	if rosa.Met || rosa.Run == nil || rosa.Run.RunID != "rosa-near" {
		t.Fatalf("Rosa: %+v, want closest rosa-near", rosa)
	}
	if !slices.Equal(rosa.Unmet, []string{"at least 3 strengths revealed (this run: 2)"}) {
		t.Errorf("Rosa unmet %q", rosa.Unmet)
	}
	plan := mod("planning")
	if plan.Quiz == nil || plan.Quiz.ID != "a5" || plan.Done != 0 || plan.Complete {
		t.Errorf("planning: %+v", plan)
	}
	if dev := plan.Practice[0]; dev.Run == nil || dev.Run.RunID != "dev-high" || !slices.Equal(dev.Unmet, []string{"ends with a good or mixed outcome (this run: poor)"}) {
		t.Errorf("Dev: %+v", dev)
	}
	if rm := plan.Practice[1]; rm.Met || rm.Run.RunID != "roadmap-part" || !slices.Equal(rm.Unmet, []string{"every task passed (this run: 2 of 4)"}) {
		t.Errorf("roadmap: %+v", rm)
	}
	if tomas := mod("five-contacts").Practice[0]; tomas.Met || tomas.Run != nil || tomas.Unmet != nil {
		t.Errorf("Tomás with no runs: %+v", tomas)
	}
}

func TestEvaluateComplete(t *testing.T) {
	sub, _ := loadCourse(t, base)
	ev := course.Evidence{Quiz: map[string][]course.QuizAttempt{"m1": {{ID: "a", Score: 50, Passed: true, At: at(0)}}}}
	if p := course.Evaluate(sub, ev); p.Complete || p.Percent != 50 || p.Done != 1 || p.Total != 2 {
		t.Errorf("quiz only: %+v", p)
	}
	ev.Runs = []course.RunFacts{{RunID: "r", Scenario: "engagement-marcus", Kind: "roleplay", Mode: "beginner", EndedAt: at(1), Rating: "good"}}
	p := course.Evaluate(sub, ev)
	if !p.Complete || p.Percent != 100 || !p.Modules[0].Complete {
		t.Errorf("quiz and run: %+v", p)
	}
	if p := course.Evaluate(&course.Course{}, course.Evidence{}); p.Complete {
		t.Error("a course with nothing to do counts as complete")
	}
}

func TestEvaluateRenewal(t *testing.T) {
	c, _ := bundled(t).Get("sbcm-basic") // renewal: Marcus and Rosa
	met, pp := course.EvaluateRenewal(c, nil)
	if met || len(pp) != 2 || pp[0].ID != "p-engagement-marcus" || pp[1].ID != "p-assessment-rosa" {
		t.Fatalf("no runs: %v %+v", met, pp)
	}
	runs := []course.RunFacts{roleplayRun("m", at(1), "good", ptr(0.8), 80, 0)}
	if met, pp = course.EvaluateRenewal(c, runs); met || !pp[0].Met || pp[1].Met {
		t.Errorf("Marcus only: %v %+v", met, pp)
	}
	runs = append(runs, course.RunFacts{RunID: "r", Scenario: "assessment-rosa", Kind: "roleplay", Mode: "free", EndedAt: at(2), Rating: "good", StrengthsRevealed: 4})
	if met, pp = course.EvaluateRenewal(c, runs); !met || pp[1].Run.RunID != "r" {
		t.Errorf("both: %v %+v", met, pp)
	}
	// Runs of practice not asked for again do not matter.
	if met, _ := course.EvaluateRenewal(c, runs[:1]); met {
		t.Error("renewal met without Rosa")
	}
}
