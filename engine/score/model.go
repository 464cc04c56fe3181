package score

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"

	"oasis/engine/sbcm"
)

// The model's outputs: four focus scores (a softmax over them), one
// logistic score per skill, and the clause model's reflection score.
const (
	nFocus    = 4
	nSkills   = 9
	nUttOut   = nFocus + nSkills
	outClause = nUttOut
	nOut      = nUttOut + 1
)

// Model is the statistical layer: a linear model over hashed features.
type Model struct {
	index map[uint64]int32
	table featureTable
	w     []float32 // len(index) * nOut
	names []string  // feature names, for writing the weights file
}

// Example is one labelled utterance of the corpus.
type Example struct {
	Text    string       `json:"text"`
	Context string       `json:"context,omitempty"`
	Focus   sbcm.Focus   `json:"focus"`
	Skills  []sbcm.Skill `json:"skills"`
	Setting string       `json:"setting,omitempty"`
	Tags    []string     `json:"tags,omitempty"`
}

// TrainConfig sets the training run; the zero value means the defaults.
type TrainConfig struct {
	Epochs  int     // passes over the data (default 40)
	Rate    float64 // AdaGrad learning rate for the focus (default 0.1)
	L2      float64 // weight decay per example for the focus (default 1e-3)
	MinSeen int     // keep features seen in at least this many examples (default 1)
	// SkillRate and SkillL2 are the rate and decay for the skill outputs
	// (defaults 0.2 and 3e-4).
	SkillRate, SkillL2 float64
	// SkillLexicalL2 is LexicalL2 for the skill outputs (default: the same).
	SkillLexicalL2 float64
	// LexicalL2 multiplies the weight decay of word and word-pair
	// features, so that the model leans on the lexicon and the shape of
	// the utterance more than on memorised wording (default 4).
	LexicalL2 float64
	Seed      uint64 // shuffling seed (default 1)
}

func (c *TrainConfig) defaults() {
	if c.Epochs == 0 {
		c.Epochs = 40
	}
	if c.Rate == 0 {
		c.Rate = 0.1
	}
	if c.L2 == 0 {
		c.L2 = 1e-3
	}
	if c.MinSeen == 0 {
		c.MinSeen = 1
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.LexicalL2 == 0 {
		c.LexicalL2 = 4
	}
	if c.SkillLexicalL2 == 0 {
		c.SkillLexicalL2 = c.LexicalL2
	}
	if c.SkillRate == 0 {
		c.SkillRate = 0.2
	}
	if c.SkillL2 == 0 {
		c.SkillL2 = 3e-4
	}
}

// Train fits a model to the examples with the scorer's lexicon. Training is
// deterministic: the same examples and config give the same weights.
func Train(lx *Lexicon, examples []Example, cfg TrainConfig) *Model {
	cfg.defaults()
	type row struct {
		idx    []int32
		focus  int
		skills [9]bool
	}
	counts := map[string]int{}
	extracted := make([][]string, len(examples))
	clauseNames := make([][][]string, len(examples))
	a := &analysis{}
	uniq := func(names []string) []string {
		names = slices.Clone(names)
		slices.Sort(names)
		names = slices.Compact(names)
		for _, n := range names {
			counts[n]++
		}
		return names
	}
	for i, ex := range examples {
		a.reset()
		lx.analyse(a, ex.Text, ex.Context, true)
		extracted[i] = uniq(a.names[:a.nUtt])
		for _, r := range a.clauseRanges {
			clauseNames[i] = append(clauseNames[i], uniq(a.names[r[0]:r[1]]))
		}
	}
	m := &Model{index: map[uint64]int32{}}
	keys := make([]string, 0, len(counts))
	for n, c := range counts {
		if c >= cfg.MinSeen || !isLexical(n) {
			keys = append(keys, n)
		}
	}
	sort.Strings(keys)
	for _, n := range keys {
		m.index[hashName(n)] = int32(len(m.names))
		m.names = append(m.names, n)
	}
	rows := make([]row, len(examples))
	for i, ex := range examples {
		r := row{focus: slices.Index(sbcm.Foci, ex.Focus)}
		for _, s := range ex.Skills {
			r.skills[slices.Index(sbcm.Skills, s)] = true
		}
		for _, n := range extracted[i] {
			if j, ok := m.index[hashName(n)]; ok {
				r.idx = append(r.idx, j)
			}
		}
		rows[i] = r
	}
	nf := len(m.names)
	decay := make([]float64, nf)
	skillDecay := make([]float64, nf)
	for i, n := range m.names {
		decay[i], skillDecay[i] = 1, 1
		if isLexical(n) {
			decay[i], skillDecay[i] = cfg.LexicalL2, cfg.SkillLexicalL2
		}
	}
	w := make([]float64, nf*nOut)
	g2 := make([]float64, nf*nOut)
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x0a515))
	var p [nOut]float64
	var grad [nOut]float64
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			r := &rows[k]
			for o := range p {
				p[o] = 0
			}
			for _, j := range r.idx {
				base := int(j) * nOut
				for o := 0; o < nUttOut; o++ {
					p[o] += w[base+o]
				}
			}
			softmax(p[:nFocus])
			for o := nFocus; o < nUttOut; o++ {
				p[o] = sigmoid(p[o])
			}
			for o := 0; o < nFocus; o++ {
				grad[o] = p[o]
				if o == r.focus {
					grad[o] -= 1
				}
			}
			for o := nFocus; o < nUttOut; o++ {
				grad[o] = p[o]
				if r.skills[o-nFocus] {
					grad[o] -= 1
				}
			}
			for _, j := range r.idx {
				base := int(j) * nOut
				for o := 0; o < nUttOut; o++ {
					rate, l2 := cfg.Rate, cfg.L2*decay[j]
					if o >= nFocus {
						rate, l2 = cfg.SkillRate, cfg.SkillL2*skillDecay[j]
					}
					gi := grad[o] + l2*w[base+o]
					g2[base+o] += gi * gi
					w[base+o] -= rate * gi / (math.Sqrt(g2[base+o]) + 1e-8)
				}
			}
		}
	}
	trainClauses(cfg, m, examples, clauseNames, w, g2, skillDecay, rng)
	m.w = make([]float32, len(w))
	for i, v := range w {
		m.w[i] = float32(v)
	}
	m.table = newFeatureTable(m.index)
	return m
}

