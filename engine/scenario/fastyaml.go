package scenario

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastParse parses the subset of YAML that scenario authors write (block
// mappings and sequences, plain and quoted one-line scalars, literal and
// folded block scalars, one-line flow collections, comments) straight into
// the yaml.Node tree yaml.v3 would build for it, several times faster. On
// anything outside that subset (anchors, tags, multi-line plain or flow
// scalars, tabs, a second document...) it gives up and returns ok=false,
// and the caller parses with yaml.v3, which also reports any error. A fuzz
// test checks that whenever it succeeds, yaml.v3 builds the same tree.
func fastParse(data []byte) (doc *yaml.Node, ok bool) {
	return (&nodeArena{}).parse(data)
}

// nodeArena holds the nodes of one parse so that a loader reading many
// files in turn reuses the same memory for each: the nodes are only needed
// until the file has been read into a Scenario. Memory comes in chunks
// that are kept for the next file.
type nodeArena struct {
	lines []fastLine
	nodes [][]yaml.Node
	ptrs  [][]*yaml.Node
	// next are the indexes of the next unused chunks.
	nextNodes, nextPtrs int
}

const arenaChunk = 1024

func (a *nodeArena) nodeChunk() []yaml.Node {
	if a.nextNodes == len(a.nodes) {
		a.nodes = append(a.nodes, make([]yaml.Node, arenaChunk))
	}
	c := a.nodes[a.nextNodes]
	clear(c)
	a.nextNodes++
	return c
}

func (a *nodeArena) ptrChunk(n int) []*yaml.Node {
	if n > arenaChunk {
		return make([]*yaml.Node, n) // rare: a huge mapping
	}
	if a.nextPtrs == len(a.ptrs) {
		a.ptrs = append(a.ptrs, make([]*yaml.Node, arenaChunk))
	}
	c := a.ptrs[a.nextPtrs]
	clear(c)
	a.nextPtrs++
	return c
}

// parse is fastParse with the arena's memory; nodes from an earlier call
// are overwritten.
func (a *nodeArena) parse(data []byte) (doc *yaml.Node, ok bool) {
	a.nextNodes, a.nextPtrs = 0, 0
	p := &fastParser{src: string(data), arena: a, lines: a.lines[:0]}
	defer func() { a.lines = p.lines[:0] }()
	if !p.split() {
		return nil, false
	}
	p.skipBlank()
	if p.i >= len(p.lines) {
		return nil, false
	}
	root, ok := p.block(-1)
	if !ok {
		return nil, false
	}
	p.skipBlank()
	if p.i != len(p.lines) {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}, true
}

type fastLine struct {
	num    int    // 1-based line number
	indent int    // leading spaces
	text   string // the line after its indentation
	blank  bool   // empty or only a comment
	full   string
	ascii  bool // columns are byte offsets
}

type fastParser struct {
	src   string
	lines []fastLine
	i     int
	slab  []yaml.Node
	// kids is a stack of children being collected; each collection
	// copies its own into an exact-size slice from ptrs when done.
	kids  []*yaml.Node
	ptrs  []*yaml.Node
	arena *nodeArena
}

// children returns the children collected since start as a slice of their
// own, and pops them.
func (p *fastParser) children(start int) []*yaml.Node {
	n := len(p.kids) - start
	if n == 0 {
		return nil
	}
	if len(p.ptrs) < n {
		p.ptrs = p.arena.ptrChunk(n)
	}
	out := p.ptrs[:n:n]
	p.ptrs = p.ptrs[n:]
	copy(out, p.kids[start:])
	clear(p.kids[start:])
	p.kids = p.kids[:start]
	return out
}

// node returns a zeroed node from a slab, so that a file's thousands of
// nodes cost a handful of allocations.
func (p *fastParser) node() *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = p.arena.nodeChunk()
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

func (p *fastParser) split() bool {
	s := p.src
	if strings.HasPrefix(s, "\ufeff") {
		return false
	}
	for n := 1; len(s) > 0; n++ {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		ascii := true
		for j := 0; j < len(line); j++ {
			c := line[j]
			if c < 0x20 || c == 0x7f {
				return false // tabs, CR and control characters: leave to yaml.v3
			}
			if c >= 0x80 {
				ascii = false
			}
		}
		if !ascii && !utf8.ValidString(line) {
			return false
		}
		ind := 0
		for ind < len(line) && line[ind] == ' ' {
			ind++
		}
		text := line[ind:]
		if text == "---" || strings.HasPrefix(text, "--- ") || text == "..." || (ind == 0 && strings.HasPrefix(text, "%")) {
			return false
		}
		if strings.HasPrefix(line, "---") || strings.HasPrefix(line, "...") {
			return false
		}
		p.lines = append(p.lines, fastLine{num: n, indent: ind, text: text, blank: text == "" || text[0] == '#', full: line, ascii: ascii})
	}
	return true
}

func (p *fastParser) skipBlank() {
	for p.i < len(p.lines) && p.lines[p.i].blank {
		p.i++
	}
}

// col returns the 1-based column, in characters, of byte offset off of a
// line.
func col(l *fastLine, off int) int {
	if l.ascii {
		return off + 1
	}
	return utf8.RuneCountInString(l.full[:off]) + 1
}

// block parses the block node starting at the current line, which must be
// indented more than parent.
func (p *fastParser) block(parent int) (*yaml.Node, bool) {
	p.skipBlank()
	if p.i >= len(p.lines) {
		return nil, false
	}
	l := &p.lines[p.i]
	if l.indent <= parent {
		return nil, false
	}
	if isSeqItem(l.text) {
		return p.sequence(l.indent)
	}
	return p.mapping(l.indent)
}

func isSeqItem(t string) bool { return t == "-" || strings.HasPrefix(t, "- ") }

// mapping parses a block mapping whose keys sit at column ind (0-based).
// The first line may be a virtual one inside a sequence item ("- key: v").
func (p *fastParser) mapping(ind int) (*yaml.Node, bool) {
	l := &p.lines[p.i]
	m := p.node()
	m.Kind, m.Tag, m.Line, m.Column = yaml.MappingNode, "!!map", l.num, col(l, ind)
	start := len(p.kids)
	first := true
	for {
		if !first {
			p.skipBlank()
			if p.i >= len(p.lines) {
				break
			}
			l = &p.lines[p.i]
			if l.indent < ind {
				break
			}
			if l.indent > ind || isSeqItem(l.text) {
				return nil, false
			}
		}
		text := l.full[ind:]
		first = false
		key, rest, ok := splitKey(text)
		if !ok {
			return nil, false
		}
		kn := p.node()
		kn.Kind, kn.Tag, kn.Value, kn.Line, kn.Column = yaml.ScalarNode, resolvePlain(key), key, l.num, col(l, ind)
		if kn.Tag != "!!str" {
			return nil, false
		}
		rest = strings.TrimLeft(rest, " ")
		valOff := ind + len(text) - len(rest)
		var v *yaml.Node
		if rest == "" || rest[0] == '#' {
			p.i++
			v, ok = p.valueBelow(ind, true)
		} else {
			v, ok = p.inline(rest, l, valOff, ind)
		}
		if !ok {
			return nil, false
		}
		p.kids = append(p.kids, kn, v)
	}
	m.Content = p.children(start)
	return m, true
}

// valueBelow parses the value of "key:" (or "-") written on the lines
// below: a deeper block, a sequence at the same indentation as a mapping
// key, or nothing (null).
func (p *fastParser) valueBelow(ind int, ofKey bool) (*yaml.Node, bool) {
	save := p.i
	p.skipBlank()
	if p.i < len(p.lines) {
		l := &p.lines[p.i]
		if l.indent > ind {
			return p.block(ind)
		}
		// Only a mapping key may have its sequence at its own indentation.
		if ofKey && l.indent == ind && isSeqItem(l.text) {
			return p.sequence(ind)
		}
	}
	p.i = save
	return nil, false // yaml.v3 places null values in ways not worth copying
}

// splitKey splits "key: rest" or "key:" into its key and the rest after the
// colon. Keys are plain words; anything fancier is left to yaml.v3.
func splitKey(t string) (key, rest string, ok bool) {
	if t == "" || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", t[0]) >= 0 {
		return "", "", false
	}
	for off := 0; ; {
		i := strings.IndexByte(t[off:], ':')
		if i < 0 {
			return "", "", false
		}
		i += off
		if i+1 == len(t) || t[i+1] == ' ' {
			key = strings.TrimRight(t[:i], " ")
			if key == "" || strings.Contains(key, " #") {
				return "", "", false
			}
			return key, t[i+1:], true
		}
		off = i + 1
	}
}

