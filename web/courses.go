package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"oasis/engine/course"
	"oasis/engine/scenario"
	"oasis/engine/store"
)

// Courses: what a trainee sees of a course and their progress, quiz
// attempts, and the certificate issued the moment a course is complete.
//
// Progress is worked out from the person's quiz attempts and ended runs
// each time it is asked for; nothing is cached, so a new course file or a
// revoked certificate shows at once.

// courseEvidence is everything a person has done that courses count.
type courseEvidence struct {
	quiz  []store.QuizAttempt
	runs  []course.RunFacts
	certs []store.Certificate // newest first
	// enrolled is the courses the person has put on their list (loaded
	// for one person only; the staff view reads enrolments itself).
	enrolled map[string]bool
}

// evidenceFor loads one person's evidence.
func (s *Server) evidenceFor(ctx context.Context, u store.User) (courseEvidence, error) {
	var ev courseEvidence
	var err error
	if ev.quiz, err = s.store.QuizAttempts(ctx, u.ID); err != nil {
		return ev, err
	}
	runs, err := s.store.EndedRuns(ctx, u.ID)
	if err != nil {
		return ev, err
	}
	for _, r := range runs {
		ev.runs = append(ev.runs, s.runFacts(r))
	}
	if ev.certs, err = s.store.Certificates(ctx, u.ID); err != nil {
		return ev, err
	}
	en, err := s.store.Enrollments(ctx, u.ID)
	ev.enrolled = map[string]bool{}
	for _, e := range en {
		ev.enrolled[e.CourseID] = true
	}
	return ev, err
}

// runFacts reads an ended run as course criteria do. Runs stored before
// facts were kept have only their outcome, overall score and ratio.
func (s *Server) runFacts(r store.RunResult) course.RunFacts {
	f := course.RunFacts{RunID: r.ID, Scenario: r.ScenarioID, Kind: r.Kind, Mode: r.Mode, EndedAt: r.EndedAt, Outcome: r.OutcomeID, StrengthsRatio: r.StrengthsRatio}
	if r.Overall != nil {
		f.Overall = *r.Overall
	}
	var sum runSummary
	if r.Summary != "" && json.Unmarshal([]byte(r.Summary), &sum) == nil {
		f.OutcomeTitle, f.Rating = sum.OutcomeTitle, sum.OutcomeRating
		if x := sum.Facts; x != nil {
			f.StrengthsRatio, f.OpenShare, f.ReflectionsPerQuestion = x.StrengthsRatio, x.OpenShare, x.ReflectionsPerQuestion
			f.Overall, f.StrengthsRevealed, f.MissedRisk = x.Overall, x.StrengthsRevealed, x.MissedRisk
			f.TasksPassed, f.TasksTotal = x.TasksPassed, x.TasksTotal
		}
	}
	if f.Rating == "" && r.OutcomeID != "" {
		if sc, ok := s.lib.Get(r.ScenarioID); ok {
			if rp, ok := sc.(*scenario.Roleplay); ok {
				if o, ok := rp.Outcome(r.OutcomeID); ok {
					f.OutcomeTitle, f.Rating = o.Title, string(o.Rating)
				}
			}
		}
	}
	return f
}

// Certificate statuses.
const (
	certValid    = "valid"
	certExpiring = "expiring" // still valid; renewal is open
	certExpired  = "expired"
	certRevoked  = "revoked"
)

// certStatus is a certificate's status at now.
func (s *Server) certStatus(c store.Certificate, now time.Time) string {
	switch {
	case c.RevokedAt != nil:
		return certRevoked
	case !now.Before(c.ExpiresAt):
		return certExpired
	case !now.Before(s.renewalOpens(c)):
		return certExpiring
	}
	return certValid
}

// renewalOpens is when a certificate's renewal opens: the course's
// renew_within_months before it expires (a course no longer offered
// cannot be renewed: never).
func (s *Server) renewalOpens(c store.Certificate) time.Time {
	co, ok := s.courses.Get(c.CourseID)
	if !ok || len(co.Certificate.Renewal) == 0 {
		return c.ExpiresAt
	}
	return c.ExpiresAt.AddDate(0, -co.Certificate.RenewWithinMonths, 0)
}

