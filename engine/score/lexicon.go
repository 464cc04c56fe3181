package score

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
)

// Family is one named group of cue patterns in the lexicon, such as
// "deficit-label" or "risk-suicide", with the labels it is evidence for.
type Family struct {
	Name string `yaml:"name"`
	// Signals are the focus labels and skills the family is evidence for.
	Signals []string `yaml:"signals"`
	// Risk is set on families that detect a kind of risk.
	Risk sbcm.Risk `yaml:"risk"`
	// Domain is set on life-domain vocabularies.
	Domain sbcm.Domain `yaml:"domain"`
	// Decides lists labels (a focus and/or skills) the family settles on
	// its own: its cues are precise enough that the model's view does not
	// overrule them. A focus is decided only when nothing in the final
	// clause points to a deficit.
	Decides []string `yaml:"decides"`
	// Tip names the tip shown when this family drives a deficit label.
	Tip  string   `yaml:"tip"`
	Cues []string `yaml:"cues"`
	// About says what the family is for; it is documentation only.
	About string `yaml:"about"`

	// decideFocus and decideSkills are Decides, parsed once.
	decideFocus  sbcm.Focus
	decideSkills []sbcm.Skill
}

type lexiconFile struct {
	Respell  map[string]string `yaml:"respell"`
	Families []Family          `yaml:"families"`
}

// elem is one position of a compiled cue pattern.
type elem struct {
	kind  byte // 'w' words, '_' any one word, '.' a gap of 0-3 words
	alts  []string
	glob  []bool // alts[i] is a prefix (written "word*")
	punct bool
}

type pattern struct {
	family int
	cue    string
	elems  []elem
}

// Lexicon is the compiled lexicon: respellings, cue families and the
// indexes that find them in tokens.
type Lexicon struct {
	Families []Family
	words    words
	// byFirst finds patterns by their first word, then (when their second
	// position is plain words too) by their second.
	byFirst map[string]*firstWord
	// byPrefix finds patterns whose first word is a prefix ("suicid*") by
	// the prefix's first three letters.
	byPrefix map[string][]*pattern
	// wild are patterns whose first position is a wildcard.
	wild []*pattern
	// byName finds a family's index.
	byName map[string]int
}

// LoadLexicon reads lexicon.yaml (and, for typo correction, the words in
// vocab) from fsys.
func LoadLexicon(fsys fs.FS, name string, vocab []string) (*Lexicon, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read lexicon: %w", err)
	}
	var lf lexiconFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&lf); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lx := &Lexicon{
		Families: lf.Families,
		words: words{
			respell: map[string][]string{},
			intern:  map[string]string{},
			cues:    map[string]bool{},
			fix:     map[string]string{},
		},
		byFirst:  map[string]*firstWord{},
		byPrefix: map[string][]*pattern{},
		byName:   map[string]int{},
	}
	w := &lx.words
	for _, v := range vocab {
		w.intern[v] = v
	}
	for from, to := range lf.Respell {
		parts := strings.Fields(to)
		for i, p := range parts {
			if v, ok := w.intern[p]; ok {
				parts[i] = v
			} else {
				w.intern[p] = p
			}
		}
		w.respell[from] = parts
	}
	for fi, f := range lf.Families {
		if f.Name == "" {
			return nil, fmt.Errorf("%s: family %d has no name", name, fi+1)
		}
		if _, dup := lx.byName[f.Name]; dup {
			return nil, fmt.Errorf("%s: family %q appears twice", name, f.Name)
		}
		lx.byName[f.Name] = fi
		for _, s := range append(slices.Clone(f.Signals), f.Decides...) {
			if _, err := sbcm.ParseFocus(s); err != nil {
				if _, err2 := sbcm.ParseSkill(s); err2 != nil {
					return nil, fmt.Errorf("%s: family %q: signal %q is neither a focus nor a skill", name, f.Name, s)
				}
			}
		}
		for _, d := range f.Decides {
			if sk, err := sbcm.ParseSkill(d); err == nil {
				lx.Families[fi].decideSkills = append(lx.Families[fi].decideSkills, sk)
			} else {
				lx.Families[fi].decideFocus = sbcm.Focus(d)
			}
		}
		if f.Risk != "" {
			if _, err := sbcm.ParseRisk(string(f.Risk)); err != nil {
				return nil, fmt.Errorf("%s: family %q: %v", name, f.Name, err)
			}
		}
		if f.Domain != "" {
			if _, err := sbcm.ParseDomain(string(f.Domain)); err != nil {
				return nil, fmt.Errorf("%s: family %q: %v", name, f.Name, err)
			}
		}
		for _, cue := range f.Cues {
			p, err := lx.compile(cue)
			if err != nil {
				return nil, fmt.Errorf("%s: family %q: cue %q: %v", name, f.Name, cue, err)
			}
			p.family = fi
			first := p.elems[0]
			if first.kind != 'w' {
				lx.wild = append(lx.wild, p)
				continue
			}
			for i, a := range first.alts {
				if first.glob[i] {
					lx.byPrefix[a[:3]] = append(lx.byPrefix[a[:3]], p)
				} else {
					lx.indexFirst(a, p)
				}
			}
		}
	}
	lx.words.correcting = true
	return lx, nil
}

// firstWord holds the patterns that start with one word.
type firstWord struct {
	// any are tried whatever the next token is.
	any []*pattern
	// next holds patterns whose second position is plain words.
	next map[string][]*pattern
}

