package course_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"oasis/content"
	"oasis/engine/course"
	"oasis/engine/scenario"
	"oasis/scenarios"
)

var (
	libOnce sync.Once
	libVal  *scenario.Library
	libErr  error
)

// library is the bundled scenario library, loaded once for all tests.
func library(t testing.TB) *scenario.Library {
	t.Helper()
	libOnce.Do(func() { libVal, libErr = scenarios.Load() })
	if libErr != nil {
		t.Fatalf("bundled scenarios do not load:\n%v", libErr)
	}
	return libVal
}

func bundled(t *testing.T) *course.Catalog {
	t.Helper()
	cat, err := course.Load(content.Courses(), library(t))
	if err != nil {
		t.Fatalf("bundled courses do not load:\n%v", err)
	}
	return cat
}

func TestBundledCourses(t *testing.T) {
	cat := bundled(t)
	if want := []string{"sbcm-basic", "sbcm-supervision"}; !slices.Equal(cat.Order, want) {
		t.Fatalf("Order = %v, want %v (file name order, testdata left out)", cat.Order, want)
	}
	modules := map[string]int{"sbcm-basic": 7, "sbcm-supervision": 4}
	for _, c := range cat.All() {
		if got := len(c.Modules); got != modules[c.ID] {
			t.Errorf("%s has %d modules, want %d", c.ID, got, modules[c.ID])
		}
		if c.Title == "" || c.Summary == "" || c.Certificate.Title == "" || c.Certificate.ValidMonths <= 0 {
			t.Errorf("%s: title, summary or certificate missing: %+v", c.ID, c.Certificate)
		}
		if len(c.Certificate.Renewal) == 0 {
			t.Errorf("%s: no renewal practice", c.ID)
		}
		for _, id := range c.Certificate.Renewal {
			if _, ok := c.Practice(id); !ok {
				t.Errorf("%s: renewal %q is not a practice requirement", c.ID, id)
			}
		}
		for _, m := range c.Modules {
			what := c.ID + "/" + m.ID
			if len(m.Quiz.Questions) < 5 {
				t.Errorf("%s: %d questions, want at least 5", what, len(m.Quiz.Questions))
			}
			if m.Lesson.Words < 400 {
				t.Errorf("%s: lesson has %d words, want at least 400", what, m.Lesson.Words)
			}
			if len(m.Lesson.Headings) == 0 {
				t.Errorf("%s: lesson has no headings", what)
			}
			for _, h := range m.Lesson.Headings {
				if h.ID == "" || h.Text == "" || h.Level < 1 || h.Level > 6 {
					t.Errorf("%s: bad heading %+v", what, h)
				}
				if !strings.Contains(m.Lesson.HTML, fmt.Sprintf(`id="%s"`, h.ID)) {
					t.Errorf("%s: heading id %q is not in the HTML", what, h.ID)
				}
			}
			for _, p := range m.Practice {
				if p.Title == "" || (p.Kind != "roleplay" && p.Kind != "case") {
					t.Errorf("%s: practice %s has title %q kind %q", what, p.ID, p.Title, p.Kind)
				}
				if len(p.Pass.Describe(p.Kind)) == 0 {
					t.Errorf("%s: practice %s describes no criteria", what, p.ID)
				}
			}
		}
	}
	sup, ok := cat.Get("sbcm-supervision")
	if !ok || !slices.Equal(sup.Requires, []string{"sbcm-basic"}) {
		t.Errorf("sbcm-supervision requires %v, want [sbcm-basic]", sup.Requires)
	}
	if _, ok := cat.Get("test-short"); ok {
		t.Error("the test course was loaded as a bundled course")
	}
}

