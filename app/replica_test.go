package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/veilhq/veil/config"
	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/pipeline"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/postgres"
	"github.com/veilhq/veil/store/postgres/pgtest"
	"github.com/veilhq/veil/whatsapp"
)

// sentLog records what every replica sent, per recipient, in order.
type sentLog struct {
	mu   sync.Mutex
	by   map[string][]string
	n    int
	fail map[string]int // recipient → failures still to inject
}

func (s *sentLog) sender(replica string) Sender {
	return SenderFunc(func(_ context.Context, to string, r pipeline.Reply) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail[to] > 0 {
			s.fail[to]--
			return fmt.Errorf("graph API unavailable (injected)")
		}
		s.by[to] = append(s.by[to], r.Text)
		s.n++
		return nil
	})
}

func (s *sentLog) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func newReplica(t *testing.T, schema, master string, sent *sentLog, name string) *App {
	t.Helper()
	cfg := config.Default()
	cfg.DatabaseURL = "postgres://ignored@localhost/veil" // the store is given below
	cfg.MasterKey = master
	st := pgtest.Open(t, schema, postgres.Options{})
	a, err := New(context.Background(), cfg, zerolog.Nop(), Options{Store: st, Sender: sent.sender(name), Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Two replicas on one database, webhooks for the same users spread over
// both, a duplicate of every message delivered to the other replica, a
// worker that died holding a claim and a failing send: every message is
// answered exactly once, each user's replies in order.
func TestReplicasShareOneDatabase(t *testing.T) {
	schema := pgtest.Schema(t)
	master := keyring.GenerateMasterKey()
	sent := &sentLog{by: map[string][]string{}, fail: map[string]int{}}
	a := newReplica(t, schema, master, sent, "a")
	b := newReplica(t, schema, master, sent, "b")
	replicas := []*App{a, b}
	ctx := context.Background()

	users := []string{"447700900101", "447700900102", "34612000103", "15550000104"}
	sent.fail[users[2]] = 1 // the first send to this user fails and is retried
	script := func(u string, i int) Inbound {
		in := Inbound{ID: fmt.Sprintf("wamid.%s.%d", u, i), From: u, Kind: pipeline.KindText, Timestamp: time.Now()}
		switch i {
		case 0:
			in.Text = "hi"
		case 1:
			in.Kind, in.ButtonID, in.Text = pipeline.KindButton, "consent:agree", "I agree"
		default:
			in.Text = fmt.Sprintf("when are you open? (%d)", i)
		}
		return in
	}
	const perUser = 5

	// Accept everything before any worker runs, then let a dead worker
	// hold the first user's first message.
	var wg sync.WaitGroup
	for ui, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perUser {
				r := replicas[(ui+i)%2]
				fresh, err := r.Submit(ctx, script(u, i))
				if err != nil || !fresh {
					t.Errorf("submit %s/%d: fresh=%v err=%v", u, i, fresh, err)
				}
				dup, err := replicas[(ui+i+1)%2].Submit(ctx, script(u, i))
				if err != nil || dup {
					t.Errorf("redelivery of %s/%d to the other replica: fresh=%v err=%v", u, i, dup, err)
				}
			}
		}()
	}
	wg.Wait()
	dead := a.queue.(*postgres.Store)
	claim, ok, err := dead.ClaimInbox(ctx, "dead-worker", 2*time.Second)
	if err != nil || !ok {
		t.Fatalf("dead worker's claim: %v %v", ok, err)
	}

	for _, r := range replicas {
		if err := r.Start(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	want := perUser * len(users)
	deadline := time.Now().Add(60 * time.Second)
	for sent.total() < want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // anything sent twice would show now
	for _, r := range replicas {
		if err := r.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := sent.total(); got != want {
		t.Fatalf("sent %d replies, want %d (one per message): %v", got, want, sent.by)
	}
	for _, u := range users {
		got := sent.by[u]
		wantSub := []string{"privacy", "Thank you", "Monday to Friday", "Monday to Friday", "Monday to Friday"}
		if len(got) != len(wantSub) {
			t.Fatalf("%s got %d replies: %q", u, len(got), got)
		}
		for i, w := range wantSub {
			if !strings.Contains(got[i], w) && !(i == 0 && strings.Contains(got[i], "STOP")) {
				t.Errorf("%s reply %d = %q, want %q (out of order?)", u, i+1, got[i], w)
			}
		}
	}
	// The dead worker's message was processed once, by a live replica.
	st := pgtest.Open(t, schema, postgres.Options{})
	defer st.Close()
	kr, err := keyring.New(mustMaster(t, master), st)
	if err != nil {
		t.Fatal(err)
	}
	deadUser := ""
	for _, u := range users {
		if kr.Subject(u) == claim.Item.Subject {
			deadUser = u
		}
	}
	if deadUser == "" || len(sent.by[deadUser]) != perUser {
		t.Errorf("the dead worker's user %q was not fully answered", deadUser)
	}
	for _, u := range users {
		hist, err := st.ConsentHistory(ctx, kr.Subject(u))
		if err != nil {
			t.Fatal(err)
		}
		optIns := 0
		for _, ev := range hist {
			if ev.Action == store.ConsentOptIn {
				optIns++
			}
		}
		if optIns != 1 {
			t.Errorf("%s: %d opt-ins in the ledger, want 1", u, optIns)
		}
	}
	if p, err := st.Pending(ctx); err != nil || len(p) != 0 {
		t.Errorf("inbox not empty after the run: %d items, %v", len(p), err)
	}
}

func mustMaster(t *testing.T, b64 string) []byte {
	t.Helper()
	k, err := keyring.ParseMasterKey(b64)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestReplicaWithAnotherMasterKeyRefusesToStart(t *testing.T) {
	schema := pgtest.Schema(t)
	sent := &sentLog{by: map[string][]string{}, fail: map[string]int{}}
	a := newReplica(t, schema, keyring.GenerateMasterKey(), sent, "a")
	defer a.Close(context.Background())

	cfg := config.Default()
	cfg.DatabaseURL = "postgres://ignored@localhost/veil"
	cfg.MasterKey = keyring.GenerateMasterKey()
	st := pgtest.Open(t, schema, postgres.Options{})
	_, err := New(context.Background(), cfg, zerolog.Nop(), Options{Store: st})
	if err == nil || !strings.Contains(err.Error(), "another master key") {
		t.Fatalf("second replica with another key: err = %v", err)
	}

	// Without VEIL_MASTER_KEY a single replica uses its data dir's key file.
	other := pgtest.Schema(t)
	cfg.MasterKey = ""
	cfg.DataDir = t.TempDir()
	b, err := New(context.Background(), cfg, zerolog.Nop(), Options{Store: pgtest.Open(t, other, postgres.Options{})})
	if err != nil {
		t.Fatalf("PostgreSQL without VEIL_MASTER_KEY: %v", err)
	}
	b.Close(context.Background())
}

// A sender that died after WhatsApp accepted a reply but before recording
// it: the message's status webhook confirms the outbox row, so no replica
// sends the reply again when the claim expires.
func TestStatusWebhookConfirmsAnOrphanedSend(t *testing.T) {
	ctx := context.Background()
	schema := pgtest.Schema(t)
	master := keyring.GenerateMasterKey()
	sent := &sentLog{by: map[string][]string{}, fail: map[string]int{}}
	a := newReplica(t, schema, master, sent, "a")
	defer a.Close(ctx)
	q := a.queue.(*postgres.Store)
	const user = "447700900888"
	if _, err := a.Submit(ctx, Inbound{ID: "w1", From: user, Kind: pipeline.KindText, Text: "hi", Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}
	c, ok, err := q.ClaimInbox(ctx, "worker", time.Minute)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	a.runClaimed(ctx, c)                              // the notice is queued in the outbox
	items, err := q.ClaimOutbox(ctx, 10, time.Second) // a sender claims it...
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox = %d, %v", len(items), err)
	}
	// ...WhatsApp accepts it and the sender dies; the status arrives.
	err = a.Receive(ctx, whatsapp.Batch{Statuses: []whatsapp.Status{{
		MessageID: "wamid.out", RecipientID: user, Status: whatsapp.StatusSent,
		CallbackData: fmt.Sprintf("%s%d", outboxRefPrefix, items[0].ID),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the dead sender's lease ends
	if again, err := q.ClaimOutbox(ctx, 10, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("the confirmed reply is claimable again: %d, %v", len(again), err)
	}
	// Control: an unconfirmed orphan is claimed again (and would be resent).
	if _, err := a.Submit(ctx, Inbound{ID: "w2", From: user, Kind: pipeline.KindText, Text: "hello?", Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}
	c, ok, err = q.ClaimInbox(ctx, "worker", time.Minute)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	a.runClaimed(ctx, c)
	if items, err = q.ClaimOutbox(ctx, 10, time.Second); err != nil || len(items) != 1 {
		t.Fatalf("outbox = %d, %v", len(items), err)
	}
	time.Sleep(1100 * time.Millisecond)
	if again, err := q.ClaimOutbox(ctx, 10, time.Minute); err != nil || len(again) != 1 {
		t.Fatalf("an unconfirmed orphan was not claimed again: %d, %v", len(again), err)
	}
}
