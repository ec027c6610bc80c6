package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

// Interface guards.
var (
	_ store.AuditLog  = (*Store)(nil)
	_ store.Inspector = (*Store)(nil)
)

// AppendAudit inserts ev into the append-only audit_log and returns it
// with the Seq the database assigned.
func (s *Store) AppendAudit(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	err := s.pool.QueryRow(ctx, `INSERT INTO audit_log (at, actor, role, action, target, outcome, request)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
		ev.At, ev.Actor, ev.Role, ev.Action, ev.Target, ev.Outcome, ev.Request).Scan(&ev.Seq)
	if err != nil {
		return store.AuditEvent{}, fmt.Errorf("postgres: append audit: %w", err)
	}
	return ev, nil
}

// AuditTrail returns at most limit events at or after since, by time then Seq.
func (s *Store) AuditTrail(ctx context.Context, since time.Time, limit int) ([]store.AuditEvent, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("postgres: audit trail: limit %d, want > 0", limit)
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT seq, at, actor, role, action, target, outcome, request
		FROM audit_log WHERE at >= $1 ORDER BY at, seq LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: audit trail: %w", err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEvent, error) {
		var ev store.AuditEvent
		err := r.Scan(&ev.Seq, &ev.At, &ev.Actor, &ev.Role, &ev.Action, &ev.Target, &ev.Outcome, &ev.Request)
		ev.At = utc(ev.At)
		return ev, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: audit trail: %w", err)
	}
	return evs, nil
}

// parseCursor reads a cursor written by nextCursor: the last row's key.
func parseCursor(c store.Cursor) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(c), 10, 64)
	if err != nil || n <= 0 {
		return 0, store.ErrInvalidCursor
	}
	return n, nil
}

// nextCursor is the cursor after a page whose last key is last: empty when
// the page was short (the scan reached the end).
func nextCursor(n, limit int, last int64) store.Cursor {
	if n < limit {
		return ""
	}
	return store.Cursor(strconv.FormatInt(last, 10))
}

// ScanConsent returns ledger events in Seq order.
func (s *Store) ScanConsent(ctx context.Context, after store.Cursor, limit int) ([]store.ConsentEvent, store.Cursor, error) {
	if limit <= 0 {
		return nil, "", fmt.Errorf("postgres: scan consent: limit %d, want > 0", limit)
	}
	from, err := parseCursor(after)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: scan consent: %w", err)
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT seq, subject, at, action, notice_version, purposes, evidence
		FROM consent_ledger WHERE seq > $1 ORDER BY seq LIMIT $2`, from, limit)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: scan consent: %w", err)
	}
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ConsentEvent, error) {
		var ev store.ConsentEvent
		var action string
		err := r.Scan(&ev.Seq, &ev.Subject, &ev.At, &action, &ev.NoticeVersion, &ev.Purposes, &ev.Evidence)
		ev.Action = store.ConsentAction(action)
		ev.At = utc(ev.At)
		if len(ev.Purposes) == 0 {
			ev.Purposes = nil
		}
		return ev, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("postgres: scan consent: %w", err)
	}
	var last int64
	if len(evs) > 0 {
		last = int64(evs[len(evs)-1].Seq)
	}
	return evs, nextCursor(len(evs), limit, last), nil
}

// ScanRecords returns transcript records in insertion order.
func (s *Store) ScanRecords(ctx context.Context, after store.Cursor, limit int) ([]store.Record, store.Cursor, error) {
	if limit <= 0 {
		return nil, "", fmt.Errorf("postgres: scan records: limit %d, want > 0", limit)
	}
	from, err := parseCursor(after)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: scan records: %w", err)
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT id, subject, conversation, kind, message_id, text, intent, at, expires
		FROM records WHERE id > $1 ORDER BY id LIMIT $2`, from, limit)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: scan records: %w", err)
	}
	var last int64
	rs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Record, error) {
		var r store.Record
		var kind string
		err := row.Scan(&last, &r.Subject, &r.Conversation, &kind, &r.MessageID, &r.Text, &r.Intent, &r.At, &r.Expires)
		r.Kind = store.RecordKind(kind)
		r.At, r.Expires = utc(r.At), utc(r.Expires)
		return r, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("postgres: scan records: %w", err)
	}
	return rs, nextCursor(len(rs), limit, last), nil
}

// Expired counts and samples what is past its expiry, in one read-only
// repeatable-read transaction so counts and samples agree.
func (s *Store) Expired(ctx context.Context, now time.Time, sample int) (store.ExpiredSummary, error) {
	sum := store.ExpiredSummary{Records: map[store.RecordKind]int{}, VaultEntries: map[string]int{}}
	sample = max(sample, 0)
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		counts := []struct {
			sql string
			add func(k string, n int)
		}{
			{`SELECT kind, count(*) FROM records WHERE expires < $1 GROUP BY kind`,
				func(k string, n int) { sum.Records[store.RecordKind(k)] = n }},
			{`SELECT type, count(*) FROM vault_entries WHERE expires < $1 GROUP BY type`,
				func(k string, n int) { sum.VaultEntries[k] = n }},
			{`SELECT '', count(*) FROM dialog_states WHERE expires < $1`,
				func(_ string, n int) { sum.States = n }},
		}
		for _, c := range counts {
			rows, err := tx.Query(ctx, c.sql, now)
			if err != nil {
				return err
			}
			var (
				k string
				n int
			)
			_, err = pgx.ForEachRow(rows, []any{&k, &n}, func() error { c.add(k, n); return nil })
			if err != nil {
				return err
			}
		}
		if sample == 0 {
			return nil
		}
		samples := []struct{ collection, sql string }{
			{"records", `SELECT kind, subject, message_id, expires FROM records
				WHERE expires < $1 ORDER BY expires, id LIMIT $2`},
			{"vault_entries", `SELECT type, subject, token, expires FROM vault_entries
				WHERE expires < $1 ORDER BY expires, conversation, token LIMIT $2`},
			{"dialog_states", `SELECT '', subject, conversation, expires FROM dialog_states
				WHERE expires < $1 ORDER BY expires, conversation LIMIT $2`},
		}
		for _, q := range samples {
			rows, err := tx.Query(ctx, q.sql, now, sample)
			if err != nil {
				return err
			}
			var it store.ExpiredItem
			_, err = pgx.ForEachRow(rows, []any{&it.Kind, &it.Subject, &it.Ref, &it.Expires}, func() error {
				it.Collection = q.collection
				it.Expires = utc(it.Expires)
				sum.Sample = append(sum.Sample, it)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.ExpiredSummary{}, fmt.Errorf("postgres: expired: %w", err)
	}
	return sum, nil
}
