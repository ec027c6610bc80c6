package postgres

import (
	"context"
	"fmt"
)

// EnsureSetting stores value under name unless a value is stored already,
// and returns the stored one: the first replica's value wins.
func (s *Store) EnsureSetting(ctx context.Context, name string, value []byte) ([]byte, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var stored []byte
	err := s.pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value)
		SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE name = $1 LIMIT 1`, name, value).Scan(&stored)
	if err != nil {
		return nil, fmt.Errorf("postgres: setting %s: %w", name, err)
	}
	return stored, nil
}
