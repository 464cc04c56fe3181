package scenario

import (
	"fmt"
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

// label names a part of a scenario in messages (`beat "opening"
// transition 2`). It is formatted only when a message is written: a large
// library has hundreds of thousands of parts and almost no messages. It is
// a value of fixed size, so building one allocates nothing.
type label struct {
	parts [3]labelPart
	depth int
}

type labelPart struct {
	kind string
	id   string
	n    int
}

func newLabel(kind, id string, n int) label {
	return label{parts: [3]labelPart{{kind, id, n}}, depth: 1}
}

// withID names the innermost part by its id.
func (l *label) withID(id string) { l.parts[l.depth-1].id = id }

func (l label) String() string {
	var b strings.Builder
	for i := 0; i < l.depth; i++ {
		p := l.parts[i]
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.kind)
		switch {
		case p.id != "":
			fmt.Fprintf(&b, " %q", p.id)
		case p.n > 0:
			fmt.Fprintf(&b, " %d", p.n)
		}
	}
	return b.String()
}

// under returns a label for a part of l.
func (l label) under(kind string, n int) label {
	if l.depth < len(l.parts) {
		l.parts[l.depth] = labelPart{kind: kind, n: n}
		l.depth++
	} else {
		l.parts[len(l.parts)-1].kind += " " + kind
	}
	return l
}

// object reads the fields of one YAML mapping and, on finish, reports the
// fields nobody asked for: that is how typos in field names are caught.
// It reads the mapping node in place, without copying its fields, because
// a large library has hundreds of thousands of them.
type object struct {
	r    *reader
	pos  Pos
	what label
	m    *yaml.Node // the mapping; nil when absent or not a mapping
	// used marks fields asked for and present, by pair index.
	used  uint64
	usedX []bool // for mappings of more than 64 fields
	// dup marks repeated keys, reported once and then ignored.
	dup []int
	// asked lists the field names asked for, for "known fields" messages.
	asked  [24]string
	nAsked int
}

func (r *reader) object(n *yaml.Node, what label) object {
	o := object{r: r, pos: posOf(n), what: what}
	n = resolve(n)
	if n == nil {
		return o
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(posOf(n), "%s must be a mapping of fields, found %s", what, kindName(n))
		return o
	}
	o.m = n
	pairs := len(n.Content) / 2
	if pairs > 64 {
		o.usedX = make([]bool, pairs)
	}
	for i := 0; i < pairs; i++ {
		k := resolve(n.Content[2*i])
		if k == nil || k.Kind != yaml.ScalarNode {
			r.errorf(posOf(n.Content[2*i]), "%s: field names must be plain words", what)
			o.markUsed(i) // reported already
			continue
		}
		for j := 0; j < i; j++ {
			if pk := resolve(n.Content[2*j]); pk != nil && pk.Kind == yaml.ScalarNode && pk.Value == k.Value {
				r.errorf(posOf(k), "%s: field %q appears twice (first at line %d); keep one", what, k.Value, pk.Line)
				o.markUsed(i)
				o.dup = append(o.dup, i)
				break
			}
		}
	}
	return o
}

func (o *object) markUsed(i int) {
	if o.usedX != nil {
		o.usedX[i] = true
	} else {
		o.used |= 1 << uint(i)
	}
}

func (o *object) isUsed(i int) bool {
	if o.usedX != nil {
		return o.usedX[i]
	}
	return o.used&(1<<uint(i)) != 0
}

// keys returns the key nodes of the mapping, in order.
func (o *object) keyAt(i int) *yaml.Node { return resolve(o.m.Content[2*i]) }

func (o *object) pairs() int {
	if o.m == nil {
		return 0
	}
	return len(o.m.Content) / 2
}

// node returns the raw value of key, or nil when absent or null.
func (o *object) node(key string) *yaml.Node {
	if o.nAsked < len(o.asked) {
		o.asked[o.nAsked] = key
		o.nAsked++
	}
	for i := 0; i < o.pairs(); i++ {
		k := o.keyAt(i)
		if k == nil || k.Kind != yaml.ScalarNode || k.Value != key || o.isUsedDup(i) {
			continue
		}
		o.markUsed(i)
		v := resolve(o.m.Content[2*i+1])
		if v == nil || v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return nil
		}
		return v
	}
	return nil
}

// isUsedDup reports a repeated key, which is never read.
func (o *object) isUsedDup(i int) bool { return slices.Contains(o.dup, i) }

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

// ValidID reports whether s is an id: lower-case letters, digits, '-' and
// '_', starting with a letter or digit, at most 64 characters. Scenarios,
// their parts and courses all follow it.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// id reads an identifier: lower-case letters, digits, '-' and '_'.
func (o *object) id(key string, required bool) (string, Pos) {
	s, p := o.str(key, required)
	if s != "" && !ValidID(s) {
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
	for i, it := range v.Content {
		if it.Kind == yaml.AliasNode {
			// Copy only when aliases need resolving.
			out := make([]*yaml.Node, len(v.Content))
			copy(out, v.Content[:i])
			for j := i; j < len(v.Content); j++ {
				out[j] = resolve(v.Content[j])
			}
			return out
		}
	}
	return v.Content
}

// strs reads a list of texts, and returns the nodes they came from (for
// messages about them), aligned with the texts.
func (o *object) strs(key string) ([]string, []*yaml.Node) {
	items := o.list(key, true)
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(items))
	var nodes []*yaml.Node // nil while it would equal items
	for i, it := range items {
		if it == nil || it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
			o.r.errorf(posOf(it), "%s: every item of %q must be text", o.what, key)
			if nodes == nil {
				nodes = append(make([]*yaml.Node, 0, len(items)), items[:i]...)
			}
			continue
		}
		out = append(out, it.Value)
		if nodes != nil {
			nodes = append(nodes, it)
		}
	}
	if nodes == nil {
		nodes = items
	}
	return out, nodes
}

// finish reports every field that was present but never asked for.
func (o *object) finish() {
	for i := 0; i < o.pairs(); i++ {
		if o.isUsed(i) {
			continue
		}
		k := o.keyAt(i)
		known := slices.Clone(o.asked[:o.nAsked])
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
	ss, ns := o.strs(key)
	if len(ss) == 0 {
		return nil
	}
	out := make([]T, 0, len(ss))
	for i, s := range ss {
		if v, ok := vocab(o.r, posOf(ns[i]), s, parse); ok {
			out = append(out, v)
		}
	}
	return out
}