// current is the person's certificate for a course that is in force (not
// revoked, not expired), or nil.
func (s *Server) current(ev courseEvidence, courseID string, now time.Time) *store.Certificate {
	for i, c := range ev.certs {
		if c.CourseID != courseID {
			continue
		}
		if st := s.certStatus(c, now); st == certValid || st == certExpiring {
			return &ev.certs[i]
		}
	}
	return nil
}

// since is when evidence for a fresh certificate starts counting: strictly
// after the person's last certificate for the course was issued (to the
// millisecond, as stored), so that a revoked or expired certificate is not
// reissued from the same work.
func since(ev courseEvidence, courseID string) (time.Time, int) {
	var t time.Time
	n := 0
	for _, c := range ev.certs {
		if c.CourseID == courseID {
			n++
			if c.IssuedAt.After(t) {
				t = c.IssuedAt
			}
		}
	}
	return t, n
}

// evaluate works out a person's progress through a course. While a
// certificate is in force the work that earned it counts; otherwise only
// work done after their last certificate for it.
//
// For a course that requires others, work counts only from when the
// person first held each required certificate (one not revoked): the
// advanced course's practice is done as a certified practitioner.
func (s *Server) evaluate(c *course.Course, ev courseEvidence, now time.Time) course.Progress {
	var from time.Time
	if s.current(ev, c.ID, now) == nil {
		from, _ = since(ev, c.ID)
	}
	for _, req := range c.Requires {
		var first time.Time
		for _, cert := range ev.certs {
			if cert.CourseID == req && cert.RevokedAt == nil && (first.IsZero() || cert.IssuedAt.Before(first)) {
				first = cert.IssuedAt
			}
		}
		if first.After(from) {
			from = first
		}
	}
	e := course.Evidence{Quiz: map[string][]course.QuizAttempt{}}
	for _, a := range ev.quiz {
		if a.CourseID == c.ID && a.CreatedAt.After(from) {
			e.Quiz[a.ModuleID] = append(e.Quiz[a.ModuleID], course.QuizAttempt{ID: a.ID, Score: a.Score, Passed: a.Passed, At: a.CreatedAt})
		}
	}
	for _, r := range ev.runs {
		if r.EndedAt.After(from) {
			e.Runs = append(e.Runs, r)
		}
	}
	return course.Evaluate(c, e)
}

// locked says which required courses lack a certificate in force.
func (s *Server) missing(c *course.Course, ev courseEvidence, now time.Time) []string {
	var out []string
	for _, id := range c.Requires {
		if s.current(ev, id, now) == nil {
			out = append(out, id)
		}
	}
	return out
}

// evidenceItem is one line of a certificate's evidence: the requirement
// (in words) and what met it.
type evidenceItem struct {
	Requirement string `json:"requirement"`
	Kind        string `json:"kind"` // "quiz" or "run"
	Module      string `json:"module,omitempty"`
	Practice    string `json:"practice,omitempty"`
	AttemptID   string `json:"attempt_id,omitempty"`
	RunID       string `json:"run_id,omitempty"`
	Detail      string `json:"detail"`
}

func quizEvidence(m course.ModuleProgress, title string) evidenceItem {
	return evidenceItem{Requirement: title, Kind: "quiz", Module: m.ID, AttemptID: m.Quiz.ID,
		Detail: fmt.Sprintf("%d%% on %s", m.Quiz.Score, m.Quiz.At.Format("2 Jan 2006"))}
}

func runEvidence(p course.PracticeProgress, title string) evidenceItem {
	r := p.Run
	detail := ""
	if r.OutcomeTitle != "" {
		detail = r.OutcomeTitle + ", "
	}
	if r.Kind == "case" {
		detail += fmt.Sprintf("%d of %d tasks passed", r.TasksPassed, r.TasksTotal)
	} else {
		detail += fmt.Sprintf("overall %d", r.Overall)
	}
	detail += ", on " + r.EndedAt.Format("2 Jan 2006")
	return evidenceItem{Requirement: title, Kind: "run", Practice: p.ID, RunID: r.RunID, Detail: detail}
}

