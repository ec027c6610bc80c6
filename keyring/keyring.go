package keyring

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/veilhq/veil/store"
)

// Sentinel errors. Seal, Open and BlindIndex return them wrapped with the
// operation ("keyring: open: invalid ciphertext: ..."); test with errors.Is.
var (
	// ErrShredded means the subject has no data key: it was erased (or
	// never had one). Values sealed for it are gone for good; treat them as
	// absent. errors.Is(err, store.ErrNotFound) is true for it as well.
	ErrShredded error = shreddedError{}

	// ErrInvalidCiphertext means a ciphertext is truncated, has an unknown
	// version, or fails authentication (tampered, or opened with another
	// subject's key or other additional data). Do not retry; treat the value
	// as corrupt.
	ErrInvalidCiphertext = errors.New("invalid ciphertext")

	// ErrUnwrap means a stored data key cannot be unwrapped: the master key
	// is not the one it was wrapped with, or the stored key is corrupt.
	// Check the configured master key before anything else.
	ErrUnwrap = errors.New("cannot unwrap data key (wrong master key or corrupt key store)")
)

type shreddedError struct{}

func (shreddedError) Error() string        { return "subject key shredded" }
func (shreddedError) Is(target error) bool { return target == store.ErrNotFound }

const (
	version   byte = 1
	nonceSize      = 12
	overhead       = 1 + nonceSize + 16 // version, nonce, GCM tag

	// DefaultCacheTTL is how long an unwrapped data key stays cached.
	DefaultCacheTTL = 30 * time.Second
	// maxCached bounds the cache; beyond it expired entries are swept, and
	// if that is not enough the cache is cleared.
	maxCached = 10000
)

// Derivation labels. Changing one changes every value derived from it.
const (
	labelSubject = "veil subject v1"
	labelLogID   = "veil logid v1"
	labelWrap    = "veil dek wrap v1"
	labelHash    = "veil hash v1"
	labelIndex   = "veil blind index v1"
)

// Option configures a Keyring.
type Option func(*Keyring)

// WithCacheTTL sets how long unwrapped data keys are cached in memory; zero
// or less disables the cache. Other replicas may use a cached key for up to
// this long after Shred.
func WithCacheTTL(d time.Duration) Option {
	return func(k *Keyring) { k.ttl = max(d, 0) }
}

// WithClock replaces time.Now for cache expiry.
func WithClock(now func() time.Time) Option {
	return func(k *Keyring) { k.now = now }
}

// Keyring derives identifiers and seals values per subject. It is safe for
// concurrent use.
type Keyring struct {
	ks       store.KeyStore
	subject  []byte // HMAC key for Subject
	logID    []byte // HMAC key for LogID
	hashRoot []byte // root of per-purpose Hash keys
	wrap     cipher.AEAD
	ttl      time.Duration
	now      func() time.Time

	hashKeys sync.Map // purpose -> []byte

	mu    sync.Mutex
	cache map[string]cached
	// shreds counts Shred calls; a key fetched while it changed is not
	// cached, so a racing fetch cannot re-cache a shredded key.
	shreds uint64
}

type cached struct {
	dk      *dataKey
	expires time.Time
}

// dataKey is an unwrapped subject key, ready to use.
type dataKey struct {
	aead  cipher.AEAD
	index []byte // HMAC key for BlindIndex
}

// New returns a Keyring for a KeySize-byte master key, storing data keys in
// ks.
func New(master []byte, ks store.KeyStore, opts ...Option) (*Keyring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("keyring: master key must be %d bytes, got %d", KeySize, len(master))
	}
	if ks == nil {
		return nil, errors.New("keyring: nil key store")
	}
	k := &Keyring{
		ks:       ks,
		subject:  derive(master, labelSubject),
		logID:    derive(master, labelLogID),
		hashRoot: derive(master, labelHash),
		ttl:      DefaultCacheTTL,
		now:      time.Now,
		cache:    make(map[string]cached),
	}
	wrap, err := newGCM(derive(master, labelWrap))
	if err != nil {
		return nil, err
	}
	k.wrap = wrap
	for _, o := range opts {
		o(k)
	}
	return k, nil
}

// derive returns a KeySize-byte key from secret for one labelled use.
func derive(secret []byte, label string) []byte {
	key, err := hkdf.Key(sha256.New, secret, nil, label, KeySize)
	if err != nil {
		panic("keyring: hkdf: " + err.Error()) // only for lengths far beyond KeySize
	}
	return key
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("keyring: aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("keyring: gcm: %w", err)
	}
	return aead, nil
}

