package scenario

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"oasis/engine/sbcm"
)

// Env is what a condition can see: the scored response and the run's state.
// Its expr tags are the names authors write.
type Env struct {
	// The scored response.
	Focus   string   `expr:"focus"`
	Skills  []string `expr:"skills"`
	Domains []string `expr:"domains"`
	// Option is the 1-based option chosen in beginner mode, 0 for free text.
	Option int `expr:"option"`

	// The run's state after the transition's effects.
	Meters   map[string]int `expr:"meters"`
	Revealed []string       `expr:"revealed"`
	Visited  []string       `expr:"visited"`
	Flags    []string       `expr:"flags"`
	// Turn counts the trainee's responses so far, this one included.
	Turn int `expr:"turn"`
	// MissedRisk counts the risk cues the trainee has not followed with a
	// safety response so far.
	MissedRisk int `expr:"missed_risk"`
}

// compiler compiles conditions, sharing programs between identical sources:
// authors repeat the same few conditions ("focus == 'deficit'") hundreds of
// times across a library, and the type check does not depend on the file.
type compiler struct {
	mu    sync.Mutex
	cache map[string]compiled
	// arena is the fast YAML parser's memory, reused file after file.
	arena *nodeArena
}

type compiled struct {
	prog *vm.Program
	err  error
	// refs are the names the condition uses, found once per source.
	refs []nameRef
}

func newCompiler() *compiler { return &compiler{cache: map[string]compiled{}, arena: &nodeArena{}} }

const maxCondLen = 2000

func (c *compiler) compile(src string) (*vm.Program, []nameRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if got, ok := c.cache[src]; ok {
		return got.prog, got.refs, got.err
	}
	var prog *vm.Program
	var err error
	if len(src) > maxCondLen {
		err = fmt.Errorf("condition is %d characters long; keep it under %d (split the logic across transitions)", len(src), maxCondLen)
	} else {
		prog, err = expr.Compile(src, expr.Env(Env{}), expr.AsBool(), expr.Optimize(false), expr.MaxNodes(500))
	}
	var refs []nameRef
	if err == nil {
		refs = findRefs(prog.Node())
	}
	c.cache[src] = compiled{prog, err, refs}
	return prog, refs, err
}

// names are what a condition in one scenario may refer to by name.
type names struct {
	meters, strengths, beats, flags map[string]bool
}

// cond reads a condition from node v, compiles it and checks the names it
// uses. It returns nil after reporting the problem when it is not valid.
func (r *reader) cond(v *yaml.Node, what label, c *compiler, n *names) *Cond {
	if v == nil {
		return nil
	}
	if v.Kind != yaml.ScalarNode {
		r.errorf(posOf(v), "%s: `when` must be an expression written as text, found %s", what, kindName(v))
		return nil
	}
	src := strings.TrimSpace(v.Value)
	if src == "" {
		r.errorf(posOf(v), "%s: `when` is empty; write a condition or remove `when` to make this the default", what)
		return nil
	}
	prog, refs, err := c.compile(src)
	if err != nil {
		p, msg := exprErrorPos(v, err)
		r.errorf(p, "%s: bad condition %q: %s", what, truncate(src, 80), msg)
		return nil
	}
	ok := true
	for _, pr := range checkRefs(refs, n) {
		r.errorf(exprPos(v, pr.at), "%s: %s", what, pr.msg)
		ok = false
	}
	if !ok {
		return nil
	}
	return &Cond{Source: src, Program: prog, Pos: posOf(v)}
}

// exprPos maps an offset inside an expression to a position in the file.
func exprPos(v *yaml.Node, offset int) Pos {
	p := posOf(v)
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		p.Col++
	}
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// A block scalar starts on the next line, indented.
		return Pos{Line: p.Line + 1, Col: p.Col + 2}
	}
	src := v.Value
	lead := len(src) - len(strings.TrimLeft(src, " \t\n"))
	offset += lead
	if offset > len(src) {
		offset = len(src)
	}
	before := []rune(src[:min(offset, len(src))])
	line, col := p.Line, p.Col
	for _, r := range before {
		if r == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	return Pos{Line: line, Col: col}
}

