package practice

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/score"
)

// Scorer labels an utterance; *score.Scorer is one.
type Scorer interface {
	Score(text, context string) score.Result
}

// Answer is a trainee's answer to one task. Which fields count depends on
// the task's type.
type Answer struct {
	// Text is the answer to list-strengths (one strength a line) and
	// rewrite tasks.
	Text string `json:"text,omitempty"`
	// Goal is the answer to a goal task.
	Goal GoalAnswer `json:"goal,omitempty"`
	// Choice is the 1-based option chosen in a choice task.
	Choice int `json:"choice,omitempty"`
}

// GoalAnswer is a personal-roadmap entry.
type GoalAnswer struct {
	Goal      string `json:"goal"`
	Objective string `json:"objective"`
	Strategy  string `json:"strategy"`
	// Target is a date, preferably YYYY-MM-DD.
	Target string `json:"target"`
}

// Feedback is the result of checking one answer.
type Feedback struct {
	Task   string `json:"task"`
	Passed bool   `json:"passed"`
	// Summary is one sentence on the whole answer.
	Summary string `json:"summary"`
	// Items are the parts of the answer, each with its own verdict.
	Items []Item `json:"items,omitempty"`
	// Score is the scorer's judgement of a rewrite.
	Score *score.Result `json:"score,omitempty"`
	// Example is a model answer, shown once the task is checked.
	Example string `json:"example,omitempty"`
	// Missed lists strengths the trainee did not find, shown once the
	// task passes (before that, the trainee keeps looking).
	Missed []Item `json:"missed,omitempty"`
}

// Item is the verdict on one part of an answer.
type Item struct {
	Label string `json:"label"`
	OK    bool   `json:"ok"`
	Note  string `json:"note"`
}

// MaxAnswer is the longest answer checked, in bytes.
const MaxAnswer = 8000

// Errors for answers that cannot be checked.
var (
	ErrNoTask      = errors.New("no such task")
	ErrEmptyAnswer = errors.New("the answer is empty")
	ErrTooLong     = fmt.Errorf("the answer is longer than %d characters", MaxAnswer)
)

// Check checks an answer to the task with the given id. today is used to
// judge target dates.
func Check(c *scenario.Case, taskID string, ans Answer, s Scorer, today time.Time) (Feedback, error) {
	i := slices.IndexFunc(c.Tasks, func(t scenario.Task) bool { return t.ID == taskID })
	if i < 0 {
		return Feedback{}, fmt.Errorf("%w %q in case %q", ErrNoTask, taskID, c.ID)
	}
	t := &c.Tasks[i]
	if len(ans.Text)+len(ans.Goal.Goal)+len(ans.Goal.Objective)+len(ans.Goal.Strategy)+len(ans.Goal.Target) > MaxAnswer {
		return Feedback{}, ErrTooLong
	}
	switch t.Type {
	case scenario.TaskListStrengths:
		if strings.TrimSpace(ans.Text) == "" {
			return Feedback{}, ErrEmptyAnswer
		}
		return ListStrengths(c, t, ans.Text, s), nil
	case scenario.TaskRewrite:
		if strings.TrimSpace(ans.Text) == "" {
			return Feedback{}, ErrEmptyAnswer
		}
		return Rewrite(t, ans.Text, s), nil
	case scenario.TaskGoal:
		g := ans.Goal
		if strings.TrimSpace(g.Goal+g.Objective+g.Strategy+g.Target) == "" {
			return Feedback{}, ErrEmptyAnswer
		}
		return Goal(t, g, s, today), nil
	case scenario.TaskChoice:
		if ans.Choice < 1 || ans.Choice > len(t.Options) {
			return Feedback{}, fmt.Errorf("choose an option from 1 to %d", len(t.Options))
		}
		return Choice(t, ans.Choice), nil
	}
	return Feedback{}, fmt.Errorf("task %q has an unknown type %q", t.ID, t.Type)
}

