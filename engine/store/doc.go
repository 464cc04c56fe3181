// Package store keeps Oasis's data: organisations, accounts, sessions,
// invites, runs and every turn and answer in them. One implementation over
// database/sql serves both SQLite (modernc.org/sqlite, embedded, the
// default) and PostgreSQL (jackc/pgx), with versioned migrations embedded
// in the binary and applied at start-up.
//
// Every method that reads a person's data takes the caller's user or
// organisation and puts it in the query's WHERE clause, so a wrong id finds
// nothing rather than someone else's run. Turns and answers carry an id the
// client chose, unique per run, so a resend after a dropped connection is
// recognised and not stored twice.
package store
