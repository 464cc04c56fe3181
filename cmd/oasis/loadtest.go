package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

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
	fs.StringVar(&cfg.AdminEmail, "admin-email", "", "an organisation admin, who invites the trainee accounts the first time")
	fs.StringVar(&cfg.SetupToken, "setup-token", "", "set up a fresh server with this token instead")
	scen := fs.String("scenarios", "", "comma-separated role plays to play (default: all four bundled)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: oasis loadtest [flags]\n\nSimulates trainees over real websockets and prints the round-trip\npercentiles and errors. The admin's password is read from OASIS_ADMIN_PASSWORD.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	if !strings.HasPrefix(cfg.URL, "http://127.0.0.1") && !strings.HasPrefix(cfg.URL, "http://localhost") && !strings.HasPrefix(cfg.URL, "http://[::1]") {
		return &exitError{code: 2, msg: "oasis loadtest: --url must be a server on this machine (127.0.0.1 or localhost)"}
	}
	cfg.AdminPassword = os.Getenv("OASIS_ADMIN_PASSWORD")
	if *scen != "" {
		cfg.Scenarios = strings.Split(*scen, ",")
	}
	cfg.Log = env.stderr
	res, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return err
	}
	res.Write(env.stdout)
	return nil
}