func TestTestCourse(t *testing.T) {
	sub, err := fs.Sub(content.Courses(), "testdata")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := course.Load(sub, library(t))
	if err != nil {
		t.Fatalf("test course does not load:\n%v", err)
	}
	c, ok := cat.Get("test-short")
	if !ok || len(c.Modules) != 1 {
		t.Fatalf("test-short: %v %+v", ok, cat.Order)
	}
	m := c.Modules[0]
	if len(m.Quiz.Questions) != 2 || m.Quiz.Pass != 50 || len(m.Practice) != 1 {
		t.Errorf("module: %+v", m)
	}
	if !strings.Contains(m.Lesson.HTML, "<table>") {
		t.Error("the lesson's table was not rendered as a table")
	}
	want := []course.Heading{
		{ID: "a-short-lesson-for-testing", Text: "A short lesson for testing", Level: 1},
		{ID: "the-strengths-perspective-in-a-nutshell", Text: "The strengths perspective in a nutshell", Level: 2},
	}
	if len(m.Lesson.Headings) < 2 || !slices.Equal(m.Lesson.Headings[:2], want) {
		t.Errorf("headings %+v, want to start with %+v", m.Lesson.Headings, want)
	}
}

// base is a valid course; the broken courses below change one thing in
// it. The line numbers in the table refer to this text.
const base = `kind: course
id: t
title: T
summary: S
level: basic
certificate:
  title: C
  valid_months: 12
  renew_within_months: 1
  renewal: [p1]
modules:
  - id: m1
    title: M
    lesson: l.md
    quiz:
      pass: 50
      questions:
        - id: q1
          prompt: P
          options:
            - text: A
              correct: true
              explanation: E
            - text: B
              explanation: E
    practice:
      - id: p1
        scenario: engagement-marcus
        pass:
          rating: [good]
`

const secondModule = `  - id: m2
    title: M2
    lesson: l.md
    quiz:
      pass: 50
      questions:
        - id: q1
          prompt: P
          options:
            - {text: A, correct: true, explanation: E}
            - {text: B, explanation: E}
`

func loadOne(t *testing.T, src string, extra ...string) (*course.Catalog, scenario.ErrorList) {
	t.Helper()
	fsys := fstest.MapFS{
		"c.yaml": {Data: []byte(src)},
		"l.md":   {Data: []byte("# Lesson\n\nSome words.\n")},
	}
	for i, e := range extra {
		fsys[fmt.Sprintf("d%d.yaml", i)] = &fstest.MapFile{Data: []byte(e)}
	}
	cat, err := course.Load(fsys, library(t))
	if err == nil {
		return cat, nil
	}
	var list scenario.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %T is not an ErrorList: %v", err, err)
	}
	for _, e := range list {
		if e.File == "" || e.Msg == "" {
			t.Errorf("error without file or message: %#v", e)
		}
	}
	return cat, list
}

func TestBaseIsValid(t *testing.T) {
	cat, errs := loadOne(t, base)
	if errs != nil {
		t.Fatal(errs)
	}
	c, _ := cat.Get("t")
	p, ok := c.Practice("p1")
	if !ok || p.Mode != "any" || p.Kind != "roleplay" || p.Title != "First contact: Marcus at the shelter" {
		t.Errorf("practice %+v", p)
	}
}

type wantErr struct {
	pos string // "line:col"
	msg string // a substring of the message
}

