package course

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"oasis/engine/scenario"
)

// roleplayOnly lists the criteria only a role play run has measures for.
// A practice case run is a set of checked tasks (see engine/practice): it
// has no outcome, no scored conversation and no risk cues, so it passes
// when every task has passed and takes no criteria.
var roleplayOnly = []string{"outcome", "rating", "strengths_ratio", "open_share", "reflections_per_question", "overall", "strengths_revealed", "missed_risk"}

var ratings = []string{string(scenario.Good), string(scenario.Mixed), string(scenario.Poor)}

func (p *fileParser) practice(r *reader, pv *yaml.Node, what string) Practice {
	o := r.object(pv, what)
	pr := Practice{Mode: ModeAny}
	pr.ID, _ = o.id("id", true)
	if pr.ID != "" {
		o.what = fmt.Sprintf("practice %q", pr.ID)
	}
	id, sp := o.str("scenario", true, " (the id of a role play or practice case)")
	pr.Scenario = id
	var rp *scenario.Roleplay
	known := false
	if id != "" {
		if sc, ok := p.lib.Get(id); ok {
			known = true
			pr.Title = sc.Info().Title
			pr.Kind = string(sc.Info().Kind)
			rp, _ = sc.(*scenario.Roleplay)
		} else {
			ids := p.scenarioIDs()
			hint := "the library is empty"
			switch {
			case len(ids) > 0 && len(ids) <= 12:
				hint = "known scenarios: " + strings.Join(ids, ", ")
			case len(ids) > 12:
				hint = "use the id of a role play or case in the library"
			}
			r.errorf(sp, "%s: scenario %q is not in the library%s; %s", o.what, truncate(id, 70), r.nearest(id, ids), hint)
		}
	}
	if mode, mp := o.str("mode", false, ""); mode != "" {
		switch mode {
		case ModeAny, ModeFree, ModeBeginner:
			pr.Mode = mode
		default:
			r.errorf(mp, "%s: unknown mode %q%s; use free, beginner or any", o.what, truncate(mode, 40), r.nearest(mode, []string{ModeAny, ModeFree, ModeBeginner}))
		}
	}
	if cv := o.node("pass"); cv != nil {
		co := r.object(cv, o.what+" pass")
		pr.Pass = criteria(r, co, rp)
		if known && rp == nil && co.m != nil {
			var given []string
			first := scenario.Pos{}
			for _, k := range roleplayOnly {
				if kn, _ := co.field(k); kn != nil {
					given = append(given, k)
					if first.Line == 0 {
						first = posOf(kn)
					}
				}
			}
			if len(given) > 0 {
				r.errorf(first, "%s: criteria (%s) make no sense for a practice case: %q passes when every task has passed; remove them", o.what, strings.Join(given, ", "), id)
			}
		}
		co.finish()
	}
	o.finish()
	return pr
}