// trainClauses fits the clause model: the chance that one statement of an
// utterance is a reflection. The corpus labels whole utterances, so an
// utterance without a reflection makes all its statements negatives, one
// with a single statement makes it a positive, and one with several is
// settled after a first fit by taking its most reflection-like statement.
func trainClauses(cfg TrainConfig, m *Model, examples []Example, clauses [][][]string, w, g2, decay []float64, rng *rand.Rand) {
	type inst struct {
		idx []int32
		pos bool
	}
	index := func(names []string) []int32 {
		var idx []int32
		for _, n := range names {
			if j, ok := m.index[hashName(n)]; ok {
				idx = append(idx, j)
			}
		}
		return idx
	}
	score := func(idx []int32) float64 {
		z := 0.0
		for _, j := range idx {
			z += w[int(j)*nOut+outClause]
		}
		return z
	}
	var sure []inst
	var unsure [][][]int32 // positives with several statements
	for i, ex := range examples {
		refl := slices.Contains(ex.Skills, sbcm.Reflection)
		switch {
		case !refl:
			for _, c := range clauses[i] {
				sure = append(sure, inst{index(c), false})
			}
		case len(clauses[i]) == 1:
			sure = append(sure, inst{index(clauses[i][0]), true})
		case len(clauses[i]) > 1:
			var cs [][]int32
			for _, c := range clauses[i] {
				cs = append(cs, index(c))
			}
			unsure = append(unsure, cs)
		}
	}
	fit := func(data []inst) {
		order := make([]int, len(data))
		for i := range order {
			order[i] = i
		}
		for epoch := 0; epoch < cfg.Epochs; epoch++ {
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			for _, k := range order {
				d := &data[k]
				g := sigmoid(score(d.idx))
				if d.pos {
					g--
				}
				for _, j := range d.idx {
					at := int(j)*nOut + outClause
					gi := g + cfg.SkillL2*decay[j]*w[at]
					g2[at] += gi * gi
					w[at] -= cfg.SkillRate * gi / (math.Sqrt(g2[at]) + 1e-8)
				}
			}
		}
	}
	fit(sure)
	data := slices.Clone(sure)
	for _, cs := range unsure {
		best := 0
		for k := range cs {
			if score(cs[k]) > score(cs[best]) {
				best = k
			}
		}
		data = append(data, inst{cs[best], true})
	}
	for i := range w {
		if i%nOut == outClause {
			w[i], g2[i] = 0, 0
		}
	}
	fit(data)
}

