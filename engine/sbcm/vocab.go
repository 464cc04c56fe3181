package sbcm

import (
	"fmt"
	"slices"
	"strings"
)

// Focus is the one focus label every scored utterance gets.
type Focus string

// The four focus labels of the scoring guide.
const (
	Strengths Focus = "strengths"
	Deficit   Focus = "deficit"
	Neutral   Focus = "neutral"
	Safety    Focus = "safety"
)

// Foci lists the focus labels in the order reports show them.
var Foci = []Focus{Strengths, Deficit, Neutral, Safety}

// Skill is a counselling skill an utterance shows (zero or more per utterance).
type Skill string

// The skills of the scoring guide.
const (
	OpenQuestion   Skill = "open-question"
	ClosedQuestion Skill = "closed-question"
	Reflection     Skill = "reflection"
	Affirmation    Skill = "affirmation"
	Summary        Skill = "summary"
	Inform         Skill = "inform"
	Advice         Skill = "advice"
	Confront       Skill = "confront"
	Autonomy       Skill = "autonomy"
)

// Skills lists the skills in canonical order; labelled lists are sorted by it.
var Skills = []Skill{OpenQuestion, ClosedQuestion, Reflection, Affirmation, Summary, Inform, Advice, Confront, Autonomy}

// Domain is one of the seven life domains of the strengths assessment.
type Domain string

// The seven life domains.
const (
	DailyLiving         Domain = "daily-living"
	Finances            Domain = "finances"
	WorkEducation       Domain = "work-education"
	SocialSupports      Domain = "social-supports"
	Health              Domain = "health"
	Leisure             Domain = "leisure"
	SpiritualityCulture Domain = "spirituality-culture"
)

// Domains lists the life domains in the order of the assessment form.
var Domains = []Domain{DailyLiving, Finances, WorkEducation, SocialSupports, Health, Leisure, SpiritualityCulture}

// DomainTitles gives each domain the name a person reads.
var DomainTitles = map[Domain]string{
	DailyLiving:         "Daily living situation",
	Finances:            "Finances",
	WorkEducation:       "Work and education",
	SocialSupports:      "Social supports",
	Health:              "Health",
	Leisure:             "Leisure and recreation",
	SpiritualityCulture: "Spirituality and culture",
}

// Phase is a phase of strengths-based case management practice.
type Phase string

// The five phases, in the order they happen.
const (
	Preparation   Phase = "preparation"
	Engagement    Phase = "engagement"
	Assessment    Phase = "assessment"
	Planning      Phase = "planning"
	Disengagement Phase = "disengagement"
)

// Phases lists the phases in order.
var Phases = []Phase{Preparation, Engagement, Assessment, Planning, Disengagement}

// Level says who a scenario or course is for.
type Level string

// The levels.
const (
	Basic    Level = "basic"
	Advanced Level = "advanced"
)

// Levels lists the levels.
var Levels = []Level{Basic, Advanced}

// Risk is a kind of risk cue a client can give: the non-strengths
// information a worker must still ask about.
type Risk string

// The risk cues.
const (
	Suicide      Risk = "suicide"
	SelfHarm     Risk = "self-harm"
	HarmToOthers Risk = "harm-to-others"
	Violence     Risk = "violence"
	Overdose     Risk = "overdose"
	Medical      Risk = "medical"
)

// Risks lists the risk cues.
var Risks = []Risk{Suicide, SelfHarm, HarmToOthers, Violence, Overdose, Medical}

// Setting is the kind of service a scenario or utterance comes from.
type Setting string

// Settings lists the service settings Oasis knows.
var Settings = []Setting{"mental-health", "substance-use", "housing", "re-entry", "rehabilitation", "youth-family", "older-adults", "domestic-violence", "general"}

// Labels is the part of a scored utterance that role plays react to: its
// focus, its skills and the life domains it touches.
type Labels struct {
	Focus   Focus    `json:"focus"`
	Skills  []Skill  `json:"skills"`
	Domains []Domain `json:"domains"`
}

// Has reports whether the labels include skill s.
func (l Labels) Has(s Skill) bool { return slices.Contains(l.Skills, s) }

// ParseFocus returns the focus named s, or an error listing the valid names.
func ParseFocus(s string) (Focus, error) { return parse(s, Foci, "focus") }

// ParseSkill returns the skill named s, or an error listing the valid names.
func ParseSkill(s string) (Skill, error) { return parse(s, Skills, "skill") }

// ParseDomain returns the life domain named s, or an error listing the valid names.
func ParseDomain(s string) (Domain, error) { return parse(s, Domains, "life domain") }

// ParsePhase returns the phase named s, or an error listing the valid names.
func ParsePhase(s string) (Phase, error) { return parse(s, Phases, "phase") }

// ParseLevel returns the level named s, or an error listing the valid names.
func ParseLevel(s string) (Level, error) { return parse(s, Levels, "level") }

// ParseRisk returns the risk cue named s, or an error listing the valid names.
func ParseRisk(s string) (Risk, error) { return parse(s, Risks, "risk cue") }

// ParseSetting returns the setting named s, or an error listing the valid names.
func ParseSetting(s string) (Setting, error) { return parse(s, Settings, "setting") }

func parse[T ~string](s string, valid []T, what string) (T, error) {
	if slices.Contains(valid, T(s)) {
		return T(s), nil
	}
	names := make([]string, len(valid))
	for i, v := range valid {
		names[i] = string(v)
	}
	msg := fmt.Sprintf("unknown %s %q; use one of: %s", what, s, strings.Join(names, ", "))
	if near := Nearest(s, names); near != "" {
		msg = fmt.Sprintf("unknown %s %q (did you mean %q?); use one of: %s", what, s, near, strings.Join(names, ", "))
	}
	return "", fmt.Errorf("%s", msg)
}

// SortSkills sorts skills into canonical order and removes duplicates.
func SortSkills(s []Skill) []Skill {
	slices.SortFunc(s, func(a, b Skill) int { return slices.Index(Skills, a) - slices.Index(Skills, b) })
	return slices.Compact(s)
}

// SortDomains sorts domains into canonical order and removes duplicates.
func SortDomains(d []Domain) []Domain {
	slices.SortFunc(d, func(a, b Domain) int { return slices.Index(Domains, a) - slices.Index(Domains, b) })
	return slices.Compact(d)
}

// Nearest returns the candidate closest to s by edit distance when it is
// close enough to be a likely typo, or "" when none is.
func Nearest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(1, len(s)/3) && bestD > 0 {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours each cost one,
// so "titel" is one step from "title".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
