package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &cli{strings.NewReader(stdin), &out, &errb}, args)
	return out.String(), errb.String(), code
}

func TestValidateBundled(t *testing.T) {
	out, errs, code := runCmd(t, "", "validate")
	if code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	bad := "kind: roleplay\nid: Bad Id\ntitle: x\n"
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(bad), 0o644)
	os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("\x00\x01 not yaml"), 0o644)
	out, errs, code := runCmd(t, "", "validate", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"a.yaml:2:5: ", "is not a valid id", `missing required field "summary"`, "b.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "problems in 2 files") {
		t.Errorf("summary: %q", errs)
	}
}

func TestValidateBundledCourses(t *testing.T) {
	out, errs, code := runCmd(t, "", "validate")
	if code != 0 || !strings.Contains(out, ", 4 courses, no problems") {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
}

// TestValidateCourses checks course files given as paths: a broken one is
// reported as file:line:col beside a broken scenario, and a good one that
// requires a bundled course and practises a bundled scenario passes.
func TestValidateCourses(t *testing.T) {
	dir := t.TempDir()
	course := `kind: course
id: my-course
title: Mine
summary: A course of my own.
level: advanced
requires: [sbcm-basik]
certificate: {title: Mine, valid_months: 12}
modules:
  - id: one
    title: One
    lesson: lessons/one.md
    quiz:
      pass: 80
      questions:
        - id: q1
          prompt: Which?
          options:
            - {text: This, explanation: No.}
            - {text: That, explanation: No either.}
    practice:
      - id: p1
        scenario: engagement-marcus
        pass: {rating: [grand], overal: 70}
`
	os.MkdirAll(filepath.Join(dir, "lessons"), 0o755)
	os.WriteFile(filepath.Join(dir, "lessons", "one.md"), []byte("# One\n\nSome words.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "course.yaml"), []byte(course), 0o644)
	os.WriteFile(filepath.Join(dir, "rp.yaml"), []byte("kind: roleplay\nid: Bad Id\n"), 0o644)
	out, errs, code := runCmd(t, "", "validate", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"course.yaml:6:12: " + `course "my-course" requires unknown course "sbcm-basik" (did you mean "sbcm-basic"?)`,
		"course.yaml:15:11: " + `module "one" quiz question "q1" has no right answer`,
		"course.yaml:23:25: " + `practice "p1" pass: unknown rating "grand"`,
		"course.yaml:23:33: " + `practice "p1" pass: unknown field "overal" (did you mean "overall"?)`,
		"rp.yaml:2:5: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `unknown kind "course"`) {
		t.Errorf("the course file was read as a scenario:\n%s", out)
	}
	if !strings.Contains(errs, "problems in 2 files") {
		t.Errorf("summary: %q", errs)
	}

	fixed := strings.NewReplacer("sbcm-basik", "sbcm-basic", "{text: This, explanation: No.}", "{text: This, correct: true, explanation: Yes.}",
		"{rating: [grand], overal: 70}", "{rating: [good], overall: 70}").Replace(course)
	os.WriteFile(filepath.Join(dir, "course.yaml"), []byte(fixed), 0o644)
	os.Remove(filepath.Join(dir, "rp.yaml"))
	out, errs, code = runCmd(t, "", "validate", dir)
	if code != 0 || !strings.Contains(out, "ok: 0 scenarios (0 role plays, 0 practice cases), 1 course, no problems") {
		t.Fatalf("fixed course: exit %d\n%s%s", code, out, errs)
	}
}

// TestScoreJSONL checks the command-line contract others script against.
func TestScoreJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"text": "What has helped you get through weeks like this before?"}`,
		`not json`,
		`{"text": "Are you thinking about ending your life?", "context": "Some nights I don't want to wake up."}`,
		`{"context": "no text here"}`,
		``,
		`{"text": "Our next meeting is Tuesday."} trailing`,
		`{"text": "Why did you relapse?"}`,
	}, "\n")
	out, errs, code := runCmd(t, in, "score", "--jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d output lines for 7 input lines:\n%s", len(lines), out)
	}
	wantFocus := []string{"strengths", "", "safety", "", "", "", "deficit"}
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %s", i+1, l)
		}
		if wantFocus[i] == "" {
			if _, ok := obj["error"].(string); !ok {
				t.Errorf("line %d: want an error object, got %s", i+1, l)
			}
			continue
		}
		if obj["focus"] != wantFocus[i] {
			t.Errorf("line %d: focus %v, want %s", i+1, obj["focus"], wantFocus[i])
		}
		for _, k := range []string{"skills", "domains", "confidence", "evidence", "tip"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, l)
			}
		}
		// The keys come in the documented order.
		if !strings.HasPrefix(l, `{"focus":`) || strings.Index(l, `"skills"`) > strings.Index(l, `"domains"`) || strings.Index(l, `"evidence"`) > strings.Index(l, `"tip"`) {
			t.Errorf("line %d keys out of order: %s", i+1, l)
		}
	}
}

func TestScoreOneUtterance(t *testing.T) {
	out, _, code := runCmd(t, "", "score", "Why did you stop taking your medication?")
	if code != 0 || !strings.Contains(out, "focus:      deficit") || !strings.Contains(out, "tip:") || !strings.Contains(out, "^^^") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if _, _, code := runCmd(t, "", "score"); code != 2 {
		t.Errorf("score with no text: exit %d, want 2", code)
	}
}

func TestPlayPiped(t *testing.T) {
	// Beginner mode by option numbers, then free text, then quit.
	in := "1\nWhat has helped you keep going on the hard nights?\n/quit\n"
	out, errs, code := runCmd(t, in, "play", "--beginner", "planning-dev")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"DEV:", "You chose:", "== Report", "Overall:", "Strengths ratio"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	out, _, _ = runCmd(t, "What would make today worth your time, Marcus?\n", "play", "engagement-marcus")
	if !strings.Contains(out, "→ strengths") || !strings.Contains(out, "Input ended before the role play did") {
		t.Errorf("free-text play:\n%s", out)
	}
	if _, errs, code := runCmd(t, "", "play", "no-such-role-play"); code == 0 || !strings.Contains(errs, "engagement-marcus") {
		t.Errorf("unknown role play: exit %d, %s", code, errs)
	}
	if _, errs, code := runCmd(t, "", "play", "case-roadmap"); code == 0 || !strings.Contains(errs, "practice case") {
		t.Errorf("a practice case: exit %d, %s", code, errs)
	}
}

func TestUnknownCommand(t *testing.T) {
	if _, errs, code := runCmd(t, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestOrgCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "o.db")
	out, errs, code := runCmd(t, "a long password\n", "org", "create", "--database", db, "--name", "Northside", "--admin-name", "Olga", "--admin-email", "olga@example.org")
	if code != 0 || !strings.Contains(out, "Created Northside") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if _, errs, code := runCmd(t, "short\n", "org", "create", "--database", db, "--name", "X", "--admin-name", "X", "--admin-email", "x@example.org"); code == 0 || !strings.Contains(errs, "10 characters") {
		t.Errorf("a short password: exit %d %s", code, errs)
	}
	if _, errs, code := runCmd(t, "a long password\n", "org", "create", "--database", db, "--name", "Again", "--admin-name", "O", "--admin-email", "olga@example.org"); code == 0 || !strings.Contains(errs, "already") {
		t.Errorf("a taken email: exit %d %s", code, errs)
	}
}
