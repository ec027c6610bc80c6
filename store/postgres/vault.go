package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

const vaultCols = `conversation, subject, token, type, idx, value, expires`

func scanEntry(r pgx.Row) (store.VaultEntry, error) {
	var e store.VaultEntry
	err := r.Scan(&e.Conversation, &e.Subject, &e.Token, &e.Type, &e.Index, &e.Value, &e.Expires)
	e.Expires = utc(e.Expires)
	return e, err
}

// PutEntry stores e, replacing the entry with the same conversation and token.
func (s *Store) PutEntry(ctx context.Context, e store.VaultEntry) error {
	_, err := s.exec(ctx, `INSERT INTO vault_entries (`+vaultCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (conversation, token) DO UPDATE SET subject = EXCLUDED.subject, type = EXCLUDED.type,
			idx = EXCLUDED.idx, value = EXCLUDED.value, expires = EXCLUDED.expires`,
		e.Conversation, e.Subject, e.Token, e.Type, nonNil(e.Index), nonNil(e.Value), e.Expires)
	if err != nil {
		return fmt.Errorf("postgres: put vault entry: %w", err)
	}
	return nil
}

// LookupIndex finds the conversation's entry with that blind index, or
// store.ErrNotFound.
func (s *Store) LookupIndex(ctx context.Context, conversation string, index []byte) (store.VaultEntry, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	e, err := scanEntry(s.pool.QueryRow(ctx, `SELECT `+vaultCols+` FROM vault_entries
		WHERE conversation = $1 AND idx = $2 ORDER BY token LIMIT 1`, conversation, nonNil(index)))
	if err != nil {
		return store.VaultEntry{}, fmt.Errorf("postgres: lookup vault index: %w", notFound(err))
	}
	return e, nil
}

// Entries returns every entry of a conversation, ordered by token.
func (s *Store) Entries(ctx context.Context, conversation string) ([]store.VaultEntry, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT `+vaultCols+` FROM vault_entries WHERE conversation = $1 ORDER BY token`, conversation)
	if err != nil {
		return nil, fmt.Errorf("postgres: vault entries: %w", err)
	}
	es, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.VaultEntry, error) { return scanEntry(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres: vault entries: %w", err)
	}
	return es, nil
}

// nonNil turns a nil slice into an empty one for NOT NULL bytea columns.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
