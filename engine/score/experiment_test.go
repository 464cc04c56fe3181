package score

import (
	"fmt"
	"math"
	"oasis/engine/sbcm"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"oasis/content"
)

func TestExperimentCV(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	f, _ := content.Scoring().Open("corpus/train.jsonl")
	exs, err := ReadCorpus(f, "train")
	if err != nil {
		t.Fatal(err)
	}
	k := 5
	var macro, safetyR float64
	var skills [9]float64
	var misses []Miss
	for fold := 0; fold < k; fold++ {
		var tr, te []Example
		for i, e := range exs {
			if i%k == fold {
				te = append(te, e)
			} else {
				tr = append(tr, e)
			}
		}
		m, err := TrainScorer(content.Scoring(), tr, expCfg())
		if err != nil {
			t.Fatal(err)
		}
		lx, _ := LoadLexicon(content.Scoring(), LexiconFile, m.Vocabulary())
		s, err := New(lx, m, content.Scoring())
		if err != nil {
			t.Fatal(err)
		}
		r := Evaluate(s, te)
		macro += r.MacroF1 / float64(k)
		safetyR += r.Focus[3].Recall / float64(k)
		for i := range skills {
			skills[i] += r.Skills[i].F1 / float64(k)
		}
		misses = append(misses, r.Misses...)
		if sk := os.Getenv("SKILL"); sk != "" {
			for _, e := range te {
				res := s.Score(e.Text, e.Context)
				w, g := slices.Contains(e.Skills, sbcm.Skill(sk)), slices.Contains(res.Skills, sbcm.Skill(sk))
				if w != g {
					a := &analysis{}
					s.lx.analyse(a, e.Text, e.Context, false)
					s.model.predict(a)
					fmt.Printf("SK want=%v got=%v p=%.2f | %s || %s\n", w, g, a.scores[nFocus+slices.Index(sbcm.Skills, sbcm.Skill(sk))], e.Text, e.Context)
				}
			}
		}
	}
	fmt.Printf("CV macroF1 %.3f safetyR %.3f skills %.2f\n", macro, safetyR, skills)
	if os.Getenv("EXP") == "v" {
		s, _ := Load(content.Scoring())
		for _, m := range misses {
			r := s.Score(m.Example.Text, m.Example.Context)
			a := &analysis{}
			s.lx.analyse(a, m.Example.Text, m.Example.Context, false)
			fmt.Printf("%s->%s ctxrisk=%v ov=%d | %s || %s\n", m.Example.Focus, m.Got, r.ContextRisk, a.ctxOverlap, m.Example.Text, m.Example.Context)
		}
	}
}

func expCfg() TrainConfig {
	var c TrainConfig
	fmt.Sscanf(os.Getenv("CFG"), "%d %g %g %d %g %g %g %g", &c.Epochs, &c.Rate, &c.L2, &c.MinSeen, &c.SkillRate, &c.SkillL2, &c.LexicalL2, &c.SkillLexicalL2)
	return c
}

func TestExplain(t *testing.T) {
	text := os.Getenv("EXPLAIN")
	if text == "" {
		t.Skip()
	}
	s, err := Load(content.Scoring())
	if err != nil {
		t.Fatal(err)
	}
	a := &analysis{}
	s.lx.analyse(a, text, os.Getenv("CTX"), true)
	s.model.predict(a)
	for _, tk := range a.toks {
		fmt.Printf("%s(%d%v) ", tk.text, tk.clause, map[bool]string{true: "!", false: ""}[tk.neg])
	}
	fmt.Println()
	for _, m := range a.matches {
		fmt.Printf("match %s %q neg=%v clause=%d\n", s.lx.Families[m.family].Name, m.cue, m.neg, m.clause)
	}
	fmt.Printf("scores %.2f\n", a.scores)
	type c struct {
		n string
		w [4]float64
	}
	var cs []c
	for i, f := range a.feats {
		var x c
		x.n = a.names[i]
		for o := 0; o < 4; o++ {
			x.w[o] = s.model.weight(f.h, o)
		}
		cs = append(cs, x)
	}
	sort.Slice(cs, func(i, j int) bool { return math.Abs(cs[i].w[0]-cs[i].w[1]) > math.Abs(cs[j].w[0]-cs[j].w[1]) })
	for _, x := range cs[:min(25, len(cs))] {
		fmt.Printf("%+.2f %+.2f %+.2f %+.2f %s\n", x.w[0], x.w[1], x.w[2], x.w[3], x.n)
	}
}

func TestExperimentOOD(t *testing.T) {
	if os.Getenv("OOD") == "" {
		t.Skip()
	}
	f, _ := content.Scoring().Open("corpus/train.jsonl")
	exs, _ := ReadCorpus(f, "train")
	m, err := TrainScorer(content.Scoring(), exs, expCfg())
	if err != nil {
		t.Fatal(err)
	}
	lx, _ := LoadLexicon(content.Scoring(), LexiconFile, m.Vocabulary())
	s, _ := New(lx, m, content.Scoring())
	for _, name := range strings.Fields(os.Getenv("OOD")) {
		g, _ := os.Open(name)
		te, err := ReadCorpus(g, name)
		if err != nil {
			t.Fatal(err)
		}
		r := Evaluate(s, te)
		fmt.Printf("OOD %s macroF1 %.3f safetyR %.3f skills %.2f\n", name, r.MacroF1, r.Focus[3].Recall, [3]float64{r.Skills[0].F1, r.Skills[1].F1, r.Skills[2].F1})
	}
}

func TestExperimentLean(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	f, _ := content.Scoring().Open("corpus/train.jsonl")
	exs, _ := ReadCorpus(f, "train")
	k := 5
	type fold struct {
		s  *Scorer
		te []Example
	}
	var folds []fold
	for fo := 0; fo < k; fo++ {
		var tr, te []Example
		for i, e := range exs {
			if i%k == fo {
				te = append(te, e)
			} else {
				tr = append(tr, e)
			}
		}
		m, _ := TrainScorer(content.Scoring(), tr, expCfg())
		lx, _ := LoadLexicon(content.Scoring(), LexiconFile, m.Vocabulary())
		s, _ := New(lx, m, content.Scoring())
		folds = append(folds, fold{s, te})
	}
	for _, lean := range []float64{0.2, 0.15, 0.1, 0.07, 0.05} {
		safetyLean = lean
		var macro, sr, sp float64
		for _, fo := range folds {
			r := Evaluate(fo.s, fo.te)
			macro += r.MacroF1 / float64(k)
			sr += r.Focus[3].Recall / float64(k)
			sp += r.Focus[3].Precision / float64(k)
		}
		fmt.Printf("lean %.2f macroF1 %.3f safety R %.3f P %.3f\n", lean, macro, sr, sp)
	}
}

func TestCtxRiskProbe(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	s, _ := Load(content.Scoring())
	for _, c := range []string{"havent had my insulin since tues, pharmacy wont fill it", "I swallowed a bunch of my nan's tablets before I came in.", "Some nights the thoughts of killing myself are really loud"} {
		r := s.Score("hav u eaten anything today?", c)
		a := &analysis{}
		s.lx.analyse(a, "hav u eaten anything today?", c, false)
		fmt.Println(r.ContextRisk, len(a.ctxMatch), len(a.ctxToks))
	}
}
