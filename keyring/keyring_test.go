package keyring_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/veilhq/veil/keyring"
	"github.com/veilhq/veil/store"
	"github.com/veilhq/veil/store/bolt"
)

// memKeys is an in-memory store.KeyStore that counts calls.
type memKeys struct {
	mu      sync.Mutex
	keys    map[string][]byte
	inserts int
	gets    int
}

var _ store.KeyStore = (*memKeys)(nil)

func newMemKeys() *memKeys { return &memKeys{keys: make(map[string][]byte)} }

func (m *memKeys) PutKey(_ context.Context, subject string, wrapped []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok := m.keys[subject]; ok {
		return bytes.Clone(k), nil
	}
	m.keys[subject] = bytes.Clone(wrapped)
	m.inserts++
	return bytes.Clone(wrapped), nil
}

func (m *memKeys) GetKey(_ context.Context, subject string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	k, ok := m.keys[subject]
	if !ok {
		return nil, store.ErrNotFound
	}
	return bytes.Clone(k), nil
}

func (m *memKeys) DeleteKey(_ context.Context, subject string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, subject)
	return nil
}

func (m *memKeys) counts() (keys, inserts, gets int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys), m.inserts, m.gets
}

func newMaster(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, keyring.KeySize)
	rand.Read(k)
	return k
}

