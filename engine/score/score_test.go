package score_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"oasis/content"
	"oasis/engine/sbcm"
	"oasis/engine/score"
)

var (
	loadOnce sync.Once
	shared   *score.Scorer
	loadErr  error
)

func scorer(t testing.TB) *score.Scorer {
	t.Helper()
	loadOnce.Do(func() { shared, loadErr = score.Load(content.Scoring()) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return shared
}

// TestGuideExamples scores the worked examples of the scoring guide.
func TestGuideExamples(t *testing.T) {
	tests := []struct {
		text   string
		focus  sbcm.Focus
		skills []sbcm.Skill
	}{
		{"When have you faced something this hard and come through it?", sbcm.Strengths, []sbcm.Skill{sbcm.OpenQuestion}},
		{"What do you enjoy doing when you have a free afternoon?", sbcm.Strengths, []sbcm.Skill{sbcm.OpenQuestion}},
		{"It took real courage to come in today.", sbcm.Strengths, []sbcm.Skill{sbcm.Affirmation}},
		{"You'd like your own place, somewhere your daughter can visit.", sbcm.Strengths, []sbcm.Skill{sbcm.Reflection}},
		{"Who in your life do you trust?", sbcm.Strengths, []sbcm.Skill{sbcm.OpenQuestion}},
		{"What's wrong with you this week?", sbcm.Deficit, []sbcm.Skill{sbcm.OpenQuestion}},
		{"You need to get into a detox program before we can talk about a job.", sbcm.Deficit, []sbcm.Skill{sbcm.Advice, sbcm.Confront}},
		{"Why did you stop taking your medication?", sbcm.Deficit, []sbcm.Skill{sbcm.OpenQuestion, sbcm.Confront}},
		{"How many times have you been arrested?", sbcm.Deficit, []sbcm.Skill{sbcm.ClosedQuestion}},
		{"People with your diagnosis usually can't handle full-time work.", sbcm.Deficit, []sbcm.Skill{sbcm.Confront}},
		{"Our next meeting is Tuesday at ten.", sbcm.Neutral, nil},
		{"I can help you with forms and rides, but I can't give you money.", sbcm.Neutral, []sbcm.Skill{sbcm.Inform}},
		{"Did you get the letter from the housing office?", sbcm.Neutral, []sbcm.Skill{sbcm.ClosedQuestion}},
		{"Are you having any thoughts of ending your life?", sbcm.Safety, []sbcm.Skill{sbcm.ClosedQuestion}},
		{"You said you sometimes feel like hurting him. Tell me more about that.", sbcm.Safety, []sbcm.Skill{sbcm.OpenQuestion}},
		{"If you feel unsafe tonight, this number answers around the clock.", sbcm.Safety, nil},
	}
	s := scorer(t)
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := s.Score(tt.text, "")
			if got.Focus != tt.focus {
				t.Errorf("focus = %s, want %s", got.Focus, tt.focus)
			}
			for _, sk := range tt.skills {
				if !slices.Contains(got.Skills, sk) {
					t.Errorf("skills = %v, want %s among them", got.Skills, sk)
				}
			}
		})
	}
}

// TestTieBreaks checks the guide's tie-breaks, in order.
func TestTieBreaks(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		context string
		want    sbcm.Focus
	}{
		{"safety wins over strengths", "You've got so much going for you. Are you thinking about killing yourself?", "", sbcm.Safety},
		{"safety wins over a deficit framing", "I know you've relapsed again, but are you safe tonight?", "", sbcm.Safety},
		{"a response that takes up a risk cue is safety", "What do you mean when you say you won't be around?", "Don't bother booking next week. I won't be around.", sbcm.Safety},
		{"praise then a failure question is deficit", "You did well to stay sober, but why did you relapse?", "", sbcm.Deficit},
		{"a hard time then a what-helped question is strengths", "I know things have been rough; what has helped you get through weeks like this before?", "", sbcm.Strengths},
		{"naming a problem to ask what worked is strengths", "When the cravings hit hardest, what has helped you ride them out?", "", sbcm.Strengths},
		{"naming a problem to dwell on it is deficit", "Tell me about all the times the cravings won.", "", sbcm.Deficit},
	}
	s := scorer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Score(tt.text, tt.context).Focus; got != tt.want {
				t.Errorf("%q: focus %s, want %s", tt.text, got, tt.want)
			}
		})
	}
}