func (p *fileParser) scenarioIDs() []string {
	ids := make([]string, 0, len(p.lib.Roleplays)+len(p.lib.Cases))
	for id := range p.lib.Roleplays {
		ids = append(ids, id)
	}
	for id := range p.lib.Cases {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// criteria reads a pass block. rp is the role play it applies to, or nil
// when the scenario is unknown or a case; checks against the role play's
// outcomes and strengths are made only when it is known.
func criteria(r *reader, o *object, rp *scenario.Roleplay) Criteria {
	var c Criteria
	outs, outPos := o.strs("outcome")
	var outcomeIDs []string
	if rp != nil {
		for _, oc := range rp.Outcomes {
			outcomeIDs = append(outcomeIDs, oc.ID)
		}
	}
	for i, id := range outs {
		if slices.Contains(c.Outcomes, id) {
			r.errorf(outPos[i], "%s: outcome %q is listed twice; list it once", o.what, truncate(id, 40))
			continue
		}
		title := ""
		if rp != nil {
			oc, ok := rp.Outcome(id)
			if !ok {
				r.errorf(outPos[i], "%s: role play %q has no outcome %q%s; its outcomes are: %s", o.what, rp.ID, truncate(id, 70), r.nearest(id, outcomeIDs), strings.Join(outcomeIDs, ", "))
				continue
			}
			title = oc.Title
		}
		c.Outcomes = append(c.Outcomes, id)
		c.outcomeTitles = append(c.outcomeTitles, title)
	}
	rts, rtPos := o.strs("rating")
	for i, rt := range rts {
		switch {
		case !slices.Contains(ratings, rt):
			r.errorf(rtPos[i], "%s: unknown rating %q%s; use good, mixed or poor", o.what, truncate(rt, 40), r.nearest(rt, ratings))
			continue
		case slices.Contains(c.Ratings, rt):
			r.errorf(rtPos[i], "%s: rating %q is listed twice; list it once", o.what, rt)
			continue
		}
		if rp != nil && !slices.ContainsFunc(rp.Outcomes, func(oc scenario.Outcome) bool { return string(oc.Rating) == rt }) {
			r.errorf(rtPos[i], "%s: role play %q has no outcome rated %s; its outcomes are rated: %s", o.what, rp.ID, rt, strings.Join(outcomeRatings(rp), ", "))
			continue
		}
		c.Ratings = append(c.Ratings, rt)
	}
	if rp != nil && len(c.Outcomes) > 0 && len(c.Ratings) > 0 && len(outs) == len(c.Outcomes) && len(rts) == len(c.Ratings) {
		possible := slices.ContainsFunc(c.Outcomes, func(id string) bool {
			oc, _ := rp.Outcome(id)
			return oc != nil && slices.Contains(c.Ratings, string(oc.Rating))
		})
		if !possible {
			r.errorf(rtPos[0], "%s: none of the outcomes listed is rated %s, so no run can meet both; drop `rating` or change the outcomes", o.what, strings.Join(c.Ratings, " or "))
		}
	}

	ratio := func(key string) *float64 {
		f, fp, ok := o.number(key)
		if !ok {
			return nil
		}
		if f < 0 || f > 1 {
			r.errorf(fp, "%s: %s is a ratio from 0 to 1, found %v", o.what, key, f)
			return nil
		}
		return &f
	}
	c.StrengthsRatio = ratio("strengths_ratio")
	c.OpenShare = ratio("open_share")
	if f, fp, ok := o.number("reflections_per_question"); ok {
		if f < 0 || f > 10 {
			r.errorf(fp, "%s: reflections_per_question must be from 0 to 10 (1 is fair, 2 is good), found %v", o.what, f)
		} else {
			c.ReflectionsPerQuestion = &f
		}
	}
	if n, np, ok := o.integer("overall"); ok {
		if n < 0 || n > 100 {
			r.errorf(np, "%s: overall is a score from 0 to 100, found %d", o.what, n)
		} else {
			c.Overall = &n
		}
	}
	if n, np, ok := o.integer("strengths_revealed"); ok {
		switch {
		case n < 0:
			r.errorf(np, "%s: strengths_revealed must not be negative", o.what)
		case rp != nil && n > len(rp.Strengths):
			r.errorf(np, "%s: strengths_revealed is %d but role play %q hides only %d strengths", o.what, n, rp.ID, len(rp.Strengths))
		default:
			c.StrengthsRevealed = &n
		}
	}
	if n, np, ok := o.integer("missed_risk"); ok {
		if n < 0 {
			r.errorf(np, "%s: missed_risk is the most missed risk cues allowed; it must not be negative", o.what)
		} else {
			c.MissedRisk = &n
		}
	}
	return c
}

func outcomeRatings(rp *scenario.Roleplay) []string {
	var out []string
	for _, rt := range ratings {
		if slices.ContainsFunc(rp.Outcomes, func(oc scenario.Outcome) bool { return string(oc.Rating) == rt }) {
			out = append(out, rt)
		}
	}
	return out
}
