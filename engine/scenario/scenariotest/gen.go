// Package scenariotest generates synthetic role plays for benchmarks and
// tests of the loader and the runtime at scale.
package scenariotest

import (
	"fmt"
	"strings"
)

var domains = []string{"daily-living", "finances", "work-education", "social-supports", "health", "leisure", "spirituality-culture"}

// Roleplay returns the YAML of a valid role play with the given number of
// beats (at least 3). Its conditions vary with n the way an author's would:
// the same few shapes with different thresholds, domains and beats.
func Roleplay(n, beats int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `kind: roleplay
id: gen-%d
title: Generated role play %d
summary: A synthetic role play for benchmarks.
level: basic
phase: engagement
client:
  name: Sam
  age: %d
  situation: |
    Sam is a generated client used to measure how fast Oasis loads and plays role plays.
meters:
  rapport: {start: 30, min: 0, max: 100}
  hope: {start: 20, min: 0, max: 100}
  resistance: {start: 60, min: 0, max: 100}
strengths:
`, n, n, 20+n%60)
	for i, d := range domains[:5] {
		fmt.Fprintf(&b, "  - id: s%d\n    domain: %s\n    line: \"Strength line %d of client %d.\"\n    revealed_by: focus == \"strengths\" && \"%s\" in domains && meters.rapport >= %d\n    hint: Ask about %s.\n", i, d, i, n, d, 20+(n+i)%40, d)
	}
	b.WriteString("beats:\n")
	for i := 0; i < beats-2; i++ {
		next := fmt.Sprintf("b%d", i+1)
		if i == beats-3 {
			next = "good-end"
		}
		d := domains[(n+i)%len(domains)]
		fmt.Fprintf(&b, `  - id: b%d
    lines:
      - "Client line %d, first variant, where Sam talks about the week."
      - "Client line %d, second variant."
    options:
      - text: "What has helped you get through weeks like this?"
        focus: strengths
        skills: [open-question]
        domains: [%s]
        note: Invites past successes.
      - text: "Why did that happen again?"
        focus: deficit
        skills: [open-question, confront]
      - text: "Our next meeting is Tuesday."
        focus: neutral
    transitions:
      - when: focus == "safety" || (len(revealed) >= %d && "s%d" in revealed)
        effects: {meters: {rapport: %d}}
        goto: %s
      - when: focus == "deficit" && meters.resistance > %d
        effects: {meters: {rapport: -%d, resistance: %d}, flags: [pushed]}
        goto: walked-out
      - when: focus == "strengths" && ("reflection" in skills || "open-question" in skills) && "%s" in domains
        effects: {meters: {rapport: %d, hope: %d, resistance: -%d}, reveal: [s%d]}
        goto: %s
      - when: '"pushed" in flags && turn > %d'
        effects: {clear: [pushed]}
        goto: b%d
      - goto: %s
`, i, i, i, d, 1+i%3, i%5, 5+i%7, next, 70+i%20, 5+i%10, 10+i%5, d, 5+i%6, 3+i%4, 2+i%5, i%5, next, 2+i%6, i, next)
	}
	b.WriteString(`  - id: good-end
    line: "Same time next week, then."
    end: connected
  - id: walked-out
    line: "I'm done here."
    end: walked-out
outcomes:
  - id: connected
    title: Sam agrees to meet again
    rating: good
    debrief: You followed Sam's lead.
  - id: walked-out
    title: Sam leaves
    rating: poor
  - id: ran-out
    title: Time ran out
    rating: mixed
end:
  max_turns: 60
  on_max_turns: ran-out
  rules:
    - when: meters.resistance >= 100
      outcome: walked-out
`)
	return []byte(b.String())
}
