// Package score labels one trainee utterance the way the project's scoring
// guide defines: one focus (strengths, deficit, neutral or safety), zero or
// more skills, the life domains it touches, the evidence in the text that
// drove each label, and a tip for a better, strengths-focused way to say it.
//
// It works in two layers that are used together. The first is transparent:
// lexicons and patterns kept as data (cue phrases, question forms,
// reflection stems, deficit framings, labels, risk vocabulary, life-domain
// vocabularies), compiled once. The second is statistical: regularised
// logistic regression over word n-grams and the lexicon's findings, trained
// from the project's labelled corpus by Train and stored as a weights file.
// The lexicon layer turns text into features the model weighs, supplies the
// evidence spans, and enforces the guide's first tie-break (a question about
// risk is safety); the model settles the rest. Everything is plain Go.
//
// Text is analysed as people type it: case is folded, curly quotes
// straightened, contractions expanded ("don't" and "dont" both become
// "do not"), chat spellings and common typos respelled ("u", "realy"), and
// an unknown word one edit away from a cue word is read as that word. Words
// after a negation ("not", "never", "no") are marked, so "I don't think
// you're a failure" is not a label, and a sentence is cut into clauses at
// full stops, question marks and "but", so that the final question or
// request, which the guide says decides the focus, can be weighed on its own.
//
// Offsets in evidence are Unicode code points into the original text, with
// the end exclusive.
package score