func exprErrorPos(v *yaml.Node, err error) (Pos, string) {
	var fe *file.Error
	if errors.As(err, &fe) {
		return exprPos(v, fe.From), fe.Message
	}
	return posOf(v), err.Error()
}

// nameRef is a name a condition uses: a meter (meters.x) or a word it
// compares with focus or looks for in skills, domains, revealed, visited
// or flags.
type nameRef struct {
	in    string // "meters", "focus", "skills", "domains", "revealed", "visited", "flags"
	value string
	at    int // offset in the source
}

// findRefs walks a compiled condition for the names it uses.
func findRefs(root ast.Node) []nameRef {
	w := &refWalker{}
	ast.Walk(&root, w)
	return w.refs
}

type refWalker struct{ refs []nameRef }

func identName(n ast.Node) string {
	if id, ok := n.(*ast.IdentifierNode); ok {
		return id.Value
	}
	return ""
}

// stringLits returns the string literals of a node: one for "x", all of
// them for ["x", "y"].
func stringLits(n ast.Node) []*ast.StringNode {
	switch v := n.(type) {
	case *ast.StringNode:
		return []*ast.StringNode{v}
	case *ast.ArrayNode:
		var out []*ast.StringNode
		for _, e := range v.Nodes {
			if s, ok := e.(*ast.StringNode); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (w *refWalker) add(in string, lits []*ast.StringNode) {
	for _, s := range lits {
		w.refs = append(w.refs, nameRef{in: in, value: s.Value, at: s.Location().From})
	}
}

func (w *refWalker) Visit(node *ast.Node) {
	switch v := (*node).(type) {
	case *ast.MemberNode:
		if identName(v.Node) == "meters" {
			if s, ok := v.Property.(*ast.StringNode); ok {
				w.refs = append(w.refs, nameRef{in: "meters", value: s.Value, at: v.Property.Location().From})
			}
		}
	case *ast.BinaryNode:
		switch v.Operator {
		case "in", "not in":
			if in := identName(v.Right); in != "" {
				w.add(in, stringLits(v.Left))
			}
			if identName(v.Left) == "focus" {
				w.add("focus", stringLits(v.Right))
			}
		case "==", "!=":
			if identName(v.Left) == "focus" {
				w.add("focus", stringLits(v.Right))
			}
			if identName(v.Right) == "focus" {
				w.add("focus", stringLits(v.Left))
			}
		}
	}
}

type nameProblem struct {
	at  int
	msg string
}

// checkRefs reports the names a condition uses that the scenario does not
// declare: meters, strengths, beats, flags, and vocabulary words compared
// with focus, skills and domains.
func checkRefs(refs []nameRef, n *names) []nameProblem {
	var out []nameProblem
	for _, r := range refs {
		var err error
		switch r.in {
		case "meters":
			if !n.meters[r.value] {
				err = fmt.Errorf("unknown meter %q%s; declared meters: %s", r.value, suggest(r.value, n.meters), keys(n.meters))
			}
		case "focus":
			_, err = sbcm.ParseFocus(r.value)
		case "skills":
			_, err = sbcm.ParseSkill(r.value)
		case "domains":
			_, err = sbcm.ParseDomain(r.value)
		case "revealed":
			if !n.strengths[r.value] {
				err = fmt.Errorf("unknown strength %q%s; this scenario's strengths: %s", r.value, suggest(r.value, n.strengths), keys(n.strengths))
			}
		case "visited":
			if !n.beats[r.value] {
				err = fmt.Errorf("unknown beat %q%s", r.value, suggest(r.value, n.beats))
			}
		case "flags":
			if !n.flags[r.value] {
				err = fmt.Errorf("flag %q is never set by any transition%s; set it with `effects: {flags: [%s]}`", r.value, suggest(r.value, n.flags), r.value)
			}
		}
		if err != nil {
			out = append(out, nameProblem{r.at, err.Error()})
		}
	}
	return out
}
