package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
)

// MaxFileSize is the largest scenario file the loader reads. The biggest
// hand-written role play is far below it; anything larger is a mistake or
// an attack, and is refused before it is parsed.
const MaxFileSize = 1 << 20

// Parse reads one scenario file. The name is used in error messages. On
// failure the error is an ErrorList with every problem found.
func Parse(name string, data []byte) (Scenario, error) {
	return parse(name, data, newCompiler())
}

func parse(name string, data []byte, c *compiler) (Scenario, error) {
	r := &reader{file: name}
	if len(data) > MaxFileSize {
		return nil, ErrorList{{File: name, Msg: fmt.Sprintf("file is %d bytes; a scenario file may be at most %d bytes", len(data), MaxFileSize)}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrorList{{File: name, Line: 1, Col: 1, Msg: "file is empty; a scenario starts with `kind: roleplay` or `kind: case`"}}
	}
	doc, extra, err := decodeYAML(data, c.arena)
	if err != nil {
		return nil, ErrorList{YAMLError(name, err)}
	}
	if extra != nil {
		r.errorf(posOf(extra), "a second YAML document starts here; put each scenario in its own file")
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = resolve(root)
	if root == nil || root.Kind != yaml.MappingNode {
		r.errorf(posOf(root), "a scenario file must be a mapping of fields starting with `kind: roleplay` or `kind: case`")
		return nil, r.errs.Err()
	}
	top := r.object(root, newLabel("scenario", "", 0))
	meta := r.meta(&top)
	meta.File = name
	var sc Scenario
	switch meta.Kind {
	case KindRoleplay:
		sc = r.roleplay(&top, meta, c)
	case KindCase:
		sc = r.practiceCase(&top, meta)
	}
	top.finish()
	if err := r.errs.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// decodeYAML parses the first document of data and reports whether a
// second one follows. A panic in the YAML library on hostile input is
// turned into an error here, so a bad file never takes the process down.
// With an arena, the block-YAML subset authors write is read by the fast
// parser first.
func decodeYAML(data []byte, arena *nodeArena) (doc, extra *yaml.Node, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, extra, err = nil, nil, fmt.Errorf("could not read this file as YAML (%v)", p)
		}
	}()
	if arena != nil {
		if fast, ok := arena.parse(data); ok {
			return fast, nil, nil
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err != nil {
		return nil, nil, err
	}
	next := new(yaml.Node)
	switch err := dec.Decode(next); {
	case err == nil:
		return doc, next, nil
	case errors.Is(err, io.EOF):
		return doc, nil, nil
	default:
		return nil, nil, err
	}
}

// DecodeYAML parses the first document of data into nodes and reports
// whether a second one follows, as the scenario loader does, for other
// loaders of YAML content (courses). Hostile input gives an error, never a
// panic.
func DecodeYAML(data []byte) (doc, extra *yaml.Node, err error) { return decodeYAML(data, nil) }

// YAMLError turns a syntax error from the YAML library into an Error at
// the line it names, so that other loaders of YAML content report syntax
// errors exactly as the scenario loader does.
func YAMLError(name string, err error) *Error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		var n int
		if _, e := fmt.Sscanf(rest, "%d:", &n); e == nil {
			line = n
			if _, after, ok := strings.Cut(rest, ": "); ok {
				msg = after
			}
		}
	}
	return &Error{File: name, Line: line, Col: 1, Msg: "not valid YAML: " + msg}
}

func (r *reader) meta(top *object) Meta {
	var m Meta
	m.Pos = top.pos
	kind, kp := top.str("kind", true)
	m.Kind = Kind(kind)
	if kind != "" && m.Kind != KindRoleplay && m.Kind != KindCase {
		r.errorf(kp, "unknown kind %q; use `roleplay` or `case`", kind)
	}
	m.ID, _ = top.id("id", true)
	m.Title, _ = top.str("title", true)
	m.Summary, _ = top.str("summary", true)
	if l, p := top.str("level", true); l != "" {
		m.Level, _ = vocab(r, p, l, sbcm.ParseLevel)
	}
	if ph, p := top.str("phase", true); ph != "" {
		m.Phase, _ = vocab(r, p, ph, sbcm.ParsePhase)
	}
	if s, p := top.str("setting", false); s != "" {
		m.Setting, _ = vocab(r, p, s, sbcm.ParseSetting)
	}
	var mp Pos
	m.Minutes, mp = top.integer("minutes", false, 0)
	if m.Minutes < 0 || m.Minutes > 600 {
		r.errorf(mp, "minutes must be between 0 and 600")
	}
	if cv := top.node("client"); cv == nil {
		top.missing("client", " (name, age and situation of the person in the scenario)")
	} else {
		o := r.object(cv, newLabel("client", "", 0))
		m.Client.Name, _ = o.str("name", true)
		var ap Pos
		m.Client.Age, ap = o.integer("age", true, 0)
		if m.Client.Age < 0 || m.Client.Age > 120 {
			r.errorf(ap, "client: age %d is not a plausible age", m.Client.Age)
		}
		m.Client.Pronouns, _ = o.str("pronouns", false)
		m.Client.Situation, _ = o.str("situation", true)
		o.finish()
	}
	return m
}

// Library is every scenario loaded from a set of files, by id.
type Library struct {
	Roleplays map[string]*Roleplay
	Cases     map[string]*Case
	// Order lists every scenario in a stable order: by phase, then title.
	Order []Scenario
}

// Get returns the scenario with the given id.
func (l *Library) Get(id string) (Scenario, bool) {
	if rp, ok := l.Roleplays[id]; ok {
		return rp, true
	}
	if c, ok := l.Cases[id]; ok {
		return c, true
	}
	return nil, false
}

// Load reads every .yaml and .yml file at the given paths of fsys (files,
// or directories walked recursively) into one library. It reports all the
// problems of all the files together, including ids used by two files.
func Load(fsys fs.FS, paths ...string) (*Library, error) {
	l := NewLoader()
	for _, p := range paths {
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			l.fail(p, fmt.Errorf("cannot read: %v", unwrapPathError(err)))
			continue
		}
		if !fi.IsDir() {
			l.files = append(l.files, p)
			continue
		}
		_ = fs.WalkDir(fsys, p, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				l.fail(fp, fmt.Errorf("cannot read: %v", unwrapPathError(err)))
				return nil
			}
			if !d.IsDir() && IsScenarioFile(fp) {
				l.files = append(l.files, fp)
			}
			return nil
		})
	}
	slices.Sort(l.files)
	for _, f := range slices.Compact(l.files) {
		data, err := readLimited(fsys, f)
		if err != nil {
			l.fail(f, err)
			continue
		}
		l.Add(f, data)
	}
	return l.Library()
}

