package content_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"oasis/content"
)

func courseSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := fs.ReadFile(content.Courses(), "course.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("course.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("course.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// asJSON round-trips YAML through JSON so the validator sees JSON types.
func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestCourseSchema checks every bundled course file, and the test course,
// against course.schema.json, and that each points its editor at it.
func TestCourseSchema(t *testing.T) {
	sch := courseSchema(t)
	courses := content.Courses()
	files := map[string]string{} // file: the schema line it must start with
	for _, pattern := range []string{"*.yaml", "testdata/*.yaml"} {
		matches, err := fs.Glob(courses, pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range matches {
			files[f] = "# yaml-language-server: $schema=" + strings.Repeat("../", strings.Count(f, "/")) + "course.schema.json\n"
		}
	}
	if len(files) < 3 {
		t.Fatalf("found %d course files, want the two bundled courses and the test course", len(files))
	}
	for f, line := range files {
		data, err := fs.ReadFile(courses, f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), line) {
			t.Errorf("%s does not start with %q", f, strings.TrimSpace(line))
		}
		if err := sch.Validate(asJSON(t, data)); err != nil {
			t.Errorf("%s does not match the schema: %v", path.Join("courses", f), err)
		}
	}

	// The schema must also reject what the validator rejects.
	good, err := fs.ReadFile(courses, "testdata/short-course.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string][2]string{
		"unknown field":        {"title: \"Test: a short course\"", "titel: x"},
		"no right answer":      {"              correct: true\n              explanation: Right. The work", "              explanation: Right. The work"},
		"pass mark over 100":   {"pass: 50", "pass: 150"},
		"bad level":            {"level: basic", "level: expert"},
		"bad mode":             {"scenario: engagement-marcus", "scenario: engagement-marcus\n        mode: fast"},
		"ratio over 1":         {"rating: [poor, mixed, good]", "strengths_ratio: 80"},
		"unknown criterion":    {"rating: [poor, mixed, good]", "ratings: [good]"},
		"no valid months":      {"  valid_months: 12\n", ""},
		"question without id":  {"        - id: q1\n          prompt:", "        - prompt:"},
		"option without words": {"explanation: That is the medical model's starting point.", "correct: false"},
	} {
		if !strings.Contains(string(good), change[0]) {
			t.Fatalf("%s: the test course has no %q", name, change[0])
		}
		bad := strings.Replace(string(good), change[0], change[1], 1)
		if sch.Validate(asJSON(t, []byte(bad))) == nil {
			t.Errorf("the schema accepts a course with %s", name)
		}
	}
}
