package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/veilhq/veil/store"
)

func TestOpenBadURLHidesPassword(t *testing.T) {
	tests := []struct {
		name, url string
	}{
		{"BadPort", "postgres://veil:s3cretpw@localhost:notaport/veil"},
		{"BadScheme", "postgres://veil:s3cretpw@[::1/veil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(t.Context(), tt.url, Options{})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if strings.Contains(err.Error(), "s3cretpw") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestConsentLedgerAppendOnly(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	ev, err := s.AppendConsent(ctx, store.ConsentEvent{Subject: "subj-a", At: time.Now(), Action: store.ConsentOptIn, NoticeVersion: "v1", Evidence: "wamid.1"})
	if err != nil {
		t.Fatal(err)
	}

	rejected := []struct{ name, sql string }{
		{"Update", `UPDATE consent_ledger SET action = 'decline'`},
		{"Delete", `DELETE FROM consent_ledger`},
		{"Truncate", `TRUNCATE consent_ledger`},
	}
	for _, tt := range rejected {
		t.Run(tt.name+"Rejected", func(t *testing.T) {
			_, err := s.pool.Exec(ctx, tt.sql)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Fatalf("%s = %v, want insufficient_privilege (42501) from the trigger", tt.sql, err)
			}
			hist, err := s.ConsentHistory(ctx, "subj-a")
			if err != nil || len(hist) != 1 || hist[0].Action != store.ConsentOptIn {
				t.Errorf("history after rejected %s = %+v, %v; want the one opt-in", tt.name, hist, err)
			}
		})
	}

	t.Run("ErasurePathAllowed", func(t *testing.T) {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL veil.erasure = 'on'`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE consent_ledger SET evidence = 'redacted' WHERE seq = $1`, ev.Seq)
			return err
		})
		if err != nil {
			t.Fatalf("update with veil.erasure = on: %v", err)
		}
		hist, err := s.ConsentHistory(ctx, "subj-a")
		if err != nil || len(hist) != 1 || hist[0].Evidence != "redacted" {
			t.Fatalf("history = %+v, %v; want evidence redacted", hist, err)
		}
		// SET LOCAL ended with the transaction: the pool's connection is
		// back to rejecting.
		for range s.opts.MaxConns {
			if _, err := s.pool.Exec(ctx, `UPDATE consent_ledger SET evidence = 'again'`); err == nil {
				t.Fatal("UPDATE outside the erasure transaction succeeded")
			}
		}
	})
}

func TestAcceptConcurrentAcrossPools(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	a := openIn(t, schema, Options{MaxConns: 4})
	migrate(t, a)
	b := openIn(t, schema, Options{MaxConns: 4})

	const ids, perStore = 5, 8
	wins := make(map[string]int)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	start := make(chan struct{})
	for _, s := range []*Store{a, b} {
		for g := range perStore {
			wg.Go(func() {
				<-start
				for i := range ids {
					id := fmt.Sprintf("wamid.%d", i)
					ok, err := s.Accept(context.Background(), store.InboxItem{
						ID: id, Subject: "subj-a", Received: time.Unix(1_700_000_000, 0),
						Payload: fmt.Appendf(nil, "from goroutine %d", g),
					})
					mu.Lock()
					if err != nil {
						errs = append(errs, err)
					}
					if ok {
						wins[id]++
					}
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("Accept: %v", err)
	}
	for i := range ids {
		id := fmt.Sprintf("wamid.%d", i)
		if wins[id] != 1 {
			t.Errorf("%s accepted as new %d times across two pools, want 1", id, wins[id])
		}
	}
	for name, s := range map[string]*Store{"a": a, "b": b} {
		p, err := s.Pending(t.Context())
		if err != nil || len(p) != ids {
			t.Errorf("Pending via %s = %d items, %v; want %d", name, len(p), err, ids)
		}
	}
}

func TestQueryTimeout(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	s := openIn(t, schema, Options{QueryTimeout: 200 * time.Millisecond})
	migrate(t, s)
	// Another session holds the row Accept needs, so Accept waits until its
	// deadline cancels it.
	holder := openIn(t, schema, Options{})
	tx, err := holder.pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(t.Context(), `INSERT INTO seen_messages (id, seen_at) VALUES ('wamid.locked', now())`); err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(t.Context(), store.InboxItem{ID: "wamid.locked", Subject: "subj-a", Received: time.Now()})
	if err == nil {
		t.Fatal("Accept behind a held lock succeeded, want a deadline error")
	}
	if !errors.Is(err, context.DeadlineExceeded) && !pgconn.Timeout(err) {
		t.Errorf("Accept error = %v, want a deadline error", err)
	}
	// The caller's context was not cancelled: the store's own deadline was.
	if t.Context().Err() != nil {
		t.Error("test context ended")
	}
}

func TestPurgeInBatches(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{PurgeBatch: 2})
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const expired, kept = 7, 3
	for i := range expired + kept {
		exp := now.Add(-time.Hour)
		if i >= expired {
			exp = now.Add(time.Hour)
		}
		if err := s.AppendRecord(ctx, store.Record{Subject: "subj-a", Conversation: "c", Kind: store.RecordStatus, At: now.Add(-2 * time.Hour), Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Purge(ctx, now, time.Hour)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if st.Records != expired {
		t.Errorf("Purge removed %d records in batches of 2, want %d", st.Records, expired)
	}
	rs, err := s.Records(ctx, "subj-a")
	if err != nil || len(rs) != kept {
		t.Errorf("Records after purge = %d, %v; want %d", len(rs), err, kept)
	}
}

func TestEraseSubjectDropsOutbox(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	for _, subj := range []string{"subj-a", "subj-b"} {
		if _, err := s.EnqueueOutbox(ctx, subj, []byte("sealed reply")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EraseSubject(ctx, "subj-a"); err != nil {
		t.Fatal(err)
	}
	items, err := s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Subject != "subj-b" {
		t.Errorf("outbox after erasing subj-a = %+v, want only subj-b's reply", items)
	}
}
