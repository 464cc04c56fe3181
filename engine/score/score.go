package score

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
)

// Result is the scorer's judgement of one utterance. Its JSON form is the
// `oasis score --jsonl` contract: focus, skills, domains, confidence,
// evidence, tip.
type Result struct {
	sbcm.Labels
	// Confidence is the probability the scorer gives its focus label.
	Confidence float64    `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
	// Tip shows a better, strengths-focused way to say it, when the focus
	// is deficit or a risk cue in the context went unanswered.
	Tip string `json:"tip"`
	// ContextRisk lists the risk cues found in the context line.
	ContextRisk []sbcm.Risk `json:"-"`
	// Leanings counts the lexicon's cues for each focus, whatever the
	// final label (indexed like sbcm.Foci).
	Leanings [4]int `json:"-"`
}

// Evidence is a span of the utterance that drove a label: Start and End
// are Unicode code point offsets, End exclusive.
type Evidence struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Cue   string `json:"cue"`
	Label string `json:"label"`
}

// Scorer labels utterances. It is safe for concurrent use.
type Scorer struct {
	lx    *Lexicon
	model *Model
	tips  *tipBook
	pool  sync.Pool
}

// Files the scorer reads from its content directory.
const (
	LexiconFile = "lexicon.yaml"
	TipsFile    = "tips.yaml"
	ModelFile   = "model.tsv"
)

// Load reads the lexicon, tips and trained weights from fsys (the
// content/scoring directory) and returns a ready scorer.
func Load(fsys fs.FS) (*Scorer, error) {
	f, err := fsys.Open(ModelFile)
	if err != nil {
		return nil, fmt.Errorf("load scorer: %w (train one with `oasis score train`)", err)
	}
	m, err := ReadModel(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("load scorer: %s: %w", ModelFile, err)
	}
	lx, err := LoadLexicon(fsys, LexiconFile, m.Vocabulary())
	if err != nil {
		return nil, fmt.Errorf("load scorer: %w", err)
	}
	return New(lx, m, fsys)
}

// New assembles a scorer from a lexicon and a model, reading tips from
// fsys.
func New(lx *Lexicon, m *Model, fsys fs.FS) (*Scorer, error) {
	tb, err := loadTips(fsys)
	if err != nil {
		return nil, fmt.Errorf("load scorer: %w", err)
	}
	s := &Scorer{lx: lx, model: m, tips: tb}
	s.pool.New = func() any { return &analysis{} }
	return s, nil
}

// Lexicon returns the scorer's lexicon.
func (s *Scorer) Lexicon() *Lexicon { return s.lx }

// Label returns just the labels of an utterance; it is what the role-play
// runtime needs.
func (s *Scorer) Label(text, context string) sbcm.Labels {
	return s.Score(text, context).Labels
}

// analyse tokenises and structures text and its context, finds the
// lexicon's cues and extracts the model's features.
func (lx *Lexicon) analyse(a *analysis, text, context string, training bool) {
	a.toks, a.buf = lx.words.tokenize(text, a.toks, a.buf)
	a.clauses = structure(a.toks, a.clauses)
	a.matches = lx.find(a.toks, a.matches)
	hasContext := strings.TrimSpace(context) != ""
	if hasContext {
		a.ctxToks, a.buf = lx.words.tokenize(context, a.ctxToks, a.buf)
		a.ctxCl = structure(a.ctxToks, a.ctxCl)
		a.ctxMatch = lx.find(a.ctxToks, a.ctxMatch)
	}
	lx.features(a, hasContext, training)
}

// Score labels one utterance. context is the client's line it answers, or
// "" when there is none.
func (s *Scorer) Score(text, context string) Result {
	a := s.pool.Get().(*analysis)
	defer func() {
		if cap(a.toks) > 4096 {
			a = &analysis{}
		}
		s.pool.Put(a)
	}()
	a.reset()
	s.lx.analyse(a, text, context, false)
	res := Result{Labels: sbcm.Labels{Skills: []sbcm.Skill{}, Domains: []sbcm.Domain{}}, Evidence: []Evidence{}}
	for _, m := range a.ctxMatch {
		if r := s.lx.Families[m.family].Risk; r != "" && !m.neg && !slices.Contains(res.ContextRisk, r) {
			res.ContextRisk = append(res.ContextRisk, r)
		}
	}
	words := 0
	for _, t := range a.toks {
		if !t.punct {
			words++
		}
	}
	if words == 0 {
		res.Focus, res.Confidence = sbcm.Neutral, 1
		res.Tip = s.tips.forRisk(res.ContextRisk)
		return res
	}
	s.model.predict(a)
	best := 0
	for o := 1; o < nFocus; o++ {
		if a.scores[o] > a.scores[best] {
			best = o
		}
	}
	res.Focus, res.Confidence = sbcm.Foci[best], a.scores[best]
	if res.Focus != sbcm.Safety && (s.asksAboutRisk(a) || a.scores[3] >= safetyLean && s.touchesRisk(a)) {
		// The guide's first tie-break: safety wins when the utterance asks
		// about or responds to risk. Missing a risk costs a client far more
		// than a false alarm costs a trainee, so when the model gives
		// safety a fair chance and the words touch on risk, safety wins.
		res.Focus, res.Confidence = sbcm.Safety, max(a.scores[3], 0.5)
	}
	for i, sk := range sbcm.Skills {
		p, th := a.scores[nFocus+i], skillThreshold
		if sk == sbcm.Reflection {
			p, th = reflectionScore(a), reflectionThreshold
		}
		if p >= th {
			res.Skills = append(res.Skills, sk)
		}
	}
	res.Focus, res.Skills = s.decide(a, res.Focus, res.Skills)
	if slices.Contains(res.Skills, sbcm.Summary) {
		// A summary is a reflection of several things at once; the guide
		// and the corpus name it once, as a summary.
		res.Skills = slices.DeleteFunc(res.Skills, func(k sbcm.Skill) bool { return k == sbcm.Reflection })
	}
	res.Domains = s.domains(a, res.Domains)
	for _, m := range a.matches {
		if m.neg {
			continue
		}
		for i, f := range sbcm.Foci {
			if slices.Contains(s.lx.Families[m.family].Signals, string(f)) {
				res.Leanings[i]++
			}
		}
	}
	res.Evidence = s.evidence(a, res, res.Evidence)
	switch {
	case len(res.ContextRisk) > 0 && res.Focus != sbcm.Safety:
		res.Tip = s.tips.forRisk(res.ContextRisk)
	case res.Focus == sbcm.Deficit:
		res.Tip = s.tips.forDeficit(s.lx, a, res.Domains, text)
	}
	return res
}

// asksAboutRisk reports whether the utterance asks or speaks directly about
// a risk: risk vocabulary in a question, or vocabulary that only comes up
// around risk (suicide, naloxone, a crisis line), in either case not in the
// same clause as a warning, a label or a failure question.
func (s *Scorer) asksAboutRisk(a *analysis) bool {
	for _, m := range a.matches {
		f := &s.lx.Families[m.family]
		if m.neg || m.clause >= len(a.clauses) {
			continue
		}
		explicit := f.Name == "safety-explicit"
		if !explicit && (f.Risk == "" || !a.clauses[m.clause].question) {
			continue
		}
		if !s.clauseHas(a, m.clause, "deficit-warning", "confront", "deficit-label", "deficit-failure") {
			return true
		}
	}
	return false
}

// decide applies the families that settle labels on their own.
func (s *Scorer) decide(a *analysis, focus sbcm.Focus, skills []sbcm.Skill) (sbcm.Focus, []sbcm.Skill) {
	last := len(a.clauses) - 1
	for _, m := range a.matches {
		f := &s.lx.Families[m.family]
		if m.neg || len(f.Decides) == 0 {
			continue
		}
		for _, sk := range f.decideSkills {
			if !slices.Contains(skills, sk) {
				skills = sbcm.SortSkills(append(skills, sk))
			}
		}
		// The guide's second tie-break: the final clause decides.
		d := f.decideFocus
		if d == "" || focus == sbcm.Safety || focus == d || m.clause != last || s.deficitIn(a, last) {
			continue
		}
		focus = d
	}
	return focus, skills
}

// deficitIn reports whether a clause has a deficit framing.
func (s *Scorer) deficitIn(a *analysis, clause int) bool {
	for _, m := range a.matches {
		if m.clause != clause || m.neg {
			continue
		}
		if slices.Contains(s.lx.Families[m.family].Signals, string(sbcm.Deficit)) {
			return true
		}
	}
	return false
}

// touchesRisk reports whether the utterance asks with risk or safety
// words, or takes up a client line that carried a risk cue (by using its
// words or asking what the client meant).
func (s *Scorer) touchesRisk(a *analysis) bool {
	for _, m := range a.matches {
		f := &s.lx.Families[m.family]
		if m.neg {
			continue
		}
		if f.Name == "safety-check" || f.Risk != "" {
			return true
		}
	}
	risky := false
	for _, m := range a.ctxMatch {
		if !m.neg && s.lx.Families[m.family].Risk != "" {
			risky = true
		}
	}
	if !risky {
		return false
	}
	if a.ctxOverlap > 0 {
		return true
	}
	for _, m := range a.matches {
		if s.lx.Families[m.family].Name == "takes-up" && !m.neg {
			return true
		}
	}
	return false
}

// safetyLean is the safety probability above which an utterance that
// touches on risk is labelled safety even when another label scores higher.
var safetyLean = 0.2

func (s *Scorer) clauseHas(a *analysis, clause int, families ...string) bool {
	for _, m := range a.matches {
		if m.clause == clause && !m.neg && slices.Contains(families, s.lx.Families[m.family].Name) {
			return true
		}
	}
	return false
}

func (s *Scorer) domains(a *analysis, out []sbcm.Domain) []sbcm.Domain {
	for _, m := range a.matches {
		if d := s.lx.Families[m.family].Domain; d != "" && !m.neg && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return sbcm.SortDomains(out)
}

// evidence collects the spans behind each label: the lexicon's cues that
// agree with it and, when no cue does, the words the model weighed most.
func (s *Scorer) evidence(a *analysis, res Result, out []Evidence) []Evidence {
	add := func(m match, label string) {
		ev := Evidence{Start: a.toks[m.from].start, End: a.toks[m.to-1].end, Cue: m.cue, Label: label}
		if strings.Contains(m.cue, "|") {
			// Show which of the alternatives matched.
			var b strings.Builder
			for k := m.from; k < m.to; k++ {
				if k > m.from {
					b.WriteByte(' ')
				}
				b.WriteString(a.toks[k].text)
			}
			ev.Cue = b.String()
		}
		for i, e := range out {
			if e.Label == label && e.Start <= ev.Start && e.End >= ev.End {
				return
			}
			if e.Label == label && ev.Start <= e.Start && ev.End >= e.End {
				out[i] = ev
				return
			}
		}
		out = append(out, ev)
	}
	focus := string(res.Focus)
	found := false
	for _, m := range a.matches {
		f := &s.lx.Families[m.family]
		if m.neg {
			continue
		}
		if slices.Contains(f.Signals, focus) {
			add(m, focus)
			found = true
		}
		for _, sk := range res.Skills {
			if !slices.Contains(f.Signals, string(sk)) {
				continue
			}
			q := m.clause < len(a.clauses) && a.clauses[m.clause].question
			switch sk {
			case sbcm.OpenQuestion, sbcm.ClosedQuestion:
				if !q {
					continue
				}
			case sbcm.Reflection, sbcm.Summary:
				if q {
					continue
				}
			}
			add(m, string(sk))
		}
		if f.Domain != "" {
			add(m, string(f.Domain))
		}
	}
	if !found {
		out = s.modelEvidence(a, res.Focus, out)
	}
	slices.SortStableFunc(out, func(x, y Evidence) int {
		if x.Start != y.Start {
			return x.Start - y.Start
		}
		return x.End - y.End
	})
	return out
}

// modelEvidence points at the words and word pairs that pushed the model
// most towards focus.
func (s *Scorer) modelEvidence(a *analysis, focus sbcm.Focus, out []Evidence) []Evidence {
	c := slices.Index(sbcm.Foci, focus)
	type cand struct {
		from, to int32
		score    float64
	}
	var top [2]cand
	for _, f := range a.feats {
		if f.from < 0 {
			continue
		}
		w := s.model.weight(f.h, c)
		rest := 0.0
		for o := 0; o < nFocus; o++ {
			if o != c {
				rest += s.model.weight(f.h, o)
			}
		}
		score := w - rest/(nFocus-1)
		if score <= 0.05 {
			continue
		}
		for i := range top {
			if score > top[i].score {
				if top[i].from != f.from || top[i].to != f.to {
					copy(top[i+1:], top[i:len(top)-1])
				}
				top[i] = cand{f.from, f.to, score}
				break
			}
			if top[i].from == f.from && top[i].to == f.to {
				break
			}
		}
	}
	for _, t := range top {
		if t.score == 0 {
			continue
		}
		var cue strings.Builder
		for k := t.from; k < t.to; k++ {
			if k > t.from {
				cue.WriteByte(' ')
			}
			cue.WriteString(a.toks[k].text)
		}
		out = append(out, Evidence{Start: a.toks[t.from].start, End: a.toks[t.to-1].end, Cue: cue.String(), Label: string(focus)})
	}
	return out
}

// tipBook holds the tips of tips.yaml.
type tipBook struct {
	Deficit  map[string]struct{ Say string } `yaml:"deficit"`
	Examples map[string][]string             `yaml:"examples"`
	Risk     map[sbcm.Risk]struct {
		Say     string `yaml:"say"`
		Example string `yaml:"example"`
	} `yaml:"risk"`
}

func loadTips(fsys fs.FS) (*tipBook, error) {
	data, err := fs.ReadFile(fsys, TipsFile)
	if err != nil {
		return nil, err
	}
	var tb tipBook
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&tb); err != nil {
		return nil, fmt.Errorf("%s: %w", TipsFile, err)
	}
	if len(tb.Examples["any"]) == 0 || tb.Deficit["generic"].Say == "" {
		return nil, fmt.Errorf("%s: needs deficit.generic and examples.any", TipsFile)
	}
	for _, r := range sbcm.Risks {
		if tb.Risk[r].Say == "" {
			return nil, fmt.Errorf("%s: no tip for risk %q", TipsFile, r)
		}
	}
	return &tb, nil
}

func (tb *tipBook) forRisk(risks []sbcm.Risk) string {
	if len(risks) == 0 {
		return ""
	}
	t := tb.Risk[risks[0]]
	return t.Say + " Try: \"" + t.Example + "\""
}

// tipOrder is which deficit framing a tip addresses first when an
// utterance has several.
var tipOrder = []string{"failure", "label", "warning", "incapable", "imposing", "advice"}

func (tb *tipBook) forDeficit(lx *Lexicon, a *analysis, domains []sbcm.Domain, text string) string {
	// The framing in the final clause is what the person is invited to
	// talk about next, so its tip comes first; among several there, the
	// longest cue is the most specific ("if you keep" over "keep").
	kind := "generic"
	best := [3]int{-1, 0, 0} // in the final clause, cue length, -rank
	last := len(a.clauses) - 1
	for _, m := range a.matches {
		t := lx.Families[m.family].Tip
		r := slices.Index(tipOrder, t)
		if t == "" || m.neg || r < 0 {
			continue
		}
		final := 0
		if m.clause == last {
			final = 1
		}
		cand := [3]int{final, m.to - m.from, -r}
		if cand[0] > best[0] || cand[0] == best[0] && (cand[1] > best[1] || cand[1] == best[1] && cand[2] > best[2]) {
			kind, best = t, cand
		}
	}
	examples := tb.Examples["any"]
	if len(domains) > 0 && len(tb.Examples[string(domains[0])]) > 0 {
		examples = tb.Examples[string(domains[0])]
	}
	ex := examples[int(hashName(text)%uint64(len(examples)))]
	return tb.Deficit[kind].Say + " Try: \"" + ex + "\""
}

// reflectionScore averages the two views of a reflection: the utterance
// model's and the clause model's (its most reflection-like statement).
// Averaging two models that see the utterance differently is steadier
// than either alone, on utterances that mix a reflection with advice or a
// question.
func reflectionScore(a *analysis) float64 {
	return (a.scores[nFocus+reflectionIndex] + a.scores[outClause]) / 2
}

var reflectionIndex = slices.Index(sbcm.Skills, sbcm.Reflection)

// skillThreshold is the probability above which a skill is reported.
var skillThreshold = 0.45

// reflectionThreshold is lower than for other skills: writers disagree
// most about reflections, which leaves the models under-confident about
// them, and a reflection the scorer misses is the costlier mistake (it is
// the skill the feedback most wants to encourage). Chosen by
// cross-validation on the training split.
var reflectionThreshold = 0.4