func newKeyring(t testing.TB, master []byte, ks store.KeyStore, opts ...keyring.Option) *keyring.Keyring {
	t.Helper()
	kr, err := keyring.New(master, ks, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return kr
}

func mustSeal(t testing.TB, kr *keyring.Keyring, subject string, pt, aad []byte) []byte {
	t.Helper()
	ct, err := kr.Seal(context.Background(), subject, pt, aad)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return ct
}

func TestNewRejectsBadInput(t *testing.T) {
	tests := []struct {
		name   string
		master []byte
		ks     store.KeyStore
	}{
		{"ShortMaster", make([]byte, 16), newMemKeys()},
		{"LongMaster", make([]byte, 33), newMemKeys()},
		{"NilKeyStore", make([]byte, 32), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := keyring.New(tt.master, tt.ks); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	master, ks := newMaster(t), newMemKeys()
	kr := newKeyring(t, master, ks)
	big := make([]byte, 64<<10)
	rand.Read(big)
	tests := []struct {
		name    string
		pt, aad []byte
	}{
		{"Empty", nil, nil},
		{"Text", []byte("my email is ana@example.com"), []byte("vault")},
		{"Binary64KiB", big, []byte("inbox")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := mustSeal(t, kr, "subj-a", tt.pt, tt.aad)
			if len(tt.pt) > 8 && bytes.Contains(ct, tt.pt[:8]) {
				t.Error("ciphertext contains plaintext")
			}
			for name, opener := range map[string]*keyring.Keyring{
				"SameKeyring":  kr,
				"FreshKeyring": newKeyring(t, master, ks), // cold cache, same master
			} {
				got, err := opener.Open(t.Context(), "subj-a", ct, tt.aad)
				if err != nil {
					t.Fatalf("%s: Open: %v", name, err)
				}
				if !bytes.Equal(got, tt.pt) {
					t.Errorf("%s: Open = %q..., want the plaintext", name, got[:min(len(got), 16)])
				}
			}
		})
	}
}

func TestSealIsRandomized(t *testing.T) {
	kr := newKeyring(t, newMaster(t), newMemKeys())
	a := mustSeal(t, kr, "subj", []byte("same"), nil)
	b := mustSeal(t, kr, "subj", []byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are identical, want fresh nonces")
	}
}

func TestOpenRejects(t *testing.T) {
	master, ks := newMaster(t), newMemKeys()
	kr := newKeyring(t, master, ks)
	pt, aad := []byte("secret value"), []byte("vault")
	ct := mustSeal(t, kr, "subj-a", pt, aad)
	mustSeal(t, kr, "subj-b", []byte("b has a key too"), nil)

	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name    string
		kr      *keyring.Keyring
		subject string
		ct, aad []byte
		want    error
	}{
		{"WrongAAD", kr, "subj-a", ct, []byte("inbox"), keyring.ErrInvalidCiphertext},
		{"MissingAAD", kr, "subj-a", ct, nil, keyring.ErrInvalidCiphertext},
		{"OtherSubjectsKey", kr, "subj-b", ct, aad, keyring.ErrInvalidCiphertext},
		{"SubjectWithoutKey", kr, "subj-none", ct, aad, keyring.ErrShredded},
		{"FlippedVersion", kr, "subj-a", flip(0), aad, keyring.ErrInvalidCiphertext},
		{"FlippedNonce", kr, "subj-a", flip(1), aad, keyring.ErrInvalidCiphertext},
		{"FlippedBody", kr, "subj-a", flip(14), aad, keyring.ErrInvalidCiphertext},
		{"FlippedTag", kr, "subj-a", flip(len(ct) - 1), aad, keyring.ErrInvalidCiphertext},
		{"Truncated", kr, "subj-a", ct[:len(ct)-1], aad, keyring.ErrInvalidCiphertext},
		{"TooShort", kr, "subj-a", ct[:5], aad, keyring.ErrInvalidCiphertext},
		{"Empty", kr, "subj-a", nil, aad, keyring.ErrInvalidCiphertext},
		{"WrongMasterKey", newKeyring(t, newMaster(t), ks), "subj-a", ct, aad, keyring.ErrUnwrap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kr.Open(t.Context(), tt.subject, tt.ct, tt.aad)
			if !errors.Is(err, tt.want) {
				t.Errorf("Open = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestShredMakesCiphertextUnreadable(t *testing.T) {
	master, ks := newMaster(t), newMemKeys()
	kr := newKeyring(t, master, ks)
	ct := mustSeal(t, kr, "subj-a", []byte("before erasure"), nil)
	idxBefore, err := kr.BlindIndex(t.Context(), "subj-a", []byte("ana@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	other := mustSeal(t, kr, "subj-b", []byte("not erased"), nil)

	if err := kr.Shred(t.Context(), "subj-a"); err != nil {
		t.Fatalf("Shred: %v", err)
	}

	for name, opener := range map[string]*keyring.Keyring{
		"SameKeyring":  kr,
		"FreshKeyring": newKeyring(t, master, ks),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := opener.Open(t.Context(), "subj-a", ct, nil)
			if !errors.Is(err, keyring.ErrShredded) || !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Open after Shred: %v; want ErrShredded matching store.ErrNotFound", err)
			}
			if _, err := opener.Open(t.Context(), "subj-b", other, nil); err != nil {
				t.Errorf("Open of another subject after Shred: %v", err)
			}
		})
	}

	t.Run("NewKeyAfterShredDoesNotRevive", func(t *testing.T) {
		idxAfter, err := kr.BlindIndex(t.Context(), "subj-a", []byte("ana@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(idxBefore, idxAfter) {
			t.Error("blind index unchanged after Shred, want it unlinked")
		}
		if _, err := kr.Open(t.Context(), "subj-a", ct, nil); !errors.Is(err, keyring.ErrInvalidCiphertext) {
			t.Errorf("Open of old ciphertext under the new key: %v; want ErrInvalidCiphertext", err)
		}
	})
}

// TestCacheTTLAcrossReplicas shows the documented window: a replica that
// cached a key keeps opening until its cache entry expires.
func TestCacheTTLAcrossReplicas(t *testing.T) {
	master, ks := newMaster(t), newMemKeys()
	var (
		mu  sync.Mutex
		now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	primary := newKeyring(t, master, ks)
	replica := newKeyring(t, master, ks, keyring.WithCacheTTL(time.Minute), keyring.WithClock(clock))
	ct := mustSeal(t, primary, "subj", []byte("x"), nil)
	if _, err := replica.Open(t.Context(), "subj", ct, nil); err != nil {
		t.Fatalf("replica Open: %v", err)
	}
	if err := primary.Shred(t.Context(), "subj"); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name    string
		advance time.Duration
		want    error
	}{
		{"WithinTTL", 30 * time.Second, nil},
		{"AfterTTL", 31 * time.Second, keyring.ErrShredded},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			advance(st.advance)
			_, err := replica.Open(t.Context(), "subj", ct, nil)
			if !errors.Is(err, st.want) && !(st.want == nil && err == nil) {
				t.Errorf("replica Open = %v, want %v", err, st.want)
			}
		})
	}
}

func TestCacheTTLControlsStoreReads(t *testing.T) {
	tests := []struct {
		name      string
		ttl       time.Duration
		wantReads int
	}{
		{"Disabled", 0, 3},
		{"Enabled", time.Hour, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks := newMemKeys()
			kr := newKeyring(t, newMaster(t), ks, keyring.WithCacheTTL(tt.ttl))
			ct := mustSeal(t, kr, "subj", []byte("x"), nil) // first read: miss, then create
			for range 2 {
				if _, err := kr.Open(t.Context(), "subj", ct, nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, gets := ks.counts(); gets != tt.wantReads {
				t.Errorf("GetKey called %d times, want %d", gets, tt.wantReads)
			}
		})
	}
}

func TestConcurrentSealCreatesOneKey(t *testing.T) {
	for _, ttl := range []time.Duration{0, keyring.DefaultCacheTTL} {
		t.Run(ttl.String(), func(t *testing.T) {
			master, ks := newMaster(t), newMemKeys()
			kr := newKeyring(t, master, ks, keyring.WithCacheTTL(ttl))
			const n = 16
			cts := make([][]byte, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					cts[i], errs[i] = kr.Seal(context.Background(), "subj-new", []byte{byte(i)}, nil)
				}()
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			if keys, inserts, _ := ks.counts(); keys != 1 || inserts != 1 {
				t.Errorf("store holds %d keys after %d inserts, want 1 and 1", keys, inserts)
			}
			fresh := newKeyring(t, master, ks)
			for i, ct := range cts {
				pt, err := fresh.Open(t.Context(), "subj-new", ct, nil)
				if err != nil || !bytes.Equal(pt, []byte{byte(i)}) {
					t.Errorf("ciphertext %d: Open = %v, %v", i, pt, err)
				}
			}
		})
	}
}

func TestSubject(t *testing.T) {
	master := newMaster(t)
	kr := newKeyring(t, master, newMemKeys())
	again := newKeyring(t, master, newMemKeys()) // a restart
	otherMaster := newKeyring(t, newMaster(t), newMemKeys())

	const num = "14155550100"
	t.Run("StableAcrossRestart", func(t *testing.T) {
		if a, b := kr.Subject(num), again.Subject(num); a != b {
			t.Errorf("Subject changed across keyrings with one master: %s vs %s", a, b)
		}
	})
	t.Run("DistinctPerMasterKey", func(t *testing.T) {
		if kr.Subject(num) == otherMaster.Subject(num) {
			t.Error("Subject equal under two master keys")
		}
	})
	t.Run("Format", func(t *testing.T) {
		s := kr.Subject(num)
		if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
			t.Errorf("Subject = %q, want 64 hex characters", s)
		}
		if bytes.Contains([]byte(s), []byte(num)) {
			t.Error("Subject contains the number")
		}
	})
	normalized := []struct {
		name, in string
		same     bool
	}{
		{"PlusPrefix", "+14155550100", true},
		{"Formatted", "+1 (415) 555-0100", true},
		{"OtherNumber", "14155550101", false},
		{"Prefix", "1415555010", false},
	}
	for _, tt := range normalized {
		t.Run("Normalize/"+tt.name, func(t *testing.T) {
			if got := kr.Subject(tt.in) == kr.Subject(num); got != tt.same {
				t.Errorf("Subject(%q) == Subject(%q) is %v, want %v", tt.in, num, got, tt.same)
			}
		})
	}
	t.Run("LogID", func(t *testing.T) {
		id := kr.LogID(num)
		if b, err := hex.DecodeString(id); err != nil || len(b) != 6 {
			t.Errorf("LogID = %q, want 12 hex characters", id)
		}
		if id != again.LogID("+1 415 555 0100") {
			t.Error("LogID not stable across keyrings and formatting")
		}
		if s := kr.Subject(num); s[:12] == id {
			t.Error("LogID is a prefix of Subject, want an unrelated key")
		}
		if id == kr.LogID("14155550101") {
			t.Error("LogID equal for two numbers")
		}
	})
}

func TestHash(t *testing.T) {
	master := newMaster(t)
	kr := newKeyring(t, master, newMemKeys())
	data := []byte("ana@example.com")
	h := kr.Hash("operator", data)
	tests := []struct {
		name string
		got  []byte
		same bool
	}{
		{"Deterministic", newKeyring(t, master, newMemKeys()).Hash("operator", data), true},
		{"OtherPurpose", kr.Hash("tombstone", data), false},
		{"OtherData", kr.Hash("operator", []byte("bob@example.com")), false},
		{"OtherMaster", newKeyring(t, newMaster(t), newMemKeys()).Hash("operator", data), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != 32 {
				t.Fatalf("len = %d, want 32", len(tt.got))
			}
			if bytes.Equal(tt.got, h) != tt.same {
				t.Errorf("equal = %v, want %v", !tt.same, tt.same)
			}
		})
	}
}

func TestBlindIndex(t *testing.T) {
	kr := newKeyring(t, newMaster(t), newMemKeys())
	idx := func(subject, value string) []byte {
		t.Helper()
		b, err := kr.BlindIndex(t.Context(), subject, []byte(value))
		if err != nil {
			t.Fatalf("BlindIndex: %v", err)
		}
		return b
	}
	ref := idx("subj-a", "ana@example.com")
	tests := []struct {
		name string
		got  []byte
		same bool
	}{
		{"SameValueSameSubject", idx("subj-a", "ana@example.com"), true},
		{"OtherValue", idx("subj-a", "bob@example.com"), false},
		{"OtherSubject", idx("subj-b", "ana@example.com"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Equal(tt.got, ref) != tt.same {
				t.Errorf("equal = %v, want %v", !tt.same, tt.same)
			}
		})
	}
}

func TestWithBoltStore(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "veil.db"), bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	master := newMaster(t)
	kr := newKeyring(t, master, st)
	ct := mustSeal(t, kr, "subj", []byte("hello"), []byte("aad"))
	if pt, err := newKeyring(t, master, st).Open(t.Context(), "subj", ct, []byte("aad")); err != nil || string(pt) != "hello" {
		t.Errorf("Open = %q, %v", pt, err)
	}
	if err := st.EraseSubject(t.Context(), "subj"); err != nil {
		t.Fatal(err)
	}
	if _, err := newKeyring(t, master, st).Open(t.Context(), "subj", ct, []byte("aad")); !errors.Is(err, keyring.ErrShredded) {
		t.Errorf("Open after EraseSubject: %v, want ErrShredded", err)
	}
}

// TestWrappedKeyBoundToSubject checks that a wrapped key copied under
// another subject in the key store does not unwrap there.
func TestWrappedKeyBoundToSubject(t *testing.T) {
	master, ks := newMaster(t), newMemKeys()
	kr := newKeyring(t, master, ks)
	ct := mustSeal(t, kr, "subj-a", []byte("x"), nil)
	wrapped, err := ks.GetKey(t.Context(), "subj-a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.PutKey(t.Context(), "subj-b", wrapped); err != nil {
		t.Fatal(err)
	}
	if _, err := newKeyring(t, master, ks).Open(t.Context(), "subj-b", ct, nil); !errors.Is(err, keyring.ErrUnwrap) {
		t.Errorf("Open with a key copied from another subject: %v, want ErrUnwrap", err)
	}
}
