package store

import (
	"context"
	"errors"
	"fmt"
)

// Group commit. On SQLite every commit appends the pages it changed to the
// write-ahead log; a thousand turns a second each touching the same few
// pages (the run's row, the last page of the turns table and its indexes)
// spend most of their time writing those pages again. On PostgreSQL every
// commit waits for its log to reach the disk. Turns and answers therefore
// go through writers (one on SQLite, a few on PostgreSQL) that take
// whatever is queued, up to maxBatch, and commit it as one transaction,
// each request inside a savepoint of its own so that one request's failure
// leaves the others alone. Each request still learns whether it committed;
// nothing is acknowledged before it is in the log.
const maxBatch = 64

type batchReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

// errStoreClosed is returned for writes queued as the store closes.
var errStoreClosed = errors.New("the database is closing")

// batched runs fn in a transaction, possibly shared with other batched
// requests (see above), and returns once it has committed or failed.
func (s *Store) batched(ctx context.Context, fn func(*Tx) error) error {
	r := &batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.batch <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return errStoreClosed
	}
	// Once queued the writer always answers, and promptly: it skips
	// requests whose context has ended.
	return <-r.done
}

// writer commits batches until the store closes.
func (s *Store) writer() {
	defer s.writers.Done()
	for {
		var first *batchReq
		select {
		case first = <-s.batch:
		case <-s.stop:
			// Answer anything still queued.
			for {
				select {
				case r := <-s.batch:
					r.done <- errStoreClosed
				default:
					return
				}
			}
		}
		reqs := []*batchReq{first}
	drain:
		for len(reqs) < maxBatch {
			select {
			case r := <-s.batch:
				reqs = append(reqs, r)
			default:
				break drain
			}
		}
		s.commits.Add(1)
		s.batchedWrites.Add(int64(len(reqs)))
		errs := s.commitBatch(reqs)
		for i, r := range reqs {
			r.done <- errs[i]
		}
	}
}

// commitBatch runs the requests in one transaction and returns each one's
// outcome.
func (s *Store) commitBatch(reqs []*batchReq) []error {
	if s.postgres {
		return s.commitBatchPostgres(reqs)
	}
	errs := make([]error, len(reqs))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	ctx := context.Background() // see sqliteCtx; each request's own is checked below
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("begin: %w", classify(err)))
	}
	t := &Tx{s: s, tx: tx}
	committed := 0
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT req"); err != nil {
			tx.Rollback()
			return fail(fmt.Errorf("savepoint: %w", classify(err)))
		}
		if err := s.runReq(r, t); err != nil {
			errs[i] = err
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO req"); err != nil {
				tx.Rollback()
				return fail(fmt.Errorf("roll back a failed write: %w", classify(err)))
			}
		} else {
			committed++
		}
		if _, err := tx.ExecContext(ctx, "RELEASE req"); err != nil {
			tx.Rollback()
			return fail(fmt.Errorf("release: %w", classify(err)))
		}
	}
	if committed == 0 {
		tx.Rollback()
		return errs
	}
	if err := tx.Commit(); err != nil {
		return fail(fmt.Errorf("commit: %w", classify(err)))
	}
	return errs
}

// commitBatchPostgres runs the requests in one transaction on PostgreSQL.
// Every statement is a round trip there, so there are no savepoints:
// requests rarely fail, and when one does the batch is rolled back and
// each request run again in a transaction of its own. The requests'
// notices go out in one statement before the commit (PostgreSQL delivers
// them as it commits).
func (s *Store) commitBatchPostgres(reqs []*batchReq) []error {
	errs := make([]error, len(reqs))
	alone := func() []error {
		for i, r := range reqs {
			if errs[i] == nil {
				errs[i] = s.Transact(r.ctx, r.fn)
			}
		}
		return errs
	}
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return alone()
	}
	t := &Tx{s: s, tx: tx, notices: []string{}}
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if err := s.runReq(r, t); err != nil {
			tx.Rollback()
			return alone()
		}
	}
	if len(t.notices) > 0 {
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n", GroupChannel, t.notices); err != nil {
			tx.Rollback()
			return alone()
		}
	}
	if err := tx.Commit(); err != nil {
		// Whether it committed is unknown; the requests are safe to run
		// again (a stored turn is found by its client id).
		return alone()
	}
	return errs
}

// runReq runs one request, turning a panic into an error for it alone.
func (s *Store) runReq(r *batchReq, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write failed: %v", p)
		}
	}()
	return r.fn(t)
}

// WriteStats says how many batched writes (turns and answers) have been
// committed, in how many transactions.
func (s *Store) WriteStats() (writes, commits int64) {
	return s.batchedWrites.Load(), s.commits.Load()
}
