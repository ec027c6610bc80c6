package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/veilhq/veil/store"
)

// Interface guard.
var _ store.Store = (*Store)(nil)

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// ErrLocked is returned by Open when another process holds the database.
// Stop the other Veil process, or point this one at a different file.
var ErrLocked = errors.New("database is locked by another process")

// Options tunes Open. The zero value is ready to use.
type Options struct {
	// Timeout bounds the wait for the file lock; DefaultTimeout when zero.
	Timeout time.Duration
	// NoSync skips fsync after each commit. Faster, but a crash can lose
	// recent commits or corrupt the file: for tests and benchmarks only.
	NoSync bool
}

// Store is a store.Store in one bbolt file. It is safe for concurrent use.
type Store struct {
	db *bbolt.DB
}

// Open opens or creates the database at path. It creates the parent
// directory (0700) and the file (0600) when missing.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("bolt: create directory: %w", err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: %w (waited %s)", path, ErrLocked, opts.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: init %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close releases the file. Calling it again is harmless.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
}

// update runs fn in a write transaction after checking ctx.
func (s *Store) update(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: %s: %w", op, err)
	}
	if err := s.db.Update(fn); err != nil {
		return fmt.Errorf("bolt: %s: %w", op, err)
	}
	return nil
}

// view runs fn in a read transaction after checking ctx.
func (s *Store) view(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: %s: %w", op, err)
	}
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("bolt: %s: %w", op, err)
	}
	return nil
}

func put(b *bbolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return b.Put(k, data)
}

func get[T any](b *bbolt.Bucket, k []byte) (T, bool, error) {
	var v T
	data := b.Get(k)
	if data == nil {
		return v, false, nil
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, false, fmt.Errorf("decode: %w", err)
	}
	return v, true, nil
}

// ---- consent ledger ----

// AppendConsent implements store.ConsentLedger.
func (s *Store) AppendConsent(ctx context.Context, ev store.ConsentEvent) (store.ConsentEvent, error) {
	err := s.update(ctx, "append consent", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bConsent)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		ev.Seq = seq
		return put(b, key(lp(ev.Subject), seqKey(seq)), ev)
	})
	if err != nil {
		return store.ConsentEvent{}, err
	}
	return ev, nil
}

