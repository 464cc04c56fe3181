package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/log"

	"oasis/content"
	"oasis/engine/course"
	"oasis/engine/score"
	"oasis/engine/store"
	"oasis/scenarios"
	"oasis/web"
)

type serveConfig struct {
	addr      string
	database  string
	logFormat string
	logLevel  string
	baseURL   string
	courses   string
}

func runServe(ctx context.Context, env *cli, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var cfg serveConfig
	fs.StringVar(&cfg.addr, "addr", envOr("OASIS_ADDR", "127.0.0.1:8080"), "address to listen on (OASIS_ADDR)")
	fs.StringVar(&cfg.database, "database", envOr("OASIS_DATABASE_URL", "oasis.db"), "SQLite file, or a postgres:// URL (OASIS_DATABASE_URL)")
	fs.StringVar(&cfg.logFormat, "log-format", envOr("OASIS_LOG_FORMAT", "text"), "log format: text or json (OASIS_LOG_FORMAT)")
	fs.StringVar(&cfg.logLevel, "log-level", envOr("OASIS_LOG_LEVEL", "info"), "log level: debug, info, warn or error (OASIS_LOG_LEVEL)")
	fs.StringVar(&cfg.baseURL, "base-url", os.Getenv("OASIS_BASE_URL"), "the URL people use to reach the server, for links (OASIS_BASE_URL; default http://ADDR)")
	fs.StringVar(&cfg.courses, "courses", os.Getenv("OASIS_COURSES"), "a folder of more course files to offer beside the bundled ones (OASIS_COURSES)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: oasis serve [flags]\n\nServes the Oasis web app. On first start with an empty database it prints a\none-time setup link that creates the first organisation admin.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	logger, err := newLogger(env, cfg.logFormat, cfg.logLevel)
	if err != nil {
		return &exitError{code: 2, msg: "oasis serve: " + err.Error()}
	}
	return serve(ctx, logger, cfg, nil)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func newLogger(env *cli, format, level string) (*log.Logger, error) {
	l := log.NewWithOptions(env.stderr, log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339})
	switch format {
	case "text":
	case "json":
		l.SetFormatter(log.JSONFormatter)
	default:
		return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
	}
	lv, err := log.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("--log-level: %v", err)
	}
	l.SetLevel(lv)
	return l, nil
}

// serve runs the server until ctx is cancelled. ready, when not nil,
// receives the address once the server is listening (for tests).
func serve(ctx context.Context, logger *log.Logger, cfg serveConfig, ready chan<- string) error {
	lib, err := scenarios.Load()
	if err != nil {
		return fmt.Errorf("bundled scenarios: %w", err)
	}
	courses, err := course.Load(content.Courses(), lib)
	if err != nil {
		return fmt.Errorf("bundled courses: %w", err)
	}
	if cfg.courses != "" {
		more, err := course.LoadPathsWith(courses, lib, cfg.courses)
		if err != nil {
			return fmt.Errorf("courses in %s:\n%w", cfg.courses, err)
		}
		if courses, err = course.Merge(courses, more); err != nil {
			return err
		}
	}
	scorer, err := score.Load(content.Scoring())
	if err != nil {
		return err
	}
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	st, err := store.Open(openCtx, cfg.database)
	cancel()
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (use --addr to pick another address)", cfg.addr, err)
	}
	base := cfg.baseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	srv := web.New(web.Config{Store: st, Library: lib, Courses: courses, Scorer: scorer, Log: logger, BaseURL: cfg.baseURL})
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	dbKind := "SQLite " + cfg.database
	if st.Postgres() {
		dbKind = "PostgreSQL"
	}
	logger.Info("oasis is running", "url", base, "database", dbKind, "scenarios", len(lib.Order), "courses", len(courses.Order))
	if token, err := st.NewSetupToken(ctx); err != nil {
		return err
	} else if token != "" {
		link := strings.TrimRight(base, "/") + "/setup?token=" + token
		logger.Info("first start: open this link to create your organisation and its admin account (it works once)", "link", link)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutCtx)
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
