package roleplay

import (
	"fmt"
	"io"
	"strings"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
)

// WriteTranscript writes the run so far as plain text: every client line,
// every response with its labels, the meters, revealed strengths, risk cues
// and the outcome. Golden transcripts under testdata are in this form.
func WriteTranscript(w io.Writer, r *Run) error {
	var b strings.Builder
	sc := r.Scenario()
	fmt.Fprintf(&b, "# %s: %s (seed %d)\n", sc.ID, sc.Title, r.seed)
	writeTurn(&b, sc, r.Opening())
	for _, rec := range r.History() {
		in := rec.Input
		how := "says"
		if in.Option > 0 {
			how = fmt.Sprintf("chooses %d", in.Option)
		}
		fmt.Fprintf(&b, "\nTRAINEE %s: %s\n", how, in.Text)
		fmt.Fprintf(&b, "  labels: %s\n", FormatLabels(in.Labels))
		writeTurn(&b, sc, rec.Turn)
	}
	if o := r.Outcome(); o != nil {
		fmt.Fprintf(&b, "\nENDED after %d turns: %s (%s): %s\n", len(r.History()), o.ID, o.Rating, o.Title)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTurn(b *strings.Builder, sc *scenario.Roleplay, t Turn) {
	for _, m := range t.Missed {
		fmt.Fprintf(b, "  MISSED RISK CUE: %s\n", m)
	}
	for _, rv := range t.Reveals {
		fmt.Fprintf(b, "  revealed strength: %s (%s)\n", rv.ID, rv.Domain)
	}
	fmt.Fprintf(b, "[%s]\n", t.Beat)
	for _, l := range t.Lines {
		fmt.Fprintf(b, "%s: %s\n", strings.ToUpper(sc.Client.Name), l)
	}
	parts := make([]string, len(t.Meters))
	for i, m := range t.Meters {
		parts[i] = fmt.Sprintf("%s %d", m.Name, m.Value)
		if m.Delta != 0 {
			parts[i] += fmt.Sprintf(" (%+d)", m.Delta)
		}
	}
	fmt.Fprintf(b, "  meters: %s\n", strings.Join(parts, ", "))
	for _, c := range t.RiskCues {
		fmt.Fprintf(b, "  risk cue: %s\n", c)
	}
}

// FormatLabels writes labels compactly: "strengths; open-question, reflection; leisure".
func FormatLabels(l sbcm.Labels) string {
	s := string(l.Focus)
	if len(l.Skills) > 0 {
		names := make([]string, len(l.Skills))
		for i, k := range l.Skills {
			names[i] = string(k)
		}
		s += "; " + strings.Join(names, ", ")
	}
	if len(l.Domains) > 0 {
		names := make([]string, len(l.Domains))
		for i, d := range l.Domains {
			names[i] = string(d)
		}
		s += "; domains " + strings.Join(names, ", ")
	}
	return s
}