// certify issues the person's certificate for a course when its rules
// are met: the whole course when no certificate is in force, or the
// renewal practice once renewal has opened. It returns the new
// certificate, or nil when none was due. Two requests racing to issue
// the same one: the second finds the first's.
func (s *Server) certify(ctx context.Context, u store.User, c *course.Course, ev *courseEvidence, base string) (*store.Certificate, error) {
	if u.Role == store.RoleGuest {
		return nil, nil
	}
	now := s.cfg.Now().UTC()
	if len(s.missing(c, *ev, now)) > 0 {
		return nil, nil
	}
	cert := store.Certificate{OrgID: u.OrgID, UserID: u.ID, CourseID: c.ID, CourseTitle: c.Title, Title: c.Certificate.Title,
		Holder: u.Name, OrgName: u.Org.Name, IssuedAt: now.Truncate(time.Millisecond)}
	_, cert.Seq = since(*ev, c.ID)
	var items []evidenceItem
	if cur := s.current(*ev, c.ID, now); cur != nil {
		opens := s.renewalOpens(*cur)
		if now.Before(opens) {
			return nil, nil
		}
		var runs []course.RunFacts
		for _, r := range ev.runs {
			if !r.EndedAt.Before(opens) {
				runs = append(runs, r)
			}
		}
		met, ps := course.EvaluateRenewal(c, runs)
		if !met {
			return nil, nil
		}
		for _, p := range ps {
			pr, _ := c.Practice(p.ID)
			items = append(items, runEvidence(p, pr.Title))
		}
		cert.RenewalOf, cert.ExpiresAt = cur.ID, cur.ExpiresAt.AddDate(0, c.Certificate.ValidMonths, 0)
	} else {
		prog := s.evaluate(c, *ev, now)
		if !prog.Complete {
			return nil, nil
		}
		for i, m := range prog.Modules {
			items = append(items, quizEvidence(m, c.Modules[i].Title))
			for _, p := range m.Practice {
				pr, _ := c.Practice(p.ID)
				items = append(items, runEvidence(p, pr.Title))
			}
		}
		cert.ExpiresAt = cert.IssuedAt.AddDate(0, c.Certificate.ValidMonths, 0)
	}
	evJSON, _ := json.Marshal(items)
	cert.Evidence = string(evJSON)
	cert.ID = store.NewCertificateID()
	if err := s.sign(ctx, &cert, c, items, base); err != nil {
		return nil, err
	}
	err := s.store.IssueCertificate(ctx, &cert)
	if errors.Is(err, store.ErrConflict) {
		ev.certs, err = s.store.Certificates(ctx, u.ID)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	ev.certs = append([]store.Certificate{cert}, ev.certs...)
	s.log.Info("certificate issued", "certificate", cert.ID, "course", c.ID, "user", u.ID, "renewal_of", cert.RenewalOf)
	return &cert, nil
}

// certifyAll checks every course for a certificate now due; after a run
// ends it is the run that may have completed one.
func (s *Server) certifyAll(ctx context.Context, u store.User, ev *courseEvidence, base string) ([]store.Certificate, error) {
	var out []store.Certificate
	for _, c := range s.courses.All() {
		cert, err := s.certify(ctx, u, c, ev, base)
		if err != nil {
			return out, err
		}
		if cert != nil {
			out = append(out, *cert)
		}
	}
	return out, nil
}

// afterRunEnded issues any certificate the run completed, in the
// background: the run's last turn is not kept waiting for it.
func (s *Server) afterRunEnded(u store.User, base string) {
	if u.Role == store.RoleGuest || len(s.courses.Order) == 0 {
		return
	}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		// Shutdown waits for this rather than cancelling it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 30*time.Second)
		defer cancel()
		ev, err := s.evidenceFor(ctx, u)
		if err == nil {
			_, err = s.certifyAll(ctx, u, &ev, base)
		}
		if err != nil && ctx.Err() == nil {
			s.log.Error("certify after a run", "user", u.ID, "err", err)
		}
	}()
}

// Views of courses, as docs/api.md describes them.

type courseRequirement struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Met   bool   `json:"met"`
}

type progressSummary struct {
	Percent  int  `json:"percent"`
	Done     int  `json:"done"`
	Total    int  `json:"total"`
	Complete bool `json:"complete"`
}

type courseSummary struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Summary     string              `json:"summary"`
	Level       string              `json:"level"`
	Modules     int                 `json:"modules"`
	Requires    []courseRequirement `json:"requires"`
	Locked      bool                `json:"locked"`
	Enrolled    bool                `json:"enrolled"`
	Progress    progressSummary     `json:"progress"`
	Certificate *certificateView    `json:"certificate"`
}

type courseDetail struct {
	courseSummary
	Modules []moduleView `json:"modules"`
	Renewal *renewalView `json:"renewal"`
}

