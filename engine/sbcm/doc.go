// Package sbcm holds the shared vocabulary of the Strengths Model of case
// management as Oasis uses it: the focus labels and skills of the scoring
// guide, the seven life domains of the strengths assessment, the phases of
// the practice, scenario levels and the kinds of risk cue a client can give.
//
// Every other engine package speaks in these types, so a typo in a scenario
// file, a corpus line or a course is caught by one set of Parse functions
// with one set of messages.
package sbcm
