package scenario

import (
	"github.com/expr-lang/expr/vm"

	"oasis/engine/sbcm"
)

// Kind is the kind of a scenario file.
type Kind string

// The kinds of scenario.
const (
	KindRoleplay Kind = "roleplay"
	KindCase     Kind = "case"
)

// Meta is what both kinds share: what the library shows about a scenario.
type Meta struct {
	Kind    Kind         `json:"kind"`
	ID      string       `json:"id"`
	Title   string       `json:"title"`
	Summary string       `json:"summary"`
	Level   sbcm.Level   `json:"level"`
	Phase   sbcm.Phase   `json:"phase"`
	Setting sbcm.Setting `json:"setting,omitempty"`
	Minutes int          `json:"minutes,omitempty"`
	Client  Client       `json:"client"`
	// File is the path the scenario was loaded from.
	File string `json:"-"`
	Pos  Pos    `json:"-"`
}

// Client is the simulated person a trainee works with.
type Client struct {
	Name     string `json:"name"`
	Age      int    `json:"age"`
	Pronouns string `json:"pronouns,omitempty"`
	// Situation is Markdown.
	Situation string `json:"situation"`
}

// Scenario is a loaded role play or practice case.
type Scenario interface {
	Info() *Meta
}

// Info returns the shared description of the scenario.
func (m *Meta) Info() *Meta { return m }

// Roleplay is a branching conversation with a simulated client whose meters
// react to what the trainee says.
type Roleplay struct {
	Meta
	Meters    []Meter    `json:"meters"`
	Strengths []Strength `json:"strengths"`
	Start     string     `json:"start"`
	Beats     []*Beat    `json:"beats"`
	Outcomes  []Outcome  `json:"outcomes"`
	End       EndRules   `json:"end"`

	beatIndex     map[string]int
	strengthIndex map[string]int
	outcomeIndex  map[string]int
	meterIndex    map[string]int
}

