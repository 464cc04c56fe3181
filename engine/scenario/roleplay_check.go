package scenario

import (
	"slices"
)

// checkRoleplay checks the shape of the conversation as a graph: every goto
// lands on a beat, every beat can be reached, every beat has a default way
// out, and every run can end.
func (r *reader) checkRoleplay(rp *Roleplay, outcomes map[string]bool) {
	usedOutcomes := map[string]bool{}
	useOutcome := func(id string, p Pos, what label) {
		if id == "" {
			return
		}
		usedOutcomes[id] = true
		if !outcomes[id] {
			r.errorf(p, "%s names unknown outcome %q%s; outcomes: %s", what, id, suggest(id, outcomes), rp.outcomeNames())
		}
	}
	beats := map[string]bool{}
	for _, b := range rp.Beats {
		beats[b.ID] = true
	}
	for _, b := range rp.Beats {
		what := newLabel("beat", b.ID, 0)
		if b.End != "" {
			useOutcome(b.End, b.Pos, what)
			if len(b.Transitions) > 0 {
				r.errorf(b.Pos, "%s is an end beat (end: %s) but also has transitions; an end beat closes the run, so remove one or the other", what, b.End)
			}
			if len(b.Options) > 0 {
				r.errorf(b.Pos, "%s is an end beat but offers options; the trainee does not answer an end beat", what)
			}
			continue
		}
		if len(b.Transitions) == 0 {
			r.errorf(b.Pos, "%s has no transitions: add `transitions:` ending with a default `- goto: ...`, or make it an end beat with `end: <outcome>`", what)
			continue
		}
		for i, t := range b.Transitions {
			last := i == len(b.Transitions)-1
			if t.Goto != "" && !beats[t.Goto] {
				r.errorf(t.Pos, "%s transition %d: goto names unknown beat %q%s", what, i+1, t.Goto, suggest(t.Goto, beats))
			}
			if t.When == nil && !last {
				r.errorf(t.Pos, "%s transition %d has no `when` but is not the last; the transitions after it can never be taken (only the last transition is the default)", what, i+1)
			}
			if t.When != nil && last {
				r.errorf(t.Pos, "%s has no default transition: its last transition has a `when`; add a final `- goto: ...` without `when` for responses nothing else matches", what)
			}
		}
	}
	if rp.End.OnMaxTurns != "" {
		useOutcome(rp.End.OnMaxTurns, rp.End.Pos, newLabel("end: on_max_turns", "", 0))
	}
	for i, rule := range rp.End.Rules {
		useOutcome(rule.Outcome, rule.Pos, newLabel("end rule", "", i+1))
	}
	for _, o := range rp.Outcomes {
		if o.ID != "" && !usedOutcomes[o.ID] {
			r.errorf(o.Pos, "outcome %q is never reached: no end beat, end rule or on_max_turns names it", o.ID)
		}
	}

	// Strengths must be revealable.
	revealed := map[string]bool{}
	for _, b := range rp.Beats {
		for _, t := range b.Transitions {
			for _, s := range t.Effects.Reveal {
				revealed[s] = true
			}
		}
	}
	for _, s := range rp.Strengths {
		if s.ID != "" && s.RevealedBy == nil && !revealed[s.ID] {
			r.errorf(s.Pos, "strength %q can never be revealed: give it `revealed_by: <condition>` or name it in a transition's `effects: {reveal: [%s]}`", s.ID, s.ID)
		}
	}

	start, ok := rp.Beat(rp.Start)
	if !ok {
		return
	}
	// Reachability from the start, ignoring conditions.
	reach := map[string]bool{start.ID: true}
	queue := []*Beat{start}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		for _, t := range b.Transitions {
			if nb, ok := rp.Beat(t.Goto); ok && !reach[nb.ID] {
				reach[nb.ID] = true
				queue = append(queue, nb)
			}
		}
	}
	for _, b := range rp.Beats {
		if b.ID != "" && !reach[b.ID] {
			r.errorf(b.Pos, "beat %q is unreachable: no transition from the start beat %q leads to it", b.ID, rp.Start)
		}
	}

	// Can every run end? A run ends at an end beat, by an end rule or by the
	// turn limit. Without rules or a limit, every reachable beat must have a
	// path to an end beat.
	canEnd := map[string]bool{}
	for _, b := range rp.Beats {
		if b.End != "" {
			canEnd[b.ID] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, b := range rp.Beats {
			if canEnd[b.ID] {
				continue
			}
			if slices.ContainsFunc(b.Transitions, func(t Transition) bool { return canEnd[t.Goto] }) {
				canEnd[b.ID] = true
				changed = true
			}
		}
	}
	if rp.End.MaxTurns > 0 || len(rp.End.Rules) > 0 {
		if !canEnd[start.ID] && rp.End.MaxTurns > 0 && len(rp.End.Rules) == 0 {
			r.errorf(start.Pos, "no end beat can be reached from the start beat %q: every run would end by the turn limit; add an end beat (`end: <outcome>`)", start.ID)
		}
		return
	}
	for _, b := range rp.Beats {
		if reach[b.ID] && !canEnd[b.ID] && b.ID != "" {
			r.errorf(b.Pos, "a run that reaches beat %q can never end: no path from it leads to an end beat, and there is no end rule or max_turns; add one", b.ID)
		}
	}
}
