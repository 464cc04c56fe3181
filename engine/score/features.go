package score

import "strings"

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// hashName is the hash of a feature's full name; features are emitted in
// parts and hashed without building the name.
func hashName(name string) uint64 { return hashMore(fnvOffset, name) }

// feat is one feature of an utterance, with the tokens it came from (from
// = -1 for features that do not point at text).
type feat struct {
	h        uint64
	from, to int32
}

// analysis is the working memory of one scoring call, reused through a pool
// so that scoring does not allocate per token.
type analysis struct {
	toks     []token
	clauses  []clause
	matches  []match
	buf      []byte
	feats    []feat
	ctxToks  []token
	ctxCl    []clause
	ctxMatch []match
	// names collects feature names when training.
	names []string
	// nUtt is how many of feats describe the whole utterance; the rest
	// describe its statements, one range each, for the clause model.
	nUtt         int
	clauseRanges [][2]int
	// hashes is scratch space for deduplicating features.
	hashes []uint64
	// ctxOverlap counts the utterance's content words found in the context.
	ctxOverlap int
	// scores are the model's raw outputs.
	scores [nOut]float64
}

func (a *analysis) reset() {
	a.toks, a.clauses, a.matches, a.feats = a.toks[:0], a.clauses[:0], a.matches[:0], a.feats[:0]
	a.ctxToks, a.ctxCl, a.ctxMatch = a.ctxToks[:0], a.ctxCl[:0], a.ctxMatch[:0]
	a.names = a.names[:0]
	a.ctxOverlap = 0
	a.nUtt = 0
	a.clauseRanges = a.clauseRanges[:0]
}

// emit adds the feature named by the concatenation of parts.
func (a *analysis) emit(from, to int, training bool, parts ...string) {
	h := uint64(fnvOffset)
	for _, p := range parts {
		h = hashMore(h, p)
	}
	a.feats = append(a.feats, feat{h: h, from: int32(from), to: int32(to)})
	if training {
		a.names = append(a.names, strings.Join(parts, ""))
	}
}

var lenBuckets = [...]string{"0", "1", "2", "3", "4", "5", "6"}

func lengthBucket(n int) string {
	switch {
	case n <= 1:
		return lenBuckets[1]
	case n <= 3:
		return lenBuckets[2]
	case n <= 7:
		return lenBuckets[3]
	case n <= 15:
		return lenBuckets[4]
	case n <= 30:
		return lenBuckets[5]
	}
	return lenBuckets[6]
}

var smallInts = [...]string{"0", "1", "2", "3"}

// stopContext are words too common to count as the utterance taking up
// what the client said.
var stopContext = map[string]bool{"the": true, "a": true, "an": true, "and": true, "or": true, "but": true, "to": true, "of": true, "in": true, "on": true, "at": true, "for": true, "it": true, "is": true, "are": true, "was": true, "be": true, "i": true, "you": true, "me": true, "my": true, "your": true, "that": true, "this": true, "what": true, "do": true, "not": true, "so": true, "with": true, "just": true, "have": true, "like": true, "all": true, "about": true, "if": true, "can": true, "will": true, "would": true, "am": true, "he": true, "she": true, "they": true, "we": true, "there": true, "get": true, "know": true, "did": true, "how": true}

// features turns an analysed utterance (and its context) into a.feats:
// first the utterance's, then each statement's for the clause model.
func (lx *Lexicon) features(a *analysis, hasContext, training bool) {
	lx.utteranceFeatures(a, hasContext, training)
	a.nUtt = len(a.feats)
	for ci := range a.clauses {
		if a.clauses[ci].question {
			continue
		}
		start := len(a.feats)
		lx.clauseFeatures(a, ci, hasContext, training)
		a.clauseRanges = append(a.clauseRanges, [2]int{start, len(a.feats)})
	}
}