// ListStrengths matches each line of the answer to the case's hidden
// strengths by their cue words, using the life domains the line talks
// about to choose between strengths that share a cue.
func ListStrengths(c *scenario.Case, t *scenario.Task, answer string, s Scorer) Feedback {
	fb := Feedback{Task: t.ID}
	found := map[string]bool{}
	for _, line := range splitItems(answer) {
		norm := normalise(line)
		best, bestScore := -1, 0
		res := s.Score(line, "")
		for i, st := range c.Strengths {
			n := 0
			for _, cue := range st.Cues {
				if containsCue(norm, cue) {
					n += 2
				}
			}
			if n > 0 && slices.Contains(res.Domains, st.Domain) {
				n++
			}
			if n > bestScore {
				best, bestScore = i, n
			}
		}
		item := Item{Label: line}
		switch {
		case best >= 0 && found[c.Strengths[best].ID]:
			item.Note = "already counted: " + c.Strengths[best].Note
		case best >= 0:
			found[c.Strengths[best].ID] = true
			item.OK = true
			item.Note = fmt.Sprintf("%s: %s", sbcm.DomainTitles[c.Strengths[best].Domain], c.Strengths[best].Note)
		case res.Focus == sbcm.Deficit:
			item.Note = "this reads as a problem rather than a strength; what does the person do, have or want?"
		default:
			item.Note = "not one of the strengths this case hides; it may still be true, so talk it over with your trainer"
		}
		fb.Items = append(fb.Items, item)
	}
	fb.Passed = len(found) >= t.Min
	fb.Summary = fmt.Sprintf("You found %d of the %d strengths in this case; the task asks for %d.", len(found), len(c.Strengths), t.Min)
	if fb.Passed {
		for _, st := range c.Strengths {
			if !found[st.ID] {
				fb.Missed = append(fb.Missed, Item{Label: sbcm.DomainTitles[st.Domain], Note: st.Note})
			}
		}
		if len(fb.Missed) > 0 {
			fb.Summary += " Here are the ones you did not list."
		}
	} else {
		fb.Summary += " Read the case again and look across the life domains: work, home, people, health, leisure, money, faith and culture."
	}
	return fb
}

// Rewrite passes when the scorer finds the rewritten statement
// strengths-focused and it is not the original with a few words changed.
func Rewrite(t *scenario.Task, answer string, s Scorer) Feedback {
	res := s.Score(answer, "")
	fb := Feedback{Task: t.ID, Score: &res, Example: t.Example}
	same := overlap(contentWords(answer), contentWords(t.Statement))
	switch {
	case same >= 0.8:
		fb.Summary = "This keeps most of the original wording. Start from what the person can do or wants, not from the problem."
	case res.Focus == sbcm.Strengths || res.Focus == sbcm.Neutral && hasEvidence(res, sbcm.Strengths) && !hasEvidence(res, sbcm.Deficit):
		// A rewritten case note describes the person rather than speaking
		// to them, so a plain statement of their strengths counts.
		fb.Passed = true
		fb.Summary = "Strengths-focused: it turns attention to what the person can do, wants or has."
	case res.Focus == sbcm.Deficit:
		fb.Summary = "This still reads as deficit-focused. " + res.Tip
	default:
		fb.Summary = fmt.Sprintf("This reads as %s rather than strengths-focused. Name a strength, a hope or a resource of the person's.", res.Focus)
	}
	return fb
}

var (
	digits       = regexp.MustCompile(`\d`)
	numberWords  = regexp.MustCompile(`\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|once|twice|daily|weekly|monthly|every|each|per|half|a week|a day|a month)\b`)
	vagueWords   = regexp.MustCompile(`\b(better|improve|improved|more stable|stable|work on|try to|be happier|feel good|get well|deal with|cope|manage my life|sort (it|things) out)\b`)
	timeWords    = regexp.MustCompile(`\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|today|next week|this week|by the|by [a-z]+ \d|on the \d|morning|afternoon|evening|january|february|march|april|may|june|july|august|september|october|november|december|\d{1,2}(st|nd|rd|th)|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2})\b`)
	actorWords   = regexp.MustCompile(`\b(i|i'll|i will|we|we'll|you|he|she|they|his|her|the worker|worker|case manager|cm|client)\b`)
	agencySpeak  = regexp.MustCompile(`\b(comply|complian(t|ce)|client will|patient will|must|needs to|is required|will attend|engage with services|adhere)\b`)
	firstPerson  = regexp.MustCompile(`^\W*(i|i'd|i'm|i've|i want|my|me)\b`)
	targetLayout = []string{"2006-01-02", "2 January 2006", "January 2, 2006", "2 Jan 2006", "Jan 2, 2006", "02/01/2006"}
)

