package roleplay

import (
	"testing"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/scenario/scenariotest"
)

// BenchmarkStep plays one response on a 30-beat role play (scoring
// excluded): transitions, effects, reveals and end rules.
func BenchmarkStep(b *testing.B) {
	sc, err := scenario.Parse("gen.yaml", scenariotest.Roleplay(1, 30))
	if err != nil {
		b.Fatal(err)
	}
	rp := sc.(*scenario.Roleplay)
	inputs := []Input{
		{Text: "What has helped you before?", Labels: sbcm.Labels{Focus: sbcm.Strengths, Skills: []sbcm.Skill{sbcm.OpenQuestion}, Domains: []sbcm.Domain{sbcm.WorkEducation}}},
		{Text: "You sound tired of all of it.", Labels: sbcm.Labels{Focus: sbcm.Neutral, Skills: []sbcm.Skill{sbcm.Reflection}}},
		{Text: "Why did that happen again?", Labels: sbcm.Labels{Focus: sbcm.Deficit, Skills: []sbcm.Skill{sbcm.OpenQuestion, sbcm.Confront}}},
	}
	r := New(rp, 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if r.Ended() {
			r = New(rp, 0)
		}
		if _, err := r.Step(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
