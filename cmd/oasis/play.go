package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"oasis/content"
	"oasis/engine/roleplay"
	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/scenarios"
)

func runPlay(ctx context.Context, env *cli, args []string) error {
	fs := flag.NewFlagSet("play", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	beginner := fs.Bool("beginner", false, "beginner mode: answer by choosing an option number")
	seed := fs.Int("seed", 0, "vary which of a line's variants the client says")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: oasis play [--beginner] [--seed N] SCENARIO\n\nSCENARIO is a role play file or the id of a bundled role play.\nType what you would say to the client; in beginner mode type an option number.\nInput can be piped, one response a line. /quit ends the role play early.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &exitError{code: 2}
	}
	rp, err := findRoleplay(fs.Arg(0))
	if err != nil {
		return err
	}
	s, err := score.Load(content.Scoring())
	if err != nil {
		return err
	}
	return play(env, rp, s, *beginner, *seed)
}

// findRoleplay loads a role play from a file, or from the bundled library
// by id.
func findRoleplay(arg string) (*scenario.Roleplay, error) {
	var lib *scenario.Library
	var err error
	if _, statErr := os.Stat(arg); statErr == nil {
		lib, err = scenario.LoadPaths(arg)
	} else {
		lib, err = scenarios.Load()
	}
	if err != nil {
		return nil, fmt.Errorf("%s does not load; run `oasis validate %s` to see why:\n%w", arg, arg, err)
	}
	if rp, ok := lib.Roleplays[arg]; ok {
		return rp, nil
	}
	if len(lib.Roleplays) == 1 && len(lib.Order) == 1 {
		for _, rp := range lib.Roleplays {
			return rp, nil
		}
	}
	if _, ok := lib.Cases[arg]; ok || len(lib.Cases) == 1 && len(lib.Order) == 1 {
		return nil, errors.New(arg + " is a practice case; `oasis play` plays role plays (practice cases are worked in the browser with `oasis serve`)")
	}
	var ids []string
	for _, sc := range lib.Order {
		if sc.Info().Kind == scenario.KindRoleplay {
			ids = append(ids, sc.Info().ID)
		}
	}
	return nil, fmt.Errorf("no role play %q; give a file, or one of the bundled role plays: %s", arg, strings.Join(ids, ", "))
}

func play(env *cli, rp *scenario.Roleplay, s *score.Scorer, beginner bool, seed int) error {
	w := env.stdout
	run := roleplay.New(rp, seed)
	fmt.Fprintf(w, "%s\n%s · %s · %s, %d\n\n%s\n", rp.Title, rp.Phase, rp.Level, rp.Client.Name, rp.Client.Age, strings.TrimSpace(rp.Client.Situation))
	if beginner {
		fmt.Fprintln(w, "\nBeginner mode: type the number of the response you choose.")
	} else {
		fmt.Fprintln(w, "\nType what you would say, then Enter. (/options shows example responses, /quit ends.)")
	}
	showTurn(w, rp, run.Opening(), beginner)
	in := bufio.NewScanner(env.stdin)
	in.Buffer(make([]byte, 64*1024), 64*1024)
	echo := !isTerminal(env.stdin)
	for !run.Ended() {
		fmt.Fprint(w, "\n> ")
		if !in.Scan() {
			fmt.Fprintln(w, "\n(Input ended before the role play did.)")
			break
		}
		line := strings.TrimSpace(in.Text())
		if echo {
			// Piped input is not shown by the terminal; show it so the
			// output reads as a transcript.
			fmt.Fprintln(w, line)
		}
		switch {
		case line == "":
			continue
		case line == "/quit":
			fmt.Fprintln(w, "(You ended the role play.)")
			report(w, run)
			return nil
		case line == "/options":
			showOptions(w, run.Options())
			continue
		}
		var turn roleplay.Turn
		var err error
		if n, convErr := strconv.Atoi(line); convErr == nil && len(run.Options()) > 0 {
			turn, err = run.Choose(n)
			if err == nil {
				rec := run.History()[len(run.History())-1]
				fmt.Fprintf(w, "  You chose: %s\n  → %s\n", rec.Input.Text, roleplay.FormatLabels(rec.Input.Labels))
				if b, ok := rp.Beat(rec.Beat); ok && b.Options[n-1].Note != "" {
					fmt.Fprintf(w, "  %s\n", b.Options[n-1].Note)
				}
			}
		} else if beginner {
			fmt.Fprintf(w, "  Type a number from 1 to %d.\n", len(run.Options()))
			continue
		} else {
			res := s.Score(line, run.Context())
			turn, err = run.Step(roleplay.Input{Text: line, Labels: res.Labels})
			if err == nil {
				writeFeedback(w, line, res)
			}
		}
		if err != nil {
			fmt.Fprintf(w, "  %v\n", err)
			continue
		}
		showTurn(w, rp, turn, beginner)
	}
	report(w, run)
	return in.Err()
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func writeFeedback(w io.Writer, text string, res score.Result) {
	fmt.Fprintf(w, "  → %s (confidence %.2f)\n", roleplay.FormatLabels(res.Labels), res.Confidence)
	var ev []score.Evidence
	for _, e := range res.Evidence {
		if e.Label == string(res.Focus) {
			ev = append(ev, e)
		}
	}
	if len(ev) > 0 {
		writeEvidence(w, text, ev, "    ")
	}
	if res.Tip != "" {
		fmt.Fprintf(w, "  Tip: %s\n", res.Tip)
	}
}

func showTurn(w io.Writer, rp *scenario.Roleplay, t roleplay.Turn, beginner bool) {
	for _, m := range t.Missed {
		fmt.Fprintf(w, "  ! MISSED RISK CUE (%s): the client's last line needed a safety response first.\n", m)
	}
	for _, rv := range t.Reveals {
		fmt.Fprintf(w, "  * Strength revealed: %s (%s)\n", rv.ID, sbcm.DomainTitles[rv.Domain])
	}
	fmt.Fprintln(w)
	for _, l := range t.Lines {
		fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(rp.Client.Name), l)
	}
	var parts []string
	for _, m := range t.Meters {
		label := m.Name
		if m.Label != "" {
			label = m.Label
		}
		p := fmt.Sprintf("%s %s %d", label, bar(m.Value, m.Min, m.Max), m.Value)
		if m.Delta != 0 {
			p += fmt.Sprintf(" (%+d)", m.Delta)
		}
		parts = append(parts, p)
	}
	fmt.Fprintf(w, "  %s\n", strings.Join(parts, "   "))
	if beginner && !t.Ended {
		showOptions(w, t.Options)
	}
}

