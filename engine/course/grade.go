package course

import (
	"fmt"
	"slices"
)

// Grade is a marked quiz attempt.
type Grade struct {
	// Score is the percent of questions answered right, rounded down.
	Score  int
	Passed bool
	// Results has one entry per question, in question order.
	Results []Result
}

// Result is the marking of one question.
type Result struct {
	ID string `json:"id"`
	// Chosen is the index of the option chosen, from 0.
	Chosen  int  `json:"chosen"`
	Correct bool `json:"correct"`
	// Answer is the index of the right option (the first, when several
	// are right).
	Answer int `json:"answer"`
	// Explanation is the chosen option's, AnswerExplanation the right
	// option's.
	Explanation       string `json:"explanation"`
	AnswerExplanation string `json:"answer_explanation"`
}

// Grade marks answers, given as option indexes (from 0) by question id.
// Every question must be answered, with an index in range, and every id
// must name a question; otherwise the error says which, in a sentence fit
// to show the trainee.
func (q Quiz) Grade(answers map[string]int) (Grade, error) {
	if len(q.Questions) == 0 {
		return Grade{}, fmt.Errorf("the quiz has no questions")
	}
	var extra []string
	for id := range answers {
		if !slices.ContainsFunc(q.Questions, func(qu Question) bool { return qu.ID == id }) {
			extra = append(extra, id)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return Grade{}, fmt.Errorf("there is no question %q", extra[0])
	}
	g := Grade{Results: make([]Result, 0, len(q.Questions))}
	right := 0
	for _, qu := range q.Questions {
		chosen, ok := answers[qu.ID]
		if !ok {
			return Grade{}, fmt.Errorf("question %q is not answered", qu.ID)
		}
		if chosen < 0 || chosen >= len(qu.Options) {
			return Grade{}, fmt.Errorf("question %q has options 0 to %d; got %d", qu.ID, len(qu.Options)-1, chosen)
		}
		answer := slices.IndexFunc(qu.Options, func(o Option) bool { return o.Correct })
		r := Result{
			ID:          qu.ID,
			Chosen:      chosen,
			Correct:     qu.Options[chosen].Correct,
			Answer:      max(answer, 0),
			Explanation: qu.Options[chosen].Explanation,
		}
		if answer >= 0 {
			r.AnswerExplanation = qu.Options[answer].Explanation
		}
		if r.Correct {
			right++
		}
		g.Results = append(g.Results, r)
	}
	g.Score = right * 100 / len(q.Questions)
	g.Passed = g.Score >= q.Pass
	return g, nil
}
