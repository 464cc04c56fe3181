package scenario

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"oasis/engine/scenario/scenariotest"
)

// sameTree reports where two node trees differ, in the fields the loader
// reads.
func sameTree(a, b *yaml.Node, path string) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column || a.Style != b.Style || len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: fast {kind %d tag %s style %d %d:%d %q, %d children} vs yaml.v3 {kind %d tag %s style %d %d:%d %q, %d children}",
			path, a.Kind, a.Tag, a.Style, a.Line, a.Column, a.Value, len(a.Content), b.Kind, b.Tag, b.Style, b.Line, b.Column, b.Value, len(b.Content))
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ok := fastParse(data)
	if !ok {
		return false
	}
	var slow yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&slow); err != nil {
		t.Fatalf("fast parser accepted what yaml.v3 rejects (%v):\n%s", err, data)
	}
	if d := sameTree(fast.Content[0], slow.Content[0], ""); d != "" {
		t.Fatalf("trees differ at %s\ninput:\n%s", d, data)
	}
	return true
}

// TestFastParseMatchesYAMLv3 checks the fast parser against yaml.v3 on
// every bundled scenario and on generated ones, and that it takes the fast
// path for them (otherwise it would be no faster).
func TestFastParseMatchesYAMLv3(t *testing.T) {
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	files = append(files, "testdata/mini.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !checkFast(t, data) {
			t.Errorf("%s: the fast parser fell back to yaml.v3", f)
		}
	}
	if !checkFast(t, scenariotest.Roleplay(3, 30)) {
		t.Error("generated role play: the fast parser fell back to yaml.v3")
	}
}

func TestFastParseCases(t *testing.T) {
	fast := []string{
		"a: 1\nb: two\nc: 'it''s'\nd: \"q \\\"x\\\" \\u00e9\"\n",
		"a:\n  - x\n  - y: 1\n    z: [1, \"two\", {k: v}]\n",
		"a:\n- x\n- y\n",
		"t: |\n  line one\n  line two\n\n  after blank\n\nu: x\n",
		"t: >-\n  folded\n  text\n\n  para\nu: |+\n  keep\n\n",
		"n: [ ]\nm: {}\nf: 1.5\ng: -3\nh: true\ni: ~\n",
		"x: é and ü\n",
		"# comment\nkey: value # trailing\n# end\n",
		"s: x:y\n",
		"k: café\nl: [naïve, ok]\n",
	}
	for _, src := range fast {
		if !checkFast(t, []byte(src)) {
			t.Errorf("fell back on %q", src)
		}
	}
	slow := []string{
		"a: &x 1\nb: *x\n",
		"a: !!str 1\n",
		"a: multi\n  line\n",
		"---\na: 1\n",
		"a:\n",
		"a:\tb\n",
		"? complex\n: key\n",
		"a: [1,\n  2]\n",
		"a: \"multi\n  line\"\n",
		"a: 0x1F\n",
		"a: 2001-12-14\n",
		"a: [1, 2, ]\n",
		"\ufeffa: 1\n",
		"a: 1\r\nb: 2\r\n",
	}
	for _, src := range slow {
		if _, ok := fastParse([]byte(src)); ok {
			checkFast(t, []byte(src))
		}
	}
}

// FuzzFastParse checks that whenever the fast parser accepts input,
// yaml.v3 accepts it too and builds the same tree.
func FuzzFastParse(f *testing.F) {
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a: [1, {b: c}]\nd: |\n  x\n"))
	f.Add([]byte("- a: 1\n  b: 'x'\n- >\n  y\n"))
	f.Add([]byte(strings.Repeat("a:\n  ", 30) + "b: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data)
	})
}

// TestFastParseRandomDocuments generates thousands of documents in the
// subset the fast parser handles (and some just outside it) and checks
// every accepted one against yaml.v3.
func TestFastParseRandomDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"alpha", "beta", "Tomás", "naïve café", "x", "it's", "a-b", "1", "-2", "3.5", "true", "null", "~", "yes", "no", "on", "0.5e3", "15 years", "12:30", "x:y", "a # b", "#c", "[x]", "{y}", "-", "- z", "?", "é", "✓", "0", "00", "+1", ".5", "1_000"}
	pick := func() string { return words[rng.IntN(len(words))] }
	scalar := func() string {
		w := pick()
		switch rng.IntN(6) {
		case 0:
			return "'" + strings.ReplaceAll(w, "'", "''") + "'"
		case 1:
			return strconv.Quote(w)
		default:
			return w
		}
	}
	var value func(depth, indent int) string
	value = func(depth, indent int) string {
		pad := strings.Repeat(" ", indent)
		switch k := rng.IntN(8); {
		case depth > 3 || k < 3:
			s := " " + scalar()
			if rng.IntN(8) == 0 {
				s += " # note"
			}
			return s + "\n"
		case k == 3:
			var items []string
			for i := rng.IntN(4); i > 0; i-- {
				if rng.IntN(3) == 0 {
					items = append(items, "{k: "+scalar()+"}")
				} else {
					items = append(items, scalar())
				}
			}
			return " [" + strings.Join(items, ", ") + "]\n"
		case k == 4:
			ind := "|"
			if rng.IntN(2) == 0 {
				ind = ">"
			}
			ind += []string{"", "-", "+"}[rng.IntN(3)]
			s := " " + ind + "\n"
			for i := 1 + rng.IntN(4); i > 0; i-- {
				if rng.IntN(4) == 0 {
					s += "\n"
				}
				s += pad + "  " + pick() + "\n"
			}
			return s
		case k == 5:
			s := "\n"
			for i := 1 + rng.IntN(3); i > 0; i-- {
				if rng.IntN(2) == 0 {
					// A compact mapping inside the item: "- a: 1\n  b: 2".
					s += pad + "  - a:" + value(depth+1, indent+4)
					if rng.IntN(2) == 0 {
						s += pad + "    b:" + value(depth+1, indent+4)
					}
					continue
				}
				s += pad + "  -" + value(depth+1, indent+2)
			}
			if rng.IntN(5) == 0 {
				s += "\n" + pad + "  # trailing comment\n"
			}
			return s
		default:
			s := "\n"
			for i := 1 + rng.IntN(3); i > 0; i-- {
				s += pad + "  k" + strconv.Itoa(i) + ":" + value(depth+1, indent+2)
			}
			return s
		}
	}
	fastCount := 0
	for n := 0; n < 5000; n++ {
		var b strings.Builder
		for i := 1 + rng.IntN(5); i > 0; i-- {
			if rng.IntN(6) == 0 {
				b.WriteString("# comment\n\n")
			}
			b.WriteString("key" + strconv.Itoa(i) + ":" + value(0, 0))
		}
		if checkFast(t, []byte(b.String())) {
			fastCount++
		}
	}
	if fastCount < 1000 {
		t.Errorf("only %d of 5000 generated documents took the fast path", fastCount)
	}
}
