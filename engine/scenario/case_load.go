package scenario

import (
	"fmt"
	"slices"
	"strings"

	"oasis/engine/sbcm"
)

func (r *reader) practiceCase(top *object, meta Meta) *Case {
	c := &Case{Meta: meta}
	c.Vignette, _ = top.str("vignette", true)
	ids := map[string]bool{}
	for i, sv := range top.list("strengths", false) {
		o := r.object(sv, newLabel("strength", "", i+1))
		s := CaseStrength{Pos: posOf(sv)}
		s.ID, _ = o.id("id", true)
		if s.ID != "" {
			o.what.withID(s.ID)
			if ids[s.ID] {
				r.errorf(s.Pos, "duplicate strength id %q", s.ID)
			}
			ids[s.ID] = true
		}
		d, dp := o.str("domain", true)
		if d != "" {
			s.Domain, _ = vocab(r, dp, d, sbcm.ParseDomain)
		}
		s.Cues, _ = o.strs("cues")
		if len(s.Cues) == 0 {
			o.missing("cues", " (the words that show a trainee has spotted this strength)")
		}
		for j, cue := range s.Cues {
			s.Cues[j] = strings.ToLower(strings.TrimSpace(cue))
		}
		s.Note, _ = o.str("note", true)
		o.finish()
		c.Strengths = append(c.Strengths, s)
	}

	taskIDs := map[string]bool{}
	if top.node("tasks") == nil {
		top.missing("tasks", " (a practice case needs at least one task)")
	}
	for i, tv := range top.list("tasks", false) {
		o := r.object(tv, newLabel("task", "", i+1))
		t := Task{Pos: posOf(tv)}
		t.ID, _ = o.id("id", true)
		if t.ID != "" {
			o.what.withID(t.ID)
			if taskIDs[t.ID] {
				r.errorf(t.Pos, "duplicate task id %q", t.ID)
			}
			taskIDs[t.ID] = true
		}
		typ, tp := o.str("type", true)
		t.Type = TaskType(typ)
		if typ != "" && !slices.Contains(TaskTypes, t.Type) {
			names := make([]string, len(TaskTypes))
			for i, tt := range TaskTypes {
				names[i] = string(tt)
			}
			msg := fmt.Sprintf("%s: unknown task type %q", o.what, typ)
			if near := sbcm.Nearest(typ, names); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			r.errorf(tp, "%s; use one of: %s", msg, strings.Join(names, ", "))
		}
		t.Prompt, _ = o.str("prompt", true)
		switch t.Type {
		case TaskListStrengths:
			var mp Pos
			t.Min, mp = o.integer("min", false, 3)
			if t.Min < 1 {
				r.errorf(mp, "%s: min must be at least 1", o.what)
			}
			if t.Min > len(c.Strengths) {
				r.errorf(mp, "%s asks for %d strengths but the case hides only %d; add strengths or lower min", o.what, t.Min, len(c.Strengths))
			}
		case TaskRewrite:
			t.Statement, _ = o.str("statement", true)
			t.Example, _ = o.str("example", false)
		case TaskGoal:
			t.ClientWords, _ = o.strs("client_words")
			if len(t.ClientWords) == 0 {
				o.missing("client_words", " (what the client said they want, so the goal can be checked for their own words)")
			}
			t.Example, _ = o.str("example", false)
		case TaskChoice:
			correct := 0
			for j, ov := range o.list("options", false) {
				co := r.object(ov, o.what.under("option", j+1))
				var ch Choice
				ch.Text, _ = co.str("text", true)
				ch.Correct = co.boolean("correct")
				ch.Explanation, _ = co.str("explanation", true)
				co.finish()
				if ch.Correct {
					correct++
				}
				t.Options = append(t.Options, ch)
			}
			if len(t.Options) < 2 {
				r.errorf(t.Pos, "%s: a choice task needs at least two options", o.what)
			} else if correct == 0 {
				r.errorf(t.Pos, "%s: no option is marked `correct: true`", o.what)
			}
		}
		o.finish()
		c.Tasks = append(c.Tasks, t)
	}
	return c
}
