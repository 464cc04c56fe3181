package score

import (
	"testing"

	"oasis/engine/sbcm"
)

func turn(f sbcm.Focus, risk bool, skills ...sbcm.Skill) Turn {
	return Turn{Labels: sbcm.Labels{Focus: f, Skills: skills}, RiskCue: risk}
}

func TestMeasure(t *testing.T) {
	turns := []Turn{
		turn(sbcm.Strengths, false, sbcm.OpenQuestion),
		turn(sbcm.Strengths, false, sbcm.Reflection),
		turn(sbcm.Deficit, false, sbcm.ClosedQuestion, sbcm.Confront),
		turn(sbcm.Safety, true, sbcm.ClosedQuestion),
		turn(sbcm.Strengths, false, sbcm.Reflection, sbcm.Affirmation),
		turn(sbcm.Neutral, false),
		turn(sbcm.Strengths, false, sbcm.OpenQuestion, sbcm.Autonomy),
	}
	m := Measure(turns)
	if m.Turns != 7 || m.Strengths != 4 || m.Deficit != 1 || m.Neutral != 1 || m.Safety != 1 {
		t.Errorf("counts %+v", m)
	}
	if *m.StrengthsRatio != 0.8 {
		t.Errorf("strengths ratio %v, want 0.8", *m.StrengthsRatio)
	}
	if m.Questions != 4 || m.OpenQuestions != 2 || *m.OpenShare != 0.5 {
		t.Errorf("questions %d open %d share %v", m.Questions, m.OpenQuestions, *m.OpenShare)
	}
	if *m.ReflectionsPerQuestion != 0.5 {
		t.Errorf("reflections per question %v, want 0.5", *m.ReflectionsPerQuestion)
	}
	if m.RiskCues != 1 || m.RiskHandled != 1 || m.RiskMissed != 0 {
		t.Errorf("risk %d handled %d missed %d", m.RiskCues, m.RiskHandled, m.RiskMissed)
	}
	// 0.4*80 + 0.15*50 + 0.15*25 + 0.2*100 + 0.1*100 = 73.25
	if m.Overall != 73 {
		t.Errorf("overall %d, want 73: %+v", m.Overall, m.Breakdown)
	}
	total := 0.0
	for _, c := range m.Breakdown {
		total += c.Weight
	}
	if total < 0.999 || total > 1.001 {
		t.Errorf("weights add up to %v, want 1", total)
	}
}

func TestMissedRiskCapsTheScore(t *testing.T) {
	turns := []Turn{turn(sbcm.Strengths, false, sbcm.Reflection), turn(sbcm.Strengths, true, sbcm.OpenQuestion), turn(sbcm.Strengths, false, sbcm.Affirmation)}
	m := Measure(turns)
	if m.RiskMissed != 1 || m.Overall != MissedRiskCap {
		t.Errorf("missed %d overall %d, want 1 and %d", m.RiskMissed, m.Overall, MissedRiskCap)
	}
}

func TestMeasureEmptyAndUndefined(t *testing.T) {
	m := Measure(nil)
	if m.Overall != 0 || m.StrengthsRatio != nil || m.OpenShare != nil || m.ReflectionsPerQuestion != nil {
		t.Errorf("empty run: %+v", m)
	}
	m = Measure([]Turn{turn(sbcm.Neutral, false)})
	if m.StrengthsRatio != nil {
		t.Error("a run with no strengths or deficit turns has no strengths ratio")
	}
}