type moduleView struct {
	ID         string           `json:"id"`
	Title      string           `json:"title"`
	LessonHTML string           `json:"lesson_html"`
	Headings   []course.Heading `json:"headings"`
	Words      int              `json:"words"`
	Complete   bool             `json:"complete"`
	Done       int              `json:"done"`
	Total      int              `json:"total"`
	Quiz       quizView         `json:"quiz"`
	Practice   []practiceView   `json:"practice"`
}

type quizView struct {
	Pass      int            `json:"pass"`
	Questions []questionView `json:"questions"`
	Best      *attemptView   `json:"best"`
}

type questionView struct {
	ID      string   `json:"id"`
	Prompt  string   `json:"prompt"`
	Options []string `json:"options"`
}

type attemptView struct {
	Score   int             `json:"score"`
	Passed  bool            `json:"passed"`
	At      time.Time       `json:"at"`
	Results []course.Result `json:"results,omitempty"`
}

type practiceView struct {
	ID       string    `json:"id"`
	Scenario string    `json:"scenario"`
	Title    string    `json:"title"`
	Kind     string    `json:"kind"`
	Mode     string    `json:"mode"`
	Criteria []string  `json:"criteria"`
	Met      bool      `json:"met"`
	Best     *bestView `json:"best"`
}

type bestView struct {
	RunID          string    `json:"run_id"`
	EndedAt        time.Time `json:"ended_at"`
	Outcome        string    `json:"outcome,omitempty"`
	Rating         string    `json:"rating,omitempty"`
	Overall        int       `json:"overall"`
	StrengthsRatio *float64  `json:"strengths_ratio"`
	TasksPassed    int       `json:"tasks_passed,omitempty"`
	TasksTotal     int       `json:"tasks_total,omitempty"`
	Unmet          []string  `json:"unmet"`
}

type renewalView struct {
	Opens    time.Time      `json:"opens"`
	Expires  time.Time      `json:"expires"`
	Practice []practiceView `json:"practice"`
}

func (s *Server) practiceView(p course.Practice, pp course.PracticeProgress) practiceView {
	v := practiceView{ID: p.ID, Scenario: p.Scenario, Title: p.Title, Kind: p.Kind, Mode: p.Mode, Criteria: p.Pass.Describe(p.Kind), Met: pp.Met}
	if r := pp.Run; r != nil {
		v.Best = &bestView{RunID: r.RunID, EndedAt: r.EndedAt, Outcome: r.OutcomeTitle, Rating: r.Rating, Overall: r.Overall,
			StrengthsRatio: r.StrengthsRatio, TasksPassed: r.TasksPassed, TasksTotal: r.TasksTotal, Unmet: pp.Unmet}
		if v.Best.Unmet == nil {
			v.Best.Unmet = []string{}
		}
	}
	return v
}

func (s *Server) courseSummary(c *course.Course, ev courseEvidence, now time.Time, prog course.Progress, base string) courseSummary {
	v := courseSummary{ID: c.ID, Title: c.Title, Summary: c.Summary, Level: c.Level, Modules: len(c.Modules), Requires: []courseRequirement{},
		Enrolled: ev.enrolled[c.ID], Progress: progressSummary{prog.Percent, prog.Done, prog.Total, prog.Complete}}
	missing := s.missing(c, ev, now)
	for _, id := range c.Requires {
		title := id
		if rc, ok := s.courses.Get(id); ok {
			title = rc.Title
		}
		met := true
		for _, m := range missing {
			met = met && m != id
		}
		v.Requires = append(v.Requires, courseRequirement{ID: id, Title: title, Met: met})
	}
	v.Locked = len(missing) > 0
	for _, cert := range ev.certs {
		if cert.CourseID == c.ID {
			cv := s.certificateView(cert, now, base)
			v.Certificate = &cv
			break
		}
	}
	return v
}

