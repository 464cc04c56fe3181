package score

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"oasis/engine/sbcm"
)

// Report is an evaluation of the scorer against labelled examples.
type Report struct {
	N int
	// Confusion[i][j] counts examples labelled Foci[i] and scored Foci[j].
	Confusion [nFocus][nFocus]int
	Focus     [nFocus]PRF
	MacroF1   float64
	Kappa     float64
	Accuracy  float64
	Skills    [9]PRF
	// Misses are the examples whose focus was wrong.
	Misses []Miss
}

// PRF is precision, recall and F1 for one label, with its support.
type PRF struct {
	Precision, Recall, F1 float64
	Support               int
}

// Miss is one example the scorer got wrong.
type Miss struct {
	Example Example
	Got     sbcm.Focus
}

// Evaluate scores every example and compares with its labels.
func Evaluate(s *Scorer, examples []Example) Report {
	var r Report
	r.N = len(examples)
	var tp, fp, fn [9]int
	for _, ex := range examples {
		res := s.Score(ex.Text, ex.Context)
		want := slices.Index(sbcm.Foci, ex.Focus)
		got := slices.Index(sbcm.Foci, res.Focus)
		r.Confusion[want][got]++
		if want != got {
			r.Misses = append(r.Misses, Miss{ex, res.Focus})
		}
		for i, sk := range sbcm.Skills {
			w, g := slices.Contains(ex.Skills, sk), slices.Contains(res.Skills, sk)
			switch {
			case w && g:
				tp[i]++
			case g:
				fp[i]++
			case w:
				fn[i]++
			}
		}
	}
	correct := 0
	for i := 0; i < nFocus; i++ {
		correct += r.Confusion[i][i]
		var rowSum, colSum int
		for j := 0; j < nFocus; j++ {
			rowSum += r.Confusion[i][j]
			colSum += r.Confusion[j][i]
		}
		r.Focus[i] = prf(r.Confusion[i][i], colSum-r.Confusion[i][i], rowSum-r.Confusion[i][i])
		r.MacroF1 += r.Focus[i].F1 / nFocus
	}
	if r.N > 0 {
		r.Accuracy = float64(correct) / float64(r.N)
		// Cohen's kappa: agreement beyond what the label frequencies
		// would give by chance.
		pe := 0.0
		for i := 0; i < nFocus; i++ {
			var rowSum, colSum int
			for j := 0; j < nFocus; j++ {
				rowSum += r.Confusion[i][j]
				colSum += r.Confusion[j][i]
			}
			pe += float64(rowSum) * float64(colSum) / float64(r.N*r.N)
		}
		if pe < 1 {
			r.Kappa = (r.Accuracy - pe) / (1 - pe)
		}
	}
	for i := range sbcm.Skills {
		r.Skills[i] = prf(tp[i], fp[i], fn[i])
	}
	return r
}

func prf(tp, fp, fn int) PRF {
	p := PRF{Support: tp + fn}
	if tp+fp > 0 {
		p.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		p.Recall = float64(tp) / float64(tp+fn)
	}
	if p.Precision+p.Recall > 0 {
		p.F1 = 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
	}
	return p
}

// WriteText prints the report for people: the confusion matrix, per-label
// precision, recall and F1, macro-F1, Cohen's kappa and F1 per skill.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Focus on %d utterances (rows: labelled, columns: scored)\n\n", r.N)
	fmt.Fprintf(&b, "%-10s", "")
	for _, f := range sbcm.Foci {
		fmt.Fprintf(&b, " %10s", f)
	}
	b.WriteString("\n")
	for i, f := range sbcm.Foci {
		fmt.Fprintf(&b, "%-10s", f)
		for j := range sbcm.Foci {
			fmt.Fprintf(&b, " %10d", r.Confusion[i][j])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%-16s %9s %9s %9s %8s\n", "focus", "precision", "recall", "F1", "support")
	for i, f := range sbcm.Foci {
		p := r.Focus[i]
		fmt.Fprintf(&b, "%-16s %9.3f %9.3f %9.3f %8d\n", f, p.Precision, p.Recall, p.F1, p.Support)
	}
	fmt.Fprintf(&b, "\naccuracy %.3f   macro-F1 %.3f   Cohen's kappa %.3f\n", r.Accuracy, r.MacroF1, r.Kappa)
	fmt.Fprintf(&b, "\n%-16s %9s %9s %9s %8s\n", "skill", "precision", "recall", "F1", "support")
	for i, s := range sbcm.Skills {
		p := r.Skills[i]
		fmt.Fprintf(&b, "%-16s %9.3f %9.3f %9.3f %8d\n", s, p.Precision, p.Recall, p.F1, p.Support)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
