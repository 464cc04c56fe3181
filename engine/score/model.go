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

// The model's outputs: four focus scores (a softmax over them), then one
// logistic score per skill.
const (
	nFocus = 4
	nOut   = nFocus + 9
)

// Model is the statistical layer: a linear model over hashed features.
type Model struct {
	index map[uint64]int32
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
	a := &analysis{}
	for i, ex := range examples {
		a.reset()
		lx.analyse(a, ex.Text, ex.Context, true)
		names := slices.Clone(a.names)
		slices.Sort(names)
		names = slices.Compact(names)
		for _, n := range names {
			counts[n]++
		}
		extracted[i] = names
	}
	m := &Model{index: map[uint64]int32{}}
	keys := make([]string, 0, len(counts))
	for n, c := range counts {
		if c >= cfg.MinSeen || !strings.HasPrefix(n, "w:") && !strings.HasPrefix(n, "b:") && !strings.HasPrefix(n, "L:") && !strings.HasPrefix(n, "ctx:risk&w:") {
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
	for i, n := range m.names {
		decay[i] = 1
		if isLexical(n) {
			decay[i] = cfg.LexicalL2
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
				for o := 0; o < nOut; o++ {
					p[o] += w[base+o]
				}
			}
			softmax(p[:nFocus])
			for o := nFocus; o < nOut; o++ {
				p[o] = sigmoid(p[o])
			}
			for o := 0; o < nFocus; o++ {
				grad[o] = p[o]
				if o == r.focus {
					grad[o] -= 1
				}
			}
			for o := nFocus; o < nOut; o++ {
				grad[o] = p[o]
				if r.skills[o-nFocus] {
					grad[o] -= 1
				}
			}
			for _, j := range r.idx {
				base := int(j) * nOut
				for o := 0; o < nOut; o++ {
					rate, l2 := cfg.Rate, cfg.L2
					if o >= nFocus {
						rate, l2 = cfg.SkillRate, cfg.SkillL2
					}
					gi := grad[o] + l2*decay[j]*w[base+o]
					g2[base+o] += gi * gi
					w[base+o] -= rate * gi / (math.Sqrt(g2[base+o]) + 1e-8)
				}
			}
		}
	}
	m.w = make([]float32, len(w))
	for i, v := range w {
		m.w[i] = float32(v)
	}
	return m
}

// isLexical reports whether a feature is a word or word pair (as opposed
// to a lexicon family or the shape of the utterance).
func isLexical(name string) bool {
	for _, p := range []string{"w:", "b:", "L:w:", "L:b:", "ctx:risk&w:"} {
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
	for _, f := range a.feats {
		j, ok := m.index[f.h]
		if !ok {
			continue
		}
		base := int(j) * nOut
		for o := 0; o < nOut; o++ {
			a.scores[o] += float64(m.w[base+o])
		}
	}
	softmax(a.scores[:nFocus])
	for o := nFocus; o < nOut; o++ {
		a.scores[o] = sigmoid(a.scores[o])
	}
}

// weight returns feature f's weight for output o, or 0 when unknown.
func (m *Model) weight(h uint64, o int) float64 {
	j, ok := m.index[h]
	if !ok {
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

const weightsHeader = "# oasis scorer weights v1: feature, then 4 focus weights (strengths deficit neutral safety) and 9 skill weights (open-question closed-question reflection affirmation summary inform advice confront autonomy)"

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

// ReadModel reads a weights file written by WriteTo.
func ReadModel(r io.Reader) (*Model, error) {
	m := &Model{index: map[uint64]int32{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != nOut+1 {
			return nil, fmt.Errorf("weights line %d: %d fields, want %d", line, len(fields), nOut+1)
		}
		m.index[hashName(fields[0])] = int32(len(m.names))
		m.names = append(m.names, fields[0])
		for _, f := range fields[1:] {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil {
				return nil, fmt.Errorf("weights line %d: %v", line, err)
			}
			m.w = append(m.w, float32(v))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(m.names) == 0 {
		return nil, fmt.Errorf("weights file has no features")
	}
	return m, nil
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
