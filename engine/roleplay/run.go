package roleplay

import (
	"errors"
	"fmt"
	"slices"

	"github.com/expr-lang/expr/vm"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
)

// Input is one trainee response: free text with the labels a scorer gave
// it, or a beginner-mode option (1-based) whose labels the author set.
type Input struct {
	Text   string      `json:"text,omitempty"`
	Option int         `json:"option,omitempty"`
	Labels sbcm.Labels `json:"labels"`
}

// Scorer labels a free-text response, given the client's line it answers.
type Scorer interface {
	Label(text, context string) sbcm.Labels
}

// MeterValue is a meter's value after a turn, with its bounds for display.
type MeterValue struct {
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	Value int    `json:"value"`
	Delta int    `json:"delta"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
}

// Reveal is a strength revealed during a turn.
type Reveal struct {
	ID     string      `json:"id"`
	Domain sbcm.Domain `json:"domain"`
	Line   string      `json:"line"`
}

// Turn is what the client does in reply: the state of the run after the
// opening or after one trainee response.
type Turn struct {
	// Number is 0 for the opening and n after the n-th response.
	Number int    `json:"number"`
	Beat   string `json:"beat"`
	// Lines are what the client says, in order: the lines of strengths
	// revealed this turn, then the beat's line.
	Lines   []string          `json:"lines"`
	Reveals []Reveal          `json:"reveals,omitempty"`
	Options []scenario.Option `json:"options,omitempty"`
	Meters  []MeterValue      `json:"meters"`
	// RiskCues are the cues in the client's line that the next response
	// must follow with a safety-focused response.
	RiskCues []sbcm.Risk `json:"risk_cues,omitempty"`
	// Missed are the cues of the previous line this response did not follow
	// with a safety-focused response.
	Missed  []sbcm.Risk       `json:"missed,omitempty"`
	Ended   bool              `json:"ended"`
	Outcome *scenario.Outcome `json:"outcome,omitempty"`
}

// Record is one played turn kept in the run's history: the input, the beat
// it answered and what it caused.
type Record struct {
	Input    Input       `json:"input"`
	Beat     string      `json:"beat"`
	Context  string      `json:"context"`
	RiskCues []sbcm.Risk `json:"risk_cues,omitempty"`
	Turn     Turn        `json:"turn"`
}

// Errors returned by Step.
var (
	ErrEnded     = errors.New("the role play has ended; start a new run to play again")
	ErrBadOption = errors.New("no such option")
	ErrNoOptions = errors.New("this line has no options; answer in your own words")
)

// Run is one play of a role play.
type Run struct {
	sc   *scenario.Roleplay
	seed int

	beat     *scenario.Beat
	line     string
	meters   []int
	revealed []string
	visited  []string
	visits   map[string]int
	flags    []string
	turn     int
	missed   int
	ended    bool
	outcome  *scenario.Outcome
	opening  Turn
	history  []Record

	env     scenario.Env
	machine vm.VM
}

// New starts a run of sc. The seed shifts which variant of a beat's lines
// is used; runs with equal seeds and inputs are identical.
func New(sc *scenario.Roleplay, seed int) *Run {
	r := &Run{sc: sc, seed: seed, visits: map[string]int{}}
	r.meters = make([]int, len(sc.Meters))
	r.env.Meters = make(map[string]int, len(sc.Meters))
	for i, m := range sc.Meters {
		r.meters[i] = m.Start
		r.env.Meters[m.Name] = m.Start
	}
	start, _ := sc.Beat(sc.Start)
	r.opening = r.enter(start, nil, nil, nil)
	return r
}

// Scenario returns the role play being run.
func (r *Run) Scenario() *scenario.Roleplay { return r.sc }

// Opening returns the first turn: the client's opening line.
func (r *Run) Opening() Turn { return r.opening }

// Context is the client's last line, the context in which the next
// response is scored.
func (r *Run) Context() string { return r.line }

// Ended reports whether the run is over.
func (r *Run) Ended() bool { return r.ended }

// Outcome is how the run ended, or nil while it goes on.
func (r *Run) Outcome() *scenario.Outcome { return r.outcome }

// History returns every turn played so far.
func (r *Run) History() []Record { return r.history }

// Revealed returns the ids of the strengths revealed so far, in order.
func (r *Run) Revealed() []string { return r.revealed }

// MissedRisk counts the risk cues not followed by a safety response.
func (r *Run) MissedRisk() int { return r.missed }

// Options are the beginner-mode options for the current line.
func (r *Run) Options() []scenario.Option {
	if r.ended {
		return nil
	}
	return r.beat.Options
}

// Say scores free text with s and plays it.
func (r *Run) Say(text string, s Scorer) (Turn, error) {
	return r.Step(Input{Text: text, Labels: s.Label(text, r.line)})
}

// Choose plays the n-th (1-based) beginner-mode option of the current line.
func (r *Run) Choose(n int) (Turn, error) {
	if r.ended {
		return Turn{}, ErrEnded
	}
	opts := r.beat.Options
	if len(opts) == 0 {
		return Turn{}, ErrNoOptions
	}
	return r.Step(Input{Option: n})
}

// Step plays one response and returns the client's reply.
func (r *Run) Step(in Input) (Turn, error) {
	if r.ended {
		return Turn{}, ErrEnded
	}
	if in.Option != 0 {
		// An option's text and labels are the author's, whatever the
		// caller sent with it.
		if in.Option < 1 || in.Option > len(r.beat.Options) {
			return Turn{}, fmt.Errorf("%w %d: choose 1 to %d", ErrBadOption, in.Option, len(r.beat.Options))
		}
		o := r.beat.Options[in.Option-1]
		in.Text, in.Labels = o.Text, o.Labels()
	}
	from := r.beat
	r.turn++
	var missed []sbcm.Risk
	if len(from.Risk) > 0 && in.Labels.Focus != sbcm.Safety {
		missed = from.Risk
		r.missed++
	}
	r.setResponse(in)

	// The first transition that holds, tried against the state before
	// its effects; the last transition is the default.
	t := &from.Transitions[len(from.Transitions)-1]
	for i := range from.Transitions[:len(from.Transitions)-1] {
		if r.holds(from.Transitions[i].When) {
			t = &from.Transitions[i]
			break
		}
	}
	before := slices.Clone(r.meters)
	var reveals []Reveal
	for _, d := range t.Effects.Meters {
		i, _ := r.sc.MeterIndex(d.Meter)
		m := r.sc.Meters[i]
		r.meters[i] = min(m.Max, max(m.Min, r.meters[i]+d.Delta))
		r.env.Meters[m.Name] = r.meters[i]
	}
	for _, id := range t.Effects.Reveal {
		reveals = r.reveal(id, reveals)
	}
	for _, f := range t.Effects.Flags {
		if !slices.Contains(r.flags, f) {
			r.flags = append(r.flags, f)
		}
	}
	for _, f := range t.Effects.Clear {
		r.flags = slices.DeleteFunc(r.flags, func(x string) bool { return x == f })
	}
	r.env.Flags = r.flags
	for i := range r.sc.Strengths {
		s := &r.sc.Strengths[i]
		if s.RevealedBy != nil && !slices.Contains(r.revealed, s.ID) && r.holds(s.RevealedBy) {
			reveals = r.reveal(s.ID, reveals)
		}
	}

	next, _ := r.sc.Beat(t.Goto)
	context := r.line
	turn := r.enter(next, before, reveals, missed)
	r.history = append(r.history, Record{Input: in, Beat: from.ID, Context: context, RiskCues: from.Risk, Turn: turn})
	return turn, nil
}

func (r *Run) reveal(id string, reveals []Reveal) []Reveal {
	if slices.Contains(r.revealed, id) {
		return reveals
	}
	s, _ := r.sc.Strength(id)
	r.revealed = append(r.revealed, id)
	r.env.Revealed = r.revealed
	return append(reveals, Reveal{ID: s.ID, Domain: s.Domain, Line: s.Line})
}

// enter moves the run to beat b and builds the turn the client plays.
func (r *Run) enter(b *scenario.Beat, before []int, reveals []Reveal, missed []sbcm.Risk) Turn {
	r.beat = b
	r.visits[b.ID]++
	if r.visits[b.ID] == 1 {
		r.visited = append(r.visited, b.ID)
		r.env.Visited = r.visited
	}
	r.line = b.Lines[(r.visits[b.ID]-1+r.seed)%len(b.Lines)]
	turn := Turn{Number: r.turn, Beat: b.ID, Reveals: reveals, Missed: missed}
	for _, rv := range reveals {
		turn.Lines = append(turn.Lines, rv.Line)
	}
	turn.Lines = append(turn.Lines, r.line)

	switch {
	case b.End != "":
		r.finish(b.End)
	case r.turn > 0:
		for _, rule := range r.sc.End.Rules {
			if r.holds(rule.When) {
				r.finish(rule.Outcome)
				if rule.Line != "" {
					turn.Lines = append(turn.Lines, rule.Line)
					r.line = rule.Line
				}
				break
			}
		}
		if !r.ended && r.sc.End.MaxTurns > 0 && r.turn >= r.sc.End.MaxTurns {
			r.finish(r.sc.End.OnMaxTurns)
		}
	}
	turn.Meters = make([]MeterValue, len(r.meters))
	for i, m := range r.sc.Meters {
		mv := MeterValue{Name: m.Name, Label: m.Label, Value: r.meters[i], Min: m.Min, Max: m.Max}
		if before != nil {
			mv.Delta = r.meters[i] - before[i]
		}
		turn.Meters[i] = mv
	}
	if r.ended {
		turn.Ended, turn.Outcome = true, r.outcome
	} else {
		turn.Options = b.Options
		turn.RiskCues = b.Risk
	}
	return turn
}

func (r *Run) finish(outcome string) {
	r.ended = true
	r.outcome, _ = r.sc.Outcome(outcome)
}

func (r *Run) setResponse(in Input) {
	r.env.Focus = string(in.Labels.Focus)
	r.env.Skills = r.env.Skills[:0]
	for _, s := range in.Labels.Skills {
		r.env.Skills = append(r.env.Skills, string(s))
	}
	r.env.Domains = r.env.Domains[:0]
	for _, d := range in.Labels.Domains {
		r.env.Domains = append(r.env.Domains, string(d))
	}
	r.env.Option = in.Option
	r.env.Turn = r.turn
	r.env.MissedRisk = r.missed
}

// holds evaluates a condition. Conditions are type-checked as booleans at
// load time, so the only failure left is a run-time one (such as an index
// out of range in an author's expression); it counts as false rather than
// stopping the conversation.
func (r *Run) holds(c *scenario.Cond) bool {
	out, err := r.machine.Run(c.Program, &r.env)
	if err != nil {
		return false
	}
	b, _ := out.(bool)
	return b
}

// Replay rebuilds a run from its inputs, as a server does after a restart.
func Replay(sc *scenario.Roleplay, seed int, inputs []Input) (*Run, error) {
	r := New(sc, seed)
	for i, in := range inputs {
		if _, err := r.Step(in); err != nil {
			return r, fmt.Errorf("replay turn %d: %w", i+1, err)
		}
	}
	return r, nil
}

// Cost is how much a turn set the client back: the fall in every meter
// where higher is better, the rise in resistance, and a heavy price for a
// missed risk cue.
func (rec Record) Cost() int {
	cost := 0
	for _, m := range rec.Turn.Meters {
		if m.Name == "resistance" {
			cost += max(0, m.Delta)
		} else {
			cost += max(0, -m.Delta)
		}
	}
	if len(rec.Turn.Missed) > 0 {
		cost += 25
	}
	return cost
}

// Costliest returns up to n turns with a cost, the costliest first, with
// their 1-based turn numbers.
func (r *Run) Costliest(n int) []Record {
	var out []Record
	for _, rec := range r.history {
		if rec.Cost() > 0 {
			out = append(out, rec)
		}
	}
	slices.SortStableFunc(out, func(a, b Record) int { return b.Cost() - a.Cost() })
	if len(out) > n {
		out = out[:n]
	}
	return out
}