func (lx *Lexicon) indexFirst(word string, p *pattern) {
	fw := lx.byFirst[word]
	if fw == nil {
		fw = &firstWord{next: map[string][]*pattern{}}
		lx.byFirst[word] = fw
	}
	if len(p.elems) < 2 || p.elems[1].kind != 'w' || slices.Contains(p.elems[1].glob, true) {
		fw.any = append(fw.any, p)
		return
	}
	for _, a := range p.elems[1].alts {
		fw.next[a] = append(fw.next[a], p)
	}
}

// compile turns a cue such as "why did|do you ... not" into a pattern. Cue
// words are normalised the way text is, so a cue may be written with
// contractions ("don't") and they still match.
func (lx *Lexicon) compile(cue string) (*pattern, error) {
	p := &pattern{cue: cue}
	for _, f := range strings.Fields(strings.ToLower(cue)) {
		switch f {
		case "_":
			p.elems = append(p.elems, elem{kind: '_'})
			continue
		case "...":
			p.elems = append(p.elems, elem{kind: '.'})
			continue
		case "?", ",", ".", ":", ";":
			p.elems = append(p.elems, elem{kind: 'w', alts: []string{f}, glob: []bool{false}, punct: true})
			continue
		}
		var alts []string
		var glob []bool
		var expanded [][]string
		for _, a := range strings.Split(f, "|") {
			g := strings.HasSuffix(a, "*")
			a = strings.TrimSuffix(a, "*")
			if a == "" || strings.ContainsAny(a, "*_") {
				return nil, fmt.Errorf("bad word %q", f)
			}
			if g && len(a) < 3 {
				return nil, fmt.Errorf("prefix %q* is too short; use at least three letters", a)
			}
			// Normalise through the same path as text.
			toks, _ := lx.words.tokenize(a, nil, nil)
			if len(toks) == 0 {
				return nil, fmt.Errorf("bad word %q", f)
			}
			if len(toks) > 1 {
				parts := make([]string, len(toks))
				for i, t := range toks {
					parts[i] = t.text
				}
				expanded = append(expanded, parts)
				continue
			}
			v := toks[0].text
			if !g {
				lx.words.intern[v] = v
				lx.words.addCue(v)
			}
			alts = append(alts, v)
			glob = append(glob, g)
		}
		if len(expanded) > 0 {
			// A contraction expands into several words; it cannot be
			// one alternative among others.
			if len(expanded) != 1 || len(alts) > 0 {
				return nil, fmt.Errorf("%q: write contractions as their own word, not as an alternative", f)
			}
			for _, part := range expanded[0] {
				lx.words.intern[part] = part
				p.elems = append(p.elems, elem{kind: 'w', alts: []string{part}, glob: []bool{false}})
			}
			continue
		}
		p.elems = append(p.elems, elem{kind: 'w', alts: alts, glob: glob})
	}
	if len(p.elems) == 0 || p.elems[0].kind == '.' || p.elems[len(p.elems)-1].kind == '.' {
		return nil, fmt.Errorf("a cue must start and end with a word")
	}
	return p, nil
}

// match is one cue found in the tokens.
type match struct {
	family   int
	cue      string
	from, to int // token indices, to exclusive
	neg      bool
	clause   int
}

func (e *elem) matches(t *token) bool {
	if t.punct != e.punct {
		return false
	}
	for i, a := range e.alts {
		if e.glob[i] {
			if strings.HasPrefix(t.text, a) {
				return true
			}
		} else if t.text == a {
			return true
		}
	}
	return false
}

// matchAt returns the index after a match of elems starting at token i,
// or -1. Only gaps need to try several lengths.
func matchAt(elems []elem, toks []token, i int) int {
	for k := range elems {
		e := &elems[k]
		switch e.kind {
		case '.':
			rest := elems[k+1:]
			for gap := 0; gap <= 3 && i+gap <= len(toks); gap++ {
				if gap > 0 && toks[i+gap-1].punct {
					break
				}
				if end := matchAt(rest, toks, i+gap); end >= 0 {
					return end
				}
			}
			return -1
		case '_':
			if i >= len(toks) || toks[i].punct {
				return -1
			}
		default:
			if i >= len(toks) || !e.matches(&toks[i]) {
				return -1
			}
		}
		i++
	}
	return i
}

// find appends every cue match in toks to ms.
func (lx *Lexicon) find(toks []token, ms []match) []match {
	for i := range toks {
		t := toks[i].text
		if fw := lx.byFirst[t]; fw != nil {
			ms = tryAll(fw.any, toks, i, ms)
			if i+1 < len(toks) {
				ms = tryAll(fw.next[toks[i+1].text], toks, i, ms)
			}
		}
		if toks[i].punct {
			continue
		}
		if len(t) >= 3 {
			ms = tryAll(lx.byPrefix[t[:3]], toks, i, ms)
		}
		ms = tryAll(lx.wild, toks, i, ms)
	}
	return ms
}

func tryAll(ps []*pattern, toks []token, i int, ms []match) []match {
	for _, p := range ps {
		if end := matchAt(p.elems, toks, i); end > i {
			ms = append(ms, match{family: p.family, cue: p.cue, from: i, to: end, neg: toks[i].neg, clause: toks[i].clause})
		}
	}
	return ms
}