// sequence parses a block sequence whose dashes sit at column ind.
func (p *fastParser) sequence(ind int) (*yaml.Node, bool) {
	l := &p.lines[p.i]
	s := p.node()
	s.Kind, s.Tag, s.Line, s.Column = yaml.SequenceNode, "!!seq", l.num, col(l, ind)
	start := len(p.kids)
	for {
		p.skipBlank()
		if p.i >= len(p.lines) {
			break
		}
		l = &p.lines[p.i]
		if l.indent < ind || (l.indent == ind && !isSeqItem(l.text)) {
			break
		}
		if l.indent > ind {
			return nil, false
		}
		rest := strings.TrimPrefix(l.text, "-")
		trimmed := strings.TrimLeft(rest, " ")
		off := ind + 1 + len(rest) - len(trimmed)
		var item *yaml.Node
		var ok bool
		switch {
		case trimmed == "" || trimmed[0] == '#':
			p.i++
			item, ok = p.valueBelow(ind, false)
		case isSeqItem(trimmed):
			return nil, false
		default:
			if _, _, isKey := splitKey(trimmed); isKey {
				item, ok = p.mapping(off)
			} else {
				item, ok = p.inline(trimmed, l, off, ind)
			}
		}
		if !ok {
			return nil, false
		}
		p.kids = append(p.kids, item)
	}
	s.Content = p.children(start)
	return s, true
}