// Loader builds a Library from files added one by one, sharing compiled
// conditions between them and checking ids across them.
type Loader struct {
	lib   *Library
	errs  ErrorList
	c     *compiler
	seen  map[string]string
	files []string
}

// NewLoader returns an empty loader.
func NewLoader() *Loader {
	return &Loader{
		lib:  &Library{Roleplays: map[string]*Roleplay{}, Cases: map[string]*Case{}},
		c:    newCompiler(),
		seen: map[string]string{},
	}
}

func (l *Loader) fail(file string, err error) {
	l.errs = append(l.errs, &Error{File: file, Msg: err.Error()})
}

// Add parses one file into the library, recording its problems.
func (l *Loader) Add(name string, data []byte) {
	sc, err := parse(name, data, l.c)
	if err != nil {
		var list ErrorList
		if errors.As(err, &list) {
			l.errs = append(l.errs, list...)
		} else {
			l.fail(name, err)
		}
		return
	}
	m := sc.Info()
	if prev, dup := l.seen[m.ID]; dup {
		l.errs = append(l.errs, &Error{File: name, Line: m.Pos.Line, Col: m.Pos.Column(), Msg: fmt.Sprintf("duplicate scenario id %q: %s already uses it; ids must be unique across the library", m.ID, prev)})
		return
	}
	l.seen[m.ID] = name
	switch s := sc.(type) {
	case *Roleplay:
		l.lib.Roleplays[m.ID] = s
	case *Case:
		l.lib.Cases[m.ID] = s
	}
	l.lib.Order = append(l.lib.Order, sc)
}

// Library returns what was loaded, and every problem found as an ErrorList
// (nil when there were none). The library holds the files that loaded
// cleanly even when others did not.
func (l *Loader) Library() (*Library, error) {
	slices.SortStableFunc(l.lib.Order, func(a, b Scenario) int {
		pa, pb := slices.Index(sbcm.Phases, a.Info().Phase), slices.Index(sbcm.Phases, b.Info().Phase)
		if pa != pb {
			return pa - pb
		}
		return strings.Compare(a.Info().Title, b.Info().Title)
	})
	return l.lib, l.errs.Err()
}

// IsScenarioFile reports whether a path names a YAML file the loader reads.
func IsScenarioFile(p string) bool {
	ext := path.Ext(p)
	return ext == ".yaml" || ext == ".yml"
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %v", unwrapPathError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %v", err)
	}
	return data, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LoadPaths is Load over the operating system's files: each path is a file
// or a directory walked recursively, and errors name files as given.
func LoadPaths(paths ...string) (*Library, error) {
	l := NewLoader()
	var files []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				l.fail(fp, fmt.Errorf("cannot read: %v", unwrapPathError(err)))
			case d.IsDir():
			case fp == p || IsScenarioFile(fp):
				files = append(files, fp)
			}
			return nil
		})
		if err != nil {
			l.fail(p, err)
		}
	}
	slices.Sort(files)
	for _, f := range slices.Compact(files) {
		data, err := readLimited(os.DirFS(filepath.Dir(f)), filepath.Base(f))
		if err != nil {
			l.fail(f, err)
			continue
		}
		l.Add(f, data)
	}
	return l.Library()
}
