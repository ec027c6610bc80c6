package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

// Accept records item.ID as seen and stores the item, in one transaction,
// unless the ID was seen before. Concurrent Accepts of one ID, from any
// number of processes, return true exactly once: the primary key of
// seen_messages serializes them.
func (s *Store) Accept(ctx context.Context, item store.InboxItem) (bool, error) {
	var fresh bool
	err := s.inTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO seen_messages (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
			item.ID, item.Received)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		payload := item.Payload
		if payload == nil {
			payload = []byte{}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO inbox (id, subject, received, payload) VALUES ($1, $2, $3, $4)`,
			item.ID, item.Subject, item.Received, payload); err != nil {
			return err
		}
		fresh = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("postgres: accept: %w", err)
	}
	return fresh, nil
}

// Pending returns accepted, uncompleted items in acceptance order.
func (s *Store) Pending(ctx context.Context) ([]store.InboxItem, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT id, subject, received, payload FROM inbox ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("postgres: pending: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.InboxItem, error) {
		var it store.InboxItem
		err := r.Scan(&it.ID, &it.Subject, &it.Received, &it.Payload)
		it.Received = utc(it.Received)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: pending: %w", err)
	}
	return items, nil
}

// Complete deletes the item; its ID stays in seen_messages until Purge.
func (s *Store) Complete(ctx context.Context, id string) error {
	if _, err := s.exec(ctx, `DELETE FROM inbox WHERE id = $1`, id); err != nil {
		return fmt.Errorf("postgres: complete: %w", err)
	}
	return nil
}

// Claim is an inbox item leased to one worker.
type Claim struct {
	Item     store.InboxItem
	Attempts int // claims before this one: > 0 means an earlier worker died or gave up
}

// ClaimInbox leases to worker the oldest pending item that heads its
// subject's queue and is not leased, for lease. Per-user order holds across
// every replica: a subject's next item is never claimable while an earlier
// one is still in the inbox, leased or not, so one user's messages are
// handled one at a time, in order. A worker that dies leaves its item to be
// claimed again once the lease ends. ok is false when nothing is claimable.
func (s *Store) ClaimInbox(ctx context.Context, worker string, lease time.Duration) (c Claim, ok bool, err error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	err = s.pool.QueryRow(ctx, `UPDATE inbox i SET claimed_by = $1,
			claimed_until = coalesce($3::timestamptz, now()) + $2::interval, attempts = i.attempts + 1
		FROM (SELECT h.seq FROM inbox h
			WHERE (h.claimed_until IS NULL OR h.claimed_until < coalesce($3::timestamptz, now()))
			AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.subject = h.subject AND e.seq < h.seq)
			ORDER BY h.seq LIMIT 1 FOR UPDATE SKIP LOCKED) c
		WHERE i.seq = c.seq
		RETURNING i.id, i.subject, i.received, i.payload, i.attempts - 1`,
		worker, lease, s.now()).Scan(&c.Item.ID, &c.Item.Subject, &c.Item.Received, &c.Item.Payload, &c.Attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		return Claim{}, false, nil
	}
	if err != nil {
		return Claim{}, false, fmt.Errorf("postgres: claim inbox: %w", err)
	}
	c.Item.Received = utc(c.Item.Received)
	return c, true, nil
}

// ExtendClaim renews worker's lease on item id for a turn that runs long.
// It returns false when the lease was lost (expired and claimed by another
// worker, or the item completed or erased): the worker must then drop the turn.
func (s *Store) ExtendClaim(ctx context.Context, id, worker string, lease time.Duration) (bool, error) {
	tag, err := s.exec(ctx, `UPDATE inbox SET claimed_until = coalesce($3::timestamptz, now()) + $4::interval
		WHERE id = $1 AND claimed_by = $2`, id, worker, s.now(), lease)
	if err != nil {
		return false, fmt.Errorf("postgres: extend claim: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseClaim gives item id back before its lease ends (the worker is
// shutting down); it becomes claimable at once.
func (s *Store) ReleaseClaim(ctx context.Context, id, worker string) error {
	if _, err := s.exec(ctx, `UPDATE inbox SET claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2`,
		id, worker); err != nil {
		return fmt.Errorf("postgres: release claim: %w", err)
	}
	return nil
}
