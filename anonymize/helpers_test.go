package anonymize

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"

	"github.com/veilhq/veil/store"
)

// fakeVault is an in-memory store.Vault.
type fakeVault struct {
	mu      sync.Mutex
	entries map[string][]store.VaultEntry // conversation → entries
	puts    int
}

var _ store.Vault = (*fakeVault)(nil)

func newFakeVault() *fakeVault { return &fakeVault{entries: make(map[string][]store.VaultEntry)} }

func (v *fakeVault) PutEntry(ctx context.Context, e store.VaultEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.puts++
	list := v.entries[e.Conversation]
	for i := range list {
		if list[i].Token == e.Token {
			list[i] = e
			return nil
		}
	}
	v.entries[e.Conversation] = append(list, e)
	return nil
}

func (v *fakeVault) LookupIndex(ctx context.Context, conversation string, index []byte) (store.VaultEntry, error) {
	if err := ctx.Err(); err != nil {
		return store.VaultEntry{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, e := range v.entries[conversation] {
		if bytes.Equal(e.Index, index) {
			return e, nil
		}
	}
	return store.VaultEntry{}, store.ErrNotFound
}

func (v *fakeVault) Entries(ctx context.Context, conversation string) ([]store.VaultEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]store.VaultEntry(nil), v.entries[conversation]...), nil
}

// fakeSealer derives a key per subject from a random master key: AES-256-GCM
// for Seal/Open and HMAC-SHA256 for BlindIndex. Subjects in erased cannot
// open anything (crypto-shredding).
type fakeSealer struct {
	master [32]byte
	mu     sync.Mutex
	erased map[string]bool
}

var _ Sealer = (*fakeSealer)(nil)

func newFakeSealer(t testing.TB) *fakeSealer {
	t.Helper()
	s := &fakeSealer{erased: make(map[string]bool)}
	if _, err := rand.Read(s.master[:]); err != nil {
		t.Fatal(err)
	}
	return s
}

var errErased = errors.New("fake sealer: subject erased")

func (s *fakeSealer) key(subject, purpose string) ([]byte, error) {
	s.mu.Lock()
	gone := s.erased[subject]
	s.mu.Unlock()
	if gone {
		return nil, errErased
	}
	m := hmac.New(sha256.New, s.master[:])
	m.Write([]byte(purpose + "\x00" + subject))
	return m.Sum(nil), nil
}

func (s *fakeSealer) aead(subject string) (cipher.AEAD, error) {
	k, err := s.key(subject, "seal")
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func (s *fakeSealer) Seal(_ context.Context, subject string, plaintext, aad []byte) ([]byte, error) {
	g, err := s.aead(subject)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return g.Seal(nonce, nonce, plaintext, aad), nil
}

func (s *fakeSealer) Open(_ context.Context, subject string, ciphertext, aad []byte) ([]byte, error) {
	g, err := s.aead(subject)
	if err != nil {
		return nil, err
	}
	if len(ciphertext) < g.NonceSize() {
		return nil, errors.New("fake sealer: short ciphertext")
	}
	return g.Open(nil, ciphertext[:g.NonceSize()], ciphertext[g.NonceSize():], aad)
}

func (s *fakeSealer) BlindIndex(_ context.Context, subject string, value []byte) ([]byte, error) {
	k, err := s.key(subject, "index")
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, k)
	m.Write(value)
	return m.Sum(nil), nil
}

func (s *fakeSealer) erase(subject string) {
	s.mu.Lock()
	s.erased[subject] = true
	s.mu.Unlock()
}
