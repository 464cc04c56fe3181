package score

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"oasis/engine/sbcm"
)

// ReadCorpus reads labelled examples, one JSON object a line. Every line
// is checked against the guide's labels; the error names the line.
func ReadCorpus(r io.Reader, name string) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var ex Example
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if strings.TrimSpace(ex.Text) == "" {
			return nil, fmt.Errorf("%s:%d: empty text", name, line)
		}
		if _, err := sbcm.ParseFocus(string(ex.Focus)); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		for _, s := range ex.Skills {
			if _, err := sbcm.ParseSkill(string(s)); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, line, err)
			}
		}
		if ex.Skills == nil {
			ex.Skills = []sbcm.Skill{}
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}
