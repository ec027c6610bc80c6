package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/veilhq/veil/store"
)

// AppendConsent inserts ev into the append-only ledger and returns it with
// the Seq the database assigned.
func (s *Store) AppendConsent(ctx context.Context, ev store.ConsentEvent) (store.ConsentEvent, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	purposes := ev.Purposes
	if purposes == nil {
		purposes = []string{}
	}
	err := s.pool.QueryRow(ctx, `INSERT INTO consent_ledger (subject, at, action, notice_version, purposes, evidence)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
		ev.Subject, ev.At, string(ev.Action), ev.NoticeVersion, purposes, ev.Evidence).Scan(&ev.Seq)
	if err != nil {
		return store.ConsentEvent{}, fmt.Errorf("postgres: append consent: %w", err)
	}
	return ev, nil
}

// ConsentHistory returns a subject's events, oldest first.
func (s *Store) ConsentHistory(ctx context.Context, subject string) ([]store.ConsentEvent, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT seq, subject, at, action, notice_version, purposes, evidence
		FROM consent_ledger WHERE subject = $1 ORDER BY seq`, subject)
	if err != nil {
		return nil, fmt.Errorf("postgres: consent history: %w", err)
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
		return nil, fmt.Errorf("postgres: consent history: %w", err)
	}
	return evs, nil
}
