package postgres

import (
	"context"
	"fmt"

	"github.com/veilhq/veil/store"
)

// PutKey stores wrapped unless subject has a key, and returns the stored
// key. One statement: on conflict the no-op update locks and returns the
// existing row, so concurrent callers all get the winner's key.
func (s *Store) PutKey(ctx context.Context, subject string, wrapped []byte) ([]byte, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var got []byte
	err := s.pool.QueryRow(ctx, `INSERT INTO subject_keys (subject, wrapped, created) VALUES ($1, $2, coalesce($3::timestamptz, now()))
		ON CONFLICT (subject) DO UPDATE SET wrapped = subject_keys.wrapped
		RETURNING wrapped`, subject, wrapped, s.now()).Scan(&got)
	if err != nil {
		return nil, fmt.Errorf("postgres: put key: %w", err)
	}
	return got, nil
}

// GetKey returns a subject's wrapped key, or store.ErrNotFound.
func (s *Store) GetKey(ctx context.Context, subject string) ([]byte, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var got []byte
	if err := s.pool.QueryRow(ctx, `SELECT wrapped FROM subject_keys WHERE subject = $1`, subject).Scan(&got); err != nil {
		return nil, fmt.Errorf("postgres: get key: %w", notFound(err))
	}
	return got, nil
}

// DeleteKey removes a subject's key (crypto-shredding). Absent is not an error.
func (s *Store) DeleteKey(ctx context.Context, subject string) error {
	if _, err := s.exec(ctx, `DELETE FROM subject_keys WHERE subject = $1`, subject); err != nil {
		return fmt.Errorf("postgres: delete key: %w", err)
	}
	return nil
}

var _ store.KeyStore = (*Store)(nil)
