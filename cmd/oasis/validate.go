package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"path"

	"oasis/content"
	"oasis/engine/course"
	"oasis/engine/scenario"
	"oasis/scenarios"
)

func runValidate(ctx context.Context, env *cli, args []string) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: oasis validate [PATHS...]\n\nChecks scenario and course files (folders are searched for .yaml and .yml\nfiles; a file with `kind: course` is a course). Courses are checked against\nthe scenarios given and the bundled ones. With no paths, checks the\nscenarios and courses bundled into this binary, and the test course.")
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	var r validation
	if fs.NArg() == 0 {
		r.bundled()
	} else {
		r.paths(fs.Args())
	}
	var list scenario.ErrorList
	if errors.As(r.problems.Err(), &list) { // sorted by file and position
		for _, e := range list {
			fmt.Fprintln(env.stdout, e)
		}
		files := map[string]bool{}
		for _, e := range list {
			files[e.File] = true
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%s in %s", plural(len(list), "problem"), plural(len(files), "file"))}
	}
	fmt.Fprintf(env.stdout, "ok: %s (%s, %s), %s, no problems\n",
		plural(r.scenarios, "scenario"), plural(r.roleplays, "role play"), plural(r.cases, "practice case"), plural(r.courses, "course"))
	return nil
}

// validation gathers every problem of one `oasis validate`, and counts
// what was checked.
type validation struct {
	problems                    scenario.ErrorList
	scenarios, roleplays, cases int
	courses                     int
}

// add records the problems in err; an error that is not a list of
// problems (which the loaders never return) is recorded as one.
func (v *validation) add(err error, prefix string) {
	if err == nil {
		return
	}
	var list scenario.ErrorList
	if !errors.As(err, &list) {
		list = scenario.ErrorList{{Msg: err.Error()}}
	}
	for _, e := range list {
		if prefix != "" && e.File != "" {
			e.File = path.Join(prefix, e.File)
		}
		v.problems = append(v.problems, e)
	}
}

func (v *validation) countScenarios(lib *scenario.Library) {
	v.scenarios += len(lib.Order)
	v.roleplays += len(lib.Roleplays)
	v.cases += len(lib.Cases)
}

// bundled checks what is built into the binary: the scenarios, the
// courses against them, and the test course the browser tests use.
// Course problems name files by their place in the source tree.
func (v *validation) bundled() {
	lib, err := scenarios.Load()
	v.add(err, "")
	v.countScenarios(lib)
	cat, err := course.Load(content.Courses(), lib)
	v.add(err, "content/courses")
	v.courses += len(cat.Order)
	test, err := fs.Sub(content.Courses(), "testdata")
	if err != nil {
		v.add(err, "")
		return
	}
	cat, err = course.Load(test, lib)
	v.add(err, "content/courses/testdata")
	v.courses += len(cat.Order)
}

// paths checks the files under paths: scenario files as one library, and
// course files against that library together with the bundled scenarios
// (a given scenario replaces a bundled one with the same id); courses may
// require the bundled courses.
func (v *validation) paths(paths []string) {
	courses, others, err := course.FindPaths(paths...)
	v.add(err, "")
	lib := &scenario.Library{Roleplays: map[string]*scenario.Roleplay{}, Cases: map[string]*scenario.Case{}}
	if len(others) > 0 {
		lib, err = scenario.LoadPaths(others...)
		v.add(err, "")
	}
	v.countScenarios(lib)
	if len(courses) == 0 {
		return
	}
	bundled, err := scenarios.Load()
	v.add(err, "")
	// The bundled courses may be required; their own problems are for
	// `oasis validate` with no paths to report.
	known, _ := course.Load(content.Courses(), bundled)
	cat, err := course.LoadPathsWith(known, withBundled(lib, bundled), courses...)
	v.add(err, "")
	v.courses += len(cat.Order)
}

// withBundled returns a library of lib's scenarios and the bundled ones
// whose ids lib does not use.
func withBundled(lib, bundled *scenario.Library) *scenario.Library {
	out := &scenario.Library{Roleplays: maps.Clone(lib.Roleplays), Cases: maps.Clone(lib.Cases)}
	if out.Roleplays == nil {
		out.Roleplays = map[string]*scenario.Roleplay{}
	}
	if out.Cases == nil {
		out.Cases = map[string]*scenario.Case{}
	}
	out.Order = append(out.Order, lib.Order...)
	for _, sc := range bundled.Order {
		id := sc.Info().ID
		if _, taken := lib.Get(id); taken {
			continue
		}
		switch s := sc.(type) {
		case *scenario.Roleplay:
			out.Roleplays[id] = s
		case *scenario.Case:
			out.Cases[id] = s
		}
		out.Order = append(out.Order, sc)
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
