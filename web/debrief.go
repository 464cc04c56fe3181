package web

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/store"
)

// debrief is what a trainer discusses when a session ends (see
// docs/protocol.md).
type debrief struct {
	Outcomes         []outcomeCount `json:"outcomes"`
	Scores           []scoreRow     `json:"scores"`
	Beats            []beatSpread   `json:"beats"`
	DeficitPhrasings []phrasing     `json:"deficit_phrasings"`
	Board            *boardStats    `json:"board"`
}

type outcomeCount struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Rating string `json:"rating"`
	Count  int    `json:"count"`
}

type scoreRow struct {
	Member         string   `json:"member"`
	Guest          bool     `json:"guest"`
	Status         string   `json:"status"`
	Outcome        string   `json:"outcome"`
	Rating         string   `json:"rating"`
	Overall        *int     `json:"overall"`
	StrengthsRatio *float64 `json:"strengths_ratio"`
	Turns          int      `json:"turns"`
	MissedRisk     int      `json:"missed_risk"`
}

type beatSpread struct {
	Beat  string             `json:"beat"`
	Line  string             `json:"line"`
	Focus map[sbcm.Focus]int `json:"focus"`
}

type phrasing struct {
	Cue      string   `json:"cue"`
	Count    int      `json:"count"`
	Examples []string `json:"examples"`
	Rewrite  string   `json:"rewrite"`
	Tip      string   `json:"tip"`
}

type boardStats struct {
	Cards    int            `json:"cards"`
	ByColumn map[string]int `json:"by_column"`
	Flagged  int            `json:"flagged"`
}

// debrief gathers a finished session's results from its members' runs
// (or its board). Names are given as the session shows them: aliases when
// it is anonymous.
func (s *Server) debrief(ctx context.Context, g store.GroupSession, members []store.GroupMember) (*debrief, error) {
	d := &debrief{Outcomes: []outcomeCount{}, Scores: []scoreRow{}, Beats: []beatSpread{}, DeficitPhrasings: []phrasing{}}
	sc, _ := s.lib.Get(g.ScenarioID)
	rp, _ := sc.(*scenario.Roleplay)
	if g.Kind == "staffing" {
		cards, err := s.store.Cards(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		d.Board = &boardStats{Cards: len(cards), ByColumn: map[string]int{}}
		for _, c := range cards {
			d.Board.ByColumn[c.Column]++
			if c.Flagged {
				d.Board.Flagged++
			}
		}
		return d, nil
	}
	outcomes := map[string]*outcomeCount{}
	beats := map[string]*beatSpread{}
	var beatOrder []string
	phrasings := map[string]*phrasing{}
	for _, m := range members {
		row := scoreRow{Member: m.DisplayName, Guest: m.Guest, Status: "not started"}
		if g.Anonymous {
			row.Member, row.Guest = m.Alias, false
		}
		if m.RunID == "" {
			d.Scores = append(d.Scores, row)
			continue
		}
		run, err := s.store.Run(ctx, m.UserID, m.RunID)
		if err != nil {
			return nil, err
		}
		row.Status, row.Turns, row.Overall, row.StrengthsRatio, row.Outcome = run.Status, run.Turns, run.Overall, run.StrengthsRatio, run.OutcomeID
		if run.Report != "" {
			var rep report
			if json.Unmarshal([]byte(run.Report), &rep) == nil && rep.Measures != nil {
				row.MissedRisk = rep.Measures.RiskMissed
			}
		} else if m.Progress != "" {
			var p progressView
			if json.Unmarshal([]byte(m.Progress), &p) == nil {
				row.MissedRisk = p.MissedRisk
			}
		}
		if rp != nil && run.OutcomeID != "" {
			if o, ok := rp.Outcome(run.OutcomeID); ok {
				row.Rating = string(o.Rating)
				oc := outcomes[o.ID]
				if oc == nil {
					oc = &outcomeCount{ID: o.ID, Title: o.Title, Rating: string(o.Rating)}
					outcomes[o.ID] = oc
				}
				oc.Count++
			}
		}
		d.Scores = append(d.Scores, row)
		if rp == nil {
			continue
		}
		turns, err := s.store.Turns(ctx, m.UserID, m.RunID)
		if err != nil {
			return nil, err
		}
		answered := rp.Start
		for _, t := range turns {
			tv, err := decodeTurn(t)
			if err != nil {
				continue
			}
			b := beats[answered]
			if b == nil {
				b = &beatSpread{Beat: answered, Focus: map[sbcm.Focus]int{}}
				if beat, ok := rp.Beat(answered); ok {
					b.Line = beat.Lines[0]
				}
				beats[answered] = b
				beatOrder = append(beatOrder, answered)
			}
			b.Focus[tv.Score.Focus]++
			answered = tv.Client.Beat
			if tv.Score.Focus != sbcm.Deficit || tv.Input.Option != 0 {
				continue
			}
			cue := "other deficit framing"
			for _, e := range tv.Score.Evidence {
				if e.Label == string(sbcm.Deficit) {
					cue = e.Cue
					break
				}
			}
			ph := phrasings[cue]
			if ph == nil {
				ph = &phrasing{Cue: cue, Examples: []string{}}
				ph.Tip, ph.Rewrite = splitTip(tv.Score.Tip)
				phrasings[cue] = ph
			}
			ph.Count++
			if len(ph.Examples) < 3 && !slices.Contains(ph.Examples, tv.Input.Text) {
				ph.Examples = append(ph.Examples, tv.Input.Text)
			}
		}
	}
	for _, oc := range outcomes {
		d.Outcomes = append(d.Outcomes, *oc)
	}
	sort.Slice(d.Outcomes, func(i, j int) bool {
		if d.Outcomes[i].Count != d.Outcomes[j].Count {
			return d.Outcomes[i].Count > d.Outcomes[j].Count
		}
		return d.Outcomes[i].ID < d.Outcomes[j].ID
	})
	for _, id := range beatOrder {
		d.Beats = append(d.Beats, *beats[id])
	}
	for _, ph := range phrasings {
		d.DeficitPhrasings = append(d.DeficitPhrasings, *ph)
	}
	sort.Slice(d.DeficitPhrasings, func(i, j int) bool {
		a, b := d.DeficitPhrasings[i], d.DeficitPhrasings[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Cue < b.Cue
	})
	if len(d.DeficitPhrasings) > 8 {
		d.DeficitPhrasings = d.DeficitPhrasings[:8]
	}
	return d, nil
}

// splitTip separates a tip's advice from its example ("… Try: "…"").
func splitTip(tip string) (advice, example string) {
	if i := strings.Index(tip, " Try: "); i >= 0 {
		return tip[:i], strings.Trim(tip[i+len(" Try: "):], `"`)
	}
	return tip, ""
}
