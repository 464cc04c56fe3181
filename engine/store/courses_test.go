package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"oasis/engine/store"
	"oasis/engine/store/storetest"
)

func TestOrgKeyMadeOnceAndKept(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		if _, err := s.OrgPublicKey(ctx, admin.OrgID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("key before first use: %v", err)
		}
		var wg sync.WaitGroup
		keys := make([]store.OrgKey, 8)
		errs := make([]error, 8)
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keys[i], errs[i] = s.OrgKey(ctx, admin.OrgID)
			}()
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !keys[i].Public.Equal(keys[0].Public) || !keys[i].Private.Equal(keys[0].Private) {
				t.Fatal("concurrent first uses made different keys")
			}
		}
		pub, err := s.OrgPublicKey(ctx, admin.OrgID)
		if err != nil || !pub.Public.Equal(keys[0].Public) {
			t.Fatalf("public key = %v, %v", pub, err)
		}
		if _, err := s.OrgKey(ctx, "o_NOSUCH"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("key of an unknown organisation: %v", err)
		}
	})
}

func TestCertificatesIssuedOnceAndScoped(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		sam := invite(t, s, admin, store.RoleTrainee, "sam@example.org")
		other, err := s.CreateOrganization(ctx, "Westside", store.User{Email: "wes@example.org", Name: "Wes", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		a := store.QuizAttempt{CourseID: "sbcm-basic", ModuleID: "principles", Score: 80, Passed: true, Answers: `{"q1":0}`}
		if err := s.AddQuizAttempt(ctx, sam, &a); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.QuizAttempts(ctx, sam.ID); len(got) != 1 || got[0].Score != 80 || !got[0].Passed {
			t.Fatalf("attempts = %+v", got)
		}
		if en, _ := s.OrgEnrollments(ctx, admin.OrgID); len(en) != 1 || en[0].CourseID != "sbcm-basic" {
			t.Fatalf("a quiz attempt did not enrol: %+v", en)
		}
		if err := s.Enroll(ctx, sam, "sbcm-basic"); err != nil {
			t.Fatalf("enrolling twice: %v", err)
		}
		if en, _ := s.OrgEnrollments(ctx, other.OrgID); len(en) != 0 {
			t.Fatalf("another organisation sees enrolments: %+v", en)
		}

		// Two requests that both saw no certificate: one issues, one conflicts.
		now := time.Now().UTC().Truncate(time.Millisecond)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := store.Certificate{ID: store.NewCertificateID(), OrgID: sam.OrgID, UserID: sam.ID, CourseID: "sbcm-basic", Seq: 0,
					CourseTitle: "Basic", Title: "Certificate", Holder: sam.Name, OrgName: "Eastside", IssuedAt: now, ExpiresAt: now.AddDate(2, 0, 0),
					Evidence: "[]", Credential: "{}"}
				errs[i] = s.IssueCertificate(ctx, &c)
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("issued %d, conflicts %d; want 1 and 1", ok, conflicts)
		}
		certs, err := s.Certificates(ctx, sam.ID)
		if err != nil || len(certs) != 1 || !certs[0].IssuedAt.Equal(now) {
			t.Fatalf("certificates = %+v, %v", certs, err)
		}
		id := certs[0].ID
		if _, err := s.RevokeCertificate(ctx, other.OrgID, id, other.ID, "no"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another organisation revoked: %v", err)
		}
		c, err := s.RevokeCertificate(ctx, admin.OrgID, id, admin.ID, "Issued in error.")
		if err != nil || c.RevokedAt == nil {
			t.Fatalf("revoke: %+v, %v", c, err)
		}
		if _, err := s.RevokeCertificate(ctx, admin.OrgID, id, admin.ID, "again"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("revoking twice: %v", err)
		}
		got, err := s.Certificate(ctx, id)
		if err != nil || got.RevokeReason != "Issued in error." || got.RevokedBy != admin.ID {
			t.Fatalf("after revoking: %+v, %v", got, err)
		}
		if oc, _ := s.OrgCertificates(ctx, other.OrgID); len(oc) != 0 {
			t.Fatalf("another organisation lists certificates: %+v", oc)
		}
	})
}
