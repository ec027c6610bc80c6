package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

// Purge deletes records, vault entries and dialog states whose expiry is
// before now, and seen message IDs received before now-dedupeWindow that are
// no longer in the inbox, and outbox rows sent before then. It deletes in batches of Options.PurgeBatch rows,
// each batch its own short statement under the query deadline, so a large
// backlog neither holds long locks nor hits the timeout. Several replicas
// may purge at once: SKIP LOCKED keeps them off each other's rows.
func (s *Store) Purge(ctx context.Context, now time.Time, dedupeWindow time.Duration) (store.PurgeStats, error) {
	var st store.PurgeStats
	var sentReplies int // not part of store.PurgeStats: an outbox is this store's own
	steps := []struct {
		name  string
		count *int
		sql   string
		arg   time.Time
	}{
		{"records", &st.Records, `DELETE FROM records WHERE id IN (
			SELECT id FROM records WHERE expires < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`, now},
		{"vault entries", &st.VaultEntries, `DELETE FROM vault_entries WHERE (conversation, token) IN (
			SELECT conversation, token FROM vault_entries WHERE expires < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`, now},
		{"dialog states", &st.States, `DELETE FROM dialog_states WHERE conversation IN (
			SELECT conversation FROM dialog_states WHERE expires < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`, now},
		{"seen ids", &st.SeenIDs, `DELETE FROM seen_messages WHERE id IN (
			SELECT s.id FROM seen_messages s WHERE s.seen_at < $1
			AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.id = s.id) LIMIT $2 FOR UPDATE OF s SKIP LOCKED)`, now.Add(-dedupeWindow)},
		// Sent replies keep a row (no payload) for a while: a late status
		// webhook may still confirm them.
		{"sent replies", &sentReplies, `DELETE FROM outbox WHERE id IN (
			SELECT id FROM outbox WHERE sent_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`, now.Add(-dedupeWindow)},
	}
	for _, step := range steps {
		for {
			tag, err := s.exec(ctx, step.sql, step.arg, s.opts.PurgeBatch)
			if err != nil {
				return st, fmt.Errorf("postgres: purge %s: %w", step.name, err)
			}
			n := int(tag.RowsAffected())
			*step.count += n
			if n < s.opts.PurgeBatch {
				break
			}
		}
	}
	return st, nil
}

// EraseSubject deletes, in one transaction, a subject's key (which makes
// every value sealed with it unreadable, in backups too), vault entries,
// records, dialog states, inbox items and queued replies. The consent
// ledger is kept: the caller appends the tombstone.
func (s *Store) EraseSubject(ctx context.Context, subject string) error {
	err := s.inTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		// The key first: once this commits nothing of the subject's can be
		// decrypted, whatever else remains.
		for _, q := range []string{
			`DELETE FROM subject_keys WHERE subject = $1`,
			`DELETE FROM vault_entries WHERE subject = $1`,
			`DELETE FROM records WHERE subject = $1`,
			`DELETE FROM dialog_states WHERE subject = $1`,
			`DELETE FROM inbox WHERE subject = $1`,
			`DELETE FROM outbox WHERE subject = $1`,
		} {
			if _, err := tx.Exec(ctx, q, subject); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: erase subject: %w", err)
	}
	return nil
}
