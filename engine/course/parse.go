package course

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
)

// MaxFileSize is the largest course or lesson file the loader reads, the
// same limit as for scenario files.
const MaxFileSize = scenario.MaxFileSize

// fileParser reads course files against one scenario library, rendering their
// lessons with one Markdown renderer.
type fileParser struct {
	lib *scenario.Library
	md  goldmark.Markdown
}

func newParser(lib *scenario.Library) *fileParser {
	if lib == nil {
		lib = &scenario.Library{}
	}
	return &fileParser{lib: lib, md: newMarkdown()}
}

// parse reads one course file named name. Lessons are read from lessons,
// relative to dir. It returns the course as far as it could be read (nil
// when not even its id could be) and every problem found.
func (p *fileParser) parse(name string, data []byte, lessons fs.FS, dir string) (*Course, scenario.ErrorList) {
	r := &reader{file: name}
	if len(data) > MaxFileSize {
		r.errorf(scenario.Pos{}, "file is more than %d bytes; a course file may be at most %d bytes", MaxFileSize, MaxFileSize)
		return nil, r.errs
	}
	if len(bytes.TrimSpace(data)) == 0 {
		r.errorf(scenario.Pos{Line: 1, Col: 1}, "file is empty; a course starts with `kind: course`")
		return nil, r.errs
	}
	root, extra, err := scenario.DecodeYAML(data)
	if err != nil {
		return nil, scenario.ErrorList{scenario.YAMLError(name, err)}
	}
	if extra != nil {
		r.errorf(posOf(extra), "a second YAML document starts here; put each course in its own file")
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = resolve(root)
	if root == nil || root.Kind != yaml.MappingNode {
		r.errorf(posOf(root), "a course file must be a mapping of fields starting with `kind: course`")
		return nil, r.done()
	}
	c := p.course(r, root, lessons, dir)
	c.File = name
	return c, r.done()
}

func (p *fileParser) course(r *reader, root *yaml.Node, lessons fs.FS, dir string) *Course {
	top := r.object(root, "course")
	c := &Course{pos: top.pos}
	kind, kp := top.str("kind", true, " (`kind: course`)")
	if kind != "" && kind != "course" {
		r.errorf(kp, "kind %q is not a course; a course file says `kind: course` (role plays and cases belong in the scenario library)", kind)
	}
	var ip scenario.Pos
	c.ID, ip = top.id("id", true)
	if c.ID != "" {
		c.pos = ip
		top.what = fmt.Sprintf("course %q", c.ID)
	}
	c.Title, _ = top.str("title", true, "")
	c.Summary, _ = top.str("summary", true, " (one or two sentences for the course list)")
	if lv, lp := top.str("level", true, " (basic or advanced)"); lv != "" {
		if _, err := sbcm.ParseLevel(lv); err != nil {
			r.errorf(lp, "%s: %v", top.what, err)
		} else {
			c.Level = lv
		}
	}
	reqs, reqPos := top.strs("requires")
	for i, id := range reqs {
		if !scenario.ValidID(id) {
			r.errorf(reqPos[i], "%s: requires %q, which is not a course id", top.what, truncate(id, 70))
			continue
		}
		if slices.Contains(c.Requires, id) {
			r.errorf(reqPos[i], "%s: requires %q twice; list it once", top.what, id)
			continue
		}
		c.Requires = append(c.Requires, id)
		c.reqPos = append(c.reqPos, reqPos[i])
	}

	var renewal []string
	var renewalPos []scenario.Pos
	if cv := top.node("certificate"); cv == nil {
		top.missing("certificate", " (its title and how many months it is valid)")
	} else {
		o := r.object(cv, top.what+" certificate")
		cert := &c.Certificate
		cert.Title, _ = o.str("title", true, "")
		var vp scenario.Pos
		var ok bool
		cert.ValidMonths, vp, ok = o.integer("valid_months")
		switch {
		case !ok && o.node("valid_months") == nil && o.m != nil:
			o.missing("valid_months", " (how many months a certificate lasts)")
		case ok && (cert.ValidMonths < 1 || cert.ValidMonths > 120):
			r.errorf(vp, "%s: valid_months must be between 1 and 120, found %d", o.what, cert.ValidMonths)
		}
		var rp scenario.Pos
		cert.RenewWithinMonths, rp, ok = o.integer("renew_within_months")
		switch {
		case ok && cert.RenewWithinMonths < 0:
			r.errorf(rp, "%s: renew_within_months must not be negative", o.what)
		case ok && cert.ValidMonths > 0 && cert.RenewWithinMonths >= cert.ValidMonths:
			r.errorf(rp, "%s: renew_within_months (%d) must be less than valid_months (%d): renewal opens that many months before the certificate expires", o.what, cert.RenewWithinMonths, cert.ValidMonths)
		}
		renewal, renewalPos = o.strs("renewal")
		if len(renewal) > 0 && cert.RenewWithinMonths == 0 && ok {
			r.errorf(rp, "%s: renew_within_months is 0, so renewal never opens before the certificate expires; set how many months before expiry it opens", o.what)
		} else if len(renewal) > 0 && !ok && o.node("renew_within_months") == nil {
			o.missing("renew_within_months", " (how many months before expiry renewal opens, since `renewal` lists practice)")
		}
		o.finish()
	}

	mods := top.list("modules", false)
	if len(mods) == 0 {
		if k, _ := top.field("modules"); k != nil {
			r.errorf(posOf(k), "%s: modules is empty; a course needs at least one module", top.what)
		} else {
			top.missing("modules", " (a course needs at least one module)")
		}
	}
	moduleIDs := map[string]scenario.Pos{}
	practiceIDs := map[string]scenario.Pos{}
	for i, mv := range mods {
		if r.full() {
			break
		}
		m := p.module(r, mv, fmt.Sprintf("%s module %d", top.what, i+1), lessons, dir, practiceIDs)
		if m.ID != "" {
			if prev, dup := moduleIDs[m.ID]; dup {
				r.errorf(posOf(mv), "%s: duplicate module id %q (first at line %d); module ids must be unique within a course", top.what, m.ID, prev.Line)
			} else {
				moduleIDs[m.ID] = posOf(mv)
			}
		}
		c.Modules = append(c.Modules, m)
	}

	var known []string
	for id := range practiceIDs {
		known = append(known, id)
	}
	slices.Sort(known)
	for i, id := range renewal {
		if _, ok := practiceIDs[id]; !ok {
			hint := "it lists practice ids of this course"
			if len(known) > 0 {
				hint += ": " + listed(known, "practice requirements")
			} else {
				hint += ", and this course has none"
			}
			r.errorf(renewalPos[i], "%s certificate: renewal names unknown practice %q%s; %s", top.what, truncate(id, 70), r.nearest(id, known), hint)
			continue
		}
		if slices.Contains(c.Certificate.Renewal, id) {
			r.errorf(renewalPos[i], "%s certificate: renewal lists %q twice; list it once", top.what, id)
			continue
		}
		c.Certificate.Renewal = append(c.Certificate.Renewal, id)
		c.renePos = append(c.renePos, renewalPos[i])
	}
	top.finish()
	return c
}

func (p *fileParser) module(r *reader, mv *yaml.Node, what string, lessons fs.FS, dir string, practiceIDs map[string]scenario.Pos) Module {
	o := r.object(mv, what)
	var m Module
	m.ID, _ = o.id("id", true)
	if m.ID != "" {
		o.what = fmt.Sprintf("module %q", m.ID)
	}
	m.Title, _ = o.str("title", true, "")
	if lp, pos := o.str("lesson", true, " (the Markdown file to read, relative to this course file)"); strings.TrimSpace(lp) != "" {
		m.Lesson = p.lesson(r, o.what, lp, pos, lessons, dir)
	}
	if qv := o.node("quiz"); qv == nil {
		o.missing("quiz", " (a pass mark and questions)")
	} else {
		m.Quiz = quiz(r, qv, o.what+" quiz")
	}
	for i, pv := range o.list("practice", false) {
		if r.full() {
			break
		}
		pr := p.practice(r, pv, fmt.Sprintf("%s practice %d", o.what, i+1))
		if pr.ID != "" {
			if prev, dup := practiceIDs[pr.ID]; dup {
				r.errorf(posOf(pv), "%s: duplicate practice id %q (first at line %d); practice ids must be unique within a course", o.what, pr.ID, prev.Line)
			} else {
				practiceIDs[pr.ID] = posOf(pv)
			}
		}
		m.Practice = append(m.Practice, pr)
	}
	o.finish()
	return m
}

// lesson reads and renders a lesson file named relative to the course
// file. Lessons must sit in the course's folder or below it, so a course
// and its lessons can be moved, embedded or served as one folder.
func (p *fileParser) lesson(r *reader, what, name string, pos scenario.Pos, lessons fs.FS, dir string) Lesson {
	l := Lesson{Path: name}
	clean := path.Clean(name)
	if path.IsAbs(name) || strings.Contains(name, `\`) || clean == ".." || strings.HasPrefix(clean, "../") {
		r.errorf(pos, "%s: lesson %q must be a path relative to the course file, inside its folder (such as lessons/intro.md)", what, truncate(name, 70))
		return l
	}
	full := path.Join(dir, clean)
	if lessons == nil || !fs.ValidPath(full) {
		r.errorf(pos, "%s: lesson file %q does not exist; the path is relative to the course file", what, truncate(name, 70))
		return l
	}
	if cached, ok := r.lessons[full]; ok {
		cached.Path = name
		return cached
	}
	data, err := readLimited(lessons, full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.errorf(pos, "%s: lesson file %q does not exist; the path is relative to the course file", what, truncate(name, 70))
		return l
	case err != nil:
		r.errorf(pos, "%s: lesson %q: %v", what, truncate(name, 70), err)
		return l
	case len(data) > MaxFileSize:
		r.errorf(pos, "%s: lesson %q is more than %d bytes; split it into modules", what, truncate(name, 70), MaxFileSize)
		return l
	case len(bytes.TrimSpace(data)) == 0:
		r.errorf(pos, "%s: lesson file %q is empty", what, truncate(name, 70))
		return l
	}
	rendered, err := renderLesson(p.md, data)
	if err != nil {
		r.errorf(pos, "%s: lesson %q could not be rendered: %v", what, truncate(name, 70), err)
		return l
	}
	rendered.Path = name
	if r.lessons == nil {
		r.lessons = map[string]Lesson{}
	}
	r.lessons[full] = rendered
	return rendered
}

func quiz(r *reader, qv *yaml.Node, what string) Quiz {
	o := r.object(qv, what)
	var q Quiz
	pass, pp, ok := o.integer("pass")
	switch {
	case ok && (pass < 1 || pass > 100):
		r.errorf(pp, "%s: pass must be a percent from 1 to 100, found %d", what, pass)
	case ok:
		q.Pass = pass
	case o.m != nil && o.node("pass") == nil:
		o.missing("pass", " (the percent of questions right needed to pass, 1 to 100)")
	}
	items := o.list("questions", false)
	if len(items) == 0 && o.m != nil {
		if k, _ := o.field("questions"); k != nil {
			r.errorf(posOf(k), "%s has no questions; add at least one", what)
		} else {
			o.missing("questions", " (a quiz needs at least one question)")
		}
	}
	ids := map[string]int{}
	for i, qn := range items {
		if r.full() {
			break
		}
		qo := r.object(qn, fmt.Sprintf("%s question %d", what, i+1))
		var qu Question
		qu.ID, _ = qo.id("id", true)
		if qu.ID != "" {
			qo.what = fmt.Sprintf("%s question %q", what, qu.ID)
			if prev, dup := ids[qu.ID]; dup {
				r.errorf(posOf(qn), "%s: duplicate question id %q (first at line %d); question ids must be unique within a module", what, qu.ID, prev)
			} else {
				ids[qu.ID] = qn.Line
			}
		}
		qu.Prompt, _ = qo.str("prompt", true, "")
		opts := qo.list("options", false)
		correct := 0
		for j, ov := range opts {
			if r.full() {
				break
			}
			oo := r.object(ov, fmt.Sprintf("%s option %d", qo.what, j+1))
			var op Option
			op.Text, _ = oo.str("text", true, "")
			op.Correct = oo.boolean("correct")
			op.Explanation, _ = oo.str("explanation", true, " (why this answer is right or wrong, shown after answering)")
			oo.finish()
			if op.Correct {
				correct++
			}
			qu.Options = append(qu.Options, op)
		}
		switch {
		case len(opts) < 2 && qo.m != nil:
			r.errorf(posOf(qn), "%s needs at least two options", qo.what)
		case correct == 0 && qo.m != nil:
			r.errorf(posOf(qn), "%s has no right answer; mark one option `correct: true`", qo.what)
		}
		qo.finish()
		q.Questions = append(q.Questions, qu)
	}
	o.finish()
	return q
}

// readLimited reads at most MaxFileSize+1 bytes of a file, so the caller
// can tell a file that is too large without reading all of it.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("is a folder, not a file")
	}
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}
