package postgres

import (
	"context"
	"fmt"
)

// leaderLockClass is the advisory lock class of WithLeaderLock.
const leaderLockClass = 0x7665696d

// WithLeaderLock runs fn only if no other holder, in any replica, holds the
// named lock (per schema), and holds it while fn runs; ran reports whether fn ran. Use
// it for work one replica at a time should do, e.g. the purge timer:
//
//	ran, err := s.WithLeaderLock(ctx, "purge", func(ctx context.Context) error {
//		_, err := s.Purge(ctx, time.Now(), window)
//		return err
//	})
//
// The lock is a session advisory lock on a connection taken from the pool
// for fn's duration; it ends with that session, so a crashed holder frees it.
func (s *Store) WithLeaderLock(ctx context.Context, name string, fn func(ctx context.Context) error) (ran bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: leader lock %s: %w", name, err)
	}
	defer conn.Release()
	lctx, cancel := s.timeout(ctx)
	var got bool
	err = conn.QueryRow(lctx, `SELECT pg_try_advisory_lock($1, hashtext(current_schema() || ':' || $2))`, int32(leaderLockClass), name).Scan(&got)
	cancel()
	if err != nil {
		return false, fmt.Errorf("postgres: leader lock %s: %w", name, err)
	}
	if !got {
		return false, nil
	}
	defer func() {
		uctx, ucancel := s.timeout(context.WithoutCancel(ctx))
		defer ucancel()
		if _, uerr := conn.Exec(uctx, `SELECT pg_advisory_unlock($1, hashtext(current_schema() || ':' || $2))`, int32(leaderLockClass), name); uerr != nil {
			// The session may still hold the lock: end it.
			_ = conn.Conn().Close(uctx)
		}
	}()
	return true, fn(ctx)
}