func TestBrokenCourses(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // old, new in base
		extra   []string  // other course files loaded with it
		want    []wantErr
	}{
		{"unknown field", [2]string{"title: T", "titel: T"}, nil, []wantErr{
			{"3:1", `unknown field "titel" (did you mean "title"?)`},
			{"1:1", `missing required field "title"`},
		}},
		{"wrong type", [2]string{"valid_months: 12", "valid_months: twelve"}, nil, []wantErr{
			{"8:17", `"valid_months" must be a whole number, found the value "twelve"`},
		}},
		{"wrong kind of node", [2]string{"  title: C\n", "  title: [C]\n"}, nil, []wantErr{
			{"7:10", `certificate: "title" must be text, found a list`},
		}},
		{"missing summary", [2]string{"summary: S\n", ""}, nil, []wantErr{
			{"1:1", `course "t" is missing required field "summary"`},
		}},
		{"bad level", [2]string{"level: basic", "level: advancd"}, nil, []wantErr{
			{"5:8", `unknown level "advancd" (did you mean "advanced"?)`},
		}},
		{"bad id", [2]string{"id: t\n", "id: T T\n"}, nil, []wantErr{
			{"2:5", `is not a valid id`},
		}},
		{"not a course", [2]string{"kind: course", "kind: roleplay"}, nil, []wantErr{
			{"1:7", `kind "roleplay" is not a course`},
		}},
		{"valid months zero", [2]string{"valid_months: 12", "valid_months: 0"}, nil, []wantErr{
			{"8:17", "valid_months must be between 1 and 120"},
		}},
		{"renewal window too long", [2]string{"renew_within_months: 1", "renew_within_months: 12"}, nil, []wantErr{
			{"9:24", "renew_within_months (12) must be less than valid_months (12)"},
		}},
		{"renewal unknown practice", [2]string{"renewal: [p1]", "renewal: [p1, p2]"}, nil, []wantErr{
			{"10:17", `renewal names unknown practice "p2" (did you mean "p1"?)`},
		}},
		{"no modules", [2]string{"modules:\n", "modules: []\nx:\n"}, nil, []wantErr{
			{"11:1", "modules is empty"},
			{"12:1", `unknown field "x"`},
		}},
		{"pass mark out of range", [2]string{"pass: 50", "pass: 0"}, nil, []wantErr{
			{"16:13", "pass must be a percent from 1 to 100, found 0"},
		}},
		{"pass mark missing", [2]string{"      pass: 50\n", ""}, nil, []wantErr{
			{"16:7", `quiz is missing required field "pass"`},
		}},
		{"no right answer", [2]string{"              correct: true\n", ""}, nil, []wantErr{
			{"18:11", `question "q1" has no right answer; mark one option`},
		}},
		{"one option", [2]string{"            - text: B\n              explanation: E\n", ""}, nil, []wantErr{
			{"18:11", `question "q1" needs at least two options`},
		}},
		{"option without explanation", [2]string{"            - text: B\n              explanation: E\n", "            - text: B\n"}, nil, []wantErr{
			{"24:15", `option 2 is missing required field "explanation"`},
		}},
		{"no questions", [2]string{"      questions:\n", "      questions: []\n      xquestions:\n"}, nil, []wantErr{
			{"17:7", "has no questions"},
		}},
		{"lesson missing", [2]string{"lesson: l.md", "lesson: lessons/nope.md"}, nil, []wantErr{
			{"14:13", `lesson file "lessons/nope.md" does not exist`},
		}},
		{"lesson outside the folder", [2]string{"lesson: l.md", "lesson: ../l.md"}, nil, []wantErr{
			{"14:13", `must be a path relative to the course file, inside its folder`},
		}},
		{"duplicate module", [2]string{"    practice:\n", strings.Replace(secondModule, "id: m2", "id: m1", 1) + "    practice:\n"}, nil, []wantErr{
			{"26:5", `duplicate module id "m1" (first at line 12)`},
		}},
		{"duplicate question", [2]string{"    practice:\n", "        - id: q1\n          prompt: P2\n          options: [{text: A, correct: true, explanation: E}, {text: B, explanation: E}]\n    practice:\n"}, nil, []wantErr{
			{"26:11", `duplicate question id "q1" (first at line 18)`},
		}},
		{"duplicate practice", [2]string{"          rating: [good]\n", "          rating: [good]\n" + strings.Replace(secondModule, "  - id: m2", "  - id: m3", 1) + "    practice:\n      - id: p1\n        scenario: case-roadmap\n"}, nil, []wantErr{
			{"43:9", `duplicate practice id "p1" (first at line 27)`},
		}},
		{"unknown scenario", [2]string{"scenario: engagement-marcus", "scenario: engagement-markus"}, nil, []wantErr{
			{"28:19", `scenario "engagement-markus" is not in the library (did you mean "engagement-marcus"?)`},
		}},
		{"bad mode", [2]string{"        pass:\n", "        mode: begginer\n        pass:\n"}, nil, []wantErr{
			{"29:15", `unknown mode "begginer" (did you mean "beginner"?)`},
		}},
		{"unknown outcome", [2]string{"rating: [good]", "outcome: [meet-agian]"}, nil, []wantErr{
			{"30:21", `role play "engagement-marcus" has no outcome "meet-agian" (did you mean "meet-again"?)`},
		}},
		{"unknown rating", [2]string{"rating: [good]", "rating: [god]"}, nil, []wantErr{
			{"30:20", `unknown rating "god" (did you mean "good"?)`},
		}},
		{"outcome and rating exclusive", [2]string{"rating: [good]", "rating: [good]\n          outcome: walked-off"}, nil, []wantErr{
			{"30:20", "none of the outcomes listed is rated good"},
		}},
		{"unknown criterion", [2]string{"rating: [good]", "ratings: [good]"}, nil, []wantErr{
			{"30:11", `unknown field "ratings" (did you mean "rating"?)`},
		}},
		{"ratio out of range", [2]string{"rating: [good]", "strengths_ratio: 80"}, nil, []wantErr{
			{"30:28", "strengths_ratio is a ratio from 0 to 1, found 80"},
		}},
		{"negative missed risk", [2]string{"rating: [good]", "missed_risk: -1"}, nil, []wantErr{
			{"30:24", "missed_risk is the most missed risk cues allowed"},
		}},
		{"too many strengths", [2]string{"rating: [good]", "strengths_revealed: 9"}, nil, []wantErr{
			{"30:31", `strengths_revealed is 9 but role play "engagement-marcus" hides only`},
		}},
		{"criteria on a case", [2]string{"scenario: engagement-marcus", "scenario: case-roadmap"}, nil, []wantErr{
			{"30:11", `criteria (rating) make no sense for a practice case: "case-roadmap" passes when every task has passed`},
		}},
		{"requires unknown", [2]string{"level: basic\n", "level: basic\nrequires: [sbcm-basix]\n"}, []string{strings.Replace(base, "id: t\n", "id: sbcm-basic\n", 1)}, []wantErr{
			{"6:12", `requires unknown course "sbcm-basix" (did you mean "sbcm-basic"?)`},
		}},
		{"requires itself", [2]string{"level: basic\n", "level: basic\nrequires: [t]\n"}, nil, []wantErr{
			{"6:12", `course "t" requires itself`},
		}},
		{"duplicate key", [2]string{"title: T\n", "title: T\ntitle: U\n"}, nil, []wantErr{
			{"4:1", `field "title" appears twice (first at line 3)`},
		}},
		{"not yaml", [2]string{"title: T\n", "title: [T\n"}, nil, []wantErr{
			{"", "not valid YAML"},
		}},
		{"second document", [2]string{"kind: course\n", "kind: course\n---\nkind: course\n"}, nil, []wantErr{
			{"", "a second YAML document starts here"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.replace[0]) {
				t.Fatalf("base has no %q", tt.replace[0])
			}
			src := strings.Replace(base, tt.replace[0], tt.replace[1], 1)
			cat, errs := loadOne(t, src, tt.extra...)
			if errs == nil {
				t.Fatalf("loaded with no errors:\n%s", src)
			}
			for _, w := range tt.want {
				found := slices.ContainsFunc(errs, func(e *scenario.Error) bool {
					pos := fmt.Sprintf("%d:%d", e.Line, e.Col)
					return e.File == "c.yaml" && strings.Contains(e.Msg, w.msg) && (w.pos == "" || pos == w.pos)
				})
				if !found {
					t.Errorf("no error %s %q; got:\n%v", w.pos, w.msg, errs)
				}
			}
			if _, ok := cat.Get("t"); ok {
				t.Error("a course with errors is in the catalog")
			}
		})
	}
}

