package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"oasis/engine/store"
	"oasis/web"
	"oasis/web/loadtest"
)

func runLoadtest(ctx context.Context, env *cli, args []string) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var cfg loadtest.Config
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the server to load (load tests only ever target your own machine)")
	fs.IntVar(&cfg.Trainees, "trainees", 100, "simulated trainees")
	fs.DurationVar(&cfg.Duration, "duration", time.Minute, "how long to run")
	fs.DurationVar(&cfg.Interval, "interval", 2*time.Second, "time between one trainee's responses")
	fs.DurationVar(&cfg.RampUp, "ramp-up", 10*time.Second, "trainees connect evenly over this time")
	database := fs.String("database", envOr("OASIS_DATABASE_URL", "oasis.db"), "the server's database, where the trainee accounts are created (OASIS_DATABASE_URL)")
	scen := fs.String("scenarios", "", "comma-separated role plays to play (default: all four bundled)")
	fs.IntVar(&cfg.Groups, "groups", 0, "group mode: this many trainer-paced sessions (0: every trainee plays alone)")
	fs.IntVar(&cfg.GroupSize, "group-size", 100, "group mode: trainees in each session (--trainees is then ignored)")
	fs.StringVar(&cfg.TraineeURL, "trainee-url", "", "group mode: the instance the trainees connect to (default --url; another instance on the same PostgreSQL measures the cross-instance fan-out)")
	fs.DurationVar(&cfg.BroadcastEvery, "broadcast-every", 5*time.Second, "group mode: time between one trainer's broadcasts (every fourth is a pause, resumed a second later)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: oasis loadtest [flags]\n\nSimulates trainees over real websockets against a server on this machine and\nprints the round-trip percentiles, errors and the server's memory. Trainee\naccounts (in an organisation called \"Load test\") and their sessions are\ncreated in the server's database.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	for _, u := range []string{cfg.URL, cfg.TraineeURL} {
		if u != "" && !strings.HasPrefix(u, "http://127.0.0.1") && !strings.HasPrefix(u, "http://localhost") && !strings.HasPrefix(u, "http://[::1]") {
			return &exitError{code: 2, msg: "oasis loadtest: --url and --trainee-url must be servers on this machine (127.0.0.1 or localhost), not " + u}
		}
	}
	if cfg.Groups < 0 || cfg.Groups > 0 && cfg.GroupSize < 1 {
		return &exitError{code: 2, msg: "oasis loadtest: --groups must be 0 or more, and --group-size at least 1"}
	}
	if *scen != "" {
		cfg.Scenarios = strings.Split(*scen, ",")
	}
	cfg.Log = env.stderr
	cfg.Sessions = func(ctx context.Context, n int, role string) ([]string, error) {
		return loadtestSessions(ctx, *database, n, store.Role(role))
	}
	res, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return err
	}
	res.Write(env.stdout)
	return nil
}

// loadtestSessions makes (or reuses) n accounts with the role in a "Load
// test" organisation and signs each in.
func loadtestSessions(ctx context.Context, database string, n int, role store.Role) ([]string, error) {
	st, err := store.Open(ctx, database)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	const adminEmail = "admin@loadtest.example.test"
	admin, err := st.UserByEmail(ctx, adminEmail)
	if errors.Is(err, store.ErrNotFound) {
		admin, err = st.CreateOrganization(ctx, "Load test", store.User{Email: adminEmail, Name: "Load test admin", PasswordHash: web.HashPassword(store.NewToken("pw"))})
	}
	if err != nil {
		return nil, err
	}
	hash := web.HashPassword(store.NewToken("pw")) // nobody signs in with these accounts by password
	tokens := make([]string, n)
	for i := range tokens {
		email := fmt.Sprintf("%s%05d@loadtest.example.test", role, i)
		u, err := st.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			u, err = st.CreateUser(ctx, admin.OrgID, store.User{Email: email, Name: fmt.Sprintf("Load %s %d", role, i), Role: role, PasswordHash: hash})
		}
		if err != nil {
			return nil, err
		}
		tokens[i] = store.NewToken("ses")
		if err := st.CreateSession(ctx, tokens[i], u.ID, time.Now().Add(24*time.Hour)); err != nil {
			return nil, err
		}
	}
	return tokens, nil
}
