// Command oasis is the Oasis practice simulator for strengths-based case
// management: it serves the web app, validates and plays scenarios in the
// terminal, scores utterances, verifies certificates and load-tests a server.
//
// Usage:
//
//	oasis <command> [flags] [arguments]
//
// Run `oasis help` for the list of commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand: flags and wiring only, the work is done by
// the engine and web packages.
type command struct {
	summary string
	run     func(ctx context.Context, env *cli, args []string) error
}

// cli carries the process's standard streams so commands can be tested.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitError ends the process with a status code after its message (if any)
// has been printed.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func commands() map[string]command {
	return map[string]command{
		"validate": {"check scenario and course files and report every problem as file:line:col", runValidate},
		"score":    {"label utterances: focus, skills, evidence, tip; evaluate and train the scorer", runScore},
		"play":     {"play a role play in the terminal (free text, or option numbers with --beginner)", runPlay},
		"serve":    {"serve the web app (SQLite by default, or PostgreSQL)", runServe},
		"org":      {"create another organisation and its admin on a server's database", runOrg},
		"cert":     {"verify a certificate's credential offline: oasis cert verify FILE.json [--key KEY]", runCert},
		"loadtest": {"simulate trainees over websockets against a local server and report latencies", runLoadtest},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, &cli{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, env *cli, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "oasis: unknown command %q\n\n", args[0])
		usage(env.stderr, cmds)
		return 2
	}
	err := cmd.run(ctx, env, args[1:])
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(env.stderr, ee.msg)
		}
		return ee.code
	default:
		fmt.Fprintf(env.stderr, "oasis %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Oasis: a practice simulator for strengths-based case management.")
	fmt.Fprintln(w, "\nUsage: oasis <command> [flags] [arguments]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `oasis <command> -h` for a command's flags.")
}
