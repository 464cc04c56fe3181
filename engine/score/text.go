package score

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word or punctuation mark of an utterance, normalised.
type token struct {
	text   string // normalised word, or the punctuation mark itself
	start  int    // code point offsets into the original text
	end    int
	punct  bool
	neg    bool // inside a negation's scope
	clause int
}

// clause is a run of tokens between sentence breaks.
type clause struct {
	from, to int // token indices, to exclusive
	question bool
	open     bool // an open question (valid when question)
}

// words is what a Lexicon knows about spelling: respellings, the known
// vocabulary, and an index for correcting typos of cue words.
type words struct {
	respell map[string][]string
	// intern holds every known word (cue words, respellings, the model's
	// vocabulary) so that tokens share one copy of each string.
	intern map[string]string
	// cues are the words of lexicon cues, the targets of typo correction.
	cues map[string]bool
	// fix maps a one-deletion variant of a cue word to the cue word; a
	// variant shared by two cue words maps to "".
	fix map[string]string
	// correcting turns typo correction on. It is off while cues are
	// compiled (a cue is never a typo) and while a corpus's vocabulary is
	// counted.
	correcting bool
}

var negators = map[string]bool{"not": true, "no": true, "never": true, "nothing": true, "nobody": true, "none": true, "nowhere": true, "neither": true, "nor": true, "without": true}

var contrasts = map[string]bool{"but": true, "however": true, "although": true, "though": true, "yet": true}

// sKeepers are words whose 's is "is" rather than a possessive.
var sKeepers = map[string]bool{"it": true, "that": true, "what": true, "there": true, "here": true, "he": true, "she": true, "who": true, "where": true, "how": true, "when": true, "let": true, "everything": true, "something": true, "nothing": true, "this": true}

