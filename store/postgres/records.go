package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

// AppendRecord stores one pseudonymized transcript record.
func (s *Store) AppendRecord(ctx context.Context, r store.Record) error {
	_, err := s.exec(ctx, `INSERT INTO records (subject, conversation, kind, message_id, text, intent, at, expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.Subject, r.Conversation, string(r.Kind), r.MessageID, r.Text, r.Intent, r.At, r.Expires)
	if err != nil {
		return fmt.Errorf("postgres: append record: %w", err)
	}
	return nil
}

// Records returns a subject's unpurged records ordered by At, ties in
// append order.
func (s *Store) Records(ctx context.Context, subject string) ([]store.Record, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT subject, conversation, kind, message_id, text, intent, at, expires
		FROM records WHERE subject = $1 ORDER BY at, id`, subject)
	if err != nil {
		return nil, fmt.Errorf("postgres: records: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Record, error) {
		var r store.Record
		var kind string
		err := row.Scan(&r.Subject, &r.Conversation, &kind, &r.MessageID, &r.Text, &r.Intent, &r.At, &r.Expires)
		r.Kind = store.RecordKind(kind)
		r.At, r.Expires = utc(r.At), utc(r.Expires)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: records: %w", err)
	}
	return rs, nil
}

// GetState returns a conversation's dialog state, or store.ErrNotFound.
func (s *Store) GetState(ctx context.Context, conversation string) ([]byte, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var state []byte
	if err := s.pool.QueryRow(ctx, `SELECT state FROM dialog_states WHERE conversation = $1`, conversation).Scan(&state); err != nil {
		return nil, fmt.Errorf("postgres: get state: %w", notFound(err))
	}
	return state, nil
}

// PutState stores (or replaces) a conversation's dialog state.
func (s *Store) PutState(ctx context.Context, conversation, subject string, state []byte, expires time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO dialog_states (conversation, subject, state, expires) VALUES ($1, $2, $3, $4)
		ON CONFLICT (conversation) DO UPDATE SET subject = EXCLUDED.subject, state = EXCLUDED.state, expires = EXCLUDED.expires`,
		conversation, subject, nonNil(state), expires)
	if err != nil {
		return fmt.Errorf("postgres: put state: %w", err)
	}
	return nil
}

// DeleteState removes a conversation's state. Absent is not an error.
func (s *Store) DeleteState(ctx context.Context, conversation string) error {
	if _, err := s.exec(ctx, `DELETE FROM dialog_states WHERE conversation = $1`, conversation); err != nil {
		return fmt.Errorf("postgres: delete state: %w", err)
	}
	return nil
}