func TestNegationAndHedging(t *testing.T) {
	tests := []struct {
		text      string
		want      sbcm.Focus
		wantSkill sbcm.Skill
		notSkill  sbcm.Skill
	}{
		{"I'm not judging you, but why did you skip the appointment again?", sbcm.Deficit, sbcm.Confront, ""},
		{"I don't think you're a failure at all. What went right last time?", sbcm.Strengths, sbcm.OpenQuestion, ""},
		{"You don't have to decide anything today; it's your call.", sbcm.Strengths, sbcm.Autonomy, sbcm.Advice},
		{"I'm not saying you can't do it, but people like you usually end up back in hospital.", sbcm.Deficit, "", ""},
	}
	s := scorer(t)
	for _, tt := range tests {
		got := s.Score(tt.text, "")
		if got.Focus != tt.want {
			t.Errorf("%q: focus %s, want %s", tt.text, got.Focus, tt.want)
		}
		if tt.wantSkill != "" && !slices.Contains(got.Skills, tt.wantSkill) {
			t.Errorf("%q: skills %v, want %s", tt.text, got.Skills, tt.wantSkill)
		}
		if tt.notSkill != "" && slices.Contains(got.Skills, tt.notSkill) {
			t.Errorf("%q: skills %v should not include %s", tt.text, got.Skills, tt.notSkill)
		}
	}
	// A negated label is not evidence of a deficit.
	got := s.Score("I don't see you as an addict.", "")
	for _, e := range got.Evidence {
		if e.Label == "deficit" && strings.Contains(e.Cue, "addict") {
			t.Errorf("negated label counted as deficit evidence: %+v", e)
		}
	}
}

func TestHowPeopleType(t *testing.T) {
	tests := []struct {
		text  string
		focus sbcm.Focus
		skill sbcm.Skill
	}{
		{"wat has helped u get thru weeks like this", sbcm.Strengths, sbcm.OpenQuestion},
		{"WHAT HAS HELPED YOU GET THROUGH WEEKS LIKE THIS", sbcm.Strengths, sbcm.OpenQuestion},
		{"are u thinking about killing urself", sbcm.Safety, sbcm.ClosedQuestion},
		{"have u had any sucidal thoughts", sbcm.Safety, sbcm.ClosedQuestion},
		{"y dont u just stop drinking", sbcm.Deficit, ""},
		{"ok", sbcm.Neutral, ""},
		{"go on", sbcm.Neutral, sbcm.OpenQuestion},
		{"", sbcm.Neutral, ""},
		{"   ?!  ", sbcm.Neutral, ""},
	}
	s := scorer(t)
	for _, tt := range tests {
		got := s.Score(tt.text, "")
		if got.Focus != tt.focus {
			t.Errorf("%q: focus %s, want %s", tt.text, got.Focus, tt.focus)
		}
		if tt.skill != "" && !slices.Contains(got.Skills, tt.skill) {
			t.Errorf("%q: skills %v, want %s", tt.text, got.Skills, tt.skill)
		}
	}
	// A long rambling turn is scored by where it ends up.
	long := strings.Repeat("I hear you, it has been a really long week with the landlord and the forms and the phone calls, and the bus was late again, ", 6) +
		"so what has helped you keep going through weeks like this?"
	if got := s.Score(long, ""); got.Focus != sbcm.Strengths {
		t.Errorf("long turn: focus %s, want strengths", got.Focus)
	}
}

