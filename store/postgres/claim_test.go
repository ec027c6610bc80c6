package postgres

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

func TestClaimInboxPerUserOrderAndLease(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	schema := newSchema(t)
	r1 := openIn(t, schema, Options{Now: clk.Now})
	migrate(t, r1)
	r2 := openIn(t, schema, Options{Now: clk.Now}) // a second replica
	ctx := t.Context()
	for _, it := range []store.InboxItem{
		{ID: "a1", Subject: "subj-a", Received: clk.Now(), Payload: []byte("p")},
		{ID: "a2", Subject: "subj-a", Received: clk.Now()},
		{ID: "b1", Subject: "subj-b", Received: clk.Now()},
	} {
		if _, err := r1.Accept(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	claim := func(s *Store, worker string) (string, int) {
		t.Helper()
		c, ok, err := s.ClaimInbox(ctx, worker, time.Minute)
		if err != nil {
			t.Fatalf("ClaimInbox(%s): %v", worker, err)
		}
		if !ok {
			return "", 0
		}
		return c.Item.ID, c.Attempts
	}

	steps := []struct {
		name         string
		act          func()
		s            *Store
		worker       string
		wantID       string
		wantAttempts int
	}{
		{"OldestFirst", nil, r1, "w1", "a1", 0},
		{"OtherUserInParallel", nil, r2, "w2", "b1", 0},
		{"SecondMessageWaitsForFirst", nil, r2, "w3", "", 0},
		{"LeaseExpiredReclaimed", func() { clk.Add(2 * time.Minute) }, r2, "w3", "a1", 1},
		{"NextAfterComplete", func() {
			if ok, err := r1.ExtendClaim(ctx, "a1", "w1", time.Minute); err != nil || ok {
				t.Errorf("ExtendClaim by the worker that lost the lease = %v, %v; want false", ok, err)
			}
			if err := r2.Complete(ctx, "a1"); err != nil {
				t.Fatal(err)
			}
		}, r1, "w1", "a2", 0},
		{"ReleasedIsClaimableAgain", func() {
			if err := r1.ReleaseClaim(ctx, "a2", "w1"); err != nil {
				t.Fatal(err)
			}
		}, r2, "w2", "a2", 1},
	}
	for _, st := range steps {
		if st.act != nil {
			st.act()
		}
		id, attempts := claim(st.s, st.worker)
		if id != st.wantID || attempts != st.wantAttempts {
			t.Fatalf("%s: claimed %q (attempts %d), want %q (attempts %d)", st.name, id, attempts, st.wantID, st.wantAttempts)
		}
	}
	if ok, err := r2.ExtendClaim(ctx, "a2", "w2", time.Minute); err != nil || !ok {
		t.Errorf("ExtendClaim by the holder = %v, %v; want true", ok, err)
	}
}

func TestClaimInboxConcurrentWorkersEachItemOnce(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	a := openIn(t, schema, Options{MaxConns: 4})
	migrate(t, a)
	b := openIn(t, schema, Options{MaxConns: 4})
	ctx := t.Context()
	const subjects = 6
	for i := range subjects {
		it := store.InboxItem{ID: "m" + string(rune('a'+i)), Subject: "subj-" + string(rune('a'+i)), Received: time.Now()}
		if _, err := a.Accept(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu     sync.Mutex
		got    = map[string]int{}
		errs   []error
		wg     sync.WaitGroup
		worker atomic.Int32
	)
	for _, s := range []*Store{a, b, a, b, a, b, a, b} {
		wg.Go(func() {
			name := string(rune('0' + worker.Add(1)))
			for {
				c, ok, err := s.ClaimInbox(context.Background(), name, time.Minute)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				if ok {
					got[c.Item.ID]++
				}
				mu.Unlock()
				if err != nil || !ok {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if len(got) != subjects {
		t.Errorf("claimed %d distinct items, want %d: %v", len(got), subjects, got)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s claimed %d times within its lease, want 1", id, n)
		}
	}
}

func TestWithLeaderLock(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	a := openIn(t, schema, Options{})
	b := openIn(t, schema, Options{})
	ctx := t.Context()

	var innerRan bool
	ran, err := a.WithLeaderLock(ctx, "purge", func(ctx context.Context) error {
		var err error
		innerRan, err = b.WithLeaderLock(ctx, "purge", func(context.Context) error { return nil })
		if err != nil {
			return err
		}
		// A different name is a different lock.
		other, err := b.WithLeaderLock(ctx, "other", func(context.Context) error { return nil })
		if err == nil && !other {
			t.Error("lock \"other\" was not taken while only \"purge\" was held")
		}
		return err
	})
	if err != nil || !ran {
		t.Fatalf("outer WithLeaderLock = %v, %v; want ran", ran, err)
	}
	if innerRan {
		t.Error("a second replica ran while the first held the lock")
	}
	ran, err = b.WithLeaderLock(ctx, "purge", func(context.Context) error { return errors.New("boom") })
	if !ran || err == nil || err.Error() != "boom" {
		t.Errorf("after release = %v, %v; want ran with fn's error", ran, err)
	}
}

// Without Options.Now leases run on the database's clock.
func TestLeasesOnDatabaseClock(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	if _, err := s.Accept(ctx, store.InboxItem{ID: "a1", Subject: "subj-a", Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	c, ok, err := s.ClaimInbox(ctx, "w1", time.Hour)
	if err != nil || !ok || c.Item.ID != "a1" {
		t.Fatalf("ClaimInbox = %+v, %v, %v; want a1", c, ok, err)
	}
	if _, ok, err := s.ClaimInbox(ctx, "w2", time.Hour); err != nil || ok {
		t.Errorf("second ClaimInbox = %v, %v; want nothing while w1 holds the lease", ok, err)
	}
	var until, dbNow time.Time
	if err := s.pool.QueryRow(ctx, `SELECT claimed_until, now() FROM inbox WHERE id = 'a1'`).Scan(&until, &dbNow); err != nil {
		t.Fatal(err)
	}
	if d := until.Sub(dbNow); d < 59*time.Minute || d > time.Hour {
		t.Errorf("lease ends %v after the database's now, want about 1h", d)
	}
	// A zero lease is already over: the item is claimable again.
	if ok, err := s.ExtendClaim(ctx, "a1", "w1", 0); err != nil || !ok {
		t.Fatalf("ExtendClaim = %v, %v", ok, err)
	}
	if c, ok, err := s.ClaimInbox(ctx, "w2", time.Hour); err != nil || !ok || c.Attempts != 1 {
		t.Errorf("ClaimInbox after the lease = %+v, %v, %v; want a1 on its second attempt", c, ok, err)
	}

	id, err := s.EnqueueOutbox(ctx, "subj-a", []byte("r"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.ClaimOutbox(ctx, 10, time.Hour)
	if err != nil || len(items) != 1 || items[0].ID != id || items[0].Created.IsZero() {
		t.Fatalf("ClaimOutbox = %+v, %v; want %d with a creation time", items, err, id)
	}
	if again, err := s.ClaimOutbox(ctx, 10, time.Hour); err != nil || len(again) != 0 {
		t.Errorf("ClaimOutbox during the lease = %+v, %v; want nothing", again, err)
	}
	if err := s.MarkFailed(ctx, id, 0); err != nil {
		t.Fatal(err)
	}
	if again, err := s.ClaimOutbox(ctx, 10, time.Hour); err != nil || len(again) != 1 || again[0].Attempts != 1 {
		t.Errorf("ClaimOutbox after MarkFailed(0) = %+v, %v; want the reply on its second attempt", again, err)
	}
}
