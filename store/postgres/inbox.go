package postgres

import (
	"context"
	"fmt"

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
