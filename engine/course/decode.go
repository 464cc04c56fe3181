package course

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
	"oasis/engine/scenario"
)

// reader turns yaml nodes into values, collecting every problem it meets
// instead of stopping at the first. It is the scenario loader's approach on
// a smaller scale: course files are few and small, so it favours plain code
// over the scenario reader's allocation-free tricks.
type reader struct {
	file string
	errs scenario.ErrorList
	// parts counts the mappings read. YAML aliases let a small file
	// stand for a huge one (a list of aliases to lists of aliases), so
	// past maxParts the reader stops, says why, and reads nothing more.
	parts int
	// suggested counts "did you mean" searches, which are costly; a
	// hostile file could ask for millions.
	suggested int
	// dropped counts the problems past maxErrors, which are not listed.
	dropped int
	// lessons holds the lessons rendered, by path, so a lesson named
	// twice (or through an alias, thousands of times) is rendered once.
	lessons map[string]Lesson
}

// maxErrors is the most problems listed for one file; nobody reads more,
// and a hostile file could produce millions.
const maxErrors = 500

// maxParts is far beyond any real course (the basic course has about 200
// modules, questions, options and practice requirements) and small enough
// to read in milliseconds.
const maxParts = 20000

// maxItems is the most items a list of ids (requires, renewal, outcome,
// rating) may have.
const maxItems = 1000

// full reports whether the reader has stopped reading.
func (r *reader) full() bool { return r.parts > maxParts }

func posOf(n *yaml.Node) scenario.Pos {
	if n == nil {
		return scenario.Pos{}
	}
	return scenario.Pos{Line: n.Line, Col: n.Column}
}

func (r *reader) errorf(p scenario.Pos, format string, args ...any) {
	if len(r.errs) >= maxErrors {
		r.dropped++
		return
	}
	r.errs = append(r.errs, &scenario.Error{File: r.file, Line: p.Line, Col: p.Column(), Msg: fmt.Sprintf(format, args...)})
}

// done returns the problems found, noting any left out.
func (r *reader) done() scenario.ErrorList {
	if r.dropped > 0 {
		r.errs = append(r.errs, &scenario.Error{File: r.file, Msg: fmt.Sprintf("%d more problems not shown; fix these first", r.dropped)})
		r.dropped = 0
	}
	return r.errs
}

// resolve follows aliases to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
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
	// Cut on a rune boundary so messages stay valid UTF-8.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// object reads the fields of one mapping and, on finish, reports the
// fields nobody asked for: that is how typos in field names are caught.
type object struct {
	r     *reader
	pos   scenario.Pos
	what  string     // names the part in messages: `module "risk" question 2`
	m     *yaml.Node // nil when absent or not a mapping
	used  []bool     // by pair index
	dup   []bool     // repeated keys, reported once and then ignored
	asked []string
}

func (r *reader) object(n *yaml.Node, what string) *object {
	o := &object{r: r, pos: posOf(n), what: what}
	n = resolve(n)
	if isNull(n) || r.full() {
		return o
	}
	if r.parts++; r.full() {
		r.errorf(posOf(n), "this file has more than %d parts (modules, questions, options, counting each use of an alias); split it into smaller courses", maxParts)
		return o
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(posOf(n), "%s must be a mapping of fields, found %s", what, kindName(n))
		return o
	}
	o.m = n
	o.used = make([]bool, len(n.Content)/2)
	o.dup = make([]bool, len(o.used))
	seen := map[string]int{}
	for i := range o.used {
		k := resolve(n.Content[2*i])
		if k == nil || k.Kind != yaml.ScalarNode {
			r.errorf(posOf(n.Content[2*i]), "%s: field names must be plain words", what)
			o.used[i] = true
			continue
		}
		if first, dup := seen[k.Value]; dup {
			r.errorf(posOf(k), "%s: field %q appears twice (first at line %d); keep one", what, truncate(k.Value, 40), first)
			o.used[i], o.dup[i] = true, true
			continue
		}
		seen[k.Value] = k.Line
	}
	return o
}

