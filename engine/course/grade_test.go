package course_test

import (
	"testing"

	"oasis/engine/course"
)

func threeQuestions() course.Quiz {
	opt := func(text string, correct bool) course.Option {
		return course.Option{Text: text, Correct: correct, Explanation: "why " + text}
	}
	return course.Quiz{Pass: 60, Questions: []course.Question{
		{ID: "q1", Options: []course.Option{opt("a", false), opt("b", true), opt("c", false)}},
		{ID: "q2", Options: []course.Option{opt("d", true), opt("e", false)}},
		// Two right answers: either counts, and Answer is the first.
		{ID: "q3", Options: []course.Option{opt("f", false), opt("g", true), opt("h", true)}},
	}}
}

func TestGrade(t *testing.T) {
	q := threeQuestions()
	tests := []struct {
		name    string
		answers map[string]int
		score   int
		passed  bool
	}{
		{"all right", map[string]int{"q1": 1, "q2": 0, "q3": 1}, 100, true},
		{"second right answer counts", map[string]int{"q1": 1, "q2": 0, "q3": 2}, 100, true},
		{"two of three", map[string]int{"q1": 1, "q2": 1, "q3": 2}, 66, true},
		{"one of three", map[string]int{"q1": 0, "q2": 1, "q3": 1}, 33, false},
		{"none", map[string]int{"q1": 0, "q2": 1, "q3": 0}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := q.Grade(tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if g.Score != tt.score || g.Passed != tt.passed {
				t.Errorf("score %d passed %v, want %d %v", g.Score, g.Passed, tt.score, tt.passed)
			}
			if len(g.Results) != 3 {
				t.Fatalf("%d results", len(g.Results))
			}
			for i, r := range g.Results {
				qu := q.Questions[i]
				if r.ID != qu.ID || r.Chosen != tt.answers[qu.ID] || r.Correct != qu.Options[r.Chosen].Correct {
					t.Errorf("result %d: %+v", i, r)
				}
				if r.Explanation != qu.Options[r.Chosen].Explanation || r.AnswerExplanation != qu.Options[r.Answer].Explanation {
					t.Errorf("result %d explanations: %+v", i, r)
				}
			}
			if a := g.Results[2].Answer; a != 1 {
				t.Errorf("q3 answer %d, want the first right option, 1", a)
			}
		})
	}
}

func TestGradeErrors(t *testing.T) {
	q := threeQuestions()
	tests := []struct {
		name    string
		answers map[string]int
		want    string
	}{
		{"unanswered", map[string]int{"q1": 1, "q3": 1}, `question "q2" is not answered`},
		{"out of range", map[string]int{"q1": 5, "q2": 0, "q3": 1}, `question "q1" has options 0 to 2; got 5`},
		{"negative", map[string]int{"q1": 1, "q2": -1, "q3": 1}, `question "q2" has options 0 to 1; got -1`},
		{"unknown id", map[string]int{"q1": 1, "q2": 0, "q3": 1, "q9": 0}, `there is no question "q9"`},
		{"nothing", nil, `question "q1" is not answered`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := q.Grade(tt.answers)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := (course.Quiz{Pass: 50}).Grade(nil); err == nil {
		t.Error("an empty quiz graded without error")
	}
}