// clauseFeatures describes one statement: its words, how it starts, the
// lexicon's families in it, who it is about, where it sits, and how much
// of the client's line it takes up. Names start with "r:".
func (lx *Lexicon) clauseFeatures(a *analysis, ci int, hasContext, training bool) {
	toks, c := a.toks, a.clauses[ci]
	a.emit(-1, -1, training, "r:bias")
	words, you, me, items, overlap := 0, 0, 0, 0, 0
	prev := -1
	first, second := -1, -1
	for k := c.from; k < c.to; k++ {
		t := &toks[k]
		if t.punct {
			if t.text == "," || t.text == ";" {
				items++
			}
			prev = -1
			continue
		}
		words++
		if first < 0 {
			first = k
		} else if second < 0 {
			second = k
		}
		switch t.text {
		case "you", "your", "yourself":
			you++
		case "i", "me", "my", "we", "us", "our":
			me++
		case "and":
			items++
		}
		neg := ""
		if t.neg {
			neg = "!"
		}
		a.emit(k, k+1, training, "r:w:", neg, t.text)
		if prev >= 0 {
			a.emit(prev, k+1, training, "r:b:", neg, toks[prev].text, " ", t.text)
		}
		prev = k
		if hasContext && !stopContext[t.text] && len(t.text) >= 3 {
			for _, x := range a.ctxToks {
				if x.text == t.text {
					overlap++
					break
				}
			}
		}
	}
	if first >= 0 {
		a.emit(first, first+1, training, "r:start:", toks[first].text)
		if second >= 0 {
			a.emit(first, second+1, training, "r:start2:", toks[first].text, " ", toks[second].text)
		}
	}
	a.emit(-1, -1, training, "r:len:", lengthBucket(words))
	a.emit(-1, -1, training, "r:items:", smallInts[min(items, 3)])
	switch {
	case you > 0 && me == 0:
		a.emit(-1, -1, training, "r:who:you")
	case me > 0 && you == 0:
		a.emit(-1, -1, training, "r:who:me")
	case me > 0:
		a.emit(-1, -1, training, "r:who:both")
	default:
		a.emit(-1, -1, training, "r:who:other")
	}
	switch {
	case len(a.clauses) == 1:
		a.emit(-1, -1, training, "r:pos:only")
	case ci == 0:
		a.emit(-1, -1, training, "r:pos:first")
	case ci == len(a.clauses)-1:
		a.emit(-1, -1, training, "r:pos:last")
	default:
		a.emit(-1, -1, training, "r:pos:mid")
	}
	if ci+1 < len(a.clauses) && a.clauses[ci+1].question {
		a.emit(-1, -1, training, "r:nextq")
	}
	if hasContext {
		a.emit(-1, -1, training, "r:ov:", smallInts[min(overlap, 3)])
	} else {
		a.emit(-1, -1, training, "r:ctx:none")
	}
	for _, m := range a.matches {
		if m.clause != ci {
			continue
		}
		if m.neg {
			a.emit(m.from, m.to, training, "r:fam!:", lx.Families[m.family].Name)
		} else {
			a.emit(m.from, m.to, training, "r:fam:", lx.Families[m.family].Name)
		}
	}
}