func TestEvidencePointsAtTheText(t *testing.T) {
	s := scorer(t)
	// Multi-byte characters before the cue: offsets are code points.
	text := "Tomás, ¿qué tal? Why did you stop taking your medication?"
	got := s.Score(text, "")
	runes := []rune(text)
	found := false
	for _, e := range got.Evidence {
		if e.Start < 0 || e.End > len(runes) || e.Start >= e.End {
			t.Fatalf("evidence %+v out of range for %d code points", e, len(runes))
		}
		if e.Label == "deficit" && strings.EqualFold(string(runes[e.Start:e.End]), "Why did you") {
			found = true
		}
	}
	if !found {
		t.Errorf("no deficit evidence on \"Why did you\": %+v", got.Evidence)
	}
	// Every focus gets evidence, from the lexicon or from the model.
	for _, text := range []string{"What do you enjoy?", "Our next meeting is Tuesday.", "Are you safe tonight?", "Why did you relapse?", "The weather turned cold again."} {
		res := s.Score(text, "")
		if !slices.ContainsFunc(res.Evidence, func(e score.Evidence) bool { return e.Label == string(res.Focus) }) {
			t.Errorf("%q: no evidence for its focus %s: %+v", text, res.Focus, res.Evidence)
		}
	}
}

func TestTips(t *testing.T) {
	s := scorer(t)
	if tip := s.Score("Why did you relapse?", "").Tip; !strings.Contains(tip, "Try:") {
		t.Errorf("deficit response without a tip showing a better way: %q", tip)
	}
	if tip := s.Score("What do you enjoy?", "").Tip; tip != "" {
		t.Errorf("strengths response got a tip: %q", tip)
	}
	risk := "Some nights I think everyone would be better off if I didn't wake up."
	res := s.Score("What do you like doing at the weekend?", risk)
	if !strings.Contains(res.Tip, "suicid") || !slices.Contains(res.ContextRisk, sbcm.Suicide) {
		t.Errorf("a missed suicide cue should get the risk tip; got %q (context risk %v)", res.Tip, res.ContextRisk)
	}
	if res := s.Score("Are you having thoughts of ending your life?", risk); res.Tip != "" || res.Focus != sbcm.Safety {
		t.Errorf("a safety response to a risk cue: focus %s, tip %q", res.Focus, res.Tip)
	}
}

func TestDomains(t *testing.T) {
	s := scorer(t)
	got := s.Score("What do you enjoy doing with your sister at church on Sundays?", "")
	for _, d := range []sbcm.Domain{sbcm.SocialSupports, sbcm.SpiritualityCulture, sbcm.Leisure} {
		if !slices.Contains(got.Domains, d) {
			t.Errorf("domains %v, want %s", got.Domains, d)
		}
	}
	if got := s.Score("Our next meeting is Tuesday.", ""); len(got.Domains) != 0 {
		t.Errorf("domains %v, want none", got.Domains)
	}
}

func TestConcurrentScoring(t *testing.T) {
	s := scorer(t)
	texts := []string{"What has helped you before?", "Why did you relapse?", "Are you safe tonight?", "See you Tuesday."}
	want := make([]sbcm.Focus, len(texts))
	for i, tx := range texts {
		want[i] = s.Score(tx, "").Focus
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				k := i % len(texts)
				if got := s.Score(texts[k], "").Focus; got != want[k] {
					t.Errorf("concurrent score of %q = %s, want %s", texts[k], got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

const thirtyWords = "I know the last few weeks with the landlord have been really hard on you, so what has helped you get through times like this before, and who could you lean on?"

func BenchmarkScore(b *testing.B) {
	s := scorer(b)
	if n := len(strings.Fields(thirtyWords)); n < 28 || n > 34 {
		b.Fatalf("benchmark utterance has %d words, want about 30", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Score(thirtyWords, "Things have been rough since the eviction notice came.")
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := score.Load(content.Scoring()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNoAllocationGrowth checks that scoring allocates a small, fixed
// amount per call (the result's own slices), however many calls are made:
// the working memory is pooled and reused.
func TestNoAllocationGrowth(t *testing.T) {
	s := scorer(t)
	first := testing.AllocsPerRun(200, func() { s.Score(thirtyWords, "Things have been rough since the eviction notice came.") })
	later := testing.AllocsPerRun(2000, func() { s.Score(thirtyWords, "Things have been rough since the eviction notice came.") })
	if later > first || later > 20 {
		t.Errorf("allocations per call: %v at first, %v later; want a small constant", first, later)
	}
}
