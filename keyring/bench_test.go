package keyring_test

import (
	"fmt"
	"testing"

	"github.com/veilhq/veil/keyring"
)

func BenchmarkSeal(b *testing.B) {
	for _, size := range []int{256, 4096} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			kr := newKeyring(b, newMaster(b), newMemKeys())
			pt, aad := make([]byte, size), []byte("vault")
			mustSeal(b, kr, "subj", pt, aad) // create and cache the key
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := kr.Seal(b.Context(), "subj", pt, aad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, size := range []int{256, 4096} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			kr := newKeyring(b, newMaster(b), newMemKeys())
			aad := []byte("vault")
			ct := mustSeal(b, kr, "subj", make([]byte, size), aad)
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := kr.Open(b.Context(), "subj", ct, aad); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenUncached measures a cache miss: KeyStore read plus unwrap.
func BenchmarkOpenUncached(b *testing.B) {
	kr := newKeyring(b, newMaster(b), newMemKeys(), keyringNoCache())
	ct := mustSeal(b, kr, "subj", make([]byte, 256), nil)
	for b.Loop() {
		if _, err := kr.Open(b.Context(), "subj", ct, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSubject(b *testing.B) {
	kr := newKeyring(b, newMaster(b), newMemKeys())
	for b.Loop() {
		kr.Subject("+14155550100")
	}
}

func keyringNoCache() keyring.Option { return keyring.WithCacheTTL(0) }