// field returns the key node and value of field key, or nils when
// absent. A null value is returned as nil with its key.
func (o *object) field(key string) (k, v *yaml.Node) {
	if !slices.Contains(o.asked, key) {
		o.asked = append(o.asked, key)
	}
	if o.m == nil {
		return nil, nil
	}
	for i := range o.used {
		kn := resolve(o.m.Content[2*i])
		if kn == nil || kn.Kind != yaml.ScalarNode || kn.Value != key {
			continue
		}
		if o.dup[i] {
			continue
		}
		o.used[i] = true
		v := resolve(o.m.Content[2*i+1])
		if isNull(v) {
			return kn, nil
		}
		return kn, v
	}
	return nil, nil
}

func (o *object) node(key string) *yaml.Node {
	_, v := o.field(key)
	return v
}

func (o *object) missing(key, hint string) {
	o.r.errorf(o.pos, "%s is missing required field %q%s", o.what, key, hint)
}

// str reads a scalar as text.
func (o *object) str(key string, required bool, hint string) (string, scenario.Pos) {
	v := o.node(key)
	if v == nil {
		if required {
			o.missing(key, hint)
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

func (o *object) id(key string, required bool) (string, scenario.Pos) {
	s, p := o.str(key, required, "")
	if s != "" && !scenario.ValidID(s) {
		o.r.errorf(p, "%s: %s %q is not a valid id: use lower-case letters, digits, '-' and '_' (at most 64)", o.what, key, truncate(s, 70))
		return "", p
	}
	return s, p
}

// integer reads a whole number; ok is false when absent or not a number.
func (o *object) integer(key string) (n int, p scenario.Pos, ok bool) {
	v := o.node(key)
	if v == nil {
		return 0, o.pos, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(v.Value, "+"))
	if v.Kind != yaml.ScalarNode || err != nil {
		o.r.errorf(posOf(v), "%s: %q must be a whole number, found %s", o.what, key, kindName(v))
		return 0, posOf(v), false
	}
	return n, posOf(v), true
}

// number reads a decimal number; ok is false when absent or not a number.
func (o *object) number(key string) (f float64, p scenario.Pos, ok bool) {
	v := o.node(key)
	if v == nil {
		return 0, o.pos, false
	}
	f, err := strconv.ParseFloat(v.Value, 64)
	if v.Kind != yaml.ScalarNode || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		o.r.errorf(posOf(v), "%s: %q must be a number, found %s", o.what, key, kindName(v))
		return 0, posOf(v), false
	}
	return f, posOf(v), true
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

// list returns the items of a sequence field (aliases resolved). A single
// scalar is accepted as a list of one when single is true, so authors can
// write `rating: good`.
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
		if n := resolve(it); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// strs reads a list of texts, with the position of each.
func (o *object) strs(key string) ([]string, []scenario.Pos) {
	items := o.list(key, true)
	if len(items) > maxItems {
		o.r.errorf(posOf(items[maxItems]), "%s: %q has %d items; at most %d are read", o.what, key, len(items), maxItems)
		items = items[:maxItems]
	}
	var out []string
	var pos []scenario.Pos
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
			o.r.errorf(posOf(it), "%s: every item of %q must be text, found %s", o.what, key, kindName(it))
			continue
		}
		out = append(out, it.Value)
		pos = append(pos, posOf(it))
	}
	return out, pos
}

// finish reports every field that was present but never asked for.
func (o *object) finish() {
	if o.m == nil {
		return
	}
	known := slices.Clone(o.asked)
	slices.Sort(known)
	for i, u := range o.used {
		if u {
			continue
		}
		k := resolve(o.m.Content[2*i])
		msg := fmt.Sprintf("%s: unknown field %q", o.what, truncate(k.Value, 40))
		msg += o.r.nearest(k.Value, known)
		o.r.errorf(posOf(k), "%s; known fields: %s", msg, strings.Join(known, ", "))
	}
}

// nearest formats a "did you mean" suffix for s among candidates, or "".
// Past a few hundred searches, or among thousands of candidates, it stops
// suggesting: the messages would be no use and the search is costly.
func (r *reader) nearest(s string, candidates []string) string {
	if r.suggested >= 200 || len(candidates) > 2000 {
		return ""
	}
	r.suggested++
	return didYouMean(s, candidates)
}

func didYouMean(s string, candidates []string) string {
	if near := sbcm.Nearest(s, candidates); near != "" {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	return ""
}

// listed joins names for a message, or says how many there are when
// there are too many to list.
func listed(names []string, what string) string {
	if len(names) > 20 {
		return fmt.Sprintf("%d %s", len(names), what)
	}
	return strings.Join(names, ", ")
}
