package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func readMini(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestParseValid(t *testing.T) {
	sc, err := Parse("mini.yaml", []byte(readMini(t)))
	if err != nil {
		t.Fatal(err)
	}
	rp, ok := sc.(*Roleplay)
	if !ok {
		t.Fatalf("got %T, want *Roleplay", sc)
	}
	if got, want := len(rp.Beats), 5; got != want {
		t.Errorf("beats = %d, want %d", got, want)
	}
	if rp.Start != "opening" {
		t.Errorf("start = %q, want the first beat", rp.Start)
	}
	if m := rp.Meters[1]; m.Name != "hope" || m.Min != 0 || m.Max != 100 || m.Start != 20 {
		t.Errorf("hope meter = %+v, want defaults 0..100 and start 20", m)
	}
	b, _ := rp.Beat("opening")
	if got := b.Transitions[0].Effects.Meters; len(got) != 2 || got[1] != (MeterDelta{"resistance", 15}) {
		t.Errorf("effects = %+v", got)
	}
	if b.Transitions[2].When != nil {
		t.Error("the last transition should be the default, with no condition")
	}
	if s, _ := rp.Strength("baking"); s.RevealedBy == nil || s.RevealedBy.Program == nil {
		t.Error("revealed_by was not compiled")
	}
}

// TestParseErrors changes one thing in a valid file and checks the error
// names the right place and says what is wrong.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string // "line:col: fragment"
	}{
		{"unknown beat in goto", "goto: good-end", "goto: good-ending", `50:9: beat "opening-up" transition 1: goto names unknown beat "good-ending" (did you mean "good-end"?)`},
		{"unreachable beat", "goto: good-end", "goto: opening-up", `53:5: beat "good-end" is unreachable`},
		{"no default", "      - goto: opening-up\n  - id: opening-up", "  - id: opening-up", `has no default transition`},
		{"default not last", "      - when: focus == \"strengths\"\n        effects: {meters: {rapport: 10, hope: 5}, reveal: [sister]}", "      - effects: {meters: {rapport: 10, hope: 5}, reveal: [sister]}", `transition 2 has no ` + "`when`" + ` but is not the last`},
		{"unknown meter in effects", "resistance: 15}", "resistence: 15}", `unknown meter "resistence" (did you mean "resistance"?)`},
		{"unknown meter in condition", "meters.resistance > 80", "meters.trust > 80", `44:44: beat "guarded" transition 1: unknown meter "trust"`},
		{"unknown domain", "domain: leisure", "domain: hobbies", `17:13: unknown life domain "hobbies"`},
		{"unknown strength in reveal", "reveal: [sister]", "reveal: [brother]", `unknown strength "brother"`},
		{"unknown strength in condition", `"pushed" in flags`, `"cooking" in revealed`, `unknown strength "cooking"`},
		{"unknown flag", `"pushed" in flags`, `"pusht" in flags`, `flag "pusht" is never set`},
		{"unknown skill in condition", `focus == "strengths" && "leisure" in domains`, `'"open-qestion" in skills'`, `unknown skill "open-qestion" (did you mean "open-question"?)`},
		{"unknown skill in option", "skills: [open-question]\n      - text: \"Why", "skills: [open-questions]\n      - text: \"Why", `unknown skill "open-questions"`},
		{"unknown focus", `focus == "deficit"`, `focus == "deficient"`, `34:24: beat "opening" transition 1: unknown focus "deficient"`},
		{"bad expression", `focus == "deficit"`, `focus === "deficit"`, `34:23: beat "opening" transition 1: bad condition`},
		{"not boolean", `focus == "deficit"`, `turn + 1`, `bad condition`},
		{"undefined variable", `focus == "deficit"`, `mood == "low"`, `unknown name mood`},
		{"duplicate beat", "  - id: guarded\n", "  - id: opening\n", `duplicate beat id "opening"`},
		{"missing required field", "title: A short first meeting\n", "", `scenario is missing required field "title"`},
		{"unknown field", "summary: Meet", "sumary: Meet", `unknown field "sumary" (did you mean "summary"?)`},
		{"unknown outcome", "end: walked-out", "end: walkedout", `names unknown outcome "walkedout"`},
		{"unused outcome", "on_max_turns: timeout", "on_max_turns: connected", `outcome "timeout" is never reached`},
		{"start outside bounds", "rapport: {start: 30, min: 0, max: 100}", "rapport: {start: 130, min: 0, max: 100}", `start 130 is outside its bounds`},
		{"missing required meter", "  hope: {start: 20}\n", "", `missing required meter "hope"`},
		{"bad kind", "kind: roleplay", "kind: roleplai", `unknown kind "roleplai"`},
		{"bad id", "id: mini", "id: Mini Scenario", `"Mini Scenario" is not a valid id`},
		{"both line and lines", `    line: "Here we go again."`, "    line: \"Here we go again.\"\n    lines: [a, b]", `has both`},
		{"never revealed", "revealed_by: focus == \"strengths\" && \"leisure\" in domains", "hint: none", `strength "baking" can never be revealed`},
		{"wrong type", "age: 34", "age: thirty", `"age" must be a whole number`},
		{"duplicate key", "  age: 34\n", "  age: 34\n  age: 35\n", `field "age" appears twice`},
		{"end beat with transitions", "    end: walked-out\n", "    end: walked-out\n    transitions:\n      - goto: opening\n", `is an end beat (end: walked-out) but also has transitions`},
		{"max turns without outcome", "  on_max_turns: timeout\n", "", `max_turns is set but on_max_turns is not`},
	}
	base := readMini(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("test setup: %q not in mini.yaml", tt.old)
			}
			src := strings.Replace(base, tt.old, tt.new, 1)
			_, err := Parse("mini.yaml", []byte(src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("errors:\n%v\nwant one containing %q", err, tt.want)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			for _, e := range list {
				if e.File != "mini.yaml" || e.Line < 1 || e.Col < 1 {
					t.Errorf("error without a position: %q", e)
				}
			}
		})
	}
}