func TestErrorsAreAllCollected(t *testing.T) {
	src := strings.NewReplacer("title: T", "titel: T", "pass: 50", "pass: 500", "lesson: l.md", "lesson: x.md", "engagement-marcus", "nope").Replace(base)
	_, errs := loadOne(t, src)
	if len(errs) < 5 {
		t.Fatalf("want at least 5 errors, got %d:\n%v", len(errs), errs)
	}
	if !slices.IsSortedFunc(errs, func(a, b *scenario.Error) int { return a.Line - b.Line }) {
		t.Errorf("errors are not in line order:\n%v", errs)
	}
	if s := errs.Error(); !strings.HasPrefix(s, "c.yaml:1:1: ") {
		t.Errorf("errors do not read as file:line:col: %s", s)
	}
}

func TestRequiresCircle(t *testing.T) {
	a := strings.Replace(base, "level: basic\n", "level: basic\nrequires: [b]\n", 1)
	b := strings.NewReplacer("id: t\n", "id: b\n", "level: basic\n", "level: basic\nrequires: [t]\n").Replace(base)
	cat, errs := loadOne(t, a, b)
	if !slices.ContainsFunc(errs, func(e *scenario.Error) bool {
		return e.File == "c.yaml" && e.Line == 6 && e.Col == 12 && strings.Contains(e.Msg, "in a circle (t → b → t)")
	}) {
		t.Errorf("no circle error at c.yaml:6:12:\n%v", errs)
	}
	if len(errs) != 1 {
		t.Errorf("want the circle reported once, got:\n%v", errs)
	}
	if len(cat.Order) != 0 {
		t.Errorf("courses in a circle are in the catalog: %v", cat.Order)
	}
}

