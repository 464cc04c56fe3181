// Package scenario defines the two kinds of practice material Oasis plays,
// role plays and practice cases, and loads them from YAML.
//
// The loader walks yaml.v3 nodes rather than decoding into structs so that
// every problem carries the file, line and column where it was found, unknown
// fields are reported (with a suggestion when they look like a typo), and all
// the problems in all the files are collected and returned together as an
// ErrorList, the way a compiler reports them. Conditions are expr-lang
// expressions; they are compiled and type-checked once, at load time, and
// checked against the names the scenario declares (meters, strengths, beats,
// flags) so that a misspelt name fails validation instead of silently never
// matching during play.
//
// The format is documented for authors in docs/scenario-format.md and as a
// JSON Schema in scenarios/schema.json.
package scenario
