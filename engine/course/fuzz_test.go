package course_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"oasis/engine/course"
	"oasis/engine/scenario"
)

// FuzzParseCourse feeds the loader arbitrary bytes as a course file, with
// a small library (one role play, one case) and one lesson beside it. It
// must never panic, must report problems as an ErrorList whose entries name
// the file, and what it accepts must be usable: quizzes that can be passed,
// practice on scenarios that exist, renewal naming real practice.
func FuzzParseCourse(f *testing.F) {
	if data, err := os.ReadFile("../../content/courses/testdata/short-course.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte(strings.Replace(base, "engagement-marcus", "mini", 1)))
	f.Add([]byte(""))
	f.Add([]byte("kind: course\n"))
	f.Add([]byte("a: &a [*a]"))
	lib := smallLibrary(f)
	lesson, err := os.ReadFile("../../content/courses/testdata/lessons/short.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"c.yaml":           {Data: data},
			"l.md":             {Data: lesson},
			"lessons/short.md": {Data: lesson},
		}
		cat, err := course.Load(fsys, lib, "c.yaml")
		if err != nil {
			var list scenario.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList: %v", err, err)
			}
			for _, e := range list {
				if e.File != "c.yaml" || e.Msg == "" {
					t.Fatalf("error without file or message: %#v", e)
				}
			}
			if len(cat.Order) != 0 {
				t.Fatalf("a course with errors is in the catalog: %v", cat.Order)
			}
			return
		}
		for _, c := range cat.All() {
			if len(c.Modules) == 0 || c.Certificate.ValidMonths < 1 {
				t.Fatalf("accepted a course without modules or validity: %+v", c)
			}
			for _, m := range c.Modules {
				q := m.Quiz
				if q.Pass < 1 || q.Pass > 100 || len(q.Questions) == 0 {
					t.Fatalf("accepted quiz pass %d with %d questions", q.Pass, len(q.Questions))
				}
				answers := map[string]int{}
				for _, qu := range q.Questions {
					for i, o := range qu.Options {
						if o.Correct {
							answers[qu.ID] = i
							break
						}
					}
				}
				if g, err := q.Grade(answers); err != nil || !g.Passed || g.Score != 100 {
					t.Fatalf("the right answers do not pass: %+v %v", g, err)
				}
				for _, p := range m.Practice {
					if _, ok := lib.Get(p.Scenario); !ok || len(p.Pass.Describe(p.Kind)) == 0 {
						t.Fatalf("accepted practice %+v", p)
					}
				}
			}
			for _, id := range c.Certificate.Renewal {
				if _, ok := c.Practice(id); !ok {
					t.Fatalf("accepted renewal of unknown practice %q", id)
				}
			}
			course.Evaluate(c, course.Evidence{})
		}
	})
}

// smallLibrary is the test scenarios: mini.yaml from the scenario package
// and a one-task case.
func smallLibrary(f *testing.F) *scenario.Library {
	l := scenario.NewLoader()
	if data, err := os.ReadFile("../scenario/testdata/mini.yaml"); err == nil {
		l.Add("mini.yaml", data)
	}
	l.Add("case.yaml", []byte(`kind: case
id: case-roadmap
title: A case
summary: s
level: basic
phase: planning
client: {name: N, age: 30, situation: s}
vignette: v
tasks:
  - id: t1
    type: rewrite
    prompt: p
    statement: s
`))
	lib, err := l.Library()
	if err != nil {
		f.Fatal(err)
	}
	return lib
}
