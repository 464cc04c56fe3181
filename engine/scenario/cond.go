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
}

type compiled struct {
	prog *vm.Program
	err  error
}

func newCompiler() *compiler { return &compiler{cache: map[string]compiled{}} }

const maxCondLen = 2000

func (c *compiler) compile(src string) (*vm.Program, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if got, ok := c.cache[src]; ok {
		return got.prog, got.err
	}
	var prog *vm.Program
	var err error
	if len(src) > maxCondLen {
		err = fmt.Errorf("condition is %d characters long; keep it under %d (split the logic across transitions)", len(src), maxCondLen)
	} else {
		prog, err = expr.Compile(src, expr.Env(Env{}), expr.AsBool(), expr.Optimize(false), expr.MaxNodes(500))
	}
	c.cache[src] = compiled{prog, err}
	return prog, err
}

// names are what a condition in one scenario may refer to by name.
type names struct {
	meters, strengths, beats, flags map[string]bool
}

// cond reads a condition from node v, compiles it and checks the names it
// uses. It returns nil after reporting the problem when it is not valid.
func (r *reader) cond(v *yaml.Node, what string, c *compiler, n *names) *Cond {
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
	prog, err := c.compile(src)
	if err != nil {
		p, msg := exprErrorPos(v, err)
		r.errorf(p, "%s: bad condition %q: %s", what, truncate(src, 80), msg)
		return nil
	}
	ok := true
	for _, pr := range checkNames(prog.Node(), n) {
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

type nameProblem struct {
	at  int
	msg string
}

// checkNames walks a condition and reports names that the scenario does
// not declare: meters, strengths, beats, flags, and vocabulary words
// compared with focus, skills and domains.
func checkNames(root ast.Node, n *names) []nameProblem {
	w := &nameWalker{n: n}
	ast.Walk(&root, w)
	return w.problems
}

type nameWalker struct {
	n        *names
	problems []nameProblem
}

func (w *nameWalker) report(node ast.Node, format string, args ...any) {
	w.problems = append(w.problems, nameProblem{node.Location().From, fmt.Sprintf(format, args...)})
}

func identName(n ast.Node) string {
	if id, ok := n.(*ast.IdentifierNode); ok {
		return id.Value
	}
	return ""
}

// strings returns the string literals of a node: one for "x", all of them
// for ["x", "y"].
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

func (w *nameWalker) Visit(node *ast.Node) {
	switch v := (*node).(type) {
	case *ast.MemberNode:
		if identName(v.Node) == "meters" {
			if s, ok := v.Property.(*ast.StringNode); ok && !w.n.meters[s.Value] {
				w.report(v.Property, "unknown meter %q%s; declared meters: %s", s.Value, suggest(s.Value, w.n.meters), keys(w.n.meters))
			}
		}
	case *ast.BinaryNode:
		switch v.Operator {
		case "in", "not in":
			w.checkWord(identName(v.Right), stringLits(v.Left), v.Left)
			if identName(v.Left) == "focus" {
				w.checkWord("focus", stringLits(v.Right), v.Right)
			}
		case "==", "!=":
			if identName(v.Left) == "focus" {
				w.checkWord("focus", stringLits(v.Right), v.Right)
			}
			if identName(v.Right) == "focus" {
				w.checkWord("focus", stringLits(v.Left), v.Left)
			}
		}
	}
}

func (w *nameWalker) checkWord(ident string, lits []*ast.StringNode, at ast.Node) {
	for _, s := range lits {
		var err error
		switch ident {
		case "focus":
			_, err = sbcm.ParseFocus(s.Value)
		case "skills":
			_, err = sbcm.ParseSkill(s.Value)
		case "domains":
			_, err = sbcm.ParseDomain(s.Value)
		case "revealed":
			if !w.n.strengths[s.Value] {
				err = fmt.Errorf("unknown strength %q%s; this scenario's strengths: %s", s.Value, suggest(s.Value, w.n.strengths), keys(w.n.strengths))
			}
		case "visited":
			if !w.n.beats[s.Value] {
				err = fmt.Errorf("unknown beat %q%s", s.Value, suggest(s.Value, w.n.beats))
			}
		case "flags":
			if !w.n.flags[s.Value] {
				err = fmt.Errorf("flag %q is never set by any transition%s; set it with `effects: {flags: [%s]}`", s.Value, suggest(s.Value, w.n.flags), s.Value)
			}
		}
		if err != nil {
			w.report(s, "%v", err)
		}
	}
}
