package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"unicode/utf8"

	"oasis/engine/store"
	"oasis/web"
)

// runOrg manages organisations on a server's database. The first
// organisation is created in the browser with the setup link; a server
// that hosts several organisations gets the others here.
func runOrg(ctx context.Context, env *cli, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return &exitError{code: 2, msg: "Usage: oasis org create --name NAME --admin-name NAME --admin-email EMAIL [--database DB] < password"}
	}
	fs := flag.NewFlagSet("org create", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	database := fs.String("database", envOr("OASIS_DATABASE_URL", "oasis.db"), "SQLite file, or a postgres:// URL (OASIS_DATABASE_URL)")
	name := fs.String("name", "", "the organisation's name")
	adminName := fs.String("admin-name", "", "its admin's name")
	adminEmail := fs.String("admin-email", "", "its admin's email address")
	if err := fs.Parse(args[1:]); err != nil {
		return &exitError{code: 2}
	}
	if strings.TrimSpace(*name) == "" || strings.TrimSpace(*adminName) == "" || !strings.Contains(*adminEmail, "@") {
		return &exitError{code: 2, msg: "oasis org create: give --name, --admin-name and --admin-email"}
	}
	fmt.Fprint(env.stderr, "Admin's password (at least 10 characters), then Enter: ")
	sc := bufio.NewScanner(env.stdin)
	if !sc.Scan() {
		return errors.New("no password given on standard input")
	}
	password := strings.TrimRight(sc.Text(), "\r")
	fmt.Fprintln(env.stderr)
	if utf8.RuneCountInString(password) < 10 {
		return errors.New("the password must have at least 10 characters")
	}
	st, err := store.Open(ctx, *database)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateOrganization(ctx, strings.TrimSpace(*name), store.User{Email: strings.ToLower(strings.TrimSpace(*adminEmail)), Name: strings.TrimSpace(*adminName), PasswordHash: web.HashPassword(password)})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Created %s (%s); %s can sign in as admin with %s.\n", u.Org.Name, u.Org.ID, u.Name, u.Email)
	return nil
}
