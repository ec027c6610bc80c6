package postgres

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func ids(items []OutboxItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestOutboxKeepsEachSubjectInOrder(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	var a1, a2, b1 int64
	var err error
	for _, q := range []struct {
		id      *int64
		subject string
	}{{&a1, "subj-a"}, {&b1, "subj-b"}, {&a2, "subj-a"}} {
		if *q.id, err = s.EnqueueOutbox(ctx, q.subject, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if ids := ids(got); len(ids) != 2 || ids[0] != a1 || ids[1] != b1 {
		t.Fatalf("claim = %v, want only the head of each subject [%d %d]", ids, a1, b1)
	}
	// a2 waits for a1 even after a1 fails and its lease is released.
	if err := s.MarkFailed(ctx, a1, 0); err != nil {
		t.Fatal(err)
	}
	got, err = s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if ids := ids(got); len(ids) != 1 || ids[0] != a1 {
		t.Fatalf("claim after a failure = %v, want the failed head %d again", ids, a1)
	}
	if err := s.MarkSent(ctx, a1); err != nil {
		t.Fatal(err)
	}
	got, err = s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if ids := ids(got); len(ids) != 1 || ids[0] != a2 {
		t.Fatalf("claim after the head was sent = %v, want %d", ids, a2)
	}
}

func TestOutboxLease(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	schema := newSchema(t)
	a := openIn(t, schema, Options{Now: clk.Now})
	migrate(t, a)
	b := openIn(t, schema, Options{Now: clk.Now}) // a second replica
	ctx := t.Context()

	var queued []int64
	for i := range 3 {
		id, err := a.EnqueueOutbox(ctx, fmt.Sprintf("subj-%d", i), []byte{byte('x' + i)})
		if err != nil {
			t.Fatal(err)
		}
		queued = append(queued, id)
	}

	first, err := a.ClaimOutbox(ctx, 2, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(first); len(got) != 2 || got[0] != queued[0] || got[1] != queued[1] {
		t.Fatalf("first claim = %v, want the two oldest %v", got, queued[:2])
	}
	if !bytes.Equal(first[0].Payload, []byte("x")) || first[0].Attempts != 0 || !first[0].Created.Equal(clk.Now()) {
		t.Errorf("claimed item = %+v, want payload x, 0 attempts, created now", first[0])
	}

	second, err := b.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(second); len(got) != 1 || got[0] != queued[2] {
		t.Fatalf("other replica's claim = %v, want only the unclaimed %d", got, queued[2])
	}

	if err := a.MarkSent(ctx, queued[0]); err != nil {
		t.Fatal(err)
	}
	if err := a.MarkFailed(ctx, queued[1], 5*time.Minute); err != nil {
		t.Fatal(err)
	}

	// The replica holding queued[2] dies; after its lease the item is
	// claimable again, the failed one only after its retry delay, and the
	// sent one never.
	clk.Add(2 * time.Minute)
	again, err := b.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(again); len(got) != 1 || got[0] != queued[2] || again[0].Attempts != 1 {
		t.Fatalf("claim after lease = %+v, want %d with 1 attempt", again, queued[2])
	}
	clk.Add(4 * time.Minute)
	retry, err := a.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(retry); len(got) != 2 || got[0] != queued[1] || got[1] != queued[2] {
		t.Fatalf("claim after retry delay = %v, want [%d %d]", got, queued[1], queued[2])
	}
}

func TestCompleteWithReply(t *testing.T) {
	t.Parallel()
	s := openMigrated(t, Options{})
	ctx := t.Context()
	if _, err := s.Accept(ctx, store.InboxItem{ID: "wamid.1", Subject: "subj-a", Received: time.Now(), Payload: []byte("in")}); err != nil {
		t.Fatal(err)
	}
	id, err := s.CompleteWithReply(ctx, "wamid.1", "subj-a", []byte("out"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Pending(ctx)
	if err != nil || len(p) != 0 {
		t.Errorf("Pending = %v, %v; want empty", p, err)
	}
	items, err := s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil || len(items) != 1 || items[0].ID != id || !bytes.Equal(items[0].Payload, []byte("out")) {
		t.Errorf("outbox = %+v, %v; want the reply %d", items, err, id)
	}
	if ok, err := s.Accept(ctx, store.InboxItem{ID: "wamid.1", Subject: "subj-a", Received: time.Now()}); err != nil || ok {
		t.Errorf("redelivery after CompleteWithReply = %v, %v; want duplicate", ok, err)
	}
	// A second completion (a worker whose lease ran out) queues nothing.
	if _, err := s.CompleteWithReply(ctx, "wamid.1", "subj-a", []byte("again")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second completion err = %v, want store.ErrNotFound", err)
	}
	if err := s.MarkSent(ctx, id); err != nil {
		t.Fatal(err)
	}
	if items, err := s.ClaimOutbox(ctx, 10, time.Minute); err != nil || len(items) != 0 {
		t.Errorf("outbox after a second completion = %+v, %v; want nothing", items, err)
	}
}

func TestPurgeDropsOldSentReplies(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := openIn(t, newSchema(t), Options{Now: clk.Now})
	migrate(t, s)
	ctx := t.Context()
	sent, err := s.EnqueueOutbox(ctx, "subj-a", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	pending, err := s.EnqueueOutbox(ctx, "subj-b", []byte("y"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, sent); err != nil {
		t.Fatal(err)
	}
	clk.Add(48 * time.Hour)
	if _, err := s.Purge(ctx, clk.Now(), 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM outbox WHERE id = $1`, sent).Scan(&n); err != nil || n != 0 {
		t.Fatalf("old sent reply kept: %d, %v", n, err)
	}
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM outbox WHERE id = $1`, pending).Scan(&n); err != nil || n != 1 {
		t.Fatalf("unsent reply purged: %d, %v", n, err)
	}
}
