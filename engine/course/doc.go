// Package course loads training courses and works out a trainee's progress
// through them.
//
// A course is a YAML file (see docs/course-format.md and the JSON Schema in
// content/courses/course.schema.json): modules, each with a Markdown lesson,
// a quiz and practice requirements that name role plays or practice cases
// of the scenario library and the criteria a run must meet. The loader walks
// yaml.v3 nodes, as the scenario loader does, so every problem is reported
// as `file:line:col: message` with what to do about it, unknown fields get a
// "did you mean" suggestion, and all the problems of all the files come back
// together as a scenario.ErrorList. Lessons are rendered to HTML once, at
// load time, with raw HTML left out.
//
// Progress is a pure function of evidence: the trainee's quiz attempts and
// the facts of their ended runs (RunFacts). Evaluate says which
// requirements are met and by which run, or which attempt came closest and
// what it lacked, in words a trainee can act on. The package knows nothing
// of HTTP or storage; the web layer gathers the evidence and shows the
// result, and issues the certificate once Evaluate says the course is
// complete.
package course