func showOptions(w io.Writer, opts []scenario.Option) {
	if len(opts) == 0 {
		fmt.Fprintln(w, "  (No ready-made responses here: answer in your own words.)")
		return
	}
	for i, o := range opts {
		fmt.Fprintf(w, "  %d) %s\n", i+1, o.Text)
	}
}

func bar(v, lo, hi int) string {
	const width = 10
	n := 0
	if hi > lo {
		n = (v - lo) * width / (hi - lo)
	}
	n = max(0, min(width, n))
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", width-n) + "]"
}

// measureRun turns a run's history into session measures.
func measureRun(run *roleplay.Run) score.Measures {
	var turns []score.Turn
	for _, rec := range run.History() {
		turns = append(turns, score.Turn{Labels: rec.Input.Labels, RiskCue: len(rec.RiskCues) > 0})
	}
	return score.Measure(turns)
}

func report(w io.Writer, run *roleplay.Run) {
	rp := run.Scenario()
	fmt.Fprintln(w, "\n== Report")
	if o := run.Outcome(); o != nil {
		fmt.Fprintf(w, "Outcome: %s (%s)\n", o.Title, o.Rating)
		if o.Debrief != "" {
			fmt.Fprintf(w, "%s\n", strings.TrimSpace(o.Debrief))
		}
	} else {
		fmt.Fprintln(w, "Outcome: not finished")
	}
	m := measureRun(run)
	fmt.Fprintf(w, "\nTurns: %d (strengths %d, deficit %d, neutral %d, safety %d)\n", m.Turns, m.Strengths, m.Deficit, m.Neutral, m.Safety)
	fmt.Fprintf(w, "Strengths ratio: %s\n", fmtRatio(m.StrengthsRatio, "%.2f"))
	fmt.Fprintf(w, "Open questions: %s of %d questions\n", fmtRatio(m.OpenShare, "%.0f%%", 100), m.Questions)
	fmt.Fprintf(w, "Reflections per question: %s (MITI: fair 1, good 2)\n", fmtRatio(m.ReflectionsPerQuestion, "%.1f"))
	fmt.Fprintf(w, "Risk cues: %d, handled %d, missed %d\n", m.RiskCues, m.RiskHandled, m.RiskMissed)
	fmt.Fprintf(w, "\nOverall: %d/100\n", m.Overall)
	for _, c := range m.Breakdown {
		fmt.Fprintf(w, "  %-26s %3d  (weight %.0f%%: %s)\n", c.Name, c.Score, c.Weight*100, c.Note)
	}
	if m.RiskMissed > 0 {
		fmt.Fprintf(w, "  A missed risk cue caps the overall score at %d.\n", score.MissedRiskCap)
	}
	fmt.Fprintf(w, "\nStrengths revealed: %d of %d\n", len(run.Revealed()), len(rp.Strengths))
	for _, id := range run.Revealed() {
		st, _ := rp.Strength(id)
		fmt.Fprintf(w, "  %s: %s\n", sbcm.DomainTitles[st.Domain], st.Line)
	}
	for _, st := range rp.Strengths {
		if !containsStr(run.Revealed(), st.ID) && st.Hint != "" {
			fmt.Fprintf(w, "  (not found: %s)\n", st.Hint)
		}
	}
	if costly := run.Costliest(3); len(costly) > 0 {
		fmt.Fprintln(w, "\nTurns that cost the most:")
		for _, rec := range costly {
			fmt.Fprintf(w, "  turn %d: %q (%s)\n", rec.Turn.Number, rec.Input.Text, rec.Input.Labels.Focus)
		}
	}
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func fmtRatio(v *float64, format string, scale ...float64) string {
	if v == nil {
		return "n/a"
	}
	x := *v
	if len(scale) > 0 {
		x *= scale[0]
	}
	return fmt.Sprintf(format, x)
}
