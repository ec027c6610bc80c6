package postgres

import (
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/veilhq/veil/store"
)

func TestAuditLogAppendOnly(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := s.AppendAudit(ctx, store.AuditEvent{At: at, Actor: "alice", Role: "auditor", Action: "ledger.read", Target: "*", Outcome: "allowed"}); err != nil {
		t.Fatal(err)
	}
	rejected := []struct{ name, sql string }{
		{"Update", `UPDATE audit_log SET outcome = 'denied'`},
		{"Delete", `DELETE FROM audit_log`},
		{"Truncate", `TRUNCATE audit_log`},
		// Unlike the consent ledger, the erasure setting opens nothing.
		{"UpdateOnErasurePath", `SET LOCAL veil.erasure = 'on'; UPDATE audit_log SET actor = 'x'`},
	}
	for _, tt := range rejected {
		t.Run(tt.name+"Rejected", func(t *testing.T) {
			err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, tt.sql)
				return err
			})
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Fatalf("%s = %v, want insufficient_privilege (42501) from the trigger", tt.sql, err)
			}
			trail, err := s.AuditTrail(ctx, time.Time{}, 10)
			if err != nil || len(trail) != 1 || trail[0].Outcome != "allowed" || trail[0].Actor != "alice" {
				t.Errorf("trail after rejected %s = %+v, %v; want the one event unchanged", tt.name, trail, err)
			}
		})
	}
}

func TestScanBadCursor(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	for _, c := range []store.Cursor{"abc", "-1", "0"} {
		if _, _, err := s.ScanConsent(t.Context(), c, 10); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("ScanConsent(%q) error = %v, want store.ErrInvalidCursor", c, err)
		}
		if _, _, err := s.ScanRecords(t.Context(), c, 10); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("ScanRecords(%q) error = %v, want store.ErrInvalidCursor", c, err)
		}
	}
}
