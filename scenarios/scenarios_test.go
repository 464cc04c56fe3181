package scenarios_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"oasis/engine/roleplay"
	"oasis/engine/sbcm"
	"oasis/engine/scenario"
	"oasis/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

func library(t *testing.T) *scenario.Library {
	t.Helper()
	lib, err := scenarios.Load()
	if err != nil {
		t.Fatalf("bundled scenarios do not load:\n%v", err)
	}
	return lib
}

// TestGoldenTranscripts replays every input script in testdata against its
// role play, compares the transcript with the golden file, and checks that a
// .good script ends well and a .poor one ends poorly.
func TestGoldenTranscripts(t *testing.T) {
	lib := library(t)
	scripts, _ := filepath.Glob("testdata/*.jsonl")
	if len(scripts) == 0 {
		t.Fatal("no input scripts in testdata/")
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		id, kind, _ := strings.Cut(name, ".")
		t.Run(name, func(t *testing.T) {
			rp, ok := lib.Roleplays[id]
			if !ok {
				t.Fatalf("no bundled role play %q for %s", id, path)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			inputs, err := roleplay.ReadScript(f, path)
			if err != nil {
				t.Fatal(err)
			}
			run, err := roleplay.Replay(rp, 0, inputs)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			roleplay.WriteTranscript(&buf, run)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := buf.String(); got != string(want) {
				t.Errorf("transcript differs from %s (run with -update if the change is intended):\n%s", golden, diff(string(want), got))
			}
			o := run.Outcome()
			if o == nil {
				t.Fatalf("the script ends before the role play does")
			}
			wantRating := map[string]scenario.Rating{"good": scenario.Good, "poor": scenario.Poor}[kind]
			if o.Rating != wantRating {
				t.Errorf("a %s script reached %q, rated %s", kind, o.ID, o.Rating)
			}
		})
	}
}

func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:", i+1) + "\n  want: " + a + "\n  got:  " + b
		}
	}
	return ""
}

// TestBundledContent checks what the project promises about its bundled
// material: a role play for each phase from engagement to disengagement,
// one with a suicide risk cue, at least four hidden strengths in three
// domains each, good and poor transcripts for each, and two practice cases.
func TestBundledContent(t *testing.T) {
	lib := library(t)
	phases := map[sbcm.Phase]bool{}
	suicide := false
	for id, rp := range lib.Roleplays {
		phases[rp.Phase] = true
		domains := map[sbcm.Domain]bool{}
		for _, s := range rp.Strengths {
			domains[s.Domain] = true
		}
		if len(rp.Strengths) < 4 || len(domains) < 3 {
			t.Errorf("%s hides %d strengths in %d domains; want at least 4 in 3", id, len(rp.Strengths), len(domains))
		}
		for _, b := range rp.Beats {
			for _, r := range b.Risk {
				suicide = suicide || r == sbcm.Suicide
			}
			if b.End == "" && len(b.Options) < 2 {
				t.Errorf("%s beat %q offers %d beginner options; want at least 2", id, b.ID, len(b.Options))
			}
		}
		for _, kind := range []string{"good", "poor"} {
			if _, err := os.Stat(filepath.Join("testdata", id+"."+kind+".jsonl")); err != nil {
				t.Errorf("%s has no %s transcript: %v", id, kind, err)
			}
		}
	}
	for _, p := range []sbcm.Phase{sbcm.Engagement, sbcm.Assessment, sbcm.Planning, sbcm.Disengagement} {
		if !phases[p] {
			t.Errorf("no bundled role play for the %s phase", p)
		}
	}
	if !suicide {
		t.Error("no bundled role play has a client who discloses suicidal thoughts (risk: suicide)")
	}
	if len(lib.Cases) < 2 {
		t.Errorf("%d practice cases bundled, want at least 2", len(lib.Cases))
	}
}

// TestSchema checks every bundled file against scenarios/schema.json and
// that each file points its editor at the schema.
func TestSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	raw, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.yaml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if !strings.HasPrefix(string(data), "# yaml-language-server: $schema=schema.json\n") {
			t.Errorf("%s does not start with the yaml-language-server schema line", f)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Round-trip through JSON so the validator sees JSON types.
		j, _ := json.Marshal(v)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not match the schema: %v", f, err)
		}
	}
	// The schema must also reject what the validator rejects.
	bad := map[string]any{"kind": "roleplay", "id": "x", "title": "t", "summary": "s", "level": "basic", "phase": "engagement",
		"client": map[string]any{"name": "n", "age": 3, "situation": "s"}, "meters": map[string]any{}, "beats": []any{}, "outcomes": []any{}, "tittle": 1}
	j, _ := json.Marshal(bad)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if sch.Validate(inst) == nil {
		t.Error("the schema accepts a role play with an unknown field and no meters")
	}
}