func TestDuplicateCourseID(t *testing.T) {
	_, errs := loadOne(t, base, base)
	if len(errs) != 1 || errs[0].File != "d0.yaml" || errs[0].Line != 2 || !strings.Contains(errs[0].Msg, `duplicate course id "t": c.yaml already uses it`) {
		t.Errorf("got:\n%v", errs)
	}
	c1, _ := loadOne(t, base)
	c2, _ := loadOne(t, base)
	merged, err := course.Merge(c1, c2)
	if err == nil || !strings.Contains(err.Error(), `c.yaml:2:5: duplicate course id "t": c.yaml already uses it`) {
		t.Errorf("Merge: %v", err)
	}
	if !slices.Equal(merged.Order, []string{"t"}) {
		t.Errorf("Merge kept %v", merged.Order)
	}
}

func TestMerge(t *testing.T) {
	c1, _ := loadOne(t, base)
	c2, _ := loadOne(t, strings.Replace(base, "id: t\n", "id: u\n", 1))
	m, err := course.Merge(c1, c2)
	if err != nil || !slices.Equal(m.Order, []string{"t", "u"}) {
		t.Fatalf("Merge: %v %v", m.Order, err)
	}
	if c, ok := m.Get("u"); !ok || c.ID != "u" {
		t.Error("Get after Merge")
	}
}

func TestLessonIsSafe(t *testing.T) {
	fsys := fstest.MapFS{
		"c.yaml": {Data: []byte(base)},
		"l.md": {Data: []byte("# Hello *there*\n\n<script>alert('x')</script>\n\nText with <img src=x onerror=alert(1)> inline.\n\n" +
			"## Hello *there*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[link](javascript:alert(1))\n")},
	}
	cat, err := course.Load(fsys, library(t))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := cat.Get("t")
	l := c.Modules[0].Lesson
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(l.HTML, bad) {
			t.Errorf("lesson HTML contains %q:\n%s", bad, l.HTML)
		}
	}
	if !strings.Contains(l.HTML, "<table>") {
		t.Errorf("no table:\n%s", l.HTML)
	}
	want := []course.Heading{{ID: "hello-there", Text: "Hello there", Level: 1}, {ID: "hello-there-1", Text: "Hello there", Level: 2}}
	if !slices.Equal(l.Headings, want) {
		t.Errorf("headings %+v, want %+v", l.Headings, want)
	}
	if l.Path != "l.md" || l.Words < 15 || l.Words > 25 {
		t.Errorf("path %q, words %d", l.Path, l.Words)
	}
}