func mac(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

// normalize keeps the ASCII digits of a phone number, so "+1 555-0100" and
// "15550100" name the same user.
func normalize(waID string) []byte {
	out := make([]byte, 0, len(waID))
	for i := 0; i < len(waID); i++ {
		if c := waID[i]; c >= '0' && c <= '9' {
			out = append(out, c)
		}
	}
	return out
}

// Subject returns the user identifier for a WhatsApp number: 64 hex
// characters, stable for a master key, computed over the number's digits
// only. Callers validate the number first: every input without digits maps
// to the same subject.
func (k *Keyring) Subject(waID string) string {
	return hex.EncodeToString(mac(k.subject, normalize(waID)))
}

// LogID returns a 12-hex-character keyed hash of a WhatsApp number for log
// lines. It is unrelated to Subject, so logs cannot be joined to the store
// by value.
func (k *Keyring) LogID(waID string) string {
	return hex.EncodeToString(mac(k.logID, normalize(waID))[:6])
}

// Hash returns HMAC-SHA256 of data under a key derived from the master key
// for purpose. Different purposes give unrelated hashes.
func (k *Keyring) Hash(purpose string, data []byte) []byte {
	key, ok := k.hashKeys.Load(purpose)
	if !ok {
		key, _ = k.hashKeys.LoadOrStore(purpose, derive(k.hashRoot, purpose))
	}
	return mac(key.([]byte), data)
}

// Seal encrypts plaintext for subject, binding aad (which Open must repeat).
// The subject's data key is created on first use.
func (k *Keyring) Seal(ctx context.Context, subject string, plaintext, aad []byte) ([]byte, error) {
	dk, err := k.dataKey(ctx, subject, true)
	if err != nil {
		return nil, fmt.Errorf("keyring: seal: %w", err)
	}
	return seal(dk.aead, plaintext, aad), nil
}

func seal(aead cipher.AEAD, plaintext, aad []byte) []byte {
	out := make([]byte, 1+nonceSize, overhead+len(plaintext))
	out[0] = version
	rand.Read(out[1:]) // never fails (crypto/rand, Go 1.24+)
	return aead.Seal(out, out[1:1+nonceSize], plaintext, aad)
}

// Open decrypts a value sealed for subject with the same aad. It returns
// ErrShredded when the subject's key is gone and ErrInvalidCiphertext when
// the input is malformed, tampered or belongs to another subject or aad.
func (k *Keyring) Open(ctx context.Context, subject string, ciphertext, aad []byte) ([]byte, error) {
	if err := checkShape(ciphertext); err != nil {
		return nil, fmt.Errorf("keyring: open: %w", err)
	}
	dk, err := k.dataKey(ctx, subject, false)
	if err != nil {
		return nil, fmt.Errorf("keyring: open: %w", err)
	}
	pt, err := open(dk.aead, ciphertext, aad)
	if err != nil {
		return nil, fmt.Errorf("keyring: open: %w", err)
	}
	return pt, nil
}

func checkShape(ct []byte) error {
	if len(ct) < overhead {
		return fmt.Errorf("%w: %d bytes, need at least %d", ErrInvalidCiphertext, len(ct), overhead)
	}
	if ct[0] != version {
		return fmt.Errorf("%w: unknown version %d", ErrInvalidCiphertext, ct[0])
	}
	return nil
}

func open(aead cipher.AEAD, ct, aad []byte) ([]byte, error) {
	if err := checkShape(ct); err != nil {
		return nil, err
	}
	pt, err := aead.Open(nil, ct[1:1+nonceSize], ct[1+nonceSize:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrInvalidCiphertext)
	}
	return pt, nil
}

// BlindIndex returns a keyed hash of value under a key derived from the
// subject's data key (created on first use). Equal values give equal
// indexes for one subject; after Shred the link is gone.
func (k *Keyring) BlindIndex(ctx context.Context, subject string, value []byte) ([]byte, error) {
	dk, err := k.dataKey(ctx, subject, true)
	if err != nil {
		return nil, fmt.Errorf("keyring: blind index: %w", err)
	}
	return mac(dk.index, value), nil
}

// Shred deletes the subject's data key: every value sealed for it becomes
// unreadable and its blind indexes unlinkable. This process forgets its
// cached key at once; other replicas may keep theirs up to the cache TTL.
// A Seal running concurrently with Shred may still use the old key, so
// callers stop processing a subject before shredding it.
func (k *Keyring) Shred(ctx context.Context, subject string) error {
	k.mu.Lock()
	delete(k.cache, subject)
	k.shreds++
	k.mu.Unlock()
	if err := k.ks.DeleteKey(ctx, subject); err != nil {
		return fmt.Errorf("keyring: shred: %w", err)
	}
	return nil
}

// dataKey returns the subject's key from the cache or the KeyStore; with
// create it makes one when there is none, else it returns ErrShredded.
func (k *Keyring) dataKey(ctx context.Context, subject string, create bool) (*dataKey, error) {
	now := k.now()
	k.mu.Lock()
	if c, ok := k.cache[subject]; ok && now.Before(c.expires) {
		k.mu.Unlock()
		return c.dk, nil
	}
	shreds := k.shreds
	k.mu.Unlock()

	wrapped, err := k.ks.GetKey(ctx, subject)
	switch {
	case errors.Is(err, store.ErrNotFound) && create:
		wrapped, err = k.ks.PutKey(ctx, subject, k.wrapKey(subject, randomKey()))
		if err != nil {
			return nil, fmt.Errorf("store key: %w", err)
		}
	case errors.Is(err, store.ErrNotFound):
		return nil, ErrShredded
	case err != nil:
		return nil, fmt.Errorf("load key: %w", err)
	}

	raw, err := open(k.wrap, wrapped, []byte(subject))
	if err != nil {
		return nil, ErrUnwrap
	}
	aead, err := newGCM(raw)
	if err != nil {
		return nil, err
	}
	dk := &dataKey{aead: aead, index: derive(raw, labelIndex)}
	clear(raw)

	if k.ttl > 0 {
		k.mu.Lock()
		if k.shreds == shreds {
			if len(k.cache) >= maxCached {
				k.sweep(now)
			}
			k.cache[subject] = cached{dk: dk, expires: now.Add(k.ttl)}
		}
		k.mu.Unlock()
	}
	return dk, nil
}

// sweep drops expired cache entries, or all of them if none expired.
// k.mu must be held.
func (k *Keyring) sweep(now time.Time) {
	for s, c := range k.cache {
		if !now.Before(c.expires) {
			delete(k.cache, s)
		}
	}
	if len(k.cache) >= maxCached {
		clear(k.cache)
	}
}

// wrapKey seals a raw data key under the master wrap key, bound to subject.
func (k *Keyring) wrapKey(subject string, raw []byte) []byte {
	defer clear(raw)
	return seal(k.wrap, raw, []byte(subject))
}
