package web

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"

	"oasis/engine/practice"
	"oasis/engine/roleplay"
	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/engine/store"
)

// markdown renders scenario text. Raw HTML in the source is not passed
// through (goldmark's default), so *_html fields are safe to insert.
type markdown struct {
	md    goldmark.Markdown
	cache sync.Map
}

func newMarkdown() *markdown {
	return &markdown{md: goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParserOptions(parser.WithAutoHeadingID()))}
}

func (m *markdown) html(src string) string {
	if v, ok := m.cache.Load(src); ok {
		return v.(string)
	}
	var b bytes.Buffer
	if err := m.md.Convert([]byte(src), &b); err != nil {
		return ""
	}
	m.cache.Store(src, b.String())
	return b.String()
}

type clientView struct {
	Name          string `json:"name"`
	Age           int    `json:"age"`
	Pronouns      string `json:"pronouns,omitempty"`
	SituationHTML string `json:"situation_html,omitempty"`
}

type scenarioView struct {
	ID             string     `json:"id"`
	Kind           string     `json:"kind"`
	Title          string     `json:"title"`
	Summary        string     `json:"summary"`
	Level          string     `json:"level"`
	Phase          string     `json:"phase"`
	Setting        string     `json:"setting,omitempty"`
	Minutes        int        `json:"minutes,omitempty"`
	Client         clientView `json:"client"`
	StrengthsTotal int        `json:"strengths_total,omitempty"`
	// Courses are the course modules that ask for a run of it.
	Courses []scenarioCourse `json:"courses"`
}

// scenarioCourse is a course module that asks for a run of a scenario.
type scenarioCourse struct {
	Course      string `json:"course"`
	CourseTitle string `json:"course_title"`
	Module      string `json:"module"`
	ModuleTitle string `json:"module_title"`
}

func (s *Server) scenarioView(sc scenario.Scenario, full bool) scenarioView {
	m := sc.Info()
	v := scenarioView{ID: m.ID, Kind: string(m.Kind), Title: m.Title, Summary: m.Summary, Level: string(m.Level), Phase: string(m.Phase),
		Setting: string(m.Setting), Minutes: m.Minutes, Client: clientView{Name: m.Client.Name, Age: m.Client.Age, Pronouns: m.Client.Pronouns}}
	if full {
		v.Client.SituationHTML = s.md.html(m.Client.Situation)
	}
	if rp, ok := sc.(*scenario.Roleplay); ok {
		v.StrengthsTotal = len(rp.Strengths)
	}
	v.Courses = []scenarioCourse{}
	for _, c := range s.courses.All() {
		for _, mod := range c.Modules {
			for _, p := range mod.Practice {
				if p.Scenario == m.ID {
					v.Courses = append(v.Courses, scenarioCourse{Course: c.ID, CourseTitle: c.Title, Module: mod.ID, ModuleTitle: mod.Title})
					break
				}
			}
		}
	}
	return v
}

type optionView struct {
	Text string `json:"text"`
}

type outcomeView struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Rating      string `json:"rating"`
	DebriefHTML string `json:"debrief_html,omitempty"`
}

// clientTurn is what the client does in a turn, as the browser sees it:
// options without the focus their author gave them.
type clientTurn struct {
	Number   int                   `json:"number"`
	Beat     string                `json:"beat"`
	Lines    []string              `json:"lines"`
	Reveals  []roleplay.Reveal     `json:"reveals"`
	Options  []optionView          `json:"options"`
	Meters   []roleplay.MeterValue `json:"meters"`
	RiskCues []sbcm.Risk           `json:"risk_cues"`
	Missed   []sbcm.Risk           `json:"missed"`
	Ended    bool                  `json:"ended"`
	Outcome  *outcomeView          `json:"outcome"`
}