func TestIsCourse(t *testing.T) {
	for src, want := range map[string]bool{
		"kind: course\n":                     true,
		"# c\nid: x\nkind: \"course\" # c\n": true,
		"\ufeffkind: course":                 true,
		"kind: roleplay\n":                   false,
		"  kind: course\n":                   false,
		"x:\n  kind: course\n":               false,
		"":                                   false,
	} {
		if got := course.IsCourse([]byte(src)); got != want {
			t.Errorf("IsCourse(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestLoadPathsAndFindPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sub/c.yaml", strings.Replace(base, "lesson: l.md", "lesson: lessons/l.md", 1))
	write("sub/lessons/l.md", "# L\n\nWords here.\n")
	write("rp.yaml", "kind: roleplay\nid: x\n")
	write("notes.txt", "kind: course\n")

	courses, others, err := course.FindPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(courses, []string{filepath.Join(dir, "sub/c.yaml")}) || !slices.Equal(others, []string{filepath.Join(dir, "rp.yaml")}) {
		t.Errorf("FindPaths: courses %v, others %v", courses, others)
	}
	if _, _, err := course.FindPaths(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing: cannot read") {
		t.Errorf("FindPaths of a missing path: %v", err)
	}

	cat, err := course.LoadPaths(library(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := cat.Get("t"); !ok || c.File != filepath.Join(dir, "sub/c.yaml") || c.Modules[0].Lesson.Words != 3 {
		t.Errorf("LoadPaths: %v", cat.Order)
	}
	// A file named directly is read as a course, and says why it is not one.
	_, err = course.LoadPaths(library(t), filepath.Join(dir, "rp.yaml"))
	if err == nil || !strings.Contains(err.Error(), `rp.yaml:1:7: kind "roleplay" is not a course`) {
		t.Errorf("LoadPaths of a role play: %v", err)
	}
}

func TestLoadWithoutLibrary(t *testing.T) {
	_, errs := loadOneWith(t, nil, base)
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, `scenario "engagement-marcus" is not in the library`) {
		t.Errorf("got:\n%v", errs)
	}
}

func loadOneWith(t *testing.T, lib *scenario.Library, src string) (*course.Catalog, scenario.ErrorList) {
	t.Helper()
	cat, err := course.Load(fstest.MapFS{"c.yaml": {Data: []byte(src)}, "l.md": {Data: []byte("# L\n")}}, lib)
	var list scenario.ErrorList
	errors.As(err, &list)
	return cat, list
}

func TestLoadPathsWith(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("l.md", "# L\n")
	write("c.yaml", strings.Replace(base, "level: basic\n", "level: basic\nrequires: [sbcm-basic]\n", 1))
	known := bundled(t)
	cat, err := course.LoadPathsWith(known, library(t), dir)
	if err != nil || !slices.Equal(cat.Order, []string{"t"}) {
		t.Fatalf("a course requiring a known one: %v %v", cat.Order, err)
	}
	if _, err := course.LoadPaths(library(t), dir); err == nil || !strings.Contains(err.Error(), `c.yaml:6:12: course "t" requires unknown course "sbcm-basic"`) {
		t.Errorf("without the known courses: %v", err)
	}
	// A course replacing a known one may close a circle through it.
	write("c.yaml", strings.NewReplacer("id: t\n", "id: sbcm-basic\n", "level: basic\n", "level: basic\nrequires: [sbcm-supervision]\n").Replace(base))
	_, err = course.LoadPathsWith(known, library(t), dir)
	if err == nil || !strings.Contains(err.Error(), "c.yaml:6:12: courses require each other in a circle (sbcm-basic → sbcm-supervision → sbcm-basic)") {
		t.Errorf("circle through a known course: %v", err)
	}
}
