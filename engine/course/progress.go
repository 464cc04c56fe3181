package course

import (
	"cmp"
	"time"
)

// QuizAttempt is one stored, marked attempt at a module's quiz.
type QuizAttempt struct {
	ID     string
	Score  int
	Passed bool
	At     time.Time
}

// Evidence is everything a trainee has done that can count towards a
// course.
type Evidence struct {
	// Quiz holds the attempts at each module's quiz, by module id, in any
	// order.
	Quiz map[string][]QuizAttempt
	// Runs are the trainee's ended, signed-in runs, in any order.
	Runs []RunFacts
}

// Progress is how far a trainee is through a course.
type Progress struct {
	// Percent is Done*100/Total, rounded down.
	Percent, Done, Total int
	Complete             bool
	Modules              []ModuleProgress
}

// ModuleProgress is how far a trainee is through one module: its quiz
// counts one, and each practice requirement one.
type ModuleProgress struct {
	ID       string
	Complete bool
	Done     int
	Total    int
	// Quiz is the best attempt (highest score, then earliest), nil if none.
	Quiz     *QuizAttempt
	Practice []PracticeProgress
}

// PracticeProgress is the state of one practice requirement.
type PracticeProgress struct {
	ID  string
	Met bool
	// Run is the run that meets the requirement (the earliest, so the
	// evidence does not change once met), or else the closest attempt:
	// fewest unmet criteria, then highest overall score, then latest. Nil
	// when there is no run of the scenario.
	Run *RunFacts
	// Unmet says what the closest attempt lacked; nil when met.
	Unmet []string
}

// Evaluate works out a trainee's progress through a course from their
// evidence. A module's quiz counts as passed when its best attempt passed
// (or scores at least the pass mark, should the mark have been lowered
// since).
func Evaluate(c *Course, ev Evidence) Progress {
	var p Progress
	for _, m := range c.Modules {
		mp := ModuleProgress{ID: m.ID, Total: 1 + len(m.Practice)}
		if best := bestAttempt(ev.Quiz[m.ID]); best != nil {
			mp.Quiz = best
			if best.Passed || best.Score >= m.Quiz.Pass && m.Quiz.Pass > 0 {
				mp.Done++
			}
		}
		for _, pr := range m.Practice {
			pp := practiceProgress(pr, ev.Runs)
			if pp.Met {
				mp.Done++
			}
			mp.Practice = append(mp.Practice, pp)
		}
		mp.Complete = mp.Done == mp.Total
		p.Done += mp.Done
		p.Total += mp.Total
		p.Modules = append(p.Modules, mp)
	}
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total
	}
	// A course with nothing to do is never complete: a certificate must
	// rest on evidence.
	p.Complete = p.Total > 0 && p.Done == p.Total
	return p
}

// EvaluateRenewal checks the practice a renewal asks for again
// (Certificate.Renewal) against runs; the caller passes only the runs
// made since renewal opened. With no renewal practice, renewal is met at
// once.
func EvaluateRenewal(c *Course, runs []RunFacts) (met bool, practice []PracticeProgress) {
	met = true
	for _, id := range c.Certificate.Renewal {
		pr, ok := c.Practice(id)
		if !ok {
			// The loader refuses this; a hand-built course gets no free pass.
			practice = append(practice, PracticeProgress{ID: id, Unmet: []string{"a practice requirement this course does not have"}})
			met = false
			continue
		}
		pp := practiceProgress(pr, runs)
		met = met && pp.Met
		practice = append(practice, pp)
	}
	return met, practice
}

func bestAttempt(attempts []QuizAttempt) *QuizAttempt {
	var best *QuizAttempt
	for i := range attempts {
		a := &attempts[i]
		if best == nil || a.Score > best.Score || a.Score == best.Score && a.At.Before(best.At) {
			best = a
		}
	}
	if best == nil {
		return nil
	}
	b := *best
	return &b
}

func practiceProgress(pr Practice, runs []RunFacts) PracticeProgress {
	pp := PracticeProgress{ID: pr.ID}
	var meeting, closest *RunFacts
	var closestUnmet []string
	for i := range runs {
		f := &runs[i]
		if f.Scenario != pr.Scenario {
			continue
		}
		ok, unmet := pr.Check(*f)
		if ok {
			if meeting == nil || earlier(f, meeting) {
				meeting = f
			}
			continue
		}
		if closest == nil || closer(f, len(unmet), closest, len(closestUnmet)) {
			closest, closestUnmet = f, unmet
		}
	}
	switch {
	case meeting != nil:
		run := *meeting
		pp.Met, pp.Run = true, &run
	case closest != nil:
		run := *closest
		pp.Run, pp.Unmet = &run, closestUnmet
	}
	return pp
}

// earlier orders meeting runs: by end time, then id, so the choice is
// stable whatever order the runs come in.
func earlier(a, b *RunFacts) bool {
	if !a.EndedAt.Equal(b.EndedAt) {
		return a.EndedAt.Before(b.EndedAt)
	}
	return a.RunID < b.RunID
}

// closer orders attempts that fall short: fewest unmet criteria, then
// highest overall score, then latest, then id.
func closer(a *RunFacts, aUnmet int, b *RunFacts, bUnmet int) bool {
	if c := cmp.Compare(aUnmet, bUnmet); c != 0 {
		return c < 0
	}
	if a.Overall != b.Overall {
		return a.Overall > b.Overall
	}
	if !a.EndedAt.Equal(b.EndedAt) {
		return a.EndedAt.After(b.EndedAt)
	}
	return a.RunID > b.RunID
}
