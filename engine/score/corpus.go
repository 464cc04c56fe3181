package score

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
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

// HeldOut reports whether an utterance belongs to the held-out split. The
// split is a function of the text alone (a hash of its normalised words),
// so it never changes as the corpus grows, the same words can never sit on
// both sides, and anyone can check which side a line belongs on.
func HeldOut(text string) bool {
	sum := sha256.Sum256([]byte(normaliseForSplit(text)))
	return binary.BigEndian.Uint32(sum[:4])%4 == 0
}

// normaliseForSplit lower-cases text and turns every run of characters
// other than a-z and 0-9 into one space.
func normaliseForSplit(text string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(text) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