func (s *Server) clientTurn(t roleplay.Turn) clientTurn {
	c := clientTurn{Number: t.Number, Beat: t.Beat, Lines: t.Lines, Reveals: t.Reveals, Meters: t.Meters,
		RiskCues: t.RiskCues, Missed: t.Missed, Ended: t.Ended, Options: []optionView{}}
	for _, o := range t.Options {
		c.Options = append(c.Options, optionView{Text: o.Text})
	}
	if c.Reveals == nil {
		c.Reveals = []roleplay.Reveal{}
	}
	if c.RiskCues == nil {
		c.RiskCues = []sbcm.Risk{}
	}
	if c.Missed == nil {
		c.Missed = []sbcm.Risk{}
	}
	if t.Outcome != nil {
		c.Outcome = &outcomeView{ID: t.Outcome.ID, Title: t.Outcome.Title, Rating: string(t.Outcome.Rating), DebriefHTML: s.md.html(t.Outcome.Debrief)}
	}
	return c
}

type inputView struct {
	Text   string `json:"text"`
	Option int    `json:"option"`
}

// scoreView is a response's score as the trainee sees it: the scorer's
// result for free text, or a chosen option's labels and note.
type scoreView struct {
	Focus      sbcm.Focus       `json:"focus"`
	Skills     []sbcm.Skill     `json:"skills"`
	Domains    []sbcm.Domain    `json:"domains"`
	Confidence float64          `json:"confidence"`
	Evidence   []score.Evidence `json:"evidence"`
	Tip        string           `json:"tip"`
	Note       string           `json:"note"`
}

type turnView struct {
	N      int        `json:"n"`
	TurnID string     `json:"turn_id"`
	Input  inputView  `json:"input"`
	Score  scoreView  `json:"score"`
	Client clientTurn `json:"client"`
}

type taskView struct {
	ID          string       `json:"id"`
	Type        string       `json:"type"`
	Prompt      string       `json:"prompt"`
	Min         int          `json:"min,omitempty"`
	Statement   string       `json:"statement,omitempty"`
	ClientWords []string     `json:"client_words,omitempty"`
	Options     []optionView `json:"options,omitempty"`
}

type answerView struct {
	AnswerID string            `json:"answer_id"`
	Task     string            `json:"task"`
	N        int               `json:"n"`
	Answer   practice.Answer   `json:"answer"`
	Feedback practice.Feedback `json:"feedback"`
}

type caseView struct {
	VignetteHTML string       `json:"vignette_html"`
	Tasks        []taskView   `json:"tasks"`
	Answers      []answerView `json:"answers"`
	Passed       []string     `json:"passed"`
}

type runView struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Mode      string       `json:"mode"`
	Status    string       `json:"status"`
	CreatedAt time.Time    `json:"created_at"`
	EndedAt   *time.Time   `json:"ended_at"`
	Scenario  scenarioView `json:"scenario"`
	Opening   *clientTurn  `json:"opening"`
	Turns     []turnView   `json:"turns"`
	Report    *report      `json:"report"`
	Case      *caseView    `json:"case"`
}

// report is the end-of-run report (see docs/protocol.md).
type report struct {
	Outcome   *outcomeView     `json:"outcome"`
	Measures  *score.Measures  `json:"measures"`
	Strengths *strengthsReport `json:"strengths"`
	Costliest []costlyTurn     `json:"costliest"`
	Meters    []meterSeries    `json:"meters"`
	Tasks     []taskResult     `json:"tasks"`
	// CountsTowards says, when the run ended, which requirements of the
	// person's courses it met or fell short of.
	CountsTowards []courseCredit `json:"counts_towards,omitempty"`
}

type strengthsReport struct {
	Total  int               `json:"total"`
	Found  []roleplay.Reveal `json:"found"`
	Missed []missedStrength  `json:"missed"`
}

type missedStrength struct {
	Domain sbcm.Domain `json:"domain"`
	Hint   string      `json:"hint"`
}

type costlyTurn struct {
	N     int        `json:"n"`
	Text  string     `json:"text"`
	Focus sbcm.Focus `json:"focus"`
	Cost  int        `json:"cost"`
}

type meterSeries struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Min    int    `json:"min"`
	Max    int    `json:"max"`
	Values []int  `json:"values"`
}

type taskResult struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Passed   bool   `json:"passed"`
	Attempts int    `json:"attempts"`
}