// isLexical reports whether a feature is a word or word pair (as opposed
// to a lexicon family or the shape of the utterance).
func isLexical(name string) bool {
	for _, p := range []string{"w:", "b:", "L:w:", "L:b:", "ctx:risk&w:", "r:w:", "r:b:", "c:w:", "c:wt:"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func softmax(z []float64) {
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	sum := 0.0
	for i, v := range z {
		z[i] = math.Exp(v - mx)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// predict fills a.scores with focus probabilities and skill probabilities.
func (m *Model) predict(a *analysis) {
	for o := range a.scores {
		a.scores[o] = 0
	}
	// Features are present or absent, as in training: a word said six
	// times counts once.
	for _, h := range m.unique(a, a.feats[:a.nUtt]) {
		j := m.table.get(h)
		if j < 0 {
			continue
		}
		row := m.w[int(j)*nOut : int(j)*nOut+nUttOut]
		for o, v := range row {
			a.scores[o] += float64(v)
		}
	}
	softmax(a.scores[:nFocus])
	for o := nFocus; o < nUttOut; o++ {
		a.scores[o] = sigmoid(a.scores[o])
	}
	// The clause model: the most reflection-like statement.
	best := math.Inf(-1)
	for _, r := range a.clauseRanges {
		z := 0.0
		for _, h := range m.unique(a, a.feats[r[0]:r[1]]) {
			if j := m.table.get(h); j >= 0 {
				z += float64(m.w[int(j)*nOut+outClause])
			}
		}
		best = max(best, z)
	}
	a.scores[outClause] = 0
	if len(a.clauseRanges) > 0 {
		a.scores[outClause] = sigmoid(best)
	}
}

// unique returns the distinct hashes of feats, in a.hashes.
func (m *Model) unique(a *analysis, feats []feat) []uint64 {
	a.hashes = a.hashes[:0]
	for _, f := range feats {
		a.hashes = append(a.hashes, f.h)
	}
	slices.Sort(a.hashes)
	return slices.Compact(a.hashes)
}

// weight returns feature f's weight for output o, or 0 when unknown.
func (m *Model) weight(h uint64, o int) float64 {
	j := m.table.get(h)
	if j < 0 {
		return 0
	}
	return float64(m.w[int(j)*nOut+o])
}

// Vocabulary returns the words the model has weights for, which the
// lexicon treats as correctly spelt.
func (m *Model) Vocabulary() []string {
	var out []string
	for _, n := range m.names {
		if w, ok := strings.CutPrefix(n, "w:"); ok && !strings.HasPrefix(w, "!") {
			out = append(out, w)
		}
	}
	return out
}

// minWeight is the smallest weight the weights file keeps: smaller ones
// change no decision and would only make the file bigger.
const minWeight = 0.01

const weightsHeader = "# oasis scorer weights v2: feature, then 4 focus weights (strengths deficit neutral safety), 9 skill weights (open-question closed-question reflection affirmation summary inform advice confront autonomy) and the clause model's reflection weight"

// WriteTo writes the model as tab-separated text, one feature a line,
// dropping weights too small to matter.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	c, _ := fmt.Fprintln(bw, weightsHeader)
	n += int64(c)
	for i, name := range m.names {
		row := m.w[i*nOut : (i+1)*nOut]
		if !slices.ContainsFunc(row, func(v float32) bool { return math.Abs(float64(v)) >= minWeight }) {
			continue
		}
		var b strings.Builder
		b.WriteString(name)
		for _, v := range row {
			b.WriteByte('\t')
			if math.Abs(float64(v)) < minWeight {
				b.WriteByte('0')
			} else {
				b.WriteString(strconv.FormatFloat(float64(v), 'f', 3, 32))
			}
		}
		b.WriteByte('\n')
		c, err := bw.WriteString(b.String())
		n += int64(c)
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

// ReadModel reads a weights file written by WriteTo. It is on the
// start-up path, so it parses the file in one pass over a single string,
// without a string or slice per line.
func ReadModel(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text := string(data)
	lines := strings.Count(text, "\n") + 1
	m := &Model{index: make(map[uint64]int32, lines), names: make([]string, 0, lines), w: make([]float32, 0, lines*nOut)}
	for n := 1; text != ""; n++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if line == "" || line[0] == '#' {
			continue
		}
		tab := strings.IndexByte(line, '\t')
		if tab <= 0 {
			return nil, fmt.Errorf("weights line %d: no feature name", n)
		}
		name, rest := line[:tab], line[tab+1:]
		for o := 0; o < nOut; o++ {
			field := rest
			if i := strings.IndexByte(rest, '\t'); i >= 0 {
				field, rest = rest[:i], rest[i+1:]
			} else if o < nOut-1 {
				return nil, fmt.Errorf("weights line %d: %d weights, want %d", n, o+1, nOut)
			} else {
				rest = ""
			}
			v, err := parseWeight(field)
			if err != nil {
				return nil, fmt.Errorf("weights line %d: %v", n, err)
			}
			m.w = append(m.w, v)
		}
		if rest != "" {
			return nil, fmt.Errorf("weights line %d: more than %d weights", n, nOut)
		}
		m.index[hashName(name)] = int32(len(m.names))
		m.names = append(m.names, name)
	}
	if len(m.names) == 0 {
		return nil, fmt.Errorf("weights file has no features")
	}
	m.table = newFeatureTable(m.index)
	return m, nil
}

// parseWeight reads a weight as WriteTo writes it ("0", "-1.234"), and
// anything else strconv understands.
func parseWeight(s string) (float32, error) {
	neg := false
	i := 0
	if i < len(s) && s[i] == '-' {
		neg, i = true, i+1
	}
	var whole, frac, scale int64 = 0, 0, 1
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		whole = whole*10 + int64(s[i]-'0')
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9' && scale < 1e9; i++ {
			frac = frac*10 + int64(s[i]-'0')
			scale *= 10
			digits++
		}
	}
	if i != len(s) || digits == 0 || whole > 1e9 {
		v, err := strconv.ParseFloat(s, 32)
		return float32(v), err
	}
	v := float64(whole) + float64(frac)/float64(scale)
	if neg {
		v = -v
	}
	return float32(v), nil
}

// TrainScorer trains a model for the lexicon in fsys. The lexicon is read
// twice: first to learn which words of the corpus are common enough to be
// vocabulary (so typo correction leaves them alone), then with that
// vocabulary to extract the features the model is fitted on.
func TrainScorer(fsys fs.FS, examples []Example, cfg TrainConfig) (*Model, error) {
	cfg.defaults()
	lx0, err := LoadLexicon(fsys, LexiconFile, nil)
	if err != nil {
		return nil, err
	}
	lx0.words.correcting = false
	counts := map[string]int{}
	var toks []token
	var buf []byte
	for _, ex := range examples {
		toks, buf = lx0.words.tokenize(ex.Text, toks[:0], buf)
		for _, t := range toks {
			if !t.punct {
				counts[t.text]++
			}
		}
	}
	var vocab []string
	for w, c := range counts {
		if c >= cfg.MinSeen {
			vocab = append(vocab, w)
		}
	}
	sort.Strings(vocab)
	lx, err := LoadLexicon(fsys, LexiconFile, vocab)
	if err != nil {
		return nil, err
	}
	return Train(lx, examples, cfg), nil
}

// featureTable maps feature hashes to rows: an open-addressing table that
// is several times faster than a Go map on the scoring path.
type featureTable struct {
	keys []uint64
	rows []int32
	mask uint64
}

func newFeatureTable(index map[uint64]int32) featureTable {
	n := 16
	for n < 2*len(index) {
		n *= 2
	}
	t := featureTable{keys: make([]uint64, n), rows: make([]int32, n), mask: uint64(n - 1)}
	for i := range t.rows {
		t.rows[i] = -1
	}
	for k, v := range index {
		i := k & t.mask
		for t.rows[i] >= 0 {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.rows[i] = k, v
	}
	return t
}

// get returns the row of hash h, or -1.
func (t *featureTable) get(h uint64) int32 {
	if len(t.keys) == 0 {
		return -1
	}
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if t.rows[i] < 0 {
			return -1
		}
		if t.keys[i] == h {
			return t.rows[i]
		}
	}
}
