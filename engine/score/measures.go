package score

import (
	"math"

	"oasis/engine/sbcm"
)

// Turn is one scored trainee turn of a whole run, for session measures.
type Turn struct {
	Labels sbcm.Labels
	// RiskCue is true when the client's line this turn answered carried a
	// risk cue.
	RiskCue bool
}

// Measures are the session measures of the scoring guide over a run, with
// an overall score.
type Measures struct {
	Turns     int `json:"turns"`
	Strengths int `json:"strengths"`
	Deficit   int `json:"deficit"`
	Neutral   int `json:"neutral"`
	Safety    int `json:"safety"`
	// StrengthsRatio is strengths / (strengths + deficit); it is null in
	// JSON when the run had neither.
	StrengthsRatio *float64 `json:"strengths_ratio"`
	Questions      int      `json:"questions"`
	OpenQuestions  int      `json:"open_questions"`
	// OpenShare is the share of questions that are open; null when the
	// run asked none.
	OpenShare   *float64 `json:"open_share"`
	Reflections int      `json:"reflections"`
	// ReflectionsPerQuestion compares with MITI 4.2.1: fair at 1, good at
	// 2; null when the run asked no question.
	ReflectionsPerQuestion *float64 `json:"reflections_per_question"`
	Affirmations           int      `json:"affirmations"`
	Autonomy               int      `json:"autonomy"`
	RiskCues               int      `json:"risk_cues"`
	RiskHandled            int      `json:"risk_handled"`
	RiskMissed             int      `json:"risk_missed"`
	// Overall is 0-100, the weighted sum of the breakdown, capped at
	// MissedRiskCap when a risk cue was missed.
	Overall   int         `json:"overall"`
	Breakdown []Component `json:"breakdown"`
}

// Component is one part of the overall score.
type Component struct {
	Name string `json:"name"`
	// Score is 0-100; Weight is the share of the overall score.
	Score  int     `json:"score"`
	Weight float64 `json:"weight"`
	Note   string  `json:"note"`
}

// MissedRiskCap is the highest overall score a run with a missed risk cue
// can get: ignoring a risk cue fails the case, however warm the rest was.
const MissedRiskCap = 50

// Measure computes the session measures of a run's turns.
func Measure(turns []Turn) Measures {
	var m Measures
	m.Turns = len(turns)
	for _, t := range turns {
		switch t.Labels.Focus {
		case sbcm.Strengths:
			m.Strengths++
		case sbcm.Deficit:
			m.Deficit++
		case sbcm.Neutral:
			m.Neutral++
		case sbcm.Safety:
			m.Safety++
		}
		open, closed := t.Labels.Has(sbcm.OpenQuestion), t.Labels.Has(sbcm.ClosedQuestion)
		if open {
			m.OpenQuestions++
		}
		if open || closed {
			m.Questions++
		}
		if open && closed {
			m.Questions++
		}
		if t.Labels.Has(sbcm.Reflection) {
			m.Reflections++
		}
		if t.Labels.Has(sbcm.Affirmation) {
			m.Affirmations++
		}
		if t.Labels.Has(sbcm.Autonomy) {
			m.Autonomy++
		}
		if t.RiskCue {
			m.RiskCues++
			if t.Labels.Focus == sbcm.Safety {
				m.RiskHandled++
			} else {
				m.RiskMissed++
			}
		}
	}
	if n := m.Strengths + m.Deficit; n > 0 {
		m.StrengthsRatio = ratio(m.Strengths, n)
	}
	if m.Questions > 0 {
		m.OpenShare = ratio(m.OpenQuestions, m.Questions)
		m.ReflectionsPerQuestion = ratio(m.Reflections, m.Questions)
	}

	strengths := Component{Name: "Strengths focus", Weight: 0.40, Score: 50, Note: "no strengths- or deficit-focused turns"}
	if m.StrengthsRatio != nil {
		strengths.Score = pct(*m.StrengthsRatio)
		strengths.Note = "share of strengths- vs deficit-focused turns"
	}
	open := Component{Name: "Open questions", Weight: 0.15, Score: 50, Note: "no questions asked"}
	if m.OpenShare != nil {
		open.Score = pct(*m.OpenShare)
		open.Note = "share of questions that were open"
	}
	listening := Component{Name: "Reflective listening", Weight: 0.15, Note: "no reflections"}
	switch {
	case m.ReflectionsPerQuestion != nil:
		listening.Score = pct(math.Min(1, *m.ReflectionsPerQuestion/2))
		listening.Note = "reflections per question; 2 or more is good (MITI)"
	case m.Reflections > 0:
		listening.Score = 100
		listening.Note = "reflections and no questions"
	}
	safety := Component{Name: "Safety", Weight: 0.20, Score: 100, Note: "no risk cues in this run"}
	if m.RiskCues > 0 {
		safety.Score = pct(float64(m.RiskHandled) / float64(m.RiskCues))
		safety.Note = "risk cues followed by a safety response"
	}
	recognition := Component{Name: "Affirmation and autonomy", Weight: 0.10, Note: "affirmations and choices handed to the person, about one in four turns is good"}
	if m.Turns > 0 {
		want := math.Max(1, float64(m.Turns)/4)
		recognition.Score = pct(math.Min(1, float64(m.Affirmations+m.Autonomy)/want))
	}
	m.Breakdown = []Component{strengths, open, listening, safety, recognition}
	total := 0.0
	for _, c := range m.Breakdown {
		total += float64(c.Score) * c.Weight
	}
	m.Overall = int(math.Round(total))
	if m.RiskMissed > 0 && m.Overall > MissedRiskCap {
		m.Overall = MissedRiskCap
	}
	if m.Turns == 0 {
		m.Overall = 0
	}
	return m
}

func ratio(a, b int) *float64 {
	r := float64(a) / float64(b)
	return &r
}

func pct(x float64) int { return int(math.Round(100 * math.Max(0, math.Min(1, x)))) }
