package score

import (
	"strings"
	"testing"

	"oasis/content"
)

// TestEveryCueMatchesItself writes each cue of each lexicon family out as
// text (first alternative, wildcards filled in) and checks the family
// finds it. A cue that normalisation makes impossible to match (a word
// respelled away, a contraction split differently) fails here.
func TestEveryCueMatchesItself(t *testing.T) {
	s, err := Load(content.Scoring())
	if err != nil {
		t.Fatal(err)
	}
	lx := s.lx
	if len(lx.Families) < 20 {
		t.Fatalf("lexicon has %d families", len(lx.Families))
	}
	for fi, f := range lx.Families {
		if len(f.Cues) == 0 {
			t.Errorf("family %s has no cues", f.Name)
		}
		for _, cue := range f.Cues {
			var words []string
			for _, w := range strings.Fields(cue) {
				switch w {
				case "_":
					words = append(words, "something")
				case "...":
				default:
					w = strings.Split(w, "|")[0]
					words = append(words, strings.TrimSuffix(w, "*"))
				}
			}
			text := strings.Join(words, " ")
			a := &analysis{}
			lx.analyse(a, text, "", false)
			found := false
			for _, m := range a.matches {
				if m.family == fi {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("family %s: cue %q does not match its own text %q", f.Name, cue, text)
			}
		}
	}
}

// TestFamiliesSignal checks each family family by family on a sentence
// a worker might say, so a family emptied or broken by an edit is caught.
func TestFamiliesSignal(t *testing.T) {
	tests := map[string]string{
		"risk-suicide":                "Have you had thoughts of ending your life?",
		"risk-self-harm":              "Have you been cutting yourself again?",
		"risk-others":                 "Are you thinking of hurting him?",
		"risk-violence":               "Is it safe to go home tonight, or is he going to hit you?",
		"risk-overdose":               "Do you have naloxone with you when you use alone?",
		"risk-medical":                "Is the chest pain still there?",
		"safety-check":                "Are you safe right now?",
		"safety-explicit":             "The crisis line answers at any hour.",
		"takes-up":                    "What do you mean by that?",
		"strengths-past-success":      "What has helped you get through before?",
		"strengths-abilities":         "What are you good at?",
		"strengths-hopes":             "What would you like to be different?",
		"strengths-resources":         "Who do you trust?",
		"strengths-affirm":            "That took courage.",
		"strengths-question-explicit": "What went right last time?",
		"affirm-explicit":             "It took real courage to come here.",
		"confront-explicit":           "Stop making excuses.",
		"autonomy":                    "It's your choice.",
		"deficit-label":               "You're an addict.",
		"deficit-failure":             "Why did you relapse?",
		"deficit-imposing":            "You need to go to detox.",
		"deficit-warning":             "If you keep using you'll lose your kids.",
		"deficit-incapable":           "Let me handle the forms, it's too much for you.",
		"advice":                      "You should call the shelter.",
		"advice-imperative":           "Just call them tomorrow.",
		"confront":                    "You always say that.",
		"interrogate-closed":          "How many times have you been arrested?",
		"neutral-logistics":           "See you Tuesday at ten.",
		"inform":                      "The clinic is open on Mondays.",
		"question-open":               "Tell me more about that.",
		"question-closed":             "Do you have a place to stay?",
		"reflection-stem":             "It sounds like you're worn out.",
		"summary-stem":                "So far you've told me three things.",
		"domain-daily-living":         "How is the new apartment?",
		"domain-finances":             "How are the bills?",
		"domain-work-education":       "How was the job interview?",
		"domain-social-supports":      "How is your sister?",
		"domain-health":               "How is your sleep?",
		"domain-leisure":              "Do you still play chess?",
		"domain-spirituality-culture": "Do you still go to church?",
	}
	s, err := Load(content.Scoring())
	if err != nil {
		t.Fatal(err)
	}
	lx := s.lx
	for _, f := range lx.Families {
		if _, ok := tests[f.Name]; !ok {
			t.Errorf("family %s has no test sentence here; add one", f.Name)
		}
	}
	for name, text := range tests {
		fi, ok := lx.byName[name]
		if !ok {
			t.Errorf("no family %s", name)
			continue
		}
		a := &analysis{}
		lx.analyse(a, text, "", false)
		found := false
		for _, m := range a.matches {
			found = found || m.family == fi && !m.neg
		}
		if !found {
			t.Errorf("family %s does not find %q", name, text)
		}
	}
}