func TestRunThatCannotEnd(t *testing.T) {
	src := strings.Replace(readMini(t), "end:\n  max_turns: 8\n  on_max_turns: timeout\n", "", 1)
	src = strings.Replace(src, "goto: good-end", "goto: opening-up", 1)
	src = strings.Replace(src, "goto: walked-out", "goto: opening-up", 1)
	_, err := Parse("mini.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "can never end") {
		t.Fatalf("got %v, want a run that can never end", err)
	}
}

func TestReportsEveryProblem(t *testing.T) {
	src := readMini(t)
	for _, r := range [][2]string{{"domain: leisure", "domain: leisur"}, {"goto: guarded", "goto: guardd"}, {"rating: poor", "rating: awful"}} {
		src = strings.Replace(src, r[0], r[1], 1)
	}
	_, err := Parse("mini.yaml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v", err)
	}
	// The misspelt goto also leaves "guarded" and "walked-out" (reached
	// only through it) unreachable: five problems.
	if len(list) != 5 {
		t.Errorf("got %d problems, want 5:\n%v", len(list), err)
	}
	for i := 1; i < len(list); i++ {
		if list[i-1].Line > list[i].Line {
			t.Errorf("problems not sorted by line:\n%v", err)
		}
	}
}

func TestBadBytes(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "file is empty"},
		{"blank", "  \n\n", "file is empty"},
		{"not yaml", "\x00\x01\x02{{{", "not valid YAML"},
		{"binary", "\xff\xfe\xfd", "not valid YAML"},
		{"a list", "- a\n- b\n", "must be a mapping"},
		{"a scalar", "hello", "must be a mapping"},
		{"tabs", "kind: roleplay\n\tid: x\n", "not valid YAML"},
		{"two documents", "kind: case\n---\nkind: case\n", "second YAML document"},
		{"huge", "kind: case\nvignette: " + strings.Repeat("x", MaxFileSize), "at most"},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "YAML"},
		{"deep mapping", "kind: roleplay\nmeters:\n" + deepMap(600), "meter"},
		{"alias bomb", aliasBomb(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", truncate(err.Error(), 300), tt.want)
			}
		})
	}
}

func deepMap(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i+2) + "a:\n")
	}
	return b.String()
}

func aliasBomb() string {
	s := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		s += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	return s + "kind: *i\n"
}

func TestLibraryDuplicateIDs(t *testing.T) {
	mini := readMini(t)
	fsys := fstest.MapFS{
		"a/one.yaml":  {Data: []byte(mini)},
		"b/two.yml":   {Data: []byte(mini)},
		"b/notes.txt": {Data: []byte("not a scenario")},
	}
	lib, err := Load(fsys, ".")
	if err == nil || !strings.Contains(err.Error(), `b/two.yml:1:1: duplicate scenario id "mini": a/one.yaml already uses it`) {
		t.Fatalf("got %v", err)
	}
	if _, ok := lib.Get("mini"); !ok {
		t.Error("the first file should still be in the library")
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.yaml"), []byte(readMini(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := LoadPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Roleplays) != 1 {
		t.Errorf("loaded %d role plays, want 1", len(lib.Roleplays))
	}
	_, err = LoadPaths(filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml: cannot read") {
		t.Errorf("got %v, want a cannot-read error naming the file", err)
	}
}

func TestCaseErrors(t *testing.T) {
	base := `kind: case
id: c
title: T
summary: S
level: basic
phase: planning
client: {name: K, age: 30, situation: s}
vignette: v
strengths:
  - {id: a, domain: health, cues: [walk], note: n}
tasks:
  - id: spot
    type: list-strengths
    prompt: p
    min: 1
  - id: q
    type: choice
    prompt: p
    options:
      - {text: a, correct: true, explanation: e}
      - {text: b, explanation: e}
`
	if _, err := Parse("c.yaml", []byte(base)); err != nil {
		t.Fatalf("valid case: %v", err)
	}
	tests := []struct{ old, new, want string }{
		{"min: 1", "min: 3", "asks for 3 strengths but the case hides only 1"},
		{"type: choice", "type: choise", `unknown task type "choise" (did you mean "choice"?)`},
		{"correct: true, ", "", "no option is marked"},
		{"cues: [walk], ", "", `missing required field "cues"`},
		{"    prompt: p\n    min: 1", "    prompt: p\n    min: 1\n    statement: x", `unknown field "statement"`},
	}
	for _, tt := range tests {
		_, err := Parse("c.yaml", []byte(strings.Replace(base, tt.old, tt.new, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q -> %q: got %v, want %q", tt.old, tt.new, err, tt.want)
		}
	}
}
