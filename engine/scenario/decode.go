package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
)

// reader turns yaml nodes into values, collecting every problem it meets
// instead of stopping at the first.
type reader struct {
	file string
	errs ErrorList
}

func posOf(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{n.Line, n.Column}
}

func (r *reader) errorf(p Pos, format string, args ...any) {
	r.errs = append(r.errs, &Error{File: r.file, Line: p.Line, Col: p.Column(), Msg: fmt.Sprintf(format, args...)})
}

// Column is the column of p, reported as 1 when unknown so messages always
// have the file:line:col shape editors can jump to.
func (p Pos) Column() int {
	if p.Col == 0 && p.Line > 0 {
		return 1
	}
	return p.Col
}

// resolve follows aliases to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("the value %q", truncate(n.Value, 40))
	}
	return "something else"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// object reads the fields of one YAML mapping and, on finish, reports the
// fields nobody asked for: that is how typos in field names are caught.
type object struct {
	r      *reader
	pos    Pos
	what   string
	keys   []*yaml.Node
	vals   map[string]*yaml.Node
	asked  []string
	usedOK map[string]bool
}

func (r *reader) object(n *yaml.Node, what string) *object {
	o := &object{r: r, pos: posOf(n), what: what, vals: map[string]*yaml.Node{}, usedOK: map[string]bool{}}
	n = resolve(n)
	if n == nil {
		return o
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(posOf(n), "%s must be a mapping of fields, found %s", what, kindName(n))
		return o
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			r.errorf(posOf(n.Content[i]), "%s: field names must be plain words", what)
			continue
		}
		if prev, dup := o.vals[k.Value]; dup {
			r.errorf(posOf(k), "%s: field %q appears twice (first at line %d); keep one", what, k.Value, prev.Line)
			continue
		}
		o.keys = append(o.keys, k)
		o.vals[k.Value] = v
	}
	return o
}

// node returns the raw value of key, or nil when absent or null.
func (o *object) node(key string) *yaml.Node {
	o.asked = append(o.asked, key)
	v := resolve(o.vals[key])
	if v == nil {
		return nil
	}
	o.usedOK[key] = true
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	return v
}

func (o *object) has(key string) bool { return o.node(key) != nil }

func (o *object) missing(key, hint string) {
	o.r.errorf(o.pos, "%s is missing required field %q%s", o.what, key, hint)
}

// str reads a scalar as text.
func (o *object) str(key string, required bool) (string, Pos) {
	v := o.node(key)
	if v == nil {
		if required {
			o.missing(key, "")
		}
		return "", o.pos
	}
	if v.Kind != yaml.ScalarNode {
		o.r.errorf(posOf(v), "%s: %q must be text, found %s", o.what, key, kindName(v))
		return "", posOf(v)
	}
	if required && strings.TrimSpace(v.Value) == "" {
		o.r.errorf(posOf(v), "%s: %q must not be empty", o.what, key)
	}
	return v.Value, posOf(v)
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// id reads an identifier: lower-case letters, digits, '-' and '_'.
func (o *object) id(key string, required bool) (string, Pos) {
	s, p := o.str(key, required)
	if s != "" && !idPattern.MatchString(s) {
		o.r.errorf(p, "%s: %s %q is not a valid id: use lower-case letters, digits, '-' and '_' (at most 64)", o.what, key, truncate(s, 70))
	}
	return s, p
}

func (o *object) integer(key string, required bool, def int) (int, Pos) {
	v := o.node(key)
	if v == nil {
		if required {
			o.missing(key, "")
		}
		return def, o.pos
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v.Value, "+"))
	if v.Kind != yaml.ScalarNode || err != nil {
		o.r.errorf(posOf(v), "%s: %q must be a whole number, found %s", o.what, key, kindName(v))
		return def, posOf(v)
	}
	return n, posOf(v)
}

func (o *object) boolean(key string) bool {
	v := o.node(key)
	if v == nil {
		return false
	}
	b, err := strconv.ParseBool(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil {
		o.r.errorf(posOf(v), "%s: %q must be true or false, found %s", o.what, key, kindName(v))
	}
	return b
}

// list returns the items of a sequence field; a single scalar is accepted
// as a list of one when single is true, so authors can write `risk: suicide`.
func (o *object) list(key string, single bool) []*yaml.Node {
	v := o.node(key)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.ScalarNode && single {
		return []*yaml.Node{v}
	}
	if v.Kind != yaml.SequenceNode {
		o.r.errorf(posOf(v), "%s: %q must be a list, found %s", o.what, key, kindName(v))
		return nil
	}
	out := make([]*yaml.Node, 0, len(v.Content))
	for _, it := range v.Content {
		out = append(out, resolve(it))
	}
	return out
}

// strs reads a list of texts.
func (o *object) strs(key string) ([]string, []Pos) {
	var out []string
	var pos []Pos
	for _, it := range o.list(key, true) {
		if it == nil || it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
			o.r.errorf(posOf(it), "%s: every item of %q must be text", o.what, key)
			continue
		}
		out = append(out, it.Value)
		pos = append(pos, posOf(it))
	}
	return out, pos
}

// finish reports every field that was present but never asked for.
func (o *object) finish() {
	for _, k := range o.keys {
		if o.usedOK[k.Value] {
			continue
		}
		known := slices.Clone(o.asked)
		slices.Sort(known)
		known = slices.Compact(known)
		msg := fmt.Sprintf("%s: unknown field %q", o.what, k.Value)
		if near := sbcm.Nearest(k.Value, known); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		o.r.errorf(posOf(k), "%s; known fields: %s", msg, strings.Join(known, ", "))
	}
}

// vocab reads one vocabulary word (a focus, skill, domain...) at p.
func vocab[T ~string](r *reader, p Pos, s string, parse func(string) (T, error)) (T, bool) {
	v, err := parse(s)
	if err != nil {
		r.errorf(p, "%v", err)
		return v, false
	}
	return v, true
}

// vocabs reads a list of vocabulary words.
func vocabs[T ~string](o *object, key string, parse func(string) (T, error)) []T {
	ss, ps := o.strs(key)
	var out []T
	for i, s := range ss {
		if v, ok := vocab(o.r, ps[i], s, parse); ok {
			out = append(out, v)
		}
	}
	return out
}
