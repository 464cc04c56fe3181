package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listen delivers the notices every server sends on the group channel
// (PostgreSQL only; on SQLite there is one server and it returns at once).
// It holds one connection of its own and reconnects when it drops, calling
// resync each time it starts listening: notices sent before are lost, so
// the caller re-reads what it shows from the database. It returns when ctx is
// done.
func (s *Store) Listen(ctx context.Context, notice func(payload string), resync func()) {
	if !s.postgres {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, s.dsn)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+GroupChannel)
		}
		if err != nil {
			if conn != nil {
				conn.Close(context.Background())
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		// Events committed before LISTEN took hold (at start, or while
		// reconnecting) sent notices nobody here heard.
		resync()
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				break
			}
			notice(n.Payload)
		}
		conn.Close(context.Background())
	}
}