// tokenize splits text into normalised tokens appended to toks.
func (w *words) tokenize(text string, toks []token, buf []byte) ([]token, []byte) {
	cp := 0 // code point index of i
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWordRune(r):
			start, startByte := cp, i
			buf = buf[:0]
			for i < len(text) {
				r, size = utf8.DecodeRuneInString(text[i:])
				if isWordRune(r) {
					buf = utf8.AppendRune(buf, unicode.ToLower(r))
				} else if isApostrophe(r) && i+size < len(text) && isWordRune(firstRune(text[i+size:])) && i > startByte {
					buf = append(buf, '\'')
				} else {
					break
				}
				i += size
				cp++
			}
			toks = w.addWord(toks, buf, start, cp)
		case r == '?' || r == '.' || r == '!' || r == ';' || r == ',' || r == ':' || r == '\n':
			p := "."
			switch r {
			case '?', ',', ';', ':':
				p = string(r)
			case '\n':
				p = "."
			}
			toks = append(toks, token{text: p, start: cp, end: cp + 1, punct: true})
			i += size
			cp++
		default:
			i += size
			cp++
		}
	}
	return toks, buf
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' || r == '`' }

// addWord normalises one lower-cased word and appends its token(s).
func (w *words) addWord(toks []token, b []byte, start, end int) []token {
	if parts, ok := w.respell[string(b)]; ok {
		for _, p := range parts {
			toks = append(toks, token{text: p, start: start, end: end})
		}
		return toks
	}
	if v, ok := w.intern[string(b)]; ok {
		// Known words share one copy: no allocation.
		return append(toks, token{text: v, start: start, end: end})
	}
	s := string(b)
	if i := strings.IndexByte(s, '\''); i > 0 {
		if base, extra, ok := contraction(s[:i], s[i+1:]); ok {
			toks = append(toks, token{text: w.word(base), start: start, end: end})
			if extra != "" {
				toks = append(toks, token{text: extra, start: start, end: end})
			}
			return toks
		}
	}
	return append(toks, token{text: w.word(s), start: start, end: end})
}

// contraction splits a word with an apostrophe into its base and the word
// its ending stands for ("is" for it's, "not" for don't). A possessive 's
// is dropped. ok is false for other apostrophes, as in o'clock.
func contraction(base, suf string) (string, string, bool) {
	switch suf {
	case "t":
		if !strings.HasSuffix(base, "n") {
			return "", "", false
		}
		base = strings.TrimSuffix(base, "n")
		switch base {
		case "ca":
			base = "can"
		case "wo":
			base = "will"
		case "sha":
			base = "shall"
		case "ai":
			base = "is"
		}
		return base, "not", true
	case "re":
		return base, "are", true
	case "ve":
		return base, "have", true
	case "ll":
		return base, "will", true
	case "d":
		return base, "would", true
	case "m":
		return base, "am", true
	case "s":
		if sKeepers[base] {
			return base, "is", true
		}
		return base, "", true
	}
	return "", "", false
}

// word returns the interned spelling of s, correcting a likely typo of a
// cue word.
func (w *words) word(s string) string {
	if v, ok := w.intern[s]; ok {
		return v
	}
	if parts, ok := w.respell[s]; ok && len(parts) == 1 {
		return parts[0]
	}
	if w.correcting {
		if fixed := w.correct(s); fixed != "" {
			return fixed
		}
	}
	return s
}

// correct returns the cue word one edit (insertion, deletion, substitution
// or swap of neighbours) away from s, if there is exactly one and it starts
// with the same letter. Short words are left alone: too many real words are
// one edit from each other.
func (w *words) correct(s string) string {
	n := len(s)
	if n < 6 || n > 24 {
		return ""
	}
	same := func(v string) bool { return v != "" && v[0] == s[0] }
	// s is a cue word with a letter missing.
	if v := w.fix[s]; same(v) && len(v) == n+1 {
		return v
	}
	var buf [24]byte
	for i := 0; i < n; i++ {
		d := append(append(buf[:0], s[:i]...), s[i+1:]...)
		// s is a cue word with an extra letter.
		if w.cues[string(d)] && d[0] == s[0] {
			return w.intern[string(d)]
		}
		// s has one letter wrong, or two neighbours swapped.
		if v := w.fix[string(d)]; same(v) && len(v) == n {
			return v
		}
	}
	return ""
}

// addCue records a cue word as a target for typo correction.
func (w *words) addCue(v string) {
	if w.cues[v] || len(v) < 6 || len(v) > 24 {
		return
	}
	w.cues[v] = true
	for i := 0; i < len(v); i++ {
		d := v[:i] + v[i+1:]
		if prev, ok := w.fix[d]; ok && prev != v {
			w.fix[d] = ""
			continue
		}
		w.fix[d] = v
	}
}

// negationScope is how many words after a negator it reaches, unless a
// punctuation mark or a "but" ends it first.
const negationScope = 6

// structure marks negation scopes and clauses and returns the clauses.
func structure(toks []token, clauses []clause) []clause {
	negLeft := 0
	c := 0
	from := 0
	for i := range toks {
		t := &toks[i]
		if t.punct {
			negLeft = 0
		} else if contrasts[t.text] {
			negLeft = 0
			if i > from {
				clauses = append(clauses, clause{from: from, to: i})
				c++
				from = i
			}
		} else if negLeft > 0 {
			t.neg = true
			negLeft--
		}
		if !t.punct && negators[t.text] {
			negLeft = negationScope
		}
		t.clause = c
		if t.punct && (t.text == "?" || t.text == ".") {
			clauses = append(clauses, clause{from: from, to: i + 1, question: t.text == "?"})
			c++
			from = i + 1
		}
	}
	if from < len(toks) {
		clauses = append(clauses, clause{from: from, to: len(toks)})
	}
	// Drop clauses that hold only punctuation.
	out := clauses[:0]
	for _, cl := range clauses {
		for k := cl.from; k < cl.to; k++ {
			if !toks[k].punct {
				out = append(out, cl)
				break
			}
		}
	}
	for k := range out {
		for j := out[k].from; j < out[k].to; j++ {
			toks[j].clause = k
		}
		if !out[k].question && looksLikeQuestion(toks[out[k].from:out[k].to]) {
			out[k].question = true
		}
	}
	return out
}

var whWords = map[string]bool{"what": true, "how": true, "why": true, "when": true, "where": true, "who": true, "which": true}

var auxWords = map[string]bool{"do": true, "does": true, "did": true, "are": true, "is": true, "was": true, "were": true, "have": true, "has": true, "had": true, "can": true, "could": true, "will": true, "would": true, "should": true, "shall": true, "may": true, "might": true, "am": true}

var subjects = map[string]bool{"you": true, "i": true, "we": true, "he": true, "she": true, "they": true, "it": true, "there": true, "that": true, "this": true, "your": true, "anyone": true, "anything": true, "someone": true}

// looksLikeQuestion reads a clause typed without a question mark as a
// question when it opens the way questions do ("wat did u get", "do you
// want"), and does not end in a full stop.
func looksLikeQuestion(c []token) bool {
	var buf [3]string
	w := buf[:0]
	stopped := false
	for _, t := range c {
		if t.punct {
			if t.text == "." || t.text == "!" {
				stopped = true
			}
			continue
		}
		if len(w) < 3 {
			w = append(w, t.text)
		}
	}
	if len(w) == 0 {
		return false
	}
	// Requests for the person's story are questions however they end:
	// "Tell me about it.", "Describe a good day.", "Walk me through it."
	switch w[0] {
	case "describe", "explain":
		return true
	case "tell", "walk", "talk", "help":
		return len(w) > 1 && (w[1] == "me" || w[1] == "us")
	}
	if stopped {
		return false
	}
	if whWords[w[0]] {
		// "what a day", "how nice": wh-words starting an exclamation
		// are followed by an article or adjective, not a verb or
		// pronoun; the common question openings are caught here.
		return len(w) > 1 && (auxWords[w[1]] || subjects[w[1]] || w[1] == "else" || w[1] == "kind" || w[1] == "many" || w[1] == "much" || w[1] == "long" || w[1] == "often" || w[1] == "happened" || w[1] == "helps" || w[1] == "helped")
	}
	return auxWords[w[0]] && len(w) > 1 && subjects[w[1]]
}