// inline parses a value written on the same line as its key or dash, at
// byte offset off; parent is the indentation its continuation lines would
// need to exceed. It consumes the line (and a block scalar's lines).
func (p *fastParser) inline(v string, l *fastLine, off, parent int) (*yaml.Node, bool) {
	switch v[0] {
	case '|', '>':
		return p.blockScalar(v, l, off, parent)
	case '[', '{':
		n, rest, ok := p.flow(v, l, off)
		if !ok || !onlyComment(rest) {
			return nil, false
		}
		p.i++
		return n, true
	case '"', '\'':
		n, rest, ok := p.quoted(v, l, off)
		if !ok || !onlyComment(rest) {
			return nil, false
		}
		p.i++
		return n, p.noContinuation(parent)
	case '&', '*', '!', '%', '@', '`', '?', ',', ']', '}', '#':
		return nil, false
	}
	val := v
	if i := strings.Index(v, " #"); i >= 0 {
		val = v[:i]
	}
	val = strings.TrimRight(val, " ")
	if strings.Contains(val, ": ") || strings.HasSuffix(val, ":") || (val[0] == '-' && (len(val) == 1 || val[1] == ' ')) {
		return nil, false
	}
	n := p.node()
	n.Kind, n.Tag, n.Value, n.Line, n.Column = yaml.ScalarNode, resolvePlain(val), val, l.num, col(l, off)
	if n.Tag == "?" {
		return nil, false
	}
	p.i++
	return n, p.noContinuation(parent)
}

// noContinuation reports that no line below continues a one-line scalar:
// a more-indented line would make it a multi-line scalar, which yaml.v3
// folds (or rejects) by rules not copied here.
func (p *fastParser) noContinuation(parent int) bool {
	j := p.i
	for j < len(p.lines) && p.lines[j].blank {
		if p.lines[j].text != "" && p.lines[j].indent > parent {
			return false // a comment line that yaml.v3 might read otherwise
		}
		j++
	}
	return j >= len(p.lines) || p.lines[j].indent <= parent
}

func onlyComment(rest string) bool {
	rest = strings.TrimLeft(rest, " ")
	return rest == "" || rest[0] == '#'
}

