package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"oasis/engine/store"
	"oasis/engine/store/storetest"
)

var ctx = context.Background()

// setup makes an organisation with an admin and returns them.
func setup(t *testing.T, s *store.Store) store.User {
	t.Helper()
	token, err := s.NewSetupToken(ctx)
	if err != nil || token == "" {
		t.Fatalf("setup token %q: %v", token, err)
	}
	u, err := s.Setup(ctx, token, "Eastside", store.User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func invite(t *testing.T, s *store.Store, admin store.User, role store.Role, email string) store.User {
	t.Helper()
	tok := store.NewToken("inv")
	if err := s.CreateInvite(ctx, tok, store.Invite{OrgID: admin.OrgID, Role: role, CreatedBy: admin.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	u, err := s.SignUp(ctx, tok, store.User{Email: email, Name: email, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSetup(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		if needed, _ := s.SetupNeeded(ctx); !needed {
			t.Fatal("an empty database needs setting up")
		}
		first, _ := s.NewSetupToken(ctx)
		second, _ := s.NewSetupToken(ctx)
		if _, err := s.Setup(ctx, first, "X", store.User{Email: "a@x", Name: "A", PasswordHash: "h"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an earlier setup token still works: %v", err)
		}
		admin, err := s.Setup(ctx, second, "Eastside", store.User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h"})
		if err != nil {
			t.Fatal(err)
		}
		if admin.Role != store.RoleAdmin || admin.Org.Name != "Eastside" || admin.ID == "" {
			t.Errorf("admin %+v", admin)
		}
		if _, err := s.Setup(ctx, second, "Again", store.User{Email: "b@x", Name: "B", PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("setup twice: %v", err)
		}
		if tok, _ := s.NewSetupToken(ctx); tok != "" {
			t.Error("a set-up server hands out setup tokens")
		}
		got, err := s.UserByEmail(ctx, "ana@example.org")
		if err != nil || got.ID != admin.ID || got.Org.ID != admin.Org.ID {
			t.Errorf("user by email: %+v %v", got, err)
		}
	})
}

func TestInvitesAndSignUp(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		tok := store.NewToken("inv")
		s.CreateInvite(ctx, tok, store.Invite{OrgID: admin.OrgID, Role: store.RoleTrainer, CreatedBy: admin.ID, ExpiresAt: time.Now().Add(time.Hour)})
		inv, err := s.InviteByToken(ctx, tok)
		if err != nil || inv.Role != store.RoleTrainer || inv.OrgName != "Eastside" {
			t.Fatalf("invite %+v %v", inv, err)
		}
		u, err := s.SignUp(ctx, tok, store.User{Email: "sam@example.org", Name: "Sam", PasswordHash: "h"})
		if err != nil || u.Role != store.RoleTrainer || u.OrgID != admin.OrgID {
			t.Fatalf("sign up %+v %v", u, err)
		}
		if _, err := s.SignUp(ctx, tok, store.User{Email: "other@example.org", Name: "O", PasswordHash: "h"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an invite used twice: %v", err)
		}
		tok2 := store.NewToken("inv")
		s.CreateInvite(ctx, tok2, store.Invite{OrgID: admin.OrgID, Role: store.RoleTrainee, CreatedBy: admin.ID, ExpiresAt: time.Now().Add(time.Hour)})
		if _, err := s.SignUp(ctx, tok2, store.User{Email: "sam@example.org", Name: "Sam again", PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second account for one email: %v", err)
		}
		if _, err := s.InviteByToken(ctx, tok2); err != nil {
			t.Errorf("a failed sign-up used up the invite: %v", err)
		}
		expired := store.NewToken("inv")
		s.CreateInvite(ctx, expired, store.Invite{OrgID: admin.OrgID, Role: store.RoleTrainee, CreatedBy: admin.ID, ExpiresAt: time.Now().Add(-time.Minute)})
		if _, err := s.InviteByToken(ctx, expired); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired invite: %v", err)
		}
		members, err := s.Members(ctx, admin.OrgID)
		if err != nil || len(members) != 2 {
			t.Errorf("members %+v %v", members, err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		tok := store.NewToken("ses")
		s.CreateSession(ctx, tok, admin.ID, time.Now().Add(time.Hour))
		u, err := s.SessionUser(ctx, tok)
		if err != nil || u.ID != admin.ID || u.Org.Name != "Eastside" {
			t.Fatalf("session user %+v %v", u, err)
		}
		if _, err := s.SessionUser(ctx, "ses_wrong"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a wrong session token: %v", err)
		}
		s.DeleteSession(ctx, tok)
		if _, err := s.SessionUser(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a deleted session: %v", err)
		}
		old := store.NewToken("ses")
		s.CreateSession(ctx, old, admin.ID, time.Now().Add(-time.Second))
		if _, err := s.SessionUser(ctx, old); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired session: %v", err)
		}
	})
}

func TestTurnsAreStoredOnceAndInOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		run := &store.Run{OrgID: admin.OrgID, UserID: admin.ID, ScenarioID: "x", Kind: "roleplay", Mode: "free"}
		if err := s.CreateRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		rec := store.TurnRecord{N: 1, ClientID: "t_aaaaaaaa", Input: `{"text":"hi"}`, Score: "{}", State: "{}"}
		got, dup, err := s.AppendTurn(ctx, admin.ID, run.ID, rec, store.RunUpdate{})
		if err != nil || dup || got.N != 1 {
			t.Fatalf("first turn %+v dup %v: %v", got, dup, err)
		}
		got, dup, err = s.AppendTurn(ctx, admin.ID, run.ID, store.TurnRecord{N: 2, ClientID: "t_aaaaaaaa", Input: `{"text":"different"}`, Score: "{}", State: "{}"}, store.RunUpdate{})
		if err != nil || !dup || got.Input != `{"text":"hi"}` {
			t.Errorf("a resent turn: %+v dup %v: %v", got, dup, err)
		}
		if _, _, err := s.AppendTurn(ctx, admin.ID, run.ID, store.TurnRecord{N: 5, ClientID: "t_bbbbbbbb", Input: "{}", Score: "{}", State: "{}"}, store.RunUpdate{}); !errors.Is(err, store.ErrStale) {
			t.Errorf("a turn out of order: %v", err)
		}
		overall, ratio := 72, 0.8
		if _, _, err := s.AppendTurn(ctx, admin.ID, run.ID, store.TurnRecord{N: 2, ClientID: "t_cccccccc", Input: "{}", Score: "{}", State: "{}"},
			store.RunUpdate{Ended: true, OutcomeID: "good", Overall: &overall, StrengthsRatio: &ratio, Summary: `{"a":1}`, Report: `{"b":2}`}); err != nil {
			t.Fatal(err)
		}
		r, err := s.Run(ctx, admin.ID, run.ID)
		if err != nil || r.Status != store.StatusEnded || r.Turns != 2 || *r.Overall != 72 || *r.StrengthsRatio != 0.8 || r.Report != `{"b":2}` || r.EndedAt == nil {
			t.Errorf("ended run %+v %v", r, err)
		}
		if _, _, err := s.AppendTurn(ctx, admin.ID, run.ID, store.TurnRecord{N: 3, ClientID: "t_dddddddd", Input: "{}", Score: "{}", State: "{}"}, store.RunUpdate{}); !errors.Is(err, store.ErrRunEnded) {
			t.Errorf("a turn after the end: %v", err)
		}
		turns, err := s.Turns(ctx, admin.ID, run.ID)
		if err != nil || len(turns) != 2 || turns[0].N != 1 || turns[1].ClientID != "t_cccccccc" {
			t.Errorf("turns %+v %v", turns, err)
		}
	})
}

// TestConcurrentResends sends the same turn from many connections at
// once: exactly one is stored, and every sender gets it back.
func TestConcurrentResends(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		run := &store.Run{OrgID: admin.OrgID, UserID: admin.ID, ScenarioID: "x", Kind: "roleplay", Mode: "free"}
		s.CreateRun(ctx, run)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				got, _, err := s.AppendTurn(ctx, admin.ID, run.ID, store.TurnRecord{N: 1, ClientID: "t_same0000", Input: fmt.Sprintf(`{"i":%d}`, i), Score: "{}", State: "{}"}, store.RunUpdate{})
				if err == nil && got.N != 1 {
					err = fmt.Errorf("got turn %d", got.N)
				}
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		turns, _ := s.Turns(ctx, admin.ID, run.ID)
		if len(turns) != 1 {
			t.Errorf("%d turns stored, want 1", len(turns))
		}
	})
}

// TestScoping tries to reach one user's run as another user, in the same
// organisation and in another: every path finds nothing.
func TestScoping(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		alice := invite(t, s, admin, store.RoleTrainee, "alice@example.org")
		bob := invite(t, s, admin, store.RoleTrainee, "bob@example.org")
		run := &store.Run{OrgID: alice.OrgID, UserID: alice.ID, ScenarioID: "x", Kind: "case", Mode: "free"}
		s.CreateRun(ctx, run)
		if _, err := s.Run(ctx, bob.ID, run.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bob reads alice's run: %v", err)
		}
		if runs, _ := s.Runs(ctx, bob.ID); len(runs) != 0 {
			t.Errorf("bob lists %d runs", len(runs))
		}
		if _, _, err := s.AppendAnswer(ctx, bob.ID, run.ID, store.AnswerRecord{N: 1, ClientID: "a_11111111", TaskID: "q", Answer: "{}", Feedback: "{}"}, store.RunUpdate{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bob answers in alice's run: %v", err)
		}
		if _, _, err := s.AppendTurn(ctx, bob.ID, run.ID, store.TurnRecord{N: 1, ClientID: "t_11111111", Input: "{}", Score: "{}", State: "{}"}, store.RunUpdate{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bob plays in alice's run: %v", err)
		}
		if _, _, err := s.AppendAnswer(ctx, alice.ID, run.ID, store.AnswerRecord{N: 1, ClientID: "a_11111111", TaskID: "q", Answer: "{}", Feedback: "{}", Passed: true}, store.RunUpdate{}); err != nil {
			t.Fatal(err)
		}
		if as, _ := s.Answers(ctx, bob.ID, run.ID); len(as) != 0 {
			t.Errorf("bob reads %d of alice's answers", len(as))
		}
		if ts, _ := s.Turns(ctx, bob.ID, run.ID); len(ts) != 0 {
			t.Errorf("bob reads %d of alice's turns", len(ts))
		}
		as, _ := s.Answers(ctx, alice.ID, run.ID)
		if len(as) != 1 || !as[0].Passed {
			t.Errorf("alice's answers %+v", as)
		}
	})
}

func TestReopenKeepsData(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin := setup(t, s)
	s.Close()
	s.Close() // idempotent
	s, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if u, err := s.UserByEmail(ctx, "ana@example.org"); err != nil || u.ID != admin.ID {
		t.Errorf("after reopening: %+v %v", u, err)
	}
}

func TestOpenBadDSN(t *testing.T) {
	if _, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"); err == nil {
		t.Error("opened an unreachable database")
	}
	if _, err := store.Open(ctx, "/nonexistent-dir/x/oasis.db"); err == nil {
		t.Error("opened a database in a directory that does not exist")
	}
}

// TestGroupCommit sends many turns at once, some of them doomed (a wrong
// turn number, a cancelled request): on SQLite they share transactions,
// and each must still succeed or fail on its own.
func TestGroupCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		admin := setup(t, s)
		const n = 120
		runs := make([]*store.Run, n)
		for i := range runs {
			runs[i] = &store.Run{OrgID: admin.OrgID, UserID: admin.ID, ScenarioID: "x", Kind: "roleplay", Mode: "free"}
			if err := s.CreateRun(ctx, runs[i]); err != nil {
				t.Fatal(err)
			}
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range runs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				c, turn := ctx, 1
				switch i % 3 {
				case 1:
					turn = 2 // not the next turn: stale
				case 2:
					if i%2 == 0 {
						c = cancelled
					}
				}
				_, _, errs[i] = s.AppendTurn(c, admin.ID, runs[i].ID, store.TurnRecord{N: turn, ClientID: fmt.Sprintf("t_batch%04d", i), Input: "{}", Score: "{}", State: "{}"}, store.RunUpdate{})
			}(i)
		}
		wg.Wait()
		for i, r := range runs {
			turns, err := s.Turns(ctx, admin.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantStored := i%3 == 0 || i%3 == 2 && i%2 != 0
			switch {
			case wantStored && (errs[i] != nil || len(turns) != 1):
				t.Errorf("run %d: err %v, %d turns stored; want it stored", i, errs[i], len(turns))
			case !wantStored && (errs[i] == nil || len(turns) != 0):
				t.Errorf("run %d: err %v, %d turns stored; want a refusal and nothing stored", i, errs[i], len(turns))
			case i%3 == 1 && !errors.Is(errs[i], store.ErrStale):
				t.Errorf("run %d: %v, want ErrStale", i, errs[i])
			}
		}
	})
}