// roleplayReport builds the report of an ended role play.
func (s *Server) roleplayReport(run *roleplay.Run) *report {
	rp := run.Scenario()
	var turns []score.Turn
	for _, rec := range run.History() {
		turns = append(turns, score.Turn{Labels: rec.Input.Labels, RiskCue: len(rec.RiskCues) > 0})
	}
	m := score.Measure(turns)
	r := &report{Measures: &m, Costliest: []costlyTurn{}, Tasks: nil}
	if o := run.Outcome(); o != nil {
		r.Outcome = &outcomeView{ID: o.ID, Title: o.Title, Rating: string(o.Rating), DebriefHTML: s.md.html(o.Debrief)}
	}
	sr := &strengthsReport{Total: len(rp.Strengths), Found: []roleplay.Reveal{}, Missed: []missedStrength{}}
	for _, id := range run.Revealed() {
		st, _ := rp.Strength(id)
		sr.Found = append(sr.Found, roleplay.Reveal{ID: st.ID, Domain: st.Domain, Line: st.Line})
	}
	for _, st := range rp.Strengths {
		if !slices.Contains(run.Revealed(), st.ID) {
			sr.Missed = append(sr.Missed, missedStrength{Domain: st.Domain, Hint: st.Hint})
		}
	}
	r.Strengths = sr
	for _, rec := range run.Costliest(3) {
		r.Costliest = append(r.Costliest, costlyTurn{N: rec.Turn.Number, Text: rec.Input.Text, Focus: rec.Input.Labels.Focus, Cost: rec.Cost()})
	}
	for i, mt := range rp.Meters {
		ser := meterSeries{Name: mt.Name, Label: mt.Label, Min: mt.Min, Max: mt.Max, Values: []int{run.Opening().Meters[i].Value}}
		for _, rec := range run.History() {
			ser.Values = append(ser.Values, rec.Turn.Meters[i].Value)
		}
		r.Meters = append(r.Meters, ser)
	}
	return r
}

// runSummary is what history lists need, kept on the run row.
type runSummary struct {
	OutcomeTitle  string `json:"outcome_title,omitempty"`
	OutcomeRating string `json:"outcome_rating,omitempty"`
	// Facts are the measures course requirements are judged on, so that
	// judging them needs no report (older runs have none: see runFacts).
	Facts *summaryFacts `json:"facts,omitempty"`
}

// summaryFacts are a run's results as course criteria read them.
type summaryFacts struct {
	StrengthsRatio         *float64 `json:"strengths_ratio"`
	OpenShare              *float64 `json:"open_share"`
	ReflectionsPerQuestion *float64 `json:"reflections_per_question"`
	Overall                int      `json:"overall"`
	StrengthsRevealed      int      `json:"strengths_revealed"`
	MissedRisk             int      `json:"missed_risk"`
	TasksPassed            int      `json:"tasks_passed"`
	TasksTotal             int      `json:"tasks_total"`
}

// historyItem is one run in GET /api/runs.
type historyItem struct {
	ID       string `json:"id"`
	Scenario struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Kind  string `json:"kind"`
	} `json:"scenario"`
	Mode           string       `json:"mode"`
	Status         string       `json:"status"`
	CreatedAt      time.Time    `json:"created_at"`
	EndedAt        *time.Time   `json:"ended_at"`
	Turns          int          `json:"turns"`
	Outcome        *outcomeView `json:"outcome"`
	Overall        *int         `json:"overall"`
	StrengthsRatio *float64     `json:"strengths_ratio"`
}

func (s *Server) historyItem(r store.Run) historyItem {
	h := historyItem{ID: r.ID, Mode: r.Mode, Status: r.Status, CreatedAt: r.CreatedAt, EndedAt: r.EndedAt, Turns: r.Turns, Overall: r.Overall, StrengthsRatio: r.StrengthsRatio}
	h.Scenario.ID, h.Scenario.Kind = r.ScenarioID, r.Kind
	if sc, ok := s.lib.Get(r.ScenarioID); ok {
		h.Scenario.Title = sc.Info().Title
	} else {
		h.Scenario.Title = r.ScenarioID + " (no longer in the library)"
	}
	var sum runSummary
	if r.Summary != "" && json.Unmarshal([]byte(r.Summary), &sum) == nil && r.OutcomeID != "" {
		h.Outcome = &outcomeView{ID: r.OutcomeID, Title: sum.OutcomeTitle, Rating: sum.OutcomeRating}
	}
	return h
}