// blockScalar parses a literal (|) or folded (>) scalar.
func (p *fastParser) blockScalar(header string, l *fastLine, off, parent int) (*yaml.Node, bool) {
	h := header
	if i := strings.Index(h, " #"); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimRight(h, " ")
	style := yaml.LiteralStyle
	if h[0] == '>' {
		style = yaml.FoldedStyle
	}
	chomp := byte(0)
	switch h[1:] {
	case "":
	case "-", "+":
		chomp = h[1]
	default:
		return nil, false
	}
	n := p.node()
	n.Kind, n.Tag, n.Style, n.Line, n.Column = yaml.ScalarNode, "!!str", style, l.num, col(l, off)
	p.i++
	// The block's indentation is that of its first non-empty line.
	ind := -1
	var body []string
	j := p.i
	for ; j < len(p.lines); j++ {
		bl := &p.lines[j]
		if bl.text == "" {
			if ind >= 0 || bl.indent <= parent {
				body = append(body, "")
				continue
			}
			if bl.indent > 0 {
				return nil, false // leading blank lines with spaces: yaml.v3 has rules for these
			}
			body = append(body, "")
			continue
		}
		if ind < 0 {
			if bl.indent <= parent {
				break
			}
			ind = bl.indent
		}
		if bl.indent < ind {
			break
		}
		if style == yaml.FoldedStyle && bl.indent > ind {
			return nil, false
		}
		body = append(body, bl.full[ind:])
	}
	if ind < 0 || (j == len(p.lines) && !strings.HasSuffix(p.src, "\n")) {
		// A block that runs to the end of a file without a final line
		// break is chomped by rules not copied here.
		return nil, false
	}
	// Trailing empty lines belong to the chomping, not the content; a
	// trailing comment-looking line inside the block was content.
	end := len(body)
	for end > 0 && body[end-1] == "" {
		end--
	}
	trailing := len(body) - end
	content := body[:end]
	// The lines consumed: everything up to the last content line, plus
	// the trailing blank lines (which cannot start another node).
	p.i = j
	var b strings.Builder
	if style == yaml.LiteralStyle {
		for i, c := range content {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(c)
		}
	} else {
		for i, c := range content {
			if i > 0 {
				if c == "" || content[i-1] == "" {
					b.WriteByte('\n')
				} else {
					b.WriteByte(' ')
				}
			}
			if c != "" {
				b.WriteString(c)
			}
		}
		// Runs of empty lines: each empty line is one newline, and the
		// break before the next text is folded into them.
		folded := foldEmpty(content)
		b.Reset()
		b.WriteString(folded)
	}
	if len(content) > 0 {
		switch chomp {
		case 0:
			b.WriteByte('\n')
		case '+':
			b.WriteString(strings.Repeat("\n", trailing+1))
		}
	} else if chomp == '+' {
		b.WriteString(strings.Repeat("\n", trailing))
	}
	n.Value = b.String()
	return n, true
}

// foldEmpty folds the lines of a folded scalar: lines are joined with a
// space, and each empty line between them stands for one newline.
func foldEmpty(lines []string) string {
	var b strings.Builder
	empties := 0
	started := false
	for _, c := range lines {
		if c == "" {
			empties++
			continue
		}
		if started {
			if empties == 0 {
				b.WriteByte(' ')
			} else {
				b.WriteString(strings.Repeat("\n", empties))
			}
		} else {
			b.WriteString(strings.Repeat("\n", empties))
		}
		empties = 0
		started = true
		b.WriteString(c)
	}
	return b.String()
}

