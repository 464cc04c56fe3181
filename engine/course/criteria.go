package course

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RunFacts is what a requirement is checked against: the facts of one
// ended run, gathered by the caller from wherever runs are stored.
type RunFacts struct {
	RunID    string
	Scenario string
	// Kind is "roleplay" or "case".
	Kind string
	// Mode is "free" or "beginner".
	Mode    string
	EndedAt time.Time
	// Outcome, OutcomeTitle and Rating describe how a role play ended.
	Outcome, OutcomeTitle, Rating string
	// The session measures; nil when the run had none (no questions, say).
	StrengthsRatio, OpenShare, ReflectionsPerQuestion *float64
	Overall, StrengthsRevealed, MissedRisk            int
	// TasksPassed and TasksTotal count a practice case's tasks.
	TasksPassed, TasksTotal int
}

// Describe says in plain English what the criteria ask of a run of a
// scenario of the given kind ("roleplay" or "case"), one line per
// criterion, in the order of the course format. It never returns an empty
// list: with no criteria, a role play asks for a finished run and a case
// for every task passed.
func (c Criteria) Describe(kind string) []string {
	var out []string
	for _, cr := range c.checks() {
		out = append(out, cr.line)
	}
	if kind == "case" {
		out = append(out, caseLine)
	}
	if len(out) == 0 {
		out = append(out, "a finished run")
	}
	return out
}

const caseLine = "every task passed"

// check is one criterion: its description and how a run measures up.
type check struct {
	line string
	// eval returns whether the run meets the criterion and its value as
	// shown to the trainee.
	eval func(f RunFacts) (bool, string)
}

func (c Criteria) checks() []check {
	var out []check
	if len(c.Outcomes) > 0 {
		names := make([]string, len(c.Outcomes))
		for i, id := range c.Outcomes {
			names[i] = id
			if i < len(c.outcomeTitles) && c.outcomeTitles[i] != "" {
				names[i] = c.outcomeTitles[i]
			}
		}
		line := "ends with " + names[0]
		if len(names) > 1 {
			line = "ends with one of: " + strings.Join(names, ", ")
		}
		out = append(out, check{line, func(f RunFacts) (bool, string) {
			shown := cmp.Or(f.OutcomeTitle, f.Outcome, "none")
			return f.Outcome != "" && slices.Contains(c.Outcomes, f.Outcome), shown
		}})
	}
	if len(c.Ratings) > 0 {
		out = append(out, check{"ends with " + article(orList(c.Ratings)) + " outcome", func(f RunFacts) (bool, string) {
			return f.Rating != "" && slices.Contains(c.Ratings, f.Rating), cmp.Or(f.Rating, "none")
		}})
	}
	atLeast := func(name string, want *float64, got func(RunFacts) *float64) {
		if want == nil {
			return
		}
		out = append(out, check{name + " at least " + formatFloat(*want), func(f RunFacts) (bool, string) {
			v := got(f)
			if v == nil {
				return false, "none"
			}
			return *v >= *want, formatMeasure(*v)
		}})
	}
	atLeast("strengths ratio", c.StrengthsRatio, func(f RunFacts) *float64 { return f.StrengthsRatio })
	atLeast("share of open questions", c.OpenShare, func(f RunFacts) *float64 { return f.OpenShare })
	atLeast("reflections per question", c.ReflectionsPerQuestion, func(f RunFacts) *float64 { return f.ReflectionsPerQuestion })
	if c.Overall != nil {
		want := *c.Overall
		out = append(out, check{fmt.Sprintf("overall score at least %d", want), func(f RunFacts) (bool, string) {
			return f.Overall >= want, strconv.Itoa(f.Overall)
		}})
	}
	if c.StrengthsRevealed != nil {
		want := *c.StrengthsRevealed
		out = append(out, check{fmt.Sprintf("at least %s revealed", count(want, "strength")), func(f RunFacts) (bool, string) {
			return f.StrengthsRevealed >= want, strconv.Itoa(f.StrengthsRevealed)
		}})
	}
	if c.MissedRisk != nil {
		want := *c.MissedRisk
		line := "no missed risk cue"
		if want > 0 {
			line = fmt.Sprintf("at most %s", count(want, "missed risk cue"))
		}
		out = append(out, check{line, func(f RunFacts) (bool, string) {
			return f.MissedRisk <= want, strconv.Itoa(f.MissedRisk)
		}})
	}
	return out
}

// Check says whether a run meets the requirement and, when it does not,
// what it lacked: each unmet line is the criterion followed by the run's
// value, such as "strengths ratio at least 0.8 (this run: 0.62)".
func (p Practice) Check(f RunFacts) (met bool, unmet []string) {
	if f.Scenario != p.Scenario {
		return false, []string{"a run of " + cmp.Or(p.Title, p.Scenario)}
	}
	if p.Mode != "" && p.Mode != ModeAny && f.Mode != p.Mode {
		unmet = append(unmet, fmt.Sprintf("played in %s mode (this run: %s)", p.Mode, cmp.Or(f.Mode, "unknown")))
	}
	for _, c := range p.Pass.checks() {
		if ok, got := c.eval(f); !ok {
			unmet = append(unmet, fmt.Sprintf("%s (this run: %s)", c.line, got))
		}
	}
	if cmp.Or(p.Kind, f.Kind) == "case" && (f.TasksTotal == 0 || f.TasksPassed != f.TasksTotal) {
		unmet = append(unmet, fmt.Sprintf("%s (this run: %d of %d)", caseLine, f.TasksPassed, f.TasksTotal))
	}
	return len(unmet) == 0, unmet
}

// formatFloat shows a threshold as written: 0.8, 1, 0.75.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// formatMeasure shows a run's measure to two decimals, rounded down, so a
// value that falls short never looks as if it met the threshold (0.795
// against 0.8 shows as 0.79, not 0.8).
func formatMeasure(v float64) string {
	return strconv.FormatFloat(math.Floor(v*100+1e-9)/100, 'f', -1, 64)
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func article(phrase string) string {
	if phrase != "" && strings.ContainsRune("aeiou", rune(phrase[0])) {
		return "an " + phrase
	}
	return "a " + phrase
}
