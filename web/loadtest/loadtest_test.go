package loadtest_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"oasis/content"
	"oasis/engine/score"
	"oasis/engine/store"
	"oasis/engine/store/storetest"
	"oasis/scenarios"
	"oasis/web"
	"oasis/web/loadtest"
)

// sessions makes signed-in accounts straight in the store, as the command
// does.
func sessions(st *store.Store) func(ctx context.Context, n int, role string) ([]string, error) {
	var admin store.User
	return func(ctx context.Context, n int, role string) ([]string, error) {
		if admin.ID == "" {
			var err error
			admin, err = st.CreateOrganization(ctx, "Load test", store.User{Email: "admin@load.test", Name: "Admin", PasswordHash: "!"})
			if err != nil {
				return nil, err
			}
		}
		out := make([]string, n)
		for i := range out {
			u, err := st.CreateUser(ctx, admin.OrgID, store.User{Email: fmt.Sprintf("%s%d@load.test", role, i), Name: role, Role: store.Role(role), PasswordHash: "!"})
			if err != nil {
				return nil, err
			}
			out[i] = store.NewToken("ses")
			if err := st.CreateSession(ctx, out[i], u.ID, time.Now().Add(time.Hour)); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// TestGroupLoad runs a small group load test against a real server: the
// trainees' turns are answered, every broadcast and pause reaches every
// trainee, and nothing fails.
func TestGroupLoad(t *testing.T) {
	lib, err := scenarios.Load()
	if err != nil {
		t.Fatal(err)
	}
	scorer, err := score.Load(content.Scoring())
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), storetest.SQLiteDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := web.New(web.Config{Store: st, Library: lib, Scorer: scorer, Log: log.New(io.Discard)})
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	var logged strings.Builder
	res, err := loadtest.Run(context.Background(), loadtest.Config{
		URL: hs.URL, Groups: 2, GroupSize: 5, Duration: 3 * time.Second, Interval: 200 * time.Millisecond,
		BroadcastEvery: 400 * time.Millisecond, Sessions: sessions(st), Log: &logged,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, logged.String())
	}
	if res.Connected != 10 || res.Errors != 0 {
		t.Errorf("connected %d, errors %d: %v", res.Connected, res.Errors, res.Errs)
	}
	if res.Replies < 50 || res.P99 <= 0 {
		t.Errorf("%d replies (p99 %s) to %d responses", res.Replies, res.P99, res.Sent)
	}
	// Each trainer sends about seven broadcasts or pauses in 3 s; each
	// reaches the five trainees of its session.
	if res.FanoutN < 2*5*4 || res.FanoutP99 <= 0 {
		t.Errorf("%d deliveries measured (p99 %s)", res.FanoutN, res.FanoutP99)
	}
}
