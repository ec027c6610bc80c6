package bolt_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
	"github.com/veilhq/veil/store/storetest"
)

func openTemp(tb testing.TB, opts bolt.Options) (*bolt.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "data", "veil.db")
	s, err := bolt.Open(path, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, path
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openTemp(t, bolt.Options{NoSync: true})
		return s
	})
}

// TestIndexesClean checks that erasure and purge leave no dangling index
// entries: after the store is emptied, only the consent ledger, keys of
// other subjects and seen IDs remain.
func TestIndexesClean(t *testing.T) {
	ctx := t.Context()
	s, _ := openTemp(t, bolt.Options{NoSync: true})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	exp := now.Add(time.Hour)
	for _, subj := range []string{"a", "b"} {
		conv := "conv-" + subj
		mustDo(t, s.PutEntry(ctx, store.VaultEntry{Conversation: conv, Subject: subj, Token: "<EMAIL_1>", Index: []byte("i"), Value: []byte("v"), Expires: exp}))
		// Replacing must drop the old indexes too.
		mustDo(t, s.PutEntry(ctx, store.VaultEntry{Conversation: conv, Subject: subj, Token: "<EMAIL_1>", Index: []byte("j"), Value: []byte("v"), Expires: exp.Add(time.Minute)}))
		mustDo(t, s.AppendRecord(ctx, store.Record{Subject: subj, Conversation: conv, Kind: store.RecordUser, At: now, Expires: exp}))
		mustDo(t, s.PutState(ctx, conv, subj, []byte("x"), exp))
		mustDo(t, s.PutState(ctx, conv, subj, []byte("y"), exp.Add(time.Minute)))
		if _, err := s.Accept(ctx, store.InboxItem{ID: "m-" + subj, Subject: subj, Received: now, Payload: []byte("p")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppendConsent(ctx, store.ConsentEvent{Subject: subj, At: now, Action: store.ConsentOptIn}); err != nil {
			t.Fatal(err)
		}
	}
	mustDo(t, s.EraseSubject(ctx, "a"))
	mustDo(t, s.Complete(ctx, "m-b"))
	if _, err := s.Purge(ctx, exp.Add(time.Hour), 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"consent": 2, "seen": 2, "seen_time": 2}
	for name, n := range got {
		if n != want[name] {
			t.Errorf("bucket %s has %d keys, want %d", name, n, want[name])
		}
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "veil.db")
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 2, 3, 4, 5, 6, 7, time.UTC)
	item := store.InboxItem{ID: "wamid.1", Subject: "subj", Received: at, Payload: []byte("sealed")}
	if _, err := s.Accept(ctx, item); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutKey(ctx, "subj", []byte("wrapped")); err != nil {
		t.Fatal(err)
	}
	ev, err := s.AppendConsent(ctx, store.ConsentEvent{Subject: "subj", At: at, Action: store.ConsentOptIn})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != item.ID || !pending[0].Received.Equal(at) || string(pending[0].Payload) != "sealed" {
		t.Errorf("Pending after reopen = %+v, %v; want [%+v]", pending, err, item)
	}
	if ok, err := s.Accept(ctx, item); err != nil || ok {
		t.Errorf("Accept after reopen = %v, %v; want false (still seen)", ok, err)
	}
	if k, err := s.GetKey(ctx, "subj"); err != nil || string(k) != "wrapped" {
		t.Errorf("GetKey after reopen = %q, %v", k, err)
	}
	next, err := s.AppendConsent(ctx, store.ConsentEvent{Subject: "subj", At: at, Action: store.ConsentWithdraw})
	if err != nil || next.Seq <= ev.Seq {
		t.Errorf("Seq after reopen = %d, %v; want > %d", next.Seq, err, ev.Seq)
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	_, path := openTemp(t, bolt.Options{NoSync: true})
	tests := []struct {
		name string
		path string
		want os.FileMode
	}{
		{"File", path, 0o600},
		{"Dir", filepath.Dir(path), 0o700},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi, err := os.Stat(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got&^tt.want != 0 {
				t.Errorf("mode = %04o, want at most %04o", got, tt.want)
			}
		})
	}
}

func TestOpenLockedFailsClearly(t *testing.T) {
	_, path := openTemp(t, bolt.Options{NoSync: true})
	// bbolt's flock is per open file, so a second Open in this process
	// contends like a second process would.
	s2, err := bolt.Open(path, bolt.Options{Timeout: 50 * time.Millisecond})
	if err == nil {
		s2.Close()
		t.Fatal("second Open succeeded, want a lock error")
	}
	if !errors.Is(err, bolt.ErrLocked) {
		t.Errorf("second Open error = %v, want bolt.ErrLocked", err)
	}
}

func TestCanceledContext(t *testing.T) {
	s, _ := openTemp(t, bolt.Options{NoSync: true})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Accept", func() error {
			_, err := s.Accept(ctx, store.InboxItem{ID: "x"})
			return err
		}},
		{"Pending", func() error { _, err := s.Pending(ctx); return err }},
		{"PutKey", func() error { _, err := s.PutKey(ctx, "s", []byte("k")); return err }},
		{"AppendRecord", func() error { return s.AppendRecord(ctx, store.Record{Subject: "s"}) }},
		{"Purge", func() error { _, err := s.Purge(ctx, time.Now(), time.Hour); return err }},
		{"EraseSubject", func() error { return s.EraseSubject(ctx, "s") }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
	// Nothing was written.
	if ok, err := s.Accept(t.Context(), store.InboxItem{ID: "x"}); err != nil || !ok {
		t.Errorf("Accept after canceled Accept = %v, %v; want true", ok, err)
	}
}
