// Package practice checks a trainee's answers to the tasks of a practice
// case: the strengths they spotted in a vignette, a deficit statement they
// rewrote, a goal / objective / strategy / target date they wrote, and
// multiple-choice questions. Each check returns Feedback that says what
// passed, what did not, and why, in words a trainee can act on.
//
// The checks are deliberately transparent: cue words for strengths, the
// scorer for rewrites, and plain rules for the structure of a goal, as the
// training material describes it (a goal in the person's own words, an
// objective that is specific and measurable, a strategy that says who does
// what and when, a realistic target date).
package practice
