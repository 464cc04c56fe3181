package roleplay

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"oasis/engine/sbcm"
)

// scriptLine is one line of an input script: a beginner-mode choice, or
// free text with the labels a scorer would give it.
type scriptLine struct {
	Option  int      `json:"option"`
	Text    string   `json:"text"`
	Focus   string   `json:"focus"`
	Skills  []string `json:"skills"`
	Domains []string `json:"domains"`
}

// ReadScript reads a JSON-lines input script, as used by golden
// transcripts: {"option": 2} or {"text": "...", "focus": "strengths",
// "skills": [...], "domains": [...]} per line. Blank lines and lines
// starting with # are skipped.
func ReadScript(r io.Reader, name string) ([]Input, error) {
	var out []Input
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		var sl scriptLine
		if err := dec.Decode(&sl); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		if sl.Option > 0 {
			out = append(out, Input{Option: sl.Option})
			continue
		}
		in := Input{Text: sl.Text}
		var err error
		if in.Labels.Focus, err = sbcm.ParseFocus(sl.Focus); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		for _, s := range sl.Skills {
			k, err := sbcm.ParseSkill(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, n, err)
			}
			in.Labels.Skills = append(in.Labels.Skills, k)
		}
		for _, s := range sl.Domains {
			d, err := sbcm.ParseDomain(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, n, err)
			}
			in.Labels.Domains = append(in.Labels.Domains, d)
		}
		out = append(out, in)
	}
	return out, sc.Err()
}