// quoted parses a one-line quoted scalar at the start of s.
func (p *fastParser) quoted(s string, l *fastLine, off int) (*yaml.Node, string, bool) {
	q := s[0]
	n := p.node()
	n.Kind, n.Tag, n.Line, n.Column = yaml.ScalarNode, "!!str", l.num, col(l, off)
	// Without escapes the value is a piece of the source: no copy.
	if end := strings.IndexByte(s[1:], q); end >= 0 && !strings.ContainsRune(s[1:1+end], '\\') && (q == '"' || !strings.HasPrefix(s[2+end:], "'")) {
		n.Value = s[1 : 1+end]
		n.Style = yaml.DoubleQuotedStyle
		if q == '\'' {
			n.Style = yaml.SingleQuotedStyle
		}
		return n, s[2+end:], true
	}
	var b strings.Builder
	i := 1
	if q == '\'' {
		n.Style = yaml.SingleQuotedStyle
		for i < len(s) {
			c := s[i]
			if c == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				n.Value = b.String()
				return n, s[i+1:], true
			}
			b.WriteByte(c)
			i++
		}
		return nil, "", false
	}
	n.Style = yaml.DoubleQuotedStyle
	for i < len(s) {
		c := s[i]
		switch c {
		case '"':
			n.Value = b.String()
			return n, s[i+1:], true
		case '\\':
			if i+1 >= len(s) {
				return nil, "", false
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if i+6 > len(s) {
					return nil, "", false
				}
				r, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
				if err != nil || (r >= 0xd800 && r < 0xe000) {
					return nil, "", false
				}
				b.WriteRune(rune(r))
				i += 4
			default:
				return nil, "", false
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return nil, "", false
}

// flow parses a one-line flow collection at the start of s and returns
// the text after it.
func (p *fastParser) flow(s string, l *fastLine, off int) (*yaml.Node, string, bool) {
	open := s[0]
	n := p.node()
	n.Style, n.Line, n.Column = yaml.FlowStyle, l.num, col(l, off)
	closer := byte(']')
	if open == '[' {
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
	} else {
		n.Kind, n.Tag, closer = yaml.MappingNode, "!!map", '}'
	}
	i := 1
	skip := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	skip()
	if i < len(s) && s[i] == closer {
		return n, s[i+1:], true
	}
	start := len(p.kids)
	defer func() { n.Content = p.children(start) }()
	for {
		skip()
		if i >= len(s) {
			return nil, "", false
		}
		item, used, ok := p.flowItem(s[i:], l, off+i, open == '{')
		if !ok {
			return nil, "", false
		}
		i += used
		if open == '{' {
			skip()
			if i >= len(s) || s[i] != ':' {
				return nil, "", false
			}
			i++
			if i < len(s) && s[i] != ' ' {
				return nil, "", false
			}
			skip()
			val, used, ok := p.flowItem(s[i:], l, off+i, false)
			if !ok {
				return nil, "", false
			}
			i += used
			p.kids = append(p.kids, item, val)
		} else {
			p.kids = append(p.kids, item)
		}
		skip()
		if i >= len(s) {
			return nil, "", false
		}
		switch s[i] {
		case ',':
			i++
			skip()
			if i < len(s) && s[i] == closer {
				return nil, "", false // a trailing comma: leave to yaml.v3
			}
		case closer:
			return n, s[i+1:], true
		default:
			return nil, "", false
		}
	}
}

// flowItem parses one scalar or nested collection inside a flow
// collection; asKey stops a plain scalar at ':'.
func (p *fastParser) flowItem(s string, l *fastLine, off int, asKey bool) (*yaml.Node, int, bool) {
	switch s[0] {
	case '[', '{':
		n, rest, ok := p.flow(s, l, off)
		return n, len(s) - len(rest), ok
	case '"', '\'':
		n, rest, ok := p.quoted(s, l, off)
		return n, len(s) - len(rest), ok
	case '&', '*', '!', '%', '@', '`', '?', ',', ']', '}', '#', '|', '>', ':', '-':
		if s[0] != '-' || len(s) < 2 || s[1] < '0' || s[1] > '9' {
			return nil, 0, false
		}
	}
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' {
			break
		}
		if c == ':' && (asKey || i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == ',' || s[i+1] == ']' || s[i+1] == '}') {
			if !asKey {
				return nil, 0, false
			}
			break
		}
		i++
	}
	val := strings.TrimRight(s[:i], " ")
	if val == "" || (i < len(s) && s[i] == '#') {
		return nil, 0, false
	}
	tag := resolvePlain(val)
	if tag == "?" {
		return nil, 0, false
	}
	n := p.node()
	n.Kind, n.Tag, n.Value, n.Line, n.Column = yaml.ScalarNode, tag, val, l.num, col(l, off)
	return n, i, true
}

// resolvePlain gives a plain scalar the tag yaml.v3 would resolve it to.
// Values it is unsure about get a tag that makes the caller fall back.
func resolvePlain(v string) string {
	switch v {
	case "", "~", "null", "Null", "NULL":
		return "!!null"
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool"
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
		return "!!float"
	}
	c := v[0]
	if c != '+' && c != '-' && c != '.' && (c < '0' || c > '9') {
		if c == '<' && v == "<<" {
			return "?"
		}
		return "!!str"
	}
	digits := strings.TrimLeft(v, "+-")
	allDigits := digits != ""
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			allDigits = false
			break
		}
	}
	if allDigits && len(v)-len(digits) <= 1 {
		if len(digits) > 1 && digits[0] == '0' {
			return "?" // octal in YAML 1.1 eyes
		}
		return "!!int"
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "xXpP_iInN") {
		return "!!float"
	}
	// Anything with a letter other than those of hex, octal, binary or
	// exponents, or a space, cannot be a number or a timestamp.
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9', c == '.', c == '+', c == '-', c == '_', c == ':':
		case strings.IndexByte("xXoObBeEaAcCdDfFtTzZ", c) >= 0:
		default:
			return "!!str"
		}
	}
	return "?" // hex, octal, binary, sexagesimal, timestamps: left to yaml.v3
}