func (s *Server) courseDetail(c *course.Course, ev courseEvidence, now time.Time, base string) courseDetail {
	prog := s.evaluate(c, ev, now)
	d := courseDetail{courseSummary: s.courseSummary(c, ev, now, prog, base)}
	for i, m := range c.Modules {
		mp := prog.Modules[i]
		mv := moduleView{ID: m.ID, Title: m.Title, LessonHTML: m.Lesson.HTML, Headings: m.Lesson.Headings, Words: m.Lesson.Words,
			Complete: mp.Complete, Done: mp.Done, Total: mp.Total, Practice: []practiceView{}}
		if mv.Headings == nil {
			mv.Headings = []course.Heading{}
		}
		mv.Quiz = quizView{Pass: m.Quiz.Pass}
		for _, q := range m.Quiz.Questions {
			qv := questionView{ID: q.ID, Prompt: q.Prompt}
			for _, o := range q.Options {
				qv.Options = append(qv.Options, o.Text)
			}
			mv.Quiz.Questions = append(mv.Quiz.Questions, qv)
		}
		if a := mp.Quiz; a != nil {
			mv.Quiz.Best = &attemptView{Score: a.Score, Passed: a.Passed, At: a.At}
		}
		for j, p := range m.Practice {
			mv.Practice = append(mv.Practice, s.practiceView(p, mp.Practice[j]))
		}
		d.Modules = append(d.Modules, mv)
	}
	if cur := s.current(ev, c.ID, now); cur != nil {
		if opens := s.renewalOpens(*cur); !now.Before(opens) {
			var runs []course.RunFacts
			for _, r := range ev.runs {
				if !r.EndedAt.Before(opens) {
					runs = append(runs, r)
				}
			}
			_, ps := course.EvaluateRenewal(c, runs)
			rv := &renewalView{Opens: opens, Expires: cur.ExpiresAt, Practice: []practiceView{}}
			for _, pp := range ps {
				p, _ := c.Practice(pp.ID)
				rv.Practice = append(rv.Practice, s.practiceView(p, pp))
			}
			d.Renewal = rv
		}
	}
	return d
}

// loadCourse is the course named in the path, with the caller's evidence
// after issuing anything due.
func (s *Server) loadCourse(r *http.Request, u store.User) (*course.Course, courseEvidence, error) {
	c, ok := s.courses.Get(r.PathValue("id"))
	if !ok {
		return nil, courseEvidence{}, errNotFound(fmt.Sprintf("There is no course %q; GET /api/courses lists them.", r.PathValue("id")))
	}
	ev, err := s.evidenceFor(r.Context(), u)
	if err != nil {
		return nil, ev, err
	}
	_, err = s.certify(r.Context(), u, c, &ev, s.baseURL(r))
	return c, ev, err
}

