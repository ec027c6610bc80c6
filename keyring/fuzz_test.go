package keyring_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/veilhq/veil/keyring"
)

// FuzzOpen checks that arbitrary input never panics and is never accepted:
// only ciphertexts made by Seal open.
func FuzzOpen(f *testing.F) {
	master := bytes.Repeat([]byte{7}, keyring.KeySize)
	ks := newMemKeys()
	kr, err := keyring.New(master, ks)
	if err != nil {
		f.Fatal(err)
	}
	good, err := kr.Seal(context.Background(), "subj", []byte("seed"), []byte("aad"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, []byte("aad"))
	f.Add([]byte{1}, []byte(nil))
	f.Add(bytes.Repeat([]byte{1}, 40), []byte("aad"))
	f.Fuzz(func(t *testing.T, ct, aad []byte) {
		pt, err := kr.Open(context.Background(), "subj", ct, aad)
		if bytes.Equal(ct, good) && bytes.Equal(aad, []byte("aad")) {
			if err != nil || string(pt) != "seed" {
				t.Fatalf("genuine ciphertext: %q, %v", pt, err)
			}
			return
		}
		if !errors.Is(err, keyring.ErrInvalidCiphertext) {
			t.Fatalf("Open(%x) = %q, %v; want ErrInvalidCiphertext", ct, pt, err)
		}
	})
}

// FuzzSealOpen checks the round trip for any plaintext and aad.
func FuzzSealOpen(f *testing.F) {
	kr, err := keyring.New(bytes.Repeat([]byte{9}, keyring.KeySize), newMemKeys())
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("hello"), []byte("vault"))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, pt, aad []byte) {
		ct, err := kr.Seal(context.Background(), "subj", pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		got, err := kr.Open(context.Background(), "subj", ct, aad)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("round trip = %x, %v; want %x", got, err, pt)
		}
	})
}

// FuzzParseMasterKey checks that parsing never panics, accepts only 32-byte
// keys, and never echoes its input in an error.
func FuzzParseMasterKey(f *testing.F) {
	f.Add(keyring.GenerateMasterKey())
	f.Add("")
	f.Add("not base64")
	f.Fuzz(func(t *testing.T, s string) {
		key, err := keyring.ParseMasterKey(s)
		if err == nil {
			if len(key) != keyring.KeySize {
				t.Fatalf("accepted a %d-byte key", len(key))
			}
			return
		}
		if in := strings.TrimSpace(s); len(in) >= 8 && strings.Contains(err.Error(), in) {
			t.Fatalf("error %q echoes the input", err)
		}
	})
}
