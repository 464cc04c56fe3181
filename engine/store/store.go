package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Errors callers check with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
)

// Store is the database.
type Store struct {
	db       *sql.DB
	dsn      string
	postgres bool
	// rebound caches queries rewritten from ? to $n placeholders.
	rebound sync.Map
	now     func() time.Time
	// writeMu queues SQLite's writers in Go. SQLite lets one writer in at
	// a time and makes the others poll with growing sleeps, which under
	// load turns into a long tail of slow turns; a mutex hands the lock
	// over at once. PostgreSQL needs no such thing.
	writeMu sync.Mutex
	// stop ends the batch writers and SQLite's checkpointer; writers and
	// stopped say they have.
	stop, stopped chan struct{}
	writers       sync.WaitGroup
	// batch queues SQLite writes for group commit (batch.go).
	batch chan *batchReq
	// batchedWrites and commits count group commits, for /debug/stats.
	batchedWrites, commits atomic.Int64
	closeOnce              sync.Once
	// stmts caches prepared statements by query: parsing SQL took a fifth
	// of the server's time under load.
	stmts sync.Map
}

// stmt returns the prepared statement for a query written with ?.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, s.q(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// Open opens the database named by dsn, a postgres:// URL or a file path
// for SQLite, and applies any migrations it has not had yet.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{now: time.Now, dsn: dsn}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		s.postgres = true
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			// Keep them all open: with database/sql's default of two
			// idle connections, every burst opened (and PostgreSQL
			// forked) new ones and closed them again.
			s.db.SetMaxOpenConns(16)
			s.db.SetMaxIdleConns(16)
		}
	default:
		s.db, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err == nil {
			// WAL lets readers go on while one writer commits; writes
			// take the lock up front (immediate) so two writers never
			// deadlock upgrading a read lock.
			s.db.SetMaxOpenConns(8)
			s.db.SetMaxIdleConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open database %s: %w", redact(dsn), err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	s.stop = make(chan struct{})
	s.batch = make(chan *batchReq, 4*maxBatch)
	// SQLite has one writer at a time anyway; PostgreSQL commits several
	// batches at once, each waiting on its own flush of the log.
	writers := 1
	if s.postgres {
		writers = 4
	}
	for range writers {
		s.writers.Add(1)
		go s.writer()
	}
	if !s.postgres {
		s.stopped = make(chan struct{})
		go s.checkpoint()
	}
	return s, nil
}

// checkpoint folds SQLite's write-ahead log back into the database file
// every second, in the background. Left to SQLite, the commit that happens
// to fill the log does it, and that turn waits.
func (s *Store) checkpoint() {
	defer close(s.stopped)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			// Two steps. PASSIVE copies the log into the database
			// without waiting for anyone or holding up writers: that is
			// the bulk of the work. RESTART then copies the little
			// written since and waits for readers on older snapshots, so
			// the next commit writes the log from its start and it stays
			// small; writers queue on writeMu only for that short part.
			// (RESTART alone held every writer for the whole copy, tens
			// of milliseconds of stalled turns and broadcasts under
			// load; PASSIVE alone let the log grow without end while
			// readers never stopped.)
			s.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
			s.writeMu.Lock()
			s.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(RESTART)")
			s.writeMu.Unlock()
		}
	}
}

func sqliteDSN(file string) string {
	v := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "wal_autocheckpoint(0)"} {
		v.Add("_pragma", p)
	}
	v.Set("_txlock", "immediate")
	return "file:" + file + "?" + v.Encode()
}

// redact hides a password in a database URL for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	var err error
	s.closeOnce.Do(func() { err = s.close() })
	return err
}

func (s *Store) close() error {
	close(s.stop)
	s.writers.Wait()
	if s.stopped != nil {
		<-s.stopped
		s.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		s.stmts.Delete(k)
		return true
	})
	return s.db.Close()
}

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.postgres }

// DB returns the underlying database, for the group-session hub's
// notifications.
func (s *Store) DB() *sql.DB { return s.db }