// utteranceFeatures describes the utterance as a whole.
func (lx *Lexicon) utteranceFeatures(a *analysis, hasContext, training bool) {
	toks, clauses := a.toks, a.clauses
	a.emit(-1, -1, training, "bias")
	words := 0
	questions := 0
	for _, t := range toks {
		if !t.punct {
			words++
		} else if t.text == "?" {
			questions++
		}
	}
	a.emit(-1, -1, training, "len:", lengthBucket(words))
	a.emit(-1, -1, training, "nq:", smallInts[min(questions, 3)])
	a.emit(-1, -1, training, "ncl:", smallInts[min(len(clauses), 3)])
	nq, ns := 0, 0
	for _, c := range clauses {
		if c.question {
			nq++
		} else {
			ns++
		}
	}
	a.emit(-1, -1, training, "shape:", smallInts[min(ns, 3)], "s", smallInts[min(nq, 3)], "q")
	last := -1
	if len(clauses) > 0 {
		last = len(clauses) - 1
	}
	// Words and pairs of words, marked when negated and repeated for the
	// final clause, which the guide says decides the focus.
	prev := -1
	for i := range toks {
		t := &toks[i]
		if t.punct {
			prev = -1
			continue
		}
		neg := ""
		if t.neg {
			neg = "!"
		}
		a.emit(i, i+1, training, "w:", neg, t.text)
		final := t.clause == last
		if final {
			a.emit(i, i+1, training, "L:w:", neg, t.text)
		}
		if prev >= 0 && toks[prev].clause == t.clause {
			bneg := neg
			if toks[prev].neg {
				bneg = "!"
			}
			a.emit(prev, i+1, training, "b:", bneg, toks[prev].text, " ", t.text)
			if final {
				a.emit(prev, i+1, training, "L:b:", bneg, toks[prev].text, " ", t.text)
			}
		}
		prev = i
	}
	if len(toks) > 0 {
		a.emit(-1, -1, training, "f0:", toks[0].text)
	}
	for ci, c := range clauses {
		first, second := -1, -1
		for k := c.from; k < c.to; k++ {
			if !toks[k].punct {
				if first < 0 {
					first = k
				} else {
					second = k
					break
				}
			}
		}
		if first < 0 {
			continue
		}
		pre := "c:"
		if ci == last {
			pre = "L:"
		}
		a.emit(first, first+1, training, pre, "start:", toks[first].text)
		if second >= 0 {
			a.emit(first, second+1, training, pre, "start2:", toks[first].text, " ", toks[second].text)
		}
		if c.question {
			a.emit(-1, -1, training, pre, "q")
			a.emit(first, first+1, training, pre, "qstart:", toks[first].text)
			continue
		}
		a.emit(-1, -1, training, pre, "stmt")
		// Who a statement is about: the person ("you", "your"), the
		// worker ("i", "we", "my") or something else. Statements about
		// the person are the raw material of reflections, affirmations
		// and summaries.
		you, me := 0, 0
		for k := c.from; k < c.to; k++ {
			switch toks[k].text {
			case "you", "your", "yourself", "you're":
				you++
			case "i", "me", "my", "we", "us", "our":
				me++
			}
		}
		switch {
		case you > 0 && me == 0:
			a.emit(-1, -1, training, pre, "stmt:you")
		case me > 0 && you == 0:
			a.emit(-1, -1, training, pre, "stmt:me")
		case me > 0:
			a.emit(-1, -1, training, pre, "stmt:both")
		default:
			a.emit(-1, -1, training, pre, "stmt:other")
		}
		items := 0
		for k := c.from; k < c.to; k++ {
			if toks[k].text == "," || toks[k].text == "and" || toks[k].text == ";" {
				items++
			}
		}
		a.emit(-1, -1, training, pre, "stmt:items:", smallInts[min(items, 3)])
		if toks[first].text == "you" || toks[first].text == "your" || (toks[first].text == "so" && second >= 0 && (toks[second].text == "you" || toks[second].text == "your")) {
			a.emit(first, first+1, training, pre, "stmt:youstart")
		}
	}
	// Lexicon families: once each, marked when negated, and again when
	// found in the final clause or a question.
	var seen [128]uint8
	for _, m := range a.matches {
		if m.family >= len(seen) {
			continue
		}
		f := lx.Families[m.family].Name
		bit := uint8(1)
		if m.neg {
			bit = 2
		}
		if seen[m.family]&bit == 0 {
			seen[m.family] |= bit
			if m.neg {
				a.emit(m.from, m.to, training, "fam!:", f)
			} else {
				a.emit(m.from, m.to, training, "fam:", f)
			}
		}
		if !m.neg && m.clause == last && seen[m.family]&4 == 0 {
			seen[m.family] |= 4
			a.emit(m.from, m.to, training, "Lfam:", f)
		}
		if !m.neg && m.clause < len(clauses) {
			if clauses[m.clause].question && seen[m.family]&8 == 0 {
				seen[m.family] |= 8
				a.emit(m.from, m.to, training, "qfam:", f)
			}
			if !clauses[m.clause].question && seen[m.family]&16 == 0 {
				seen[m.family] |= 16
				a.emit(m.from, m.to, training, "sfam:", f)
			}
		}
	}
	if !hasContext {
		a.emit(-1, -1, training, "ctx:none")
		return
	}
	// How much of the client's line the utterance takes up: reflections
	// mirror the client's words, a change of subject does not.
	overlap := 0
	for _, t := range toks {
		if t.punct || stopContext[t.text] || len(t.text) < 3 {
			continue
		}
		for _, c := range a.ctxToks {
			if c.text == t.text {
				overlap++
				break
			}
		}
	}
	a.ctxOverlap = overlap
	// The client's own words, so the model learns which of them carry risk
	// (the lexicon names only some): alone, and when the utterance takes
	// the client's line up.
	for i, c := range a.ctxToks {
		if c.punct || stopContext[c.text] || len(c.text) < 3 || c.neg {
			continue
		}
		dup := false
		for _, p := range a.ctxToks[:i] {
			dup = dup || p.text == c.text
		}
		if dup {
			continue
		}
		a.emit(-1, -1, training, "c:w:", c.text)
		if overlap > 0 {
			a.emit(-1, -1, training, "c:wt:", c.text)
		}
	}
	ov := smallInts[min(overlap, 3)]
	a.emit(-1, -1, training, "ctx:overlap:", ov)
	if last >= 0 {
		if clauses[last].question {
			a.emit(-1, -1, training, "ctx:overlap&q:", ov)
		} else {
			a.emit(-1, -1, training, "ctx:overlap&stmt:", ov)
		}
	}
	// What kind of risk the client's line carries, and whether the
	// utterance takes it up.
	risky := false
	for _, m := range a.ctxMatch {
		fam := &lx.Families[m.family]
		if fam.Risk == "" {
			continue
		}
		if m.neg {
			a.emit(-1, -1, training, "ctx:riskneg")
			continue
		}
		risky = true
		a.emit(-1, -1, training, "ctx:risk:", string(fam.Risk))
	}
	if !risky {
		a.emit(-1, -1, training, "ctx:plain")
		return
	}
	a.emit(-1, -1, training, "ctx:risk")
	a.emit(-1, -1, training, "ctx:risk&overlap:", ov)
	a.emit(-1, -1, training, "ctx:risk&len:", lengthBucket(words))
	if last >= 0 {
		c := clauses[last]
		for k := c.from; k < c.to; k++ {
			if !toks[k].punct {
				a.emit(k, k+1, training, "ctx:risk&Lstart:", toks[k].text)
				break
			}
		}
		if c.question {
			a.emit(-1, -1, training, "ctx:risk&Lq")
		}
	}
	for i := range seen {
		if i < len(lx.Families) && seen[i]&1 != 0 {
			a.emit(-1, -1, training, "ctx:risk&fam:", lx.Families[i].Name)
		}
	}
	for i := range toks {
		if !toks[i].punct {
			a.emit(i, i+1, training, "ctx:risk&w:", toks[i].text)
		}
	}
}