func (s *Server) handleCourses(w http.ResponseWriter, r *http.Request, u store.User) {
	ev, err := s.evidenceFor(r.Context(), u)
	if err == nil {
		_, err = s.certifyAll(r.Context(), u, &ev, s.baseURL(r))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	out := []courseSummary{}
	for _, c := range s.courses.All() {
		out = append(out, s.courseSummary(c, ev, now, s.evaluate(c, ev, now), s.baseURL(r)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"courses": out})
}

func (s *Server) handleCourse(w http.ResponseWriter, r *http.Request, u store.User) {
	c, ev, err := s.loadCourse(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"course": s.courseDetail(c, ev, s.cfg.Now(), s.baseURL(r))})
}

func (s *Server) lockedError(c *course.Course, missing []string) error {
	titles := ""
	for i, id := range missing {
		if i > 0 {
			titles += ", "
		}
		if rc, ok := s.courses.Get(id); ok {
			titles += rc.Title
		} else {
			titles += id
		}
	}
	return errForbidden(fmt.Sprintf("%s needs a certificate in %s first.", c.Title, titles))
}

// openCourse is loadCourse for changing one's progress: refused while
// the course is locked.
func (s *Server) openCourse(r *http.Request, u store.User) (*course.Course, courseEvidence, time.Time, error) {
	c, ev, err := s.loadCourse(r, u)
	now := s.cfg.Now()
	if err == nil {
		if missing := s.missing(c, ev, now); len(missing) > 0 {
			err = s.lockedError(c, missing)
		}
	}
	return c, ev, now, err
}

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request, u store.User) {
	if !s.sameOrigin(r) {
		s.fail(w, r, errForbidden("This request came from another site and was refused."))
		return
	}
	c, ev, now, err := s.openCourse(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.Enroll(r.Context(), u, c.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	ev.enrolled[c.ID] = true
	writeJSON(w, http.StatusOK, map[string]any{"course": s.courseDetail(c, ev, now, s.baseURL(r))})
}

// maxAnswers bounds a quiz submission.
const maxAnswers = 200

func (s *Server) handleQuiz(w http.ResponseWriter, r *http.Request, u store.User) {
	var f struct {
		Answers map[string]int `json:"answers"`
	}
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.limited(w, r, s.quizzes, u.ID) {
		return
	}
	if len(f.Answers) > maxAnswers {
		s.fail(w, r, errBadRequest("Too many answers for one quiz."))
		return
	}
	c, ev, now, err := s.openCourse(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var mod *course.Module
	for i := range c.Modules {
		if c.Modules[i].ID == r.PathValue("module") {
			mod = &c.Modules[i]
		}
	}
	if mod == nil {
		s.fail(w, r, errNotFound(fmt.Sprintf("The course %q has no module %q.", c.ID, r.PathValue("module"))))
		return
	}
	g, err := mod.Quiz.Grade(f.Answers)
	if err != nil {
		s.fail(w, r, errBadRequest(capitalise(err.Error())+"."))
		return
	}
	ansJSON, _ := json.Marshal(f.Answers)
	a := store.QuizAttempt{CourseID: c.ID, ModuleID: mod.ID, Score: g.Score, Passed: g.Passed, Answers: string(ansJSON)}
	if err := s.store.AddQuizAttempt(r.Context(), u, &a); err != nil {
		s.fail(w, r, err)
		return
	}
	ev.quiz = append(ev.quiz, a)
	ev.enrolled[c.ID] = true // a quiz attempt enrols
	cert, err := s.certify(r.Context(), u, c, &ev, s.baseURL(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{
		"attempt":     attemptView{Score: g.Score, Passed: g.Passed, At: a.CreatedAt, Results: g.Results},
		"course":      s.courseDetail(c, ev, now, s.baseURL(r)),
		"certificate": nil,
	}
	if cert != nil {
		out["certificate"] = s.certificateView(*cert, now, s.baseURL(r))
	}
	writeJSON(w, http.StatusOK, out)
}

// courseCredit is one course requirement a run was measured against.
type courseCredit struct {
	Course      string   `json:"course"`
	CourseTitle string   `json:"course_title"`
	Module      string   `json:"module"`
	ModuleTitle string   `json:"module_title"`
	Practice    string   `json:"practice"`
	Renewal     bool     `json:"renewal,omitempty"`
	Met         bool     `json:"met"`
	Unmet       []string `json:"unmet"`
}

// endWithCredits is endUpdate for a run that has just ended, with the
// report saying which of the person's course requirements the run met
// (courses still locked, or already certified with renewal not yet open,
// are left out). Guests' runs never count, so theirs say nothing.
func (s *Server) endWithCredits(ctx context.Context, u store.User, rec store.Run, rep *report) store.RunUpdate {
	upd := endUpdate(rep)
	if u.Role == store.RoleGuest || len(s.courses.Order) == 0 {
		return upd
	}
	certs, err := s.store.Certificates(ctx, u.ID)
	if err != nil {
		s.log.Warn("course credits for a run: certificates", "user", u.ID, "err", err)
		return upd
	}
	ev := courseEvidence{certs: certs}
	now := s.cfg.Now()
	f := s.runFacts(store.RunResult{ID: rec.ID, ScenarioID: rec.ScenarioID, Kind: rec.Kind, Mode: rec.Mode, OutcomeID: upd.OutcomeID,
		Overall: upd.Overall, StrengthsRatio: upd.StrengthsRatio, Summary: upd.Summary, EndedAt: now})
	for _, c := range s.courses.All() {
		if len(s.missing(c, ev, now)) > 0 {
			continue
		}
		renewal := false
		if cur := s.current(ev, c.ID, now); cur != nil {
			if now.Before(s.renewalOpens(*cur)) {
				continue
			}
			renewal = true
		}
		for _, m := range c.Modules {
			for _, p := range m.Practice {
				if p.Scenario != rec.ScenarioID || (renewal && !slices.Contains(c.Certificate.Renewal, p.ID)) {
					continue
				}
				met, unmet := p.Check(f)
				if unmet == nil {
					unmet = []string{}
				}
				rep.CountsTowards = append(rep.CountsTowards, courseCredit{Course: c.ID, CourseTitle: c.Title, Module: m.ID, ModuleTitle: m.Title,
					Practice: p.ID, Renewal: renewal, Met: met, Unmet: unmet})
			}
		}
	}
	if len(rep.CountsTowards) > 0 {
		upd = endUpdate(rep)
	}
	return upd
}