// Ping checks the database is reachable.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q rewrites a query written with ? placeholders for the database.
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	s.rebound.Store(query, b.String())
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is a transaction with the store's query helpers.
type Tx struct {
	s  *Store
	tx *sql.Tx
	// notices, when not nil, gathers PostgreSQL notices to send together.
	notices []string
}

// sqliteCtx drops ctx's cancellation for SQLite statements. With a
// cancellable context the driver starts a goroutine and installs a
// progress handler for every statement, to interrupt it on cancellation:
// under load that was a goroutine per statement, for statements that take
// microseconds. A context that has already ended is still refused before
// the statement starts.
func (s *Store) sqliteCtx(ctx context.Context) (context.Context, error) {
	if s.postgres {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return ctx, err
	}
	return context.WithoutCancel(ctx), nil
}

// Transact runs fn in a transaction, committing when it returns nil.
func (s *Store) Transact(ctx context.Context, fn func(*Tx) error) (err error) {
	if !s.postgres {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	ctx, err = s.sqliteCtx(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", classify(err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", classify(cerr))
		}
	}()
	return fn(&Tx{s: s, tx: tx})
}

// Inside a transaction on PostgreSQL, queries go straight to the
// transaction's connection (pgx keeps its own per-connection statement
// cache): preparing through the pool would need a second connection while
// holding one, and enough concurrent transactions would wait on each other
// for ever.
func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.s.postgres {
		r, err := t.tx.ExecContext(ctx, t.s.q(query), args...)
		return r, classify(err)
	}
	ctx, err := t.s.sqliteCtx(ctx)
	if err != nil {
		return nil, err
	}
	st, err := t.s.stmt(ctx, query)
	if err != nil {
		return nil, classify(err)
	}
	r, err := t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	return r, classify(err)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if t.s.postgres {
		return t.tx.QueryRowContext(ctx, t.s.q(query), args...)
	}
	if err := ctx.Err(); err != nil {
		return t.tx.QueryRowContext(ctx, t.s.q(query), args...) // reports err
	}
	ctx = context.WithoutCancel(ctx) // see sqliteCtx
	st, err := t.s.stmt(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, t.s.q(query), args...)
	}
	return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !s.postgres {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	ctx, err := s.sqliteCtx(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, classify(err)
	}
	r, err := st.ExecContext(ctx, args...)
	return r, classify(err)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if !s.postgres && ctx.Err() == nil {
		ctx = context.WithoutCancel(ctx) // see sqliteCtx
	}
	st, err := s.stmt(ctx, query)
	if err != nil {
		return s.db.QueryRowContext(ctx, s.q(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := s.sqliteCtx(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, classify(err)
	}
	r, err := st.QueryContext(ctx, args...)
	return r, classify(err)
}

// classify turns driver errors the caller can act on into ErrConflict and
// ErrNotFound.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pg.Detail)
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) && (lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// migrate applies every embedded migration not yet applied, in order,
// each in its own transaction. On PostgreSQL an advisory lock keeps two
// instances starting together from migrating at once.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if s.postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7734001)"); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7734001)")
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		version, err := strconv.Atoi(strings.SplitN(path.Base(f), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its version number", f)
		}
		var n int
		if err := conn.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), version).Scan(&n); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(migrations, f)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", f, err)
		}
		for _, stmt := range splitStatements(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migrate %s: %w\n%s", f, err, stmt)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), version, s.now().UnixMilli()); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", f, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s: %w", f, err)
		}
	}
	return nil
}

// splitStatements splits a migration into statements at semicolons that
// end a line, dropping comment lines.
func splitStatements(sqlText string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sqlText, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

var idEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// NewID returns a random id with a prefix, such as "r_4b7dw0q9xk2mab".
func NewID(prefix string) string {
	var b [10]byte
	rand.Read(b[:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// NewToken returns a random secret with a prefix, for sessions, invites
// and the setup link.
func NewToken(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// SetClock replaces the store's clock (times it stamps on rows), for
// tests that move time forward; call it before the store is in use.
func (s *Store) SetClock(now func() time.Time) { s.now = now }
