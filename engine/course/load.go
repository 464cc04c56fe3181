package course

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"oasis/engine/scenario"
)

// Load reads the course files at paths in fsys and checks them against the
// scenario library lib. With no paths it reads every .yaml and .yml file at
// the root of fsys (not in folders below it, so a testdata folder beside
// the courses is left alone); a path that names a folder is searched
// recursively for course files (IsCourse). Lessons are read from fsys,
// relative to the folder of the course file that names them.
//
// On failure the error is a scenario.ErrorList with every problem in every
// file; the catalog returned still holds the courses that loaded cleanly.
// A course may require only courses loaded with it.
func Load(fsys fs.FS, lib *scenario.Library, paths ...string) (*Catalog, error) {
	var errs scenario.ErrorList
	var files []string
	if len(paths) == 0 {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			errs = append(errs, &scenario.Error{File: ".", Msg: fmt.Sprintf("cannot read the course folder: %v", unwrapPathError(err))})
		}
		for _, e := range entries {
			if !e.IsDir() && scenario.IsScenarioFile(e.Name()) {
				files = append(files, e.Name())
			}
		}
	}
	for _, p := range paths {
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			errs = append(errs, &scenario.Error{File: p, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			continue
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		_ = fs.WalkDir(fsys, p, func(fp string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				errs = append(errs, &scenario.Error{File: fp, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			case !d.IsDir() && scenario.IsScenarioFile(fp):
				if data, err := readLimited(fsys, fp); err == nil && IsCourse(data) {
					files = append(files, fp)
				}
			}
			return nil
		})
	}
	slices.Sort(files)
	l := newLoader(lib)
	l.errs = errs
	for _, f := range slices.Compact(files) {
		data, err := readLimited(fsys, f)
		if err != nil {
			l.errs = append(l.errs, &scenario.Error{File: f, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			continue
		}
		l.add(f, data, fsys, path.Dir(f))
	}
	return l.catalog()
}

// LoadPaths is Load over the operating system's files: each path is a
// course file, or a folder searched recursively for course files
// (IsCourse); errors name files as given.
func LoadPaths(lib *scenario.Library, paths ...string) (*Catalog, error) {
	return LoadPathsWith(nil, lib, paths...)
}

// LoadPathsWith is LoadPaths for courses that may also require courses
// loaded before (known, such as the bundled ones): `requires` and circles
// are checked across both, and the catalog holds only the courses at
// paths. A course at paths replaces a known course with the same id.
func LoadPathsWith(known *Catalog, lib *scenario.Library, paths ...string) (*Catalog, error) {
	courses, others, named, errs := find(paths)
	l := newLoader(lib)
	l.known = known
	l.errs = errs
	for _, f := range others {
		if named[f] {
			// Named as a course but not one: parse it to say why.
			courses = append(courses, f)
		}
	}
	slices.Sort(courses)
	for _, f := range courses {
		dir := os.DirFS(filepath.Dir(f))
		data, err := readLimited(dir, filepath.Base(f))
		if err != nil {
			l.errs = append(l.errs, &scenario.Error{File: f, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			continue
		}
		l.add(f, data, dir, ".")
	}
	return l.catalog()
}

// FindPaths lists the files under paths (files, or folders searched
// recursively for .yaml and .yml files) and splits them into course files
// (IsCourse) and the others, for `oasis validate`, which checks the others
// as scenarios. A file named directly is always listed. Paths that cannot
// be read are reported as a scenario.ErrorList and left out.
func FindPaths(paths ...string) (courses, others []string, err error) {
	courses, others, _, errs := find(paths)
	return courses, others, errs.Err()
}

func find(paths []string) (courses, others []string, named map[string]bool, errs scenario.ErrorList) {
	named = map[string]bool{}
	seen := map[string]bool{}
	classify := func(f string) {
		if seen[f] {
			return
		}
		seen[f] = true
		data, err := readLimited(os.DirFS(filepath.Dir(f)), filepath.Base(f))
		if err != nil {
			errs = append(errs, &scenario.Error{File: f, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			return
		}
		if IsCourse(data) {
			courses = append(courses, f)
		} else {
			others = append(others, f)
		}
	}
	for _, p := range paths {
		err := filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				errs = append(errs, &scenario.Error{File: fp, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			case d.IsDir():
			case fp == p:
				named[fp] = true
				classify(fp)
			case scenario.IsScenarioFile(fp):
				classify(fp)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, &scenario.Error{File: p, Msg: err.Error()})
		}
	}
	slices.Sort(courses)
	slices.Sort(others)
	return courses, others, named, errs
}

// IsCourse reports whether data is a course file: a YAML file with the
// top-level line `kind: course`. It looks at lines rather than parsing, so
// that a course with a syntax error is still recognised (and its errors
// reported as a course's).
func IsCourse(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		rest, ok := bytes.CutPrefix(line, []byte("kind:"))
		if !ok {
			continue
		}
		if i := bytes.Index(rest, []byte(" #")); i >= 0 {
			rest = rest[:i]
		}
		v := string(bytes.TrimSpace(rest))
		if v == "course" || v == `"course"` || v == "'course'" {
			return true
		}
	}
	return false
}

// Merge combines catalogs, in order. A course id found in two of them is
// an error naming both files; the first course with the id is kept.
func Merge(cats ...*Catalog) (*Catalog, error) {
	out := &Catalog{byID: map[string]*Course{}}
	var errs scenario.ErrorList
	for _, cat := range cats {
		for _, c := range cat.All() {
			if prev, dup := out.byID[c.ID]; dup {
				errs = append(errs, duplicate(c, prev))
				continue
			}
			out.add(c)
		}
	}
	return out, errs.Err()
}

func duplicate(c, prev *Course) *scenario.Error {
	return &scenario.Error{File: c.File, Line: c.pos.Line, Col: c.pos.Column(),
		Msg: fmt.Sprintf("duplicate course id %q: %s already uses it; course ids must be unique", c.ID, prev.File)}
}

// loader builds a catalog from files added one by one.
type loader struct {
	p    *fileParser
	errs scenario.ErrorList
	// all holds every course read, clean or not, so that a course that
	// requires one with a problem is not also told the id is unknown.
	all   []*Course
	clean map[*Course]bool
	// known courses may be required too; they are not checked again.
	known *Catalog
}

func newLoader(lib *scenario.Library) *loader {
	return &loader{p: newParser(lib), clean: map[*Course]bool{}}
}

func (l *loader) add(name string, data []byte, lessons fs.FS, dir string) {
	c, errs := l.p.parse(name, data, lessons, dir)
	l.errs = append(l.errs, errs...)
	if c == nil || c.ID == "" {
		return
	}
	l.all = append(l.all, c)
	l.clean[c] = len(errs) == 0
}

// catalog checks what spans files (duplicate ids, requires, circles) and
// returns the clean courses.
func (l *loader) catalog() (*Catalog, error) {
	byID := map[string]*Course{}
	var courses []*Course
	for _, c := range l.all {
		if prev, dup := byID[c.ID]; dup {
			l.errs = append(l.errs, duplicate(c, prev))
			l.clean[c] = false
			continue
		}
		byID[c.ID] = c
		courses = append(courses, c)
	}
	// Requirements resolve among the courses loaded and the known ones.
	all := maps.Clone(byID)
	for _, c := range l.known.All() {
		if all[c.ID] == nil {
			all[c.ID] = c
		}
	}
	ids := slices.Sorted(maps.Keys(all))
	for _, c := range courses {
		for i, req := range c.Requires {
			switch {
			case req == c.ID:
				l.errorAt(c, c.reqPos[i], "course %q requires itself; remove it from requires", c.ID)
			case all[req] == nil:
				l.errorAt(c, c.reqPos[i], "course %q requires unknown course %q%s; a course may require only courses loaded with it (known: %s)", c.ID, truncate(req, 70), didYouMean(req, ids), listed(ids, "courses"))
			}
		}
	}
	for _, cycle := range cycles(courses, all) {
		// Report at a course being loaded; a circle among known courses
		// alone was reported when they were loaded.
		start := slices.IndexFunc(cycle, func(c *Course) bool { return byID[c.ID] == c })
		if start < 0 {
			continue
		}
		cycle = append(cycle[start:], cycle[:start]...)
		c, next := cycle[0], cycle[1%len(cycle)]
		at := c.pos
		if i := slices.Index(c.Requires, next.ID); i >= 0 {
			at = c.reqPos[i]
		}
		names := make([]string, 0, len(cycle)+1)
		for _, cc := range cycle {
			names = append(names, cc.ID)
		}
		names = append(names, c.ID)
		l.errorAt(c, at, "courses require each other in a circle (%s), so none can ever be started; remove one of these requirements", strings.Join(names, " → "))
		for _, cc := range cycle {
			l.clean[cc] = false
		}
	}
	cat := &Catalog{byID: map[string]*Course{}}
	for _, c := range courses {
		if l.clean[c] {
			cat.add(c)
		}
	}
	return cat, l.errs.Err()
}

func (l *loader) errorAt(c *Course, p scenario.Pos, format string, args ...any) {
	l.errs = append(l.errs, &scenario.Error{File: c.File, Line: p.Line, Col: p.Column(), Msg: fmt.Sprintf(format, args...)})
	l.clean[c] = false
}

// cycles finds each circle of requirements reachable from courses once,
// as its members in order from the first one met. Self-requirement is
// reported on its own and not counted here.
func cycles(courses []*Course, byID map[string]*Course) [][]*Course {
	const (
		unseen = iota
		active
		done
	)
	state := map[*Course]int{}
	var stack []*Course
	var out [][]*Course
	var visit func(c *Course)
	visit = func(c *Course) {
		state[c] = active
		stack = append(stack, c)
		for _, req := range c.Requires {
			next := byID[req]
			if next == nil || next == c {
				continue
			}
			switch state[next] {
			case unseen:
				visit(next)
			case active:
				i := slices.Index(stack, next)
				out = append(out, slices.Clone(stack[i:]))
			}
		}
		stack = stack[:len(stack)-1]
		state[c] = done
	}
	for _, c := range courses {
		if state[c] == unseen {
			visit(c)
		}
	}
	return out
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
