package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"oasis/content"
	"oasis/engine/course"
	"oasis/engine/store"
	"oasis/scenarios"
)

// BenchmarkStaffView measures the organisation view's work for an
// organisation of 300 staff, each enrolled in two courses with a quiz
// attempt per module and six ended runs, a third of them certified.
func BenchmarkStaffView(b *testing.B) {
	ctx := context.Background()
	lib, err := scenarios.Load()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := course.Load(content.Courses(), lib)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	admin, err := st.CreateOrganization(ctx, "Eastside", store.User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h"})
	if err != nil {
		b.Fatal(err)
	}
	s := New(Config{Store: st, Library: lib, Courses: cat, Log: log.New(io.Discard)})
	defer s.Shutdown(ctx)
	basic, _ := cat.Get("sbcm-basic")
	sum, _ := json.Marshal(runSummary{OutcomeTitle: "Guarded maybe", OutcomeRating: "mixed", Facts: &summaryFacts{Overall: 70, StrengthsRevealed: 3}})
	const staff = 300
	for i := range staff {
		u, err := st.CreateUser(ctx, admin.OrgID, store.User{Email: fmt.Sprintf("p%03d@example.org", i), Name: fmt.Sprintf("Person %03d", i), Role: store.RoleTrainee, PasswordHash: "h"})
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range basic.Modules {
			a := store.QuizAttempt{CourseID: basic.ID, ModuleID: m.ID, Score: 80, Passed: true, Answers: "{}"}
			if err := st.AddQuizAttempt(ctx, u, &a); err != nil {
				b.Fatal(err)
			}
		}
		st.Enroll(ctx, u, "sbcm-supervision")
		for j := range 6 {
			sc := []string{"engagement-marcus", "assessment-rosa", "planning-dev"}[j%3]
			r := store.Run{OrgID: u.OrgID, UserID: u.ID, ScenarioID: sc, Kind: "roleplay", Mode: "free"}
			if err := st.CreateRun(ctx, &r); err != nil {
				b.Fatal(err)
			}
			overall := 70
			if _, _, err := st.AppendTurn(ctx, u.ID, r.ID, store.TurnRecord{N: 1, ClientID: fmt.Sprintf("t_%08d", j), Input: "{}", Score: "{}", State: "{}"},
				store.RunUpdate{Ended: true, OutcomeID: "guarded-maybe", Overall: &overall, Summary: string(sum), Report: "{}"}); err != nil {
				b.Fatal(err)
			}
		}
		if i%3 == 0 {
			now := time.Now()
			c := store.Certificate{ID: store.NewCertificateID(), OrgID: u.OrgID, UserID: u.ID, CourseID: basic.ID, CourseTitle: basic.Title, Title: "c",
				Holder: u.Name, OrgName: "Eastside", IssuedAt: now, ExpiresAt: now.AddDate(2, 0, 0), Evidence: "[]", Credential: "{}"}
			if err := st.IssueCertificate(ctx, &c); err != nil {
				b.Fatal(err)
			}
		}
	}
	rows, _, err := s.staff(ctx, admin.OrgID, staffFilter{})
	if err != nil || len(rows) != 2*staff {
		b.Fatalf("%d rows, %v", len(rows), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := s.staff(ctx, admin.OrgID, staffFilter{sort: "-progress"}); err != nil {
			b.Fatal(err)
		}
	}
}
