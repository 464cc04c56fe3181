package scenario

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
)

func suggest(s string, set map[string]bool) string {
	if near := sbcm.Nearest(s, sortedKeys(set)); near != "" {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	return ""
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keys(set map[string]bool) string {
	if len(set) == 0 {
		return "(none)"
	}
	return strings.Join(sortedKeys(set), ", ")
}

// pendingCond is a condition read before all the names it may refer to are
// known; it is compiled once the whole file has been read.
type pendingCond struct {
	node *yaml.Node
	what label
	set  func(*Cond)
}

// requiredMeters are the meters every role play must declare: the client's
// reactions the Strengths Model names as its benefits.
var requiredMeters = []string{"rapport", "hope", "resistance"}

func (r *reader) roleplay(top *object, meta Meta, c *compiler) *Roleplay {
	rp := &Roleplay{Meta: meta}
	var pending []pendingCond
	n := &names{meters: map[string]bool{}, strengths: map[string]bool{}, beats: map[string]bool{}, flags: map[string]bool{}}

	// Meters, in the order written.
	if mv := top.node("meters"); mv == nil {
		top.missing("meters", fmt.Sprintf(" (declare at least %s, each with start, min and max)", strings.Join(requiredMeters, ", ")))
	} else if mv.Kind != yaml.MappingNode {
		r.errorf(posOf(mv), "meters must be a mapping from meter name to {start, min, max}, found %s", kindName(mv))
	} else {
		mo := r.object(mv, newLabel("meters", "", 0))
		for i := 0; i < mo.pairs(); i++ {
			k := mo.keyAt(i)
			if k == nil || k.Kind != yaml.ScalarNode || mo.isUsedDup(i) {
				continue // reported when the mapping was read
			}
			name := k.Value
			if !ValidID(name) {
				r.errorf(posOf(k), "meter name %q is not a valid id: use lower-case letters, digits, '-' and '_'", name)
			}
			o := r.object(mo.node(name), newLabel("meter", name, 0))
			m := Meter{Name: name, Pos: posOf(k)}
			m.Label, _ = o.str("label", false)
			var sp Pos
			m.Start, sp = o.integer("start", true, 0)
			m.Min, _ = o.integer("min", false, 0)
			m.Max, _ = o.integer("max", false, 100)
			o.finish()
			if m.Min >= m.Max {
				r.errorf(m.Pos, "meter %q: min (%d) must be below max (%d)", name, m.Min, m.Max)
			} else if m.Start < m.Min || m.Start > m.Max {
				r.errorf(sp, "meter %q: start %d is outside its bounds %d..%d", name, m.Start, m.Min, m.Max)
			}
			n.meters[name] = true
			rp.Meters = append(rp.Meters, m)
		}
		for _, req := range requiredMeters {
			if !n.meters[req] {
				r.errorf(posOf(mv), "meters: missing required meter %q (every role play declares %s)", req, strings.Join(requiredMeters, ", "))
			}
		}
	}

	// Hidden strengths.
	for i, sv := range top.list("strengths", false) {
		o := r.object(sv, newLabel("strength", "", i+1))
		s := Strength{Pos: posOf(sv)}
		s.ID, _ = o.id("id", true)
		if s.ID != "" {
			o.what.withID(s.ID)
			if n.strengths[s.ID] {
				r.errorf(s.Pos, "duplicate strength id %q; strength ids must be unique within a scenario", s.ID)
			}
			n.strengths[s.ID] = true
		}
		d, dp := o.str("domain", true)
		if d != "" {
			s.Domain, _ = vocab(r, dp, d, sbcm.ParseDomain)
		}
		s.Line, _ = o.str("line", true)
		s.Hint, _ = o.str("hint", false)
		if w := o.node("revealed_by"); w != nil {
			idx := len(rp.Strengths)
			pending = append(pending, pendingCond{w, o.what.under("revealed_by", 0), func(c *Cond) { rp.Strengths[idx].RevealedBy = c }})
		}
		o.finish()
		rp.Strengths = append(rp.Strengths, s)
	}

	// Beats.
	beatList := top.list("beats", false)
	if top.node("beats") == nil {
		top.missing("beats", " (a role play needs at least one beat)")
	}
	rp.Beats = make([]*Beat, 0, len(beatList))
	for i, bv := range beatList {
		o := r.object(bv, newLabel("beat", "", i+1))
		b := &Beat{Pos: posOf(bv)}
		b.ID, _ = o.id("id", true)
		if b.ID != "" {
			o.what.withID(b.ID)
			if n.beats[b.ID] {
				r.errorf(b.Pos, "duplicate beat id %q; beat ids must be unique within a scenario", b.ID)
			}
			n.beats[b.ID] = true
		}
		if line, _ := o.str("line", false); o.has("line") {
			b.Lines = append(b.Lines, line)
		}
		if o.has("lines") {
			if len(b.Lines) > 0 {
				r.errorf(b.Pos, "%s has both `line` and `lines`; use `line` for one line or `lines` for variants", o.what)
			}
			ls, _ := o.strs("lines")
			b.Lines = append(b.Lines, ls...)
		}
		if len(b.Lines) == 0 {
			r.errorf(b.Pos, "%s has no client line: add `line: ...` (or `lines:` with variants)", o.what)
		}
		b.Risk = vocabs(&o, "risk", sbcm.ParseRisk)
		optNodes := o.list("options", false)
		b.Options = make([]Option, 0, len(optNodes))
		for j, ov := range optNodes {
			b.Options = append(b.Options, r.option(ov, o.what.under("option", j+1)))
		}
		b.End, _ = o.id("end", false)
		trNodes := o.list("transitions", false)
		b.Transitions = make([]Transition, 0, len(trNodes))
		for j, tv := range trNodes {
			to := r.object(tv, o.what.under("transition", j+1))
			t := Transition{Pos: posOf(tv)}
			t.Goto, _ = to.id("goto", true)
			t.Effects = r.effects(to.node("effects"), to.what, n)
			if w := to.node("when"); w != nil {
				ti := len(b.Transitions)
				pending = append(pending, pendingCond{w, to.what, func(c *Cond) { b.Transitions[ti].When = c }})
				// Mark conditional even if it fails to compile, so the
				// default-transition check is not confused by a bad one.
				t.When = &Cond{Source: w.Value, Pos: posOf(w)}
			}
			to.finish()
			b.Transitions = append(b.Transitions, t)
		}
		o.finish()
		rp.Beats = append(rp.Beats, b)
	}
	start, sp := top.id("start", false)
	rp.Start = start
	if rp.Start == "" && len(rp.Beats) > 0 {
		rp.Start = rp.Beats[0].ID
	} else if rp.Start != "" && !n.beats[rp.Start] {
		r.errorf(sp, "start beat %q does not exist%s", rp.Start, suggest(rp.Start, n.beats))
	}

	// Outcomes.
	outcomes := map[string]bool{}
	if top.node("outcomes") == nil {
		top.missing("outcomes", " (name at least one way the role play can end)")
	}
	for i, ov := range top.list("outcomes", false) {
		o := r.object(ov, newLabel("outcome", "", i+1))
		out := Outcome{Pos: posOf(ov)}
		out.ID, _ = o.id("id", true)
		if out.ID != "" {
			o.what.withID(out.ID)
			if outcomes[out.ID] {
				r.errorf(out.Pos, "duplicate outcome id %q", out.ID)
			}
			outcomes[out.ID] = true
		}
		out.Title, _ = o.str("title", true)
		rating, rpos := o.str("rating", true)
		switch Rating(rating) {
		case Good, Mixed, Poor:
			out.Rating = Rating(rating)
		case "":
		default:
			r.errorf(rpos, "%s: unknown rating %q; use good, mixed or poor", o.what, rating)
		}
		out.Debrief, _ = o.str("debrief", false)
		o.finish()
		rp.Outcomes = append(rp.Outcomes, out)
	}

	// End rules.
	if ev := top.node("end"); ev != nil {
		o := r.object(ev, newLabel("end", "", 0))
		rp.End.Pos = posOf(ev)
		rp.End.MaxTurns, _ = o.integer("max_turns", false, 0)
		var op Pos
		rp.End.OnMaxTurns, op = o.id("on_max_turns", false)
		if rp.End.MaxTurns < 0 {
			r.errorf(rp.End.Pos, "end: max_turns must be positive")
		}
		if rp.End.MaxTurns > 0 && rp.End.OnMaxTurns == "" {
			r.errorf(rp.End.Pos, "end: max_turns is set but on_max_turns is not; name the outcome of a run that reaches the turn limit")
		}
		if rp.End.OnMaxTurns != "" && rp.End.MaxTurns == 0 {
			r.errorf(op, "end: on_max_turns is set but max_turns is not")
		}
		for i, rv := range o.list("rules", false) {
			ro := r.object(rv, newLabel("end rule", "", i+1))
			rule := EndRule{Pos: posOf(rv)}
			rule.Outcome, _ = ro.id("outcome", true)
			rule.Line, _ = ro.str("line", false)
			if w := ro.node("when"); w != nil {
				idx := len(rp.End.Rules)
				pending = append(pending, pendingCond{w, ro.what, func(c *Cond) { rp.End.Rules[idx].When = c }})
			} else {
				ro.missing("when", " (an end rule ends the run when its condition holds)")
			}
			ro.finish()
			rp.End.Rules = append(rp.End.Rules, rule)
		}
		o.finish()
	}

	for _, p := range pending {
		if cond := r.cond(p.node, p.what, c, n); cond != nil {
			p.set(cond)
		}
	}
	rp.index()
	r.checkRoleplay(rp, outcomes)
	return rp
}

func (r *reader) option(v *yaml.Node, what label) Option {
	o := r.object(v, what)
	opt := Option{Pos: posOf(v)}
	opt.Text, _ = o.str("text", true)
	f, fp := o.str("focus", true)
	if f != "" {
		opt.Focus, _ = vocab(r, fp, f, sbcm.ParseFocus)
	}
	opt.Skills = sbcm.SortSkills(vocabs(&o, "skills", sbcm.ParseSkill))
	opt.Domains = sbcm.SortDomains(vocabs(&o, "domains", sbcm.ParseDomain))
	opt.Note, _ = o.str("note", false)
	o.finish()
	return opt
}

func (r *reader) effects(v *yaml.Node, what label, n *names) Effects {
	var e Effects
	if v == nil {
		return e
	}
	o := r.object(v, what.under("effects", 0))
	if mv := o.node("meters"); mv != nil {
		mo := r.object(mv, what.under("effects meters", 0))
		for i := 0; i < mo.pairs(); i++ {
			k := mo.keyAt(i)
			if k == nil || k.Kind != yaml.ScalarNode || mo.isUsedDup(i) {
				continue // reported when the mapping was read
			}
			d, dp := mo.integer(k.Value, false, 0)
			if !n.meters[k.Value] {
				r.errorf(posOf(k), "%s: unknown meter %q%s; declared meters: %s", what, k.Value, suggest(k.Value, n.meters), keys(n.meters))
			}
			if d == 0 {
				r.errorf(dp, "%s: meter %q changes by 0; remove it or give a change like +10 or -5", what, k.Value)
			}
			e.Meters = append(e.Meters, MeterDelta{k.Value, d})
		}
	}
	var ns []*yaml.Node
	e.Reveal, ns = o.strs("reveal")
	for i, s := range e.Reveal {
		if !n.strengths[s] {
			r.errorf(posOf(ns[i]), "%s: reveal names unknown strength %q%s; this scenario's strengths: %s", what, s, suggest(s, n.strengths), keys(n.strengths))
		}
	}
	for _, key := range []string{"flags", "clear"} {
		ss, ns := o.strs(key)
		for i, s := range ss {
			if !ValidID(s) {
				r.errorf(posOf(ns[i]), "%s: flag %q is not a valid name: use lower-case letters, digits, '-' and '_'", what, s)
			}
			if key == "flags" {
				n.flags[s] = true
			}
		}
		if key == "flags" {
			e.Flags = ss
		} else {
			e.Clear = ss
		}
	}
	o.finish()
	return e
}

func (rp *Roleplay) index() {
	rp.beatIndex = make(map[string]int, len(rp.Beats))
	for i, b := range rp.Beats {
		if _, dup := rp.beatIndex[b.ID]; !dup {
			rp.beatIndex[b.ID] = i
		}
	}
	rp.strengthIndex = map[string]int{}
	for i, s := range rp.Strengths {
		if _, dup := rp.strengthIndex[s.ID]; !dup {
			rp.strengthIndex[s.ID] = i
		}
	}
	rp.outcomeIndex = map[string]int{}
	for i, o := range rp.Outcomes {
		if _, dup := rp.outcomeIndex[o.ID]; !dup {
			rp.outcomeIndex[o.ID] = i
		}
	}
	rp.meterIndex = map[string]int{}
	for i, m := range rp.Meters {
		rp.meterIndex[m.Name] = i
	}
}

// outcomeNames lists the outcome ids for messages.
func (rp *Roleplay) outcomeNames() string {
	ids := make([]string, len(rp.Outcomes))
	for i, o := range rp.Outcomes {
		ids[i] = o.ID
	}
	slices.Sort(ids)
	return strings.Join(ids, ", ")
}