// Meter is one state variable of the simulated client, such as rapport.
type Meter struct {
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	Start int    `json:"start"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Pos   Pos    `json:"-"`
}

// Strength is a hidden strength of the client that the right kind of
// response brings out.
type Strength struct {
	ID     string      `json:"id"`
	Domain sbcm.Domain `json:"domain"`
	// Line is what the client says when the strength is revealed.
	Line string `json:"line"`
	// RevealedBy, when set, reveals the strength on any turn where it holds.
	RevealedBy *Cond `json:"-"`
	// Hint says, for the debrief, what kind of response reveals it.
	Hint string `json:"hint,omitempty"`
	Pos  Pos    `json:"-"`
}

// Beat is one point in the conversation: what the client says and where the
// trainee's response leads.
type Beat struct {
	ID string `json:"id"`
	// Lines are variants of the client's line; the runtime picks one
	// deterministically.
	Lines       []string     `json:"lines"`
	Risk        []sbcm.Risk  `json:"risk,omitempty"`
	Options     []Option     `json:"options,omitempty"`
	Transitions []Transition `json:"-"`
	// End names the outcome when this is an end beat.
	End string `json:"end,omitempty"`
	Pos Pos    `json:"-"`
}

// Option is a ready-made response offered in beginner mode, with the focus
// and skills its author intends it to show.
type Option struct {
	Text    string        `json:"text"`
	Focus   sbcm.Focus    `json:"focus"`
	Skills  []sbcm.Skill  `json:"skills,omitempty"`
	Domains []sbcm.Domain `json:"domains,omitempty"`
	// Note explains the option after it is chosen.
	Note string `json:"note,omitempty"`
	Pos  Pos    `json:"-"`
}

// Labels returns the option's labels as if it had been scored.
func (o Option) Labels() sbcm.Labels {
	return sbcm.Labels{Focus: o.Focus, Skills: o.Skills, Domains: o.Domains}
}

// Transition is one way out of a beat.
type Transition struct {
	// When is nil for the default (last) transition.
	When    *Cond
	Effects Effects
	Goto    string
	Pos     Pos
}

// Effects change the run's state when a transition is taken.
type Effects struct {
	Meters []MeterDelta
	Reveal []string
	Flags  []string
	Clear  []string
}

// MeterDelta adds Delta to a meter.
type MeterDelta struct {
	Meter string
	Delta int
}

// Rating says how good an outcome is for the client.
type Rating string

// The ratings.
const (
	Good  Rating = "good"
	Mixed Rating = "mixed"
	Poor  Rating = "poor"
)

// Outcome is a named way a role play can end.
type Outcome struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Rating Rating `json:"rating"`
	// Debrief is Markdown shown in the report.
	Debrief string `json:"debrief,omitempty"`
	Pos     Pos    `json:"-"`
}

// EndRules end a run from any beat.
type EndRules struct {
	MaxTurns   int       `json:"max_turns,omitempty"`
	OnMaxTurns string    `json:"on_max_turns,omitempty"`
	Rules      []EndRule `json:"-"`
	Pos        Pos       `json:"-"`
}

// EndRule ends the run with Outcome after any turn where When holds.
type EndRule struct {
	When    *Cond
	Outcome string
	// Line is the client's closing line, if any.
	Line string
	Pos  Pos
}

// Cond is a compiled condition.
type Cond struct {
	Source  string
	Program *vm.Program
	Pos     Pos
}

// Beat returns the beat with the given id.
func (rp *Roleplay) Beat(id string) (*Beat, bool) {
	i, ok := rp.beatIndex[id]
	if !ok {
		return nil, false
	}
	return rp.Beats[i], true
}

// Strength returns the hidden strength with the given id.
func (rp *Roleplay) Strength(id string) (*Strength, bool) {
	i, ok := rp.strengthIndex[id]
	if !ok {
		return nil, false
	}
	return &rp.Strengths[i], true
}

// Outcome returns the outcome with the given id.
func (rp *Roleplay) Outcome(id string) (*Outcome, bool) {
	i, ok := rp.outcomeIndex[id]
	if !ok {
		return nil, false
	}
	return &rp.Outcomes[i], true
}

// MeterIndex returns the position of the named meter in Meters.
func (rp *Roleplay) MeterIndex(name string) (int, bool) {
	i, ok := rp.meterIndex[name]
	return i, ok
}

// Case is a practice case: a vignette and tasks checked one by one.
type Case struct {
	Meta
	// Vignette is Markdown.
	Vignette  string         `json:"vignette"`
	Strengths []CaseStrength `json:"strengths,omitempty"`
	Tasks     []Task         `json:"tasks"`
}

// CaseStrength is a strength hidden in a vignette, recognised in a
// trainee's list by its cue words.
type CaseStrength struct {
	ID     string      `json:"id"`
	Domain sbcm.Domain `json:"domain"`
	Cues   []string    `json:"cues"`
	// Note says what the strength is, shown once the task is checked.
	Note string `json:"note"`
	Pos  Pos    `json:"-"`
}

// TaskType says what a task asks for and how it is checked.
type TaskType string

// The task types.
const (
	TaskListStrengths TaskType = "list-strengths"
	TaskRewrite       TaskType = "rewrite"
	TaskGoal          TaskType = "goal"
	TaskChoice        TaskType = "choice"
)

// TaskTypes lists the task types.
var TaskTypes = []TaskType{TaskListStrengths, TaskRewrite, TaskGoal, TaskChoice}

// Task is one exercise in a practice case.
type Task struct {
	ID     string   `json:"id"`
	Type   TaskType `json:"type"`
	Prompt string   `json:"prompt"`
	// Min is how many strengths a list-strengths answer must find.
	Min int `json:"min,omitempty"`
	// Statement is the deficit statement a rewrite task gives.
	Statement string `json:"statement,omitempty"`
	// ClientWords are what the client said they want, for a goal task.
	ClientWords []string `json:"client_words,omitempty"`
	// Example is a model answer shown after checking (rewrite, goal).
	Example string `json:"example,omitempty"`
	// Options are the answers of a choice task.
	Options []Choice `json:"options,omitempty"`
	Pos     Pos      `json:"-"`
}

// Choice is one answer of a multiple-choice task.
type Choice struct {
	Text        string `json:"text"`
	Correct     bool   `json:"correct"`
	Explanation string `json:"explanation"`
}
