package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

// OutboxItem is a reply waiting to be sent. Payload is encrypted with the
// subject's data key by the caller (it holds the recipient's number).
type OutboxItem struct {
	ID       int64
	Subject  string
	Payload  []byte
	Created  time.Time
	Attempts int // failed sends so far
}

// EnqueueOutbox queues a reply and returns its ID. Call it in the same
// transaction that completes the turn (see WithTx) so a crash can neither
// lose nor duplicate the reply.
func (s *Store) EnqueueOutbox(ctx context.Context, subject string, payload []byte) (int64, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	return enqueueOutbox(ctx, s.pool, subject, payload, s.now())
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func enqueueOutbox(ctx context.Context, q querier, subject string, payload []byte, now *time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO outbox (subject, payload, created) VALUES ($1, $2, coalesce($3::timestamptz, now())) RETURNING id`,
		subject, nonNil(payload), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: enqueue outbox: %w", err)
	}
	return id, nil
}

// CompleteWithReply deletes inbox item id and queues the reply in one
// transaction: the turn is either done with its reply queued, or not done.
// It fails with store.ErrNotFound, queueing nothing, when the item is gone
// (completed by another worker after this one's lease ran out, or erased).
func (s *Store) CompleteWithReply(ctx context.Context, id, subject string, payload []byte) (int64, error) {
	ids, err := s.CompleteWithReplies(ctx, id, subject, [][]byte{payload})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// CompleteWithReplies is CompleteWithReply for a turn with several
// replies: one outbox row each, in order, so each is sent (and confirmed)
// on its own.
func (s *Store) CompleteWithReplies(ctx context.Context, id, subject string, payloads [][]byte) ([]int64, error) {
	var out []int64
	err := s.inTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		out = out[:0]
		tag, err := tx.Exec(ctx, `DELETE FROM inbox WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// Another worker completed it (this one's lease ran out):
			// queueing a second reply would send it twice.
			return store.ErrNotFound
		}
		for _, p := range payloads {
			oid, err := enqueueOutbox(ctx, tx, subject, p, s.now())
			if err != nil {
				return err
			}
			out = append(out, oid)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: complete with reply: %w", err)
	}
	return out, nil
}

// ClaimOutbox leases up to limit unsent replies, oldest first, for lease:
// no other caller (in any replica) gets them until the lease ends. Only the
// oldest unsent reply of each subject is claimable, so one user's replies
// go out in order even with several senders. A sender
// that dies leaves its items to be claimed again after the lease. Each
// claim counts as an attempt.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxItem, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `UPDATE outbox o SET claimed_until = coalesce($1::timestamptz, now()) + $2::interval,
			attempts = o.attempts + 1
		FROM (SELECT h.id FROM outbox h
			WHERE h.sent_at IS NULL AND (h.claimed_until IS NULL OR h.claimed_until < coalesce($1::timestamptz, now()))
			AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.subject = h.subject AND e.sent_at IS NULL AND e.id < h.id)
			ORDER BY h.id LIMIT $3 FOR UPDATE SKIP LOCKED) c
		WHERE o.id = c.id
		RETURNING o.id, o.subject, o.payload, o.created, o.attempts - 1`, s.now(), lease, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim outbox: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxItem, error) {
		var it OutboxItem
		err := r.Scan(&it.ID, &it.Subject, &it.Payload, &it.Created, &it.Attempts)
		it.Created = utc(it.Created)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: claim outbox: %w", err)
	}
	// UPDATE ... RETURNING has no order.
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].ID < items[j-1].ID; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	return items, nil
}

// MarkSent records that WhatsApp accepted the reply and drops its payload.
func (s *Store) MarkSent(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE outbox SET sent_at = coalesce($2::timestamptz, now()), payload = '\x', claimed_until = NULL WHERE id = $1`,
		id, s.now()); err != nil {
		return fmt.Errorf("postgres: mark sent: %w", err)
	}
	return nil
}

// MarkFailed releases the claim so the reply is retried after retryAfter.
func (s *Store) MarkFailed(ctx context.Context, id int64, retryAfter time.Duration) error {
	if _, err := s.exec(ctx, `UPDATE outbox SET claimed_until = coalesce($2::timestamptz, now()) + $3::interval WHERE id = $1 AND sent_at IS NULL`,
		id, s.now(), retryAfter); err != nil {
		return fmt.Errorf("postgres: mark failed: %w", err)
	}
	return nil
}
