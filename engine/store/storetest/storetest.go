// Package storetest opens real databases for tests: a SQLite file in a
// temporary directory, and PostgreSQL when OASIS_TEST_POSTGRES holds a
// URL, each test in a schema of its own that is dropped afterwards.
package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oasis/engine/store"
)

// PostgresURL returns the PostgreSQL URL for tests. Without one it skips
// the test, or fails it when CI is set: CI must test both databases.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("OASIS_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but OASIS_TEST_POSTGRES is not: the PostgreSQL tests must run in CI (.ci/run sets it)")
		}
		t.Skip("PostgreSQL tests skipped: set OASIS_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	return u
}

// SQLiteDSN returns a fresh SQLite database file for the test.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "oasis.db")
}

// PostgresDSN returns a URL for a fresh, empty schema of the test
// database, dropped when the test ends.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	schema := "t_" + strings.ToLower(strings.ReplaceAll(store.NewID("s"), "_", ""))
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// ForEach runs f against a fresh SQLite store and a fresh PostgreSQL
// store.
func ForEach(t *testing.T, f func(t *testing.T, s *store.Store)) {
	for _, b := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", SQLiteDSN}, {"postgres", PostgresDSN}} {
		t.Run(b.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), b.dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			f(t, s)
		})
	}
}
