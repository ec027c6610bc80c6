package bolt

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/veilhq/veil/store"
)

// Interface guards.
var (
	_ store.AuditLog  = (*Store)(nil)
	_ store.Inspector = (*Store)(nil)
)

// ---- audit log ----

// AppendAudit implements store.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error) {
	err := s.update(ctx, "append audit", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bAudit)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		ev.Seq = seq
		return put(b, key(timeKey(ev.At), seqKey(seq)), ev)
	})
	if err != nil {
		return store.AuditEvent{}, err
	}
	return ev, nil
}

// AuditTrail implements store.AuditLog.
func (s *Store) AuditTrail(ctx context.Context, since time.Time, limit int) ([]store.AuditEvent, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("bolt: audit trail: limit %d, want > 0", limit)
	}
	var out []store.AuditEvent
	err := s.view(ctx, "audit trail", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for k, v := c.Seek(timeKey(since)); k != nil && len(out) < limit; k, v = c.Next() {
			var ev store.AuditEvent
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode audit event: %w", err)
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// ---- compliance reads ----

// scan decodes up to limit values of bucket b after the key encoded in
// after, in key order. Cursors are the last key read, base64url-encoded.
func scan[T any](s *Store, ctx context.Context, op string, b []byte, after store.Cursor, limit int) ([]T, store.Cursor, error) {
	if limit <= 0 {
		return nil, "", fmt.Errorf("bolt: %s: limit %d, want > 0", op, limit)
	}
	start, err := base64.RawURLEncoding.DecodeString(string(after))
	if err != nil {
		return nil, "", fmt.Errorf("bolt: %s: %w", op, store.ErrInvalidCursor)
	}
	var (
		out  []T
		last []byte
	)
	err = s.view(ctx, op, func(tx *bbolt.Tx) error {
		c := tx.Bucket(b).Cursor()
		k, v := c.First()
		if len(start) > 0 {
			k, v = c.Seek(start)
			if k != nil && bytes.Equal(k, start) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			var item T
			if err := json.Unmarshal(v, &item); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
			out = append(out, item)
			last = bytes.Clone(k)
		}
		if k == nil {
			last = nil // reached the end
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, store.Cursor(base64.RawURLEncoding.EncodeToString(last)), nil
}

// ScanConsent implements store.Inspector, in subject-then-Seq order.
func (s *Store) ScanConsent(ctx context.Context, after store.Cursor, limit int) ([]store.ConsentEvent, store.Cursor, error) {
	return scan[store.ConsentEvent](s, ctx, "scan consent", bConsent, after, limit)
}

// ScanRecords implements store.Inspector, in subject-then-time order.
func (s *Store) ScanRecords(ctx context.Context, after store.Cursor, limit int) ([]store.Record, store.Cursor, error) {
	return scan[store.Record](s, ctx, "scan records", bRecords, after, limit)
}

// Expired implements store.Inspector by walking the expiry indexes up to
// now: its cost grows with what is expired, not with what is kept.
func (s *Store) Expired(ctx context.Context, now time.Time, sample int) (store.ExpiredSummary, error) {
	sum := store.ExpiredSummary{Records: map[store.RecordKind]int{}, VaultEntries: map[string]int{}}
	limit := timeKey(now)
	err := s.view(ctx, "expired", func(tx *bbolt.Tx) error {
		records := tx.Bucket(bRecords)
		n := 0
		c := tx.Bucket(bRecordsExp).Cursor()
		for k, rk := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, rk = c.Next() {
			r, ok, err := get[store.Record](records, rk)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			sum.Records[r.Kind]++
			if n < sample {
				sum.Sample = append(sum.Sample, store.ExpiredItem{Collection: "records", Kind: string(r.Kind), Subject: r.Subject, Ref: r.MessageID, Expires: r.Expires})
				n++
			}
		}
		vault := tx.Bucket(bVault)
		n = 0
		c = tx.Bucket(bVaultExp).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
			e, ok, err := get[store.VaultEntry](vault, k[timeLen:])
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			sum.VaultEntries[e.Type]++
			if n < sample {
				sum.Sample = append(sum.Sample, store.ExpiredItem{Collection: "vault_entries", Kind: e.Type, Subject: e.Subject, Ref: e.Token, Expires: e.Expires})
				n++
			}
		}
		states := tx.Bucket(bStates)
		n = 0
		c = tx.Bucket(bStatesExp).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
			conv := k[timeLen:]
			sum.States++
			if n < sample {
				st, ok, err := get[stateValue](states, conv)
				if err != nil {
					return err
				}
				if ok {
					sum.Sample = append(sum.Sample, store.ExpiredItem{Collection: "dialog_states", Subject: st.Subject, Ref: string(conv), Expires: st.Expires})
					n++
				}
			}
		}
		return nil
	})
	if err != nil {
		return store.ExpiredSummary{}, err
	}
	return sum, nil
}