// Goal checks the four parts of a roadmap entry.
func Goal(t *scenario.Task, g GoalAnswer, s Scorer, today time.Time) Feedback {
	fb := Feedback{Task: t.ID, Example: t.Example}
	goal := strings.TrimSpace(g.Goal)
	gi := Item{Label: "Goal"}
	var best float64
	for _, w := range t.ClientWords {
		best = max(best, overlap(contentWords(goal), contentWords(w)))
	}
	gl := strings.ToLower(strings.Trim(goal, `"'“”‘’ `))
	switch {
	case goal == "":
		gi.Note = "Write the goal: what the person wants, in their own words."
	case agencySpeak.MatchString(gl):
		gi.Note = "This reads as the agency's goal. Use what the person said they want, in their words."
	case best >= 0.5 || firstPerson.MatchString(gl):
		gi.OK = true
		gi.Note = "In the person's own words."
	default:
		gi.Note = fmt.Sprintf("Use the person's own words, for example: %q. The goal is theirs, not the case manager's.", t.ClientWords[0])
	}
	obj := strings.ToLower(strings.TrimSpace(g.Objective))
	oi := Item{Label: "Objective"}
	measurable := digits.MatchString(obj) || numberWords.MatchString(obj)
	switch {
	case obj == "":
		oi.Note = "Write an objective: a specific, measurable step towards the goal."
	case !measurable && vagueWords.MatchString(obj):
		oi.Note = "This is too vague to tell whether it has been done. Make it specific and measurable: how many, how often, by when."
	case !measurable:
		oi.Note = "Add a number or frequency so there is no doubt whether it has been done (for example: three viewings, twice a week)."
	case len(strings.Fields(obj)) < 3:
		oi.Note = "Say what will be done, not just a number."
	default:
		oi.OK = true
		oi.Note = "Specific and measurable."
	}
	str := strings.ToLower(strings.TrimSpace(g.Strategy))
	si := Item{Label: "Strategy"}
	switch {
	case str == "":
		si.Note = "Write a strategy: the first small step, who does it, and when."
	case !actorWords.MatchString(str) && !hasName(g.Strategy):
		si.Note = "Say who does this step: the person, the worker, or someone else."
	case !timeWords.MatchString(str):
		si.Note = "Say when this step happens (a day or a date): a strategy is a dated baby step."
	default:
		si.OK = true
		si.Note = "A concrete step with who and when."
	}
	ti := Item{Label: "Target date"}
	target, err := parseDate(strings.TrimSpace(g.Target))
	switch {
	case strings.TrimSpace(g.Target) == "":
		ti.Note = "Give a target date (YYYY-MM-DD)."
	case err != nil:
		ti.Note = fmt.Sprintf("%q is not a date we can read; write it as YYYY-MM-DD.", g.Target)
	case !target.After(today):
		ti.Note = "The target date has to be in the future."
	case target.After(today.AddDate(2, 0, 0)):
		ti.Note = "More than two years away: pick a nearer, realistic date and review it at every meeting."
	default:
		ti.OK = true
		ti.Note = "A realistic date to review against."
	}
	fb.Items = []Item{gi, oi, si, ti}
	n := 0
	for _, it := range fb.Items {
		if it.OK {
			n++
		}
	}
	fb.Passed = n == len(fb.Items)
	if fb.Passed {
		fb.Summary = "All four parts are in place: the person's goal, a measurable objective, a dated strategy and a realistic target date."
	} else {
		fb.Summary = fmt.Sprintf("%d of 4 parts are in place; see the notes.", n)
	}
	return fb
}

// Choice checks a multiple-choice answer and explains the option chosen.
func Choice(t *scenario.Task, choice int) Feedback {
	o := t.Options[choice-1]
	fb := Feedback{Task: t.ID, Passed: o.Correct, Items: []Item{{Label: o.Text, OK: o.Correct, Note: o.Explanation}}}
	if o.Correct {
		fb.Summary = "Right."
	} else {
		fb.Summary = "Not quite; read why, then try again."
	}
	return fb
}

func hasEvidence(r score.Result, f sbcm.Focus) bool {
	return r.Leanings[slices.Index(sbcm.Foci, f)] > 0
}

func parseDate(s string) (time.Time, error) {
	for _, l := range targetLayout {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date")
}

func hasName(s string) bool {
	for _, w := range strings.Fields(s)[1:] {
		r := []rune(w)
		if len(r) > 1 && unicode.IsUpper(r[0]) {
			return true
		}
	}
	return false
}

// splitItems splits a list answer into items: lines, bullets, semicolons.
func splitItems(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ';' }) {
		part = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(part), "-*•·0123456789.) "))
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func normalise(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return " " + strings.TrimSpace(b.String()) + " "
}

// containsCue reports whether the normalised text has the cue as whole
// words, allowing endings on its last word ("garden" matches "gardening").
func containsCue(norm, cue string) bool {
	c := strings.TrimSpace(normalise(cue))
	return c != "" && strings.Contains(norm, " "+c)
}

var stop = map[string]bool{"the": true, "a": true, "an": true, "to": true, "and": true, "of": true, "in": true, "for": true, "on": true, "at": true, "is": true, "be": true, "i": true, "my": true, "me": true, "want": true, "would": true, "like": true, "get": true, "can": true, "with": true, "where": true, "so": true, "that": true, "it": true, "she": true, "he": true, "her": true, "his": true, "they": true, "their": true}

func contentWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(normalise(s)) {
		w = strings.Trim(w, "'")
		if len(w) > 2 && !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// overlap is the share of a's words found in b.
func overlap(a, b []string) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			n++
		}
	}
	return float64(n) / float64(len(a))
}