// ConsentHistory implements store.ConsentLedger.
func (s *Store) ConsentHistory(ctx context.Context, subject string) ([]store.ConsentEvent, error) {
	var out []store.ConsentEvent
	err := s.view(ctx, "consent history", func(tx *bbolt.Tx) error {
		prefix := lp(subject)
		c := tx.Bucket(bConsent).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var ev store.ConsentEvent
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode event: %w", err)
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// ---- inbox ----

// Accept implements store.Inbox. The item's Received time is when its ID
// counts as seen for Purge.
func (s *Store) Accept(ctx context.Context, item store.InboxItem) (bool, error) {
	var accepted bool
	err := s.update(ctx, "accept", func(tx *bbolt.Tx) error {
		id := []byte(item.ID)
		seen := tx.Bucket(bSeen)
		if seen.Get(id) != nil {
			return nil
		}
		inbox := tx.Bucket(bInbox)
		n, err := inbox.NextSequence()
		if err != nil {
			return err
		}
		seq, at := seqKey(n), timeKey(item.Received)
		if err := put(inbox, seq, item); err != nil {
			return err
		}
		for _, kv := range []struct {
			b    []byte
			k, v []byte
		}{
			{bInboxIDs, id, seq},
			{bInboxSubject, key(lp(item.Subject), seq), nil},
			{bSeen, id, at},
			{bSeenTime, key(at, id), nil},
		} {
			if err := tx.Bucket(kv.b).Put(kv.k, kv.v); err != nil {
				return err
			}
		}
		accepted = true
		return nil
	})
	return accepted, err
}

// Pending implements store.Inbox.
func (s *Store) Pending(ctx context.Context) ([]store.InboxItem, error) {
	var out []store.InboxItem
	err := s.view(ctx, "pending", func(tx *bbolt.Tx) error {
		return tx.Bucket(bInbox).ForEach(func(_, v []byte) error {
			var it store.InboxItem
			if err := json.Unmarshal(v, &it); err != nil {
				return fmt.Errorf("decode item: %w", err)
			}
			out = append(out, it)
			return nil
		})
	})
	return out, err
}

// Complete implements store.Inbox. Completing an unknown or completed ID
// does nothing.
func (s *Store) Complete(ctx context.Context, id string) error {
	return s.update(ctx, "complete", func(tx *bbolt.Tx) error {
		seq := tx.Bucket(bInboxIDs).Get([]byte(id))
		if seq == nil {
			return nil
		}
		return deleteInboxItem(tx, bytes.Clone(seq))
	})
}

// deleteInboxItem removes the pending item at seq and its indexes; the ID
// stays seen.
func deleteInboxItem(tx *bbolt.Tx, seq []byte) error {
	inbox := tx.Bucket(bInbox)
	it, ok, err := get[store.InboxItem](inbox, seq)
	if err != nil || !ok {
		return err
	}
	if err := inbox.Delete(seq); err != nil {
		return err
	}
	if err := tx.Bucket(bInboxIDs).Delete([]byte(it.ID)); err != nil {
		return err
	}
	return tx.Bucket(bInboxSubject).Delete(key(lp(it.Subject), seq))
}

// ---- key store ----

// PutKey implements store.KeyStore.
func (s *Store) PutKey(ctx context.Context, subject string, wrapped []byte) ([]byte, error) {
	var out []byte
	err := s.update(ctx, "put key", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bKeys)
		if existing := b.Get([]byte(subject)); existing != nil {
			out = bytes.Clone(existing)
			return nil
		}
		out = bytes.Clone(wrapped)
		return b.Put([]byte(subject), out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetKey implements store.KeyStore.
func (s *Store) GetKey(ctx context.Context, subject string) ([]byte, error) {
	var out []byte
	err := s.view(ctx, "get key", func(tx *bbolt.Tx) error {
		v := tx.Bucket(bKeys).Get([]byte(subject))
		if v == nil {
			return store.ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, err
}

// DeleteKey implements store.KeyStore.
func (s *Store) DeleteKey(ctx context.Context, subject string) error {
	return s.update(ctx, "delete key", func(tx *bbolt.Tx) error {
		return tx.Bucket(bKeys).Delete([]byte(subject))
	})
}

// ---- vault ----

// PutEntry implements store.Vault. An entry with the same conversation and
// token is replaced.
func (s *Store) PutEntry(ctx context.Context, e store.VaultEntry) error {
	return s.update(ctx, "put entry", func(tx *bbolt.Tx) error {
		vk := key(lp(e.Conversation), []byte(e.Token))
		if err := deleteVaultEntry(tx, vk); err != nil {
			return err
		}
		if err := put(tx.Bucket(bVault), vk, e); err != nil {
			return err
		}
		if err := tx.Bucket(bVaultIndex).Put(key(lp(e.Conversation), e.Index), []byte(e.Token)); err != nil {
			return err
		}
		if err := tx.Bucket(bVaultSubject).Put(key(lp(e.Subject), vk), nil); err != nil {
			return err
		}
		return tx.Bucket(bVaultExp).Put(key(timeKey(e.Expires), vk), nil)
	})
}

// deleteVaultEntry removes the entry at vault key vk, if any, and its
// indexes.
func deleteVaultEntry(tx *bbolt.Tx, vk []byte) error {
	vault := tx.Bucket(bVault)
	old, ok, err := get[store.VaultEntry](vault, vk)
	if err != nil || !ok {
		return err
	}
	if err := vault.Delete(vk); err != nil {
		return err
	}
	// The index may point at a newer token with the same blind index.
	idx := tx.Bucket(bVaultIndex)
	ik := key(lp(old.Conversation), old.Index)
	if bytes.Equal(idx.Get(ik), []byte(old.Token)) {
		if err := idx.Delete(ik); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bVaultSubject).Delete(key(lp(old.Subject), vk)); err != nil {
		return err
	}
	return tx.Bucket(bVaultExp).Delete(key(timeKey(old.Expires), vk))
}

// LookupIndex implements store.Vault.
func (s *Store) LookupIndex(ctx context.Context, conversation string, index []byte) (store.VaultEntry, error) {
	var out store.VaultEntry
	err := s.view(ctx, "lookup index", func(tx *bbolt.Tx) error {
		token := tx.Bucket(bVaultIndex).Get(key(lp(conversation), index))
		if token == nil {
			return store.ErrNotFound
		}
		e, ok, err := get[store.VaultEntry](tx.Bucket(bVault), key(lp(conversation), token))
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		out = e
		return nil
	})
	return out, err
}

// Entries implements store.Vault. Entries come in token order.
func (s *Store) Entries(ctx context.Context, conversation string) ([]store.VaultEntry, error) {
	var out []store.VaultEntry
	err := s.view(ctx, "entries", func(tx *bbolt.Tx) error {
		prefix := lp(conversation)
		c := tx.Bucket(bVault).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var e store.VaultEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode entry: %w", err)
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// ---- transcripts ----

// AppendRecord implements store.Transcripts.
func (s *Store) AppendRecord(ctx context.Context, r store.Record) error {
	return s.update(ctx, "append record", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bRecords)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		rk := key(lp(r.Subject), timeKey(r.At), seqKey(n))
		if err := put(b, rk, r); err != nil {
			return err
		}
		return tx.Bucket(bRecordsExp).Put(key(timeKey(r.Expires), seqKey(n)), rk)
	})
}

// Records implements store.Transcripts: ordered by At, ties in append order.
func (s *Store) Records(ctx context.Context, subject string) ([]store.Record, error) {
	var out []store.Record
	err := s.view(ctx, "records", func(tx *bbolt.Tx) error {
		prefix := lp(subject)
		c := tx.Bucket(bRecords).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r store.Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode record: %w", err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// deleteRecord removes the record at rk and its expiry index entry.
func deleteRecord(tx *bbolt.Tx, rk []byte) error {
	b := tx.Bucket(bRecords)
	r, ok, err := get[store.Record](b, rk)
	if err != nil || !ok {
		return err
	}
	if err := b.Delete(rk); err != nil {
		return err
	}
	seq := rk[len(rk)-8:]
	return tx.Bucket(bRecordsExp).Delete(key(timeKey(r.Expires), seq))
}

// ---- dialog states ----

// GetState implements store.DialogStates. An expired state that was not
// purged yet is still returned.
func (s *Store) GetState(ctx context.Context, conversation string) ([]byte, error) {
	var out []byte
	err := s.view(ctx, "get state", func(tx *bbolt.Tx) error {
		v, ok, err := get[stateValue](tx.Bucket(bStates), []byte(conversation))
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		out = v.State
		return nil
	})
	return out, err
}

// PutState implements store.DialogStates.
func (s *Store) PutState(ctx context.Context, conversation, subject string, state []byte, expires time.Time) error {
	return s.update(ctx, "put state", func(tx *bbolt.Tx) error {
		conv := []byte(conversation)
		if err := deleteState(tx, conv); err != nil {
			return err
		}
		if err := put(tx.Bucket(bStates), conv, stateValue{Subject: subject, State: state, Expires: expires}); err != nil {
			return err
		}
		if err := tx.Bucket(bStatesSubject).Put(key(lp(subject), conv), nil); err != nil {
			return err
		}
		return tx.Bucket(bStatesExp).Put(key(timeKey(expires), conv), nil)
	})
}

// DeleteState implements store.DialogStates.
func (s *Store) DeleteState(ctx context.Context, conversation string) error {
	return s.update(ctx, "delete state", func(tx *bbolt.Tx) error {
		return deleteState(tx, []byte(conversation))
	})
}

func deleteState(tx *bbolt.Tx, conv []byte) error {
	b := tx.Bucket(bStates)
	old, ok, err := get[stateValue](b, conv)
	if err != nil || !ok {
		return err
	}
	if err := b.Delete(conv); err != nil {
		return err
	}
	if err := tx.Bucket(bStatesSubject).Delete(key(lp(old.Subject), conv)); err != nil {
		return err
	}
	return tx.Bucket(bStatesExp).Delete(key(timeKey(old.Expires), conv))
}

// ---- retention ----

// Purge implements store.Store in one transaction. It walks each expiry
// index up to now, so kept items are not read. A message ID counts as seen
// at its item's Received time; IDs of items still pending are kept.
func (s *Store) Purge(ctx context.Context, now time.Time, dedupeWindow time.Duration) (store.PurgeStats, error) {
	var st store.PurgeStats
	err := s.update(ctx, "purge", func(tx *bbolt.Tx) error {
		st = store.PurgeStats{}
		limit := timeKey(now)

		for _, k := range keysBefore(tx.Bucket(bRecordsExp), limit) {
			rk := bytes.Clone(tx.Bucket(bRecordsExp).Get(k))
			if err := deleteRecord(tx, rk); err != nil {
				return err
			}
			// deleteRecord removes k unless the record was missing.
			if err := tx.Bucket(bRecordsExp).Delete(k); err != nil {
				return err
			}
			st.Records++
		}
		for _, k := range keysBefore(tx.Bucket(bVaultExp), limit) {
			if err := deleteVaultEntry(tx, k[timeLen:]); err != nil {
				return err
			}
			if err := tx.Bucket(bVaultExp).Delete(k); err != nil {
				return err
			}
			st.VaultEntries++
		}
		for _, k := range keysBefore(tx.Bucket(bStatesExp), limit) {
			if err := deleteState(tx, k[timeLen:]); err != nil {
				return err
			}
			if err := tx.Bucket(bStatesExp).Delete(k); err != nil {
				return err
			}
			st.States++
		}

		seenTime, seen, ids := tx.Bucket(bSeenTime), tx.Bucket(bSeen), tx.Bucket(bInboxIDs)
		for _, k := range keysBefore(seenTime, timeKey(now.Add(-dedupeWindow))) {
			id := k[timeLen:]
			if ids.Get(id) != nil {
				continue // still pending
			}
			if err := seen.Delete(id); err != nil {
				return err
			}
			if err := seenTime.Delete(k); err != nil {
				return err
			}
			st.SeenIDs++
		}
		return nil
	})
	if err != nil {
		return store.PurgeStats{}, err
	}
	return st, nil
}

// EraseSubject implements store.Store in one transaction. The subject's
// message IDs stay seen, so a redelivered message is not processed again.
func (s *Store) EraseSubject(ctx context.Context, subject string) error {
	return s.update(ctx, "erase subject", func(tx *bbolt.Tx) error {
		prefix := lp(subject)
		if err := tx.Bucket(bKeys).Delete([]byte(subject)); err != nil {
			return err
		}
		for _, k := range prefixKeys(tx.Bucket(bVaultSubject), prefix) {
			if err := deleteVaultEntry(tx, k[len(prefix):]); err != nil {
				return err
			}
		}
		for _, rk := range prefixKeys(tx.Bucket(bRecords), prefix) {
			if err := deleteRecord(tx, rk); err != nil {
				return err
			}
		}
		for _, k := range prefixKeys(tx.Bucket(bStatesSubject), prefix) {
			if err := deleteState(tx, k[len(prefix):]); err != nil {
				return err
			}
		}
		for _, k := range prefixKeys(tx.Bucket(bInboxSubject), prefix) {
			if err := deleteInboxItem(tx, k[len(prefix):]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Stats counts the items in each main bucket; for tests and diagnostics.
func (s *Store) Stats(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(allBuckets))
	err := s.view(ctx, "stats", func(tx *bbolt.Tx) error {
		for _, name := range allBuckets {
			out[string(name)] = tx.Bucket(name).Stats().KeyN
		}
		return nil
	})
	return out, err
}
